#include "agents/agent.hpp"

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

ConfigValues resolveAgent(const std::string& type, const ConfigValues& given) {
  const AgentInfo& info = agentInfo(type);
  return resolveAgentParams(info.params, info.children, given, "agent '" + type + "'");
}

std::unique_ptr<Agent> makeAgent(const std::string& type, const envs::Space& observation_space,
                                 const envs::Space& action_space, const ConfigValues& params,
                                 std::uint64_t seed) {
  return agentInfo(type).factory(observation_space, action_space, resolveAgent(type, params), seed);
}

}  // namespace spikegym::agents
