// snn/: neuron models, connectivity, delays, plasticity rules (against hand-derived values and a
// brute-force step-by-step reference), the neuromodulator, determinism.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "core/error.hpp"
#include "snn/feedback_rule.hpp"
#include "snn/izhikevich.hpp"
#include "snn/lif.hpp"
#include "snn/network.hpp"
#include "snn/sources.hpp"

using namespace spikegym;
using namespace spikegym::snn;

namespace {

/// A population whose spikes the test decides: spike(i, k) schedules neuron i at step k.
class ScriptedPopulation final : public Population {
 public:
  ScriptedPopulation(const std::string& name, std::uint32_t size)
      : Population(name, "scripted", size) {}
  void spikeAt(std::uint32_t i, std::uint64_t k) { schedule_[k].push_back(i); }
  std::vector<float> last_input;  // input that arrived for the last step

 protected:
  void update(const float* input, std::uint64_t k, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
    last_input.resize(size());
    std::copy(input + begin, input + end, last_input.begin() + begin);
    auto it = schedule_.find(k);
    if (it == schedule_.end()) return;
    std::set<std::uint32_t> unique(it->second.begin(), it->second.end());
    for (std::uint32_t i : unique) {
      if (i >= begin && i < end) spikes.push_back(i);
    }
  }
  std::size_t stateBytes() const override { return 0; }

 private:
  std::map<std::uint64_t, std::vector<std::uint32_t>> schedule_;
};

struct Pair {
  Network net;
  ScriptedPopulation* pre;
  ScriptedPopulation* post;
  Projection* proj;
  Pair(const PlasticityRule& rule, double w0, NeuromodulatorModel mod = {}, std::uint32_t n_pre = 1,
       std::uint32_t n_post = 1)
      : net(1.0, 1, mod) {
    pre = static_cast<ScriptedPopulation*>(
        &net.add(std::make_unique<ScriptedPopulation>("pre", n_pre)));
    post = static_cast<ScriptedPopulation*>(
        &net.add(std::make_unique<ScriptedPopulation>("post", n_post)));
    ProjectionSpec spec;
    spec.name = "pre_post";
    spec.w_init_min = spec.w_init_max = w0;
    spec.rule = rule;
    proj = &net.connect(*pre, *post, spec);
  }
  double weight(std::size_t s = 0) {
    net.flush();
    return proj->weights()[s];
  }
};

}  // namespace

TEST_CASE("STDP window: one pairing at dt gives A+ exp(-dt/tau+) or -A- exp(-dt/tau-)",
          "[snn][stdp]") {
  const PlasticityRule rule = makeRule(
      "stdp",
      {{"a_plus", 0.01}, {"a_minus", 0.012}, {"tau_plus_ms", 16.8}, {"tau_minus_ms", 33.7}});
  for (int dt : {1, 5, 10, 20, 40}) {
    Pair causal(rule, 0.5);
    causal.pre->spikeAt(0, 10);
    causal.post->spikeAt(0, 10 + dt);
    causal.net.run(100);
    CHECK(causal.weight() - 0.5 == Approx(0.01 * std::exp(-dt / 16.8)).epsilon(0.01));

    Pair acausal(rule, 0.5);
    acausal.post->spikeAt(0, 10);
    acausal.pre->spikeAt(0, 10 + dt);
    acausal.net.run(100);
    CHECK(acausal.weight() - 0.5 == Approx(-0.012 * std::exp(-dt / 33.7)).epsilon(0.01));
  }
  // Spikes in the same step do not pair.
  Pair same(rule, 0.5);
  same.pre->spikeAt(0, 10);
  same.post->spikeAt(0, 10);
  same.net.run(50);
  CHECK(same.weight() == 0.5f);
}

TEST_CASE("the step counter passes 2^32: plasticity is the same as at step 0", "[snn][long]") {
  // A long run (or --load/--save chains) passes 2^32 SNN steps; with a 32-bit counter the
  // plasticity kernel then indexed its tables out of range (SIGSEGV). Every rule kind: the same
  // spike pattern gives the same weights whether it starts at step 0 or straddles 2^32.
  const std::vector<PlasticityRule> rules = {
      makeRule("stdp", {{"a_plus", 0.01}, {"a_minus", 0.012}}), makeRule("hebbian"),
      makeRule("mstdp"), makeRule("rstdp", {{"tau_c_ms", 50.0}})};
  NeuromodulatorModel mod;
  for (const auto& rule : rules) {
    std::vector<double> weights;
    for (const std::uint64_t base :
         {std::uint64_t{0}, (std::uint64_t{1} << 32) - 37, (std::uint64_t{1} << 33) + 5}) {
      Pair pair(rule, 0.5, mod, 3, 2);
      pair.net.setStepCount(base);
      for (std::uint64_t k = 0; k < 200; k += 7) {
        pair.pre->spikeAt(static_cast<std::uint32_t>(k % 3), base + k);
        pair.post->spikeAt(static_cast<std::uint32_t>(k % 2), base + k + 2);
      }
      for (int k = 0; k < 400; ++k) {
        if (k % 50 == 10) pair.net.modulator().addPulse(1.0);
        pair.net.step();
      }
      CHECK(pair.net.stepCount() == base + 400);
      pair.net.flush();
      double sum = 0;
      for (float w : pair.proj->weights()) sum += w;
      weights.push_back(sum);
    }
    INFO("rule " << static_cast<int>(rule.kind));
    CHECK(weights[0] != 3.0);  // learning happened
    CHECK(weights[1] == weights[0]);
    CHECK(weights[2] == weights[0]);
  }
}

