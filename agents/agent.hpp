// The agent interface: what acts in an env and learns from its rewards.
//
//   onEpisodeStart();  a = act(obs);  observe(next_obs, reward, terminated, truncated); ...
//
// observe() is where learning happens. It receives the next observation too, because a
// temporal-difference learner needs V(next state) when the episode goes on or was truncated
// (a truncated episode did not fail: its value is bootstrapped, not zero). Agents register by
// name with their declared parameters (`spikegym list agents`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "agents/checkpoint.hpp"
#include "agents/config.hpp"
#include "agents/network.hpp"
#include "agents/view.hpp"
#include "core/live.hpp"
#include "envs/env.hpp"
#include "envs/space.hpp"
#include "snn/ops.hpp"

namespace spikegym::agents {

/// Per-episode numbers for logging, e.g. {"rate_hz_output", 12.5}.
using Diagnostics = std::vector<std::pair<std::string, double>>;

/// One part of an agent for cost figures (`spikegym show network --cost`, run.json): a
/// population (units = neurons), a projection (units = synapses) or a real-valued part (critic,
/// policy; units = weights), with its state's size and what it counted so far.
struct CostPart {
  std::string name;
  std::string kind;         ///< "population", "source", "projection", "critic", "policy"
  std::uint64_t units = 0;  ///< neurons, synapses or weights
  std::uint64_t zero = 0;   ///< weights that are zero now (projections, real-valued parts)
  std::size_t bytes = 0;    ///< [bytes] state: variables, weights, traces, buffers
  snn::OpCounts counts;     ///< counted so far (populations: spikes, neuron updates)
};

class Agent {
 public:
  virtual ~Agent() = default;
  /// Registered type name ("snn", "random", "reinforce").
  virtual const std::string& type() const = 0;
  /// Called before the first act() of each episode.
  virtual void onEpisodeStart() {}
  /// Picks an action for observation `obs` (inside the env's observation space).
  virtual envs::Action act(std::span<const double> obs) = 0;
  /// The outcome of the last action; learning happens here. At the end of an episode
  /// (terminated or truncated) the agent also closes the episode.
  virtual void observe(std::span<const double> next_obs, double reward, bool terminated,
                       bool truncated) = 0;
  /// The env's info of the step whose outcome observe() gets next (called just before it):
  /// agents that learn from a label (label_assignment reads info "label") take it here.
  virtual void observeInfo(const envs::Info& info) { (void)info; }
  /// Learning on/off (off: evaluation episodes; weights and critic stay as they are).
  virtual void setLearning(bool on) { learning_ = on; }
  bool learning() const { return learning_; }
  /// Exploration off: every action is the agent's best (argmax; no epsilon), for watching a
  /// trained agent (spikegym view). Off by default and never set by a run (train, run, eval),
  /// so no result depends on it.
  void setGreedy(bool on) { greedy_ = on; }
  bool greedy() const { return greedy_; }
  /// Numbers describing the last finished episode, in a fixed order of names. Reading them
  /// never changes the agent.
  virtual Diagnostics diagnostics() const { return {}; }
  /// "" while every learned quantity is finite, else what is not (e.g. "non-finite TD error").
  /// Checked after every step: a fault ends the episode and fails the run instead of training
  /// on NaN.
  virtual std::string numericalFault() const { return ""; }
  /// Read-only access to the agent's network for viewers; nullptr for agents without one.
  virtual AgentView* view() { return nullptr; }
  /// What a viewer may change while watching (core/live.hpp); none by default.
  virtual std::vector<LiveParam> liveParams() const { return {}; }
  /// Sets one of liveParams() from the next step on; false for a name it does not have.
  virtual bool setLiveParam(const std::string& name, double value) {
    (void)name;
    (void)value;
    return false;
  }
  /// Counts operations from now on (snn/ops.hpp); off by default. Counting only reads: an
  /// agent acts and learns the same with it on or off.
  virtual void setCounting(bool on) { counting_ = on; }
  /// What the agent computed since counting was turned on: its network's synaptic operations,
  /// neuron updates and plasticity, and the MACs of its real-valued parts. A random agent: none.
  virtual snn::OpCounts opCounts() const { return {}; }
  /// The agent's parts with their sizes (for footprint and connection sparsity).
  virtual std::vector<CostPart> costParts() const { return {}; }
  /// Read-only access to a non-spiking policy (REINFORCE) for viewers; nullptr otherwise.
  virtual const PolicyView* policyView() const { return nullptr; }
  /// The agent (config, learned state, RNG state) as a checkpoint in memory.
  virtual Checkpoint checkpoint() const = 0;
  /// Restores what checkpoint() gave; a checkpoint of another agent type or architecture throws
  /// UserError naming both and `source` (the file it came from).
  virtual void restore(const Checkpoint& ck, const std::string& source) = 0;
  /// Restarts the agent's exploration stream from `seed`. An evaluation copy of the agent
  /// (restore() of the training agent's checkpoint) draws its own exploration this way, so
  /// evaluating never touches the training agent's streams or state.
  virtual void reseedExploration(std::uint64_t seed) = 0;
  /// Writes checkpoint() to `path` atomically.
  void save(const std::string& path) const { checkpoint().write(path); }
  /// Reads a checkpoint file (agents/checkpoint: checked, bounded) and restores it.
  void load(const std::string& path) { restore(Checkpoint::read(path), path); }

