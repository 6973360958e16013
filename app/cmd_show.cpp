// `spikegym show network FILE.yaml`: the fully resolved network of an experiment's snn agent
// (sizes derived, presets expanded, defaults filled) as YAML to copy under `agent:` and edit.
// With no `network:` block it prints the network the agent's flat parameters make.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "agents/snn_agent.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "envs/registration.hpp"
#include "lab/experiment.hpp"
#include "lab/presets.hpp"

namespace spikegym::app {
namespace {

struct ShowOptions {
  std::string file;
  std::vector<std::string> sets;
  long cell = 1;
};

void showNetwork(const ShowOptions& o) {
  const lab::Experiment exp = lab::loadExperiment(o.file, o.sets);
  // Cells in order: the runs of the first seed.
  std::vector<const lab::RunSpec*> cells;
  for (const auto& run : exp.runs) {
    if (run.seed == exp.runs.front().seed) cells.push_back(&run);
  }
  if (o.cell > static_cast<long>(cells.size())) {
    throw UserError("--cell " + std::to_string(o.cell) + ": " + o.file + " has " +
                    std::to_string(cells.size()) + " cell(s)");
  }
  const lab::RunSpec& run = *cells[o.cell - 1];
  if (run.train.agent_type != "snn") {
    throw UserError(o.file + ": agent.type is '" + run.train.agent_type +
                    "'; only the snn agent has a network");
  }
  auto env = envs::make(run.train.env_id, 0, run.train.env_params);
  const agents::NetworkDef def =
      *agents::resolveAgentDef("snn", env->observationSpace(), env->actionSpace(),
                               run.train.agent_params)
           .network;
  // The agent's own settings that stay beside a network (timing, shaping), then the network.
  std::vector<std::pair<std::string, std::string>> values = {{"agent.type", "snn"}};
  const agents::AgentInfo& info = agents::agentInfo("snn");
  for (const auto& [key, value] : run.train.agent_params) {
    if (key.rfind("network.", 0) == 0 || agents::isReplacedByNetwork(info, key)) continue;
    values.emplace_back("agent." + key, value);
  }
  for (const auto& [key, value] : def.values) values.emplace_back("agent." + key, value);
  std::string swept;
  for (const auto& [key, value] : run.swept) swept += " " + key + "=" + value;
  std::printf(
      "# The network of %s, cell %ld of %zu%s, resolved: sizes derived, presets expanded,\n"
      "# defaults filled. Paste it as the agent block of an experiment file and edit.\n%s",
      o.file.c_str(), o.cell, cells.size(),
      swept.empty() ? "" : (" (" + swept.substr(1) + ")").c_str(), lab::nestedYaml(values).c_str());
}

struct PresetOptions {
  std::string name;
  std::string env;  // "": the first env it was tuned on
};

void showPreset(const PresetOptions& o) {
  const lab::Preset& p = lab::findPreset(o.name);
  const std::string env = o.env.empty() ? p.tuned_on.front() : o.env;
  const lab::RunSpec run = lab::resolvePreset(o.name, env);
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [key, entry] : run.config) {
    if (key.rfind("agent.", 0) == 0) values.emplace_back(key, entry.text);
  }
  std::cout << "# preset " << p.name << " (" << p.file << "): " << p.summary << "\n# tuned on: ";
  for (std::size_t i = 0; i < p.tuned_on.size(); ++i) std::cout << (i ? ", " : "") << p.tuned_on[i];
  std::cout << "; reached: " << p.figure << "\n# Every value resolved on " << env
            << " (defaults filled in); `agent: {preset: " << p.name
            << "}` gives exactly these. Paste and edit, or override key by key.\n"
            << lab::nestedYaml(values);
}

}  // namespace

void addShowCommand(CLI::App& app) {
  auto o = std::make_shared<ShowOptions>();
  CLI::App* show = app.add_subcommand("show", "Print what an experiment resolves to");
  show->require_subcommand(1);
  CLI::App* net = show->add_subcommand(
      "network", "The snn agent's network, fully resolved, as YAML to copy and edit");
  net->add_option("file", o->file, "An experiment file (YAML)")->required();
  net->add_option("--set", o->sets, "path=value over the file (as for run)");
  net->add_option("--cell", o->cell, "Which sweep cell (1 = the first)")
      ->check(wholeNumber(1, 100000));
  net->callback([o] { showNetwork(*o); });
  auto po = std::make_shared<PresetOptions>();
  CLI::App* preset = show->add_subcommand(
      "preset", "A shipped preset expanded: every agent value it gives, defaults filled in");
  preset->add_option("name", po->name, "Preset name (spikegym list presets)")->required();
  preset->add_option("--env", po->env, "Resolve on this env (default: the first it was tuned on)");
  preset->callback([po] { showPreset(*po); });
}

}  // namespace spikegym::app
