// Foraging-v0: a differential-drive robot in a walled square arena seeks food and avoids poison,
// simulated with Box2D 2.4 (top-down, no gravity; meters, seconds).
//
// ## Description
// A circular robot drives on a flat square arena closed by four walls. Food and poison items
// (sensor discs, static) lie scattered; touching one eats it, and it reappears at once at a random
// free place, so the number of items stays constant. The robot sees through a fan of ray casts
// (or, in the simpler variant, smells). It is the embodied task of the reward-modulated STDP
// literature (Evans 2015: a dopamine-modulated STDP robot learns food attraction; Skorheim et al.
// 2014: rewarded STDP needs homeostasis and noise for 2-D foraging).
//
// ## Action space
// Discrete(3) (action_type = discrete): 0 turn left, 1 forward, 2 turn right. Forward drives at
// linear_speed_mps; the turns rotate at turn_rate_radps while driving at
// turn_forward_fraction x linear_speed_mps.
// Box([-1, -1], [1, 1]) (action_type = continuous): left and right wheel speeds as fractions of
// linear_speed_mps; v = (v_l + v_r) / 2, omega = (v_r - v_l) / (2 robot_radius_m).
//
// ## Observation space
// sensors = rays: Box(0, 1, (3 n_rays,)). For ray i = 0 .. n_rays-1 (ray 0 points furthest to
// the left, the last furthest to the right, evenly over fov_deg centred on the heading), three
// values [wall, food, poison]: the closeness of the nearest object the ray hits, if it is of
// that type, else 0. Closeness = 1 - gap / ray_range_m, gap = distance from the robot's surface
// (1 = touching, 0 = nothing within ray_range_m). Names: ray<i>_wall, ray<i>_food, ray<i>_poison.
// sensors = smell: Box(0, 1, (4,)): food_left, food_right, poison_left, poison_right, the
// concentration at two points on the robot's rim 30 degrees left and right of the heading:
// min(1, sum over items of that type of exp(-distance / smell_length_m)).
//
// ## Rewards
// +1 for each food eaten, -1 for each poison eaten, -wall_penalty for each new wall contact, in
// the step where it happens.
//
// ## Starting state
// reset(seed) restarts the env's random stream. The robot starts at a uniformly random free
// place (at least one robot radius from the walls) with a uniformly random heading; items are
// placed uniformly at random, no closer than 2 item radii to each other and clear of the robot.
// ResetOptions::initial_state takes state()'s layout: robot x [m], y [m], heading [rad], then x,
// y [m] of every item (food first, then poison).
//
// ## Episode end
// Never terminated (the task has no end state); truncated after max_episode_steps (1000 steps of
// control_period_s = 0.05 s: 50 s of simulated time) by the TimeLimit wrapper. info holds the
// episode's counts so far: food_eaten, poison_eaten, wall_hits.
//
// ## Arguments
// Env parameters (experiment files: env.<name>; `spikegym list envs`): arena_size_m,
// food_count, poison_count, item_radius_m, robot_radius_m, linear_speed_mps, turn_rate_radps,
// turn_forward_fraction, n_rays, fov_deg, ray_range_m, sensors (rays|smell), smell_length_m,
// action_type (discrete|continuous), control_period_s, physics_hz, wall_penalty.
//
// ## Physics
// Each env step applies the action as the robot's linear and angular velocity and advances the
// world by control_period_s in ceil(control_period_s x physics_hz) equal steps, with Box2D's
// recommended 8 velocity and 3 position iterations. Box2D is deterministic for the same inputs
// and binary, so the same seed and actions give the same trajectory.
//
// ## Version history
// v0 (spikegym 0.1): first version; dynamics version 1.
#pragma once

#include <memory>
#include <vector>

#include "core/params.hpp"
#include "core/rng.hpp"
#include "envs/env.hpp"

class b2World;
class b2Body;

namespace spikegym::envs {

/// Foraging-v0's parameters, resolved.
/// Box2D steps per env step (control_period_s x physics_hz) at most.
inline constexpr int kMaxSubsteps = 1000;

struct ForagingModel {
  double arena_size_m = 10.0;          ///< [m] side of the square arena
  int food_count = 8;                  ///< food items (constant: eaten ones reappear)
  int poison_count = 8;                ///< poison items
  double item_radius_m = 0.2;          ///< [m]
  double robot_radius_m = 0.25;        ///< [m]
  double linear_speed_mps = 1.0;       ///< [m/s] forward speed
  double turn_rate_radps = 2.0;        ///< [rad/s] turning speed of the turn actions
  double turn_forward_fraction = 0.5;  ///< [1] forward speed while turning, x linear_speed_mps
  int n_rays = 8;                      ///< rays in the fan
  double fov_deg = 120.0;              ///< [deg] angle the fan covers
  double ray_range_m = 4.0;            ///< [m] how far a ray sees beyond the robot's surface
  bool smell = false;                  ///< sensors: false rays, true smell
  double smell_length_m = 1.0;         ///< [m] decay length of smell
  bool continuous = false;             ///< action_type: false Discrete(3), true wheel speeds
  double control_period_s = 0.05;      ///< [s] simulated time per env step
  double physics_hz = 60.0;            ///< [Hz] Box2D steps per simulated second (at least)
  double wall_penalty = 0.0;           ///< reward subtracted per new wall contact

  static const ParamTable& params();
  static ForagingModel fromParams(const ParamText& resolved);
};

class Foraging final : public Env {
 public:
  explicit Foraging(std::uint64_t seed = 0, const ForagingModel& model = {});
  ~Foraging() override;
  std::vector<double> state() const override;
  void draw(DrawSink& sink) const override;
  std::pair<Vec2, Vec2> drawBounds() const override;
  const ForagingModel& model() const { return model_; }

 protected:
  ResetResult doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) override;
  StepResult doStep(const Action& action) override;

 private:
  struct Events;  // contact listener: what the robot touched during a world step
  void buildWorld();
  void sense();
  /// A free place for an item (`index` excluded from the overlap test) or the robot (-1).
  Vec2 freePlace(int index, double radius);
  void placeItem(int index, Vec2 at);

  ForagingModel model_;
  Rng rng_;
  std::unique_ptr<b2World> world_;
  std::unique_ptr<Events> events_;
  b2Body* robot_ = nullptr;
  std::vector<b2Body*> items_;  // food first, then poison
  int substeps_ = 1;
  Observation obs_;
  std::vector<int> ray_hit_;  // per ray: 0 nothing, 1 wall, 2 food, 3 poison (for draw())
  std::vector<double> ray_fraction_;
  Info info_;  // food_eaten, poison_eaten, wall_hits (this episode)
};

}  // namespace spikegym::envs
