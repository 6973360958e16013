// Spike counts of the output groups -> an action, with epsilon exploration.
//
// Exploration is chosen before the SNN window (explore()), so that the agent can drive the
// explored action's group and the eligibility follows the action taken. During the window the
// decoder counts each group's spikes and remembers the first group to spike (ties within a step
// broken at random). After it, decide() picks: the explored action; a random one when nothing
// fired; else argmax (ties at random), softmax over counts / temperature, or the first group.
// Every random draw comes from the agent's stream, in this order; nothing is allocated per act.
//
// label_assignment (Diehl & Cook 2015) reads a layer without groups: each neuron is assigned the
// class to which it responded most (mean spikes per presentation of that class, over the last
// `assign_every` labelled windows: learnLabel()), and the answer is the class whose assigned
// neurons fired most on average in the window (random while nothing is assigned or nothing
// fired). counts() are then the spikes of each class's neurons. With proportion voting, a neuron's
// spikes count for every class in proportion to its mean response to that class.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace spikegym::agents {

enum class DecoderKind { kArgmax, kSoftmax, kFirstToSpike, kLabelAssignment };

class Decoder {
 public:
  /// `kind`: argmax, softmax or first_to_spike (checked by the agent's parameter table).
  Decoder(const std::string& kind, int n_actions, int group_size, double temperature);
  /// label_assignment over a layer of `neurons`, assignments renewed every `assign_every`
  /// labelled windows.
  /// `proportion`: every neuron votes for every class by the share of its responses that class
  /// got (BindsNET's proportion weighting), not only for its own class.
  static Decoder labelAssignment(int n_classes, int neurons, int assign_every, bool proportion);
  DecoderKind kind() const { return kind_; }
  /// label_assignment: the window just decided showed class `label` (learning).
  void learnLabel(int label);
  /// label_assignment: each neuron's class, -1 unassigned.
  const std::vector<int>& assignment() const { return assignment_; }
  /// label_assignment's learned state (assignments, the responses gathered since), for
  /// checkpoints; setState checks it and throws UserError naming `source`.
  std::vector<double> state() const;
  void setState(const std::vector<double>& values, const std::string& source);
  std::size_t stateSize() const;

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
  // label_assignment
  int decideByClass(Rng& rng);
  void reassign();
  int neurons_ = 0, assign_every_ = 0, labelled_ = 0;
  bool proportion_ = false;
  std::vector<double> share_;  // n_classes x neurons: each neuron's response shares (proportion)
  std::vector<double> votes_;  // per class, this window's scores
  std::vector<int> neuron_counts_;  // this window's spikes per neuron
  std::vector<int> assignment_;     // class per neuron, -1 none
  std::vector<int> assigned_;       // neurons per class
  std::vector<double> response_;    // n_classes x neurons: spikes summed since the last assignment
  std::vector<double> shown_;       // presentations per class since the last assignment
};

}  // namespace spikegym::agents
