// A linear TD(lambda) critic on encoder features (Sutton & Barto 2018, 12.2, accumulating
// traces): V(s) = w . phi(s);  delta = r + gamma V(s') - V(s), V(s') = 0 when the episode
// terminated (a truncated episode is bootstrapped: it did not fail);  e = gamma lambda e + phi(s);
// w += lr delta e. The SNN agent's dopamine is delta (Fremaux, Sprekeler & Gerstner 2013).
#pragma once

#include <span>
#include <vector>

namespace spikegym::agents {

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

 private:
  double gamma_, learning_rate_, lambda_;
  std::vector<double> w_, e_;
  double last_value_ = 0.0;
};

}  // namespace spikegym::agents
