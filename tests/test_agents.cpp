// agents/: conformance of every registered agent, checkpoints, and learning behaviour.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "agents/agent.hpp"
#include "agents/encoder.hpp"
#include "agents/network.hpp"
#include "agents/snn_agent.hpp"
#include "core/error.hpp"
#include "envs/registration.hpp"
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
                                           Catch::Contains("output=32") &&
                                           Catch::Contains("output=16"));
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

TEST_CASE("checkpoint counters and RNG words are checked; long runs pass 2^32 steps",
          "[agents][checkpoint][long]") {
  auto env = envs::make("CartPole-v1");
  for (const std::string type : {"snn", "reinforce", "random"}) {
    INFO(type);
    auto agent = makeAgent(type, env->observationSpace(), env->actionSpace(), {}, 1);
    const std::string path = tempPath(type + "_zero.ckpt");
    // An all-zero generator state would give zeros forever and hang every rejection loop.
    Checkpoint ck = agent->checkpoint();
    ck.sections["rng"] = std::vector<double>(8, 0.0);
    ck.write(path);
    CHECK_THROWS_WITH(agent->load(path), Catch::Contains("all zero"));
    ck.sections["rng"] = {1, 2, 3, 4, 5, 6, 7, 4294967296.0};  // not a 32-bit half
    ck.write(path);
    CHECK_THROWS_WITH(agent->load(path), Catch::Contains("[0, 2^32)"));
    ck.sections["rng"] = {1, 2, 3, 4, 5, 6, 7, 0.5};
    ck.write(path);
    CHECK_THROWS_AS(agent->load(path), UserError);
  }
  // The snn agent's counters: whole numbers, and a step count past 2^32 continues.
  auto snn = makeAgent("snn", env->observationSpace(), env->actionSpace(), {}, 1);
  Checkpoint ck = snn->checkpoint();
  const std::string path = tempPath("snn_counters.ckpt");
  for (double bad : {-1.0, 0.5, 1e300}) {
    Checkpoint c = ck;
    c.sections["counters"][1] = bad;
    c.write(path);
    CHECK_THROWS_WITH(snn->load(path), Catch::Contains("network step"));
  }
  ck.sections["counters"][1] = 4294967296.0 - 30;  // 2^32 - 30 SNN steps done
  ck.write(path);
  snn->load(path);
  CHECK(snn->view()->networkStep() == 4294967296ull - 30);
  auto e = envs::make("CartPole-v1", 7);
  std::vector<double> obs;
  const auto start = e->reset();
  obs.assign(start.obs.begin(), start.obs.end());
  snn->onEpisodeStart();
  for (int t = 0; t < 50; ++t) {  // 50 env steps x 20 SNN steps: past the wrap
    const auto a = snn->act(obs);
    const auto r = e->step(a);
    snn->observe(r.obs, r.reward, r.terminated, r.truncated);
    obs.assign(r.obs.begin(), r.obs.end());
    if (r.terminated || r.truncated) {
      const auto again = e->reset();
      obs.assign(again.obs.begin(), again.obs.end());
      snn->onEpisodeStart();
    }
  }
  CHECK(snn->view()->networkStep() > 4294967296ull);
  CHECK(snn->numericalFault().empty());
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
                 resolveAgentDef("snn", env->observationSpace(), env->actionSpace(),
                                 {{"dopamine", "reward"}, {"homeostasis", "none"}}),
                 1);
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

// ---- Networks as data (agents/network) ----

