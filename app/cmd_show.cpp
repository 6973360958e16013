// `spikegym show network FILE.yaml`: the fully resolved network of an experiment's snn agent
// (sizes derived, presets expanded, defaults filled) as YAML to copy under `agent:` and edit.
// With no `network:` block it prints the network the agent's flat parameters make.
// `--cost`: the static cost figures of the built agent (any type) instead: parts, neurons,
// synapses, zero weights, connection sparsity, footprint in bytes (lab/cost.hpp).
// `spikegym show mlp-cost 4,64,64,2`: the reference cost of an MLP policy of those layer sizes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "agents/snn_agent.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "envs/registration.hpp"
#include "lab/cost.hpp"
#include "lab/experiment.hpp"
#include "lab/presets.hpp"
#include "lab/results.hpp"
#include "lab/session.hpp"

#ifdef SPIKEGYM_HAVE_VIEWER
#include <filesystem>

#include "envs/images.hpp"
#include "viewer/heatmap.hpp"
#endif

namespace spikegym::app {
namespace {

struct ShowOptions {
  std::string file;
  std::vector<std::string> sets;
  long cell = 1;
  bool cost = false;
};

/// The static cost figures of cell `run`'s agent, built as a run builds it (seed 1).
void showCost(const std::string& file, long cell, std::size_t cells, const lab::RunSpec& run) {
  auto env = envs::make(run.train.env_id, 0, run.train.env_params);
  const auto agent = agents::makeAgent(run.train.agent_type, env->observationSpace(),
                                       env->actionSpace(), run.train.agent_params, 1);
  std::printf("# The %s agent of %s, cell %ld of %zu, on %s, before it runs:\n%s",
              run.train.agent_type.c_str(), file.c_str(), cell, cells, run.train.env_id.c_str(),
              lab::costPartsTable(agent->costParts()).c_str());
}

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
  if (o.cost) return showCost(o.file, o.cell, cells.size(), run);
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

struct MlpOptions {
  std::string layers;
  long steps = 500;
  std::vector<std::string> prices;
};

/// "4,64,64,2" -> {4, 64, 64, 2}; anything else is a UserError.
std::vector<int> parseLayers(const std::string& text) {
  std::vector<int> layers;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    double n = 0;
    if (!parseNumber(text.substr(at, comma - at), n) || n < 1 || n > 1e6 || n != std::floor(n)) {
      throw UserError(
          "show mlp-cost: layers: expected sizes like 4,64,64,2 (whole numbers in "
          "[1, 1e6]), got '" +
          text.substr(0, 60) + "'");
    }
    layers.push_back(static_cast<int>(n));
    at = comma + 1;
  }
  if (layers.size() < 2) {
    throw UserError("show mlp-cost: layers: give at least an input and an output size");
  }
  return layers;
}

void showMlpCost(const MlpOptions& o) {
  const std::vector<int> layers = parseLayers(o.layers);
  std::vector<lab::PriceList> lists = lab::builtinPriceLists();
  for (const std::string& path : o.prices) lists.push_back(lab::readPriceList(path));
  const snn::OpCounts step = lab::mlpCountsPerStep(layers);
  snn::OpCounts episode;
  for (long s = 0; s < o.steps; ++s) episode += step;
  std::printf(
      "MLP %s, evaluated once per env step (inference only; backprop training costs "
      "more):\n  per step:    %llu MACs, %llu ACs (bias adds), %llu dense ops\n"
      "  per episode: %llu MACs, %llu ACs over %ld steps\n"
      "  footprint:   %zu bytes (32-bit weights and biases)\n",
      o.layers.c_str(), static_cast<unsigned long long>(step.mac),
      static_cast<unsigned long long>(step.ac), static_cast<unsigned long long>(step.dense),
      static_cast<unsigned long long>(episode.mac), static_cast<unsigned long long>(episode.ac),
      o.steps, lab::mlpBytes(layers));
  for (const lab::PriceList& p : lists) {
    std::printf("  energy %-11s %10.4f uJ per step, %10.3f uJ per episode  (%s)\n", p.name.c_str(),
                lab::energyUj(step, p), lab::energyUj(episode, p), p.source.c_str());
  }
}

struct FieldsOptions {
  std::string run_dir, projection, out = "receptive_fields.png";
  int across = 0, scale = 4;
};

/// show receptive-fields: a finished image run's projection from the pixels, one tile per post
/// neuron (viewer/heatmap.hpp), written as a PNG.
void showReceptiveFields(const FieldsOptions& o) {
#ifndef SPIKEGYM_HAVE_VIEWER
  (void)o;
  throw UserError(
      "show receptive-fields: this build has no viewer (SFML writes the image): install "
      "libsfml-dev, reconfigure with cmake -DSPIKEGYM_VIEWER=ON and rebuild");
#else
  namespace fs = std::filesystem;
  const fs::path dir(o.run_dir);
  if (!fs::exists(dir / lab::layout::kConfig) || !fs::exists(dir / lab::layout::kCheckpoint)) {
    throw UserError(o.run_dir +
                    ": not a finished run folder (expected results/<name>/<run_id> with "
                    "config.yaml and agent.ckpt)");
  }
  lab::TrainSpec spec = lab::loadRunConfig((dir / lab::layout::kConfig).string()).train;
  spec.load_checkpoint = (dir / lab::layout::kCheckpoint).string();
  lab::Session session(spec);
  const auto* images = dynamic_cast<const envs::ImageClassification*>(&session.env());
  if (!images) {
    throw UserError(o.run_dir + ": the run's env (" + spec.env_id +
                    ") shows no images; receptive fields need Digits-v0 or FashionMNIST-v0");
  }
  agents::AgentView* view = session.agent().view();
  if (!view)
    throw UserError(o.run_dir + ": the run's agent (" + spec.agent_type + ") has no network");
  const std::vector<std::string> names = view->projectionNames();
  const std::size_t pixels = images->images().pixelsPerImage();
  std::vector<std::string> from_pixels;
  std::size_t index = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (view->weights(i).rows != pixels) continue;
    from_pixels.push_back(names[i]);
    if (index == names.size() && (o.projection.empty() || o.projection == names[i])) index = i;
  }
  if (index == names.size()) {
    throw UserError(o.projection.empty()
                        ? o.run_dir + ": no projection of the run's network comes from the " +
                              std::to_string(pixels) + " pixels"
                        : "--projection '" + o.projection +
                              "': expected a projection from the pixels: " +
                              (from_pixels.empty() ? std::string("there is none")
                                                   : CLI::detail::join(from_pixels, ", ")) +
                              didYouMean(o.projection, from_pixels));
  }
  const agents::WeightGrid grid = view->weights(index);
  const int across = o.across > 0
                         ? o.across
                         : static_cast<int>(std::ceil(std::sqrt(static_cast<double>(grid.cols))));
  const sf::Image img = viewer::receptiveFieldImage(grid, images->images().rows,
                                                    images->images().cols, across, o.scale);
  const fs::path out(o.out);
  const fs::path tmp = out.parent_path() / (".tmp." + out.filename().string());
  if (!img.saveToFile(tmp.string())) {
    throw UserError(o.out + ": cannot write the image (the extension names the format: .png)");
  }
  fs::rename(tmp, out);
  std::printf("wrote %s: %u receptive fields of '%s' (%d x %d pixels each), %d per line\n",
              o.out.c_str(), grid.cols, names[index].c_str(), images->images().rows,
              images->images().cols, across);
#endif
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
  net->add_flag("--cost", o->cost,
                "Print the built agent's static cost instead (any agent type): parts, synapses, "
                "zero weights, connection sparsity, footprint");
  net->callback([o] { showNetwork(*o); });
  auto mo = std::make_shared<MlpOptions>();
  CLI::App* mlp = show->add_subcommand(
      "mlp-cost", "The reference cost of an MLP policy (e.g. 4,64,64,2): ops, bytes, energy");
  mlp->add_option("layers", mo->layers, "Layer sizes, input first, e.g. 4,64,64,2")->required();
  mlp->add_option("--steps", mo->steps, "Env steps per episode (CartPole-v1 solved: 500)")
      ->check(wholeNumber(1, 1000000000));
  mlp->add_option("--prices", mo->prices, "A price list YAML file to add (repeatable)");
  mlp->callback([mo] { showMlpCost(*mo); });
  auto po = std::make_shared<PresetOptions>();
  CLI::App* preset = show->add_subcommand(
      "preset", "A shipped preset expanded: every agent value it gives, defaults filled in");
  preset->add_option("name", po->name, "Preset name (spikegym list presets)")->required();
  preset->add_option("--env", po->env, "Resolve on this env (default: the first it was tuned on)");
  preset->callback([po] { showPreset(*po); });
  auto fo = std::make_shared<FieldsOptions>();
  CLI::App* fields = show->add_subcommand(
      "receptive-fields",
      "A finished image run's learned receptive fields as a PNG: one tile per neuron");
  fields->add_option("run", fo->run_dir, "The run's folder (results/<name>/<run_id>)")->required();
  fields->add_option("--projection", fo->projection,
                     "Which projection from the pixels (default: the first by name)");
  fields->add_option("--out", fo->out, "The PNG to write")->capture_default_str();
  fields->add_option("--across", fo->across, "Tiles per line (default: a square)")
      ->check(wholeNumber(1, 10000));
  fields->add_option("--scale", fo->scale, "Image pixels per weight")
      ->capture_default_str()
      ->check(wholeNumber(1, 64));
  fields->callback([fo] { showReceptiveFields(*fo); });
}

}  // namespace spikegym::app
