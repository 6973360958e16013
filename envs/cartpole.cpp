#include "envs/cartpole.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "envs/registration.hpp"

namespace spikegym::envs {
namespace {

Space cartPoleObservationSpace(const CartPoleModel& m) {
  const double big = std::numeric_limits<float>::max();
  const double x = m.x_threshold_m * 2, th = m.theta_threshold_rad * 2;
  return Space::box({-x, -big, -th, -big}, {x, big, th, big}, {4});
}

static const bool kRegistered = registerEnv({
    .id = "CartPole-v1",
    .summary = "balance a pole on a cart (Gymnasium CartPole-v1, bit-identical dynamics)",
    .max_episode_steps = 500,
    .reward_threshold = 475.0,
    // 2: the sin(theta) factor of the centripetal term, missing in 1 (spikegym before issue 8).
    .dynamics_version = 2,
    .params = CartPoleModel::params(),
    .factory =
        [](std::uint64_t seed, const ParamText& p) {
          return std::make_unique<CartPole>(seed, CartPoleModel::fromParams(p));
        },
});

}  // namespace

const ParamTable& CartPoleModel::params() {
  const CartPoleModel m;
  static const ParamTable table = {
      {"gravity_mps2", m.gravity_mps2, 0.0, 1000.0, "[m/s^2] gravitational acceleration"},
      {"mass_cart_kg", m.mass_cart_kg, 1e-6, 1e6, "[kg] mass of the cart"},
      {"mass_pole_kg", m.mass_pole_kg, 1e-6, 1e6, "[kg] mass of the pole"},
      {"half_length_m", m.half_length_m, 1e-6, 1e6, "[m] half the pole's length"},
      {"force_n", m.force_n, 0.0, 1e6, "[N] magnitude of the push"},
      {"tau_s", m.tau_s, 1e-6, 10.0, "[s] time between state updates (Euler step)"},
      {"x_threshold_m", m.x_threshold_m, 1e-3, 1e6, "[m] |x| beyond this terminates"},
      {"theta_threshold_rad", m.theta_threshold_rad, 1e-3, 3.141592653589793,
       "[rad] |theta| beyond this terminates (12 degrees)"},
  };
  return table;
}

CartPoleModel CartPoleModel::fromParams(const ParamText& resolved) {
  const auto n = numbersOf(resolved);
  auto get = [&n](const char* name) { return n.at(name); };
  CartPoleModel m;
  m.gravity_mps2 = get("gravity_mps2");
  m.mass_cart_kg = get("mass_cart_kg");
  m.mass_pole_kg = get("mass_pole_kg");
  m.half_length_m = get("half_length_m");
  m.force_n = get("force_n");
  m.tau_s = get("tau_s");
  m.x_threshold_m = get("x_threshold_m");
  m.theta_threshold_rad = get("theta_threshold_rad");
  return m;
}

CartPole::CartPole(std::uint64_t seed, const CartPoleModel& model)
    : Env(cartPoleObservationSpace(model), Space::discrete(2),
          {"x", "x_dot", "theta", "theta_dot"}),
      model_(model),
      rng_(seed),
      state_{} {
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
    std::copy(options.initial_state->begin(), options.initial_state->end(), state_.begin());
  } else {
    for (double& v : state_) v = rng_.uniform(-0.05, 0.05);
  }
  info_.values[0].second = info_.values[1].second = 0.0;
  last_force_n_ = 0.0;
  return {state_, &info_};
}

/// x**2 exactly as Gymnasium evaluates it: NumPy and Python compute `v**2` with libm's
/// pow(v, 2.0), and glibc's pow is not correctly rounded, so it differs from x * x in the last
/// bit for about 1 argument in 1,200 (measured on 2e8 arguments). pow costs ~20 ns, a third of a
/// step, so the common case is decided without it: the exact square is hi + lo (an FMA, or
/// Dekker's product without one; -ffp-contract=off keeps it exact), and glibc documents pow's error
/// as at most 0.54 ULP, so when |lo| <= 0.45 ULP of hi the neighbours of hi are more than 0.54 ULP
/// away and pow must return hi. Otherwise (about 1 call in 10) pow itself is called, through a
/// volatile exponent so that the compiler cannot fold pow(x, 2.0) into x * x. Checked equal to pow
/// on 2e8 random arguments.
double detail::pythonSquare(double x) {
  const double hi = x * x;
#ifdef __FMA__
  const double lo =
      std::fma(x, x, -hi);  // exact: one rounding of x * x - hi, which is representable
#else
  constexpr double kSplit = 134217729.0;  // 2^27 + 1: Veltkamp's split of a double into halves
  const double c = kSplit * x;
  const double x_hi = c - (c - x);
  const double x_lo = x - x_hi;
  const double lo = ((x_hi * x_hi - hi) + 2.0 * x_hi * x_lo) + x_lo * x_lo;
#endif
  std::uint64_t exponent_bits;
  std::memcpy(&exponent_bits, &hi, sizeof hi);
  exponent_bits &= 0x7ff0000000000000ull;
  if (exponent_bits != 0 && exponent_bits != 0x7ff0000000000000ull) {
    double power_of_two;  // 2^floor(log2(hi)); one ULP of hi is that times 2^-52
    std::memcpy(&power_of_two, &exponent_bits, sizeof hi);
    if (std::fabs(lo) <= 0.45 * 0x1p-52 * power_of_two) return hi;
  }
  static volatile double two = 2.0;
  return std::pow(x, two);
}

