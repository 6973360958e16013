// envs/: spaces, the Env contract, TimeLimit, the registry, and CartPole-v1.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "core/error.hpp"
#include "envs/cartpole.hpp"
#include "envs/datasets.hpp"
#include "envs/images.hpp"
#include "envs/registration.hpp"
#include "envs/vector_env.hpp"
#include "tests/cli_support.hpp"

using namespace spikegym;
using namespace spikegym::envs;

namespace {

/// A tiny env for testing wrappers: the observation counts steps; terminates at `end_at`.
class CountingEnv final : public Env {
 public:
  explicit CountingEnv(int end_at)
      : Env(Space::box({0}, {1e9}, {1}), Space::discrete(2), {"count"}), end_at_(end_at) {}
  std::vector<double> state() const override { return obs_; }

 protected:
  ResetResult doReset(std::optional<std::uint64_t>, const ResetOptions&) override {
    obs_[0] = 0;
    return {obs_, &info_};
  }
  StepResult doStep(const Action&) override {
    obs_[0] += 1;
    return {obs_, 1.0, obs_[0] >= end_at_, false, &info_};
  }

 private:
  int end_at_;
  Observation obs_{0.0};
  Info info_;
};

std::vector<double> copyOf(std::span<const double> s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("Discrete and Box spaces: contains and sample", "[envs][space]") {
  Rng rng(3);
  const Space d = Space::discrete(3);
  Action a;
  for (int i = 0; i < 100; ++i) {
    d.sample(rng, a);
    REQUIRE(d.contains(a));
  }
  a.index = 3;
  CHECK_FALSE(d.contains(a));
  a.index = -1;
  CHECK_FALSE(d.contains(a));

  const double inf = INFINITY;
  const Space b = Space::box({-1, 0, -inf}, {1, inf, inf}, {3});
  for (int i = 0; i < 100; ++i) {
    b.sample(rng, a);
    REQUIRE(b.contains(a));
  }
  CHECK_FALSE(b.contains(Observation{0.0, -0.1, 0.0}));
  CHECK_FALSE(b.contains(Observation{0.0, 0.0}));
  CHECK_FALSE(b.contains(Observation{NAN, 0.0, 0.0}));
  CHECK(b.describe() == "Box([-1 0 -inf], [1 inf inf], (3,))");
  CHECK_THROWS_AS(Space::box({1}, {0}, {1}), UsageError);
}

TEST_CASE("conformance: every registered env honours the Env contract", "[envs][conformance]") {
  for (const EnvSpec* spec : registeredEnvs()) {
    DYNAMIC_SECTION(spec->id) {
      auto env = make(spec->id, 7);
      Action action;
      CHECK_THROWS_AS(env->step(action), UsageError);  // step before reset

      const auto first = copyOf(env->reset(7).obs);
      CHECK(env->observationSpace().contains(first));
      CHECK(env->observationNames().size() == first.size());
      CHECK(copyOf(env->reset(7).obs) == first);  // same seed, same start
      auto twin = make(spec->id, 7);
      CHECK(copyOf(twin->reset().obs) == first);  // make(id, s) then reset() == reset(s)

      // Same seed and actions give the same trajectory, bit for bit.
      env->reset(11);
      twin->reset(11);
      Rng policy(5);
      int episodes = 0;
      for (int t = 0; t < 2000 && episodes < 5; ++t) {
        env->actionSpace().sample(policy, action);
        const StepResult r = env->step(action);
        const StepResult q = twin->step(action);
        REQUIRE(copyOf(r.obs) == copyOf(q.obs));
        REQUIRE(r.reward == q.reward);
        REQUIRE(std::isfinite(r.reward));
        REQUIRE(r.terminated == q.terminated);
        REQUIRE(r.truncated == q.truncated);
        REQUIRE(r.info != nullptr);
        if (!r.terminated) REQUIRE(env->observationSpace().contains(copyOf(r.obs)));
        if (r.terminated || r.truncated) {
          REQUIRE(env->needsReset());
          REQUIRE_THROWS_AS(env->step(action), UsageError);  // step after the end
          env->reset();
          twin->reset();
          ++episodes;
        }
      }
      CHECK(episodes > 0);
      if (spec->max_episode_steps > 0) CHECK(dynamic_cast<TimeLimit*>(env.get()) != nullptr);
    }
  }
}

TEST_CASE("registry: unknown ids get a did-you-mean, duplicates are refused", "[envs][registry]") {
  CHECK_THROWS_WITH(make("CartPole-v0"), Catch::Contains("did you mean 'CartPole-v1'"));
  CHECK_THROWS_AS(make("CartPole-v0"), UserError);
  CHECK_THROWS_AS(registerEnv({"CartPole-v1", "", 0, std::nullopt, 1, {}, nullptr}), UsageError);
  const EnvSpec& spec = envSpec("CartPole-v1");
  CHECK(spec.max_episode_steps == 500);
  CHECK(spec.reward_threshold.value() == 475.0);
}

TEST_CASE("TimeLimit truncates at the limit; terminated and truncated can coincide",
          "[envs][timelimit]") {
  Action a;
  TimeLimit limited(std::make_unique<CountingEnv>(100), 3);
  limited.reset();
  CHECK_FALSE(limited.step(a).truncated);
  CHECK_FALSE(limited.step(a).truncated);
  StepResult r = limited.step(a);
  CHECK(r.truncated);
  CHECK_FALSE(r.terminated);
  CHECK_THROWS_AS(limited.step(a), UsageError);
  limited.reset();
  CHECK(limited.elapsedSteps() == 0);

  TimeLimit both(std::make_unique<CountingEnv>(2), 2);
  both.reset();
  both.step(a);
  r = both.step(a);
  CHECK(r.terminated);
  CHECK(r.truncated);
}

TEST_CASE("CartPole-v1 first step from rest matches the hand-derived equations",
          "[envs][cartpole]") {
  // From rest, theta = 0: temp = F/M = 100/11; theta_acc = -temp / (l (4/3 - m_p/M))
  // = -(100/11) / (41/66) = -600/41; x_acc = temp - m_p l theta_acc / M = 400/41.
  CartPole env;
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0, 0, 0}});
  StepResult r = env.step(Action::discrete(1));
  CHECK(r.obs[0] == 0.0);
  CHECK(r.obs[1] == Approx(0.02 * 400.0 / 41.0).epsilon(1e-14));
  CHECK(r.obs[2] == 0.0);
  CHECK(r.obs[3] == Approx(-0.02 * 600.0 / 41.0).epsilon(1e-14));
  CHECK(r.reward == 1.0);
  CHECK_FALSE(r.terminated);
  CHECK_FALSE(r.truncated);

  // Pushing left is the mirror image.
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0, 0, 0}});
  r = env.step(Action::discrete(0));
  CHECK(r.obs[1] == Approx(-0.02 * 400.0 / 41.0).epsilon(1e-14));
  CHECK(r.obs[3] == Approx(0.02 * 600.0 / 41.0).epsilon(1e-14));
}

