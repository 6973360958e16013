// `spikegym view`: watch an agent act and learn (viewer/). From an experiment file it runs the
// first cell of the sweep (or --cell K) with its first seed (or --seed) and learns live; from a
// finished run's folder it loads config.yaml and agent.ckpt and shows the trained agent with
// learning off (--learn on to go on learning).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "lab/experiment.hpp"
#include "lab/results.hpp"
#include "lab/stats.hpp"
#ifdef SPIKEGYM_HAVE_VIEWER
#include "viewer/viewer.hpp"
#endif

namespace spikegym::app {
namespace {

/// A score with the decimals its size needs (lab::scoreDecimals: 492.9, 0.856).
std::string formatFixed(double score) {
  const double one[] = {score};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", lab::scoreDecimals(one), score);
  return buf;
}

struct ViewCli {
  std::string source;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  long cell = 1;        // 1-based, as everywhere (show network --cell, "cell 1 of N")
  std::string learn;    // "", "on", "off"
  std::string explore;  // "", "on", "off"
  double speed = 1.0;
  long frames = 0;
  std::string screenshot, record;
  std::vector<std::string> controls;
  bool follow = false;
};

#ifdef SPIKEGYM_HAVE_VIEWER
/// "agent snn, rule rstdp": the agent type and every plasticity rule its config names.
std::string agentLine(const lab::RunSpec& run) {
  std::set<std::string> rules;
  for (const auto& [path, entry] : run.config) {
    // The flat agent's rule as given (none too); a network's plastic projections' rules.
    if ((path == "agent.learning_rule" && !entry.text.empty()) ||
        (path.ends_with(".plasticity.rule") && entry.text != "none")) {
      rules.insert(entry.text);
    }
  }
  std::string text = "agent " + run.train.agent_type;
  for (const auto& r : rules) text += (r == *rules.begin() ? ", rule " : " + ") + r;
  return text;
}

/// The cell's swept values as given ("agent.type=snn agent.preset=cartpole_solve"), nulls left
/// out.
std::string cellLine(const std::vector<std::pair<std::string, std::string>>& swept) {
  std::string text;
  for (const auto& [path, value] : swept) {
    if (!value.empty()) text += (text.empty() ? "" : "  ") + path + "=" + value;
  }
  return text.empty() ? "(no swept values)" : text;
}
#endif

int view(const ViewCli& c) {
#ifndef SPIKEGYM_HAVE_VIEWER
  (void)c;
  throw UserError(
      "view: this spikegym was built without the viewer; install libsfml-dev and "
      "fonts-dejavu-core, then reconfigure with cmake -DSPIKEGYM_VIEWER=ON and rebuild");
#else
  namespace fs = std::filesystem;
  viewer::ViewerOptions o;
  bool finished_run = false;
  if (c.follow) {
    if (!fs::is_directory(c.source)) {
      throw UserError("view --follow: " + c.source +
                      ": expected a results folder (results/<name>), e.g. while `spikegym run` "
                      "or a SLURM array writes it");
    }
    viewer::FollowOptions f;
    f.results_dir = c.source;
    f.frames = c.frames;
    f.screenshot = c.screenshot;
    f.title = "spikegym view " + c.source + " --follow";
    return viewer::runFollow(f);
  }
  if (fs::is_directory(c.source)) {
    const fs::path dir(c.source);
    if (!fs::exists(dir / lab::layout::kConfig)) {
      throw UserError(c.source +
                      ": not a run folder (expected results/<name>/<run_id> with "
                      "config.yaml and agent.ckpt; to watch a whole sweep: --follow)");
    }
    if (!c.sets.empty())
      throw UserError("view: --set applies to experiment files, not to a finished run");
    const lab::RunSpec run = lab::loadRunConfig((dir / lab::layout::kConfig).string());
    o.spec = run.train;
    // A finished run's agent.ckpt; a running run's latest progress.ckpt (every 50 episodes).
    fs::path checkpoint = dir / lab::layout::kCheckpoint;
    if (!fs::exists(checkpoint) && fs::exists(dir / lab::layout::kProgressCheckpoint)) {
      checkpoint = dir / lab::layout::kProgressCheckpoint;
      std::fprintf(stderr,
                   "spikegym view: the run is still running: its agent as of its latest "
                   "progress checkpoint (every %ld episodes)\n",
                   lab::layout::kProgressCheckpointEvery);
    }
    if (!fs::exists(checkpoint)) {
      throw UserError(
          (dir / lab::layout::kCheckpoint).string() +
          ": missing (the run was made with train.checkpoint false, or has not reached its first "
          "progress checkpoint)");
    }
    o.spec.load_checkpoint = checkpoint.string();
    finished_run = true;
    o.title = "spikegym view " + c.source;
    // What the run is, and its whole training curve, from its own files.
    const fs::path run_dir = fs::canonical(dir);
    const std::string run_id = run_dir.filename().string();
    const fs::path root = run_dir.parent_path();
    const lab::Results results(root.parent_path().string(), root.filename().string());
    const lab::RunState state = results.assess(run_id, nullptr);
    std::string score = state.complete() ? "score " + formatFixed(state.score) +
                                               " (mean return, last 100 training episodes)"
                                         : "run " + state.status;
    o.identity = "run " + run_id + " of experiment " + root.filename().string() + ", seed " +
                 std::to_string(run.seed) +
                 "\ncell: " + cellLine(state.record ? state.record->swept : run.swept) + "\n" +
                 agentLine(run) + "; " + score;
    try {
      o.history = results.readEpisodes(run_id).returns;
    } catch (const UserError& e) {
      std::fprintf(stderr, "spikegym: warning: no training curve shown: %s\n", e.what());
    }
  } else {
    const lab::Experiment exp = lab::loadExperiment(c.source, c.sets);
    // The cells are the runs of the first seed, in sweep order.
    std::vector<const lab::RunSpec*> cells;
    for (const auto& r : exp.runs) {
      if (r.seed == exp.runs.front().seed) cells.push_back(&r);
    }
    if (c.cell < 1 || c.cell > static_cast<long>(cells.size())) {
      throw UserError("--cell " + std::to_string(c.cell) + ": " + c.source + " has " +
                      std::to_string(cells.size()) + " cells (1 .. " +
                      std::to_string(cells.size()) + ")");
    }
    const lab::RunSpec& run = *cells[static_cast<std::size_t>(c.cell - 1)];
    o.spec = run.train;
    o.title = "spikegym view " + c.source + " (cell " + std::to_string(c.cell) + " of " +
              std::to_string(cells.size()) + ")";
    o.identity = "experiment " + exp.name + ", cell " + std::to_string(c.cell) + " of " +
                 std::to_string(cells.size()) + ", seed " +
                 std::to_string(c.seed ? *c.seed : run.seed) +
                 " (live)\ncell: " + cellLine(run.swept) + "\n" + agentLine(run);
  }
  if (c.seed) o.spec.seed = *c.seed;
  o.learn = c.learn.empty() ? !finished_run : c.learn == "on";
  // A trained agent is watched at its best: greedy unless asked (E toggles it in the window).
  o.greedy = c.explore.empty() ? finished_run : c.explore == "off";
  o.speed = c.speed;
  o.frames = c.frames;
  o.screenshot = c.screenshot;
  o.record_dir = c.record;
  o.controls = c.controls;
  if ((!o.screenshot.empty() || !o.record_dir.empty()) && o.frames <= 0) {
    throw UserError("view: --screenshot and --record need --frames N (offscreen run)");
  }
  return viewer::runViewer(o);
#endif
}

}  // namespace

void addViewCommand(CLI::App& app) {
  auto c = std::make_shared<ViewCli>();
  CLI::App* cmd = app.add_subcommand(
      "view",
      "Watch an agent act and learn in a window: the world, its spiking network, its "
      "returns (needs a display; offscreen with --frames under xvfb-run -a)");
  cmd->add_option("source", c->source,
                  "An experiment file (FILE.yaml) or a finished run's folder "
                  "(results/<name>/<run_id>)")
      ->required();
  cmd->add_option("--set", c->sets, "Override an experiment value path=value (repeatable)");
  cmd->add_option("--seed", c->seed, "Seed (default: the experiment's first seed, or the run's)")
      ->check(wholeNumber(0, kMaxSeed));
  cmd->add_option("--cell", c->cell, "Which cell of the sweep (1 = the first, as in show network)")
      ->check(CLI::Range(1L, 100000L));
  cmd->add_option("--learn", c->learn,
                  "Learning at the start: on (default for experiment files) or off (default for "
                  "finished runs)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--explore", c->explore,
                  "Exploration at the start: on (default for experiment files) or off, i.e. "
                  "greedy actions (default for finished runs); E toggles it in the window")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--speed", c->speed,
                  "Env steps per frame (below 1: slow motion, e.g. 0.25 = one step every 4 "
                  "frames)")
      ->check(finiteNumber(1.0 / 64, 10000.0))
      ->capture_default_str();
  cmd->add_option("--control", c->controls,
                  "STEP:PATH=VALUE: before env step STEP set PATH as the control panel would "
                  "(learning=on|off, explore=on|off, env.force_n=20, agent.eta=0.004, "
                  "agent.dopamine_gain=2); repeatable, every change listed");
  cmd->add_flag("--follow", c->follow,
                "Watch a results folder while its sweep runs: every run's learning curve as it "
                "grows, a table of runs; click a finished run to watch it");
  cmd->add_option("--frames", c->frames, "Run this many frames offscreen, then stop")
      ->check(wholeNumber(1, 100000000));
  cmd->add_option("--screenshot", c->screenshot, "With --frames: save the last frame (PNG)");
  cmd->add_option("--record", c->record, "With --frames: save every frame as DIR/frame_NNNNN.png");
  cmd->callback([c] {
    const int rc = view(*c);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace spikegym::app