namespace {

/// A network with a hidden Izhikevich population beside the direct pathway.
ConfigValues twoPathwayNetwork() {
  return {
      {"network.populations.obs.encoder.model", "gaussian_rf"},
      {"network.populations.hid.size", "30"},
      {"network.populations.hid.neuron.model", "izhikevich"},
      {"network.populations.hid.neuron.preset", "FS"},
      {"network.populations.out.groups.size", "8"},
      {"network.projections.obs_hid.source", "obs"},
      {"network.projections.obs_hid.target", "hid"},
      {"network.projections.obs_hid.connectivity.rule", "pairwise_bernoulli"},
      {"network.projections.obs_hid.connectivity.p", "0.2"},
      {"network.projections.obs_hid.weight.uniform.low", "0"},
      {"network.projections.obs_hid.weight.uniform.high", "20"},
      {"network.projections.hid_out.source", "hid"},
      {"network.projections.hid_out.target", "out"},
      {"network.projections.hid_out.weight", "1"},
      {"network.projections.hid_out.delay_ms.uniform.low", "1"},
      {"network.projections.hid_out.delay_ms.uniform.high", "3"},
      {"network.projections.hid_out.plasticity.rule", "rstdp"},
      {"network.projections.hid_out.plasticity.modulator", "da"},
      {"network.projections.obs_out.source", "obs"},
      {"network.projections.obs_out.target", "out"},
      {"network.projections.obs_out.weight.uniform.low", "1.7"},
      {"network.projections.obs_out.weight.uniform.high", "3.4"},
      {"network.projections.obs_out.plasticity.rule", "stdp"},
      {"network.modulators.da.signal", "reward_minus_baseline"},
      {"network.readout.population", "out"},
      {"network.readout.decode", "softmax"},
  };
}

}  // namespace

TEST_CASE("a network from data: sizes derived, presets expanded, defaults filled",
          "[agents][network]") {
  auto env = envs::make("CartPole-v1", 1);
  const NetworkDef def =
      resolveNetwork(twoPathwayNetwork(), env->observationSpace(), env->actionSpace(), 0.5);
  const ConfigValues& v = def.values;
  CHECK(v.at("network.populations.obs.size") == "48");  // 4 dims x 12 cells
  CHECK(v.at("network.populations.out.size") == "16");  // 2 actions x 8
  CHECK(v.at("network.populations.out.groups.count") == "2");
  CHECK(v.at("network.populations.out.neuron.model") == "lif");
  // FS preset: a = 0.1, d = 2 (Izhikevich 2003, Fig. 2).
  CHECK(v.at("network.populations.hid.neuron.a") == "0.1");
  CHECK(v.at("network.populations.hid.neuron.d") == "2");
  // The snn agent's rstdp defaults, a delay of one step by default (dt 0.5 ms).
  CHECK(v.at("network.projections.hid_out.plasticity.tau_c_ms") == "200");
  CHECK(v.at("network.projections.hid_out.plasticity.eta") == "0.15");
  CHECK(v.at("network.projections.obs_out.delay_ms") == "0.5");
  CHECK(v.at("network.modulators.da.baseline_window") == "100");
  CHECK(v.at("network.readout.temperature") == "1");
  REQUIRE(def.projections.size() == 3);  // name order
  CHECK(def.projections[0].name == "hid_out");
  CHECK(def.projections[0].delay_low == 2);  // 1 ms / 0.5 ms
  CHECK(def.projections[0].delay_high == 6);
  // Resolving the resolved values again changes nothing.
  CHECK(resolveNetwork(v, env->observationSpace(), env->actionSpace(), 0.5).values == v);

  // The agent builds it, acts and learns; same seed, same actions.
  ConfigValues params = twoPathwayNetwork();
  params["dt_ms"] = "0.5";
  params["steps_per_action"] = "40";
  auto env2 = envs::make("CartPole-v1", 1);
  auto a = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 3);
  auto b = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 3);
  CHECK(play(*a, *env, 4, 1) == play(*b, *env2, 4, 1));
  auto* view = a->view();
  REQUIRE(view != nullptr);
  CHECK(view->populationNames() == std::vector<std::string>{"hid", "obs", "out"});
  CHECK(view->projectionNames() == std::vector<std::string>{"hid_out", "obs_hid", "obs_out"});
}

TEST_CASE("the default network is the flat parameters' network, action for action",
          "[agents][network]") {
  // For several flat configurations: the agent given its own default network as a network
  // definition acts exactly as the agent given the flat parameters.
  const std::vector<ConfigValues> variants = {
      {},
      {{"hidden", "20"}, {"encoder", "current"}, {"learning_rule", "mstdpet"}},
      {{"encoder", "rate"}, {"dopamine", "reward_baseline"}, {"decoder", "softmax"}},
      {{"neuron_model", "izhikevich:RS"}, {"wta_inhibition", "0"}, {"homeostasis", "none"}},
      {{"learning_rule", "feedback_rstdp"},
       {"decoder", "softmax"},
       {"temperature", "15"},
       {"critic_features", "joint_rf"},
       {"rule.performance_target", "500"}},
  };
  for (const auto& flat : variants) {
    auto env = envs::make("CartPole-v1", 2);
    auto env2 = envs::make("CartPole-v1", 2);
    const Config resolved(resolveAgent("snn", flat), "test");
    ConfigValues network = defaultNetwork(resolved, env->actionSpace());
    network["steps_per_action"] = "20";
    auto a = makeAgent("snn", env->observationSpace(), env->actionSpace(), flat, 5);
    auto b = makeAgent("snn", env->observationSpace(), env->actionSpace(), network, 5);
    CHECK(play(*a, *env, 6, 3) == play(*b, *env2, 6, 3));
    CHECK(a->diagnostics() == b->diagnostics());
  }
}

