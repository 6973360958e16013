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
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/experiment.hpp"
#include "lab/training.hpp"

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
};

/// Values of one episodes.csv column.
struct EpisodeSeries {
  std::vector<double> train, eval;  ///< the metric per training / evaluation episode
  std::vector<double> returns;      ///< the return per training episode
};

class Results {
 public:
  Results(const std::string& out_dir, const std::string& experiment_name);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path runDir(const std::string& run_id) const { return root_ / run_id; }
  std::string checkpointPath(const std::string& run_id) const;

  /// Creates the run's folder and writes its config.yaml.
  void beginRun(const RunSpec& run) const;
  void writeRecord(const RunRecord& record) const;
  /// run.json of a run, or nullopt when it is missing or not a run record.
  std::optional<RunRecord> readRecord(const std::string& run_id) const;
  void writeEpisodes(const std::string& run_id, const std::string& csv) const;
  /// A run's episodes.csv read with libfccp: `metric` per training and per evaluation episode,
  /// and the training returns. A missing column (with a did-you-mean) or a damaged file throws
  /// UserError naming the file.
  EpisodeSeries readEpisodes(const std::string& run_id, const std::string& metric = "return") const;
  /// A run's config.yaml as dotted paths -> values (scalars). Not YAML: UserError naming it.
  std::map<std::string, std::string> readConfig(const std::string& run_id) const;

  /// True when the run finished earlier and its files are complete and consistent: run.json
  /// says complete with the env's current dynamics, episodes.csv has the expected header and
  /// exactly run.json's number of rows and reads back, config.yaml equals the resolved
  /// configuration. `score` is then its score (lab/stats). When a run says complete but fails
  /// a check, `damage` (if given) says why.
  bool isComplete(const RunSpec& run, double& score, std::string* damage = nullptr) const;

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

/// Status in the run.json under `run_dir` ("" if none).
std::string recordedStatus(const std::string& run_dir);

/// Quotes a CSV field when it holds a comma, quote or newline.
std::string csvField(const std::string& text);

}  // namespace spikegym::lab
