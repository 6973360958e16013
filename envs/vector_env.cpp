#include "envs/vector_env.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace spikegym::envs {

VectorEnv::VectorEnv(const std::string& id, int num_envs, std::uint64_t seed,
                     const ParamText& params) {
  if (num_envs < 1 || num_envs > 1000000) {
    throw UserError("VectorEnv: num_envs " + std::to_string(num_envs) +
                    ": expected 1 to 1,000,000");
  }
  for (int i = 0; i < num_envs; ++i) {
    envs_.push_back(make(id, seed + static_cast<std::uint64_t>(i), params));
  }
  obs_size_ = envs_.front()->observationNames().size();
  obs_.assign(static_cast<std::size_t>(num_envs) * obs_size_, 0.0);
  rewards_.assign(static_cast<std::size_t>(num_envs), 0.0);
  terminated_.assign(static_cast<std::size_t>(num_envs), 0);
  truncated_.assign(static_cast<std::size_t>(num_envs), 0);
  ended_.assign(static_cast<std::size_t>(num_envs), 0);
  scratch_.resize(static_cast<std::size_t>(num_envs));
}

std::span<const double> VectorEnv::reset(std::optional<std::uint64_t> seed) {
  for (std::size_t i = 0; i < envs_.size(); ++i) {
    const ResetResult r =
        envs_[i]->reset(seed ? std::optional<std::uint64_t>(*seed + i) : std::nullopt);
    std::copy(r.obs.begin(), r.obs.end(),
              obs_.begin() + static_cast<std::ptrdiff_t>(i * obs_size_));
  }
  std::fill(rewards_.begin(), rewards_.end(), 0.0);
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  std::fill(ended_.begin(), ended_.end(), 0);
  started_ = true;
  return obs_;
}

VectorEnv::Step VectorEnv::step(std::span<const Action> actions) {
  if (!started_) throw UsageError("VectorEnv::step before reset()");
  if (actions.size() != envs_.size()) {
    throw UsageError("VectorEnv::step: " + std::to_string(actions.size()) + " actions for " +
                     std::to_string(envs_.size()) + " envs");
  }
  for (std::size_t i = 0; i < envs_.size(); ++i) {
    double* obs = obs_.data() + i * obs_size_;
    if (ended_[i]) {  // next-step autoreset: this call resets, the action is ignored
      const ResetResult r = envs_[i]->reset();
      std::copy(r.obs.begin(), r.obs.end(), obs);
      rewards_[i] = 0.0;
      terminated_[i] = truncated_[i] = 0;
      ended_[i] = 0;
      continue;
    }
    const StepResult r = envs_[i]->step(actions[i]);
    std::copy(r.obs.begin(), r.obs.end(), obs);
    rewards_[i] = r.reward;
    terminated_[i] = r.terminated;
    truncated_[i] = r.truncated;
    ended_[i] = r.terminated || r.truncated;
  }
  return result();
}

VectorEnv::Step VectorEnv::step(std::span<const std::int64_t> actions) {
  if (actions.size() != envs_.size()) {
    throw UsageError("VectorEnv::step: " + std::to_string(actions.size()) + " actions for " +
                     std::to_string(envs_.size()) + " envs");
  }
  for (std::size_t i = 0; i < actions.size(); ++i) scratch_[i].index = actions[i];
  return step(std::span<const Action>(scratch_));
}

VectorEnv::Step VectorEnv::result() const {
  return {obs_, rewards_, terminated_, truncated_};
}

}  // namespace spikegym::envs