TEST_CASE("objects draw from streams keyed by their names", "[agents][network]") {
  // Disabling a projection leaves the other projections' wiring and weights unchanged.
  auto env = envs::make("CartPole-v1", 1);
  ConfigValues with = twoPathwayNetwork();
  ConfigValues without = with;
  without["network.projections.obs_out.enabled"] = "false";
  auto def = [&env](const ConfigValues& values) {
    return resolveAgentDef("snn", env->observationSpace(), env->actionSpace(), values);
  };
  SnnAgent a(env->observationSpace(), env->actionSpace(), def(with), 9);
  SnnAgent b(env->observationSpace(), env->actionSpace(), def(without), 9);
  CHECK(a.network().projections().size() == 3);
  CHECK(b.network().projections().size() == 2);
  for (const char* name : {"obs_hid", "hid_out"}) {
    CHECK(a.network().projection(name).weights() == b.network().projection(name).weights());
    CHECK(a.network().projection(name).size() == b.network().projection(name).size());
  }
}

TEST_CASE("network checks name the key", "[agents][network]") {
  auto env = envs::make("CartPole-v1", 1);
  auto check = [&](ConfigValues given, const std::string& key, const std::string& text) {
    try {
      resolveNetwork(given, env->observationSpace(), env->actionSpace(), 1.0);
      FAIL("accepted; expected an error at " << key);
    } catch (const NetworkError& e) {
      CHECK(e.key() == key);
      CHECK_THAT(e.message(), Catch::Contains(text));
    }
  };
  ConfigValues base = twoPathwayNetwork();
  auto with = [&](std::initializer_list<std::pair<const std::string, std::string>> changes) {
    ConfigValues v = base;
    for (const auto& [k, x] : changes) {
      if (x.empty()) {
        v.erase(k);
      } else {
        v[k] = x;
      }
    }
    return v;
  };
  check(with({{"network.projections.hid_out.delay_ms.uniform.high", "2.5"}}),
        "network.projections.hid_out.delay_ms.uniform.high", "nearest: 2 or 3");
  check(with({{"network.projections.obs_hid.connectivity.indegree", "3"}}),
        "network.projections.obs_hid.connectivity.indegree", "unknown setting 'indegree'");
  check(with({{"network.populations.out.groups.size", "0"}}), "network.populations.out.groups.size",
        "expected an integer in [1, 100000]");
  check(with({{"network.projections.obs_out.enabled", "false"},
              {"network.projections.hid_out.enabled", "false"}}),
        "network.populations.out", "no enabled projection reaches it");
  check(with({{"network.populations.hid.enabled", "false"}}), "network.projections.hid_out.source",
        "'hid' is disabled");
  check(with({{"network.readout.population", "hid"}}), "network.readout.population",
        "has no action groups");
  check(with({{"network.projections.obs_hid.connectivity.rule", "one_to_one"},
              {"network.projections.obs_hid.connectivity.p", ""}}),
        "network.projections.obs_hid.connectivity.rule", "one_to_one needs equal sizes");
  check(with({{"network.projections.obs_hid.connectivity.rule", "fixed_indegree"},
              {"network.projections.obs_hid.connectivity.p", ""},
              {"network.projections.obs_hid.connectivity.indegree", "49"}}),
        "network.projections.obs_hid.connectivity.indegree", "exceeds the 48 possible sources");
  check(with({{"network.readout", "out"}}), "network.readout", "expected a map of settings");
  check(with({{"network.populations.hid.neuron.model", "poisson"}}),
        "network.populations.hid.neuron.model", "expected one of izhikevich, lif");
}

// ---- feedback_rstdp in the snn agent (the rule itself: test_snn.cpp) ----

