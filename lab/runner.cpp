#include "lab/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/version.hpp"
#include "envs/registration.hpp"
#include "lab/cost.hpp"
#include "lab/results.hpp"
#include "lab/stats.hpp"

namespace spikegym::lab {
namespace {

using Clock = std::chrono::steady_clock;

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// What the pool shares between its workers and the progress reporter.
struct Progress {
  std::atomic<std::size_t> next{0};
  std::atomic<long> episodes_done{0};
  std::atomic<int> runs_done{0};
};

/// Runs one run and writes its files; returns its status (complete, failed, interrupted) and,
/// when complete, its score.
std::string executeRun(const Results& results, const RunSpec& run,
                       const std::vector<std::string>& sets, const std::atomic<bool>& stop,
                       Progress& progress, double& run_score, std::string& error) {
  results.beginRun(run);
  RunRecord record;
  record.run_id = run.run_id;
  record.seed = run.seed;
  record.status = "running";
  record.start = utcNow();
  record.env_dynamics_version = envs::envSpec(run.train.env_id).dynamics_version;
  record.spikegym_version = version();
  record.git_commit = gitCommit();
  record.sets = sets;
  record.swept = run.swept;
  results.writeRecord(record);
  const auto t0 = Clock::now();
  TrainSpec spec = run.train;
  spec.eval_every = run.eval_every;
  spec.eval_episodes = run.eval_episodes;
  spec.stop = &stop;
  if (run.checkpoint) {
    spec.save_checkpoint = results.checkpointPath(run.run_id);
    spec.progress_checkpoint = (results.runDir(run.run_id) / layout::kProgressCheckpoint).string();
    spec.progress_checkpoint_every = layout::kProgressCheckpointEvery;
  }
  const bool has_eval = run.eval_every > 0;
  std::string csv;
  std::vector<double> returns;
  snn::OpCounts train_cost, eval_cost;
  long train_episodes = 0, eval_episodes = 0;
  record.status = "complete";
  try {
    // progress.csv: opened once, a row appended and flushed per episode.
    std::ofstream progress_csv = results.openProgress(run.run_id);
    const TrainingResult done = runTraining(spec, [&](const EpisodeRow& row) {
      if (csv.empty()) {
        csv = episodesHeader(row, has_eval);
        progress_csv << csv;
      }
      const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
      const std::string line = episodesRow(run, row, wall, has_eval);
      csv += line;
      progress_csv << line << std::flush;
      if (!row.eval) returns.push_back(row.episode_return);
      if (row.cost) (row.eval ? eval_cost : train_cost) += *row.cost;
      ++(row.eval ? eval_episodes : train_episodes);
      ++record.episodes;
      progress.episodes_done.fetch_add(1);
    });
    results.writeEpisodes(run.run_id, csv);
    record.cost =
        runCostSections(train_cost, train_episodes, eval_cost, eval_episodes, done.cost_parts);
  } catch (const Interrupted&) {
    record.status = "interrupted";
  } catch (const std::exception& e) {
    record.status = "failed";
    record.error = e.what();
    // The episodes up to the failure stay readable (the run is failed, so never trusted).
    if (!csv.empty()) results.writeEpisodes(run.run_id, csv);
  }
  results.removeProgress(run.run_id);
  record.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  record.end = utcNow();
  if (record.status == "complete") run_score = runScore(returns);
  error = record.error;
  results.writeRecord(record);
  return record.status;
}

std::string formatDuration(double s) {
  char buf[32];
  const long t = std::lround(s);
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

}  // namespace

int shardOf(const std::string& run_id, int count) {
  const std::uint64_t id = std::strtoull(run_id.c_str(), nullptr, 16);
  return static_cast<int>(id % static_cast<std::uint64_t>(std::max(1, count)));
}

Selection selectRuns(const Experiment& exp, const Results& results, int shard_index,
                     int shard_count) {
  Selection s;
  s.status.assign(exp.runs.size(), "pending");
  s.scores.assign(exp.runs.size(), std::nan(""));
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    const RunState state = results.assess(exp.runs[i].run_id, &exp.runs[i]);
    if (state.complete()) {
      s.status[i] = "complete";
      s.scores[i] = state.score;
      ++s.skipped;
    } else if (shardOf(exp.runs[i].run_id, shard_count) == shard_index) {
      s.todo.push_back(i);
      if (!state.reason.empty()) {
        s.warnings.push_back("run " + exp.runs[i].run_id + " is " + state.status + " (" +
                             state.reason + "): running it again");
      }
    }
  }
  return s;
}

void runPool(const Experiment& exp, const Results& results, Selection& selection,
             const SweepOptions& options, const std::atomic<bool>& stop,
             std::vector<std::string>& failures) {
  const std::vector<std::size_t>& todo = selection.todo;
  std::mutex mutex;
  Progress progress;
  double total_episodes = 0;
  for (std::size_t i : todo) {
    const RunSpec& run = exp.runs[i];
    total_episodes += static_cast<double>(run.train.episodes);
    if (run.eval_every > 0) {
      total_episodes +=
          static_cast<double>(run.train.episodes / run.eval_every * run.eval_episodes);
    }
  }
  const auto t0 = Clock::now();
  std::atomic<int> active{0};
  auto worker = [&] {
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { n.fetch_sub(1); }
    } leave{active};
    while (!stop.load()) {
      const std::size_t k = progress.next.fetch_add(1);
      if (k >= todo.size()) break;
      const std::size_t i = todo[k];
      {
        std::lock_guard<std::mutex> lock(mutex);
        selection.status[i] = "running";
      }
      double run_score = std::nan("");
      std::string error;
      std::string status;
      try {
        const RunSpec& run = exp.runs[i];
        const Results::Claim claim = results.claimRun(run.run_id);
        if (!claim.held()) {
          status = "running";  // another process runs it now; it writes its own result
        } else if (const RunState now = results.assess(run.run_id, &run); now.complete()) {
          status = "complete";  // another process finished it since this one looked
          run_score = now.score;
        } else {
          status = executeRun(results, run, exp.overrides, stop, progress, run_score, error);
        }
      } catch (const std::exception& e) {  // could not even write its files
        status = "failed";
        error = e.what();
      }
      std::lock_guard<std::mutex> lock(mutex);
      selection.status[i] = status;
      selection.scores[i] = run_score;
      if (status == "failed") failures.push_back(exp.runs[i].run_id + ": " + error);
      progress.runs_done.fetch_add(1);
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  std::vector<std::thread> threads;
  active = todo.empty() ? 0 : jobs;
  for (int j = 0; j < jobs && !todo.empty(); ++j) threads.emplace_back(worker);

  // Progress on stderr while the workers run.
  auto last_line = Clock::now();
  auto report = [&](bool final) {
    if (options.quiet) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    const int done = progress.runs_done.load();
    const long eps = progress.episodes_done.load();
    const int remaining = static_cast<int>(todo.size()) - done;
    // Before the first run ends, estimate from episodes (later episodes are often longer,
    // so this is optimistic); afterwards from finished runs.
    double eta = done > 0 ? elapsed / done * remaining : -1.0;
    if (done == 0 && eps > 0) eta = elapsed / static_cast<double>(eps) * (total_episodes - eps);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%d/%zu runs (%d already complete), %.0f episodes/s, ETA %s",
                  done, todo.size(), selection.skipped, elapsed > 0 ? eps / elapsed : 0.0,
                  eta >= 0 ? formatDuration(eta).c_str() : "?");
    if (options.progress_bar) {
      const int width = 30;
      const int filled = todo.empty() ? width : width * done / static_cast<int>(todo.size());
      std::fprintf(stderr, "\r[%s%s] %s%s", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), buf, final ? "\n" : "");
    } else if (final || std::chrono::duration<double>(Clock::now() - last_line).count() >=
                            options.progress_every_s) {
      std::fprintf(stderr, "progress: %s\n", buf);
      last_line = Clock::now();
    }
    std::fflush(stderr);
  };
  while (active.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    report(false);
  }
  for (auto& t : threads) t.join();
  if (!todo.empty()) report(true);
}

