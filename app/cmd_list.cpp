// `spikegym list envs`: every registered unit with what a user needs to pick it.
#include <iostream>

#include "app/commands.hpp"
#include "envs/registry.hpp"

namespace spikegym::app {
namespace {

void listEnvs() {
  for (const envs::EnvSpec* spec : envs::registeredEnvs()) {
    auto env = envs::make(spec->id);
    std::cout << spec->id << "  " << spec->summary << "\n"
              << "  observation_space: " << env->observationSpace().describe() << "\n"
              << "  observation_names: ";
    const auto& names = env->observationNames();
    for (std::size_t i = 0; i < names.size(); ++i) std::cout << (i ? "," : "") << names[i];
    std::cout << "\n  action_space: " << env->actionSpace().describe() << "\n"
              << "  max_episode_steps: " << spec->max_episode_steps << "\n"
              << "  reward_threshold: ";
    if (spec->reward_threshold) {
      std::cout << *spec->reward_threshold;
    } else {
      std::cout << "none";
    }
    std::cout << "\n";
  }
}

}  // namespace

void addListCommand(CLI::App& app) {
  CLI::App* list = app.add_subcommand("list", "List registered units with their parameters");
  list->require_subcommand(1);
  list->add_subcommand("envs", "Environments: id, spaces, episode limit, reward threshold")
      ->callback(listEnvs);
}

}  // namespace spikegym::app
