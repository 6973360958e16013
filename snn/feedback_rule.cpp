#include "snn/feedback_rule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace spikegym::snn {
namespace {

/// Pre traces below the smallest normal float (1.2e-38) are set to 0 (onStep).
constexpr float kSmallestNormal = std::numeric_limits<float>::min();

ParamTable table() {
  return {
      {"eta", 0.002, 0, 1e3, "[mV] weight change per unit signal x gated pairing"},
      {"tau_plus_ms", 20, 0.1, 1e4, "[ms] pre trace decay"},
      {"lambda", 0.95, 0, 1, "[1] eligibility decay per env step"},
      {"w_min", 0, -1e6, 1e6, "[mV] lower weight bound"},
      {"w_max", 8, -1e6, 1e6, "[mV] upper weight bound"},
      {"performance_target", 0, 0, 1e9,
       "[return] performance-dependent rate: eta x max(floor, 1 - mean return / target); 0 off"},
      {"performance_floor", 0, 0, 1, "[1] smallest rate scale"},
      {"performance_tau_episodes", 10, 1, 1e6, "[episodes] running mean of returns"},
      {"gate",
       "true",
       Param::Kind::kBool,
       0,
       0,
       {},
       "gate the pairings by the action feedback (a - p); false: pairings alone (ablation)"},
  };
}

}  // namespace

RuleInfo feedbackRuleInfo() {
  return {"feedback_rstdp",
          "STDP pairings gated by the action feedback (a - p) of a sampled readout, x TD error "
          "(Chung & Kozma 2020); learns between windows",
          RuleKind::kNone,
          table(),
          {.modulator = true, .dense = true, .action_probabilities = true},
          [](Projection& projection, const ParamValues& params, int group_size, double dt_ms) {
            return std::make_unique<FeedbackRule>(
                projection, FeedbackRuleParams::fromValues(params), group_size, dt_ms);
          }};
}

FeedbackRuleParams FeedbackRuleParams::fromValues(const ParamValues& values) {
  static const ParamTable declared = table();
  auto get = [&values](const char* name) {
    if (auto it = values.find(name); it != values.end()) return it->second;
    const Param* p = findParam(declared, name);
    if (p->kind == Param::Kind::kBool) return p->default_value == "true" ? 1.0 : 0.0;
    double x = 0;
    parseNumber(p->default_value, x);
    return x;
  };
  return {get("eta"),
          get("tau_plus_ms"),
          get("lambda"),
          get("w_min"),
          get("w_max"),
          get("performance_target"),
          get("performance_floor"),
          get("performance_tau_episodes"),
          get("gate") != 0.0};
}

FeedbackRule::FeedbackRule(Projection& projection, const FeedbackRuleParams& params, int group_size,
                           double dt_ms)
    : projection_(projection),
      params_(params),
      group_size_(group_size),
      n_pre_(projection.pre().size()),
      n_post_(projection.post().size()),
      trace_decay_(static_cast<float>(std::exp(-dt_ms / params.tau_plus_ms))),
      x_(n_pre_, 0.0f),
      pairs_(static_cast<std::size_t>(n_pre_) * n_post_, 0.0f),
      e_(pairs_.size(), 0.0f),
      gate_(n_post_, 0.0f) {
  if (!projection.dense()) {
    throw UsageError("FeedbackRule: projection '" + projection.name() + "' is not dense");
  }
}

void FeedbackRule::reset() {
  std::fill(x_.begin(), x_.end(), 0.0f);
  std::fill(pairs_.begin(), pairs_.end(), 0.0f);
  std::fill(e_.begin(), e_.end(), 0.0f);
}

void FeedbackRule::onStep(std::span<const std::uint32_t> pre_spikes,
                          std::span<const std::uint32_t> post_spikes) {
  // A trace that decays below the smallest normal float (1.2e-38) is zero: left to decay it
  // becomes subnormal, and multiplying subnormals costs ~100 cycles each (this loop was 80% of
  // the rule's time). Its pairings would add below float resolution to anything they meet.
  for (float& x : x_) {
    x *= trace_decay_;
    x = x < kSmallestNormal ? 0.0f : x;
  }
  // Causal pairings: the pre trace before this step's pre spikes, at each post spike. Post
  // neuron j's pairings are contiguous ([j * n_pre + i]): one vector add of the traces.
  for (std::uint32_t j : post_spikes) {
    float* q = &pairs_[static_cast<std::size_t>(j) * n_pre_];
    for (std::uint32_t i = 0; i < n_pre_; ++i) q[i] += x_[i];
  }
  for (std::uint32_t i : pre_spikes) x_[i] += 1.0f;
  // Each post spike adds a pairing to its n_pre synapses' window accumulators.
  const std::uint64_t pairings = static_cast<std::uint64_t>(post_spikes.size()) * n_pre_;
  counts_.plasticity += pairings;
  counts_.elig_updates += pairings;
}

void FeedbackRule::endWindow(int action, std::span<const double> p) {
  const auto lambda = static_cast<float>(params_.lambda);
  std::vector<float>& gate = gate_;
  for (std::uint32_t j = 0; j < n_post_; ++j) {
    const int g = static_cast<int>(j) / group_size_;
    gate[j] = params_.gate ? static_cast<float>((g == action ? 1.0 : 0.0) - p[g]) : 1.0f;
  }
  for (std::uint32_t i = 0; i < n_pre_; ++i) {
    float* e = &e_[static_cast<std::size_t>(i) * n_post_];
    for (std::uint32_t j = 0; j < n_post_; ++j) {
      e[j] = lambda * e[j] + gate[j] * pairs_[static_cast<std::size_t>(j) * n_pre_ + i];
    }
  }
  std::fill(pairs_.begin(), pairs_.end(), 0.0f);
  counts_.plasticity += e_.size();
  counts_.elig_updates += e_.size();
}

void FeedbackRule::endEpisode(double episode_return) {
  if (params_.performance_target <= 0) return;
  setMeanReturn(mean_return_ + (episode_return - mean_return_) / params_.performance_tau_episodes);
}

void FeedbackRule::setMeanReturn(double r) {
  mean_return_ = r;
  if (params_.performance_target > 0) {
    scale_ =
        std::clamp(1.0 - mean_return_ / params_.performance_target, params_.performance_floor, 1.0);
  }
}

void FeedbackRule::learn(double signal) {
  const auto step = static_cast<float>(params_.eta * scale_ * signal);
  if (step == 0.0f) return;
  auto& w = projection_.weights();
  const auto lo = static_cast<float>(params_.w_min), hi = static_cast<float>(params_.w_max);
  for (std::size_t s = 0; s < w.size(); ++s) w[s] = std::clamp(w[s] + step * e_[s], lo, hi);
  counts_.plasticity += w.size();
  counts_.weight_writes += w.size();
}

double FeedbackRule::meanEligibility() const {
  double sum = 0;
  for (float x : e_) sum += std::abs(x);
  return e_.empty() ? 0.0 : sum / static_cast<double>(e_.size());
}

}  // namespace spikegym::snn
