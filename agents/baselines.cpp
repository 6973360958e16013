// Non-spiking baselines, to put SNN results in context.
//
// random      uniform actions; learns nothing.
// reinforce   REINFORCE with a learned baseline (Williams 1992; Sutton & Barto 2018, 13.4): a
//             linear softmax policy pi(a|s) ~ exp(theta_a . phi(s)) on the same Gaussian
//             receptive-field features phi as the SNN agent, a linear value baseline
//             v(s) = w . phi(s); at the end of each episode, for every step t with return G_t:
//               w     += lr_value  (G_t - v(s_t)) phi(s_t)
//               theta += lr_policy gamma^t (G_t - v(s_t)) grad log pi(a_t|s_t).
//             A truncated episode bootstraps its tail with v(s_T) (it did not fail).
#include <cmath>

#include "agents/agent.hpp"
#include "agents/checkpoint.hpp"
#include "agents/encoder.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"

namespace spikegym::agents {
namespace {

using Kind = Param::Kind;

class RandomAgent final : public Agent {
 public:
  RandomAgent(const envs::Space& action_space, std::uint64_t seed)
      : action_space_(action_space), rng_(rngStream(seed, "agent:random")) {}
  static const ParamTable& specs() {
    static const ParamTable none;
    return none;
  }
  const std::string& type() const override {
    static const std::string t = "random";
    return t;
  }
  envs::Action act(std::span<const double>) override { return action_space_.sample(rng_); }
  void observe(std::span<const double>, double, bool, bool) override {}
  Checkpoint checkpoint() const override {
    Checkpoint ck;
    ck.agent_type = type();
    ck.architecture = "random " + action_space_.describe();
    ck.sections["rng"] = rngToSection(rng_);
    return ck;
  }
  void reseedExploration(std::uint64_t seed) override { rng_.reseed(seed); }
  void restore(const Checkpoint& ck, const std::string& path) override {
    ck.expect(path, type(), "random " + action_space_.describe());
    rngFromSection(rng_, ck.section(path, "rng", 8), path);
  }

 private:
  envs::Space action_space_;
  Rng rng_;
};

class ReinforceAgent final : public Agent, public PolicyView {
 public:
  ReinforceAgent(const envs::Space& obs_space, const envs::Space& action_space,
                 const Config& config, std::uint64_t seed)
      : config_(config), encoder_(obs_space, config_), rng_(rngStream(seed, "agent:reinforce")) {
    if (action_space.kind() != envs::Space::Kind::kDiscrete) {
      throw UserError("agent 'reinforce': needs a Discrete action space");
    }
    n_actions_ = static_cast<int>(action_space.n());
    theta_.assign(static_cast<std::size_t>(n_actions_) * encoder_.size(), 0.0);
    value_w_.assign(encoder_.size(), 0.0);
    phi_.assign(encoder_.size(), 0.0f);
  }
  static const ParamTable& specs() {
    static const ParamTable s = withEncoderParams({
        {"lr_policy", "0.001", Kind::kNumber, 0, 10, {}, "[1] policy learning rate"},
        {"lr_value", "0.01", Kind::kNumber, 0, 10, {}, "[1] baseline learning rate"},
        {"gamma", "0.99", Kind::kNumber, 0, 1, {}, "[1] discount"},
    });
    return s;
  }
  const std::string& type() const override {
    static const std::string t = "reinforce";
    return t;
  }
  void onEpisodeStart() override {
    feats_.clear();
    actions_.clear();
    rewards_.clear();
  }
  envs::Action act(std::span<const double> obs) override {
    encoder_.encode(obs, phi_);
    if (counting_) {  // the policy's logits: non-zero (feature, weight) pairs per action
      const std::size_t f = phi_.size();
      for (int a = 0; a < n_actions_; ++a) {
        const double* th = theta_.data() + static_cast<std::size_t>(a) * f;
        for (std::size_t i = 0; i < f; ++i) counts_.mac += (phi_[i] != 0.0f) & (th[i] != 0.0);
      }
      counts_.dense += static_cast<std::uint64_t>(n_actions_) * f;
    }
    probabilities(phi_.data(), probs_);
    double u = rng_.uniform();
    int a = n_actions_ - 1;
    for (int i = 0; i < n_actions_; ++i) {
      if ((u -= probs_[i]) < 0) {
        a = i;
        break;
      }
    }
    if (greedy_)
      a = static_cast<int>(std::max_element(probs_.begin(), probs_.end()) - probs_.begin());
    if (learning_) {
      feats_.insert(feats_.end(), phi_.begin(), phi_.end());
      actions_.push_back(a);
    }
    return envs::Action::discrete(a);
  }
  void observe(std::span<const double> next_obs, double reward, bool terminated,
               bool truncated) override {
    if (!learning_) return;
    rewards_.push_back(reward);
    if (!terminated && !truncated) return;
    const double gamma = config_.number("gamma");
    double g = 0.0;
    if (truncated && !terminated) {
      encoder_.encode(next_obs, phi_);
      g = dot(value_w_.data(), phi_.data());
    }
    const std::size_t n = rewards_.size(), f = static_cast<std::size_t>(encoder_.size());
    if (counting_) {
      // Per step: the baseline's value and update (2f), the policy's logits and gradient step
      // (2 n_actions f), all over every weight; a truncated episode's bootstrap value (f).
      const std::uint64_t per_step = 2 * f + 2 * static_cast<std::uint64_t>(n_actions_) * f;
      const std::uint64_t macs = n * per_step + (truncated && !terminated ? f : 0);
      counts_.mac += macs;
      counts_.dense += macs;
    }
    std::vector<double> returns(n);
    for (std::size_t t = n; t-- > 0;) returns[t] = g = rewards_[t] + gamma * g;
    const double lr_pi = config_.number("lr_policy"), lr_v = config_.number("lr_value");
    double discount = 1.0;
    for (std::size_t t = 0; t < n; ++t) {
      const float* phi = feats_.data() + t * f;
      const double advantage = returns[t] - dot(value_w_.data(), phi);
      for (std::size_t i = 0; i < f; ++i) value_w_[i] += lr_v * advantage * phi[i];
      probabilities(phi, probs_);
      for (int a = 0; a < n_actions_; ++a) {
        const double grad = (a == actions_[t] ? 1.0 : 0.0) - probs_[a];
        double* th = theta_.data() + a * f;
        for (std::size_t i = 0; i < f; ++i) th[i] += lr_pi * discount * advantage * grad * phi[i];
      }
      discount *= gamma;
    }
  }
  snn::OpCounts opCounts() const override { return counts_; }
  std::vector<CostPart> costParts() const override {
    auto zeros = [](const std::vector<double>& w) {
      return static_cast<std::uint64_t>(std::count(w.begin(), w.end(), 0.0));
    };
    // The episode buffer (features of every step) is part of what REINFORCE keeps.
    const std::size_t buffer = feats_.capacity() * sizeof(float) +
                               actions_.capacity() * sizeof(int) +
                               rewards_.capacity() * sizeof(double);
    return {{"policy", "policy", theta_.size(), zeros(theta_),
             theta_.size() * sizeof(double) + buffer, counts_},
            {"baseline",
             "critic",
             value_w_.size(),
             zeros(value_w_),
             value_w_.size() * sizeof(double),
             {}}};
  }
  Diagnostics diagnostics() const override {
    double norm = 0;
    for (double t : theta_) norm += t * t;
    return {{"policy_norm", std::sqrt(norm)}};
  }
  Checkpoint checkpoint() const override {
    Checkpoint ck;
    ck.agent_type = type();
    ck.architecture = architecture();
    ck.config = config_.values();
    ck.sections["theta"] = theta_;
    ck.sections["value"] = value_w_;
    ck.sections["rng"] = rngToSection(rng_);
    return ck;
  }
  void reseedExploration(std::uint64_t seed) override { rng_.reseed(seed); }
  const PolicyView* policyView() const override { return this; }
  WeightGrid policyWeights() const override {
    WeightGrid grid;
    grid.rows = static_cast<std::uint32_t>(encoder_.size());
    grid.cols = static_cast<std::uint32_t>(n_actions_);
    grid.values.resize(static_cast<std::size_t>(grid.rows) * grid.cols);
    for (std::uint32_t f = 0; f < grid.rows; ++f) {
      for (std::uint32_t a = 0; a < grid.cols; ++a) {
        grid.values[static_cast<std::size_t>(f) * grid.cols + a] =
            static_cast<float>(theta_[static_cast<std::size_t>(a) * grid.rows + f]);
      }
    }
    return grid;
  }
  std::uint32_t featuresPerDimension() const override {
    return static_cast<std::uint32_t>(encoder_.cellsPerDim());
  }
  std::vector<double> actionProbabilities() const override { return probs_; }
  void restore(const Checkpoint& ck, const std::string& path) override {
    ck.expect(path, type(), architecture());
    theta_ = ck.section(path, "theta", theta_.size());
    value_w_ = ck.section(path, "value", value_w_.size());
    rngFromSection(rng_, ck.section(path, "rng", 8), path);
  }

