#include "envs/foraging.hpp"

#include <box2d/box2d.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "envs/registration.hpp"

namespace spikegym::envs {
namespace {

constexpr double kPi = 3.141592653589793;
// Fixture tags, kept in the fixture's user data.
enum Tag : std::uintptr_t { kNone = 0, kWall = 1, kFood = 2, kPoison = 3, kRobot = 4 };
constexpr int kVelocityIterations = 8;  // Box2D's recommended values
constexpr int kPositionIterations = 3;

std::uintptr_t tagOf(b2Fixture* f) {
  return f->GetUserData().pointer & 0xF;
}
int itemOf(b2Fixture* f) {
  return static_cast<int>(f->GetUserData().pointer >> 4);
}

Space observationSpaceOf(const ForagingModel& m) {
  const std::size_t n = m.smell ? 4 : static_cast<std::size_t>(3 * m.n_rays);
  return Space::box(std::vector<double>(n, 0.0), std::vector<double>(n, 1.0),
                    {static_cast<int>(n)});
}

Space actionSpaceOf(const ForagingModel& m) {
  return m.continuous ? Space::box({-1.0, -1.0}, {1.0, 1.0}, {2}) : Space::discrete(3);
}

std::vector<std::string> observationNamesOf(const ForagingModel& m) {
  if (m.smell) return {"food_left", "food_right", "poison_left", "poison_right"};
  std::vector<std::string> names;
  for (int i = 0; i < m.n_rays; ++i) {
    for (const char* kind : {"wall", "food", "poison"}) {
      names.push_back("ray" + std::to_string(i) + "_" + kind);
    }
  }
  return names;
}

/// The nearest fixture along a ray, the robot itself ignored.
struct NearestHit final : b2RayCastCallback {
  std::uintptr_t tag = kNone;
  float fraction = 1.0f;
  float ReportFixture(b2Fixture* fixture, const b2Vec2&, const b2Vec2&, float f) override {
    const std::uintptr_t t = tagOf(fixture);
    if (t == kRobot || t == kNone) return -1.0f;  // filter: go on as if it were not there
    tag = t;
    fraction = f;
    return f;  // clip the ray here: only closer fixtures are reported from now on
  }
};

static const bool kRegistered = registerEnv({
    .id = "Foraging-v0",
    .summary = "a differential-drive robot (Box2D) eats food (+1) and avoids poison (-1), "
               "seeing through ray casts",
    .max_episode_steps = 1000,
    .reward_threshold = std::nullopt,
    .dynamics_version = 1,
    .params = ForagingModel::params(),
    .factory =
        [](std::uint64_t seed, const ParamText& p) {
          return std::make_unique<Foraging>(seed, ForagingModel::fromParams(p));
        },
});

}  // namespace

const ParamTable& ForagingModel::params() {
  using Kind = Param::Kind;
  const ForagingModel m;
  static const ParamTable table = {
      {"arena_size_m", m.arena_size_m, 2.0, 1000.0, "[m] side of the square arena"},
      {"food_count", "8", Kind::kInteger, 0, 1000, {}, "food items (eaten ones reappear)"},
      {"poison_count", "8", Kind::kInteger, 0, 1000, {}, "poison items (eaten ones reappear)"},
      {"item_radius_m", m.item_radius_m, 0.01, 10.0, "[m] radius of an item"},
      {"robot_radius_m", m.robot_radius_m, 0.01, 10.0, "[m] radius of the robot"},
      {"linear_speed_mps", m.linear_speed_mps, 0.0, 100.0, "[m/s] forward speed"},
      {"turn_rate_radps", m.turn_rate_radps, 0.0, 100.0, "[rad/s] turning speed of the turns"},
      {"turn_forward_fraction", m.turn_forward_fraction, 0.0, 1.0,
       "[1] forward speed while turning, as a fraction of linear_speed_mps"},
      {"n_rays", "8", Kind::kInteger, 1, 256, {}, "rays in the sensor fan"},
      {"fov_deg", m.fov_deg, 0.0, 360.0, "[deg] angle the ray fan covers"},
      {"ray_range_m", m.ray_range_m, 0.1, 1000.0, "[m] range of a ray beyond the robot"},
      {"sensors", "rays", Kind::kChoice, 0, 0, {"rays", "smell"}, "ray fan or two smell points"},
      {"smell_length_m", m.smell_length_m, 0.01, 1000.0, "[m] decay length of smell"},
      {"action_type",
       "discrete",
       Kind::kChoice,
       0,
       0,
       {"discrete", "continuous"},
       "Discrete(3) left/forward/right, or Box(2) wheel speeds"},
      {"control_period_s", m.control_period_s, 1e-3, 10.0, "[s] simulated time per env step"},
      {"physics_hz", m.physics_hz, 1.0, 10000.0, "[Hz] Box2D steps per simulated second"},
      {"wall_penalty", m.wall_penalty, 0.0, 1e6, "reward subtracted per new wall contact"},
  };
  return table;
}

ForagingModel ForagingModel::fromParams(const ParamText& p) {
  const auto numbers = numbersOf(p);
  auto num = [&numbers](const char* name) { return numbers.at(name); };
  ForagingModel m;
  m.arena_size_m = num("arena_size_m");
  m.food_count = static_cast<int>(num("food_count"));
  m.poison_count = static_cast<int>(num("poison_count"));
  m.item_radius_m = num("item_radius_m");
  m.robot_radius_m = num("robot_radius_m");
  m.linear_speed_mps = num("linear_speed_mps");
  m.turn_rate_radps = num("turn_rate_radps");
  m.turn_forward_fraction = num("turn_forward_fraction");
  m.n_rays = static_cast<int>(num("n_rays"));
  m.fov_deg = num("fov_deg");
  m.ray_range_m = num("ray_range_m");
  m.smell = p.at("sensors") == "smell";
  m.smell_length_m = num("smell_length_m");
  m.continuous = p.at("action_type") == "continuous";
  m.control_period_s = num("control_period_s");
  m.physics_hz = num("physics_hz");
  m.wall_penalty = num("wall_penalty");
  // Checks across parameters.
  // Box2D steps per env step: each range alone is fine, their product is the cost of a step
  // (10 s x 10 kHz = 1e5 substeps made one episode take ~90 s). 1000 substeps is 100 times the
  // default and still a few milliseconds.
  if (m.control_period_s * m.physics_hz > kMaxSubsteps) {
    throw ParamError("control_period_s",
                     "env 'Foraging-v0': control_period_s x physics_hz = " +
                         formatNumber(m.control_period_s) + " s x " + formatNumber(m.physics_hz) +
                         " Hz = " + formatNumber(m.control_period_s * m.physics_hz) +
                         " Box2D steps per env step; at most " + std::to_string(kMaxSubsteps));
  }
  const double free = m.arena_size_m - 2 * m.robot_radius_m;
  if (free <= 2 * m.item_radius_m) {
    throw ParamError("arena_size_m",
                     "env 'Foraging-v0': arena_size_m = " + formatNumber(m.arena_size_m) +
                         " leaves no room for the robot (robot_radius_m = " +
                         formatNumber(m.robot_radius_m) + ") and an item");
  }
  const double item_area = (m.food_count + m.poison_count) * 4 * m.item_radius_m * m.item_radius_m;
  if (item_area > 0.5 * free * free) {
    throw ParamError("food_count",
                     "env 'Foraging-v0': " + std::to_string(m.food_count + m.poison_count) +
                         " items of radius " + formatNumber(m.item_radius_m) +
                         " m do not fit in the arena; expected them to cover at most half of it");
  }
  return m;
}

/// Collects, during a world step, the items the robot touched and its new wall contacts.
struct Foraging::Events final : b2ContactListener {
  std::vector<int> eaten;  // item indices, in contact order, each once
  int wall_contacts = 0;
  void BeginContact(b2Contact* contact) override {
    b2Fixture* a = contact->GetFixtureA();
    b2Fixture* b = contact->GetFixtureB();
    if (tagOf(a) != kRobot) std::swap(a, b);
    if (tagOf(a) != kRobot) return;
    const std::uintptr_t t = tagOf(b);
    if (t == kWall) {
      ++wall_contacts;
    } else if (t == kFood || t == kPoison) {
      const int item = itemOf(b);
      if (std::find(eaten.begin(), eaten.end(), item) == eaten.end()) eaten.push_back(item);
    }
  }
};

Foraging::Foraging(std::uint64_t seed, const ForagingModel& model)
    : Env(observationSpaceOf(model), actionSpaceOf(model), observationNamesOf(model)),
      model_(model),
      rng_(rngStream(seed, "Foraging-v0")),
      events_(std::make_unique<Events>()) {
  substeps_ =
      std::max(1, static_cast<int>(std::ceil(model_.control_period_s * model_.physics_hz - 1e-9)));
  obs_.assign(observationSpace().size(), 0.0);
  ray_hit_.assign(static_cast<std::size_t>(model_.n_rays), 0);
  ray_fraction_.assign(static_cast<std::size_t>(model_.n_rays), 1.0);
  info_.values = {{"food_eaten", 0.0}, {"poison_eaten", 0.0}, {"wall_hits", 0.0}};
  buildWorld();
}

Foraging::~Foraging() = default;

void Foraging::buildWorld() {
  world_ = std::make_unique<b2World>(b2Vec2(0.0f, 0.0f));  // top-down: no gravity
  world_->SetContactListener(events_.get());
  const float half = static_cast<float>(model_.arena_size_m / 2);
  // Walls: four thin static boxes just outside [-half, half]^2.
  b2BodyDef wall_def;
  b2Body* walls = world_->CreateBody(&wall_def);
  const float t = 0.1f;  // [m] half thickness
  const b2Vec2 centres[4] = {{0, half + t}, {0, -half - t}, {half + t, 0}, {-half - t, 0}};
  for (int i = 0; i < 4; ++i) {
    b2PolygonShape box;
    if (i < 2) {
      box.SetAsBox(half + 2 * t, t, centres[i], 0.0f);
    } else {
      box.SetAsBox(t, half + 2 * t, centres[i], 0.0f);
    }
    b2FixtureDef fd;
    fd.shape = &box;
    fd.userData.pointer = kWall;
    walls->CreateFixture(&fd);
  }
  // Robot: a dynamic disc whose velocity the actions set.
  b2BodyDef robot_def;
  robot_def.type = b2_dynamicBody;
  robot_ = world_->CreateBody(&robot_def);
  b2CircleShape disc;
  disc.m_radius = static_cast<float>(model_.robot_radius_m);
  b2FixtureDef robot_fixture;
  robot_fixture.shape = &disc;
  robot_fixture.density = 1.0f;
  robot_fixture.friction = 0.0f;  // slides along walls instead of sticking
  robot_fixture.userData.pointer = kRobot;
  robot_->CreateFixture(&robot_fixture);
  // Items: static sensor discs, food first.
  items_.clear();
  const int n_items = model_.food_count + model_.poison_count;
  for (int i = 0; i < n_items; ++i) {
    b2BodyDef item_def;
    b2Body* item = world_->CreateBody(&item_def);
    b2CircleShape shape;
    shape.m_radius = static_cast<float>(model_.item_radius_m);
    b2FixtureDef fd;
    fd.shape = &shape;
    fd.isSensor = true;
    fd.userData.pointer =
        (i < model_.food_count ? kFood : kPoison) | (static_cast<std::uintptr_t>(i) << 4);
    item->CreateFixture(&fd);
    items_.push_back(item);
  }
}

Vec2 Foraging::freePlace(int index, double radius) {
  const double half = model_.arena_size_m / 2;
  const double margin = index < 0 ? radius : radius + 0.05;
  Vec2 p;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    p = {rng_.uniform(-half + margin, half - margin), rng_.uniform(-half + margin, half - margin)};
    bool clear = true;
    if (index >= 0) {
      // Clear of the robot (with room to spare) and of the other items.
      const b2Vec2 r = robot_->GetPosition();
      const double dr = std::hypot(p.x - r.x, p.y - r.y);
      clear = dr > model_.robot_radius_m + radius + 0.5;
      for (int j = 0; clear && j < static_cast<int>(items_.size()); ++j) {
        if (j == index) continue;
        const b2Vec2 q = items_[j]->GetPosition();
        clear = std::hypot(p.x - q.x, p.y - q.y) > 2 * radius + 0.05;
      }
    }
    if (clear) return p;
  }
  return p;  // a crowded arena: the last draw (checked params make this rare)
}

