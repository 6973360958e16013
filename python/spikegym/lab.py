"""spikegym's agents and lab from Python: train one run, step an agent, run a sweep, load its
results as a DataFrame and compare them, the same computations as the command line's.

    import spikegym
    df = spikegym.train(preset="cartpole_solve", env="CartPole-v1", episodes=300, seed=1)
    df["return"].rolling(100).mean().plot()             # pandas + matplotlib

    s = spikegym.Session(preset="cartpole_solve", env="CartPole-v1", seed=1)
    row = s.run_episode()                               # one training episode, as train runs it
    w = s.weights(s.projection_names[0])                # (pre, post) float32 copy, NaN: none

    spikegym.run("experiments/quickstart.yaml", jobs=2)  # resumable, like `spikegym run`
    episodes = spikegym.load_results("results/quickstart")
    table = spikegym.compare("results/quickstart")     # one row per group, IQM and its CI

Settings are given as `sets={"learning_rule": "mstdp", "rule.tau_c_ms": 500}` (the command
line's --set key=value; env.<name> sets an env parameter). Bad input raises ValueError with the
command line's one-line message; a missing file raises FileNotFoundError; Ctrl-C stops a run
between episodes (KeyboardInterrupt) and a sweep between runs' episodes (runs in flight are
marked interrupted and resume on the next run()).
"""

import csv
import os
import warnings

import numpy as np

from . import _core

try:  # pandas is a Debian package (python3-pandas) the project installs; fall back without it
    import pandas as _pd
except ImportError:  # pragma: no cover
    _pd = None

__all__ = ["train", "Session", "run", "load_results", "compare"]


