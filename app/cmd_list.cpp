// `spikegym list envs`: every registered unit with what a user needs to pick it.
#include <iostream>

#include "agents/agent.hpp"
#include "app/commands.hpp"
#include "envs/registration.hpp"
#include "lab/presets.hpp"
#include "snn/neuromodulator.hpp"
#include "snn/plasticity.hpp"
#include "snn/population.hpp"

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
    std::cout << "\n  dynamics_version: " << spec->dynamics_version << "\n";
    if (!spec->params.empty()) {
      std::cout << "  parameters (env.<name> in experiment files):\n"
                << describeTable(spec->params, "    ");
    }
  }
}

void listRules() {
  for (const auto& rule : snn::plasticityRules()) {
    std::cout << rule.name << "  " << rule.summary << "\n";
    std::string needs;
    auto need = [&needs](bool on, const char* what) {
      if (on) needs += (needs.empty() ? "" : ", ") + std::string(what);
    };
    need(rule.needs.modulator, "a modulator (plasticity.modulator)");
    need(rule.needs.dense, "all_to_all connectivity");
    need(rule.needs.action_probabilities,
         "the readout as target, decoded by softmax (the action's probabilities)");
    if (!needs.empty()) std::cout << "  needs: " << needs << "\n";
    std::cout << (rule.params.empty() ? "  (no parameters)\n"
                                      : snn::describeParams(rule.params, "  "));
  }
  std::cout << "\nneuromodulator (the dopamine channel the modulated rules read)\n"
            << snn::describeParams(snn::neuromodulatorParams(), "  ");
}

void listNeurons() {
  for (const snn::NeuronModelInfo* model : snn::neuronModels()) {
    std::cout << model->name << "  " << model->summary << "\n"
              << snn::describeParams(model->params, "  ");
    for (const auto& [preset, values] : model->presets) {
      std::cout << "  preset " << model->name << ":" << preset << ":";
      for (const auto& [key, value] : values) std::cout << " " << key << "=" << value;
      std::cout << "\n";
    }
  }
}

void listAgents() {
  for (const agents::AgentInfo* info : agents::registeredAgents()) {
    std::cout << info->name << "  " << info->summary << "\n"
              << (info->params.empty() ? "  (no parameters)\n" : describeTable(info->params, "  "));
    if (!info->children) continue;
    // The nested units of the default configuration, with the agent's overrides marked.
    const agents::ConfigValues own = resolveTable(info->params, {}, info->name);
    for (const agents::ChildTable& child : info->children(own)) {
      std::cout << "  " << child.prefix << ".<name>: " << child.label
                << " (with the defaults above; another choice has its own table)\n"
                << describeTable(child.table, "    " + child.prefix + ".", &child.base,
                                 child.prefix);
    }
  }
}

void listPresets() {
  for (const lab::Preset& p : lab::presets()) {
    std::string envs;
    for (const auto& e : p.tuned_on) envs += (envs.empty() ? "" : ", ") + e;
    std::cout << p.name << "  " << p.summary << "\n  tuned on: " << envs
              << "\n  reached: " << p.figure << "\n  use: agent: {preset: " << p.name
              << "}  (spikegym show preset " << p.name << " prints every value)\n";
  }
}

}  // namespace

void addListCommand(CLI::App& app) {
  CLI::App* list = app.add_subcommand("list", "List registered units with their parameters");
  list->require_subcommand(1);
  list->add_subcommand("envs", "Environments: id, spaces, episode limit, reward threshold")
      ->callback(listEnvs);
  list->add_subcommand("rules", "Plasticity rules with parameters, defaults, ranges and units")
      ->callback(listRules);
  list->add_subcommand("neurons", "Neuron models with parameters, defaults, ranges and presets")
      ->callback(listNeurons);
  list->add_subcommand("agents", "Agents with their parameters, defaults and ranges")
      ->callback(listAgents);
  list->add_subcommand("presets", "Named agent configurations shipped with spikegym (presets/)")
      ->callback(listPresets);
}

}  // namespace spikegym::app
