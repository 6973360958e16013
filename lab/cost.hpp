// What an agent costs to run: operation counts (snn/ops.hpp) per episode and energy estimates
// from named price lists, side by side.
//
// Price lists [pJ per operation]:
//   horowitz45  Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 32-bit float:
//               add 0.9 pJ (an AC), multiply 3.7 + add 0.9 = 4.6 pJ (a MAC). Our own reading for
//               what the paper does not price: a neuron update is one MAC (the leak-and-input
//               step v <- a v + b; a clocked CPU updates every neuron, active or not); a
//               plasticity synapse update is two MACs (eligibility decay-and-add, weight
//               increment), as our kernels do.
//   loihi       Davies et al., "Loihi: a neuromorphic manycore processor with on-chip learning",
//               IEEE Micro 38(1) 2018, Table 1: 23.6 pJ per synaptic spike op (an AC), 120 pJ
//               per synaptic update (plasticity), 81 pJ per active and 52 pJ per inactive neuron
//               update. Loihi has no multiplier: the real-valued parts (current encoders,
//               critic, a REINFORCE policy) run on a host, priced as Horowitz's MAC (4.6 pJ).
// A user adds a list in YAML (readPriceList): name, source and the five prices.
//
// energy [pJ] = ac x ac_pj + mac x mac_pj + plasticity x plasticity_pj
//             + neuron_active x neuron_active_pj + neuron_inactive x neuron_inactive_pj
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "agents/agent.hpp"
#include "snn/ops.hpp"

namespace spikegym::lab {

struct PriceList {
  std::string name;               ///< column suffix: energy_uj_<name>
  std::string source;             ///< where the prices come from
  double ac_pj = 0;               ///< [pJ] per effective accumulate
  double mac_pj = 0;              ///< [pJ] per effective multiply-accumulate
  double plasticity_pj = 0;       ///< [pJ] per plasticity synapse update
  double neuron_active_pj = 0;    ///< [pJ] per active neuron update
  double neuron_inactive_pj = 0;  ///< [pJ] per inactive neuron update
};

/// The lists shipped with spikegym: horowitz45, loihi (in that order).
const std::vector<PriceList>& builtinPriceLists();
/// A price list from YAML file `path` (keys: name, source, ac_pj, mac_pj, plasticity_pj,
/// neuron_active_pj, neuron_inactive_pj; all required). Throws UserError naming the file, line
/// and key.
PriceList readPriceList(const std::string& path);
/// [uJ] The energy of `counts` under `prices`.
double energyUj(const snn::OpCounts& counts, const PriceList& prices);

/// The per-episode cost columns of episodes.csv, in order: the counts (snn::kOpFields),
/// activation sparsity, then energy_uj_<list> for each built-in list.
std::vector<std::pair<std::string, double>> costColumns(const snn::OpCounts& counts);
/// How a cost column's value is written: counts in full (integers up to 2^53), fractions
/// (sparsity, energy) with 10 significant digits, as the other columns.
std::string costValueText(double value);

/// The sizes of an agent's parts added up (sources are not neurons; critic and policy weights
/// are real-valued weights, not synapses).
struct PartTotals {
  std::uint64_t neurons = 0, synapses = 0, zero_weights = 0, real_weights = 0;
  std::size_t bytes = 0;  ///< [bytes]
  double connectionSparsity() const {
    return synapses ? static_cast<double>(zero_weights) / static_cast<double>(synapses) : 0.0;
  }
};
PartTotals totalsOf(const std::vector<agents::CostPart>& parts);

/// Named sections of named values (run.json's "cost").
using CostSections =
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>>;
/// run.json's cost of a run: "training" and "evaluation" (the summed counts of their episodes,
/// sparsity and energy, and the episode count; evaluation only when it had episodes), "static"
/// (neurons, synapses, zero weights, connection sparsity, real-valued weights, footprint bytes
/// of the trained agent) and "activation_sparsity" (per population, over the training).
CostSections runCostSections(const snn::OpCounts& training, long training_episodes,
                             const snn::OpCounts& evaluation, long evaluation_episodes,
                             const std::vector<agents::CostPart>& parts);

/// The static cost figures of an agent's parts, as lines of a table (show network --cost).
std::string costPartsTable(const std::vector<agents::CostPart>& parts);

/// An MLP policy (dense layers of the given sizes, e.g. 4, 64, 64, 2) evaluated once per env
/// step: sum of n_in x n_out MACs and one bias add (an AC) per unit; the ReLU's compare is not
/// counted. Inference only: training by backprop costs more (about twice the forward pass per
/// sample trained on). Priced meaningfully by horowitz45 only (a dense MLP is not a Loihi
/// workload).
snn::OpCounts mlpCountsPerStep(const std::vector<int>& layers);
/// [bytes] its weights and biases as 32-bit floats.
std::size_t mlpBytes(const std::vector<int>& layers);

}  // namespace spikegym::lab
