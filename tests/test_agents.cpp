// agents/: conformance of every registered agent, checkpoints, and learning behaviour.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "agents/agent.hpp"
#include "agents/encoder.hpp"
#include "agents/snn_agent.hpp"
#include "core/error.hpp"
#include "envs/registry.hpp"
#include "tests/cli_support.hpp"

using namespace spikegym;
using namespace spikegym::agents;

namespace {

/// One-step episodes with a constant observation: action 1 pays 1, action 0 pays 0.
class BanditEnv final : public envs::Env {
 public:
  BanditEnv() : Env(envs::Space::box({-1}, {1}, {1}), envs::Space::discrete(2), {"cue"}) {}
  std::vector<double> state() const override { return obs_; }

 protected:
  envs::ResetResult doReset(std::optional<std::uint64_t>, const envs::ResetOptions&) override {
    return {obs_, &info_};
  }
  envs::StepResult doStep(const envs::Action& a) override {
    return {obs_, a.index == 1 ? 1.0 : 0.0, true, false, &info_};
  }

 private:
  envs::Observation obs_{0.0};
  envs::Info info_;
};

/// Runs `episodes` episodes; returns the actions taken, in order.
std::vector<std::int64_t> play(Agent& agent, envs::Env& env, int episodes, std::uint64_t seed) {
  std::vector<std::int64_t> actions;
  env.reset(seed);
  for (int e = 0; e < episodes; ++e) {
    auto start = e == 0 ? env.reset(seed) : env.reset();
    std::vector<double> obs(start.obs.begin(), start.obs.end());
    agent.onEpisodeStart();
    while (true) {
      const envs::Action a = agent.act(obs);
      REQUIRE(env.actionSpace().contains(a));
      actions.push_back(a.index);
      const auto r = env.step(a);
      agent.observe(r.obs, r.reward, r.terminated, r.truncated);
      if (r.terminated || r.truncated) break;
      obs.assign(r.obs.begin(), r.obs.end());
    }
  }
  return actions;
}

std::string tempPath(const std::string& name) {
  return (testing::scratchDir("agents") / name).string();
}

}  // namespace

TEST_CASE(
    "conformance: every agent acts in the space, is deterministic, and round-trips "
    "through a checkpoint",
    "[agents][conformance]") {
  for (const AgentInfo* info : registeredAgents()) {
    DYNAMIC_SECTION(info->name) {
      auto env = envs::make("CartPole-v1", 3);
      auto a = makeAgent(info->name, env->observationSpace(), env->actionSpace(), {}, 42);
      auto b = makeAgent(info->name, env->observationSpace(), env->actionSpace(), {}, 42);
      auto env_b = envs::make("CartPole-v1", 3);
      const auto first = play(*a, *env, 3, 5);
      CHECK(first == play(*b, *env_b, 3, 5));  // same seed, same actions

      // Save after training, load into a fresh agent: both continue identically.
      const std::string path = tempPath(info->name + ".ckpt");
      a->save(path);
      auto c = makeAgent(info->name, env->observationSpace(), env->actionSpace(), {}, 7);
      c->load(path);
      auto env_a = envs::make("CartPole-v1", 9);
      auto env_c = envs::make("CartPole-v1", 9);
      CHECK(play(*a, *env_a, 2, 11) == play(*c, *env_c, 2, 11));
      CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    }
  }
}

TEST_CASE("checkpoints from another agent or architecture, or damaged ones, fail clearly",
          "[agents][checkpoint]") {
  auto env = envs::make("CartPole-v1");
  auto snn = makeAgent("snn", env->observationSpace(), env->actionSpace(), {}, 1);
  const std::string path = tempPath("snn.ckpt");
  snn->save(path);
  auto other =
      makeAgent("snn", env->observationSpace(), env->actionSpace(), {{"output_size", "8"}}, 1);
  CHECK_THROWS_WITH(other->load(path), Catch::Contains("architecture") &&
                                           Catch::Contains("output=2x16") &&
                                           Catch::Contains("output=2x8"));
  auto reinforce = makeAgent("reinforce", env->observationSpace(), env->actionSpace(), {}, 1);
  CHECK_THROWS_WITH(reinforce->load(path), Catch::Contains("checkpoint of agent 'snn'"));
  // Cut the file short: the loader names the problem instead of reading garbage.
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
  CHECK_THROWS_WITH(snn->load(path), Catch::Contains("cut short"));
  std::ofstream(path) << "hello\n";
  CHECK_THROWS_WITH(snn->load(path), Catch::Contains("not a valid spikegym checkpoint"));
  CHECK_THROWS_AS(snn->load(path + ".missing"), UserError);
}

