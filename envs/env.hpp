// The Gymnasium-style environment API.
//
//   reset(seed, options) -> {obs, info}
//   step(action)         -> {obs, reward, terminated, truncated, info}
//
// terminated: the task itself ended (the pole fell). truncated: something outside the task ended
// the episode (the TimeLimit wrapper, or a numerical fault). Both may be true on the same step.
//
// Env is a non-virtual interface over the do*() hooks that each environment implements, so the
// misuse checks live in one place: step() before reset() and step() after the episode ended throw
// UsageError, and an action outside the action space throws UsageError. A non-finite observation
// (NaN/Inf) ends the episode as truncated with info.truncation_reason set (STYLE rule 10).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/draw.hpp"
#include "core/live.hpp"
#include "envs/space.hpp"

namespace spikegym::envs {

/// Extra per-step facts, Gymnasium's `info` dict as flat named numbers (no allocation once the
/// names exist).
struct Info {
  std::vector<std::pair<std::string, double>> values;  ///< env metrics, e.g. food_eaten
  std::string truncation_reason;  ///< why the episode was truncated ("" when it was not)
};

/// Options for reset() (Gymnasium's `options` dict).
struct ResetOptions {
  /// The full initial state, in the env's own state layout (e.g. CartPole: x [m], x_dot [m/s],
  /// theta [rad], theta_dot [rad/s]); replaces the random draw. For replay and tests.
  std::optional<std::vector<double>> initial_state;
};

/// What reset() returns. `obs` and `info` view env-owned storage valid until the next call.
struct ResetResult {
  std::span<const double> obs;
  const Info* info = nullptr;
};

/// What step() returns. `obs` and `info` view env-owned storage valid until the next call.
struct StepResult {
  std::span<const double> obs;
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
  const Info* info = nullptr;
};

/// A reinforcement-learning environment.
class Env {
 public:
  virtual ~Env() = default;

  /// Starts an episode. A seed restarts the env's random stream; without one the stream goes on.
  ResetResult reset(std::optional<std::uint64_t> seed = std::nullopt,
                    const ResetOptions& options = {});
  /// Advances one step. Throws UsageError before reset(), after the episode ended, or for an
  /// action outside actionSpace().
  StepResult step(const Action& action);

  const Space& observationSpace() const { return observation_space_; }
  const Space& actionSpace() const { return action_space_; }
  /// One short name per observation component (CSV column names).
  const std::vector<std::string>& observationNames() const { return observation_names_; }
  /// The env's full internal state, in the layout ResetOptions::initial_state accepts.
  virtual std::vector<double> state() const = 0;
  /// True once an episode has ended and reset() is due (also before the first reset()).
  bool needsReset() const { return needs_reset_; }
  /// Draws the current state in world units (meters, y up). Never changes the env.
  virtual void draw(DrawSink& sink) const { (void)sink; }
  /// The rectangle [min, max] of world units that draw() uses, for fitting a view.
  virtual std::pair<Vec2, Vec2> drawBounds() const { return {{-1, -1}, {1, 1}}; }
  /// What a viewer may change while watching (core/live.hpp); none by default.
  virtual std::vector<LiveParam> liveParams() const { return {}; }
  /// Sets one of liveParams() from the next step on; false for a name it does not have.
  virtual bool setLiveParam(const std::string& name, double value) {
    (void)name;
    (void)value;
    return false;
  }

 protected:
  Env(Space observation_space, Space action_space, std::vector<std::string> observation_names);

  virtual ResetResult doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) = 0;
  virtual StepResult doStep(const Action& action) = 0;

 private:
  Space observation_space_;
  Space action_space_;
  std::vector<std::string> observation_names_;
  Info fault_info_;  // info returned when a numerical fault truncates an episode
  bool needs_reset_ = true;
};

/// Ends episodes after `max_episode_steps` steps with truncated = true (Gymnasium's TimeLimit).
class TimeLimit final : public Env {
 public:
  TimeLimit(std::unique_ptr<Env> inner, int max_episode_steps);
  std::vector<double> state() const override { return inner_->state(); }
  void draw(DrawSink& sink) const override { inner_->draw(sink); }
  std::pair<Vec2, Vec2> drawBounds() const override { return inner_->drawBounds(); }
  std::vector<LiveParam> liveParams() const override { return inner_->liveParams(); }
  bool setLiveParam(const std::string& name, double value) override {
    return inner_->setLiveParam(name, value);
  }
  int elapsedSteps() const { return elapsed_steps_; }

 protected:
  ResetResult doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) override;
  StepResult doStep(const Action& action) override;

 private:
  std::unique_ptr<Env> inner_;
  int max_episode_steps_;
  int elapsed_steps_ = 0;
};

}  // namespace spikegym::envs
