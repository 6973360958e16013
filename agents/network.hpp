// Networks as data: the `snn` agent's populations, projections, modulator, critic and readout,
// written in an experiment file under `agent.network` and resolved here into a checked
// NetworkDef (docs/network.md has the schema and an example).
//
//   network:
//     populations: {<name>: {size, neuron: {model, preset?, ...} | encoder: {model, ...},
//                            groups: {count, size}?, enabled?}}
//     projections: {<name>: {source, target, receptor_type, connectivity: {rule, ...},
//                            weight, delay_ms, plasticity: {rule, modulator?, ...},
//                            normalize: {mode}, enabled?}}
//     modulators:  {<name>: {signal, gain, tau_ms, baseline_window?, enabled?}}
//     critic:      {model, features, cells_per_dim, rf_width, obs_range, gamma, lr, lambda}
//     readout:     {population, decode, temperature?, exploration: {...}}
//
// Every object is a map entry keyed by its name, so every sweep path is made of names
// (agent.network.projections.hidden_output.plasticity.tau_c_ms). Each block is a selector plus
// the parameters of that selection; keys are checked against the selection's table. Resolution
// fills every default, derives `auto` sizes from the env's spaces and expands neuron presets, so
// the resolved values (config.yaml, run ids) say everything the run builds.
//
// With no `network` block the agent builds defaultNetwork(): its flat parameters (encoder,
// hidden, output_size, learning_rule, ...) written as a network, which builds exactly the
// network those parameters always built (byte-identical results).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/config.hpp"
#include "core/error.hpp"
#include "envs/space.hpp"
#include "snn/params.hpp"
#include "snn/plasticity.hpp"

namespace spikegym::agents {

/// A mistake in a network definition, at the key it concerns (relative to the agent, e.g.
/// "network.projections.hid_out.source"; for a missing key, the object that lacks it).
class NetworkError : public UserError {
 public:
  NetworkError(std::string key, const std::string& message)
      : UserError(key + ": " + message), key_(std::move(key)), message_(message) {}
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  std::string key_, message_;
};

struct PopulationDef {
  std::string name;
  std::uint32_t size = 0;
  bool encoder = false;
  // Encoder populations: gaussian_rf (receptive fields, `drive` poisson or current) or rate
  // (an on/off Poisson pair per dimension).
  std::string encoder_model, drive;
  int cells_per_dim = 0;
  double rf_width = 0, max_rate_hz = 0, current_mv = 0;
  double mean_rate_hz = 0;  ///< intensity: [Hz] each observation's mean rate (0: not scaled)
  std::string obs_range;
  // Neuron populations: registry name ("lif", "izhikevich:RS") and resolved parameters.
  std::string neuron_model;
  snn::ParamValues neuron_params;
  int group_count = 0, group_size = 0;  ///< 0: not grouped
};

struct ProjectionDef {
  std::string name, source, target;
  bool inhibitory = false;
  std::string connectivity;  ///< all_to_all, one_to_one, pairwise_bernoulli, ...
  double p = 0;
  std::uint32_t degree = 0;
  bool allow_autapses = false;
  double w_low = 0, w_high = 0;       ///< [mV] magnitudes, uniform in [low, high]
  int delay_low = 1, delay_high = 1;  ///< [steps]
  std::string rule = "none";          ///< plasticity rule
  snn::ParamValues rule_params;       ///< resolved (a window rule's learner is built from these)
  snn::PlasticityRule plasticity;     ///< the engine's rule, built from them once
  std::string modulator;              ///< "" for unmodulated rules
  bool normalize = false;             ///< keep each post neuron's summed input weight
  bool normalize_norm = false;        ///< ... its input weights' Euclidean norm instead
};

struct ModulatorDef {
  std::string name, signal;  ///< reward, reward_minus_baseline, td_error
  double gain = 1, tau_ms = 10, baseline_window = 100;
};

struct CriticDef {
  std::string features;  ///< gaussian_rf or joint_rf
  int cells_per_dim = 12;
  int joint_cells = 6;  ///< joint_rf: grid cells per dimension of each pair
  double rf_width = 1;
  std::string obs_range = "auto";
  double gamma = 0.99, lr = 0.01, lambda = 0.9;
};

struct ReadoutDef {
  std::string population, decode;
  double temperature = 1;
  double epsilon_start = 0, epsilon_end = 0, epsilon_episodes = 1, drive_mv = 0;
  bool greedy_eval = false;  ///< evaluation episodes (learning off) decide by argmax
  int assign_every = 0;      ///< label_assignment: labelled windows per renewal of assignments
  std::string vote;          ///< label_assignment: mean (Diehl & Cook) or proportion
};

/// A resolved, checked network: enabled objects only, each list in name order.
struct NetworkDef {
  std::vector<PopulationDef> populations;
  std::vector<ProjectionDef> projections;
  std::optional<ModulatorDef> modulator;
  std::optional<CriticDef> critic;
  ReadoutDef readout;
  ConfigValues values;  ///< every resolved "network.*" key (disabled objects included)

  const PopulationDef& population(const std::string& name) const;
};

/// Resolves and checks the "network.*" keys of `given` (other keys are ignored) for an env with
/// these spaces and a network step of `dt_ms`. Throws NetworkError at the key concerned.
NetworkDef resolveNetwork(const ConfigValues& given, const envs::Space& observation_space,
                          const envs::Space& action_space, double dt_ms);

/// What a network definition will hold, estimated before anything is allocated.
struct NetworkSize {
  double neurons = 0, synapses = 0;
  double bytes = 0;  ///< [bytes] synapses, neuron state and delay buffers, with build scratch
};
/// [bytes] per synapse while building and running: weight, post index, delay, eligibility
/// (13 in the running network, BENCHMARKS.md) plus the connection lists built first.
inline constexpr double kBytesPerSynapse = 24;
/// [bytes] per neuron: state variables, traces, input buffers.
inline constexpr double kBytesPerNeuron = 64;
/// [bytes] Default limit of estimateSize(def).bytes: a larger network is refused (exit 2 with the
/// estimate) unless the limit is raised on purpose (spikegym --max-network-mb).
inline constexpr std::uint64_t kDefaultNetworkMemoryLimit = 1ull << 30;
NetworkSize estimateSize(const NetworkDef& def);
/// The process-wide limit that resolveNetwork checks estimateSize against (the command line's
/// --max-network-mb). A safety bound, never part of a result: it decides only whether a network
/// is built at all.
void setNetworkMemoryLimit(std::uint64_t bytes);
std::uint64_t networkMemoryLimit();

/// The "network.*" keys equivalent to the snn agent's resolved flat parameters: the one place the
/// flat form is expanded (lab/ expands before hashing, so both forms of one network share a run
/// id). `sources`, if given, receives for each key taken from a flat parameter that parameter's
/// name (for error places).
ConfigValues defaultNetwork(const Config& flat, const envs::Space& action_space,
                            std::map<std::string, std::string>* sources = nullptr);

/// The snn agent's defaults for rule `name`'s parameters (tuned on CartPole-v1; see
/// agents/snn_agent.cpp), and the rule's table with them applied.
snn::ParamValues snnRuleDefaults(const std::string& rule);
ParamTable snnRuleTable(const std::string& rule);

/// True when `values` holds a network definition (any "network." key).
bool hasNetwork(const ConfigValues& values);

/// The snn agent's own parameters that a network definition replaces (with the child prefixes
/// "rule" and "neuron"): giving one together with `network` is an error.
const std::vector<std::string>& replacedByNetwork();

}  // namespace spikegym::agents
