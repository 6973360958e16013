// Who connects to whom: connection patterns built into compressed rows by presynaptic neuron
// (CSR: the synapses of pre neuron i are offsets[i] .. offsets[i+1]-1, posts ascending).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace spikegym::snn {

/// Version of the connection patterns that buildConnectivity draws. Bumped whenever the same
/// spec and seed would give other synapses, so that results of the old patterns are never
/// mixed with new ones (it enters the run id of every run that uses a drawn fixed-degree
/// pattern: lab/experiment runId).
///   1: fixed in/out degree between two populations never chose the last neuron, and refused a
///      degree equal to the population size (an unsigned "no exclusion" sentinel).
///   2: (2026-12) every neuron can be chosen; a degree up to the population size is accepted.
inline constexpr int kConnectivityVersion = 2;

struct ConnectivitySpec {
  enum class Kind { kAllToAll, kOneToOne, kFixedProbability, kFixedInDegree, kFixedOutDegree };
  Kind kind = Kind::kAllToAll;
  double probability = 0.1;     ///< kFixedProbability: chance of each pair
  std::uint32_t degree = 10;    ///< kFixedInDegree / kFixedOutDegree: synapses per neuron
  bool allow_autapses = false;  ///< with pre == post population: may i connect to itself?

  static ConnectivitySpec allToAll() { return {}; }
  static ConnectivitySpec oneToOne() { return {Kind::kOneToOne, 0, 0, true}; }
  static ConnectivitySpec fixedProbability(double p) {
    return {Kind::kFixedProbability, p, 0, false};
  }
  static ConnectivitySpec fixedInDegree(std::uint32_t k) {
    return {Kind::kFixedInDegree, 0, k, false};
  }
  static ConnectivitySpec fixedOutDegree(std::uint32_t k) {
    return {Kind::kFixedOutDegree, 0, k, false};
  }
  /// Parses "all_to_all", "one_to_one", "fixed_probability", "fixed_in_degree",
  /// "fixed_out_degree" (UserError with a did-you-mean otherwise).
  static Kind parseKind(const std::string& name);
};

/// Synapses by presynaptic neuron.
struct Csr {
  std::vector<std::uint32_t> offsets;  ///< n_pre + 1 entries
  std::vector<std::uint32_t> post;     ///< postsynaptic index of each synapse
  std::size_t size() const { return post.size(); }
};

/// Draws a connection pattern. `same_population` forbids autapses unless the spec allows them.
Csr buildConnectivity(const ConnectivitySpec& spec, std::uint32_t n_pre, std::uint32_t n_post,
                      bool same_population, Rng& rng);

}  // namespace spikegym::snn
