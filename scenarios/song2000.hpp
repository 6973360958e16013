// Song, Miller & Abbott (2000), "Competitive Hebbian learning through spike-timing-dependent
// synaptic plasticity", Nature Neuroscience 3:919-926, Fig. 1-2 setting, current-based.
//
// One LIF neuron (tau_m 20 ms, rest -70 mV, threshold -54 mV, reset -60 mV) driven by 1000
// independent excitatory Poisson inputs at 10 Hz through exponential synaptic currents
// (tau_syn 5 ms). Additive STDP: tau+ = tau- = 20 ms, A+ = 0.005 w_max, A- = 1.05 A+ (depression
// slightly larger in area), weights bounded in [0, w_max] and starting uniform in [0, w_max].
// Expected: the weights separate into a bimodal distribution (most near 0, a group near w_max),
// and the output rate, high at first, falls and settles at a low value.
// The paper's neuron is conductance-based (g_max 0.015 of the leak, E_ex 0 mV); this version uses
// current-based synapses with w_max = 1 mV, which puts the start in the same regime (mean drive
// above threshold, so that STDP's net depression must bring the rate down).
#pragma once

#include <cstdint>
#include <vector>

namespace spikegym::scenarios {

struct Song2000Config {
  std::uint64_t seed = 1;
  double sim_s = 1500.0;         ///< [s] simulated time (bimodal by ~1000 s)
  double report_every_s = 10.0;  ///< [s] output rate sampling interval
  double w_max = 1.0;            ///< [mV] weight bound
  double input_rate_hz = 10.0;   ///< [Hz] per input
  int inputs = 1000;
  int histogram_bins = 20;
};

struct Song2000Result {
  std::vector<double> rate_hz;    ///< output rate in each reporting interval
  std::vector<double> histogram;  ///< final fraction of weights per bin of w / w_max
  std::vector<float> weights;     ///< final weights [mV]
};

Song2000Result runSong2000(const Song2000Config& config);

}  // namespace spikegym::scenarios