TEST_CASE("feedback_rstdp: a rewarded action becomes more likely in a two-armed bandit",
          "[agents][feedback][behaviour]") {
  BanditEnv env;
  auto late_choice = [&](const std::string& gate) {
    ConfigValues params = {{"learning_rule", "feedback_rstdp"},
                           {"decoder", "softmax"},
                           {"temperature", "5"},
                           {"epsilon_start", "0"},
                           {"homeostasis", "none"},
                           {"dopamine", "reward_baseline"},
                           {"max_rate_hz", "1000"},
                           {"rule.eta", "0.05"},
                           {"rule.gate", gate}};
    auto agent = makeAgent("snn", env.observationSpace(), env.actionSpace(), params, 3);
    const auto actions = play(*agent, env, 400, 1);
    double late = 0;
    for (int i = 300; i < 400; ++i) late += actions[i] / 100.0;
    return late;
  };
  const double learned = late_choice("true");
  INFO("P(rewarded arm) in episodes 300-399: " << learned);
  CHECK(learned > 0.85);
}

TEST_CASE("feedback_rstdp: checks and a checkpoint that continues exactly", "[agents][feedback]") {
  auto env = envs::make("CartPole-v1", 1);
  ConfigValues params = {{"learning_rule", "feedback_rstdp"},
                         {"decoder", "softmax"},
                         {"temperature", "15"},
                         {"homeostasis", "none"},
                         {"critic_features", "joint_rf"},
                         {"rule.performance_target", "500"}};
  // The readout must sample (the gate needs p).
  ConfigValues argmax = params;
  argmax["decoder"] = "argmax";
  CHECK_THROWS_WITH(makeAgent("snn", env->observationSpace(), env->actionSpace(), argmax, 1),
                    Catch::Contains("use softmax"));
  // Save after 3 episodes, load into a fresh agent: both continue identically.
  auto a = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 4);
  auto env_a = envs::make("CartPole-v1", 1), env_b = envs::make("CartPole-v1", 1);
  play(*a, *env_a, 3, 2);
  const std::string path = tempPath("feedback.ckpt");
  a->save(path);
  auto b = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 99);
  b->load(path);
  CHECK(play(*a, *env_a, 3, 5) == play(*b, *env_b, 3, 5));
  CHECK(a->diagnostics() == b->diagnostics());
}

TEST_CASE("label_assignment: classes from mean responses and both votes worked by hand",
          "[agents][labels]") {
  Rng rng(1);
  auto window = [&](Decoder& d, std::vector<std::uint32_t> fired) {
    d.beginWindow();
    d.countSpikes(fired, rng);
  };
  for (const bool proportion : {false, true}) {
    INFO("proportion " << proportion);
    Decoder d = Decoder::labelAssignment(2, 3, 2, proportion);
    // Nothing assigned yet: a random class, never a crash.
    window(d, {0, 1});
    const int first = d.decide(-1, rng);
    CHECK((first == 0 || first == 1));
    // Window 1 shows class 0: neuron 0 fires twice, neuron 1 once.
    window(d, {0, 0, 1});
    d.learnLabel(0);
    CHECK(d.assignment() == std::vector<int>{-1, -1, -1});  // renewed every 2 windows
    // Window 2 shows class 1: neuron 1 once, neuron 2 three times.
    window(d, {2, 2, 2, 1});
    d.learnLabel(1);
    // Means per presentation: neuron 0 (2, 0) -> 0; neuron 1 (1, 1) a tie -> the lower class 0;
    // neuron 2 (0, 3) -> 1.
    CHECK(d.assignment() == std::vector<int>{0, 0, 1});
    // Neuron 1 fires 4 times, neuron 2 once. Mean vote: class 0 has 4 spikes over its 2
    // neurons = 2, class 1 has 1 over 1 = 1 -> class 0. Proportion vote: neuron 1's shares are
    // (1/2, 1/2), neuron 2's (0, 1): class 0 gets 4 x 0.5 = 2, class 1 gets 4 x 0.5 + 1 = 3.
    window(d, {1, 1, 1, 1, 2});
    CHECK(d.decide(-1, rng) == (proportion ? 1 : 0));
    CHECK(d.counts() == std::vector<int>{4, 1});  // spikes of each class's neurons
    CHECK(d.total() == 5);
    // The state round trip gives the same answers; damaged states are refused.
    Decoder e = Decoder::labelAssignment(2, 3, 2, proportion);
    e.setState(d.state(), "x.ckpt");
    window(e, {1, 1, 1, 1, 2});
    CHECK(e.decide(-1, rng) == (proportion ? 1 : 0));
    std::vector<double> bad = d.state();
    bad[1] = 5;  // neuron 0's class
    CHECK_THROWS_WITH(e.setState(bad, "x.ckpt"),
                      Catch::Contains("x.ckpt: readout section: assignment"));
    bad = d.state();
    bad.pop_back();
    CHECK_THROWS_WITH(e.setState(bad, "x.ckpt"), Catch::Contains("expected"));
    CHECK_THROWS_WITH(d.learnLabel(2), Catch::Contains("label 2"));
  }
}