void Foraging::placeItem(int index, Vec2 at) {
  items_[index]->SetTransform(b2Vec2(static_cast<float>(at.x), static_cast<float>(at.y)), 0.0f);
}

ResetResult Foraging::doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) {
  if (seed) rng_ = rngStream(*seed, "Foraging-v0");
  // A fresh world: no contact or solver state carries over from the last episode.
  buildWorld();
  const std::size_t n_items = items_.size();
  if (options.initial_state) {
    const auto& s = *options.initial_state;
    if (s.size() != 3 + 2 * n_items) {
      throw UserError("Foraging-v0 reset: initial_state needs " + std::to_string(3 + 2 * n_items) +
                      " values (robot x, y, heading, then x, y of each item), got " +
                      std::to_string(s.size()));
    }
    robot_->SetTransform(b2Vec2(static_cast<float>(s[0]), static_cast<float>(s[1])),
                         static_cast<float>(s[2]));
    for (std::size_t i = 0; i < n_items; ++i) {
      placeItem(static_cast<int>(i), {s[3 + 2 * i], s[4 + 2 * i]});
    }
  } else {
    // Items far away while the robot is placed, then each item clear of the robot and the rest.
    for (std::size_t i = 0; i < n_items; ++i) placeItem(static_cast<int>(i), {1e4 + i, 1e4});
    const Vec2 start = freePlace(-1, model_.robot_radius_m);
    const double heading = rng_.uniform(-kPi, kPi);
    robot_->SetTransform(b2Vec2(static_cast<float>(start.x), static_cast<float>(start.y)),
                         static_cast<float>(heading));
    for (std::size_t i = 0; i < n_items; ++i) {
      placeItem(static_cast<int>(i), freePlace(static_cast<int>(i), model_.item_radius_m));
    }
  }
  for (auto& [name, value] : info_.values) value = 0.0;
  sense();
  return {obs_, &info_};
}

