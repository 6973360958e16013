#include "agents/critic.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spikegym::agents {

CriticFeatures::CriticFeatures(const envs::Space& observation_space, const std::string& kind,
                               int cells_per_dim, double rf_width, const std::string& obs_range,
                               int joint_cells)
    : per_dim_(observation_space, cells_per_dim, rf_width, obs_range),
      joint_(kind == "joint_rf"),
      joint_cells_(joint_cells),
      width_(rf_width),
      size_(static_cast<std::size_t>(per_dim_.size())) {
  if (joint_ && (joint_cells < 2 || joint_cells > 64)) {
    throw UsageError("CriticFeatures: joint_cells must lie in [2, 64]");  // encode()'s buffers
  }
  if (joint_) {
    size_ += static_cast<std::size_t>(per_dim_.dims() / 2) * joint_cells * joint_cells;
  }
}

void CriticFeatures::encode(std::span<const double> obs, std::span<float> out) const {
  per_dim_.encode(obs, out);
  if (!joint_) return;
  std::size_t at = static_cast<std::size_t>(per_dim_.size());
  const int n = joint_cells_;
  double g0[64], g1[64];  // 1-D factors of the 2-D Gaussian (joint_cells <= 64)
  for (int d = 0; d + 1 < per_dim_.dims(); d += 2) {
    for (int k = 0; k < 2; ++k) {
      const double lo = per_dim_.low()[d + k], hi = per_dim_.high()[d + k];
      const double spacing = (hi - lo) / (n - 1);
      const double x = std::clamp(obs[d + k], lo, hi);
      double* g = k == 0 ? g0 : g1;
      for (int c = 0; c < n; ++c) {
        const double z = (x - (lo + c * spacing)) / (width_ * spacing);
        g[c] = std::exp(-0.5 * z * z);
      }
    }
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) out[at++] = static_cast<float>(g0[a] * g1[b]);
    }
  }
}

TdLambdaCritic::TdLambdaCritic(std::size_t features, double gamma, double learning_rate,
                               double lambda)
    : gamma_(gamma),
      learning_rate_(learning_rate),
      lambda_(lambda),
      w_(features, 0.0),
      e_(features, 0.0) {}

double TdLambdaCritic::value(std::span<const float> features) const {
  double v = 0;
  for (std::size_t i = 0; i < features.size(); ++i) v += w_[i] * features[i];
  return v;
}

void TdLambdaCritic::countValue(std::span<const float> features) {
  std::uint64_t nonzero = 0;
  for (std::size_t i = 0; i < features.size(); ++i) {
    nonzero += (features[i] != 0.0f) & (w_[i] != 0.0);
  }
  counts_.mac += nonzero;
  counts_.dense += features.size();
}

void TdLambdaCritic::startEpisode() {
  std::fill(e_.begin(), e_.end(), 0.0);
}

double TdLambdaCritic::update(std::span<const float> features, std::span<const float> next,
                              double reward) {
  if (counting_) {
    countValue(features);
    if (!next.empty()) countValue(next);
    counts_.mac += 2 * w_.size();
    counts_.dense += 2 * w_.size();
  }
  const double v = value(features);
  const double v_next = next.empty() ? 0.0 : value(next);
  const double delta = reward + gamma_ * v_next - v;
  for (std::size_t i = 0; i < w_.size(); ++i) {
    e_[i] = gamma_ * lambda_ * e_[i] + features[i];
    w_[i] += learning_rate_ * delta * e_[i];
  }
  last_value_ = v;
  return delta;
}

}  // namespace spikegym::agents
