"""The Python envs (spikegym package, python/): Gymnasium's contract, equality with the C++
env step for step, batched = single, errors as Python exceptions. Run by ctest (`make test`)
with Debian's /usr/bin/python3, PYTHONPATH=build/python and SPIKEGYM_BIN=build/spikegym."""

import csv
import io
import os
import subprocess
import unittest

import numpy as np

import spikegym


class EnvContract(unittest.TestCase):
    def test_spaces_are_gymnasiums(self):
        env = spikegym.make("CartPole-v1")
        space = env.observation_space
        self.assertEqual(space.shape, (4,))
        self.assertEqual(space.dtype, np.float32)
        # Gymnasium's classic_control/cartpole.py: high = [x_threshold * 2, float32 max,
        # theta_threshold_radians * 2, float32 max] with x_threshold = 2.4 and
        # theta_threshold_radians = 12 * 2 * pi / 360, as float32.
        f32max = np.finfo(np.float32).max
        high = np.array([2.4 * 2, f32max, 12 * 2 * np.pi / 360 * 2, f32max], dtype=np.float32)
        np.testing.assert_array_equal(space.high, high)
        np.testing.assert_array_equal(space.low, -high)
        self.assertEqual(env.action_space.n, 2)
        self.assertEqual(env.spec.max_episode_steps, 500)
        self.assertEqual(env.spec.reward_threshold, 475.0)
        self.assertIn("Digits-v0", spikegym.registry())

    def test_reset_step_types_and_seeding(self):
        env = spikegym.make("CartPole-v1")
        obs, info = env.reset(seed=5)
        self.assertEqual(obs.dtype, np.float32)
        self.assertIsInstance(info, dict)
        again, _ = env.reset(seed=5)
        np.testing.assert_array_equal(obs, again)
        obs, reward, terminated, truncated, info = env.step(1)
        self.assertEqual((type(reward), type(terminated), type(truncated)), (float, bool, bool))
        self.assertTrue(env.observation_space.contains(obs))

    def test_terminated_and_truncated(self):
        env = spikegym.make("CartPole-v1")
        env.reset(seed=0)
        steps, terminated = 0, False
        while not terminated:  # always pushing left: the pole falls, the task ends
            _, _, terminated, truncated, info = env.step(0)
            steps += 1
            self.assertFalse(truncated)
        self.assertLess(steps, 50)
        self.assertEqual(info["pole_fell"] + info["cart_out_of_bounds"], 1.0)
        forage = spikegym.make("Foraging-v0")
        forage.reset(seed=1)
        for t in range(1000):  # the robot never dies: the time limit ends it at step 1000
            _, _, terminated, truncated, _ = forage.step(t % 3)
        self.assertFalse(terminated)
        self.assertTrue(truncated)

    def test_equals_the_cpp_env_step_for_step(self):
        # `spikegym rollout` prints the C++ env's float64 states; the Python env must give the
        # same numbers (its float32 observation is their cast).
        actions = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1]
        out = subprocess.run([os.environ["SPIKEGYM_BIN"], "rollout", "--env", "CartPole-v1",
                              "--seed", "3", "--actions", ",".join(map(str, actions))],
                             check=True, capture_output=True, text=True).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        env = spikegym.make("CartPole-v1")
        obs, _ = env.reset(seed=3)
        names = ["x", "x_dot", "theta", "theta_dot"]
        raw = env._env.reset(3)[0]
        np.testing.assert_array_equal(raw, [float(rows[0][n]) for n in names])
        np.testing.assert_array_equal(obs, raw.astype(np.float32))
        for t, a in enumerate(actions, start=1):
            obs, reward, terminated, truncated, _ = env.step(a)
            want = np.array([float(rows[t][n]) for n in names])
            np.testing.assert_array_equal(obs, want.astype(np.float32))
            self.assertEqual(reward, float(rows[t]["reward"]))
            self.assertEqual(terminated, rows[t]["terminated"] == "1")


