// `spikegym bench env ID`: raw env stepping throughput on one thread (random actions,
// auto-reset). Wall-clock time is used here only to report speed, never in results.
// `spikegym bench snn [--frozen] [--count]`: the Izhikevich 2007 distal-reward network, real-time
// factor; --count also counts its operations (and so times the counters).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/pcg64.hpp"
#include "core/rng.hpp"
#include "envs/cartpole.hpp"
#include "envs/registration.hpp"
#include "envs/vector_env.hpp"
#include "lab/cost.hpp"
#include "scenarios/distal_reward.hpp"

namespace spikegym::app {
namespace {

struct BenchEnvOptions {
  std::string env_id;
  long steps = 20'000'000;
  std::uint64_t seed = 0;
  int num_envs = 1;
  bool bare = false;
};

/// The report of a single-env run that started at `start`; steps_per_s last.
void printEnvBench(const std::string& what, long steps, long episodes,
                   std::chrono::steady_clock::time_point start, double checksum) {
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("env: %s\nsteps: %ld\nepisodes: %ld\nwall_s: %.4f\nchecksum: %.6g\n", what.c_str(),
              steps, episodes, wall_s, checksum);
  std::printf("steps_per_s: %.0f\n", static_cast<double>(steps) / wall_s);
}

/// --bare: CartPole-v1's arithmetic with none of the API around it (no spaces, checks,
/// wrappers or episode bookkeeping beyond the 500-step limit), the same action stream and the
/// same starting states: the bare loop the env's own cost is measured against (issue 27).
void benchBareCartPole(const BenchEnvOptions& o) {
  if (o.env_id != "CartPole-v1") {
    throw UserError("bench env --bare: only CartPole-v1 has a bare loop, not '" + o.env_id + "'");
  }
  const envs::CartPoleModel model;
  Pcg64 starts(o.seed);  // as CartPole::reset(seed)
  Rng rng = rngStream(o.seed, "policy");
  std::array<double, 4> state;
  auto restart = [&] {
    for (double& v : state) v = starts.uniform(-0.05, 0.05);
  };
  restart();
  constexpr int kMaxEpisodeSteps = 500;  // CartPole-v1's TimeLimit
  int episode_steps = 0;
  long episodes = 0;
  double checksum = 0.0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < o.steps; ++i) {
    const bool push_right = rng.below(2) == 1;
    const envs::CartPoleModel::Outcome end = model.advance(state, push_right);
    checksum += state[0];
    if (end.cart_out || end.pole_fell || ++episode_steps == kMaxEpisodeSteps) {
      restart();
      episode_steps = 0;
      ++episodes;
    }
  }
  printEnvBench(o.env_id + " (bare loop)", o.steps, episodes, start, checksum);
}

/// --num-envs N: a VectorEnv of N copies, stepped in one call per batch (next-step autoreset).
void benchVectorEnv(const BenchEnvOptions& o) {
  envs::VectorEnv batch(o.env_id, o.num_envs, o.seed);
  Rng rng = rngStream(o.seed, "policy");
  std::vector<envs::Action> actions(static_cast<std::size_t>(o.num_envs));
  batch.reset(o.seed);
  const long batches = std::max(1L, o.steps / o.num_envs);
  long episodes = 0;
  double checksum = 0.0;
  const auto start = std::chrono::steady_clock::now();
  for (long b = 0; b < batches; ++b) {
    for (auto& a : actions) batch.singleActionSpace().sample(rng, a);
    const envs::VectorEnv::Step r = batch.step(actions);
    checksum += r.obs[0];
    for (int i = 0; i < o.num_envs; ++i) episodes += r.terminated[i] | r.truncated[i];
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long steps = batches * o.num_envs;
  std::printf("env: %s\nnum_envs: %d\nsteps: %ld\nepisodes: %ld\nwall_s: %.4f\nchecksum: %.6g\n",
              o.env_id.c_str(), o.num_envs, steps, episodes, wall_s, checksum);
  std::printf("steps_per_s: %.0f\n", static_cast<double>(steps) / wall_s);
}

void benchEnv(const BenchEnvOptions& o) {
  if (o.bare) return benchBareCartPole(o);
  if (o.num_envs > 1) return benchVectorEnv(o);
  std::unique_ptr<envs::Env> env = envs::make(o.env_id, o.seed);
  Rng rng = rngStream(o.seed, "policy");
  envs::Action action;
  env->reset(o.seed);
  long episodes = 0;
  double checksum = 0.0;  // keeps the compiler from dropping the work
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < o.steps; ++i) {
    env->actionSpace().sample(rng, action);
    const envs::StepResult r = env->step(action);
    checksum += r.obs[0];
    if (r.terminated || r.truncated) {
      env->reset();
      ++episodes;
    }
  }
  printEnvBench(o.env_id, o.steps, episodes, start, checksum);
}

struct BenchSnnOptions {
  double sim_s = 60.0;
  std::uint64_t seed = 1;
  bool frozen = false;
  bool count = false;
  std::uint32_t neurons = 1000;
  std::uint32_t synapses_per_neuron = 100;
  int threads = 1;
};

void benchSnn(const BenchSnnOptions& o) {
  const auto build_start = std::chrono::steady_clock::now();
  scenarios::DistalRewardExperiment exp({.seed = o.seed,
                                         .plastic = !o.frozen,
                                         .reward = true,
                                         .neurons = o.neurons,
                                         .synapses_per_neuron = o.synapses_per_neuron,
                                         .threads = o.threads});
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  const long seconds = static_cast<long>(o.sim_s);
  exp.network().setCounting(o.count);
  double rate_sum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long s = 0; s < seconds; ++s) rate_sum += exp.runSecond(false).firing_rate_hz;
  exp.network().flush();  // the weights are up to date at the end, as in a full simulation
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double bytes = 0;
  std::size_t plastic = 0;
  for (const auto& proj : exp.network().projections()) {
    if (proj->rule().kind != snn::RuleKind::kNone) {
      bytes += proj->bytesPerSynapse() * static_cast<double>(proj->size());
      plastic += proj->size();
    }
  }
  std::size_t footprint = 0;  // [bytes] every population's and projection's state
  for (const auto& pop : exp.network().populations()) footprint += pop->footprintBytes();
  for (const auto& proj : exp.network().projections()) footprint += proj->footprintBytes();
  std::printf("network: Izhikevich 2007 distal reward, %u neurons, %zu synapses, %s\n", o.neurons,
              exp.synapses(), o.frozen ? "weights frozen" : "rstdp plastic");
  std::printf("neurons: %u\nsynapses: %zu\nthreads: %d\nfootprint_bytes: %zu\n", o.neurons,
              exp.synapses(), o.threads, footprint);
  std::printf("build_s: %.4f\nsim_s: %ld\nwall_s: %.4f\nmean_rate_hz: %.4f\n", build_s, seconds,
              wall_s, rate_sum / static_cast<double>(seconds));
  std::printf("synaptic_events: %llu\nsynaptic_events_per_s: %.4g\n",
              static_cast<unsigned long long>(exp.events()),
              static_cast<double>(exp.events()) / wall_s);
  if (plastic > 0) {
    std::printf("plastic_synapses: %zu\nbytes_per_plastic_synapse: %.2f\n", plastic,
                bytes / static_cast<double>(plastic));
  }
  std::printf("sim_s_per_wall_s: %.1f\nrealtime_factor: %.1f\n", seconds / wall_s,
              seconds / wall_s);
  if (o.count) {
    // What the network computed (snn/ops.hpp) and its energy per simulated second.
    const snn::OpCounts c = exp.network().counts();
    std::printf(
        "syn_ac: %llu\nsyn_dense: %llu\nplasticity_ops: %llu\nneuron_active: %llu\n"
        "neuron_inactive: %llu\nactivation_sparsity: %.5f\n",
        static_cast<unsigned long long>(c.ac), static_cast<unsigned long long>(c.dense),
        static_cast<unsigned long long>(c.plasticity),
        static_cast<unsigned long long>(c.neuron_active),
        static_cast<unsigned long long>(c.neuron_inactive), c.activationSparsity());
    for (const lab::PriceList& p : lab::builtinPriceLists()) {
      std::printf("energy_uj_per_sim_s_%s: %.2f\n", p.name.c_str(),
                  lab::energyUj(c, p) / static_cast<double>(seconds));
    }
  }
}

}  // namespace

