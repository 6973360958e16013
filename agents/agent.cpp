#include "agents/agent.hpp"

#include <map>

#include "core/error.hpp"

namespace spikegym::agents {
namespace {
std::map<std::string, AgentInfo>& table() {
  static std::map<std::string, AgentInfo> agents;  // filled at static initialisation
  return agents;
}
}  // namespace

bool registerAgent(AgentInfo info) {
  const std::string name = info.name;
  if (!table().emplace(name, std::move(info)).second) {
    throw UsageError("registerAgent: agent '" + name + "' is registered twice");
  }
  return true;
}

std::vector<const AgentInfo*> registeredAgents() {
  std::vector<const AgentInfo*> out;
  for (const auto& [name, info] : table()) out.push_back(&info);
  return out;
}

const AgentInfo& agentInfo(const std::string& name) {
  auto it = table().find(name);
  if (it == table().end()) {
    std::vector<std::string> names;
    std::string list;
    for (const auto& [n, info] : table()) {
      names.push_back(n);
      list += (list.empty() ? "" : ", ") + n;
    }
    throw UserError("unknown agent '" + name + "'" + didYouMean(name, names) +
                    "; expected one of: " + list);
  }
  return it->second;
}

std::unique_ptr<Agent> makeAgent(const std::string& type, const envs::Space& observation_space,
                                 const envs::Space& action_space, const ConfigValues& params,
                                 std::uint64_t seed) {
  return agentInfo(type).factory(observation_space, action_space, params, seed);
}

}  // namespace spikegym::agents