TEST_CASE("multiplicative STDP scales with the distance to the bounds", "[snn][stdp]") {
  const PlasticityRule rule =
      makeRule("stdp", {{"a_plus", 0.1}, {"a_minus", 0.1}, {"mu", 1.0}, {"w_max", 1.0}});
  Pair low(rule, 0.2), high(rule, 0.8);
  for (Pair* p : {&low, &high}) {
    p->pre->spikeAt(0, 10);
    p->post->spikeAt(0, 11);
    p->net.run(30);
  }
  const double x = std::exp(-1.0 / 20.0);
  CHECK(low.weight() - 0.2 == Approx(0.1 * 0.8 * x).epsilon(1e-4));
  CHECK(high.weight() - 0.8 == Approx(0.1 * 0.2 * x).epsilon(1e-4));
  // Weights never leave [w_min, w_max] under additive STDP.
  Pair bound(makeRule("stdp", {{"a_plus", 1.0}, {"w_max", 1.0}}), 0.9);
  for (std::uint32_t k = 0; k < 100; k += 5)
    bound.pre->spikeAt(0, k), bound.post->spikeAt(0, k + 1);
  bound.net.run(120);
  CHECK(bound.weight() == 1.0f);
}

TEST_CASE("rstdp: zero dopamine leaves weights unchanged; eligibility is still built",
          "[snn][rstdp]") {
  Pair p(makeRule("rstdp"), 1.0);
  for (std::uint32_t k = 10; k < 2000; k += 37) p.pre->spikeAt(0, k), p.post->spikeAt(0, k + 3);
  p.net.run(2100);
  CHECK(p.weight() == 1.0f);
  CHECK(std::abs(p.proj->eligibility()[0]) > 0.0f);
}

TEST_CASE("rstdp: a reward soon after a pairing potentiates; after the trace decayed, hardly",
          "[snn][rstdp]") {
  NeuromodulatorModel mod;
  mod.tau_ms = 200;
  auto run = [&](std::uint32_t reward_delay_ms) {
    Pair p(makeRule("rstdp", {{"tau_c_ms", 1000}}), 1.0, mod);
    p.pre->spikeAt(0, 100);
    p.post->spikeAt(0, 105);
    p.net.run(100 + reward_delay_ms);
    p.net.modulator().addPulse(0.5);
    p.net.run(3000);
    return p.weight() - 1.0;
  };
  const double soon = run(200), late = run(10000);
  INFO("dw after 0.2 s: " << soon << ", after 10 s: " << late);
  CHECK(soon > 0.001);
  CHECK(late > 0.0);
  CHECK(late < soon * 1e-3);
  // The closed form: c = 0.1 exp(-5/20) at the pairing, decaying; the weight integrates
  // eta dt m c over the dopamine pulse: dw ~ eta 1e-3 c(t_r) 0.5 tau_eff with
  // tau_eff = 1 / (1/tau_c + 1/tau_da) [ms].
  const double c_at_reward = 0.1 * std::exp(-5.0 / 20.0) * std::exp(-(200.0 - 5.0) / 1000.0);
  const double tau_eff = 1.0 / (1.0 / 1000.0 + 1.0 / 200.0);
  CHECK(soon == Approx(100.0 * 1e-3 * c_at_reward * 0.5 * tau_eff).epsilon(0.02));
}

namespace {

/// Brute-force reference: every synapse and trace stepped every step (the definition the
/// event-driven kernels integrate in closed form).
struct Reference {
  std::vector<double> w, c, x, y;
  Reference(std::size_t n_pre, std::size_t n_post, double w0)
      : w(n_pre * n_post, w0), c(n_pre * n_post, 0.0), x(n_pre, 0.0), y(n_post, 0.0) {}
};

void compareWithReference(const std::string& rule_name, const ParamValues& params, int steps) {
  const PlasticityRule rule = makeRule(rule_name, params);
  const std::uint32_t n_pre = 12, n_post = 7;
  const double w0 = 0.5;
  Pair p(rule, w0, {}, n_pre, n_post);
  Reference ref(n_pre, n_post, w0);
  Rng rng(99);
  std::vector<std::vector<int>> pre_spikes(steps, std::vector<int>(n_pre)),
      post_spikes(steps, std::vector<int>(n_post));
  std::vector<double> m(steps);
  for (int k = 0; k < steps; ++k) {
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      if ((pre_spikes[k][i] = rng.bernoulli(0.03))) p.pre->spikeAt(i, k);
    }
    for (std::uint32_t j = 0; j < n_post; ++j) {
      if ((post_spikes[k][j] = rng.bernoulli(0.02))) p.post->spikeAt(j, k);
    }
    m[k] = rng.bernoulli(0.01) ? rng.uniform(-1.0, 1.0) : 0.0;
  }
  const double dt = 1.0;
  const double alpha = std::exp(-dt / rule.tau_c_ms), beta = std::exp(-dt / rule.tau_plus_ms),
               gamma = std::exp(-dt / rule.tau_minus_ms);
  for (int k = 0; k < steps; ++k) {
    p.net.modulator().addPulse(m[k]);
    p.net.step();
    p.net.modulator().addPulse(-p.net.modulator().level());  // m acts in its own step only
    for (auto& v : ref.x) v *= beta;
    for (auto& v : ref.y) v *= gamma;
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      for (std::uint32_t j = 0; j < n_post; ++j) {
        const std::size_t s = i * n_post + j;  // dense: synapse s = (pre i, post j)
        double e = 0.0;
        if (post_spikes[k][j]) e += rule.a_plus * ref.x[i];
        if (pre_spikes[k][i]) e -= rule.a_minus * ref.y[j];
        if (rule.kind == RuleKind::kEligibility) {
          ref.c[s] = alpha * ref.c[s] + e;
          ref.w[s] += rule.eta * dt * 1e-3 * m[k] * ref.c[s];
        } else if (rule.kind == RuleKind::kMstdp) {
          ref.w[s] += rule.eta * m[k] * e;
        } else {
          ref.w[s] += e;
        }
      }
    }
    for (std::uint32_t i = 0; i < n_pre; ++i) ref.x[i] += pre_spikes[k][i];
    for (std::uint32_t j = 0; j < n_post; ++j) ref.y[j] += post_spikes[k][j];
  }
  p.net.flush();
  const auto& w = p.proj->weights();
  double max_w_diff = 0, max_c_diff = 0, max_change = 0;
  for (std::size_t s = 0; s < w.size(); ++s) {
    max_w_diff = std::max(max_w_diff, std::abs(w[s] - ref.w[s]));
    max_change = std::max(max_change, std::abs(ref.w[s] - w0));
    if (rule.kind == RuleKind::kEligibility) {
      max_c_diff = std::max(max_c_diff, std::abs(p.proj->eligibility()[s] - ref.c[s]));
    }
  }
  INFO(rule_name << ": max |w - w_ref| " << max_w_diff << ", largest change " << max_change
                 << ", max |c - c_ref| " << max_c_diff << ", sweep interval "
                 << p.proj->sweepInterval());
  CHECK(max_change > 1e-3);                      // the run did change weights
  CHECK(max_w_diff < 1e-6 + 1e-5 * max_change);  // float storage of w and c
  CHECK(max_c_diff < 1e-5);
}

}  // namespace

