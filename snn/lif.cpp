#include "snn/lif.hpp"

#include <algorithm>
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
  const bool delta = m_.tau_syn_ms <= 0;  // input jumps v, or feeds the synaptic current
  if (m_.adaptive && adapting_) {
    return delta ? integrate<true, true, true>(input, step_index, begin, end, spikes)
                 : integrate<true, true, false>(input, step_index, begin, end, spikes);
  }
  if (m_.adaptive) {
    return delta ? integrate<true, false, true>(input, step_index, begin, end, spikes)
                 : integrate<true, false, false>(input, step_index, begin, end, spikes);
  }
  return delta ? integrate<false, false, true>(input, step_index, begin, end, spikes)
               : integrate<false, false, false>(input, step_index, begin, end, spikes);
}

template <bool kAdaptive, bool kAdapt, bool kDelta>
void LifPopulation::integrate(const float* input, std::uint64_t step_index, std::uint32_t begin,
                              std::uint32_t end, std::vector<std::uint32_t>& spikes) {
  const float v_rest = static_cast<float>(m_.v_rest_mv);
  const float v_reset = static_cast<float>(m_.v_reset_mv);
  const float v_thresh = static_cast<float>(m_.v_thresh_mv);
  const float noise = static_cast<float>(m_.noise_mv), noise2 = 2.0f * noise;
  const std::uint32_t key = CounterNoise::stepKey(noise_key_, step_index);
  const float theta_plus = static_cast<float>(m_.theta_plus_mv);
  // In chunks, two passes: the update, branch-free so that it vectorises (the spike test a
  // select, its outcome a byte), then the indices that fired (appendFired). The same values and
  // order as one loop branching per neuron.
  constexpr std::uint32_t kChunk = 256;
  std::uint8_t fired[kChunk];
  float* v_all = v_.data();
  float* syn_all = i_syn_.data();
  std::int32_t* refractory = refractory_.data();
  float* theta = theta_.data();
  const float* bias = bias_.data();
  const float decay_m = decay_m_, decay_syn = decay_syn_, decay_theta = decay_theta_;
  const std::int32_t ref_steps = ref_steps_;
  for (std::uint32_t from = begin; from < end; from += kChunk) {
    const std::uint32_t to = std::min(end, from + kChunk);
    for (std::uint32_t i = from; i < to; ++i) {
      float v = v_all[i];
      float syn = syn_all[i];
      if constexpr (kDelta) {
        v = v + input[i];
      } else {
        syn = syn + input[i];
      }
      const float v_inf =
          v_rest + syn + bias[i] + (noise2 * CounterNoise::uniform01(key, i) - noise);
      v = v_inf + (v - v_inf) * decay_m;
      syn_all[i] = syn * decay_syn;
      const std::int32_t ref = refractory[i];  // >= 0: set to ref_steps, counted down to 0
      const std::int32_t resting = ref > 0;
      const std::int32_t fire = (1 - resting) & (v >= (kAdaptive ? v_thresh + theta[i] : v_thresh));
      v = (resting | fire) != 0 ? v_reset : v;
      refractory[i] = ref - resting + fire * ref_steps;
      if constexpr (kAdapt) {
        theta[i] = (fire != 0 ? theta[i] + theta_plus : theta[i]) * decay_theta;
      }
      fired[i - from] = static_cast<std::uint8_t>(fire);
      v_all[i] = v;
    }
    appendFired(spikes, from, fired, to - from);
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