 protected:
  bool learning_ = true;
  bool greedy_ = false;
  bool counting_ = false;
};

struct AgentInfo;

/// An agent resolved once, against its declarations and the env's spaces: what units are built
/// from (they never parse the experiment's text again).
struct AgentDef {
  const AgentInfo* info = nullptr;
  /// Every own value, checked and with defaults (a network-taking agent: the values beside its
  /// network; the flat keys the network replaces are not here).
  Config config{{}, ""};
  std::optional<NetworkDef> network;  ///< network-taking agents: the resolved network
};

/// How to build one registered agent type.
struct AgentInfo {
  std::string name;
  std::string summary;
  ParamTable params;
  /// Units nested in the agent, by the agent's own resolved values (snn: rule, neuron).
  ChildrenFn children = nullptr;
  /// Takes a network definition under "network." keys (snn: agents/network.hpp), resolved by
  /// the agent against the env's spaces; `replaced_by_network` names the own parameters (and
  /// child prefixes) that such a definition replaces: giving both is an error.
  bool takes_network = false;
  std::vector<std::string> replaced_by_network = {};
  /// Network-taking agents: the "network.*" keys equivalent to the resolved flat parameters (the
  /// one expansion; `sources` receives each key's flat parameter, for error places).
  std::function<ConfigValues(const Config& flat, const envs::Space& action_space,
                             std::map<std::string, std::string>* sources)>
      expand_flat = nullptr;
  /// Builds the agent from its resolved definition.
  std::function<std::unique_ptr<Agent>(const envs::Space& observation_space,
                                       const envs::Space& action_space, const AgentDef& def,
                                       std::uint64_t seed)>
      factory;
};

/// Adds an agent type; duplicates throw UsageError. Returns true (file-scope registration).
bool registerAgent(AgentInfo info);
/// Every registered type, sorted by name.
std::vector<const AgentInfo*> registeredAgents();
/// The type `name`; unknown names throw UserError with a did-you-mean.
const AgentInfo& agentInfo(const std::string& name);
/// Every parameter of agent `type` resolved from `given` (defaults filled in, children too).
ConfigValues resolveAgent(const std::string& type, const ConfigValues& given);
/// Whether agent parameter `key` ("hidden", "rule.eta") is one that `info`'s network definition
/// replaces (so that giving it together with "network." keys is an error).
bool isReplacedByNetwork(const AgentInfo& info, const std::string& key);
/// The one resolution of agent `type` from `given` for these spaces: every value checked
/// against its declaration, defaults filled in, a network-taking agent's network resolved (from
/// its "network.*" keys, else expanded from its flat parameters). Throws UserError (NetworkError
/// at the network key concerned).
AgentDef resolveAgentDef(const std::string& type, const envs::Space& observation_space,
                         const envs::Space& action_space, const ConfigValues& given);
/// Builds an agent from its resolved definition.
std::unique_ptr<Agent> makeAgent(const AgentDef& def, const envs::Space& observation_space,
                                 const envs::Space& action_space, std::uint64_t seed);
/// resolveAgentDef() then makeAgent(def).
std::unique_ptr<Agent> makeAgent(const std::string& type, const envs::Space& observation_space,
                                 const envs::Space& action_space, const ConfigValues& params,
                                 std::uint64_t seed);

}  // namespace spikegym::agents