TEST_CASE("event-driven plasticity equals stepping every synapse every step", "[snn][lazy]") {
  const ParamValues wide = {{"w_min", -1e5}, {"w_max", 1e5}};
  SECTION("rstdp (tau_c 1 s, spans sweeps)") {
    ParamValues p = wide;
    p["eta"] = 100.0;
    compareWithReference("rstdp", p, 9000);
  }
  SECTION("mstdpet (tau_c 25 ms, many sweeps)") {
    ParamValues p = wide;
    p["eta"] = 400.0;
    compareWithReference("mstdpet", p, 3000);
  }
  SECTION("mstdp") {
    compareWithReference("mstdp", wide, 3000);
  }
  SECTION("stdp additive") {
    ParamValues p = wide;
    p["a_plus"] = 0.01;
    p["a_minus"] = 0.0105;
    compareWithReference("stdp", p, 3000);
  }
}

TEST_CASE("conduction delays: a spike at step k arrives at step k + delay", "[snn][delay]") {
  for (int delay : {1, 3, 17}) {
    Network net;
    auto& pre =
        static_cast<ScriptedPopulation&>(net.add(std::make_unique<ScriptedPopulation>("pre", 1)));
    auto& post =
        static_cast<ScriptedPopulation&>(net.add(std::make_unique<ScriptedPopulation>("post", 2)));
    ProjectionSpec spec;
    spec.name = "delayed";
    spec.w_init_min = spec.w_init_max = 2.5;
    spec.delay_min_steps = spec.delay_max_steps = delay;
    net.connect(pre, post, spec);
    pre.spikeAt(0, 5);
    for (int k = 0; k < 5 + delay + 3; ++k) {
      net.step();
      const float expected = (k == 5 + delay) ? 2.5f : 0.0f;
      INFO("delay " << delay << " step " << k);
      REQUIRE(post.last_input[0] == expected);
      REQUIRE(post.last_input[1] == expected);
    }
  }
}

TEST_CASE("connectivity patterns have the promised structure", "[snn][connectivity]") {
  Rng rng(5);
  Csr out = buildConnectivity(ConnectivitySpec::fixedOutDegree(100), 1000, 1000, true, rng);
  CHECK(out.size() == 100000);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    std::set<std::uint32_t> targets(out.post.begin() + out.offsets[i],
                                    out.post.begin() + out.offsets[i + 1]);
    REQUIRE(targets.size() == 100);
    REQUIRE(targets.count(i) == 0);
  }
  Csr in = buildConnectivity(ConnectivitySpec::fixedInDegree(20), 50, 30, false, rng);
  std::vector<int> indegree(30, 0);
  for (auto p : in.post) ++indegree[p];
  for (int d : indegree) CHECK(d == 20);
  Csr prob = buildConnectivity(ConnectivitySpec::fixedProbability(0.1), 200, 200, true, rng);
  CHECK(prob.size() == Approx(0.1 * 200 * 199).epsilon(0.05));
  Csr one = buildConnectivity(ConnectivitySpec::oneToOne(), 7, 7, false, rng);
  CHECK(one.post == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6});
  CHECK_THROWS_AS(ConnectivitySpec::parseKind("all2all"), UserError);
}

TEST_CASE("fixed in/out degree: every neuron's degree is exact, every neuron reachable",
          "[snn][connectivity]") {
  // The class of the connectivity-version-1 bug: an unsigned "no exclusion" sentinel made
  // every pattern between two populations skip the last neuron and refuse degree == size.
  // Every (pre, post, degree, same population) shape, degrees up to the population size.
  for (const bool same : {false, true}) {
    for (const std::uint32_t n_pre : {1u, 2u, 7u, 40u}) {
      for (const std::uint32_t n_post : {1u, 3u, 40u}) {
        if (same && n_pre != n_post) continue;
        const std::uint32_t self = same ? 1 : 0;
        for (std::uint32_t k = 1; k <= n_post - self; ++k) {
          INFO("out-degree " << k << " from " << n_pre << " to " << n_post << " same " << same);
          Rng rng(k * 131 + n_pre);
          const Csr out =
              buildConnectivity(ConnectivitySpec::fixedOutDegree(k), n_pre, n_post, same, rng);
          std::vector<std::uint32_t> hits(n_post, 0);
          for (std::uint32_t i = 0; i < n_pre; ++i) {
            const std::set<std::uint32_t> row(out.post.begin() + out.offsets[i],
                                              out.post.begin() + out.offsets[i + 1]);
            REQUIRE(out.offsets[i + 1] - out.offsets[i] == k);
            REQUIRE(row.size() == k);  // distinct
            REQUIRE(*row.rbegin() < n_post);
            if (same) REQUIRE(row.count(i) == 0);
            for (auto p : row) ++hits[p];
          }
          // degree == every possible target: each target gets every (other) source.
          if (k == n_post - self) {
            for (std::uint32_t p = 0; p < n_post; ++p) REQUIRE(hits[p] == n_pre - self);
          }
        }
        for (std::uint32_t k = 1; k <= n_pre - self; ++k) {
          INFO("in-degree " << k << " from " << n_pre << " to " << n_post << " same " << same);
          Rng rng(k * 17 + n_post);
          const Csr in =
              buildConnectivity(ConnectivitySpec::fixedInDegree(k), n_pre, n_post, same, rng);
          std::vector<std::uint32_t> indegree(n_post, 0), outdegree(n_pre, 0);
          for (std::uint32_t i = 0; i < n_pre; ++i) {
            for (auto s = in.offsets[i]; s < in.offsets[i + 1]; ++s) {
              REQUIRE(in.post[s] < n_post);
              if (same) REQUIRE(in.post[s] != i);
              ++indegree[in.post[s]];
              ++outdegree[i];
            }
          }
          for (std::uint32_t p = 0; p < n_post; ++p) REQUIRE(indegree[p] == k);
          if (k == n_pre - self) {
            for (std::uint32_t i = 0; i < n_pre; ++i) REQUIRE(outdegree[i] == n_post - self);
          }
        }
      }
    }
  }
  // The last neuron is drawn as often as any other (40 -> 40, out-degree 4, 2000 rows: each
  // target is expected 200 times; the old bug gave the last one 0).
  Rng rng(9);
  const Csr big = buildConnectivity(ConnectivitySpec::fixedOutDegree(4), 2000, 40, false, rng);
  std::vector<int> hits(40, 0);
  for (auto p : big.post) ++hits[p];
  for (int h : hits) CHECK(h > 120);
  Rng r2(1);
  CHECK_THROWS_AS(buildConnectivity(ConnectivitySpec::fixedOutDegree(41), 5, 40, false, r2),
                  UserError);
}

