// CartPole-v1, identical to Gymnasium's (classic_control/cartpole.py, v1).
//
// ## Description
// A pole is attached by an unactuated joint to a cart that moves along a frictionless track
// (Barto, Sutton & Anderson 1983). The pole starts upright; the goal is to keep it balanced by
// pushing the cart left or right.
//
// ## Action space
// Discrete(2): 0 pushes the cart to the left, 1 to the right, with a fixed force of 10 N.
//
// ## Observation space
// Box(4): [x [m], x_dot [m/s], theta [rad], theta_dot [rad/s]], bounds
// (+-4.8, +-float32 max, +-0.4189 (24 deg), +-float32 max). Observations are the float64 state
// itself; Gymnasium returns the same state cast to float32 (cast ours to float32 to get its
// observation bit for bit).
//
// ## Rewards
// +1 for every step taken, including the step that terminates the episode.
//
// ## Starting state
// Every state variable uniform in [-0.05, 0.05), drawn from the env's own stream exactly as
// Gymnasium draws it: NumPy's PCG64 seeded through SeedSequence (core/pcg64.hpp), so
// reset(seed=s) gives Gymnasium's CartPole-v1 reset(seed=s) state bit for bit, and later resets
// without a seed continue the same stream. ResetOptions::initial_state replaces the draw.
//
// ## Episode end
// terminated: |x| > 2.4 m or |theta| > 12 deg (strict inequalities). info (spikegym's addition;
// Gymnasium's is empty): cart_out_of_bounds and pole_fell, 1 on the step that terminated for
// that reason, else 0, so that logs show why episodes end.
// truncated: after 500 steps (max_episode_steps, applied by the TimeLimit wrapper); on step 500
// both may be true.
//
// ## Arguments
// The physical constants of CartPoleModel, as env parameters (experiment files: env.<name>;
// `spikegym list envs` prints them with ranges and units): gravity_mps2, mass_cart_kg,
// mass_pole_kg, half_length_m, force_n, tau_s, x_threshold_m, theta_threshold_rad. Their
// defaults are Gymnasium's; with other values the env is no longer Gymnasium's CartPole-v1
// (the observation bounds follow the thresholds). reset(seed) restarts the random stream; reset
// options: initial_state (4 values).
//
// ## Dynamics
// Explicit Euler with tau = 0.02 s, in float64, in Gymnasium's evaluation order (built with
// -ffp-contract=off so no multiply-add is fused):
//   temp      = (F + m_p l theta_dot^2 sin(theta)) / M
//   theta_acc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos(theta)^2 / M))
//   x_acc     = temp - m_p l theta_acc cos(theta) / M
//   x += tau x_dot;  x_dot += tau x_acc;  theta += tau theta_dot;  theta_dot += tau theta_acc
// with g = 9.8 m/s^2, m_c = 1.0 kg, m_p = 0.1 kg, M = m_c + m_p, l = 0.5 m (half the pole).
//
// ## Drawing
// draw() uses Gymnasium's proportions in meters: cart 0.4 m x 0.24 m, pole 0.08 m wide and
// 2 half_length_m long, track from -2 x_threshold_m to +2 x_threshold_m with the limits marked.
//
// ## Version history
// v1 (spikegym 0.1): Gymnasium CartPole-v1 dynamics, reward and limits. Unlike Gymnasium, a step
// after the episode ended is an error rather than a warning with reward 0.
#pragma once

#include <array>

#include "core/params.hpp"
#include "core/pcg64.hpp"
#include "envs/env.hpp"

namespace spikegym::envs {

/// Physical constants of CartPole-v1 (Gymnasium's values), the env's parameters.
struct CartPoleModel {
  /// The parameter table (defaults are the values below); fromParams() reads resolved values.
  static const ParamTable& params();
  static CartPoleModel fromParams(const ParamText& resolved);
  double gravity_mps2 = 9.8;   ///< [m/s^2]
  double mass_cart_kg = 1.0;   ///< [kg]
  double mass_pole_kg = 0.1;   ///< [kg]
  double half_length_m = 0.5;  ///< [m] half the pole's length
  double force_n = 10.0;       ///< [N] magnitude of the push
  double tau_s = 0.02;         ///< [s] seconds between state updates
  double x_threshold_m = 2.4;  ///< [m] |x| beyond this terminates
  double theta_threshold_rad = 12 * 2 * 3.141592653589793 / 360;  ///< [rad] 12 degrees
  double total_mass_kg() const { return mass_pole_kg + mass_cart_kg; }
  double polemass_length() const { return mass_pole_kg * half_length_m; }  ///< [kg m]

  /// What one step ended in.
  struct Outcome {
    bool cart_out = false;   ///< |x| > x_threshold_m
    bool pole_fell = false;  ///< |theta| > theta_threshold_rad
  };
  /// One step of the dynamics (Gymnasium's Euler integrator, float64, its order of operations):
  /// `state` = [x, x_dot, theta, theta_dot] advances by tau_s under a push of force_n to the
  /// right (`push_right`) or left. The whole arithmetic of CartPole::step, with none of the API
  /// around it: the bare loop that `bench env CartPole-v1 --bare` times.
  Outcome advance(std::array<double, 4>& state, bool push_right) const;
};

namespace detail {
/// x**2 as Python and NumPy compute it (libm's pow(x, 2.0), which is not always x * x).
double pythonSquare(double x);
}  // namespace detail

class CartPole final : public Env {
 public:
  explicit CartPole(std::uint64_t seed = 0, const CartPoleModel& model = {});
  const CartPoleModel& model() const { return model_; }
  std::vector<double> state() const override { return {state_.begin(), state_.end()}; }
  /// Track with its limits, cart, pole at its angle, axle, and the last push as an arrow.
  void draw(DrawSink& sink) const override;
  std::pair<Vec2, Vec2> drawBounds() const override;
  std::vector<LiveParam> liveParams() const override {
    return {{"force_n", model_.force_n, 0, 30, "[N]"}};
  }
  bool setLiveParam(const std::string& name, double value) override {
    if (name != "force_n") return false;
    model_.force_n = value;
    return true;
  }

 protected:
  ResetResult doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) override;
  StepResult doStep(const Action& action) override;

 private:
  CartPoleModel model_;
  double last_force_n_ = 0.0;    // [N] the push of the last step (0 after reset), for draw()
  Pcg64 rng_;                    // NumPy-compatible: the same draws as Gymnasium for the same seed
  std::array<double, 4> state_;  // [x, x_dot, theta, theta_dot] = the observation
  Info info_;                    // cart_out_of_bounds, pole_fell
};

}  // namespace spikegym::envs