StepResult Foraging::doStep(const Action& action) {
  double v = 0.0, omega = 0.0;  // [m/s], [rad/s]
  if (model_.continuous) {
    const double left = model_.linear_speed_mps * action.values[0];
    const double right = model_.linear_speed_mps * action.values[1];
    v = (left + right) / 2;
    omega = (right - left) / (2 * model_.robot_radius_m);
  } else if (action.index == 1) {
    v = model_.linear_speed_mps;
  } else {
    v = model_.turn_forward_fraction * model_.linear_speed_mps;
    omega = action.index == 0 ? model_.turn_rate_radps : -model_.turn_rate_radps;
  }
  const float dt = static_cast<float>(model_.control_period_s / substeps_);
  double reward = 0.0;
  for (int k = 0; k < substeps_; ++k) {
    const float a = robot_->GetAngle();
    robot_->SetLinearVelocity(
        b2Vec2(static_cast<float>(v * std::cos(a)), static_cast<float>(v * std::sin(a))));
    robot_->SetAngularVelocity(static_cast<float>(omega));
    events_->eaten.clear();
    events_->wall_contacts = 0;
    world_->Step(dt, kVelocityIterations, kPositionIterations);
    for (int item : events_->eaten) {
      const bool food = item < model_.food_count;
      reward += food ? 1.0 : -1.0;
      info_.values[food ? 0 : 1].second += 1.0;
      placeItem(item, freePlace(item, model_.item_radius_m));
    }
    reward -= model_.wall_penalty * events_->wall_contacts;
    info_.values[2].second += events_->wall_contacts;
  }
  sense();
  return {obs_, reward, false, false, &info_};
}

