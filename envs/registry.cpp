#include "envs/registry.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"

namespace spikegym::envs {
namespace {

std::map<std::string, EnvSpec>& table() {
  static std::map<std::string, EnvSpec> specs;  // filled during static initialisation only
  return specs;
}

}  // namespace

bool registerEnv(EnvSpec spec) {
  if (!table().emplace(spec.id, spec).second) {
    throw UsageError("registerEnv: env id '" + spec.id + "' is registered twice");
  }
  return true;
}

std::vector<const EnvSpec*> registeredEnvs() {
  std::vector<const EnvSpec*> out;
  for (const auto& [id, spec] : table()) out.push_back(&spec);
  return out;
}

const EnvSpec& envSpec(const std::string& id) {
  auto it = table().find(id);
  if (it == table().end()) {
    std::vector<std::string> ids;
    for (const auto& [known, spec] : table()) ids.push_back(known);
    std::string known_list;
    for (const auto& k : ids) known_list += (known_list.empty() ? "" : ", ") + k;
    throw UserError("unknown env id '" + id + "'" + didYouMean(id, ids) +
                    "; expected one of: " + known_list);
  }
  return it->second;
}

std::unique_ptr<Env> make(const std::string& id, std::uint64_t seed) {
  const EnvSpec& spec = envSpec(id);
  std::unique_ptr<Env> env = spec.factory(seed);
  if (spec.max_episode_steps > 0) {
    env = std::make_unique<TimeLimit>(std::move(env), spec.max_episode_steps);
  }
  return env;
}

}  // namespace spikegym::envs
