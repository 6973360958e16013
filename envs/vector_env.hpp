// A batch of N copies of one env, stepped in one call (Gymnasium's SyncVectorEnv; EnvPool's
// batched API): the base for batched stepping from C++ and for the Python bindings.
//
//   VectorEnv v("CartPole-v1", 8, /*seed=*/1);
//   auto obs = v.reset();                      // 8 x 4 observations, row-major
//   auto r = v.step(actions);                  // one action per sub-env
//   r.obs, r.rewards, r.terminated, r.truncated   (views valid until the next call)
//
// Autoreset, Gymnasium 1.x's default "next step" mode (gymnasium.vector.AutoresetMode.NEXT_STEP):
// when sub-env i ends on a step (terminated or truncated), that step returns its last
// observation, reward and flags as a single env would; the next step() ignores action i, resets
// sub-env i and returns its first observation with reward 0 and both flags false. So every
// transition a learner sees is a real one, and a final observation is never replaced.
// Seeding as SyncVectorEnv: reset(seed) seeds sub-env i with seed + i; construction with `seed`
// makes sub-env i as make(id, seed + i). Each sub-env keeps its own stream: the batch is the N
// single envs stepped side by side, bit for bit (tested).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "envs/env.hpp"
#include "envs/registration.hpp"

namespace spikegym::envs {

class VectorEnv {
 public:
  /// N copies of env `id` with parameters `params`; sub-env i is make(id, seed + i, params).
  VectorEnv(const std::string& id, int num_envs, std::uint64_t seed = 0,
            const ParamText& params = {});

  /// What step() returns: views of storage the VectorEnv owns, valid until the next call.
  struct Step {
    std::span<const double> obs;               ///< num_envs x obs_size, row-major
    std::span<const double> rewards;           ///< num_envs
    std::span<const std::uint8_t> terminated;  ///< num_envs, 0 or 1
    std::span<const std::uint8_t> truncated;   ///< num_envs, 0 or 1
  };

  /// Resets every sub-env (seeded with seed + i when a seed is given); the first observations.
  std::span<const double> reset(std::optional<std::uint64_t> seed = std::nullopt);
  /// Steps every sub-env with its action (autoreset: above). Throws UsageError before reset()
  /// or for a wrong count of actions; an action outside the space throws as Env::step does.
  Step step(std::span<const Action> actions);
  /// The same for Discrete action spaces: one index per sub-env.
  Step step(std::span<const std::int64_t> actions);

  int numEnvs() const { return static_cast<int>(envs_.size()); }
  std::size_t obsSize() const { return obs_size_; }
  const Space& singleObservationSpace() const { return envs_.front()->observationSpace(); }
  const Space& singleActionSpace() const { return envs_.front()->actionSpace(); }
  /// Sub-env i (read-only: stepping it directly would break the batch's bookkeeping).
  const Env& env(int i) const { return *envs_[static_cast<std::size_t>(i)]; }

 private:
  Step result() const;
  std::vector<std::unique_ptr<Env>> envs_;
  std::size_t obs_size_ = 0;
  std::vector<double> obs_, rewards_;
  std::vector<std::uint8_t> terminated_, truncated_;
  std::vector<std::uint8_t> ended_;  // sub-env i ended on the last step: reset it on the next
  std::vector<Action> scratch_;      // discrete actions as Actions
  bool started_ = false;
};

}  // namespace spikegym::envs