TEST_CASE("CartPole-v1 swinging pole: the centripetal term carries sin(theta)",
          "[envs][cartpole]") {
  // Worked by hand from the equations of Gymnasium's cartpole.py (step()):
  //   temp = (F + m_p l theta_dot^2 sin(theta)) / M
  //   theta_acc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos(theta)^2 / M))
  //   x_acc = temp - m_p l theta_acc cos(theta) / M
  // At theta = pi/6, theta_dot = 2 rad/s, F = +10 N: sin = 1/2, cos = sqrt(3)/2, cos^2 = 3/4;
  //   temp = (10 + 0.05 * 4 * 0.5) / 1.1 = 101/11  (without sin(theta): 102/11)
  //   l (4/3 - 0.1 * 0.75 / 1.1) = 0.5 (4/3 - 3/44) = 167/264
  //   theta_acc = (4.9 - (sqrt(3)/2)(101/11)) * 264/167
  //   x_acc = 101/11 - 0.05 theta_acc (sqrt(3)/2) / 1.1
  const double s3 = std::sqrt(3.0);
  const double theta_acc = (4.9 - s3 / 2 * 101.0 / 11.0) * 264.0 / 167.0;
  const double x_acc = 101.0 / 11.0 - 0.05 * theta_acc * (s3 / 2) / 1.1;
  CartPole env;
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0, M_PI / 6, 2.0}});
  const StepResult r = env.step(Action::discrete(1));
  CHECK(r.obs[0] == 0.0);
  CHECK(r.obs[1] == Approx(0.02 * x_acc).epsilon(1e-13));
  CHECK(r.obs[2] == Approx(M_PI / 6 + 0.04).epsilon(1e-13));
  CHECK(r.obs[3] == Approx(2.0 + 0.02 * theta_acc).epsilon(1e-13));
  CHECK(r.terminated);  // 30 degrees is past 12
}

TEST_CASE("CartPole-v1 reproduces a step computed by Gymnasium itself", "[envs][cartpole]") {
  // Issue 8: Gymnasium 1.x CartPoleEnv (NumPy 1.24, libm sin/cos) from this state, action 1.
  CartPole env;
  env.reset(std::nullopt,
            {.initial_state = std::vector<double>{-0.02383878657506836, -0.02015088565858767,
                                                  0.03142257405942804, -0.04080840578649031}});
  const StepResult r = env.step(Action::discrete(1));
  CHECK(copyOf(r.obs) == std::vector<double>{-0.024241804288240115, 0.17450670865398432,
                                             0.030606405943698234, -0.323413942046507});
}