TEST_CASE("Izhikevich presets: RS spikes tonically, FS faster; resets follow c and d",
          "[snn][izhikevich]") {
  Network net;
  auto& rs = net.addPopulation("izhikevich:RS", "rs", 1);
  auto& fs = net.addPopulation("izhikevich:FS", "fs", 1);
  rs.bias()[0] = fs.bias()[0] = 10.0f;
  net.run(1000);
  INFO("RS " << rs.spikeCount() << " spikes/s, FS " << fs.spikeCount());
  CHECK(rs.spikeCount() > 5);
  CHECK(rs.spikeCount() < 40);
  CHECK(fs.spikeCount() > rs.spikeCount());
  CHECK_THROWS_WITH(net.addPopulation("izhikevich:FZ", "x", 1), Catch::Contains("did you mean"));
  CHECK_THROWS_WITH(net.addPopulation("izhikevich", "y", 1, {{"a", 5.0}}),
                    Catch::Contains("out of range"));
}

TEST_CASE("LIF fires at the analytic rate for a constant drive", "[snn][lif]") {
  Network net(0.1);
  auto& lif = net.addPopulation("lif", "n", 1, {{"t_ref_ms", 2.0}});
  lif.bias()[0] = 20.0f;  // v_inf = -50 mV, above the -54 mV threshold
  net.run(100000);        // 10 s
  // Period = t_ref + tau_m ln((v_inf - v_reset) / (v_inf - v_thresh)).
  const double period_ms = 2.0 + 20.0 * std::log((-50.0 + 60.0) / (-50.0 + 54.0));
  CHECK(lif.spikeCount() / 10.0 == Approx(1000.0 / period_ms).epsilon(0.02));
}

TEST_CASE("Poisson sources fire at their rate; regular sources exactly", "[snn][sources]") {
  Network net;
  auto& poisson = net.addPopulation("poisson", "p", 1000, {{"rate_hz", 20.0}});
  auto& regular = net.addPopulation("regular", "r", 3, {{"rate_hz", 50.0}});
  net.run(2000);
  CHECK(poisson.spikeCount() / 1000.0 / 2.0 == Approx(20.0).epsilon(0.02));
  CHECK(regular.spikeCount() == 3 * 100);
}

TEST_CASE("neuromodulator: pulses decay with tau, baseline tracks the reward average",
          "[snn][modulator]") {
  NeuromodulatorModel m;
  m.tau_ms = 200;
  m.tonic = 0.002;
  m.baseline = NeuromodulatorModel::Baseline::kRunningAverage;
  m.baseline_window = 10;
  Neuromodulator da(m);
  da.deliverReward(1.0);
  CHECK(da.step() == Approx(1.002));
  for (int i = 0; i < 199; ++i) da.step();
  CHECK(da.level() == Approx(std::exp(-1.0)).epsilon(1e-9));
  CHECK(da.baseline() == Approx(0.1));
  for (int i = 0; i < 500; ++i) da.deliverReward(1.0);
  CHECK(da.baseline() == Approx(1.0).epsilon(1e-6));
  const double before = da.level();
  da.deliverReward(1.0);  // predicted reward: almost no pulse
  CHECK(da.level() - before == Approx(0.0).margin(1e-6));
  CHECK_THROWS_AS(makeNeuromodulator({{"baseline", 1.5}}), UserError);
}

