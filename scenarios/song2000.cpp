#include "scenarios/song2000.hpp"

#include <algorithm>

#include "snn/network.hpp"

namespace spikegym::scenarios {

using namespace spikegym::snn;  // a scenario is built from snn units throughout

Song2000Result runSong2000(const Song2000Config& config) {
  Network net(1.0, config.seed);
  auto& inputs = net.addPopulation("poisson", "inputs", static_cast<std::uint32_t>(config.inputs),
                                   {{"rate_hz", config.input_rate_hz}});
  auto& neuron = net.addPopulation("lif", "neuron", 1,
                                   {{"tau_m_ms", 20.0},
                                    {"v_rest_mv", -70.0},
                                    {"v_reset_mv", -60.0},
                                    {"v_thresh_mv", -54.0},
                                    {"t_ref_ms", 0.0},
                                    {"tau_syn_ms", 5.0}});
  ProjectionSpec spec;
  spec.name = "inputs_neuron";
  spec.connectivity = ConnectivitySpec::allToAll();
  spec.w_init_min = 0.0;
  spec.w_init_max = config.w_max;
  const double a_plus = 0.005 * config.w_max;
  spec.rule = makeRule("stdp", {{"a_plus", a_plus},
                                {"a_minus", 1.05 * a_plus},
                                {"tau_plus_ms", 20.0},
                                {"tau_minus_ms", 20.0},
                                {"mu", 0.0},
                                {"w_min", 0.0},
                                {"w_max", config.w_max}});
  Projection& proj = net.connect(inputs, neuron, spec);

  Song2000Result result;
  const auto steps_per_report = static_cast<std::uint64_t>(config.report_every_s * 1000.0);
  const auto reports = static_cast<std::uint64_t>(config.sim_s / config.report_every_s);
  for (std::uint64_t r = 0; r < reports; ++r) {
    const std::uint64_t before = neuron.spikeCount();
    net.run(steps_per_report);
    result.rate_hz.push_back(static_cast<double>(neuron.spikeCount() - before) /
                             config.report_every_s);
  }
  net.flush();
  result.weights = proj.weights();
  result.histogram.assign(config.histogram_bins, 0.0);
  for (float w : result.weights) {
    const int b = std::min(config.histogram_bins - 1,
                           static_cast<int>(w / config.w_max * config.histogram_bins));
    result.histogram[b] += 1.0 / static_cast<double>(result.weights.size());
  }
  return result;
}

}  // namespace spikegym::scenarios
