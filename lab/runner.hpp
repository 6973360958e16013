// Runs every run of an experiment on a pool of threads and writes results/<name>/:
//   manifest.csv              run_id,status,seed,<one column per swept path>
//   <run_id>/config.yaml      the fully resolved configuration
//   <run_id>/episodes.csv     run_id,seed,episode,return,length,wall_s,truncated[,eval],metrics
//   <run_id>/run.json         status, start/end time, wall seconds, version, git commit, error
//   <run_id>/agent.ckpt       the trained agent
// A run counts as done only when its run.json says "complete"; every other run (missing,
// failed, interrupted, killed) is run again. Files are written to a temporary name and renamed.
// Runs are independent pure functions of (config, seed): results are the same for any -j.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "lab/experiment.hpp"
#include "lab/results.hpp"

namespace spikegym::lab {

struct SweepOptions {
  int jobs = 1;                     ///< runs at a time
  std::string out_dir = "results";  ///< results/<name>/ goes below this
  bool progress_bar = false;        ///< redraw one line (a terminal) instead of periodic lines
  double progress_every_s = 10.0;   ///< [s] interval of plain progress lines
  bool quiet = false;               ///< no progress lines at all (Python's spikegym.run)
  int shard_index = 0;              ///< run only the runs of shard shard_index (0-based) ...
  int shard_count = 1;              ///< ... of shard_count (shardOf below)
};

/// The shard of a run: its id (16 hex digits, a hash of its configuration and seed) modulo
/// `count`. Stable: a run always lands in the same shard for a given count, whatever else the
/// sweep holds, so adding seeds or cells never moves finished runs to another shard.
int shardOf(const std::string& run_id, int count);

struct SweepResult {
  int total = 0, skipped = 0, complete = 0, failed = 0, interrupted = 0;
  std::vector<std::string> failures;  ///< "run_id: error" per failed run
  std::vector<std::string> warnings;  ///< damaged runs that are run again
  /// One line per cell: swept values, seeds complete, mean and range of the score.
  std::vector<std::string> summary;
};

/// Which runs of an experiment still need running (resume), with the others' statuses.
struct Selection {
  std::vector<std::size_t> todo;      ///< indices into exp.runs, in order
  std::vector<std::string> status;    ///< per run: complete or pending (then what happened)
  std::vector<double> scores;         ///< per run: the score when complete, else NaN
  int skipped = 0;                    ///< complete before this sweep
  std::vector<std::string> warnings;  ///< runs that said complete but were damaged (rerun)
};

/// Selects the runs of shard `shard_index` of `shard_count` that are not complete on disk
/// (lab/results decides what complete means); the scores of every complete run are filled in.
Selection selectRuns(const Experiment& exp, const Results& results, int shard_index = 0,
                     int shard_count = 1);
/// Runs selection.todo on `options.jobs` threads, updating statuses and scores; `stop`
/// interrupts cleanly (runs in flight are marked interrupted, no new run starts). Failed runs
/// are added to `failures` as "run_id: error".
void runPool(const Experiment& exp, const Results& results, Selection& selection,
             const SweepOptions& options, const std::atomic<bool>& stop,
             std::vector<std::string>& failures);
/// One line per cell: swept values, every seed's score, mean, median and range.
std::vector<std::string> summarizeCells(const Experiment& exp, const std::vector<double>& scores);

/// selectRuns, runPool and summarizeCells, with the manifest rebuilt before and after.
SweepResult runSweep(const Experiment& exp, const SweepOptions& options,
                     const std::atomic<bool>& stop);

}  // namespace spikegym::lab
