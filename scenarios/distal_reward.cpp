#include "scenarios/distal_reward.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace spikegym::scenarios {

using namespace spikegym::snn;  // a scenario is built from snn units throughout
namespace {

/// `count` distinct random targets in [0, n) other than `self`, sorted: draws until `count`
/// new ones came (the published code's way). `taken` (size n, all false) marks the drawn ones
/// and is left all false again.
std::vector<std::uint32_t> targets(std::uint32_t count, std::uint32_t n, std::int64_t self,
                                   Rng& rng, std::vector<char>& taken) {
  if (count + (self >= 0 ? 1 : 0) > n) {
    throw UserError("distal reward: " + std::to_string(count) + " synapses per neuron need more " +
                    "than " + std::to_string(n) + " neurons to choose from");
  }
  std::vector<std::uint32_t> out;
  out.reserve(count);
  while (out.size() < count) {
    const auto t = static_cast<std::uint32_t>(rng.below(n));
    if (t == self || taken[t]) continue;
    taken[t] = 1;
    out.push_back(t);
  }
  for (std::uint32_t t : out) taken[t] = 0;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

DistalRewardExperiment::DistalRewardExperiment(const DistalRewardConfig& config)
    : config_(config), reward_rng_(rngStream(config.seed, "distal-reward:dopamine-delay")) {
  NeuromodulatorModel da;
  da.tau_ms = 200.0;
  da.tonic = 0.002;
  net_ = std::make_unique<Network>(1.0, config.seed, da);
  if (config.neurons < 5 || config.synapses_per_neuron < 1) {
    throw UserError("distal reward: needs at least 5 neurons and 1 synapse per neuron");
  }
  const std::uint32_t kExc = config.neurons / 5 * 4, kInh = config.neurons - kExc;
  const std::uint32_t kOut = config.synapses_per_neuron;
  const double scale = 100.0 / kOut;  // [1] weight and learning-rate scale (1 as published)
  exc_ = &net_->addPopulation("izhikevich:RS", "exc", kExc, {{"noise", 6.5}});
  inh_ = &net_->addPopulation("izhikevich:FS", "inh", kInh, {{"noise", 6.5}});

  // Wiring: excitatory neurons to any neuron, inhibitory to excitatory only.
  Rng rng = rngStream(config.seed, "distal-reward:wiring");
  Csr ee, ei, ie;
  ee.offsets = {0};
  ei.offsets = {0};
  ie.offsets = {0};
  std::vector<char> taken(kExc + kInh, 0);
  for (std::uint32_t i = 0; i < kExc; ++i) {
    for (std::uint32_t t : targets(kOut, kExc + kInh, i, rng, taken)) {
      if (t < kExc) {
        ee.post.push_back(t);
      } else {
        ei.post.push_back(t - kExc);
      }
    }
    ee.offsets.push_back(static_cast<std::uint32_t>(ee.post.size()));
    ei.offsets.push_back(static_cast<std::uint32_t>(ei.post.size()));
  }
  for (std::uint32_t i = 0; i < kInh; ++i) {
    for (std::uint32_t t : targets(kOut, kExc, -1, rng, taken)) ie.post.push_back(t);
    ie.offsets.push_back(static_cast<std::uint32_t>(ie.post.size()));
  }

  ProjectionSpec spec;
  spec.rule = config.plastic ? makeRule("rstdp", {{"a_plus", 0.1},
                                                  {"a_minus", 0.15},
                                                  {"tau_plus_ms", 20.0},
                                                  {"tau_minus_ms", 20.0},
                                                  {"tau_c_ms", 1000.0},
                                                  {"eta", 100.0 * scale},
                                                  {"w_min", 0.0},
                                                  {"w_max", 4.0 * scale}})
                             : makeRule("none");
  spec.w_init_min = spec.w_init_max = 1.0 * scale;
  spec.name = "exc_exc";
  spec.explicit_synapses = ee;
  ee_ = &net_->connect(*exc_, *exc_, spec);
  spec.name = "exc_inh";
  spec.explicit_synapses = ei;
  ei_ = &net_->connect(*exc_, *inh_, spec);
  spec.name = "inh_exc";
  spec.explicit_synapses = ie;
  spec.rule = makeRule("none");
  spec.w_init_min = spec.w_init_max = -1.0 * scale;
  ie_ = &net_->connect(*inh_, *exc_, spec);
  net_->setThreads(config.threads);

  // The rewarded synapse: a random excitatory->excitatory synapse, starting at 0.
  rewarded_syn_ = static_cast<std::size_t>(rng.below(ee_->size()));
  rewarded_pre_ = static_cast<std::uint32_t>(
      std::upper_bound(ee.offsets.begin(), ee.offsets.end(), rewarded_syn_) - ee.offsets.begin() -
      1);
  rewarded_post_ = ee_->postOf(static_cast<std::uint32_t>(rewarded_syn_), rewarded_pre_);
  ee_->weights()[rewarded_syn_] = 0.0f;
}

DistalRewardRow DistalRewardExperiment::runSecond(bool report) {
  const std::uint64_t spikes_before = exc_->spikeCount() + inh_->spikeCount();
  int rewards = 0;
  for (int t = 0; t < 1000; ++t) {
    const std::int64_t k = net_->stepCount();
    // Dopamine due at this step joins the level before the step reads it.
    for (std::size_t i = 0; i < pending_rewards_.size();) {
      if (pending_rewards_[i] == k) {
        net_->modulator().addPulse(0.5);
        ++rewards;
        pending_rewards_[i] = pending_rewards_.back();
        pending_rewards_.pop_back();
      } else {
        ++i;
      }
    }
    net_->step();
    const auto& fired = exc_->spikes();
    if (std::binary_search(fired.begin(), fired.end(), rewarded_pre_)) last_pre_spike_ = k;
    if (config_.reward && std::binary_search(fired.begin(), fired.end(), rewarded_post_) &&
        k - last_pre_spike_ < 20 && k > last_pre_spike_) {
      pending_rewards_.push_back(k + 1000 + static_cast<std::int64_t>(reward_rng_.below(2001)));
    }
  }
  DistalRewardRow row{};
  row.t_s = net_->stepCount() / 1000.0;
  row.firing_rate_hz =
      static_cast<double>(exc_->spikeCount() + inh_->spikeCount() - spikes_before) /
      static_cast<double>(exc_->size() + inh_->size());
  row.rewards = rewards;
  if (!report) return row;
  net_->flush();
  row.w_rewarded = ee_->weights()[rewarded_syn_];
  scratch_.assign(ee_->weights().begin(), ee_->weights().end());
  scratch_.insert(scratch_.end(), ei_->weights().begin(), ei_->weights().end());
  double sum = 0;
  for (float w : scratch_) sum += w;
  row.w_exc_mean = sum / static_cast<double>(scratch_.size());
  const auto p99 = scratch_.begin() + static_cast<std::ptrdiff_t>(0.99 * (scratch_.size() - 1));
  std::nth_element(scratch_.begin(), p99, scratch_.end());
  row.w_exc_p99 = *p99;
  return row;
}

std::uint64_t DistalRewardExperiment::events() const {
  return ee_->events() + ei_->events() + ie_->events();
}

std::size_t DistalRewardExperiment::synapses() const {
  return ee_->size() + ei_->size() + ie_->size();
}

std::size_t DistalRewardExperiment::plasticSynapses() const {
  return config_.plastic ? ee_->size() + ei_->size() : 0;
}

}  // namespace spikegym::scenarios
