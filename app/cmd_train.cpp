// `spikegym train`: one agent, one env, one seed; CSV on stdout, one row per episode:
// episode,return,length,truncated, then env metrics, agent diagnostics and the cost columns
// (lab/cost.hpp).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "lab/cost.hpp"
#include "lab/experiment.hpp"
#include "lab/presets.hpp"
#include "lab/stats.hpp"
#include "lab/training.hpp"

namespace spikegym::app {
namespace {

struct TrainOptions {
  TrainOptions() { spec.seed = 1; }  // as sweeps: seeds start at 1
  lab::TrainSpec spec;
  std::vector<std::string> sets;
  std::string config;  // an experiment file: env and agent from its first cell
  std::string preset;  // a shipped preset (lab/presets.hpp)
  bool episodes_given = false;
};

void train(TrainOptions& o) {
  if (!o.config.empty()) {
    // Everything resolved (a network definition included), as `run` would for its first cell.
    // --set goes into the file before resolution, so that derived values (sizes) follow it.
    std::vector<std::string> overrides;
    for (const auto& kv : o.sets) {
      overrides.push_back(kv.rfind("env.", 0) == 0 ? kv : "agent." + kv);
    }
    o.sets.clear();
    if (!o.preset.empty()) overrides.push_back("agent.preset=" + o.preset);
    o.preset.clear();
    const lab::Experiment exp = lab::loadExperiment(o.config, overrides);
    for (const auto& note : exp.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    const lab::TrainSpec& cell = exp.runs.front().train;
    o.spec.env_id = cell.env_id;
    o.spec.env_params = cell.env_params;
    o.spec.agent_type = cell.agent_type;
    o.spec.agent_params = cell.agent_params;
    if (!o.episodes_given) o.spec.episodes = cell.episodes;
  }
  // A preset (--preset NAME, or --set preset=NAME / agent.preset=NAME): its agent values first,
  // every --set on top, as `agent: {preset: NAME, ...}` in a file.
  for (const auto& kv : o.sets) {
    if (kv.rfind("preset=", 0) == 0) o.preset = kv.substr(7);
    if (kv.rfind("agent.preset=", 0) == 0) o.preset = kv.substr(13);
  }
  if (!o.preset.empty()) {
    const lab::Preset& p = lab::findPreset(o.preset);
    for (const auto& [path, entry] : p.values) {
      if (path == "type") {
        o.spec.agent_type = entry.text;
      } else {
        o.spec.agent_params[path] = entry.text;
      }
    }
  }
  if (const std::string note = lab::presetNote(o.preset, o.spec.env_id, o.spec.agent_type);
      !note.empty() && o.config.empty()) {
    std::fprintf(stderr, "note: %s\n", note.c_str());
  }
  for (const auto& kv : o.sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UserError("--set '" + kv + "': expected key=value, e.g. --set learning_rule=mstdp");
    }
    const std::string key = kv.substr(0, eq);
    if (key == "preset" || key == "agent.preset") continue;
    if (key.rfind("env.", 0) == 0) {
      o.spec.env_params[key.substr(4)] = kv.substr(eq + 1);
    } else {
      o.spec.agent_params[key] = kv.substr(eq + 1);
    }
  }
  if (!o.spec.save_checkpoint.empty()) {
    // Find out now, not after hours of training, that the checkpoint cannot be written.
    const std::string probe = o.spec.save_checkpoint + ".probe";
    if (!std::ofstream(probe)) {
      throw UserError("--save " + o.spec.save_checkpoint + ": cannot write there");
    }
    std::remove(probe.c_str());
  }
  bool header = false;
  const bool terminal = isatty(STDERR_FILENO);
  std::vector<double> returns;
  lab::runTraining(o.spec, [&](const lab::EpisodeRow& row) {
    if (!row.eval) returns.push_back(row.episode_return);
    if (terminal) {
      // Progress on the terminal only (stderr), never in the CSV.
      std::fprintf(stderr, "\r%ld/%ld episodes, last return %.1f   ", row.episode + 1,
                   o.spec.episodes, row.episode_return);
    }
    std::string line;
    if (!header) {
      line = "episode,return,length,truncated";
      for (const auto& [name, value] : row.metrics) line += "," + name;
      if (row.cost) {
        for (const auto& [name, value] : lab::costColumns(*row.cost)) line += "," + name;
      }
      line += "\n";
      header = true;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%ld,%.10g,%ld,%d", row.episode, row.episode_return, row.length,
                  row.truncated ? 1 : 0);
    line += buf;
    for (const auto& [name, value] : row.metrics) {
      std::snprintf(buf, sizeof buf, ",%.10g", value);  // as run's episodes.csv
      line += buf;
    }
    if (row.cost) {
      for (const auto& [name, value] : lab::costColumns(*row.cost)) {
        line += "," + lab::costValueText(value);
      }
    }
    line += "\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  });
  // The same score as `run` prints (lab/stats), on stderr so that stdout stays pure CSV.
  std::fprintf(stderr,
               "%strained %zu episodes (seed %llu): score %.1f (mean return of the last %zu)\n",
               terminal ? "\n" : "", returns.size(), static_cast<unsigned long long>(o.spec.seed),
               lab::runScore(returns), std::min(returns.size(), lab::kScoreEpisodes));
}

}  // namespace

void addTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train one agent on one env; CSV per episode: episode,return,length,truncated, "
      "env metrics, agent diagnostics");
  auto* env = cmd->add_option("--env", o->spec.env_id, "Env id (see `spikegym list envs`)")
                  ->capture_default_str();
  auto* agent =
      cmd->add_option("--agent", o->spec.agent_type, "Agent type (see `spikegym list agents`)")
          ->capture_default_str();
  cmd->add_option("--config", o->config,
                  "Take env and agent (a network definition included) from this experiment "
                  "file's first cell; --set still applies on top")
      ->excludes(env)
      ->excludes(agent);
  cmd->add_option("--episodes", o->spec.episodes,
                  "Episodes to train (with --config: the file's train.episodes unless given)")
      ->check(CLI::Range(1L, lab::kMaxEpisodes))
      ->capture_default_str()
      ->each([o](const std::string&) { o->episodes_given = true; });
  cmd->add_option("--seed", o->spec.seed, "Seed of the run")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  cmd->add_option("--set", o->sets,
                  "Agent parameter key=value (repeatable), e.g. --set learning_rule=mstdp "
                  "--set rule.tau_c_ms=500; env.<name>=value sets an env parameter");
  cmd->add_option("--preset", o->preset,
                  "Start from a shipped agent preset (spikegym list presets); --set applies on "
                  "top")
      ->excludes(agent);
  cmd->add_option("--load", o->spec.load_checkpoint, "Start from this checkpoint");
  cmd->add_option("--save", o->spec.save_checkpoint, "Write the trained agent here at the end");
  cmd->add_flag("--no-cost{false}", o->spec.count_ops,
                "Do not count operations (no cost columns; results are the same): for timing "
                "the counters' overhead");
  cmd->callback([o] { train(*o); });
}

}  // namespace spikegym::app