namespace {

/// Digits-v0 episodes with the info label passed on (as the lab's Session does); returns the
/// answers.
std::vector<std::int64_t> playLabelled(Agent& agent, envs::Env& env, int episodes) {
  std::vector<std::int64_t> answers;
  for (int e = 0; e < episodes; ++e) {
    auto start = env.reset();
    agent.onEpisodeStart();
    const envs::Action a = agent.act(std::vector<double>(start.obs.begin(), start.obs.end()));
    answers.push_back(a.index);
    const auto r = env.step(a);
    agent.observeInfo(*r.info);
    agent.observe(r.obs, r.reward, r.terminated, r.truncated);
  }
  return answers;
}

/// A small Diehl & Cook network (20 excitatory neurons) as network keys.
ConfigValues smallDiehlCook() {
  const std::string p = "network.populations.", j = "network.projections.";
  return {{"steps_per_action", "100"},
          {p + "px.encoder.model", "intensity"},
          {p + "exc.size", "20"},
          {p + "exc.neuron.model", "lif_adaptive"},
          {p + "exc.neuron.tau_syn_ms", "0"},
          {p + "exc.neuron.theta_plus_mv", "0.2"},
          {p + "inh.size", "20"},
          {p + "inh.neuron.tau_syn_ms", "0"},
          {j + "px_exc.source", "px"},
          {j + "px_exc.target", "exc"},
          {j + "px_exc.connectivity.rule", "all_to_all"},
          {j + "px_exc.weight.uniform.low", "0"},
          {j + "px_exc.weight.uniform.high", "1"},
          {j + "px_exc.plasticity.rule", "stdp"},
          {j + "px_exc.plasticity.a_plus", "0.01"},
          {j + "exc_inh.source", "exc"},
          {j + "exc_inh.target", "inh"},
          {j + "exc_inh.connectivity.rule", "one_to_one"},
          {j + "exc_inh.weight", "30"},
          {j + "inh_exc.source", "inh"},
          {j + "inh_exc.target", "exc"},
          {j + "inh_exc.receptor_type", "inhibitory"},
          {j + "inh_exc.connectivity.rule", "all_to_all"},
          {j + "inh_exc.weight", "10"},
          {"network.readout.population", "exc"},
          {"network.readout.decode", "label_assignment"},
          {"network.readout.assign_every", "10"}};
}

}  // namespace

TEST_CASE("label_assignment agents: thresholds and labels are checkpointed and frozen in tests",
          "[agents][labels]") {
  auto env = envs::make("Digits-v0", 1);
  const ConfigValues params = smallDiehlCook();
  auto a = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 3);
  auto env_a = envs::make("Digits-v0", 1), env_b = envs::make("Digits-v0", 1);
  env_a->reset(7), env_b->reset(7);
  playLabelled(*a, *env_a, 25);
  auto& exc = static_cast<SnnAgent&>(*a).network().population("exc");
  const std::vector<double> theta = exc.learnedState();
  CHECK(*std::max_element(theta.begin(), theta.end()) > 0.0);  // the thresholds adapted
  // Save, load into a fresh agent: both continue identically (thresholds, labels, weights).
  const std::string path = tempPath("labels.ckpt");
  a->save(path);
  auto b = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 99);
  b->load(path);
  CHECK(static_cast<SnnAgent&>(*b).network().population("exc").learnedState() == theta);
  for (int e = 0; e < 25; ++e) {  // env_b catches up with env_a (the order ignores answers)
    env_b->reset();
    env_b->step(envs::Action::discrete(0));
  }
  CHECK(playLabelled(*a, *env_a, 15) == playLabelled(*b, *env_b, 15));
  // Learning off: weights, thresholds and labels stay as they are.
  a->setLearning(false);
  const Checkpoint before = a->checkpoint();
  playLabelled(*a, *env_a, 10);
  const Checkpoint after = a->checkpoint();
  for (const char* s : {"weights:px_exc", "learned:exc", "readout"}) {
    INFO(s);
    CHECK(after.sections.at(s) == before.sections.at(s));
  }
  // A damaged threshold section is refused with the file's name.
  Checkpoint bad = before;
  bad.sections["learned:exc"][0] = std::nan("");
  const std::string bad_path = tempPath("bad_labels.ckpt");
  bad.write(bad_path);
  CHECK_THROWS_WITH(b->load(bad_path),
                    Catch::Contains("bad_labels.ckpt") && Catch::Contains("learned:exc"));
}