void addBenchCommand(CLI::App& app) {
  CLI::App* bench =
      app.add_subcommand("bench", "Throughput benchmarks (figures for BENCHMARKS.md)");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchEnvOptions>();
  CLI::App* env = bench->add_subcommand(
      "env",
      "Raw env steps per second on one thread: random actions, auto-reset; last line "
      "steps_per_s: N");
  env->add_option("id", o->env_id, "Env id, e.g. CartPole-v1")->required();
  env->add_option("--steps", o->steps, "Steps to time")
      ->check(wholeNumber(1, 1000000000000))
      ->capture_default_str();
  env->add_option("--seed", o->seed, "Seed")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  env->add_option("--num-envs", o->num_envs,
                  "Step a VectorEnv of N copies in one call per batch (next-step autoreset)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  env->add_flag("--bare", o->bare,
                "CartPole-v1 only: time the same dynamics, actions and starts as a bare loop "
                "(no API), the reference for the env's own cost")
      ->excludes("--num-envs");
  env->callback([o] { benchEnv(*o); });

  auto so = std::make_shared<BenchSnnOptions>();
  CLI::App* snn = bench->add_subcommand(
      "snn",
      "The Izhikevich 2007 distal-reward network (1000 neurons, 100k synapses, R-STDP): "
      "simulated seconds per wall second; last line realtime_factor: N");
  snn->add_option("--sim-s", so->sim_s, "[s] simulated time (whole seconds)")
      ->check(wholeNumber(1, 10000000))
      ->capture_default_str();
  snn->add_option("--seed", so->seed, "Seed")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  snn->add_option("--neurons", so->neurons,
                  "Neurons (4:1 excitatory:inhibitory); weights scale by 100 / "
                  "--synapses-per-neuron to keep the rate (scaling studies)")
      ->check(CLI::Range(5, 10000000))
      ->capture_default_str();
  snn->add_option("--synapses-per-neuron", so->synapses_per_neuron,
                  "Outgoing synapses per neuron (fewer than the inhibitory-to-excitatory targets)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  snn->add_option("--threads", so->threads,
                  "Threads for the synaptic work (Network::setThreads; results do not change)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  snn->add_flag("--frozen", so->frozen, "Freeze the weights (rule none) to time the network alone");
  snn->add_flag("--count", so->count,
                "Count operations (snn/ops.hpp) while timing: prints the counts and the energy "
                "per simulated second (times the counters' overhead)");
  snn->callback([so] { benchSnn(*so); });
}

}  // namespace spikegym::app