TEST_CASE("pythonSquare equals libm pow(x, 2.0), not x * x", "[envs][cartpole]") {
  // Gymnasium squares with `**`, i.e. pow(); glibc's pow differs from x * x in the last bit for
  // some arguments, e.g. this one (found by a search over random doubles).
  double (*volatile libm_pow)(double, double) = &::pow;
  const double x = 0x1.096e4a972b7b5p-1;
  CHECK(x * x != libm_pow(x, 2.0));
  CHECK(detail::pythonSquare(x) == libm_pow(x, 2.0));
  std::uint64_t s = 88172645463325252ull;
  int differs_from_product = 0;
  for (int i = 0; i < 200000; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    // Full 53-bit mantissas and short ones (whose squares can sit exactly between two doubles).
    std::uint64_t bits = (s & 0x000fffffffffffffull) | (std::uint64_t{1013 + (s >> 60)} << 52);
    if (i % 3 == 0) bits &= ~0xffffull;
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (i & 1) v = -v;
    const double expected = libm_pow(v, 2.0);
    REQUIRE(detail::pythonSquare(v) == expected);
    differs_from_product += (v * v != expected);
  }
  CHECK(differs_from_product > 0);
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {0.0, -0.0, 1e-200, 1e200, inf, -inf}) {
    CHECK(detail::pythonSquare(v) == libm_pow(v, 2.0));
  }
  CHECK(std::isnan(detail::pythonSquare(NAN)));
}

TEST_CASE("CartPole-v1 thresholds are strict and the terminating step pays 1", "[envs][cartpole]") {
  CartPole env;
  // x stays exactly 2.4 (x_dot = 0): not beyond the threshold.
  env.reset(std::nullopt, {.initial_state = std::vector<double>{2.4, 0, 0, 0}});
  CHECK_FALSE(env.step(Action::discrete(1)).terminated);
  // x moves from 2.39 by tau * x_dot = 0.02 m: beyond 2.4.
  env.reset(std::nullopt, {.initial_state = std::vector<double>{2.39, 1.0, 0, 0}});
  StepResult r = env.step(Action::discrete(1));
  CHECK(r.terminated);
  CHECK(r.reward == 1.0);
  CHECK(r.info->values == std::vector<std::pair<std::string, double>>{{"cart_out_of_bounds", 1.0},
                                                                      {"pole_fell", 0.0}});
  // theta past 12 degrees terminates, on either side.
  const double twelve_deg = 12 * 2 * M_PI / 360;
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0, -twelve_deg, -0.1}});
  CHECK(env.step(Action::discrete(0)).terminated);
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0, twelve_deg, 0}});
  CHECK_FALSE(env.step(Action::discrete(0)).terminated);  // theta unchanged this step
  // A wrong-sized initial state is a user error.
  CHECK_THROWS_AS(env.reset(std::nullopt, {.initial_state = std::vector<double>{0, 0}}), UserError);
}

TEST_CASE("CartPole-v1 starting states are uniform within 0.05 of zero and seeded",
          "[envs][cartpole]") {
  CartPole env(1);
  for (int i = 0; i < 1000; ++i) {
    for (double v : env.reset().obs) {
      REQUIRE(v >= -0.05);
      REQUIRE(v < 0.05);
    }
  }
  CartPole a(9), b(9);
  CHECK(copyOf(a.reset().obs) == copyOf(b.reset().obs));
  CHECK(copyOf(a.reset().obs) == copyOf(b.reset().obs));  // the stream goes on identically
  CHECK(copyOf(a.reset(4).obs) != copyOf(b.reset(5).obs));
}

TEST_CASE("CartPole-v1 reset(seed) draws Gymnasium's starting state bit for bit",
          "[envs][cartpole]") {
  // Gymnasium 1.x: CartPoleEnv().reset(seed=42)[0] is this state cast to float32; the float64
  // state is np.random.Generator(np.random.PCG64(np.random.SeedSequence(42)))
  // .uniform(-0.05, 0.05, 4) (values printed by NumPy 1.24).
  CartPole env;
  CHECK(copyOf(env.reset(42).obs) ==
        std::vector<double>{0x1.c0d97eba2bd40p-6, -0x1.9090f63c0b010p-8, 0x1.25c36f3afc536p-5,
                            0x1.435e26c08cd04p-6});
  CHECK(copyOf(env.reset(0).obs) == std::vector<double>{0x1.c0cbca647ced0p-7, -0x1.792e736320f47p-6,
                                                        -0x1.7808d4489d6d2p-5,
                                                        -0x1.8c0f80ec8f29dp-5});
  // make(id, s) seeds the stream the same way: its first reset() is reset(seed=s).
  auto made = make("CartPole-v1", 42);
  CHECK(copyOf(made->reset().obs) == copyOf(env.reset(42).obs));
}