TEST_CASE("label_assignment: the env must give a label and the readout is checked",
          "[agents][labels]") {
  auto digits = envs::make("Digits-v0", 1);
  ConfigValues params = smallDiehlCook();
  // An env without labels: a clear error, not a silent wrong number.
  auto bandit_env = std::make_unique<BanditEnv>();
  ConfigValues on_bandit = params;
  auto agent =
      makeAgent("snn", bandit_env->observationSpace(), envs::Space::discrete(2), on_bandit, 1);
  CHECK_THROWS_WITH(play(*agent, *bandit_env, 1, 1), Catch::Contains("info 'label'"));
  // It does not explore, and reads neurons, not an encoder.
  ConfigValues explore = params;
  explore["network.readout.exploration.epsilon_start"] = "0.1";
  CHECK_THROWS_WITH(makeAgent("snn", digits->observationSpace(), digits->actionSpace(), explore, 1),
                    Catch::Contains("epsilon_start"));
  ConfigValues encoder = params;
  encoder["network.readout.population"] = "px";
  CHECK_THROWS_WITH(makeAgent("snn", digits->observationSpace(), digits->actionSpace(), encoder, 1),
                    Catch::Contains("is an encoder"));
  // The intensity encoder has one neuron per pixel.
  auto snn = makeAgent("snn", digits->observationSpace(), digits->actionSpace(), params, 1);
  CHECK(static_cast<SnnAgent&>(*snn).network().population("px").size() == 64);
}

TEST_CASE("normalize keep_initial_row_norm keeps each neuron's input weight norm",
          "[agents][labels]") {
  auto env = envs::make("Digits-v0", 1);
  for (const std::string mode : {"keep_initial_row_sum", "keep_initial_row_norm"}) {
    INFO(mode);
    ConfigValues params = smallDiehlCook();
    params["network.projections.px_exc.normalize.mode"] = mode;
    params["network.projections.px_exc.plasticity.a_plus"] = "0.2";  // visible change
    auto agent = makeAgent("snn", env->observationSpace(), env->actionSpace(), params, 2);
    snn::Network& net = static_cast<SnnAgent&>(*agent).network();
    const snn::Projection& proj = net.projection("px_exc");
    auto measures = [&](const std::vector<float>& w) {  // per post neuron (64 pixels x 20)
      std::vector<double> sum(20, 0.0), sq(20, 0.0);
      for (std::uint32_t i = 0; i < 64; ++i) {
        for (std::uint32_t s = proj.rowBegin(i); s < proj.rowBegin(i + 1); ++s) {
          sum[proj.postOf(s, i)] += w[s];
          sq[proj.postOf(s, i)] += static_cast<double>(w[s]) * w[s];
        }
      }
      if (mode == "keep_initial_row_norm") {
        for (double& x : sq) x = std::sqrt(x);
        return sq;
      }
      return sum;
    };
    const std::vector<float> w0 = net.currentWeights(proj);
    const std::vector<double> before = measures(w0);
    env->reset(3);
    playLabelled(*agent, *env, 5);
    const std::vector<float> w1 = net.currentWeights(proj);
    CHECK(w1 != w0);  // it learned
    const std::vector<double> after = measures(w1);
    for (int j = 0; j < 20; ++j) CHECK(after[j] == Approx(before[j]).epsilon(1e-4));
  }
}
