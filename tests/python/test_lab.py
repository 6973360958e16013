"""The agents and lab from Python (spikegym.lab): train() equals the command line's train with
the same arguments, a Session plays the same episodes, weights are read-only copies, checkpoints
round-trip, run / load_results / compare on a small sweep, errors as Python exceptions, Ctrl-C.
Run by ctest with PYTHONPATH=build/python and SPIKEGYM_BIN=build/spikegym."""

import _thread
import csv
import io
import os
import subprocess
import tempfile
import threading
import unittest

import numpy as np

import spikegym

BIN = os.environ.get("SPIKEGYM_BIN", "build/spikegym")


def cli_train(*args):
    """`spikegym train ARGS` as a list of rows (dicts of text)."""
    out = subprocess.run([BIN, "train", *args], capture_output=True, text=True, check=True)
    return list(csv.DictReader(io.StringIO(out.stdout)))


class TrainEqualsTheCli(unittest.TestCase):
    def test_preset_run_is_the_clis_row_for_row(self):
        # The solving preset with its critic, sampled softmax and R-STDP: every column the CLI
        # prints (%.10g) equals the DataFrame's value printed the same way.
        df = spikegym.train(preset="cartpole_solve", episodes=40, seed=3)
        cli = cli_train("--preset", "cartpole_solve", "--episodes", "40", "--seed", "3")
        self.assertEqual(len(df), 40)
        self.assertEqual(len(cli), 40)
        self.assertTrue(set(cli[0]) <= set(df.columns) | {"truncated"})
        for i, row in enumerate(cli):
            for column, text in row.items():
                value = df[column].iloc[i]
                value = int(value) if column == "truncated" else value
                self.assertEqual(float(text), float("%.10g" % value), (i, column))
        self.assertFalse(df["eval"].any())

    def test_sets_and_env_parameters_reach_the_run(self):
        df = spikegym.train(agent="random", env="CartPole-v1", episodes=5, seed=2,
                            sets={"env.force_n": 5})
        cli = cli_train("--agent", "random", "--episodes", "5", "--seed", "2",
                        "--set", "env.force_n=5")
        self.assertEqual([float(r["return"]) for r in cli], df["return"].tolist())

    def test_evaluation_episodes_are_marked_and_leave_training_alone(self):
        plain = spikegym.train(preset="cartpole_solve", episodes=6, seed=1)
        with_eval = spikegym.train(preset="cartpole_solve", episodes=6, seed=1, eval_every=3,
                                   eval_episodes=2)
        self.assertEqual(int(with_eval["eval"].sum()), 4)
        training = with_eval[~with_eval["eval"]]
        self.assertEqual(training["return"].tolist(), plain["return"].tolist())


class Sessions(unittest.TestCase):
    def test_run_episode_plays_trains_episodes(self):
        df = spikegym.train(preset="cartpole_solve", episodes=5, seed=4)
        s = spikegym.Session(preset="cartpole_solve", seed=4)
        returns = [s.run_episode()["return"] for _ in range(5)]
        self.assertEqual(returns, df["return"].tolist())

    def test_weights_are_read_only_copies_and_learning_off_freezes_them(self):
        s = spikegym.Session(preset="cartpole_solve", seed=1)
        self.assertEqual(s.projection_names, ["input_output", "lateral_inhibition"])
        w = s.weights("input_output")
        self.assertEqual(w.dtype, np.float32)
        self.assertEqual(w.shape, (48, 32))
        self.assertFalse(w.flags.writeable)
        with self.assertRaises(ValueError):
            w[0, 0] = 1
        s.run_episode(learning=False)
        np.testing.assert_array_equal(s.weights("input_output"), w)
        for _ in range(3):
            s.run_episode()
        self.assertFalse(np.array_equal(s.weights("input_output"), w))
        with self.assertRaisesRegex(ValueError, "did you mean 'input_output'"):
            s.weights("input_outptu")

    def test_own_loop_with_act_and_observe(self):
        env = spikegym.make("CartPole-v1")
        s = spikegym.Session(preset="cartpole_solve", seed=1)
        s.set_recording(True)
        before = s.weights("input_output")
        obs, _ = env.reset(seed=7)
        s.episode_start()
        steps, spikes = 0, 0
        while True:
            a = s.act(obs)
            self.assertIn(a, (0, 1))
            spikes += len(s.window_spikes("input")[0])
            obs, reward, terminated, truncated, _ = env.step(a)
            s.observe(obs, reward, terminated, truncated)
            steps += 1
            if terminated or truncated:
                break
        self.assertGreater(steps, 5)
        self.assertGreater(spikes, 0)
        self.assertFalse(np.array_equal(s.weights("input_output"), before))
        self.assertTrue(np.isfinite(s.dopamine))

    def test_checkpoints_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            s = spikegym.Session(preset="cartpole_solve", seed=1)
            for _ in range(3):
                s.run_episode()
            path = os.path.join(d, "agent.ckpt")
            s.save(path)
            t = spikegym.Session(preset="cartpole_solve", seed=9, load=path)
            np.testing.assert_array_equal(t.weights("input_output"), s.weights("input_output"))
            with self.assertRaisesRegex(ValueError, "agent.ckpt"):
                spikegym.Session(agent="reinforce", seed=1, load=path)


