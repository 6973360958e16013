#include "agents/agent.hpp"

#include <algorithm>

#include "core/unit_registry.hpp"

namespace spikegym::agents {
namespace {
Registry<AgentInfo>& table() {
  static Registry<AgentInfo> agents("agent");  // filled at static initialisation
  return agents;
}
}  // namespace

bool registerAgent(AgentInfo info) {
  const std::string name = info.name;
  return table().add(name, std::move(info));
}

std::vector<const AgentInfo*> registeredAgents() {
  return table().all();
}

const AgentInfo& agentInfo(const std::string& name) {
  return table().get(name);
}

bool isReplacedByNetwork(const AgentInfo& info, const std::string& key) {
  const auto& replaced = info.replaced_by_network;
  return std::find(replaced.begin(), replaced.end(), key.substr(0, key.find('.'))) !=
         replaced.end();
}

ConfigValues resolveAgent(const std::string& type, const ConfigValues& given) {
  const AgentInfo& info = agentInfo(type);
  return resolveAgentParams(info.params, info.children, given, "agent '" + type + "'");
}

AgentDef resolveAgentDef(const std::string& type, const envs::Space& observation_space,
                         const envs::Space& action_space, const ConfigValues& given) {
  const AgentInfo& info = agentInfo(type);
  const std::string context = "agent '" + type + "'";
  ConfigValues own, network;
  for (const auto& [key, value] : given) {
    (key.rfind("network.", 0) == 0 ? network : own)[key] = value;
  }
  if (!network.empty()) {
    if (!info.takes_network) {
      throw UserError(context + ": unknown parameter '" + network.begin()->first +
                      "'; only agents built from a network definition (snn) take network.*");
    }
    for (const auto& [key, value] : own) {
      if (isReplacedByNetwork(info, key)) {
        throw UserError(context + ": parameter '" + key +
                        "' is replaced by the network definition (agent.network); remove it and "
                        "set the network's own value instead (see `spikegym show network`)");
      }
    }
  }
  AgentDef def;
  def.info = &info;
  ConfigValues resolved = resolveAgentParams(info.params, info.children, own, context);
  if (info.takes_network) {
    const Config flat(resolved, context);
    const bool from_flat = network.empty();
    const ConfigValues keys = from_flat ? info.expand_flat(flat, action_space, nullptr) : network;
    try {
      def.network = resolveNetwork(keys, observation_space, action_space, flat.number("dt_ms"));
    } catch (const NetworkError& e) {
      if (!from_flat) throw;
      // The flat parameters made a network that fails a check: say so in their terms.
      throw UserError(context + ": " + e.message() + " (in the network the flat parameters make: " +
                      e.key() + "; see `spikegym show network`)");
    }
    for (auto it = resolved.begin(); it != resolved.end();) {
      it = isReplacedByNetwork(info, it->first) ? resolved.erase(it) : std::next(it);
    }
  }
  def.config = Config(std::move(resolved), context);
  return def;
}

std::unique_ptr<Agent> makeAgent(const AgentDef& def, const envs::Space& observation_space,
                                 const envs::Space& action_space, std::uint64_t seed) {
  return def.info->factory(observation_space, action_space, def, seed);
}

std::unique_ptr<Agent> makeAgent(const std::string& type, const envs::Space& observation_space,
                                 const envs::Space& action_space, const ConfigValues& params,
                                 std::uint64_t seed) {
  return makeAgent(resolveAgentDef(type, observation_space, action_space, params),
                   observation_space, action_space, seed);
}

}  // namespace spikegym::agents