class VectorEnvContract(unittest.TestCase):
    def test_batched_equals_single_with_next_step_autoreset(self):
        n = 4
        vec = spikegym.make_vec("CartPole-v1", num_envs=n)
        singles = [spikegym.make("CartPole-v1") for _ in range(n)]
        obs, _ = vec.reset(seed=10)
        self.assertEqual(obs.shape, (n, 4))
        for i, e in enumerate(singles):
            np.testing.assert_array_equal(obs[i], e.reset(seed=10 + i)[0])
        rng = np.random.default_rng(0)
        ended = [False] * n
        resets = 0
        for _ in range(300):
            actions = rng.integers(2, size=n)
            obs, rewards, terminated, truncated, _ = vec.step(actions)
            for i, e in enumerate(singles):
                if ended[i]:
                    want, _ = e.reset()
                    want_r, want_term, want_trunc = 0.0, False, False
                    ended[i] = False
                    resets += 1
                else:
                    want, want_r, want_term, want_trunc, _ = e.step(actions[i])
                    ended[i] = want_term or want_trunc
                np.testing.assert_array_equal(obs[i], want)
                self.assertEqual(rewards[i], want_r)
                self.assertEqual(bool(terminated[i]), want_term)
                self.assertEqual(bool(truncated[i]), want_trunc)
        self.assertGreater(resets, 0)

    def test_views_are_not_copies(self):
        vec = spikegym.make_vec("CartPole-v1", num_envs=8)
        vec.reset(seed=1)
        obs, rewards, terminated, truncated = vec.step_float64(np.zeros(8, dtype=np.int64))
        self.assertEqual(obs.dtype, np.float64)
        self.assertFalse(obs.flags.writeable)
        self.assertFalse(obs.flags.owndata)  # a view of the batch's own array
        self.assertEqual(terminated.dtype, np.bool_)


class Errors(unittest.TestCase):
    def test_bad_input_is_a_python_exception_with_the_message(self):
        with self.assertRaisesRegex(ValueError, "did you mean 'CartPole-v1'"):
            spikegym.make("CartPole-v0")
        with self.assertRaisesRegex(ValueError, "force_n"):
            spikegym.make("CartPole-v1", force=3)
        env = spikegym.make("CartPole-v1")
        with self.assertRaisesRegex(RuntimeError, r"call reset\(\) first"):
            env.step(0)
        env.reset(seed=0)
        with self.assertRaises(RuntimeError):
            env.step(5)  # outside Discrete(2)
        vec = spikegym.make_vec("CartPole-v1", num_envs=3)
        vec.reset(seed=0)
        with self.assertRaisesRegex(RuntimeError, "expected 3 integer actions"):
            vec.step(np.zeros(2, dtype=np.int64))


if __name__ == "__main__":
    unittest.main()


class Render(unittest.TestCase):
    def test_rgb_array_shows_the_state(self):
        env = spikegym.make("CartPole-v1", render_mode="rgb_array")
        obs, _ = env.reset(seed=3)
        img = env.render()
        self.assertEqual(img.shape, (400, 600, 3))
        self.assertEqual(img.dtype, np.uint8)

        # The cart is centred where x is: the image's middle plus x times the scale, whose
        # width in pixels is the drawn 0.4 m cart.
        black = np.all(img == 0, axis=2)
        cart_rows = np.where((black.sum(axis=1) > 10) & (black.sum(axis=1) < 200))[0]
        self.assertGreater(len(cart_rows), 5)
        cols = np.where(black[cart_rows].any(axis=0))[0]
        scale = 600 / (2 * 2 * 2.4)  # drawBounds: +-2 x_threshold across 600 px
        self.assertAlmostEqual(cols.mean() + 0.5, 300 + obs[0] * scale, delta=1.0)
        self.assertAlmostEqual(len(cols), 0.4 * scale, delta=1.0)
        for _ in range(8):
            obs, _, terminated, _, _ = env.step(1)
            self.assertFalse(terminated)
        black = np.all(env.render() == 0, axis=2)
        cols = np.where(black[cart_rows].any(axis=0))[0]
        self.assertAlmostEqual(cols.mean() + 0.5, 300 + obs[0] * scale, delta=1.0)
        self.assertIsNone(spikegym.make("CartPole-v1").render())
        with self.assertRaises(ValueError):
            spikegym.make("CartPole-v1", render_mode="human")
