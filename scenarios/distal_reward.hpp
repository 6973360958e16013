// Izhikevich (2007), "Solving the distal reward problem through linkage of STDP and dopamine
// signaling", Cerebral Cortex 17:2443-2452: the network of its Fig. 1, with the constants of the
// published DA-STDP code.
//
// 800 excitatory RS + 200 inhibitory FS Izhikevich neurons, 1 ms steps. Each neuron has 100
// outgoing synapses to distinct random targets (excitatory: any neuron but itself; inhibitory:
// excitatory neurons only), 1 ms conduction delay. Every neuron receives uniform noise in
// [-6.5, 6.5] mV/ms each step. Excitatory weights start at 1 mV and are plastic under rstdp
// (traces 0.1 per spike, tau 20 ms, depression 1.5 x potentiation, eligibility tau 1 s,
// dw/dt = 100/s x (DA + 0.002) c, clipped to [0, 4] mV); inhibitory weights are fixed at -1 mV.
// Dopamine decays with tau 200 ms. One random excitatory->excitatory synapse starts at 0 and is
// rewarded: whenever its post neuron fires within 20 ms after its pre neuron, a DA pulse of 0.5
// is delivered after a uniform random 1-3 s delay.
//
// Expected: the rewarded synapse reaches the 4 mV cap within ~1000-1500 s of simulated time
// while the mean excitatory weight falls, and stays among the top 1% of excitatory weights.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "snn/network.hpp"

namespace spikegym::scenarios {

struct DistalRewardConfig {
  std::uint64_t seed = 1;
  bool plastic = true;  ///< false: freeze every weight (rule none) for timing comparisons
  bool reward = true;   ///< false: never deliver the delayed dopamine
  /// Network size for scaling studies (bench scale): 4:1 excitatory:inhibitory neurons, each with
  /// `synapses_per_neuron` outgoing synapses. Weights, their bounds and the learning rate scale
  /// by 100 / synapses_per_neuron so that a neuron's summed input, and so the rate, stays about
  /// that of the published network (1000 neurons, 100 synapses each: the defaults).
  std::uint32_t neurons = 1000;
  std::uint32_t synapses_per_neuron = 100;
  int threads = 1;  ///< threads for the synaptic work (Network::setThreads); results unchanged
};

/// One line of the reproduction's output, every simulated second.
struct DistalRewardRow {
  double t_s;             ///< [s] simulated time
  double w_rewarded;      ///< [mV] weight of the rewarded synapse
  double w_exc_mean;      ///< [mV] mean excitatory weight
  double w_exc_p99;       ///< [mV] 99th percentile of excitatory weights
  double firing_rate_hz;  ///< [Hz] mean rate of all neurons over the last second
  int rewards;            ///< dopamine pulses delivered in the last second
};

class DistalRewardExperiment {
 public:
  explicit DistalRewardExperiment(const DistalRewardConfig& config);
  /// Simulates one second (1000 steps) and returns its row. Without `report` the weights are
  /// not brought up to date nor summarised (the weight columns are 0): for timing the network.
  DistalRewardRow runSecond(bool report = true);
  snn::Network& network() { return *net_; }
  /// Synaptic events so far.
  std::uint64_t events() const;
  /// Plastic excitatory synapses.
  std::size_t plasticSynapses() const;
  /// All synapses.
  std::size_t synapses() const;

 private:
  DistalRewardConfig config_;
  std::unique_ptr<snn::Network> net_;
  snn::Population* exc_ = nullptr;
  snn::Population* inh_ = nullptr;
  snn::Projection* ee_ = nullptr;
  snn::Projection* ei_ = nullptr;
  snn::Projection* ie_ = nullptr;
  std::uint32_t rewarded_pre_ = 0, rewarded_post_ = 0;
  std::size_t rewarded_syn_ = 0;
  std::int64_t last_pre_spike_ = -1000000;
  std::vector<std::int64_t> pending_rewards_;  // steps at which a DA pulse is due
  Rng reward_rng_;
  std::vector<float> scratch_;
};

}  // namespace spikegym::scenarios
