// Feedback-modulated R-STDP (rule "feedback_rstdp"): a three-factor rule for the projections into
// the readout population, with a policy-gradient-consistent eligibility (Chung & Kozma 2020: the
// actor's eligibility is gated by a - p; Williams 1992 and Florian 2007 for the reading).
//
// During an action's window each synapse i -> j collects its causal STDP pairings
// P_ij = sum over post spikes of j of the pre trace x_i (x_i decays with tau_plus_ms, +1 per pre
// spike). When the action a is chosen, with probabilities p_g of the sampled readout, the
// synapse's eligibility takes the pairings gated by its post neuron's group g(j):
//     e_ij <- lambda e_ij + (1[a = g(j)] - p_g(j)) P_ij
// and the modulator's signal of that step (the TD error delta) changes the weight:
//     w_ij <- clamp(w_ij + eta delta e_ij, w_min, w_max).
// Why (a - p): for a softmax over group spike counts, d log pi(a) / d w_ij =
// (1[a = g(j)] - p_g(j)) / T * d n_j / d w_ij, and the causal pairings estimate d n_j / d w_ij
// (a pre spike just before a post spike is what a larger w_ij would have made more likely). The
// factor has zero mean under the policy, so the weights do not drift when delta is unbiased,
// unlike pairings x delta alone, which push every active synapse the same way. Every quantity is
// local to the synapse (its pre and post spikes), its post neuron's group (the action feedback)
// or global (delta).
//
// A window rule (snn/plasticity.hpp): the engine simulates the projection with fixed weights and
// this learner changes them between windows. It needs a modulator (the TD error), all_to_all
// connectivity (a matrix of pairings) and the action feedback (a readout sampled by softmax);
// RuleNeeds declares these and the network resolver checks them.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "snn/params.hpp"
#include "snn/plasticity.hpp"
#include "snn/projection.hpp"

namespace spikegym::snn {

/// The rule's registration (name, parameters with their defaults, needs, learner): the one place
/// it is declared; plasticityRules() lists it.
RuleInfo feedbackRuleInfo();

struct FeedbackRuleParams {
  double eta;           ///< [mV per unit signal x pairing] learning rate
  double tau_plus_ms;   ///< [ms] pre trace decay
  double lambda;        ///< [1] eligibility decay per env step
  double w_min, w_max;  ///< [mV] weight bounds
  /// Performance-dependent learning rate (Fremaux et al. 2013 use one for stability): with
  /// target > 0, eta is scaled by max(floor, 1 - R / target), R the running mean of episode
  /// returns (exponential, time constant tau_episodes); 0: off.
  double performance_target;  ///< [return]
  double performance_floor;   ///< [1]
  double performance_tau_episodes;
  bool gate;  ///< false: e <- lambda e + P (no action feedback; an ablation)

  /// From resolved values by name (gate as 1 or 0); missing names take the table's defaults.
  static FeedbackRuleParams fromValues(const ParamValues& values);
};

class FeedbackRule final : public WindowLearner {
 public:
  /// `projection` must be dense (all_to_all) into the readout; groups of `group_size` neurons.
  FeedbackRule(Projection& projection, const FeedbackRuleParams& params, int group_size,
               double dt_ms);
  /// A new episode: traces, pairings and eligibility to zero.
  void reset() override;
  /// After each SNN step of a window: this step's pre and post spikes.
  void onStep(std::span<const std::uint32_t> pre_spikes,
              std::span<const std::uint32_t> post_spikes) override;
  /// After the window: action `a` was chosen with group probabilities `p`.
  void endWindow(int action, std::span<const double> p) override;
  /// The modulator's signal for the last step (the TD error): changes the weights.
  void learn(double signal) override;
  /// An episode ended with return `episode_return` (performance-dependent learning rate).
  void endEpisode(double episode_return) override;
  /// Checkpoints keep the running mean of episode returns.
  std::string stateSection() const override { return "feedback_mean_return"; }
  std::vector<double> state() const override { return {mean_return_}; }
  void setState(std::span<const double> values) override { setMeanReturn(values[0]); }
  double meanReturn() const { return mean_return_; }
  void setMeanReturn(double r);
  /// The current learning-rate scale in [floor, 1].
  double rateScale() const { return scale_; }
  /// Mean |e| over synapses.
  double meanEligibility() const override;
  const Projection& projection() const override { return projection_; }
  double eta() const override { return params_.eta; }
  void setEta(double eta) override { params_.eta = eta; }
  const std::vector<float>& eligibility() const override { return e_; }
  std::size_t stateBytes() const override {
    return (x_.size() + pairs_.size() + e_.size() + gate_.size()) * sizeof(float);
  }

 private:
  Projection& projection_;
  FeedbackRuleParams params_;
  int group_size_;
  std::uint32_t n_pre_, n_post_;
  float trace_decay_;
  std::vector<float> x_;      // pre traces
  std::vector<float> pairs_;  // this window's pairings, [j * n_pre + i] (post-major)
  std::vector<float> e_;      // eligibility, [i * n_post + j] (the weights' layout)
  std::vector<float> gate_;   // scratch: this window's gate per post neuron
  double mean_return_ = 0;    // running mean of episode returns
  double scale_ = 1;          // learning-rate scale
};

}  // namespace spikegym::snn