TEST_CASE("CartPole-v1 is truncated at 500 steps under a balancing controller",
          "[envs][cartpole]") {
  auto env = make("CartPole-v1", 0);
  env->reset(0);
  std::vector<double> s = env->state();
  StepResult r;
  int t = 0;
  do {
    // A proportional-derivative push keeps the pole up (the episode must not terminate).
    r = env->step(Action::discrete((s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.1 * s[1] > 0) ? 1 : 0));
    s = env->state();
    ++t;
  } while (!r.terminated && !r.truncated);
  CHECK(t == 500);
  CHECK(r.truncated);
  CHECK_FALSE(r.terminated);
}

namespace {

/// A DrawSink that keeps every command, for checking what an env draws.
struct RecordingSink final : DrawSink {
  struct Command {
    std::string kind;
    std::vector<Vec2> points;
    Color color;
  };
  std::vector<Command> commands;
  void line(Vec2 a, Vec2 b, Color color, double) override {
    commands.push_back({"line", {a, b}, color});
  }
  void circle(Vec2 center, double radius, Color fill, Color) override {
    commands.push_back({"circle", {center, {radius, 0}}, fill});
  }
  void polygon(std::span<const Vec2> points, Color fill, Color) override {
    commands.push_back({"polygon", {points.begin(), points.end()}, fill});
  }
  void text(Vec2 at, const std::string&, Color color, double) override {
    commands.push_back({"text", {at}, color});
  }
};

}  // namespace

TEST_CASE("CartPole-v1 draws track, cart, pole and push in meters", "[envs][cartpole][draw]") {
  auto env = make("CartPole-v1", 0);  // through TimeLimit, which forwards draw()
  env->reset(std::nullopt, {.initial_state = std::vector<double>{1.0, 0, 0.1, 0}});
  RecordingSink before;
  env->draw(before);
  // Track, two limit marks, cart, pole, axle; no push arrow before the first step.
  REQUIRE(before.commands.size() == 6);
  CHECK(before.commands[0].kind == "line");
  CHECK(before.commands[0].points[0].x == -4.8);
  CHECK(before.commands[1].points[0].x == -2.4);
  CHECK(before.commands[2].points[0].x == 2.4);
  const auto& cart = before.commands[3];
  REQUIRE(cart.kind == "polygon");
  CHECK(cart.points[0].x == Approx(1.0 - 0.2));
  CHECK(cart.points[1].x == Approx(1.0 + 0.2));
  const auto& pole = before.commands[4];
  REQUIRE(pole.points.size() == 4);
  // The pole's far end leans right by sin(0.1) of its 1 m length.
  const double tip_x = (pole.points[2].x + pole.points[3].x) / 2;
  const double tip_y = (pole.points[2].y + pole.points[3].y) / 2;
  CHECK(tip_x == Approx(1.0 + std::sin(0.1)));
  CHECK(tip_y == Approx(0.18 + std::cos(0.1)));
  CHECK(before.commands[5].kind == "circle");
  // Drawing changes nothing: the same step follows.
  const std::vector<double> state = env->state();
  env->draw(before);
  CHECK(env->state() == state);
  // After a push to the left, an arrow points left from the cart.
  env->step(Action::discrete(0));
  RecordingSink after;
  env->draw(after);
  REQUIRE(after.commands.size() == 8);
  const auto& shaft = after.commands[6];
  CHECK(shaft.kind == "line");
  CHECK(shaft.points[1].x < shaft.points[0].x);
  CHECK(shaft.points[0].x == Approx(env->state()[0] - 0.2));
  const auto [lo, hi] = env->drawBounds();
  CHECK(lo.x == -4.8);
  CHECK(hi.x == 4.8);
}

TEST_CASE("a non-finite state ends the episode as truncated with a reason", "[envs]") {
  CartPole env;
  env.reset(std::nullopt, {.initial_state = std::vector<double>{0, NAN, 0, 0}});
  const StepResult r = env.step(Action::discrete(1));
  CHECK(r.truncated);
  CHECK(r.info->truncation_reason == "non-finite observation");
  CHECK(env.needsReset());
}

// ---- Foraging-v0 ----

