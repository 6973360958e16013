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

namespace spikegym::lab {

struct SweepOptions {
  int jobs = 1;                     ///< runs at a time
  std::string out_dir = "results";  ///< results/<name>/ goes below this
  bool progress_bar = false;        ///< redraw one line (a terminal) instead of periodic lines
  double progress_every_s = 10.0;   ///< [s] interval of plain progress lines
};

struct SweepResult {
  int total = 0, skipped = 0, complete = 0, failed = 0, interrupted = 0;
  std::vector<std::string> failures;  ///< "run_id: error" per failed run
  /// One line per cell: swept values, seeds complete, mean and range of the score.
  std::vector<std::string> summary;
};

/// Status of a run as recorded in its run.json ("complete", "failed", ... or "" if none).
std::string recordedStatus(const std::string& run_dir);

/// Runs the experiment (skipping complete runs). `stop` interrupts cleanly: runs in flight are
/// marked interrupted and no new run starts.
SweepResult runSweep(const Experiment& exp, const SweepOptions& options,
                     const std::atomic<bool>& stop);

}  // namespace spikegym::lab
