// The results folder of an experiment: the one place that knows its layout, and reads and
// writes it.
//
//   results/<name>/manifest.csv           run_id,status,seed,<one column per swept path>;
//                                         rebuilt from the run folders, never the only record
//   results/<name>/<run_id>/config.yaml   the fully resolved configuration
//   results/<name>/<run_id>/episodes.csv
//   run_id,seed,episode,return,length,wall_s,truncated[,eval,eval_episode],
//                                         then env metrics and agent diagnostics
//   results/<name>/<run_id>/run.json      status, seed, start/end (UTC), wall_s, episodes,
//                                         env_dynamics_version, spikegym_version, git_commit, error
//   results/<name>/<run_id>/agent.ckpt    the trained agent
//
// Every file is written whole to a temporary name and renamed. Each run's files are its own, so
// several processes may write disjoint runs into one folder; the manifest each of them rebuilds
// reads every run folder on disk, so none loses another's statuses.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/experiment.hpp"
#include "lab/training.hpp"
#include "snn/ops.hpp"

namespace spikegym::lab {

/// What run.json holds.
struct RunRecord {
  std::string run_id;
  std::string status;  ///< running, complete, failed, interrupted
  std::uint64_t seed = 0;
  std::string start, end;  ///< UTC, ISO 8601
  double wall_s = 0;       ///< [s]
  long episodes = 0;       ///< rows in episodes.csv (training and evaluation)
  int env_dynamics_version = 1;
  std::string spikegym_version, git_commit, error;
  std::vector<std::string> sets;  ///< the --set path=value overrides of the command
  /// The cell's swept values as the sweep gave them ("" for null): what names the cell where
  /// config.yaml holds only the resolved form (agent.preset, flat keys written out as a network).
  std::vector<std::pair<std::string, std::string>> swept;
  /// What the run cost (written to run.json, not read back): sections "training" and
  /// "evaluation" (totals of the episodes' cost columns), "static" (footprint, synapses,
  /// connection sparsity), "activation_sparsity" (per population).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> cost;
};

/// What a run folder holds (Results::assess).
struct RunState {
  /// complete, running, failed, interrupted, missing (no run.json), damaged (files that do not
  /// check out) or stale (made under other dynamics, connectivity or definitions)
  std::string status = "missing";
  std::string reason;               ///< damaged, stale: why, in one line
  double score = 0;                 ///< complete: the run's score (lab/stats runScore)
  std::optional<RunRecord> record;  ///< run.json when it reads
  bool complete() const { return status == "complete"; }
};

/// Values of one episodes.csv column.
struct EpisodeSeries {
  std::vector<double> train, eval;  ///< the metric per training / evaluation episode
  /// Per evaluation episode: the training episodes done before its block (its block's key).
  std::vector<double> eval_after;
  std::vector<double> returns;  ///< the return per training episode
  std::vector<double> lengths;  ///< [env steps] per training episode; empty: no length column
  /// The priced counts (ac, mac, plasticity, neuron_active, neuron_inactive) per training
  /// episode; empty when the file has no cost columns (made before spikegym counted).
  std::vector<snn::OpCounts> costs;
  std::vector<snn::OpCounts> eval_costs;  ///< the same per evaluation episode
  std::vector<double> eval_lengths;       ///< [env steps] per evaluation episode (with costs)
  /// A classification env's (Digits-v0, FashionMNIST-v0) true class and the agent's answer per
  /// evaluation episode; empty unless the file has both columns 'label' and 'answer'.
  std::vector<int> eval_labels, eval_answers;
};

/// The results folder layout, known here only (`compare`, `status`, `submit`, `view` and `run`
/// ask these names):
///   <out>/<experiment>/manifest.csv, slurm/{shards, ...}, compare/,
///   <out>/<experiment>/<run_id>/{config.yaml, run.json, episodes.csv, agent.ckpt, .lock}
///   and, while a run is in progress, <run_id>/progress.csv
namespace layout {
inline constexpr const char* kConfig = "config.yaml";
inline constexpr const char* kRecord = "run.json";
inline constexpr const char* kEpisodes = "episodes.csv";
inline constexpr const char* kCheckpoint = "agent.ckpt";
inline constexpr const char* kLock = ".lock";
/// While a run is in progress: episodes.csv's rows so far, appended and flushed per episode,
/// for watching a sweep (`view --follow`). Never read as a result: removed when the run ends
/// (episodes.csv is then written whole, atomically) and by a rerun.
inline constexpr const char* kProgress = "progress.csv";
/// While a run is in progress: its agent every kProgressCheckpointEvery training episodes (when
/// the run writes a checkpoint), so a running run can be watched; removed like progress.csv.
inline constexpr const char* kProgressCheckpoint = "progress.ckpt";
inline constexpr long kProgressCheckpointEvery = 50;  ///< [episodes]
inline constexpr const char* kManifest = "manifest.csv";
inline constexpr const char* kCompareDir = "compare";
inline constexpr const char* kSlurmDir = "slurm";
/// The number of SLURM shards `submit` wrote (read back by `status`).
inline std::filesystem::path shardsFile(const std::filesystem::path& root) {
  return root / kSlurmDir / "shards";
}
}  // namespace layout

class Results {
 public:
  Results(const std::string& out_dir, const std::string& experiment_name);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path runDir(const std::string& run_id) const { return root_ / run_id; }
  std::string checkpointPath(const std::string& run_id) const;