class Lab(unittest.TestCase):
    def test_run_load_results_compare(self):
        with tempfile.TemporaryDirectory() as d:
            exp = os.path.join(d, "e.yaml")
            with open(exp, "w") as f:
                f.write("name: e\nenv: {id: CartPole-v1}\nagent: {type: random}\n"
                        "train: {episodes: 7}\nseeds: 3\n"
                        "sweep: {grid: {env.force_n: [5, 10]}}\n")
            out = os.path.join(d, "r")
            r = spikegym.run(exp, jobs=2, out=out)
            self.assertEqual((r["total"], r["complete"], r["failed"]), (6, 6, 0))
            again = spikegym.run(exp, jobs=2, out=out)  # resumable: nothing left to run
            self.assertEqual(again["skipped"], 6)
            df = spikegym.load_results(r["folder"])
            self.assertEqual(len(df), 6 * 7)
            for column in ("run_id", "seed", "episode", "return", "env.force_n", "agent.type"):
                self.assertIn(column, df.columns)
            self.assertEqual(sorted(df["env.force_n"].unique()), ["10", "5"])
            self.assertIn(df["return"].dtype.kind, "if")  # numbers, not text
            # The same episodes as each run's file: the first run's returns.
            first = df[df["run_id"] == df["run_id"].iloc[0]]
            self.assertEqual(first["episode"].tolist(), list(range(7)))
            table = spikegym.compare(r["folder"], by="env.force_n", plots=())
            self.assertEqual(sorted(table["group"]), ["10", "5"])
            self.assertEqual(table["n_runs"].tolist(), [3, 3])
            # The groups' means are the means of the runs' scores (last:100 = every episode).
            for _, g in table.iterrows():
                runs = df[df["env.force_n"] == g["group"]].groupby("run_id")["return"].mean()
                self.assertAlmostEqual(g["mean"], runs.mean(), places=9)
            self.assertIn("rank", table.attrs["table"])
            # A damaged run is left out with one warning.
            bad = first["run_id"].iloc[0]
            with open(os.path.join(r["folder"], bad, "episodes.csv"), "a") as f:
                f.write("x\n")
            with self.assertWarnsRegex(UserWarning, "left out 1 runs that are not complete"):
                df2 = spikegym.load_results(r["folder"])
            self.assertEqual(len(df2), 5 * 7)


class Errors(unittest.TestCase):
    def test_bad_input_is_a_value_error_with_the_clis_message(self):
        with self.assertRaisesRegex(ValueError, "did you mean 'cartpole_solve'"):
            spikegym.train(preset="cartpole_solv", episodes=1)
        with self.assertRaisesRegex(ValueError, "learning_rul"):
            spikegym.train(episodes=1, sets={"learning_rul": "mstdp"})
        with self.assertRaisesRegex(ValueError, "episodes 0"):
            spikegym.train(episodes=0)
        with self.assertRaisesRegex(ValueError, "unknown env"):
            spikegym.Session(env="CartPoel-v1")
        with self.assertRaises(ValueError):
            spikegym.Session().act([0.0, 0.0])  # 2 numbers for a 4-number observation

    def test_missing_files_are_file_not_found(self):
        with self.assertRaises(FileNotFoundError):
            spikegym.train(config="/nonexistent/e.yaml")
        with self.assertRaises(FileNotFoundError):
            spikegym.run("/nonexistent/e.yaml")
        with self.assertRaises(FileNotFoundError):
            spikegym.load_results("/nonexistent/results")
        with self.assertRaises(FileNotFoundError):
            spikegym.Session(load="/nonexistent/agent.ckpt")

    def test_ctrl_c_stops_a_long_run_between_episodes(self):
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            spikegym.train(preset="cartpole_solve", episodes=1000000, seed=1)
        timer.cancel()

    def test_ctrl_c_stops_a_sweep_and_marks_its_run_interrupted(self):
        with tempfile.TemporaryDirectory() as d:
            exp = os.path.join(d, "e.yaml")
            with open(exp, "w") as f:
                f.write("name: e\nenv: {id: CartPole-v1}\nagent: {type: random}\n"
                        "train: {episodes: 100000000}\nseeds: 1\n")
            timer = threading.Timer(0.3, _thread.interrupt_main)
            timer.start()
            with self.assertRaises(KeyboardInterrupt):
                spikegym.run(exp, jobs=1, out=os.path.join(d, "r"))
            timer.cancel()
            runs = spikegym._core.runs(os.path.join(d, "r", "e"))
            self.assertEqual([r["status"] for r in runs], ["interrupted"])


if __name__ == "__main__":
    unittest.main()