CartPoleModel::Outcome CartPoleModel::advance(std::array<double, 4>& state, bool push_right) const {
  const CartPoleModel& m = *this;
  double x = state[0], x_dot = state[1], theta = state[2], theta_dot = state[3];
  const double force = push_right ? m.force_n : -m.force_n;
  const double costheta = std::cos(theta);
  const double sintheta = std::sin(theta);
  const double total_mass = m.total_mass_kg();
  const double polemass_length = m.polemass_length();
  // Same operations in the same order as Gymnasium's float64 code (cartpole.py, step()); do not
  // "simplify". Spikegym 0.1 left out the sin(theta) factor of the centripetal term in `temp`.
  const double temp =
      (force + polemass_length * detail::pythonSquare(theta_dot) * sintheta) / total_mass;
  const double thetaacc =
      (m.gravity_mps2 * sintheta - costheta * temp) /
      (m.half_length_m *
       (4.0 / 3.0 - m.mass_pole_kg * detail::pythonSquare(costheta) / total_mass));
  const double xacc = temp - polemass_length * thetaacc * costheta / total_mass;
  x = x + m.tau_s * x_dot;
  x_dot = x_dot + m.tau_s * xacc;
  theta = theta + m.tau_s * theta_dot;
  theta_dot = theta_dot + m.tau_s * thetaacc;
  state = {x, x_dot, theta, theta_dot};
  return {.cart_out = x < -m.x_threshold_m || x > m.x_threshold_m,
          .pole_fell = theta < -m.theta_threshold_rad || theta > m.theta_threshold_rad};
}

StepResult CartPole::doStep(const Action& action) {
  last_force_n_ = action.index == 1 ? model_.force_n : -model_.force_n;
  const CartPoleModel::Outcome end = model_.advance(state_, action.index == 1);
  info_.values[0].second = end.cart_out ? 1.0 : 0.0;
  info_.values[1].second = end.pole_fell ? 1.0 : 0.0;
  return {state_, 1.0, end.cart_out || end.pole_fell, false, &info_};
}

std::pair<Vec2, Vec2> CartPole::drawBounds() const {
  const double half_width_m = 2 * model_.x_threshold_m;
  return {{-half_width_m, -0.5}, {half_width_m, 2 * model_.half_length_m + 0.5}};
}

void CartPole::draw(DrawSink& sink) const {
  // Gymnasium's render: 600 px for 4.8 m (125 px/m), cart 50 x 30 px, pole 10 px wide.
  constexpr double kCartWidthM = 0.4, kCartHeightM = 0.24, kPoleWidthM = 0.08;
  const Color black{0, 0, 0}, pole_brown{202, 152, 101}, axle_blue{129, 132, 203},
      limit_red{200, 40, 40}, push_green{40, 160, 60}, none{0, 0, 0, 0};
  const double track_m = 2 * model_.x_threshold_m;
  sink.line({-track_m, 0}, {track_m, 0}, black);
  for (double side : {-1.0, 1.0}) {
    sink.line({side * model_.x_threshold_m, -0.1}, {side * model_.x_threshold_m, 0.1}, limit_red,
              0.02);
  }
  const double x = state_[0], theta = state_[2];
  const Vec2 cart[4] = {{x - kCartWidthM / 2, 0},
                        {x + kCartWidthM / 2, 0},
                        {x + kCartWidthM / 2, kCartHeightM},
                        {x - kCartWidthM / 2, kCartHeightM}};
  sink.polygon(cart, black, none);
  // The pole turns about the axle; theta > 0 leans it to the right (clockwise).
  const Vec2 axle{x, kCartHeightM * 0.75};
  const double length_m = 2 * model_.half_length_m;
  const double ux = std::sin(theta), uy = std::cos(theta);  // along the pole
  const double nx = uy, ny = -ux;                           // across it
  const double h = kPoleWidthM / 2;
  const Vec2 pole[4] = {{axle.x - nx * h, axle.y - ny * h},
                        {axle.x + nx * h, axle.y + ny * h},
                        {axle.x + nx * h + ux * length_m, axle.y + ny * h + uy * length_m},
                        {axle.x - nx * h + ux * length_m, axle.y - ny * h + uy * length_m}};
  sink.polygon(pole, pole_brown, none);
  sink.circle(axle, h, axle_blue, none);
  if (last_force_n_ != 0.0) {
    // The push: an arrow from the cart's side, 0.3 m per 10 N.
    const double dir = last_force_n_ > 0 ? 1.0 : -1.0;
    const double len_m = 0.03 * std::abs(last_force_n_);
    const Vec2 from{x + dir * kCartWidthM / 2, kCartHeightM / 2};
    const Vec2 to{from.x + dir * len_m, from.y};
    sink.line(from, to, push_green, 0.03);
    const Vec2 head[3] = {{to.x + dir * 0.06, to.y}, {to.x, to.y + 0.05}, {to.x, to.y - 0.05}};
    sink.polygon(head, push_green, none);
  }
}

}  // namespace spikegym::envs
