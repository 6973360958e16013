// Input populations that emit spikes without integrating anything.
//
// Poisson source: neuron i spikes in a step with probability rate_i dt (rate in Hz, dt in s), a
// Bernoulli approximation of a Poisson process that is exact as dt -> 0 (valid for rate dt << 1).
// Regular source: neuron i spikes every 1/rate_i seconds, the first time at phase_i.
// Rates are per neuron and may change between steps (encoders set them).
#pragma once

#include "snn/population.hpp"

namespace spikegym::snn {

class PoissonSource final : public Population {
 public:
  PoissonSource(const std::string& name, std::uint32_t size, double rate_hz, double dt_ms,
                std::uint64_t seed);
  /// Firing rates [Hz] per neuron; writable.
  std::vector<float>& rates() { return rates_hz_; }
  bool integrates() const override { return false; }

 protected:
  void update(const float* input, std::uint64_t step_index, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override;

 private:
  double dt_ms_;
  std::uint32_t key_;
  std::vector<float> rates_hz_;
  std::size_t stateBytes() const override { return rates_hz_.size() * sizeof(float); }
};

class RegularSource final : public Population {
 public:
  RegularSource(const std::string& name, std::uint32_t size, double rate_hz, double dt_ms);
  /// Firing rates [Hz] per neuron; writable.
  std::vector<float>& rates() { return rates_hz_; }
  void resetState() override;
  bool integrates() const override { return false; }

 protected:
  void update(const float* input, std::uint64_t step_index, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override;

 private:
  double dt_ms_;
  std::vector<float> rates_hz_;
  std::vector<double> phase_;  // [1] fraction of a period accumulated
  std::size_t stateBytes() const override {
    return rates_hz_.size() * sizeof(float) + phase_.size() * sizeof(double);
  }
};

}  // namespace spikegym::snn
