// One training run: an agent on an env for a number of episodes, one row per episode. The single
// run that sweeps repeat. A run is a pure function of its spec: the env and the agent get their
// own random streams derived from the seed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "agents/agent.hpp"

namespace spikegym::lab {

struct TrainSpec {
  std::string env_id = "CartPole-v1";
  std::string agent_type = "snn";
  agents::ConfigValues agent_params;
  long episodes = 100;
  std::uint64_t seed = 0;
  std::string load_checkpoint;  ///< start from this checkpoint ("" = fresh)
  std::string save_checkpoint;  ///< write the agent here at the end ("" = don't)
};

/// One finished episode.
struct EpisodeRow {
  long episode = 0;
  double episode_return = 0;
  long length = 0;
  bool truncated = false;          ///< ended by the time limit (or a numerical fault)
  std::string truncation_reason;   ///< non-empty for a numerical fault
  std::vector<std::pair<std::string, double>> metrics;  ///< env info, then agent diagnostics
};

/// Runs the spec; calls `on_episode` after every episode. Throws UserError for bad specs.
void runTraining(const TrainSpec& spec, const std::function<void(const EpisodeRow&)>& on_episode);

}  // namespace spikegym::lab
