#include "envs/env.hpp"

#include <cmath>

#include "core/error.hpp"

namespace spikegym::envs {

Env::Env(Space observation_space, Space action_space, std::vector<std::string> observation_names)
    : observation_space_(std::move(observation_space)),
      action_space_(std::move(action_space)),
      observation_names_(std::move(observation_names)) {}

ResetResult Env::reset(std::optional<std::uint64_t> seed, const ResetOptions& options) {
  ResetResult r = doReset(seed, options);
  needs_reset_ = false;
  return r;
}

StepResult Env::step(const Action& action) {
  if (needs_reset_) {
    throw UsageError(
        "Env::step called while the episode is not running: call reset() first (before the "
        "first step, and after a step returned terminated or truncated)");
  }
  if (!action_space_.contains(action)) {
    throw UsageError("Env::step: action " + std::to_string(action.index) +
                     " is outside the action space " + action_space_.describe());
  }
  StepResult r = doStep(action);
  for (double x : r.obs) {
    if (!std::isfinite(x)) {
      fault_info_.values.clear();
      fault_info_.truncation_reason = "non-finite observation";
      r.truncated = true;
      r.info = &fault_info_;
      break;
    }
  }
  if (r.terminated || r.truncated) needs_reset_ = true;
  return r;
}

TimeLimit::TimeLimit(std::unique_ptr<Env> inner, int max_episode_steps)
    : Env(inner->observationSpace(), inner->actionSpace(), inner->observationNames()),
      inner_(std::move(inner)),
      max_episode_steps_(max_episode_steps) {
  if (max_episode_steps_ <= 0) throw UsageError("TimeLimit: max_episode_steps must be positive");
}

ResetResult TimeLimit::doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) {
  elapsed_steps_ = 0;
  return inner_->reset(seed, options);
}

StepResult TimeLimit::doStep(const Action& action) {
  StepResult r = inner_->step(action);
  ++elapsed_steps_;
  if (elapsed_steps_ >= max_episode_steps_) r.truncated = true;
  return r;
}

}  // namespace spikegym::envs