TEST_CASE("agent parameters are checked: unknown keys, ranges, choices", "[agents][config]") {
  auto env = envs::make("CartPole-v1");
  auto make = [&](ConfigValues p) {
    return makeAgent("snn", env->observationSpace(), env->actionSpace(), p, 1);
  };
  CHECK_THROWS_WITH(make({{"output_sise", "8"}}), Catch::Contains("did you mean 'output_size'"));
  CHECK_THROWS_WITH(make({{"gamma", "1.5"}}), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(make({{"decoder", "argmin"}}), Catch::Contains("expected one of"));
  CHECK_THROWS_WITH(make({{"learning_rule", "rstpd"}}), Catch::Contains("did you mean 'rstdp'"));
  CHECK_THROWS_WITH(make({{"rule.tau_c", "5"}}), Catch::Contains("tau_c_ms"));
  CHECK_THROWS_WITH(make({{"cells_per_dim", "2.5"}}), Catch::Contains("integer"));
  CHECK_THROWS_AS(makeAgent("snnn", env->observationSpace(), env->actionSpace(), {}, 1), UserError);
}

TEST_CASE("rstdp: a rewarded action becomes more likely in a two-armed bandit",
          "[agents][behaviour]") {
  BanditEnv env;
  // One input dimension gives little drive: raise the input rate; one step per episode gives
  // little learning per episode: raise the learning rate.
  auto late_choice = [&](const std::string& rule, const std::string& dopamine) {
    ConfigValues params = {{"learning_rule", rule},
                           {"dopamine", dopamine},
                           {"epsilon_start", "0.3"},
                           {"max_rate_hz", "1000"}};
    if (rule != "none") params["rule.eta"] = "5";
    auto agent = makeAgent("snn", env.observationSpace(), env.actionSpace(), params, 3);
    const auto actions = play(*agent, env, 600, 1);
    double late = 0;
    for (int i = 500; i < 600; ++i) late += actions[i] / 100.0;
    return late;
  };
  // Without plasticity this seed's network prefers the unrewarded arm.
  const double frozen = late_choice("none", "critic");
  for (const char* dopamine : {"critic", "reward_baseline"}) {
    const double learned = late_choice("rstdp", dopamine);
    INFO(dopamine << ": P(rewarded arm) in episodes 500-599: " << learned << " (frozen " << frozen
                  << ")");
    CHECK(learned > 0.85);
    CHECK(learned > frozen + 0.5);
  }
}

TEST_CASE("zero reward leaves the weights unchanged under rstdp", "[agents][behaviour]") {
  auto env = envs::make("CartPole-v1", 1);
  SnnAgent agent(env->observationSpace(), env->actionSpace(),
                 {{"dopamine", "reward"}, {"homeostasis", "none"}}, 1);
  agent.network().flush();
  const std::vector<float> before = agent.plastic().weights();
  // CartPole pays 1 per step; feed the agent 0 instead.
  env->reset(1);
  for (int e = 0; e < 5; ++e) {
    auto start = env->reset();
    std::vector<double> obs(start.obs.begin(), start.obs.end());
    agent.onEpisodeStart();
    while (true) {
      const auto r = env->step(agent.act(obs));
      agent.observe(r.obs, 0.0, r.terminated, r.truncated);
      if (r.terminated || r.truncated) break;
      obs.assign(r.obs.begin(), r.obs.end());
    }
  }
  agent.network().flush();
  CHECK(agent.plastic().weights() == before);
  // Eligibility was built all along: the weights stayed because dopamine was zero.
  double elig = 0;
  for (const auto& [name, value] : agent.diagnostics()) {
    if (name == "elig_abs_mean") elig = value;
  }
  CHECK(elig > 0.0);
}

TEST_CASE("REINFORCE learns the bandit; random stays uniform", "[agents][behaviour]") {
  BanditEnv env;
  auto reinforce =
      makeAgent("reinforce", env.observationSpace(), env.actionSpace(), {{"lr_policy", "0.05"}}, 2);
  const auto learned = play(*reinforce, env, 400, 1);
  double late = 0;
  for (int i = 300; i < 400; ++i) late += learned[i] / 100.0;
  CHECK(late > 0.9);
  auto random = makeAgent("random", env.observationSpace(), env.actionSpace(), {}, 2);
  const auto actions = play(*random, env, 2000, 1);
  double ones = 0;
  for (auto a : actions) ones += a / 2000.0;
  CHECK(ones == Approx(0.5).margin(0.05));
}

TEST_CASE("Gaussian encoder: peaks at the nearest cell, saturates outside the range",
          "[agents][encoder]") {
  auto env = envs::make("CartPole-v1");
  GaussianEncoder enc(env->observationSpace(), 5, 1.0, "auto");
  CHECK(enc.high()[0] == Approx(2.4));              // half of the x bound 4.8
  CHECK(enc.high()[2] == Approx(12 * M_PI / 180));  // half of the 24 degree bound
  CHECK(enc.high()[1] == 3.0);                      // unbounded: +-3
  std::vector<float> a(enc.size());
  enc.encode(std::vector<double>{0.0, 0.0, 0.0, 0.0}, a);
  CHECK(a[2] == 1.0f);  // the middle cell of 5 sits at 0
  CHECK(a[1] == Approx(std::exp(-0.5)).epsilon(1e-6));
  enc.encode(std::vector<double>{100.0, -100.0, 0.0, 0.0}, a);
  CHECK(a[4] == 1.0f);  // beyond the range: the edge cell
  CHECK(a[5] == 1.0f);
  CHECK_THROWS_WITH(GaussianEncoder(env->observationSpace(), 5, 1.0, "1,2"),
                    Catch::Contains("has 2 values"));
  CHECK_THROWS_AS(GaussianEncoder(env->observationSpace(), 5, 1.0, "1,x,2,3"), UserError);
}

TEST_CASE(
    "snn variants (encoders, decoders, hidden layer, neuron model) act and learn without "
    "faults",
    "[agents][variants]") {
  const std::vector<ConfigValues> variants = {
      {{"encoder", "current"}},
      {{"encoder", "rate"}},
      {{"decoder", "softmax"}, {"temperature", "2"}},
      {{"decoder", "first_to_spike"}},
      {{"hidden", "40"}},
      {{"neuron_model", "izhikevich:RS"},
       {"w_init_min", "5"},
       {"w_init_max", "10"},
       {"rule.w_max", "12"}},
      {{"dopamine", "reward_baseline"}, {"shaping_terminal_penalty", "-10"}},
      {{"learning_rule", "stdp"}},
      {{"learning_rule", "hebbian"}},
      {{"homeostasis", "none"}, {"wta_inhibition", "0"}},
  };
  for (const auto& params : variants) {
    std::string label;
    for (const auto& [k, v] : params) label += k + "=" + v + " ";
    DYNAMIC_SECTION(label) {
      auto env = envs::make("CartPole-v1", 2);
      auto env2 = envs::make("CartPole-v1", 2);
      auto a = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 4);
      auto b = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 4);
      CHECK(play(*a, *env, 5, 1) == play(*b, *env2, 5, 1));
      for (const auto& [name, value] : a->diagnostics()) {
        INFO(name);
        CHECK(std::isfinite(value));
      }
    }
  }
  // The shaping penalty is logged.
  auto env = envs::make("CartPole-v1", 2);
  auto shaped = makeAgent("snn", env->observationSpace(), env->actionSpace(),
                          {{"shaping_terminal_penalty", "-10"}}, 4);
  play(*shaped, *env, 1, 1);
  double shaping = 0;
  for (const auto& [name, value] : shaped->diagnostics()) {
    if (name == "shaping_total") shaping = value;
  }
  CHECK(shaping == -10.0);
}