namespace {

/// A Foraging-v0 start: robot at (x, y) facing `heading`, items at the given places (food
/// first); the other items of the default counts parked in the corners' far side.
std::vector<double> foragingStart(double x, double y, double heading,
                                  std::vector<std::pair<double, double>> items, int n_items) {
  std::vector<double> s = {x, y, heading};
  for (int i = 0; i < n_items; ++i) {
    const auto at = i < static_cast<int>(items.size())
                        ? items[i]
                        : std::pair<double, double>{-4.5 + 0.5 * (i % 4), -4.5 + 0.5 * (i / 4)};
    s.push_back(at.first);
    s.push_back(at.second);
  }
  return s;
}

}  // namespace

TEST_CASE("Foraging-v0: rays see the nearest object by type and closeness", "[envs][foraging]") {
  // 2 food, 2 poison; 3 rays over 90 degrees: ray 0 at +45 deg (left), ray 1 ahead, ray 2 -45.
  auto env = make("Foraging-v0", 1,
                  {{"food_count", "2"}, {"poison_count", "2"}, {"n_rays", "3"}, {"fov_deg", "90"}});
  CHECK(env->observationSpace().describe() ==
        "Box([0 0 0 0 0 0 0 0 0], [1 1 1 1 1 1 1 1 1], (9,))");
  CHECK(env->observationNames()[4] == "ray1_food");
  // Food 2 m straight ahead (along +x), poison 1.5 m at -45 degrees, the rest far away.
  const double d = 1.5 / std::sqrt(2.0);
  const auto start = foragingStart(0, 0, 0, {{2.0, 0}, {-4, 4}, {d, -d}, {4, -4}}, 4);
  const auto obs = copyOf(env->reset(std::nullopt, {.initial_state = start}).obs);
  // Ray 1 hits the food's surface at 2 - 0.2 m; gap from the robot's surface 1.8 - 0.25 m.
  CHECK(obs[3] == 0.0);
  CHECK(obs[4] == Approx(1.0 - (1.8 - 0.25) / 4.0).margin(1e-5));
  CHECK(obs[5] == 0.0);
  CHECK(obs[8] == Approx(1.0 - (1.3 - 0.25) / 4.0).margin(1e-5));  // poison on ray 2
  CHECK(obs[7] == 0.0);
  // Ray 0 (+45 deg) sees the wall: 5 m away along x, so 5 sqrt(2) along the ray: out of range.
  CHECK(obs[0] == 0.0);
  const auto state = env->state();  // Box2D keeps positions as float
  REQUIRE(state.size() == start.size());
  for (std::size_t i = 0; i < start.size(); ++i) CHECK(state[i] == Approx(start[i]).margin(1e-6));
}

TEST_CASE("Foraging-v0: food pays +1, poison -1, eaten items reappear, walls count",
          "[envs][foraging]") {
  auto env =
      make("Foraging-v0", 2, {{"food_count", "1"}, {"poison_count", "1"}, {"wall_penalty", "0.5"}});
  // Food just ahead: one forward step (0.05 m) touches it.
  env->reset(std::nullopt, {.initial_state = foragingStart(0, 0, 0, {{0.47, 0}, {-4, -4}}, 2)});
  StepResult r = env->step(Action::discrete(1));
  CHECK(r.reward == 1.0);
  CHECK(r.info->values[0] == std::pair<std::string, double>{"food_eaten", 1.0});
  const auto after = env->state();
  REQUIRE(after.size() == 7);
  CHECK(std::hypot(after[3] - 0.47, after[4]) > 0.5);  // it reappeared elsewhere, clear of us
  CHECK(std::abs(after[3]) < 5.0);
  CHECK(std::abs(after[4]) < 5.0);
  // Poison just ahead.
  env->reset(std::nullopt, {.initial_state = foragingStart(0, 0, 0, {{-4, -4}, {0.47, 0}}, 2)});
  r = env->step(Action::discrete(1));
  CHECK(r.reward == -1.0);
  CHECK(r.info->values[1] == std::pair<std::string, double>{"poison_eaten", 1.0});
  // Facing the east wall 0.3 m away: driving on hits it once and pays the penalty once.
  env->reset(std::nullopt, {.initial_state = foragingStart(4.6, 0, 0, {{-4, -4}, {-4, 4}}, 2)});
  double total = 0;
  for (int t = 0; t < 20; ++t) total += env->step(Action::discrete(1)).reward;
  CHECK(total == -0.5);
  CHECK(env->step(Action::discrete(1)).info->values[2].second == 1.0);
  CHECK(env->state()[0] <= 5.0 - 0.25 + 1e-3);  // the wall holds the robot
  // Turning left turns counter-clockwise.
  env->reset(std::nullopt, {.initial_state = foragingStart(0, 0, 0, {{-4, -4}, {-4, 4}}, 2)});
  env->step(Action::discrete(0));
  CHECK(env->state()[2] == Approx(2.0 * 0.05).margin(1e-4));
}

