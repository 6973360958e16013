#include "agents/agent.hpp"

#include <algorithm>

#include "core/registry.hpp"

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

std::unique_ptr<Agent> makeAgent(const std::string& type, const envs::Space& observation_space,
                                 const envs::Space& action_space, const ConfigValues& params,
                                 std::uint64_t seed) {
  const AgentInfo& info = agentInfo(type);
  ConfigValues own, network;
  for (const auto& [key, value] : params) {
    (key.rfind("network.", 0) == 0 ? network : own)[key] = value;
  }
  if (!network.empty()) {
    if (!info.takes_network) {
      throw UserError("agent '" + type + "': unknown parameter '" + network.begin()->first +
                      "'; only agents built from a network definition (snn) take network.*");
    }
    for (const auto& [key, value] : own) {
      if (isReplacedByNetwork(info, key)) {
        throw UserError("agent '" + type + "': parameter '" + key +
                        "' is replaced by the network definition (agent.network); remove it and "
                        "set the network's own value instead (see `spikegym show network`)");
      }
    }
  }
  ConfigValues resolved = resolveAgent(type, own);
  resolved.insert(network.begin(), network.end());
  return info.factory(observation_space, action_space, resolved, seed);
}

}  // namespace spikegym::agents