  /// An exclusive claim on one run folder (an flock on <run_id>/.lock), held while a process
  /// runs it: two `spikegym run`s of one sweep (or two shards given the same run) never run
  /// one run at once, and never demote the other's result. Released when destroyed.
  class Claim {
   public:
    explicit Claim(int fd = -1) : fd_(fd) {}
    Claim(Claim&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Claim& operator=(Claim&&) = delete;
    ~Claim();
    bool held() const { return fd_ >= 0; }

   private:
    int fd_;
  };
  /// Claims run `run_id` (creating its folder); an unheld Claim when another process holds it.
  Claim claimRun(const std::string& run_id) const;
  /// Starts a (re)run of a claimed run: removes what an earlier attempt left (run.json first,
  /// so that a rerun that fails is never read as the old complete run; then episodes.csv and
  /// agent.ckpt), and writes config.yaml.
  void beginRun(const RunSpec& run) const;
  void writeRecord(const RunRecord& record) const;
  /// run.json of a run, or nullopt when it is missing or not a run record.
  std::optional<RunRecord> readRecord(const std::string& run_id) const;
  void writeEpisodes(const std::string& run_id, const std::string& csv) const;
  /// The run's progress.csv, created empty, for the runner to append rows to (flushing each);
  /// removeProgress() when the run ends.
  std::ofstream openProgress(const std::string& run_id) const;
  void removeProgress(const std::string& run_id) const;
  /// The training returns in a running run's progress.csv (a last line still being written is
  /// left out); empty when there is none. UserError for a damaged file.
  std::vector<double> readProgressReturns(const std::string& run_id) const;
  /// A run's episodes.csv read with libfccp: `metric` per training and per evaluation episode,
  /// and the training returns. A missing column (with a did-you-mean), a cell that is not a
  /// whole finite number (empty, "1e400", "12a"), training episodes out of order, or a damaged
  /// file throws UserError naming the file and line.
  EpisodeSeries readEpisodes(const std::string& run_id, const std::string& metric = "return") const;
  /// A run's config.yaml as dotted paths -> values (scalars). Not YAML: UserError naming it.
  std::map<std::string, std::string> readConfig(const std::string& run_id) const;

  /// What run folder `run_id` holds: the one decision that resume (`run`), `run --dry-run`,
  /// `status` and `compare` all use. `expected`: the run as the experiment resolves it today
  /// (resume); nullptr: the run as its own config.yaml resolves today (status, compare), which
  /// must give back the folder's id, else the run is stale (made under other env dynamics,
  /// connectivity or definitions). A run is complete only when run.json says so and every file
  /// checks out: config.yaml equals the resolution, episodes.csv has spikegym's header, exactly
  /// run.json's rows, every training episode of the config (0..N-1 in order) and every
  /// evaluation episode, finite numbers only; agent.ckpt (when the config writes one) reads
  /// back as a checkpoint of the run's agent type. Never throws for a damaged folder.
  RunState assess(const std::string& run_id, const RunSpec* expected) const;

  /// Rebuilds manifest.csv from every run folder under root(): the experiment's runs first, in
  /// its order, then other run folders by id. A run of the experiment without a readable
  /// run.json takes its status from `known` (this process's view), else "pending".
  void rebuildManifest(const Experiment& exp,
                       const std::map<std::string, std::string>& known = {}) const;

 private:
  std::filesystem::path root_;
};

/// The header of episodes.csv for rows like `first` (has_eval: an eval column).
std::string episodesHeader(const EpisodeRow& first, bool has_eval);
/// One row of episodes.csv.
std::string episodesRow(const RunSpec& run, const EpisodeRow& row, double wall_s, bool has_eval);

/// The series of episodes.csv text `text` (named `file` in errors), as Results::readEpisodes.
EpisodeSeries parseEpisodes(const std::string& file, const std::string& text,
                            const std::string& metric);

/// The run folders (directories named by a 16-hex-digit run id) under a results folder, sorted.
std::vector<std::string> runFolders(const std::filesystem::path& root);

/// Status in the run.json under `run_dir` ("" if none).
std::string recordedStatus(const std::string& run_dir);

/// Quotes a CSV field when it holds a comma, quote or newline.
std::string csvField(const std::string& text);

}  // namespace spikegym::lab
