// Operation counts: what a network (and the agent around it) actually computed, for cost figures
// (synaptic operations, energy). Definitions follow NeuroBench (Yik et al., Nature
// Communications 2025), extended for online learning, which NeuroBench does not cover:
//
//   ac               effective accumulates: a spike delivered through a synapse whose weight is
//                    not zero (one addition of the weight into the post neuron's input).
//   mac              effective multiply-accumulates: a non-zero real-valued input times a
//                    non-zero weight (current encoders, a linear critic, REINFORCE's policy), and
//                    the multiply-adds of non-spiking learning (critic TD(lambda), policy
//                    gradient).
//   dense            every (input, weight) pair a clocked implementation processes whatever the
//                    values: each synapse of every projection at every network step, and every
//                    weight of the real-valued parts each time they are evaluated.
//   plasticity       synapse updates by spiking plasticity rules: one visit of the learning
//                    kernel to one synapse (which may update its eligibility and its weight). The
//                    event-driven kernel visits a synapse at its pre neuron's spikes and at the
//                    periodic sweeps, not every step: this counts what it does.
//   elig_updates     of those, the eligibility values written;
//   weight_writes    and the weights written.
//   neuron_active    neuron updates of integrating populations (LIF, Izhikevich) in a step where
//                    the neuron received input (synaptic or bias current) or spiked;
//   neuron_inactive  the other neuron updates (leak only). Spike sources (Poisson, regular) are
//                    inputs, not neurons: their updates are not counted, their spikes are.
//   spikes, neuron_steps  spikes and neuron updates of every population (sources included):
//                    activation sparsity = 1 - spikes / neuron_steps.
//
// Counting is off unless asked for (Network::setCounting); with it off, the kernels pay one test
// per spiking row, never one per synapse. Counting only reads: results are the same either way.
#pragma once

#include <cstdint>

namespace spikegym::snn {

struct OpCounts {
  std::uint64_t ac = 0;               ///< [ops] effective accumulates
  std::uint64_t mac = 0;              ///< [ops] effective multiply-accumulates
  std::uint64_t dense = 0;            ///< [ops] all pairs, as a clocked implementation
  std::uint64_t plasticity = 0;       ///< [synapse updates] by spiking plasticity rules
  std::uint64_t elig_updates = 0;     ///< [writes] eligibility values written
  std::uint64_t weight_writes = 0;    ///< [writes] weights written by plasticity
  std::uint64_t neuron_active = 0;    ///< [updates] with input or a spike
  std::uint64_t neuron_inactive = 0;  ///< [updates] leak only
  std::uint64_t spikes = 0;           ///< [spikes] all populations
  std::uint64_t neuron_steps = 0;     ///< [updates] all populations, sources included

  OpCounts& operator+=(const OpCounts& o);
  /// The counts since `earlier` (a snapshot of the same counter).
  OpCounts since(const OpCounts& earlier) const;
  /// 1 - spikes / neuron_steps; 0 with no neuron steps.
  double activationSparsity() const {
    return neuron_steps == 0
               ? 0.0
               : 1.0 - static_cast<double>(spikes) / static_cast<double>(neuron_steps);
  }
};

/// Every count with the name of its column in results (episodes.csv, run.json): the one list
/// that sums, differences and columns go through.
struct OpField {
  const char* column;
  std::uint64_t OpCounts::*member;
};
inline constexpr OpField kOpFields[] = {
    {"syn_ac", &OpCounts::ac},
    {"syn_mac", &OpCounts::mac},
    {"syn_dense", &OpCounts::dense},
    {"plasticity_ops", &OpCounts::plasticity},
    {"elig_updates", &OpCounts::elig_updates},
    {"weight_writes", &OpCounts::weight_writes},
    {"neuron_active", &OpCounts::neuron_active},
    {"neuron_inactive", &OpCounts::neuron_inactive},
    {"spikes", &OpCounts::spikes},
    {"neuron_steps", &OpCounts::neuron_steps},
};

inline OpCounts& OpCounts::operator+=(const OpCounts& o) {
  for (const OpField& f : kOpFields) this->*f.member += o.*f.member;
  return *this;
}

inline OpCounts OpCounts::since(const OpCounts& earlier) const {
  OpCounts d;
  for (const OpField& f : kOpFields) d.*f.member = this->*f.member - earlier.*f.member;
  return d;
}

}  // namespace spikegym::snn
