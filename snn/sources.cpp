#include "snn/sources.hpp"

#include <algorithm>

#include "core/rng.hpp"

namespace spikegym::snn {

PoissonSource::PoissonSource(const std::string& name, std::uint32_t size, double rate_hz,
                             double dt_ms, std::uint64_t seed)
    : Population(name, "poisson", size),
      dt_ms_(dt_ms),
      key_(static_cast<std::uint32_t>(rngStream(seed, "poisson:" + name).next())),
      rates_hz_(size, static_cast<float>(rate_hz)) {}

void PoissonSource::update(const float*, std::uint64_t step_index, std::uint32_t begin,
                           std::uint32_t end, std::vector<std::uint32_t>& spikes) {
  const std::uint32_t key = CounterNoise::stepKey(key_, step_index);
  const float dt_s = static_cast<float>(dt_ms_ * 1e-3);
  // Two passes over chunks: the draws and comparisons (vectorised: the counter hash costs
  // most), then the indices that fired (appendFired).
  constexpr std::uint32_t kChunk = 256;
  std::uint8_t fire[kChunk];
  for (std::uint32_t from = begin; from < end; from += kChunk) {
    const std::uint32_t n = std::min(kChunk, end - from);
    for (std::uint32_t j = 0; j < n; ++j) {
      fire[j] = CounterNoise::uniform01(key, from + j) < rates_hz_[from + j] * dt_s;
    }
    appendFired(spikes, from, fire, n);
  }
}

RegularSource::RegularSource(const std::string& name, std::uint32_t size, double rate_hz,
                             double dt_ms)
    : Population(name, "regular", size),
      dt_ms_(dt_ms),
      rates_hz_(size, static_cast<float>(rate_hz)),
      phase_(size, 0.0) {}

void RegularSource::resetState() {
  Population::resetState();
  std::fill(phase_.begin(), phase_.end(), 0.0);
}

void RegularSource::update(const float*, std::uint64_t, std::uint32_t begin, std::uint32_t end,
                           std::vector<std::uint32_t>& spikes) {
  const double dt_s = dt_ms_ * 1e-3;
  for (std::uint32_t i = begin; i < end; ++i) {
    phase_[i] += rates_hz_[i] * dt_s;
    if (phase_[i] >= 1.0) {
      phase_[i] -= 1.0;
      spikes.push_back(i);
    }
  }
}

namespace {

ParamTable sourceParams() {
  return {
      {"rate_hz", 10.0, 0.0, 1000.0, "[Hz] initial firing rate of every neuron"},
  };
}

static const bool kPoisson = registerNeuronModel({
    .name = "poisson",
    .summary = "Poisson spike source (Bernoulli per step), rates settable per neuron",
    .params = sourceParams(),
    .presets = {},
    .factory =
        [](const std::string& name, std::uint32_t size, const ParamValues& p, std::uint64_t seed) {
          return std::unique_ptr<Population>(
              std::make_unique<PoissonSource>(name, size, p.at("rate_hz"), p.at("dt_ms"), seed));
        },
});

static const bool kRegular = registerNeuronModel({
    .name = "regular",
    .summary = "regular (clock-like) spike source, rates settable per neuron",
    .params = sourceParams(),
    .presets = {},
    .factory =
        [](const std::string& name, std::uint32_t size, const ParamValues& p, std::uint64_t) {
          return std::unique_ptr<Population>(
              std::make_unique<RegularSource>(name, size, p.at("rate_hz"), p.at("dt_ms")));
        },
});

}  // namespace
}  // namespace spikegym::snn