TEST_CASE("Foraging-v0: smell sensors and continuous wheel speeds", "[envs][foraging]") {
  auto env = make("Foraging-v0", 3,
                  {{"food_count", "1"},
                   {"poison_count", "1"},
                   {"sensors", "smell"},
                   {"action_type", "continuous"}});
  CHECK(env->observationNames() ==
        std::vector<std::string>{"food_left", "food_right", "poison_left", "poison_right"});
  CHECK(env->actionSpace().describe() == "Box([-1 -1], [1 1], (2,))");
  // Food 1 m to the left (+y), poison far away.
  const auto obs = copyOf(
      env->reset(std::nullopt, {.initial_state = foragingStart(0, 0, 0, {{0, 1}, {4, -4}}, 2)})
          .obs);
  CHECK(obs[0] > obs[1]);  // stronger on the left
  const double lx = 0.25 * std::cos(M_PI / 6), ly = 0.25 * std::sin(M_PI / 6);
  CHECK(obs[0] == Approx(std::exp(-std::hypot(lx, 1 - ly))).epsilon(1e-4));
  CHECK(obs[2] < 0.01);
  // Right wheel faster than left: turns left.
  Action a;
  a.values = {0.2, 1.0};
  env->step(a);
  CHECK(env->state()[2] > 0.0);
  CHECK_THROWS_AS(make("Foraging-v0", 0, {{"food_count", "900"}}), UserError);
  CHECK_THROWS_WITH(make("Foraging-v0", 0, {{"sensors", "sonar"}}), Catch::Contains("rays, smell"));
}

TEST_CASE("Foraging-v0 draws arena, items, rays and robot", "[envs][foraging][draw]") {
  auto env = make("Foraging-v0", 4);
  env->reset(4);
  RecordingSink sink;
  env->draw(sink);
  int lines = 0, circles = 0, food = 0;
  for (const auto& c : sink.commands) {
    lines += c.kind == "line";
    circles += c.kind == "circle";
    food += c.kind == "circle" && c.color == Color{40, 170, 60};
  }
  CHECK(lines == 4 + 8 + 1);    // walls, rays, heading
  CHECK(circles == 8 + 8 + 1);  // items and robot
  CHECK(food == 8);
  const auto [lo, hi] = env->drawBounds();
  CHECK(lo.x < -5.0);
  CHECK(hi.y > 5.0);
}

TEST_CASE("Foraging-v0 is solvable: a hand-written ray controller eats mostly food",
          "[envs][foraging]") {
  // A Braitenberg-style controller on the default 8 rays (ray 0 leftmost): steer toward the ray
  // that sees the most food net of poison; with nothing in sight, drive on and turn away from
  // walls. It shows that the sensors point where they should and what a good policy earns.
  auto env = make("Foraging-v0", 5);
  double food = 0, poison = 0;
  const int episodes = 3;
  for (int e = 0; e < episodes; ++e) {
    auto obs = copyOf(env->reset().obs);
    StepResult r;
    do {
      int best = -1;
      double best_value = 0.05;
      for (int i = 0; i < 8; ++i) {
        const double v = obs[3 * i + 1] - 1.5 * obs[3 * i + 2];
        if (v > best_value) best_value = v, best = i;
      }
      int action = 1;
      if (best >= 0) {
        action = best <= 2 ? 0 : (best >= 5 ? 2 : 1);
      } else {
        double left = 0, right = 0, poison_left = 0, poison_right = 0;
        for (int i = 0; i < 4; ++i) left += obs[3 * i], poison_left += obs[3 * i + 2];
        for (int i = 4; i < 8; ++i) right += obs[3 * i], poison_right += obs[3 * i + 2];
        left += 2 * poison_left;
        right += 2 * poison_right;
        if (std::max(left, right) > 0.6) action = left > right ? 2 : 0;
      }
      r = env->step(Action::discrete(action));
      obs = copyOf(r.obs);
    } while (!r.truncated);
    food += r.info->values[0].second;
    poison += r.info->values[1].second;
  }
  INFO("food per episode " << food / episodes << ", poison " << poison / episodes);
  CHECK(food / episodes > 8.0);
  CHECK(food / (food + poison) > 0.85);
}

namespace {

const std::string kDigits = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
const std::string kFashion = "/usr/share/datasets/fashion-mnist";

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

}  // namespace

