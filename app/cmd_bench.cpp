// `spikegym bench env ID`: raw env stepping throughput on one thread (random actions,
// auto-reset). Wall-clock time is used here only to report speed, never in results.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/rng.hpp"
#include "envs/registry.hpp"

namespace spikegym::app {
namespace {

struct BenchEnvOptions {
  std::string env_id;
  long steps = 20'000'000;
  std::uint64_t seed = 0;
};

void benchEnv(const BenchEnvOptions& o) {
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
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("env: %s\nsteps: %ld\nepisodes: %ld\nwall_s: %.4f\nchecksum: %.6g\n",
              o.env_id.c_str(), o.steps, episodes, wall_s, checksum);
  std::printf("steps_per_s: %.0f\n", static_cast<double>(o.steps) / wall_s);
}

}  // namespace

void addBenchCommand(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Throughput benchmarks (figures for BENCHMARKS.md)");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchEnvOptions>();
  CLI::App* env = bench->add_subcommand(
      "env", "Raw env steps per second on one thread: random actions, auto-reset; last line "
             "steps_per_s: N");
  env->add_option("id", o->env_id, "Env id, e.g. CartPole-v1")->required();
  env->add_option("--steps", o->steps, "Steps to time")->check(CLI::PositiveNumber)
      ->capture_default_str();
  env->add_option("--seed", o->seed, "Seed")->capture_default_str();
  env->callback([o] { benchEnv(*o); });
}

}  // namespace spikegym::app