TEST_CASE("rules: registry, parameter checks, storage per synapse", "[snn][rules]") {
  std::set<std::string> names;
  for (const auto& r : plasticityRules()) names.insert(r.name);
  CHECK(names == std::set<std::string>{"none", "stdp", "hebbian", "mstdp", "mstdpet", "rstdp",
                                       "feedback_rstdp"});
  // Every rule declares itself consistently: the engine's modulated kinds need a modulator, a
  // window rule (its own learner) keeps the engine's weights fixed, and every rule with weight
  // bounds refuses w_min above w_max.
  for (const auto& r : plasticityRules()) {
    INFO("rule " << r.name);
    const PlasticityRule engine = makeRule(r.name);
    if (engine.modulated()) CHECK(r.needs.modulator);
    if (r.make_learner) CHECK(engine.kind == RuleKind::kNone);
    if (!r.make_learner && !engine.modulated()) CHECK_FALSE(r.needs.modulator);
    if (findParam(r.params, "w_min") && findParam(r.params, "w_max")) {
      CHECK_THROWS_WITH(makeRule(r.name, {{"w_min", 2.0}, {"w_max", 1.0}}),
                        Catch::Contains("w_min must not exceed w_max"));
    }
  }
  // Switches travel as 1 or 0 and are checked as switches.
  CHECK(makeRule("feedback_rstdp", {{"gate", 0.0}}).name == "feedback_rstdp");
  CHECK_THROWS_WITH(makeRule("feedback_rstdp", {{"gate", 0.5}}), Catch::Contains("true or false"));
  CHECK_THROWS_WITH(makeRule("rstpd"), Catch::Contains("did you mean 'rstdp'"));
  CHECK_THROWS_WITH(makeRule("rstdp", {{"tau_c", 5.0}}), Catch::Contains("tau_c_ms"));
  CHECK_THROWS_AS(makeRule("stdp", {{"mu", 2.0}}), UserError);

  Network net;
  auto& a = net.addPopulation("izhikevich", "a", 100);
  ProjectionSpec spec;
  spec.name = "sparse";
  spec.connectivity = ConnectivitySpec::fixedOutDegree(10);
  spec.rule = makeRule("rstdp");
  const double sparse_bytes = net.connect(a, a, spec).bytesPerSynapse();
  CHECK(sparse_bytes <= 16.0);
  CHECK(sparse_bytes == 13.0);  // float w, float c, uint32 post, uint8 delay (README's figure)
  auto& b = net.addPopulation("lif", "b", 20);
  spec.name = "dense";
  spec.connectivity = ConnectivitySpec::allToAll();
  CHECK(net.connect(a, b, spec).bytesPerSynapse() == 9.0);  // post index implicit (README)
}

TEST_CASE("hebbian (Oja) weights converge instead of growing without bound", "[snn][hebbian]") {
  Network net;
  auto& pre = net.addPopulation("poisson", "pre", 20, {{"rate_hz", 20.0}});
  auto& post = net.addPopulation("poisson", "post", 1, {{"rate_hz", 20.0}});
  ProjectionSpec spec;
  spec.name = "oja";
  spec.w_init_min = spec.w_init_max = 0.1;
  spec.rule = makeRule("hebbian", {{"eta", 0.01}, {"w_max", 100.0}});
  auto& proj = net.connect(pre, post, spec);
  net.run(20000);
  net.flush();
  // Fixed point of w += eta (x - y w) with independent Poisson trains: <x> at a post spike is
  // r_pre tau_plus = 0.4, <y> right after it is 1 + r_post tau_minus = 1.4, so w* = 0.4 / 1.4.
  double mean = 0;
  for (float w : proj.weights()) mean += w / 20.0;
  CHECK(mean == Approx(0.4 / 1.4).epsilon(0.1));
}

TEST_CASE("determinism: the same seed gives the same spikes and weights, bit for bit",
          "[snn][determinism]") {
  auto run = [](std::uint64_t seed) {
    Network net(1.0, seed);
    auto& exc = net.addPopulation("izhikevich:RS", "exc", 200, {{"noise", 6.5}});
    ProjectionSpec spec;
    spec.name = "ee";
    spec.connectivity = ConnectivitySpec::fixedOutDegree(20);
    spec.w_init_min = 0.0;
    spec.w_init_max = 2.0;
    spec.delay_max_steps = 5;
    spec.rule = makeRule("rstdp");
    auto& proj = net.connect(exc, exc, spec);
    std::uint64_t spike_hash = 0;
    for (int k = 0; k < 3000; ++k) {
      if (k % 500 == 0) net.modulator().addPulse(0.5);
      net.step();
      for (auto i : exc.spikes()) spike_hash = spike_hash * 1000003 + i + 7 * k;
    }
    net.flush();
    std::uint64_t w_hash = 0;
    for (float w : proj.weights()) {
      std::uint32_t bits;
      std::memcpy(&bits, &w, 4);
      w_hash = w_hash * 31 + bits;
    }
    return std::make_pair(spike_hash, w_hash);
  };
  const auto a = run(3), b = run(3), c = run(4);
  INFO("spike hash " << a.first << ", weight hash " << a.second);
  CHECK(a == b);
  CHECK(a.first != c.first);
}

