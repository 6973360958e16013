#include "envs/cartpole.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "envs/registry.hpp"

namespace spikegym::envs {
namespace {

Space cartPoleObservationSpace() {
  const CartPoleModel m;
  const double big = std::numeric_limits<float>::max();
  const double x = m.x_threshold_m * 2, th = m.theta_threshold_rad * 2;
  return Space::box({-x, -big, -th, -big}, {x, big, th, big}, {4});
}

static const bool kRegistered = registerEnv({
    .id = "CartPole-v1",
    .summary = "balance a pole on a cart (Gymnasium CartPole-v1, bit-identical dynamics)",
    .max_episode_steps = 500,
    .reward_threshold = 475.0,
    .factory = [](std::uint64_t seed) { return std::make_unique<CartPole>(seed); },
});

}  // namespace

CartPole::CartPole(std::uint64_t seed)
    : Env(cartPoleObservationSpace(), Space::discrete(2), {"x", "x_dot", "theta", "theta_dot"}),
      rng_(seed),
      obs_(4, 0.0) {
  info_.values = {{"cart_out_of_bounds", 0.0}, {"pole_fell", 0.0}};
}

ResetResult CartPole::doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) {
  if (seed) rng_.seed_sequence(*seed);
  if (options.initial_state) {
    if (options.initial_state->size() != 4) {
      throw UserError(
          "CartPole-v1 reset: initial_state needs 4 values (x, x_dot, theta, "
          "theta_dot), got " +
          std::to_string(options.initial_state->size()));
    }
    obs_ = *options.initial_state;
  } else {
    for (double& v : obs_) v = rng_.uniform(-0.05, 0.05);
  }
  info_.values[0].second = info_.values[1].second = 0.0;
  return {obs_, &info_};
}

StepResult CartPole::doStep(const Action& action) {
  const CartPoleModel& m = model_;
  double x = obs_[0], x_dot = obs_[1], theta = obs_[2], theta_dot = obs_[3];
  const double force = action.index == 1 ? m.force_n : -m.force_n;
  const double costheta = std::cos(theta);
  const double sintheta = std::sin(theta);
  const double total_mass = m.total_mass_kg();
  const double polemass_length = m.polemass_length();
  // Same operations in the same order as Gymnasium's float64 code; do not "simplify".
  const double temp = (force + polemass_length * (theta_dot * theta_dot)) / total_mass;
  const double thetaacc =
      (m.gravity_mps2 * sintheta - costheta * temp) /
      (m.half_length_m * (4.0 / 3.0 - m.mass_pole_kg * (costheta * costheta) / total_mass));
  const double xacc = temp - polemass_length * thetaacc * costheta / total_mass;
  x = x + m.tau_s * x_dot;
  x_dot = x_dot + m.tau_s * xacc;
  theta = theta + m.tau_s * theta_dot;
  theta_dot = theta_dot + m.tau_s * thetaacc;
  obs_[0] = x;
  obs_[1] = x_dot;
  obs_[2] = theta;
  obs_[3] = theta_dot;
  const bool cart_out = x < -m.x_threshold_m || x > m.x_threshold_m;
  const bool pole_fell = theta < -m.theta_threshold_rad || theta > m.theta_threshold_rad;
  const bool terminated = cart_out || pole_fell;
  info_.values[0].second = cart_out ? 1.0 : 0.0;
  info_.values[1].second = pole_fell ? 1.0 : 0.0;
  return {obs_, 1.0, terminated, false, &info_};
}

}  // namespace spikegym::envs
