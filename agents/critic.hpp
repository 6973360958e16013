// A linear TD(lambda) critic on encoder features (Sutton & Barto 2018, 12.2, accumulating
// traces): V(s) = w . phi(s);  delta = r + gamma V(s') - V(s), V(s') = 0 when the episode
// terminated (a truncated episode is bootstrapped: it did not fail);  e = gamma lambda e + phi(s);
// w += lr delta e. The SNN agent's dopamine is delta (Fremaux, Sprekeler & Gerstner 2013).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "agents/encoder.hpp"
#include "snn/ops.hpp"

namespace spikegym::agents {

/// The critic's features of an observation. "gaussian_rf": Gaussian receptive fields per
/// dimension (GaussianEncoder). "joint_rf": those, plus 2-D Gaussian receptive fields on a
/// joint_cells x joint_cells grid over each pair of consecutive dimensions (d0, d1), (d2, d3), ...
/// (CartPole: (x, x_dot) and (theta, theta_dot)), activity exp(-(z0^2 + z1^2) / 2) with z in cell
/// spacings / rf_width per dimension, so that a linear value can depend on position and velocity
/// jointly (a cart drifting to the edge is worth less than one at rest there).
class CriticFeatures {
 public:
  CriticFeatures(const envs::Space& observation_space, const std::string& kind, int cells_per_dim,
                 double rf_width, const std::string& obs_range, int joint_cells);
  std::size_t size() const { return size_; }
  void encode(std::span<const double> obs, std::span<float> out) const;

 private:
  GaussianEncoder per_dim_;
  bool joint_;
  int joint_cells_;
  double width_;
  std::size_t size_;
};

class TdLambdaCritic {
 public:
  TdLambdaCritic(std::size_t features, double gamma, double learning_rate, double lambda);

  /// V(s) for features phi(s).
  double value(std::span<const float> features) const;
  /// Forgets the eligibility trace (a new episode).
  void startEpisode();
  /// One TD(lambda) update for the transition s -> s' with reward r; `next` is phi(s'), empty
  /// when s' is terminal. Returns the TD error delta (computed before the update) and sets
  /// lastValue() to V(s).
  double update(std::span<const float> features, std::span<const float> next, double reward);
  double lastValue() const { return last_value_; }

  /// The weights (checkpoints).
  std::vector<double>& weights() { return w_; }
  const std::vector<double>& weights() const { return w_; }
  /// Counts MACs from now on (snn/ops.hpp): each value's non-zero (feature, weight) pairs, and
  /// two per weight per update (trace and weight).
  void setCounting(bool on) { counting_ = on; }
  const snn::OpCounts& counts() const { return counts_; }
  /// [bytes] weights and traces.
  std::size_t bytes() const { return (w_.size() + e_.size()) * sizeof(double); }

 private:
  void countValue(std::span<const float> features);
  double gamma_, learning_rate_, lambda_;
  std::vector<double> w_, e_;
  double last_value_ = 0.0;
  bool counting_ = false;
  snn::OpCounts counts_;
};

}  // namespace spikegym::agents
