// scenarios/: the paper reproductions, short versions (the full runs are benchmarks:
// `spikegym repro distal-reward`, `spikegym repro song2000`, figures in BENCHMARKS.md).
#include <catch2/catch.hpp>
#include <tuple>
#include <vector>

#include "scenarios/distal_reward.hpp"
#include "scenarios/song2000.hpp"

using namespace spikegym::scenarios;

TEST_CASE(
    "distal reward (small): the network fires in the published regime and the mean "
    "excitatory weight falls",
    "[scenarios][repro]") {
  DistalRewardExperiment exp({.seed = 1, .plastic = true, .reward = true});
  DistalRewardRow first{}, last{};
  for (int s = 0; s < 30; ++s) {
    last = exp.runSecond();
    if (s == 0) first = last;
    REQUIRE(last.firing_rate_hz > 0.5);  // Brian2 with the same constants: 1.27 Hz
    REQUIRE(last.firing_rate_hz < 3.0);
    REQUIRE(last.w_rewarded >= 0.0);
    REQUIRE(last.w_rewarded <= 4.0);
  }
  INFO("mean weight " << first.w_exc_mean << " -> " << last.w_exc_mean);
  CHECK(first.w_exc_mean < 1.0);
  CHECK(last.w_exc_mean < first.w_exc_mean);
  CHECK(last.w_exc_p99 > last.w_exc_mean);
}

TEST_CASE("song2000 (short): STDP pushes weights to the bounds and the rate falls",
          "[scenarios][repro]") {
  Song2000Config config;
  config.sim_s = 400;
  config.report_every_s = 50;
  const Song2000Result r = runSong2000(config);
  const std::size_t bins = r.histogram.size();
  double edges = 0, middle = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    (b < 2 || b >= bins - 2 ? edges : middle) += r.histogram[b];
  }
  INFO("edge bins " << edges << ", middle bins " << middle << ", rate " << r.rate_hz.front()
                    << " -> " << r.rate_hz.back());
  CHECK(edges > 0.5);  // started uniform: 4 of 20 bins held 20%
  CHECK(r.rate_hz.back() < 0.5 * r.rate_hz.front());
}

TEST_CASE("threads: the scaled distal-reward network is bit-identical on 1 and 2 threads",
          "[snn][determinism][threads]") {
  auto run = [](int threads) {
    DistalRewardExperiment exp(
        {.seed = 5, .neurons = 2000, .synapses_per_neuron = 200, .threads = threads});
    std::vector<DistalRewardRow> rows;
    for (int s = 0; s < 3; ++s) rows.push_back(exp.runSecond(true));
    std::vector<std::vector<float>> w;
    for (const auto& proj : exp.network().projections()) w.push_back(proj->weights());
    return std::make_tuple(rows.back().w_exc_mean, rows.back().firing_rate_hz, exp.events(), w);
  };
  const auto one = run(1);
  CHECK(std::get<1>(one) > 0.3);  // the scaled network fires at about the published rate
  CHECK(std::get<1>(one) < 5.0);
  CHECK(run(2) == one);
}
