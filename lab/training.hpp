// One training run: an agent on an env for a number of episodes, one row per episode. The single
// run that sweeps repeat. A run is a pure function of its spec: the env and the agent get their
// own random streams derived from the seed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agents/agent.hpp"

namespace spikegym::lab {

/// [episodes] The one upper bound on episodes (train.episodes, eval_every, eval_episodes, the
/// training and evaluation episodes of a run together, and train --episodes).
inline constexpr long kMaxEpisodes = 1000000000;

struct TrainSpec {
  std::string env_id = "CartPole-v1";
  ParamText env_params;  ///< env parameters by name (defaults for the ones not given)
  std::string agent_type = "snn";
  agents::ConfigValues agent_params;
  /// The agent resolved once (lab/ sets it for the runs of an experiment): built from as is;
  /// null: agent_type and agent_params are resolved when the run starts.
  std::shared_ptr<const agents::AgentDef> agent;
  long episodes = 100;
  std::uint64_t seed = 0;
  std::string load_checkpoint;  ///< start from this checkpoint ("" = fresh)
  std::string save_checkpoint;  ///< write the agent here at the end ("" = don't)
  /// While training: write the agent here every progress_checkpoint_every training episodes
  /// ("" = don't), for watching a running run (view --follow). Writing reads the agent only.
  std::string progress_checkpoint;
  long progress_checkpoint_every = 0;  ///< [episodes]
  long eval_every = 0;                 ///< [episodes] an evaluation block every K training episodes
  long eval_episodes = 10;             ///< episodes per evaluation block (learning off)
  const std::atomic<bool>* stop = nullptr;  ///< checked between episodes: set -> Interrupted
  /// Count operations (lab/cost.hpp: the cost columns of each row). Not part of a run's
  /// identity: counting only reads, results are the same with it off (golden-hash test).
  bool count_ops = true;
};

/// What `spikegym train` (and Python's spikegym.train) is asked: an env and agent given
/// directly, by a preset, or by an experiment file's first cell, with key=value settings on top.
struct TrainRequest {
  TrainSpec spec;                 ///< env_id, agent_type, episodes, seed, checkpoints as given
  std::vector<std::string> sets;  ///< agent key=value; env.<name>=value sets an env parameter
  std::string config;             ///< an experiment file: env and agent from its first cell
  std::string preset;             ///< a shipped preset (lab/presets.hpp)
  bool episodes_given = false;    ///< with config: spec.episodes overrides train.episodes
};

/// The run a request asks for, resolved the one way the CLI and Python share: the file's first
/// cell (sets and preset applied before resolution), else the preset's values, then every set.
/// `notes` receives what the user should hear (a preset tuned on another env). Throws
/// UserError for a bad setting, preset or file.
TrainSpec resolveTrainRequest(const TrainRequest& request, std::vector<std::string>& notes);

/// Thrown by runTraining when `stop` was set.
struct Interrupted {};

/// One finished episode.
struct EpisodeRow {
  long episode = 0;
  double episode_return = 0;
  long length = 0;
  bool truncated = false;         ///< ended by the time limit (or a numerical fault)
  bool eval = false;              ///< an evaluation episode (learning off)
  long eval_index = -1;           ///< its index within the evaluation block (0 ..), else -1
  std::string truncation_reason;  ///< non-empty for a numerical fault
  std::vector<std::pair<std::string, double>> metrics;  ///< env info, then agent diagnostics
  /// What the episode computed (snn/ops.hpp); none when counting is off. Written as the cost
  /// columns of lab/cost.hpp (costColumns: counts, sparsity, energy per price list).
  std::optional<snn::OpCounts> cost;
};

/// What a finished training run leaves besides its rows.
struct TrainingResult {
  /// The trained agent's parts (sizes, zero weights, bytes, counts) for run.json's cost figures.
  std::vector<agents::CostPart> cost_parts;
};

/// Runs the spec; calls `on_episode` after every episode. Evaluation episodes (learning off)
/// come after every eval_every training episodes, numbered by the training episodes done so far.
/// Throws UserError for bad specs and Interrupted when spec.stop is set.
TrainingResult runTraining(const TrainSpec& spec,
                           const std::function<void(const EpisodeRow&)>& on_episode);

}  // namespace spikegym::lab
