#include "envs/registration.hpp"

#include "core/unit_registry.hpp"

namespace spikegym::envs {
namespace {

Registry<EnvSpec>& table() {
  static Registry<EnvSpec> specs("env id");  // filled during static initialisation only
  return specs;
}

}  // namespace

bool registerEnv(EnvSpec spec) {
  const std::string id = spec.id;
  return table().add(id, std::move(spec));
}

std::vector<const EnvSpec*> registeredEnvs() {
  return table().all();
}

const EnvSpec& envSpec(const std::string& id) {
  return table().get(id);
}

std::unique_ptr<Env> make(const std::string& id, std::uint64_t seed, const ParamText& params) {
  const EnvSpec& spec = envSpec(id);
  std::unique_ptr<Env> env =
      spec.factory(seed, resolveTable(spec.params, params, "env '" + id + "'"));
  if (spec.max_episode_steps > 0) {
    env = std::make_unique<TimeLimit>(std::move(env), spec.max_episode_steps);
  }
  return env;
}

}  // namespace spikegym::envs