TEST_CASE("datasets: the Debian files read as their publishers describe them", "[envs][images]") {
  // UCI digits (scikit-learn's copy): 1797 images of 8 x 8, about 180 per class; the first is a
  // 0 whose top row is 0 0 5 13 9 1 0 0 (scikit-learn's documentation prints digits.images[0]).
  const ImageSet digits = readDigitsCsv(kDigits);
  REQUIRE(digits.size() == 1797);
  CHECK(digits.rows == 8);
  CHECK(digits.labels[0] == 0);
  CHECK(std::vector<int>(digits.pixels.begin(), digits.pixels.begin() + 8) ==
        std::vector<int>{0, 0, 5, 13, 9, 1, 0, 0});
  std::map<int, int> per_class;
  for (auto l : digits.labels) ++per_class[l];
  CHECK(per_class.size() == 10);
  for (const auto& [label, n] : per_class) CHECK((n >= 174 && n <= 183));
  // Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test images of
  // 28 x 28, 6,000 and 1,000 per class; the first training and test images are ankle boots (9).
  const auto train = loadImageSet("fashion-mnist", "train", kFashion);
  const auto test = loadImageSet("fashion-mnist", "test", kFashion);
  REQUIRE(train->size() == 60000);
  REQUIRE(test->size() == 10000);
  CHECK(train->rows == 28);
  CHECK(train->cols == 28);
  CHECK(train->labels[0] == 9);
  CHECK(test->labels[0] == 9);
  std::map<int, int> train_per_class, test_per_class;
  for (auto l : train->labels) ++train_per_class[l];
  for (auto l : test->labels) ++test_per_class[l];
  for (int c = 0; c < 10; ++c) {
    CHECK(train_per_class[c] == 6000);
    CHECK(test_per_class[c] == 1000);
  }
  CHECK(loadImageSet("fashion-mnist", "train", kFashion) == train);  // read once, shared
  // Digits' split: the first 1437 train, the last 360 test.
  CHECK(loadImageSet("digits", "train", kDigits)->size() == 1437);
  CHECK(loadImageSet("digits", "test", kDigits)->size() == 360);
}

TEST_CASE("datasets: damaged files are refused with one line naming the file", "[envs][images]") {
  const auto dir = spikegym::testing::scratchDir("datasets");
  auto file = [&dir](const std::string& name, const std::string& content) {
    std::ofstream(dir / name, std::ios::binary) << content;
    return (dir / name).string();
  };
  const std::string header = bytes({0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2});
  const std::string images = file("img", header + std::string(8, '\x10'));
  const std::string labels = file("lab", bytes({0, 0, 8, 1, 0, 0, 0, 2, 3, 7}));
  const ImageSet ok = readIdx(images, labels);
  CHECK(ok.size() == 2);
  CHECK(ok.labels[1] == 7);
  struct Bad {
    std::string images, labels, says;
  };
  for (const Bad& b : {
           Bad{file("short", header.substr(0, 10)), labels, "shorter than its 16-byte header"},
           Bad{file("magic", bytes({0, 0, 8, 1}) + header.substr(4) + std::string(8, 0)), labels,
               "magic number is not 0x00000803"},
           Bad{file("cut", header + std::string(7, 0)), labels, "the file holds 23"},
           Bad{file("huge", bytes({0, 0, 8, 3, 127, 255, 255, 255, 0, 0, 4, 0, 0, 0, 4, 0})),
               labels, "promises 2147483647 images of 1024 x 1024"},
           Bad{file("wide", bytes({0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 16, 0, 0, 0, 0, 1})), labels,
               "outside 1..1024"},
           Bad{images, file("few", bytes({0, 0, 8, 1, 0, 0, 0, 1, 3})), "1 labels for the 2"},
           Bad{images, file("class", bytes({0, 0, 8, 1, 0, 0, 0, 2, 3, 12})),
               "label 12 of image 1"},
           Bad{images, (dir / "missing").string(), "cannot open the IDX label file"},
       }) {
    INFO(b.says);
    CHECK_THROWS_WITH(readIdx(b.images, b.labels), Catch::Contains(b.says));
    CHECK_THROWS_AS(readIdx(b.images, b.labels), UserError);
  }
  std::string row;
  for (int i = 0; i < 64; ++i) row += "1,";
  CHECK(readDigitsCsv(file("d.csv", row + "3\n" + row + "4\n")).size() == 2);
  CHECK_THROWS_WITH(readDigitsCsv(file("d1.csv", row + "3\n" + row + "\n")),
                    Catch::Contains("d1.csv:2: damaged digits file"));
  CHECK_THROWS_WITH(readDigitsCsv(file("d2.csv", row + "11\n")),
                    Catch::Contains("field 65 is not a label 0..9"));
  CHECK_THROWS_WITH(readDigitsCsv(file("d3.csv", "17," + row.substr(2) + "1\n")),
                    Catch::Contains("field 1 is not a pixel 0..16"));
  CHECK_THROWS_WITH(readDigitsCsv(file("d4.csv", "")), Catch::Contains("no images"));
  CHECK_THROWS_AS(readDigitsCsv(dir.string()), UserError);  // a folder
}

