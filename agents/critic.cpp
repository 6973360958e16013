#include "agents/critic.hpp"

#include <algorithm>

namespace spikegym::agents {

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

void TdLambdaCritic::startEpisode() {
  std::fill(e_.begin(), e_.end(), 0.0);
}

double TdLambdaCritic::update(std::span<const float> features, std::span<const float> next,
                              double reward) {
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
