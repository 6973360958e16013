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
#include "lab/stats.hpp"
#include "lab/training.hpp"

namespace spikegym::app {
namespace {

struct TrainOptions {
  TrainOptions() { request.spec.seed = 1; }  // as sweeps: seeds start at 1
  lab::TrainRequest request;
};

void train(TrainOptions& options) {
  std::vector<std::string> notes;
  lab::TrainSpec spec = lab::resolveTrainRequest(options.request, notes);
  for (const auto& note : notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  if (!spec.save_checkpoint.empty()) {
    // Find out now, not after hours of training, that the checkpoint cannot be written.
    const std::string probe = spec.save_checkpoint + ".probe";
    if (!std::ofstream(probe)) {
      throw UserError("--save " + spec.save_checkpoint + ": cannot write there");
    }
    std::remove(probe.c_str());
  }
  bool header = false;
  const bool terminal = isatty(STDERR_FILENO);
  std::vector<double> returns;
  lab::runTraining(spec, [&](const lab::EpisodeRow& row) {
    if (!row.eval) returns.push_back(row.episode_return);
    if (terminal) {
      // Progress on the terminal only (stderr), never in the CSV.
      std::fprintf(stderr, "\r%ld/%ld episodes, last return %.1f   ", row.episode + 1,
                   spec.episodes, row.episode_return);
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
               terminal ? "\n" : "", returns.size(), static_cast<unsigned long long>(spec.seed),
               lab::runScore(returns), std::min(returns.size(), lab::kScoreEpisodes));
}

}  // namespace

void addTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train one agent on one env; CSV per episode: episode,return,length,truncated, "
      "env metrics, agent diagnostics");
  auto* env = cmd->add_option("--env", o->request.spec.env_id, "Env id (see `spikegym list envs`)")
                  ->capture_default_str();
  auto* agent = cmd->add_option("--agent", o->request.spec.agent_type,
                                "Agent type (see `spikegym list agents`)")
                    ->capture_default_str();
  cmd->add_option("--config", o->request.config,
                  "Take env and agent (a network definition included) from this experiment "
                  "file's first cell; --set still applies on top")
      ->excludes(env)
      ->excludes(agent);
  cmd->add_option("--episodes", o->request.spec.episodes,
                  "Episodes to train (with --config: the file's train.episodes unless given)")
      ->check(CLI::Range(1L, lab::kMaxEpisodes))
      ->capture_default_str()
      ->each([o](const std::string&) { o->request.episodes_given = true; });
  cmd->add_option("--seed", o->request.spec.seed, "Seed of the run")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  cmd->add_option("--set", o->request.sets,
                  "Agent parameter key=value (repeatable), e.g. --set learning_rule=mstdp "
                  "--set rule.tau_c_ms=500; env.<name>=value sets an env parameter");
  cmd->add_option("--preset", o->request.preset,
                  "Start from a shipped agent preset (spikegym list presets); --set applies on "
                  "top")
      ->excludes(agent);
  cmd->add_option("--load", o->request.spec.load_checkpoint, "Start from this checkpoint");
  cmd->add_option("--save", o->request.spec.save_checkpoint,
                  "Write the trained agent here at the end");
  cmd->add_flag("--no-cost{false}", o->request.spec.count_ops,
                "Do not count operations (no cost columns; results are the same): for timing "
                "the counters' overhead");
  cmd->callback([o] { train(*o); });
}

}  // namespace spikegym::app