namespace {

/// Everything a run of a network produced, bit for bit: per-step spike hashes, weights and
/// eligibility as they are at the end (read without and then with a flush), the operation counts.
struct NetworkTrace {
  std::vector<std::uint64_t> spike_hash;                          // one per population
  std::vector<std::uint64_t> spikes;                              // count per population
  std::vector<std::vector<float>> current, flushed, eligibility;  // per projection
  std::vector<std::uint64_t> counts;
  bool operator==(const NetworkTrace&) const = default;
};

/// A network with every model, rule kind, layout and connectivity, run for `steps` steps;
/// `threads_at(k)` gives the thread count to use from step k on.
template <class ThreadsAt>
NetworkTrace runEveryKind(int steps, ThreadsAt threads_at) {
  Network net(1.0, 11);
  auto& in = net.addPopulation("poisson", "in", 60, {{"rate_hz", 40.0}});
  auto& beat = net.addPopulation("regular", "beat", 9, {{"rate_hz", 25.0}});
  auto& exc = net.addPopulation("izhikevich:RS", "exc", 150, {{"noise", 6.5}});
  auto& lif = net.addPopulation("lif_adaptive", "lif", 37, {{"theta_plus_mv", 0.05}});
  auto connect = [&](Population& a, Population& b, const std::string& name, ConnectivitySpec c,
                     PlasticityRule rule, double w_min, double w_max, int d_max) {
    ProjectionSpec spec;
    spec.name = name;
    spec.connectivity = c;
    spec.rule = std::move(rule);
    spec.w_init_min = w_min;
    spec.w_init_max = w_max;
    spec.delay_max_steps = d_max;
    net.connect(a, b, spec);
  };
  connect(in, exc, "in_exc", ConnectivitySpec::fixedOutDegree(30),
          makeRule("stdp", {{"a_plus", 0.05}, {"a_minus", 0.06}, {"w_max", 8.0}}), 1.0, 6.0, 4);
  connect(in, lif, "in_lif", ConnectivitySpec::allToAll(),
          makeRule("mstdpet", {{"tau_c_ms", 20.0}, {"w_max", 4.0}}), 0.5, 3.0, 1);
  connect(exc, exc, "exc_exc", ConnectivitySpec::fixedProbability(0.1),
          makeRule("rstdp", {{"tau_c_ms", 50.0}}), 0.0, 2.0, 3);
  connect(exc, lif, "exc_lif", ConnectivitySpec::fixedInDegree(10),
          makeRule("hebbian", {{"eta", 0.01}, {"w_max", 5.0}}), 0.0, 2.0, 2);
  connect(lif, exc, "lif_exc", ConnectivitySpec::fixedOutDegree(5), makeRule("mstdp"), 0.0, 3.0, 1);
  connect(beat, lif, "beat_lif", ConnectivitySpec::allToAll(), makeRule("none"), -0.5, 0.0, 2);
  net.setCounting(true);
  NetworkTrace t;
  t.spike_hash.assign(net.populations().size(), 0);
  t.spikes.assign(net.populations().size(), 0);
  for (int k = 0; k < steps; ++k) {
    net.setThreads(threads_at(k));
    if (k % 150 == 0) net.modulator().addPulse(k % 300 == 0 ? 0.5 : -0.3);
    net.step();
    for (std::size_t p = 0; p < net.populations().size(); ++p) {
      for (auto i : net.populations()[p]->spikes()) {
        t.spike_hash[p] = t.spike_hash[p] * 1000003 + i + 7 * static_cast<std::uint64_t>(k);
        ++t.spikes[p];
      }
    }
  }
  for (const auto& proj : net.projections()) t.current.push_back(net.currentWeights(*proj));
  net.flush();
  for (const auto& proj : net.projections()) {
    t.flushed.push_back(proj->weights());
    t.eligibility.push_back(proj->eligibility());
  }
  const OpCounts c = net.counts();
  t.counts = {c.ac,
              c.dense,
              c.plasticity,
              c.elig_updates,
              c.weight_writes,
              c.neuron_active,
              c.neuron_inactive,
              c.spikes,
              c.neuron_steps};
  return t;
}

}  // namespace

TEST_CASE("threads: a network split across 2 or 3 threads gives the bits of 1 thread",
          "[snn][determinism][threads]") {
  // Every neuron model, every rule kind (with sweeps: in_lif's 20 ms eligibility sweeps every
  // 160 steps), dense and sparse, delays up to 4 steps, counting on; 3 threads cut 37 neurons
  // unevenly; switching mid-run must not change anything either.
  const int steps = 1500;
  const NetworkTrace one = runEveryKind(steps, [](int) { return 1; });
  for (std::size_t p = 0; p < one.spikes.size(); ++p) {
    INFO("population " << p);
    CHECK(one.spikes[p] > 20);  // every population takes part
  }
  INFO("spike hash of exc " << one.spike_hash[2]);
  CHECK(runEveryKind(steps, [](int) { return 2; }) == one);
  CHECK(runEveryKind(steps, [](int) { return 3; }) == one);
  CHECK(runEveryKind(steps, [](int k) { return k < 400 ? 1 : (k < 900 ? 3 : 2); }) == one);
  // The comparison sees one changed weight bit.
  NetworkTrace other = one;
  other.flushed[0][0] += 1.0f;
  CHECK_FALSE(other == one);
}

TEST_CASE("threads: bad counts and unsorted explicit rows are refused", "[snn][threads]") {
  Network net(1.0, 1);
  auto& a = net.addPopulation("poisson", "a", 3, {{"rate_hz", 10.0}});
  auto& b = net.addPopulation("lif", "b", 3);
  CHECK_THROWS_WITH(net.setThreads(0), Catch::Contains("expected 1 to 256"));
  ProjectionSpec spec;
  spec.name = "unsorted";
  Csr csr;
  csr.offsets = {0, 2, 2, 3};
  csr.post = {2, 0, 1};
  spec.explicit_synapses = csr;
  net.connect(a, b, spec);
  CHECK_THROWS_WITH(net.setThreads(2),
                    Catch::Contains("'unsorted'") && Catch::Contains("not sorted by post neuron"));
  CHECK(net.threads() == 1);
  net.run(10);  // still runs on one thread
}

// ---- feedback_rstdp (snn/feedback_rule): a window rule ----

TEST_CASE("feedback_rstdp: gated pairings, eligibility and weight change by hand",
          "[snn][feedback]") {
  // 2 pre neurons -> 4 post neurons in 2 groups of 2, all to all; synapse i -> j at i * 4 + j.
  Network net(1.0, 7);
  auto& pre = net.addPopulation("poisson", "pre", 2, {{"rate_hz", 0.0}});
  auto& post = net.addPopulation("lif", "post", 4);
  ProjectionSpec spec;
  spec.name = "pre_post";
  spec.w_init_min = spec.w_init_max = 2.0;
  Projection& proj = net.connect(pre, post, spec);
  FeedbackRuleParams p = FeedbackRuleParams::fromValues({});
  p.eta = 0.01;
  p.tau_plus_ms = 20;
  p.lambda = 0.5;
  FeedbackRule rule(proj, p, 2, 1.0);
  const double d = std::exp(-1.0 / 20.0);  // pre trace decay per 1 ms step
  const std::vector<std::uint32_t> none, zero = {0}, one = {1}, three = {3};
  rule.onStep(zero, none);   // step 0: pre 0 fires (trace 1 after the step)
  rule.onStep(none, one);    // step 1: post 1 fires: pairing x_0 = d
  rule.onStep(none, three);  // step 2: post 3 fires: pairing x_0 = d^2
  const std::vector<double> probs = {0.25, 0.75};
  rule.endWindow(0, probs);  // action 0: gate +0.75 on group 0 (posts 0, 1), -0.75 on group 1
  CHECK(rule.eligibility()[1] == Approx(0.75 * d));
  CHECK(rule.eligibility()[3] == Approx(-0.75 * d * d));
  CHECK(rule.eligibility()[0] == 0.0f);
  CHECK(rule.eligibility()[4 + 1] == 0.0f);  // pre 1 never fired
  rule.learn(2.0);                           // TD error 2: w += eta * 2 * e
  CHECK(proj.weights()[1] == Approx(2.0 + 0.01 * 2.0 * 0.75 * d));
  CHECK(proj.weights()[3] == Approx(2.0 - 0.01 * 2.0 * 0.75 * d * d));
  CHECK(proj.weights()[0] == 2.0f);
  // The next window without pairings: the eligibility decays by lambda.
  rule.endWindow(1, probs);
  CHECK(rule.eligibility()[1] == Approx(0.5 * 0.75 * d));
  // Performance-dependent rate: mean return after one episode of 250 with tau 10 is 25.
  FeedbackRuleParams q = p;
  q.performance_target = 500;
  q.performance_tau_episodes = 10;
  FeedbackRule scaled(proj, q, 2, 1.0);
  scaled.endEpisode(250);
  CHECK(scaled.rateScale() == Approx(1.0 - 25.0 / 500.0));
}

