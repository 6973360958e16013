// `spikegym repro NAME`: reproductions of published results, printed as CSV on stdout.
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "scenarios/distal_reward.hpp"
#include "scenarios/song2000.hpp"

namespace spikegym::app {
namespace {

struct ReproOptions {
  std::uint64_t seed = 1;
  double sim_s = 0;  // 0 = the reproduction's default length
};

void distalReward(const ReproOptions& o) {
  scenarios::DistalRewardExperiment exp({.seed = o.seed, .plastic = true, .reward = true});
  const long seconds = static_cast<long>(o.sim_s > 0 ? o.sim_s : 3600);
  std::printf("t_s,w_rewarded,w_exc_mean,w_exc_p99,firing_rate_hz,dopamine_pulses\n");
  for (long s = 0; s < seconds; ++s) {
    const scenarios::DistalRewardRow r = exp.runSecond();
    std::printf("%.0f,%.6g,%.6g,%.6g,%.6g,%d\n", r.t_s, r.w_rewarded, r.w_exc_mean, r.w_exc_p99,
                r.firing_rate_hz, r.rewards);
    std::fflush(stdout);
  }
}

void song2000(const ReproOptions& o) {
  scenarios::Song2000Config config;
  config.seed = o.seed;
  if (o.sim_s > 0) config.sim_s = o.sim_s;
  const scenarios::Song2000Result result = scenarios::runSong2000(config);
  std::printf("kind,t_s_or_bin_low,value\n");
  for (std::size_t i = 0; i < result.rate_hz.size(); ++i) {
    std::printf("output_rate_hz,%g,%.6g\n", (i + 1) * config.report_every_s, result.rate_hz[i]);
  }
  const double bin = 1.0 / static_cast<double>(result.histogram.size());
  for (std::size_t b = 0; b < result.histogram.size(); ++b) {
    std::printf("weight_fraction,%.3g,%.6g\n", b * bin, result.histogram[b]);
  }
}

}  // namespace

void addReproCommand(CLI::App& app) {
  CLI::App* repro = app.add_subcommand(
      "repro", "Reproductions of published results (CSV on stdout; figures in BENCHMARKS.md)");
  repro->require_subcommand(1);
  auto o = std::make_shared<ReproOptions>();
  CLI::App* dr = repro->add_subcommand(
      "distal-reward",
      "Izhikevich 2007 distal reward: 1000 Izhikevich neurons, R-STDP; one rewarded synapse. "
      "Columns t_s,w_rewarded,w_exc_mean,w_exc_p99,firing_rate_hz,dopamine_pulses per second");
  CLI::App* song = repro->add_subcommand(
      "song2000",
      "Song, Miller & Abbott 2000: one LIF neuron, 1000 Poisson inputs, additive STDP. Rows: "
      "output rate over time, then the final weight histogram (fraction per bin of w/w_max)");
  for (CLI::App* cmd : {dr, song}) {
    cmd->add_option("--seed", o->seed, "Seed")
        ->check(wholeNumber(0, kMaxSeed))
        ->capture_default_str();
    cmd->add_option("--sim-s", o->sim_s,
                    "[s] simulated time, whole seconds (default: 3600 for distal-reward, 1500 "
                    "for song2000)")
        ->check(wholeNumber(1, 10000000));
  }
  dr->callback([o] { distalReward(*o); });
  song->callback([o] { song2000(*o); });
}

}  // namespace spikegym::app
