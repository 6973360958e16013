// `spikegym run FILE.yaml`: every run of an experiment, on all cores, into results/<name>/.
// Exit codes: 0 all runs complete, 1 some failed, 2 bad input, 130 interrupted (Ctrl-C).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "lab/runner.hpp"

namespace spikegym::app {
namespace {

// The one piece of global state: a signal handler can only reach a global. Set by SIGINT or
// SIGTERM, read by the runner between episodes.
std::atomic<bool> g_stop{false};
// A second Ctrl-C kills at once (the handler restores the default action).
extern "C" void onSignal(int sig) {
  g_stop.store(true);
  std::signal(sig, SIG_DFL);
}

struct RunOptions {
  std::string file;
  int jobs = 0;
  std::vector<std::string> sets;
  bool dry_run = false;
  std::string out = "results";
  std::string shard;  // "K/N", "" = all runs (or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT)
};

/// Parses --shard K/N (K in 0..N-1); with no flag, a SLURM array task's id and count.
std::pair<int, int> shardOption(const std::string& text) {
  std::string spec = text;
  std::string where = "--shard";
  if (spec.empty()) {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (!id || !count) return {0, 1};
    spec = std::string(id) + "/" + count;
    where = "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT";
  }
  const auto slash = spec.find('/');
  std::int64_t k = -1, n = 0;
  if (slash == std::string::npos || !parseInteger(spec.substr(0, slash), k) ||
      !parseInteger(spec.substr(slash + 1), n) || n < 1 || n > 100000 || k < 0 || k >= n) {
    throw UserError(where + " '" + spec +
                    "': expected K/N with 0 <= K < N <= 100000, e.g. --shard 0/3");
  }
  return {static_cast<int>(k), static_cast<int>(n)};
}

int runCommand(const RunOptions& o) {
  const lab::Experiment exp = lab::loadExperiment(o.file, o.sets);  // bad input throws here
  for (const auto& note : exp.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  const auto [shard_index, shard_count] = shardOption(o.shard);
  const std::filesystem::path root = std::filesystem::path(o.out) / exp.name;
  if (o.dry_run) {
    std::printf("%zu runs of '%s' into %s\n", exp.runs.size(), exp.name.c_str(),
                root.string().c_str());
    std::printf("run_id,status,seed");
    for (const auto& p : exp.swept_paths) std::printf(",%s", p.c_str());
    std::printf("\n");
    const lab::Results results(o.out, exp.name);
    if (!o.sets.empty()) {
      std::string list;
      for (const auto& kv : o.sets) list += " --set " + kv;
      std::printf("with%s (recorded in each run.json)\n", list.c_str());
    }
    for (const auto& run : exp.runs) {
      // reuse: complete and intact; rerun: a folder that is not (failed, killed, damaged); new.
      const bool complete = results.assess(run.run_id, &run).complete();
      const bool exists =
          std::filesystem::exists(results.runDir(run.run_id) / lab::layout::kRecord);
      const char* what = complete ? "reuse" : exists ? "rerun" : "new";
      std::printf("%s,%s,%llu", run.run_id.c_str(), what,
                  static_cast<unsigned long long>(run.seed));
      for (const auto& [k, v] : run.swept) std::printf(",%s", v.empty() ? "null" : v.c_str());
      std::printf("\n");
    }
    return 0;
  }
  lab::SweepOptions options;
  options.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.out_dir = o.out;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  if (shard_count > 1) {
    std::fprintf(stderr, "shard %d of %d (0-based): the runs whose id modulo %d is %d\n",
                 shard_index, shard_count, shard_count, shard_index);
  }
  options.progress_bar = isatty(STDERR_FILENO);
  {
    // A bad --out (a file, no permission) is the user's to fix: say so before any run starts.
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec || !std::filesystem::is_directory(root)) {
      throw UserError("--out " + o.out + ": cannot create " + root.string() + " (" +
                      (ec ? ec.message() : std::string("not a folder")) + ")");
    }
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  const lab::SweepResult r = lab::runSweep(exp, options, g_stop);
  std::printf("%s: %d runs in %s\n", exp.name.c_str(), r.total, root.string().c_str());
  for (const auto& line : r.summary) std::printf("%s\n", line.c_str());
  std::printf("runs: %d complete now, %d complete before, %d failed, %d interrupted\n", r.complete,
              r.skipped, r.failed, r.interrupted);
  for (const auto& f : r.failures) std::fprintf(stderr, "failed: %s\n", f.c_str());
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (r.interrupted > 0 || g_stop.load()) {
    std::fprintf(stderr,
                 "interrupted: rerun the same command to finish the missing runs (a second "
                 "Ctrl-C stops at once)\n");
    return 130;
  }
  return r.failed > 0 ? 1 : 0;
}

}  // namespace

void addRunCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run every cell x seed of an experiment file into results/<name>/ (resumable: "
      "complete runs are skipped)");
  cmd->add_option("file", o->file, "Experiment YAML file")->required();
  cmd->add_option("-j,--jobs", o->jobs, "Runs at a time (default: number of cores)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--set", o->sets,
                  "Override path=value (repeatable), e.g. --set train.episodes=50 --set seeds=3");
  cmd->add_flag("--dry-run", o->dry_run,
                "Print the runs: id, what would happen (reuse, rerun, new), seed, swept values");
  cmd->add_option("--out", o->out, "Folder that results/<name>/ goes into")->capture_default_str();
  cmd->add_option("--shard", o->shard,
                  "K/N: run only shard K (0-based) of N, by run id; default: "
                  "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT when both are set, else all");
  cmd->callback([o, &exit_code] { exit_code = runCommand(*o); });
}

}  // namespace spikegym::app
