"""Train the solving preset on CartPole-v1 from Python and plot its learning curve (README,
"From Python"). Run: PYTHONPATH=build/python /usr/bin/python3 examples/train_from_python.py"""
import matplotlib
matplotlib.use("Agg")                                   # no display needed
import matplotlib.pyplot as plt
import spikegym

df = spikegym.train(preset="cartpole_solve", env="CartPole-v1", episodes=1000, seed=1)
ax = df["return"].plot(alpha=0.3, label="episode return")
df["return"].rolling(100).mean().plot(ax=ax, label="mean of the last 100")
ax.axhline(475, ls="--", c="k", label="solved (475)")
ax.set(xlabel="training episode", ylabel="return", title="cartpole_solve, seed 1 (spikegym.train)")
ax.legend(loc="lower right")
plt.savefig("docs/figures/python_cartpole_solve.png", dpi=100)
print(df["return"].tail(100).mean())
