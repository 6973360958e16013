#!/usr/bin/env python3
"""Brian2 speed benchmark: Izhikevich (2007) distal-reward / DA-modulated STDP network.

Reference model: E. M. Izhikevich, "Solving the distal reward problem through
linkage of STDP and dopamine signaling", Cerebral Cortex 17:2443-2452 (2007).
Written from the model equations (not derived from any existing Brian2 code);
used to compare spikegym's simulator speed against Brian2 on the same machine.

Run (Debian package python3-brian; use the system interpreter):
    /usr/bin/python3 bench/brian2_distal_reward.py --mode cython --sim-s 60
    /usr/bin/python3 bench/brian2_distal_reward.py --mode cpp_standalone --sim-s 60
    /usr/bin/python3 bench/brian2_distal_reward.py --mode numpy --sim-s 10

Network (all in Izhikevich units: mV, ms, dimensionless currents):
  * 800 excitatory RS (a=0.02,b=0.2,c=-65,d=8) + 200 inhibitory FS
    (a=0.1,b=0.2,c=-65,d=2) neurons; v' = 0.04v^2+5v+140-u+I, u' = a(bv-u);
    spike if v >= 30: v=c, u+=d.  Initial v=-65, u=b*v.
  * Integration (dt = 1 ms): implemented as a custom per-step update in a
    `run_regularly` block on the NeuronGroup (no Brian2 `method=`): v gets two
    explicit-Euler half-steps of 0.5 ms, then u one 1 ms Euler step using the
    new v -- exactly as in Izhikevich's C code.
  * I = uniform noise in [-6.5, 6.5] drawn fresh each step + synaptic input
    accumulated since the last step; the synaptic accumulator is reset every
    step.
  * 100 outgoing synapses per neuron, random distinct targets, no self
    connections (drawn with numpy, same connectivity in all modes for a given
    seed). Exc -> any of the 1000 neurons (plastic, w0 = 1.0, clipped [0,4]);
    inh -> excitatory only (fixed w = -1.0).
  * Conduction delay 1 ms: Brian2 per step runs update -> threshold ->
    synapses -> reset. A spike detected at step n is propagated (Brian2 synaptic
    `delay` = 0) into the accumulator I_syn in the same step and enters the
    membrane update of step n+1, i.e. 1 ms later. This is identical to
    Izhikevich's D=1 indexing. (Using Brian2's delay=1*ms on top would give an
    effective 2 ms delay; `--brian-delay-ms 1` exists to measure that variant.)
  * STDP: one trace x per neuron (Izhikevich's LTP/LTD arrays are the same
    trace for pre and post use): set to 0.1 on spike, decays with tau = 20 ms
    (factor exp(-1/20) per step). Per excitatory synapse eligibility c:
    on post spike c += x_pre; on pre spike c -= 1.5 * x_post;
    dc/dt = -c / 1000 ms, integrated every step (clock-driven, exact).
  * Dopamine d (global scalar, `shared` variable of the exc synapses),
    tau_d = 200 ms. Variant used: every 10 ms  w = clip(w + (0.002 + d)*c, 0, 4),
    then d *= exp(-10 ms / 200 ms)  (d only changes on the 10 ms grid, so this
    is exact for exponential decay).
  * Reward: one random exc synapse (n1 -> n2) starts at w = 0. A 1-synapse
    helper Synapses object counts n2 spikes that occur < 20 ms after the last
    n1 spike (all modes). In runtime modes (cython, numpy) a
    `network_operation` (every 10 ms) schedules a d += 0.5 pulse for each such
    event after a uniform 1-3 s delay (pulse times quantised to the 10 ms
    grid). In cpp_standalone network_operations are unsupported, so no
    dopamine is delivered (the counting is still simulated; cost is
    negligible).

Timing:
  build_s     : network construction + code generation/compilation
                (cython: construction + a 100 ms warm-up run, which triggers
                Cython compilation / cache loading; cpp_standalone:
                construction + code generation + make, incl. the code for the
                100 ms warm-up run).
  run_wall_s  : Brian2's own measurement of the main simulation loop of the
                timed run (device._last_run_time; for cpp_standalone it is
                measured inside the binary). Excludes code generation.
  The 100 ms warm-up is run in all modes so the simulated dynamics match.
Single thread: OpenMP disabled for standalone, make -j1, BLAS threads = 1.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import shutil
import tempfile
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=["cython", "cpp_standalone", "numpy"],
                    default="cython")
    ap.add_argument("--sim-s", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--brian-delay-ms", type=float, default=0.0,
                    help="extra Brian2 synaptic delay (0 = effective 1 ms, see header)")
    ap.add_argument("--no-reward", action="store_true",
                    help="disable the reward network_operation in runtime modes")
    args = ap.parse_args()

    t_build0 = time.time()
    import brian2 as b2
    from brian2 import ms, second

    b2.BrianLogger.log_level_warn()
    standalone = args.mode == "cpp_standalone"
    if standalone:
        b2.set_device("cpp_standalone", build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
    else:
        b2.prefs.codegen.target = args.mode
    b2.defaultclock.dt = 1 * ms
    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)

    Ne, Ni = 800, 200
    N = Ne + Ni
    M = 100  # outgoing synapses per neuron
    wmax = 4.0
    warmup = 100 * ms

    G = b2.NeuronGroup(
        N,
        """
        v : 1
        u : 1
        a : 1 (constant)
        b : 1 (constant)
        cr : 1 (constant)
        dr : 1 (constant)
        I_syn : 1
        x : 1
        tlast : second
        """,
        threshold="v >= 30",
        reset="v = cr; u += dr; x = 0.1; tlast = t",
        name="neurons",
    )
    G.a = np.r_[np.full(Ne, 0.02), np.full(Ni, 0.1)]
    G.b = 0.2
    G.cr = -65.0
    G.dr = np.r_[np.full(Ne, 8.0), np.full(Ni, 2.0)]
    G.v = -65.0
    G.u = "b * v"
    G.tlast = -1 * second
    # Custom integration step (see header): two 0.5 ms Euler half-steps for v,
    # one 1 ms step for u, trace decay, reset of the synaptic accumulator.
    G.run_regularly(
        """
        I_tot = I_syn + 13.0 * (rand() - 0.5)
        v += 0.5 * ((0.04 * v + 5.0) * v + 140.0 - u + I_tot)
        v += 0.5 * ((0.04 * v + 5.0) * v + 140.0 - u + I_tot)
        u += a * (b * v - u)
        x *= x_decay
        I_syn = 0
        """,
        when="groups",
        name="izh_update",
    )
    x_decay = float(np.exp(-1.0 / 20.0))

    # Connectivity: M distinct random targets per neuron, no self connections.
    def targets(i, pool):
        cand = pool[pool != i]
        return rng.choice(cand, size=M, replace=False)

    all_idx = np.arange(N)
    exc_idx = np.arange(Ne)
    ex_i = np.repeat(np.arange(Ne), M)
    ex_j = np.concatenate([targets(i, all_idx) for i in range(Ne)])
    in_i = np.repeat(np.arange(Ni), M)  # index within the inhibitory subgroup
    in_j = np.concatenate([targets(Ne + i, exc_idx) for i in range(Ni)])

    delay = args.brian_delay_ms * ms
    tau_c = 1000 * ms
    da_decay10 = float(np.exp(-10.0 / 200.0))

    S_exc = b2.Synapses(
        G[:Ne], G,
        """
        w : 1
        dc/dt = -c / tau_c : 1 (clock-driven)
        d_da : 1 (shared)
        """,
        on_pre="I_syn_post += w\nc -= 1.5 * x_post",
        on_post="c += x_pre",
        method="exact",
        delay=delay,
        name="syn_exc",
    )
    S_exc.connect(i=ex_i, j=ex_j)
    S_exc.w = 1.0
    S_exc.c = 0.0
    S_exc.d_da = 0.0
    # Rewarded synapse: random excitatory synapse, initial weight 0.
    k_rew = int(rng.integers(Ne * M))
    n1, n2 = int(ex_i[k_rew]), int(ex_j[k_rew])
    w0 = np.ones(Ne * M)
    w0[k_rew] = 0.0
    S_exc.w = w0
    # DA-modulated weight update every 10 ms (scalar statements on shared
    # variables are executed before the per-synapse loop, hence two objects to
    # get "update with d, then decay d").
    S_exc.run_regularly("w = clip(w + (0.002 + d_da) * c, 0, wmax)",
                        dt=10 * ms, when="end", order=0, name="da_weight_update")
    S_exc.run_regularly("d_da = d_da * da_decay10",
                        dt=10 * ms, when="end", order=1, name="da_decay")

    S_inh = b2.Synapses(G[Ne:], G[:Ne], "w : 1 (constant)",
                        on_pre="I_syn_post += w", delay=delay, name="syn_inh")
    S_inh.connect(i=in_i, j=in_j)
    S_inh.w = -1.0

    # Reward detector: counts n2 spikes within 20 ms after an n1 spike.
    S_rew = b2.Synapses(G, G, "hits : 1",
                        on_post="hits += int(t - tlast_pre < 20*ms)",
                        name="reward_detector")
    S_rew.connect(i=n1, j=n2)

    spk = b2.SpikeMonitor(G, record=False, name="spikes")
    objs = [G, S_exc, S_inh, S_rew, spk]

    reward_active = (not standalone) and (not args.no_reward)
    n_rewards = [0, 0]  # [scheduled, delivered]
    if reward_active:
        pending = []
        hits_arr = S_rew.variables["hits"]
        d_var = S_exc.variables["d_da"]

        @b2.network_operation(dt=10 * ms, when="start", name="reward_op")
        def reward_op():
            h = hits_arr.get_value()
            tt = net.t_  # current network time in seconds (float)
            if h[0] > 0:
                for _ in range(int(h[0])):
                    pending.append(tt + rng.uniform(1.0, 3.0))
                n_rewards[0] += int(h[0])
                h[0] = 0
                hits_arr.set_value(h)
            if pending and min(pending) <= tt + 1e-9:
                due = [p for p in pending if p <= tt + 1e-9]
                pending[:] = [p for p in pending if p > tt + 1e-9]
                d = d_var.get_value().copy()
                d[0] += 0.5 * len(due)
                d_var.set_value(d)
                n_rewards[1] += len(due)

        objs.append(reward_op)

    net = b2.Network(*objs)
    ns = dict(x_decay=x_decay, tau_c=tau_c, wmax=wmax, da_decay10=da_decay10)

    # the spike counter is only active during the timed run
    if standalone:
        spk.active = False
        net.run(warmup, namespace=ns)
        spk.active = True
        net.run(args.sim_s * second, namespace=ns)
        outdir = tempfile.mkdtemp(prefix="brian2_distal_reward_")
        try:
            b2.device.build(directory=outdir, compile=True, run=False,
                            with_output=False)
            build_s = time.time() - t_build0
            b2.device.run(outdir, False, [])
            run_wall_s = float(b2.device._last_run_time)
            binary_wall_s = b2.device.timers["run_binary"]
            rate_spikes = int(spk.num_spikes)
            rate_T = args.sim_s
            w_final = np.asarray(S_exc.w[:])
            hits = float(S_rew.hits[0])
        finally:
            shutil.rmtree(outdir, ignore_errors=True)
        run_call_wall_s = None
    else:
        spk.active = False
        net.run(warmup, namespace=ns)
        spk.active = True
        build_s = time.time() - t_build0
        t0 = time.time()
        net.run(args.sim_s * second, namespace=ns)
        run_call_wall_s = time.time() - t0
        run_wall_s = float(b2.device._last_run_time)
        binary_wall_s = None
        rate_spikes = int(spk.num_spikes)
        rate_T = args.sim_s
        w_final = np.asarray(S_exc.w[:])
        hits = float(S_rew.hits[0])

    print(f"mode: {args.mode}")
    print(f"sim_s: {args.sim_s:g}")
    print(f"build_s: {build_s:.3f}")
    print(f"run_wall_s: {run_wall_s:.3f}")
    print(f"mean_rate_hz: {rate_spikes / (N * rate_T):.3f}")
    print(f"w_exc_mean: {w_final.mean():.4f}")
    # extra info
    print(f"brian2_version: {b2.__version__}")
    if run_call_wall_s is not None:
        print(f"run_call_wall_s: {run_call_wall_s:.3f}")
    if binary_wall_s is not None:
        print(f"binary_wall_s: {binary_wall_s:.3f}")
    print(f"n_syn_exc: {len(S_exc)}  n_syn_inh: {len(S_inh)}")
    print(f"rewarded_syn: {n1}->{n2}  w_final: {w_final[k_rew]:.4f}  "
          f"w_exc_frac_at_max: {(w_final >= wmax - 1e-9).mean():.4f}")
    if reward_active:
        print(f"reward: on (network_operation, 10 ms grid); events: {n_rewards[0]}, "
              f"pulses delivered: {n_rewards[1]}")
    elif standalone:
        print(f"reward: OMITTED (network_operation unsupported in cpp_standalone); "
              f"detector hits (warm-up + timed run): {hits:g}")
    else:
        print("reward: off (--no-reward)")
    print(f"realtime_factor: {args.sim_s / run_wall_s:.3f}")


if __name__ == "__main__":
    main()