 private:
  std::string architecture() const {
    return "reinforce features=" + std::to_string(encoder_.size()) +
           " actions=" + std::to_string(n_actions_);
  }
  double dot(const double* w, const float* phi) const {
    double s = 0;
    for (int i = 0; i < encoder_.size(); ++i) s += w[i] * phi[i];
    return s;
  }
  void probabilities(const float* phi, std::vector<double>& p) const {
    p.resize(n_actions_);
    double top = -1e300;
    for (int a = 0; a < n_actions_; ++a) {
      p[a] = dot(theta_.data() + static_cast<std::size_t>(a) * encoder_.size(), phi);
      top = std::max(top, p[a]);
    }
    double z = 0;
    for (double& v : p) z += v = std::exp(v - top);
    for (double& v : p) v /= z;
  }

  Config config_;
  GaussianEncoder encoder_;
  Rng rng_;
  int n_actions_ = 0;
  std::vector<double> theta_, value_w_, probs_;
  std::vector<float> phi_, feats_;
  std::vector<int> actions_;
  std::vector<double> rewards_;
  snn::OpCounts counts_;
};

static const bool kRandom = registerAgent({
    .name = "random",
    .summary = "uniformly random actions (no learning)",
    .params = RandomAgent::specs(),
    .factory = [](const envs::Space&, const envs::Space& act, const AgentDef&, std::uint64_t seed)
        -> std::unique_ptr<Agent> { return std::make_unique<RandomAgent>(act, seed); },
});

static const bool kReinforce = registerAgent({
    .name = "reinforce",
    .summary = "REINFORCE with a learned baseline: linear softmax policy on Gaussian "
               "receptive-field features (non-spiking baseline)",
    .params = ReinforceAgent::specs(),
    .factory = [](const envs::Space& obs, const envs::Space& act, const AgentDef& def,
                  std::uint64_t seed) -> std::unique_ptr<Agent> {
      return std::make_unique<ReinforceAgent>(obs, act, def.config, seed);
    },
});

}  // namespace
}  // namespace spikegym::agents