void Foraging::sense() {
  const b2Vec2 c = robot_->GetPosition();
  const double heading = robot_->GetAngle();
  const double r = model_.robot_radius_m;
  if (model_.smell) {
    const double side[2] = {heading + kPi / 6, heading - kPi / 6};  // left, right
    for (int s = 0; s < 2; ++s) {
      const double px = c.x + r * std::cos(side[s]), py = c.y + r * std::sin(side[s]);
      double food = 0, poison = 0;
      for (int i = 0; i < static_cast<int>(items_.size()); ++i) {
        const b2Vec2 q = items_[i]->GetPosition();
        const double e = std::exp(-std::hypot(q.x - px, q.y - py) / model_.smell_length_m);
        (i < model_.food_count ? food : poison) += e;
      }
      obs_[s] = std::min(1.0, food);
      obs_[2 + s] = std::min(1.0, poison);
    }
    return;
  }
  const double fov = model_.fov_deg * kPi / 180;
  const double reach = r + model_.ray_range_m;
  for (int i = 0; i < model_.n_rays; ++i) {
    const double angle =
        model_.n_rays == 1 ? heading : heading + fov / 2 - fov * i / (model_.n_rays - 1);
    const b2Vec2 end(static_cast<float>(c.x + reach * std::cos(angle)),
                     static_cast<float>(c.y + reach * std::sin(angle)));
    NearestHit hit;
    world_->RayCast(&hit, c, end);
    double* out = &obs_[3 * i];
    out[0] = out[1] = out[2] = 0.0;
    ray_hit_[i] = static_cast<int>(hit.tag);
    ray_fraction_[i] = hit.fraction;
    if (hit.tag == kNone) continue;
    const double gap = std::max(0.0, hit.fraction * reach - r);
    out[hit.tag - kWall] = std::clamp(1.0 - gap / model_.ray_range_m, 0.0, 1.0);
  }
}