TEST_CASE("image envs: one image per episode, each once per epoch, reward 1 when right",
          "[envs][images]") {
  auto env = make("Digits-v0", 3);
  const auto& images = dynamic_cast<ImageClassification&>(*env).images();
  REQUIRE(images.size() == 1437);
  std::vector<int> seen(images.size(), 0);
  for (std::size_t e = 0; e < images.size(); ++e) {
    env->reset();
    const int index = static_cast<int>(env->state()[0]);
    ++seen[index];
    const int label = images.labels[index];
    // The observation is the image scaled to [0, 1].
    CHECK(env->reset(std::nullopt, {.initial_state = std::vector<double>{double(index)}}).obs[0] ==
          images.pixels[index * 64] / 16.0);
    const StepResult r = env->step(Action::discrete((label + e % 2) % 10));
    CHECK(r.terminated);
    CHECK(r.reward == (e % 2 == 0 ? 1.0 : 0.0));
    CHECK(r.info->values[2].second == r.reward);  // correct
  }
  CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(images.size()));
  // Evaluation episodes use the test split.
  CHECK(envSpec("Digits-v0").evaluation_params.at("split") == "test");
  CHECK(dynamic_cast<ImageClassification&>(*make("Digits-v0", 3, {{"split", "test"}}))
            .images()
            .size() == 360);
  CHECK_THROWS_WITH(make("Digits-v0", 3, {{"split", "tset"}}), Catch::Contains("test"));
  CHECK_THROWS_WITH(make("Digits-v0", 3, {{"data_path", "/nonexistent/digits.csv"}}),
                    Catch::Contains("python3-sklearn") || Catch::Contains("cannot open"));
}

TEST_CASE("VectorEnv: N single envs side by side, next-step autoreset", "[envs][vector]") {
  // Against N single envs made and reset as Gymnasium's SyncVectorEnv does (sub-env i: seed + i)
  // and stepped by hand with the documented autoreset: the step after an episode's end resets
  // that sub-env (its action ignored) and returns reward 0, both flags false.
  for (const std::string id : {"CartPole-v1", "Foraging-v0"}) {
    INFO(id);
    constexpr int kN = 5;
    VectorEnv batch(id, kN, 40);
    std::vector<std::unique_ptr<Env>> single;
    for (int i = 0; i < kN; ++i) single.push_back(make(id, 40 + i));
    const auto first = copyOf(batch.reset(7));
    const std::size_t d = batch.obsSize();
    std::vector<bool> ended(kN, false);
    for (int i = 0; i < kN; ++i) {
      const auto obs = copyOf(single[i]->reset(7 + i).obs);
      REQUIRE(std::vector<double>(first.begin() + i * d, first.begin() + (i + 1) * d) == obs);
    }
    Rng policy(3);
    std::vector<Action> actions(kN);
    int resets = 0;
    for (int t = 0; t < (id == "CartPole-v1" ? 600 : 1100); ++t) {
      for (auto& a : actions) batch.singleActionSpace().sample(policy, a);
      const VectorEnv::Step r = batch.step(actions);
      for (int i = 0; i < kN; ++i) {
        std::vector<double> obs;
        double reward = 0;
        bool term = false, trunc = false;
        if (ended[i]) {
          obs = copyOf(single[i]->reset().obs);
          ended[i] = false;
          ++resets;
        } else {
          const StepResult s = single[i]->step(actions[i]);
          obs = copyOf(s.obs);
          reward = s.reward;
          term = s.terminated;
          trunc = s.truncated;
          ended[i] = term || trunc;
        }
        REQUIRE(std::vector<double>(r.obs.begin() + i * d, r.obs.begin() + (i + 1) * d) == obs);
        REQUIRE(r.rewards[i] == reward);
        REQUIRE(static_cast<bool>(r.terminated[i]) == term);
        REQUIRE(static_cast<bool>(r.truncated[i]) == trunc);
      }
    }
    CHECK(resets > 0);
  }
  VectorEnv v("CartPole-v1", 3);
  const std::vector<std::int64_t> two = {0, 1};
  CHECK_THROWS_AS(v.step(std::span<const std::int64_t>(two)), UsageError);  // 2 for 3
  const std::vector<std::int64_t> three = {0, 1, 1};
  CHECK_THROWS_WITH(v.step(std::span<const std::int64_t>(three)), Catch::Contains("before reset"));
  v.reset(1);
  CHECK(v.step(std::span<const std::int64_t>(three)).rewards.size() == 3);
  const std::vector<std::int64_t> bad = {0, 1, 2};
  CHECK_THROWS_AS(v.step(std::span<const std::int64_t>(bad)), UsageError);  // outside Discrete(2)
  CHECK_THROWS_AS(VectorEnv("CartPole-v1", 0), UserError);
}
