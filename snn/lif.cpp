#include "snn/lif.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spikegym::snn {

LifPopulation::LifPopulation(const std::string& name, std::uint32_t size, const LifModel& model,
                             std::uint64_t seed)
    : Population(name, model.adaptive ? "lif_adaptive" : "lif", size),
      m_(model),
      decay_m_(static_cast<float>(std::exp(-model.dt_ms / model.tau_m_ms))),
      decay_syn_(model.tau_syn_ms > 0
                     ? static_cast<float>(std::exp(-model.dt_ms / model.tau_syn_ms))
                     : 0.0f),
      ref_steps_(static_cast<int>(std::lround(model.t_ref_ms / model.dt_ms))),
      noise_key_(static_cast<std::uint32_t>(rngStream(seed, "lif-noise:" + name).next())),
      v_(size),
      i_syn_(size),
      refractory_(size),
      theta_(model.adaptive ? size : 0, 0.0f),
      decay_theta_(static_cast<float>(std::exp(-model.dt_ms / model.tau_theta_ms))) {
  resetState();
}

std::vector<double> LifPopulation::learnedState() const {
  return std::vector<double>(theta_.begin(), theta_.end());
}

void LifPopulation::setLearnedState(const std::vector<double>& values) {
  if (values.size() != theta_.size()) {
    throw UsageError("LifPopulation::setLearnedState: size mismatch");
  }
  for (std::size_t i = 0; i < values.size(); ++i) theta_[i] = static_cast<float>(values[i]);
}

void LifPopulation::resetState() {
  Population::resetState();
  std::fill(v_.begin(), v_.end(), static_cast<float>(m_.v_rest_mv));
  std::fill(i_syn_.begin(), i_syn_.end(), 0.0f);
  std::fill(refractory_.begin(), refractory_.end(), 0);
}

void LifPopulation::update(const float* input, std::uint64_t step_index, std::uint32_t begin,
                           std::uint32_t end, std::vector<std::uint32_t>& spikes) {
  if (m_.adaptive) {
    integrate<true>(input, step_index, begin, end, spikes);
  } else {
    integrate<false>(input, step_index, begin, end, spikes);
  }
}

template <bool kAdaptive>
void LifPopulation::integrate(const float* input, std::uint64_t step_index, std::uint32_t begin,
                              std::uint32_t end, std::vector<std::uint32_t>& spikes) {
  const float v_rest = static_cast<float>(m_.v_rest_mv);
  const float v_reset = static_cast<float>(m_.v_reset_mv);
  const float v_thresh = static_cast<float>(m_.v_thresh_mv);
  const float noise = static_cast<float>(m_.noise_mv), noise2 = 2.0f * noise;
  const bool delta = m_.tau_syn_ms <= 0;
  const std::uint32_t key = CounterNoise::stepKey(noise_key_, step_index);
  const float theta_plus = static_cast<float>(m_.theta_plus_mv);
  const bool adapt = kAdaptive && adapting_;
  for (std::uint32_t i = begin; i < end; ++i) {
    float v = v_[i];
    float syn = i_syn_[i];
    if (delta) {
      v += input[i];
    } else {
      syn += input[i];
    }
    const float v_inf =
        v_rest + syn + bias_[i] + (noise2 * CounterNoise::uniform01(key, i) - noise);
    v = v_inf + (v - v_inf) * decay_m_;
    i_syn_[i] = syn * decay_syn_;
    if (refractory_[i] > 0) {
      --refractory_[i];
      v = v_reset;
    } else if (v >= (kAdaptive ? v_thresh + theta_[i] : v_thresh)) {
      spikes.push_back(i);
      v = v_reset;
      refractory_[i] = ref_steps_;
      if (adapt) theta_[i] += theta_plus;
    }
    if (adapt) theta_[i] *= decay_theta_;
    v_[i] = v;
  }
}

namespace {

ParamTable lifParams() {
  const LifModel m;
  return {
      {"tau_m_ms", m.tau_m_ms, 0.1, 1000.0, "[ms] membrane time constant (typically 20)"},
      {"v_rest_mv", m.v_rest_mv, -100.0, 0.0, "[mV] resting potential"},
      {"v_reset_mv", m.v_reset_mv, -100.0, 0.0, "[mV] reset potential"},
      {"v_thresh_mv", m.v_thresh_mv, -100.0, 50.0, "[mV] spike threshold"},
      {"t_ref_ms", m.t_ref_ms, 0.0, 100.0, "[ms] refractory period"},
      {"tau_syn_ms", m.tau_syn_ms, 0.0, 1000.0,
       "[ms] synaptic current decay (0 = instantaneous jumps of v)"},
      {"noise_mv", m.noise_mv, 0.0, 100.0, "[mV] uniform noise amplitude on the drive per step"},
  };
}

LifModel lifFrom(const ParamValues& p) {
  LifModel m;
  m.tau_m_ms = p.at("tau_m_ms"), m.v_rest_mv = p.at("v_rest_mv");
  m.v_reset_mv = p.at("v_reset_mv"), m.v_thresh_mv = p.at("v_thresh_mv");
  m.t_ref_ms = p.at("t_ref_ms"), m.tau_syn_ms = p.at("tau_syn_ms");
  m.noise_mv = p.at("noise_mv"), m.dt_ms = p.at("dt_ms");
  return m;
}

ParamTable adaptiveLifParams() {
  const LifModel m;
  ParamTable t = lifParams();
  t.push_back({"theta_plus_mv", m.theta_plus_mv, 0.0, 100.0,
               "[mV] threshold increase per spike (Diehl & Cook 2015: 0.05)"});
  t.push_back({"tau_theta_ms", m.tau_theta_ms, 1.0, 1e12,
               "[ms] threshold increase decay (Diehl & Cook 2015: 1e7)"});
  return t;
}

static const bool kRegistered = registerNeuronModel({
    .name = "lif",
    .summary = "current-based leaky integrate-and-fire, exponential synaptic current, refractory",
    .params = lifParams(),
    .presets = {},
    .factory =
        [](const std::string& name, std::uint32_t size, const ParamValues& p, std::uint64_t seed) {
          return std::unique_ptr<Population>(
              std::make_unique<LifPopulation>(name, size, lifFrom(p), seed));
        },
});

static const bool kAdaptiveRegistered = registerNeuronModel({
    .name = "lif_adaptive",
    .summary = "lif with Diehl & Cook's adaptive threshold (learned, kept across episodes)",
    .params = adaptiveLifParams(),
    .presets = {},
    .factory =
        [](const std::string& name, std::uint32_t size, const ParamValues& p, std::uint64_t seed) {
          LifModel m = lifFrom(p);
          m.adaptive = true;
          m.theta_plus_mv = p.at("theta_plus_mv"), m.tau_theta_ms = p.at("tau_theta_ms");
          return std::unique_ptr<Population>(std::make_unique<LifPopulation>(name, size, m, seed));
        },
});

}  // namespace
}  // namespace spikegym::snn