def _text(value):
    """A Python value as the text --set takes (YAML scalars)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def _sets(sets):
    if sets is None:
        return []
    if isinstance(sets, dict):
        return [f"{k}={_text(v)}" for k, v in sets.items()]
    return [str(s) for s in sets]  # already "key=value"


def _must_exist(path, what):
    if path is not None and not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such {what}")


def _frame(columns, rows):
    """A DataFrame (pandas) or a dict of NumPy arrays (no pandas)."""
    if _pd is not None:
        return _pd.DataFrame(rows, columns=columns)
    return {c: np.array([r[i] for r in rows]) for i, c in enumerate(columns)}


def train(env=None, agent=None, *, preset=None, config=None, sets=None, episodes=None, seed=1,
          load=None, save=None, eval_every=0, eval_episodes=10):
    """One run, resolved and computed exactly as `spikegym train` does with the same arguments
    (--env, --agent, --preset, --config, --set, --episodes, --seed, --load, --save): a row per
    episode (episode, return, length, truncated, eval, the env's metrics, the agent's
    diagnostics, the cost columns). eval_every > 0 adds evaluation episodes (learning off, eval
    = True) as `spikegym run` does. Returns a pandas DataFrame; df.attrs["notes"] has what the
    command line prints as notes."""
    _must_exist(config, "experiment file")
    _must_exist(load, "checkpoint")
    kwargs = dict(env=env, agent=agent, preset=preset, config=config, sets=_sets(sets),
                  episodes=episodes, seed=seed, load=load, save=save, eval_every=eval_every,
                  eval_episodes=eval_episodes)
    if env is None and config is None:
        kwargs["env"] = "CartPole-v1"
    out = _core.train(**kwargs)
    df = _frame(out["columns"], out["rows"])
    if _pd is not None:
        df.attrs["notes"] = list(out["notes"])
    for note in out["notes"]:
        warnings.warn(note, stacklevel=2)
    return df


class Session(_core.Session):
    """An env and an agent (resolved like train()), stepped from Python.

    run_episode(learning=True) plays one episode the way train() does (the first call's row
    equals train()'s first row); act(obs) / observe(next_obs, reward, terminated, truncated)
    drive the agent from your own loop instead (episode_start() before each episode).
    weights(projection) returns a read-only (pre, post) float32 copy (NaN where there is no
    synapse); set_recording(True) then window_spikes(pop) gives read-only (steps, neurons) of
    the last action window; population_names, projection_names, dopamine, mean_eligibility,
    learning, env_id and agent_type are properties. save(path) / load(path) write and read
    checkpoints (the CLI's --save / --load)."""

    def __init__(self, env=None, agent=None, *, preset=None, config=None, sets=None, seed=1,
                 load=None):
        _must_exist(config, "experiment file")
        _must_exist(load, "checkpoint")
        if env is None and config is None:
            env = "CartPole-v1"
        super().__init__(env=env, agent=agent, preset=preset, config=config, sets=_sets(sets),
                         seed=seed, load=load)

    def act(self, obs):
        return super().act(np.asarray(obs, dtype=np.float64).ravel())

    def observe(self, next_obs, reward, terminated, truncated, info=None):
        super().observe(np.asarray(next_obs, dtype=np.float64).ravel(), float(reward),
                        bool(terminated), bool(truncated), dict(info or {}))

    def weights(self, projection):
        w = super().weights(projection)
        w.flags.writeable = False
        return w

    def window_spikes(self, population):
        steps, neurons = super().window_spikes(population)
        steps.flags.writeable = False
        neurons.flags.writeable = False
        return steps, neurons

    def save(self, path):
        super().save(str(path))

    def load(self, path):
        _must_exist(path, "checkpoint")
        super().load(str(path))


def run(experiment, jobs=0, *, sets=None, out="results"):
    """`spikegym run FILE [-j JOBS] [--set ...] [--out OUT]`: every run of the experiment not
    complete yet, on `jobs` threads (0: every core), into OUT/<name>/. Returns a dict: folder,
    total, skipped (complete before), complete, failed, interrupted, failures, warnings and the
    per-cell summary lines."""
    _must_exist(experiment, "experiment file")
    return _core.run_sweep(str(experiment), _sets(sets), int(jobs), str(out))


def load_results(folder):
    """Every complete run of a results folder (results/<name>) as one DataFrame: the rows of
    each run's episodes.csv, then one column per setting of its config.yaml (the resolved
    configuration, e.g. "agent.learning_rule", "env.id"). Runs that are not complete (running,
    failed, interrupted, damaged, stale, missing) are left out, said in one warning."""
    _must_exist(folder, "results folder")
    runs = _core.runs(str(folder))
    frames, left_out = [], {}
    for r in runs:
        if r["status"] != "complete":
            left_out[r["status"]] = left_out.get(r["status"], 0) + 1
            continue
        with open(r["episodes_csv"], newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        config = {k: v for k, v in r["config"].items() if k not in header}
        frames.append((header, body, config))
    if left_out:
        what = ", ".join(f"{n} {kind}" for kind, n in sorted(left_out.items()))
        warnings.warn(f"{folder}: left out {sum(left_out.values())} runs that are not complete: "
                      f"{what} (spikegym status lists them)", stacklevel=2)
    if not frames:
        raise ValueError(f"{folder}: no complete runs; run the sweep first")
    if _pd is None:
        raise ImportError("load_results needs pandas (Debian: python3-pandas)")
    parts = []
    for header, body, config in frames:
        df = _pd.DataFrame(body, columns=header)
        for c in df.columns:  # numbers as numbers, empty cells as NaN, text as text
            if c == "run_id":
                continue
            converted = _pd.to_numeric(df[c], errors="coerce")
            if converted.notna().sum() == (df[c] != "").sum():
                df[c] = converted
        for k, v in config.items():
            df[k] = v
        parts.append(df)
    return _pd.concat(parts, ignore_index=True)


def compare(*folders, by=None, metric="return", score="last:100", plots=("svg", "png"),
            out=""):
    """`spikegym compare FOLDER... [--by ...] [--metric ...] [--score ...]`: groups of runs
    ranked by the IQM of their scores with 95% bootstrap CIs. Returns a DataFrame, a row per
    group, best first (group, the --by values, n_runs, mean, std, median, iqm, iqm_ci_low,
    iqm_ci_high, frac_solved); attrs["table"] is the printed table (per-class and cost tables
    included), attrs["warnings"] the warning lines, attrs["out_dir"] where CSVs and figures went
    (plots=() for none)."""
    if not folders:
        raise ValueError("compare: give at least one results folder")
    for f in folders:
        _must_exist(f, "results folder")
    by = [by] if isinstance(by, str) else list(by or [])
    r = _core.compare([str(f) for f in folders], by, metric, score, list(plots), str(out))
    if _pd is None:
        return r
    df = _pd.DataFrame(r["groups"])
    df.attrs["table"] = r["table"]
    df.attrs["warnings"] = list(r["warnings"])
    df.attrs["out_dir"] = r["out_dir"]
    for w in r["warnings"]:
        warnings.warn(w, stacklevel=2)
    return df