std::vector<double> Foraging::state() const {
  std::vector<double> s = {robot_->GetPosition().x, robot_->GetPosition().y, robot_->GetAngle()};
  for (const b2Body* item : items_) {
    s.push_back(item->GetPosition().x);
    s.push_back(item->GetPosition().y);
  }
  return s;
}

std::pair<Vec2, Vec2> Foraging::drawBounds() const {
  const double half = model_.arena_size_m / 2 + 0.3;
  return {{-half, -half}, {half, half}};
}

void Foraging::draw(DrawSink& sink) const {
  const Color wall{90, 90, 90}, food{40, 170, 60}, poison{200, 40, 40}, robot{60, 90, 200},
      heading{255, 255, 255}, none{0, 0, 0, 0};
  const Color ray_colour[4] = {{170, 170, 170, 120}, wall, food, poison};
  const double half = model_.arena_size_m / 2;
  const Vec2 corners[5] = {
      {-half, -half}, {half, -half}, {half, half}, {-half, half}, {-half, -half}};
  for (int i = 0; i < 4; ++i) sink.line(corners[i], corners[i + 1], wall, 0.1);
  for (int i = 0; i < static_cast<int>(items_.size()); ++i) {
    const b2Vec2 q = items_[i]->GetPosition();
    sink.circle({q.x, q.y}, model_.item_radius_m, i < model_.food_count ? food : poison, none);
  }
  const b2Vec2 c = robot_->GetPosition();
  const double a = robot_->GetAngle();
  if (!model_.smell) {
    const double fov = model_.fov_deg * kPi / 180;
    const double reach = model_.robot_radius_m + model_.ray_range_m;
    for (int i = 0; i < model_.n_rays; ++i) {
      const double angle = model_.n_rays == 1 ? a : a + fov / 2 - fov * i / (model_.n_rays - 1);
      const double len = ray_fraction_[i] * reach;
      sink.line({c.x, c.y}, {c.x + len * std::cos(angle), c.y + len * std::sin(angle)},
                ray_colour[ray_hit_[i]], 0.0);
    }
  }
  sink.circle({c.x, c.y}, model_.robot_radius_m, robot, none);
  sink.line({c.x, c.y},
            {c.x + model_.robot_radius_m * std::cos(a), c.y + model_.robot_radius_m * std::sin(a)},
            heading, 0.05);
}

}  // namespace spikegym::envs
