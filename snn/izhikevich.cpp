#include "snn/izhikevich.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spikegym::snn {

const std::vector<std::pair<std::string, IzhikevichModel>>& izhikevichPresets() {
  static const std::vector<std::pair<std::string, IzhikevichModel>> presets = [] {
    auto make = [](double a, double b, double c, double d) {
      IzhikevichModel m;
      m.a = a, m.b = b, m.c = c, m.d = d;
      return m;
    };
    return std::vector<std::pair<std::string, IzhikevichModel>>{
        {"RS", make(0.02, 0.2, -65, 8)},   {"IB", make(0.02, 0.2, -55, 4)},
        {"CH", make(0.02, 0.2, -50, 2)},   {"FS", make(0.1, 0.2, -65, 2)},
        {"LTS", make(0.02, 0.25, -65, 2)}, {"TC", make(0.02, 0.25, -65, 0.05)},
        {"RZ", make(0.1, 0.26, -65, 2)},
    };
  }();
  return presets;
}

IzhikevichPopulation::IzhikevichPopulation(const std::string& name, std::uint32_t size,
                                           const IzhikevichModel& model, std::uint64_t seed)
    : Population(name, "izhikevich", size),
      m_(model),
      noise_key_(static_cast<std::uint32_t>(rngStream(seed, "izhikevich-noise:" + name).next())),
      v_(size),
      u_(size) {
  resetState();
}

void IzhikevichPopulation::resetState() {
  Population::resetState();
  std::fill(v_.begin(), v_.end(), static_cast<float>(m_.v_init_mv));
  std::fill(u_.begin(), u_.end(), static_cast<float>(m_.b * m_.v_init_mv));
}

void IzhikevichPopulation::update(const float* input, std::uint64_t step_index, std::uint32_t begin,
                                  std::uint32_t end, std::vector<std::uint32_t>& spikes) {
  const std::uint32_t n = end;
  float* v = v_.data();
  float* u = u_.data();
  const float* bias = bias_.data();
  const float a = static_cast<float>(m_.a), b = static_cast<float>(m_.b);
  const float c = static_cast<float>(m_.c), d = static_cast<float>(m_.d);
  const float peak = static_cast<float>(m_.v_peak_mv);
  const float h = static_cast<float>(m_.dt_ms * 0.5), dt = static_cast<float>(m_.dt_ms);
  const float noise2 = static_cast<float>(2.0 * m_.noise), noise = static_cast<float>(m_.noise);
  const std::uint32_t key = CounterNoise::stepKey(noise_key_, step_index);
  // Spike test and reset first (on the state reached last step), as in Izhikevich's code.
  // Spikes are rare: compare 8 potentials at once and look only at the hits (the same test,
  // v >= peak, false for NaN, in ascending order).
  std::uint32_t i = begin;
#if defined(__AVX2__)
  const __m256 peak8 = _mm256_set1_ps(peak);
  for (; i + 8 <= n; i += 8) {
    unsigned hits = static_cast<unsigned>(
        _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(v + i), peak8, _CMP_GE_OQ)));
    while (hits != 0) {
      const std::uint32_t j = i + static_cast<std::uint32_t>(__builtin_ctz(hits));
      hits &= hits - 1;
      spikes.push_back(j);
      v[j] = c;
      u[j] += d;
    }
  }
#endif
  for (; i < n; ++i) {
    if (v[i] >= peak) {
      spikes.push_back(i);
      v[i] = c;
      u[i] += d;
    }
  }
  // Branch-free integration over all neurons (vectorises).
  for (std::uint32_t i = begin; i < n; ++i) {
    const float current = input[i] + bias[i] + (noise2 * CounterNoise::uniform01(key, i) - noise);
    float vi = v[i];
    const float ui = u[i];
    vi += h * ((0.04f * vi + 5.0f) * vi + 140.0f - ui + current);
    vi += h * ((0.04f * vi + 5.0f) * vi + 140.0f - ui + current);
    v[i] = vi;
    u[i] = ui + dt * a * (b * vi - ui);
  }
}

namespace {

ParamTable izhikevichParams() {
  const IzhikevichModel m;
  return {
      {"a", m.a, 0.0, 1.0, "[1/ms] recovery time scale (RS 0.02, FS 0.1)"},
      {"b", m.b, -1.0, 1.0, "[1] sensitivity of recovery to v (typically 0.2)"},
      {"c", m.c, -100.0, 0.0, "[mV] reset potential (RS -65)"},
      {"d", m.d, -10.0, 20.0, "[mV/ms] recovery jump at a spike (RS 8, FS 2)"},
      {"v_peak_mv", m.v_peak_mv, 0.0, 100.0, "[mV] spike cut-off"},
      {"v_init_mv", m.v_init_mv, -100.0, 30.0, "[mV] initial potential"},
      {"noise", m.noise, 0.0, 100.0, "[mV/ms] uniform input noise amplitude per step"},
  };
}

static const bool kRegistered = registerNeuronModel({
    .name = "izhikevich",
    .summary = "Izhikevich 2003 simple model; presets by name as izhikevich:RS, :IB, :CH, :FS, "
               ":LTS, :TC, :RZ",
    .params = izhikevichParams(),
    .presets =
        [] {
          std::vector<std::pair<std::string, ParamValues>> out;
          for (const auto& [name, m] : izhikevichPresets()) {
            out.push_back({name, {{"a", m.a}, {"b", m.b}, {"c", m.c}, {"d", m.d}}});
          }
          return out;
        }(),
    .factory =
        [](const std::string& name, std::uint32_t size, const ParamValues& p, std::uint64_t seed) {
          IzhikevichModel m;
          m.a = p.at("a"), m.b = p.at("b"), m.c = p.at("c"), m.d = p.at("d");
          m.v_peak_mv = p.at("v_peak_mv"), m.v_init_mv = p.at("v_init_mv");
          m.noise = p.at("noise"), m.dt_ms = p.at("dt_ms");
          return std::unique_ptr<Population>(
              std::make_unique<IzhikevichPopulation>(name, size, m, seed));
        },
});

}  // namespace
}  // namespace spikegym::snn