TEST_CASE("feedback_rstdp: the gate has zero mean when actions follow p", "[snn][feedback]") {
  // Averaged over actions drawn with probabilities p, (1[a = g] - p_g) is zero: with the same
  // pairings every window, the eligibility's expectation stays zero (no drift without a TD
  // error), unlike ungated pairings.
  Network net(1.0, 7);
  auto& pre = net.addPopulation("poisson", "pre", 1, {{"rate_hz", 0.0}});
  auto& post = net.addPopulation("lif", "post", 2);
  ProjectionSpec spec;
  spec.name = "pre_post";
  Projection& proj = net.connect(pre, post, spec);
  FeedbackRuleParams p = FeedbackRuleParams::fromValues({});
  p.lambda = 1.0;  // sum over windows
  FeedbackRule gated(proj, p, 1, 1.0);
  p.gate = false;
  FeedbackRule ungated(proj, p, 1, 1.0);
  Rng rng(5);
  const std::vector<double> probs = {0.3, 0.7};
  const std::vector<std::uint32_t> none, zero = {0}, both = {0, 1};
  for (int w = 0; w < 20000; ++w) {
    const int action = rng.uniform() < 0.3 ? 0 : 1;
    for (FeedbackRule* rule : {&gated, &ungated}) {
      rule->onStep(zero, none);
      rule->onStep(none, both);
      rule->endWindow(action, probs);
    }
  }
  for (int j = 0; j < 2; ++j) {
    // The gate's mean over 20,000 draws has a standard error of sqrt(0.21 / 20000) = 0.003.
    INFO("post " << j << ": gated " << gated.eligibility()[j] << ", ungated "
                 << ungated.eligibility()[j]);
    CHECK(ungated.eligibility()[j] > 0.0f);
    CHECK(std::abs(gated.eligibility()[j]) < 0.015 * ungated.eligibility()[j]);
  }
}

TEST_CASE("operation counts equal the numbers worked out by hand (3 inputs -> 2 outputs)",
          "[snn][ops]") {
  // 3 pre -> 2 post, all to all, delay 1, synapse i -> j at 2i + j. Weights
  //   pre 0: (0.5, 0)   pre 1: (0.3, 0.2)   pre 2: (0.1, 0.4)   -- one zero weight.
  // Pre spikes: 0 at step 1; 1 and 2 at step 2; 0 at step 4. Post 1 spikes at step 3. Steps 0..5.
  // By hand (NeuroBench's definitions, snn/ops.hpp):
  //   ac     = step 1: row 0 has 1 non-zero weight; step 2: rows 1, 2 have 2 + 2; step 4: 1 -> 6
  //            (8 synapse events, 2 of them through the zero weight)
  //   dense  = 6 synapses x 6 steps = 36
  //   spikes = 4 pre + 1 post = 5; neuron steps = 5 neurons x 6 steps = 30; sparsity 1 - 5/30
  //   active = pre: the 4 spiking updates (no input, no bias); post: step 2 post 0 (0.5 arrives;
  //            post 1 receives only the zero weight: nothing), step 3 both (0.4 and 0.6, and
  //            post 1 spikes), step 5 post 0 -> 4; total 8 of 30 updates, 22 inactive.
  //   plasticity (eligibility rule): a row visit at each of the 4 pre spikes (2 synapses each)
  //            = 8, then the flush visits all 3 rows = 6 more: 14 eligibility values and 14
  //            weights written. Without a rule: none.
  auto run = [](const PlasticityRule& rule, bool counting) {
    auto pair = std::make_unique<Pair>(rule, 0.0, NeuromodulatorModel{}, 3, 2);
    pair->proj->weights() = {0.5f, 0.0f, 0.3f, 0.2f, 0.1f, 0.4f};
    pair->pre->spikeAt(0, 1);
    pair->pre->spikeAt(1, 2);
    pair->pre->spikeAt(2, 2);
    pair->pre->spikeAt(0, 4);
    pair->post->spikeAt(1, 3);
    pair->net.setCounting(counting);
    pair->net.run(6);
    return pair;
  };
  const auto frozen = run(makeRule("none"), true);
  OpCounts c = frozen->net.counts();
  CHECK(c.ac == 6);
  CHECK(frozen->proj->events() == 8);
  CHECK(c.mac == 0);
  CHECK(c.dense == 36);
  CHECK(c.spikes == 5);
  CHECK(c.neuron_steps == 30);
  CHECK(c.activationSparsity() == Approx(1.0 - 5.0 / 30.0));
  CHECK(c.neuron_active == 8);
  CHECK(c.neuron_inactive == 22);
  CHECK(c.plasticity == 0);
  CHECK(frozen->proj->zeroWeights() == 1);  // connection sparsity 1/6

  // mstdpet without a modulator: eligibility is built, weights stay (m = 0).
  const PlasticityRule elig = makeRule("mstdpet", {{"a_plus", 0.1}, {"a_minus", 0.1}});
  const auto plastic = run(elig, true);
  plastic->net.flush();
  c = plastic->net.counts();
  CHECK(c.ac == 6);
  CHECK(c.plasticity == 14);
  CHECK(c.elig_updates == 14);
  CHECK(c.weight_writes == 14);
  // Counting only reads: the same weights and eligibility, bit for bit, with it off.
  const auto quiet = run(elig, false);
  quiet->net.flush();
  CHECK(quiet->net.counts().ac == 0);
  CHECK(quiet->proj->weights() == plastic->proj->weights());
  CHECK(quiet->proj->eligibility() == plastic->proj->eligibility());

  // A rule without eligibility (stdp) writes weights only: 8 at the spikes + 6 at the flush.
  const auto stdp = run(makeRule("stdp", {{"a_plus", 0.01}, {"a_minus", 0.01}}), true);
  stdp->net.flush();
  c = stdp->net.counts();
  CHECK(c.plasticity == 14);
  CHECK(c.weight_writes == 14);
  CHECK(c.elig_updates == 0);
}

