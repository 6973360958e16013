// Observation -> input activity. Gaussian receptive fields ("place cells", population coding):
// each observation dimension d is covered by `cells` cells with centres evenly spaced over
// [low_d, high_d]; cell activity is exp(-z^2 / 2), z = (x - centre) / (width x spacing), in
// [0, 1]. Values outside the range saturate the edge cells. The SNN agent turns activities into
// Poisson rates (max_rate_hz x activity) or currents; the baselines use them as features.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "agents/config.hpp"
#include "envs/space.hpp"

namespace spikegym::agents {

class GaussianEncoder {
 public:
  /// `ranges`: "auto" or comma-separated half-widths per dimension (symmetric ranges around 0).
  /// auto: finite Box bounds [-b, b] symmetric about 0 give [-b/2, b/2] (CartPole: the
  /// termination thresholds), other finite bounds [low, high] are the range itself (Foraging's
  /// closeness in [0, 1]), unbounded ones give [-3, 3].
  GaussianEncoder(const envs::Space& observation_space, int cells_per_dim, double width,
                  const std::string& ranges);
  /// From resolved agent parameters (the ones params() declares).
  GaussianEncoder(const envs::Space& observation_space, const Config& config);
  /// The encoder's own parameters: cells_per_dim, rf_width, obs_range.
  static const ParamTable& params();
  int dims() const { return dims_; }
  int cellsPerDim() const { return cells_; }
  int size() const { return dims_ * cells_; }
  /// Activities in [0, 1], size() values (dimension-major).
  void encode(std::span<const double> obs, std::span<float> out) const;
  const std::vector<double>& low() const { return low_; }
  const std::vector<double>& high() const { return high_; }

 private:
  int dims_, cells_;
  double width_;
  std::vector<double> low_, high_;
};

/// `own` with the encoder's parameters inserted after its first entry (or at the front when
/// it is empty): agents that encode observations declare them through this.
ParamTable withEncoderParams(ParamTable own);

}  // namespace spikegym::agents
