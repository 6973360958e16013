// Spike counts of the output groups -> an action, with epsilon exploration.
//
// Exploration is chosen before the SNN window (explore()), so that the agent can drive the
// explored action's group and the eligibility follows the action taken. During the window the
// decoder counts each group's spikes and remembers the first group to spike (ties within a step
// broken at random). After it, decide() picks: the explored action; a random one when nothing
// fired; else argmax (ties at random), softmax over counts / temperature, or the first group.
// Every random draw comes from the agent's stream, in this order; nothing is allocated per act.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace spikegym::agents {

enum class DecoderKind { kArgmax, kSoftmax, kFirstToSpike };

class Decoder {
 public:
  /// `kind`: argmax, softmax or first_to_spike (checked by the agent's parameter table).
  Decoder(const std::string& kind, int n_actions, int group_size, double temperature);

  /// With probability epsilon, an action to explore (drawn uniformly), else -1.
  int explore(Rng& rng, double epsilon) const;
  /// Starts a window: counts to zero, no first group.
  void beginWindow();
  /// The output population's spikes of one SNN step (neuron i belongs to group i / group_size).
  void countSpikes(std::span<const std::uint32_t> fired, Rng& rng);
  /// The action after the window (`explored` from explore(), or -1). `greedy`: argmax
  /// whatever the kind (evaluation of a sampled readout).
  int decide(int explored, Rng& rng, bool greedy = false);
  /// The probabilities a softmax readout chose with after this window: softmax over counts /
  /// temperature (uniform when nothing fired), mixed with epsilon exploration as
  /// (1 - epsilon) p + epsilon / n. Writes n_actions values into `out`.
  void softmaxProbabilities(double epsilon, std::span<double> out) const;
  /// Spikes per action group in the window.
  const std::vector<int>& counts() const { return counts_; }
  int total() const;

 private:
  DecoderKind kind_;
  int n_actions_, group_size_;
  double temperature_;
  /// exp((count - top) / temperature) per group into `w` (1 each when nothing fired); their sum.
  double softmaxWeights(std::span<double> w) const;

  std::vector<int> counts_;
  std::vector<double> p_;  // softmax scratch
  int first_group_ = -1;
};

}  // namespace spikegym::agents