TEST_CASE("feedback_rstdp counts its pairings, eligibility and weight writes", "[snn][ops]") {
  // 2 pre -> 4 post (8 synapses). By hand: one post spike pairs with both pre synapses (2),
  // the window's end updates all 8 eligibilities, learn() writes all 8 weights: 18 visits.
  Network net(1.0, 7);
  auto& pre = net.addPopulation("poisson", "pre", 2, {{"rate_hz", 0.0}});
  auto& post = net.addPopulation("lif", "post", 4);
  ProjectionSpec spec;
  spec.name = "pre_post";
  Projection& proj = net.connect(pre, post, spec);
  FeedbackRule rule(proj, FeedbackRuleParams::fromValues({}), 2, 1.0);
  const std::vector<std::uint32_t> none, zero = {0}, one = {1};
  rule.onStep(zero, none);
  rule.onStep(none, one);
  const std::vector<double> probs = {0.5, 0.5};
  rule.endWindow(0, probs);
  rule.learn(1.0);
  CHECK(rule.counts().plasticity == 18);
  CHECK(rule.counts().elig_updates == 10);
  CHECK(rule.counts().weight_writes == 8);
  rule.learn(0.0);  // no signal: nothing written
  CHECK(rule.counts().weight_writes == 8);
}

TEST_CASE("lif_adaptive: each spike raises the threshold by theta_plus which decays with tau_theta",
          "[snn][lif]") {
  Network net(1.0);
  // tau_theta 1e12 ms: no decay within the test, so theta = spikes x theta_plus.
  auto& n = net.addPopulation("lif_adaptive", "n", 2,
                              {{"theta_plus_mv", 0.5}, {"tau_theta_ms", 1e12}, {"t_ref_ms", 2.0}});
  auto& plain = net.addPopulation("lif", "p", 2, {{"t_ref_ms", 2.0}});
  CHECK(n.model() == "lif_adaptive");
  n.bias()[0] = plain.bias()[0] = 30.0f;  // v_inf = -40 mV, well above threshold
  net.run(2000);
  const auto theta = n.learnedState();
  REQUIRE(theta.size() == 2);
  CHECK(theta[0] == Approx(0.5 * static_cast<double>(n.spikeCount())).epsilon(1e-5));
  CHECK(theta[1] == 0.0);                      // never fired
  CHECK(n.spikeCount() < plain.spikeCount());  // the raised threshold slows it down
  // The threshold reached -54 + theta: once theta > 14 mV, v_inf = -40 mV is below it: silent.
  CHECK(theta[0] > 13.5);
  CHECK(theta[0] < 14.0 + 0.5 + 1e-3);
  // resetState keeps what was learned; frozen, a spike adds nothing.
  net.resetState();
  CHECK(n.learnedState() == theta);
  n.setLearnedState({0.0, 0.0});
  n.setAdapting(false);
  const std::uint64_t before = n.spikeCount();
  net.run(500);
  CHECK(n.spikeCount() > before);
  CHECK(n.learnedState() == std::vector<double>{0.0, 0.0});
  // Decay: theta = 1 mV with tau_theta 100 ms and no spikes is exp(-1) after 100 steps of 1 ms.
  Network quiet(1.0);
  auto& q = quiet.addPopulation("lif_adaptive", "q", 1, {{"tau_theta_ms", 100.0}});
  q.setLearnedState({1.0});
  quiet.run(100);
  CHECK(q.learnedState()[0] == Approx(std::exp(-1.0)).epsilon(1e-4));
}

TEST_CASE("learning off freezes every rule: weights delivered but unchanged until it is on again",
          "[snn][freeze]") {
  for (const std::string rule : {"stdp", "hebbian", "mstdp", "rstdp"}) {
    Network net(1.0, 5);
    auto& pre = net.addPopulation("poisson", "pre", 20, {{"rate_hz", 50.0}});
    auto& post = net.addPopulation("lif", "post", 5, {});
    ProjectionSpec spec;
    spec.name = "p";
    spec.connectivity.kind = ConnectivitySpec::Kind::kAllToAll;
    spec.w_init_min = 2.0, spec.w_init_max = 4.0;
    spec.rule = makeRule(rule, {{"w_max", 10.0}});
    auto& proj = net.connect(pre, post, spec);
    INFO(rule);
    auto learn = [&](int steps) {
      for (int t = 0; t < steps; ++t) {
        if (t % 50 == 0) net.modulator().deliverReward(1.0);
        net.step();
      }
    };
    learn(300);
    net.setPlasticity(false);
    const std::vector<float> frozen = net.currentWeights(proj);
    const std::uint64_t spikes_before = post.spikeCount();
    learn(1000);
    net.resetState();  // a new episode while frozen
    learn(300);
    CHECK(post.spikeCount() > spikes_before);  // the weights are still delivered
    CHECK(net.currentWeights(proj) == frozen);
    net.flush();
    CHECK(proj.weights() == frozen);
    net.setPlasticity(true);
    learn(1000);
    CHECK(net.currentWeights(proj) != frozen);
  }
}