std::vector<std::string> summarizeCells(const Experiment& exp, const std::vector<double>& scores) {
  // Cells (runs with the same swept values), in the order of the runs.
  std::vector<std::string> cells;
  std::vector<std::vector<double>> cell_scores;
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    std::string key;
    for (const auto& [k, v] : exp.runs[i].swept) {
      if (v.empty()) continue;  // a null: the key is not set in this cell
      key += (key.empty() ? "" : " ") + k + "=" + v;
    }
    if (key.empty()) key = "(no sweep)";
    auto it = std::find(cells.begin(), cells.end(), key);
    if (it == cells.end()) {
      cells.push_back(key);
      cell_scores.emplace_back();
      it = cells.end() - 1;
    }
    if (!std::isnan(scores[i])) cell_scores[it - cells.begin()].push_back(scores[i]);
  }
  // Each line lists every seed's score in seed order, then the mean, median and range.
  std::vector<std::string> lines;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto& v = cell_scores[c];
    if (v.empty()) {
      lines.push_back("  " + cells[c] + ": no complete runs");
      continue;
    }
    const CellStats s = summarize(v);
    std::string line = "  " + cells[c] + ": " + std::to_string(s.n) + " seeds, score by seed";
    const int d = scoreDecimals(v);
    char buf[160];
    for (double x : v) {
      std::snprintf(buf, sizeof buf, " %.*f", d, x);
      line += buf;
    }
    std::snprintf(buf, sizeof buf, "; mean %.*f, median %.*f (min %.*f, max %.*f)", d, s.mean, d,
                  s.median, d, s.min, d, s.max);
    lines.push_back(line + buf);
  }
  return lines;
}

SweepResult runSweep(const Experiment& exp, const SweepOptions& options,
                     const std::atomic<bool>& stop) {
  const Results results(options.out_dir, exp.name);
  SweepResult result;
  result.total = static_cast<int>(exp.runs.size());
  Selection selection = selectRuns(exp, results, options.shard_index, options.shard_count);
  result.skipped = selection.skipped;
  result.warnings = selection.warnings;
  auto known = [&] {
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i < exp.runs.size(); ++i) out[exp.runs[i].run_id] = selection.status[i];
    return out;
  };
  results.rebuildManifest(exp, known());
  runPool(exp, results, selection, options, stop, result.failures);
  for (const auto& s : selection.status) {
    if (s == "complete") ++result.complete;
    if (s == "failed") ++result.failed;
    if (s == "interrupted") ++result.interrupted;
  }
  result.complete -= result.skipped;
  results.rebuildManifest(exp, known());
  result.summary = summarizeCells(exp, selection.scores);
  return result;
}

}  // namespace spikegym::lab
