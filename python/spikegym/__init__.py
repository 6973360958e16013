"""spikegym for Python: the C++ envs with Gymnasium's API, and the agents and lab (train,
Session, run, load_results, compare: see spikegym.lab).

    import spikegym
    env = spikegym.make("CartPole-v1")
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(1)

    envs = spikegym.make_vec("CartPole-v1", num_envs=1024)
    obs, info = envs.reset(seed=1)           # (1024, 4) float32
    obs, rewards, terminated, truncated, info = envs.step(actions)

Spaces carry low / high / shape / dtype as Gymnasium's do; observations are float32 like
Gymnasium's CartPole (the C++ env computes in float64 and the cast is exactly Gymnasium's).
When gymnasium is importable the envs subclass gymnasium.Env and gymnasium.vector.VectorEnv;
otherwise they are duck-typed to the same API. make_vec autoresets in Gymnasium 1.x's default
next-step mode: the step after a sub-env's episode ended resets it, ignores its action and
returns reward 0 with both flags false.
"""

import numpy as np

from . import _core

try:  # Gymnasium is not packaged in Debian: subclass it only when a user has it.
    import gymnasium as _gym

    _EnvBase = _gym.Env
    _VectorBase = _gym.vector.VectorEnv
except ImportError:  # pragma: no cover - the Debian test machine has no gymnasium
    _gym = None
    _EnvBase = object
    _VectorBase = object

__all__ = ["make", "make_vec", "registry", "Box", "Discrete", "UserError", "train", "Session",
           "run", "load_results", "compare"]

UserError = _core.UserError


class Discrete:
    """Gymnasium's Discrete(n): integers 0 .. n - 1."""

    def __init__(self, n):
        self.n = int(n)
        self.shape = ()
        self.dtype = np.dtype(np.int64)

    def contains(self, x):
        return isinstance(x, (int, np.integer)) and 0 <= int(x) < self.n

    def sample(self, rng=None):
        rng = rng if rng is not None else np.random.default_rng()
        return int(rng.integers(self.n))

    def __repr__(self):
        return f"Discrete({self.n})"


class Box:
    """Gymnasium's Box(low, high, shape, dtype)."""

    def __init__(self, low, high, shape, dtype=np.float32):
        self.dtype = np.dtype(dtype)
        self.shape = tuple(int(s) for s in shape)
        self.low = np.asarray(low, dtype=np.float64).astype(self.dtype).reshape(self.shape)
        self.high = np.asarray(high, dtype=np.float64).astype(self.dtype).reshape(self.shape)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all(x >= self.low) and np.all(x <= self.high))

    def sample(self, rng=None):
        rng = rng if rng is not None else np.random.default_rng()
        lo = np.where(np.isfinite(self.low), self.low, -1.0)
        hi = np.where(np.isfinite(self.high), self.high, 1.0)
        return rng.uniform(lo, hi).astype(self.dtype)

    def __repr__(self):
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


def _space(d, dtype=np.float32):
    if d["kind"] == "discrete":
        return Discrete(d["n"])
    return Box(d["low"], d["high"], d["shape"], dtype)


def registry():
    """Every env id with its spec (max_episode_steps, reward_threshold, summary, ...)."""
    return {i: _core.env_spec(i) for i in _core.env_ids()}


class _Spec:
    def __init__(self, d):
        self.id = d["id"]
        self.max_episode_steps = d["max_episode_steps"] or None
        self.reward_threshold = d["reward_threshold"]
        self.summary = d["summary"]

    def __repr__(self):
        return f"EnvSpec(id={self.id!r})"


class SpikegymEnv(_EnvBase):
    """One C++ env behind Gymnasium's API (make() builds it)."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(self, env_id, seed=0, render_mode=None, **params):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r}: expected None or 'rgb_array'")
        self.render_mode = render_mode
        self._env = _core.Env.make(env_id, seed, {k: str(v) for k, v in params.items()})
        self.observation_space = _space(self._env.observation_space)
        self.action_space = _space(self._env.action_space)
        self.spec = _Spec(_core.env_spec(env_id))

    def reset(self, *, seed=None, options=None):
        if options:
            raise ValueError("spikegym envs take no reset options from Python yet")
        obs, info = self._env.reset(seed)
        return obs.astype(np.float32), info

    def step(self, action):
        if isinstance(self.action_space, Discrete):
            action = int(action)
        else:
            action = [float(a) for a in np.asarray(action, dtype=np.float64).ravel()]
        obs, reward, terminated, truncated, info = self._env.step(action)
        return obs.astype(np.float32), float(reward), bool(terminated), bool(truncated), info

    def render(self):
        """render_mode="rgb_array": the env as the viewer draws it, a (400, 600, 3) uint8 image
        painted in memory (no window; text labels are not drawn). None otherwise."""
        if self.render_mode != "rgb_array":
            return None
        return self._env.render(600, 400)

    def close(self):
        pass


class SpikegymVectorEnv(_VectorBase):
    """N copies of a C++ env stepped in one C++ call (make_vec() builds it)."""

    metadata = {"autoreset_mode": "NextStep"}

    def __init__(self, env_id, num_envs, seed=0, **params):
        self._vec = _core.VectorEnv(env_id, int(num_envs), seed,
                                    {k: str(v) for k, v in params.items()})
        self.num_envs = int(num_envs)
        self.single_observation_space = _space(self._vec.single_observation_space)
        self.single_action_space = _space(self._vec.single_action_space)
        low, high = self.single_observation_space.low, self.single_observation_space.high
        self.observation_space = Box(np.broadcast_to(low, (self.num_envs,) + low.shape),
                                     np.broadcast_to(high, (self.num_envs,) + high.shape),
                                     (self.num_envs,) + low.shape)
        self.action_space = Box(np.zeros(self.num_envs),
                                np.full(self.num_envs, self.single_action_space.n - 1),
                                (self.num_envs,), np.int64) \
            if isinstance(self.single_action_space, Discrete) else None
        self.spec = _Spec(_core.env_spec(env_id))

    def reset(self, *, seed=None, options=None):
        if options:
            raise ValueError("spikegym envs take no reset options from Python yet")
        return self._vec.reset(seed).astype(np.float32), {}

    def step(self, actions):
        obs, rewards, terminated, truncated = self._vec.step(np.asarray(actions, dtype=np.int64))
        return obs.astype(np.float32), rewards, terminated, truncated, {}

    def step_float64(self, actions):
        """The same without the float32 cast: read-only views of the batch's own arrays (no
        copy), valid until the next call."""
        return self._vec.step(np.asarray(actions, dtype=np.int64))

    def close(self):
        pass


def make(env_id, seed=0, render_mode=None, **params):
    """A Gymnasium-style env: spikegym.make("CartPole-v1", force_n=12); render_mode="rgb_array"
    makes render() return an image."""
    return SpikegymEnv(env_id, seed, render_mode, **params)


def make_vec(env_id, num_envs=1, seed=0, **params):
    """N copies stepped in one C++ call (next-step autoreset; sub-env i seeded with seed + i)."""
    return SpikegymVectorEnv(env_id, num_envs, seed, **params)


from .lab import Session, compare, load_results, run, train  # noqa: E402 (after the envs)
