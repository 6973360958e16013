// Environments by versioned id (Gymnasium's registry). Each env registers itself in one line at
// file scope:   static const bool kRegistered = registerEnv({...});
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "envs/env.hpp"

namespace spikegym::envs {

/// How to build one registered env.
struct EnvSpec {
  std::string id;                          ///< versioned id, e.g. "CartPole-v1"
  std::string summary;                     ///< one line for listings
  int max_episode_steps = 0;               ///< TimeLimit truncation; 0 = none
  std::optional<double> reward_threshold;  ///< return at which the task counts as solved
  /// Raised whenever a change to the env changes what it computes for the same seed and actions.
  /// It enters every run id and run.json, so that a resumed sweep never counts results made with
  /// other dynamics as complete.
  int dynamics_version = 1;
  /// Parameters (physical constants, sizes, ...), set in experiment files as env.<name>.
  ParamTable params = {};
  /// Builds the bare env from resolved parameters (every declared name present).
  std::function<std::unique_ptr<Env>(std::uint64_t seed, const ParamText& params)> factory;
  /// Parameters that evaluation episodes set over the run's own (image envs: {split: test}, so
  /// that a run trains on the training images and evaluates on the test images).
  ParamText evaluation_params = {};
};

/// Adds an env; a duplicate id throws UsageError. Returns true (for file-scope registration).
bool registerEnv(EnvSpec spec);
/// Every registered spec, sorted by id.
std::vector<const EnvSpec*> registeredEnvs();
/// The spec of `id`; an unknown id throws UserError with a did-you-mean.
const EnvSpec& envSpec(const std::string& id);
/// Builds env `id` seeded with `seed` with parameters `params` (checked; defaults filled in),
/// wrapped in TimeLimit when the spec has a step limit.
std::unique_ptr<Env> make(const std::string& id, std::uint64_t seed = 0,
                          const ParamText& params = {});

}  // namespace spikegym::envs
