// Current-based leaky integrate-and-fire neurons with an exponential synaptic current.
//
//   tau_m dv/dt = -(v - v_rest) + I_syn + I_bias          [v, I in mV; t in ms]
//   tau_syn dI_syn/dt = -I_syn;  an arriving spike of weight w adds w to I_syn
//   v >= v_thresh: spike; v <- v_reset and held there for t_ref
//
// Each step integrates v exactly for I constant over the step:
//   v <- v_inf + (v - v_inf) exp(-dt/tau_m),  v_inf = v_rest + I_syn + I_bias (+ noise),
// then decays I_syn by exp(-dt/tau_syn). With tau_syn_ms = 0 synapses are instantaneous: an
// arriving weight w jumps v by w mV. Derived constants are computed once (GeNN style).
//
// lif_adaptive adds Diehl & Cook's (2015) adaptive threshold, a homeostasis that spreads the
// work over the neurons of a competing layer: the threshold is v_thresh + theta, each spike adds
// theta_plus to theta, and theta decays to 0 with tau_theta (theta is learned: it is kept across
// episodes and frozen when learning is off).
//
// Lapicque (1907); the form used by Song, Miller & Abbott (2000) and Gerstner & Kistler (2002).
#pragma once

#include "snn/population.hpp"

namespace spikegym::snn {

struct LifModel {
  double tau_m_ms = 20.0;       ///< [ms] membrane time constant
  double v_rest_mv = -70.0;     ///< [mV] resting potential
  double v_reset_mv = -60.0;    ///< [mV] reset potential after a spike
  double v_thresh_mv = -54.0;   ///< [mV] threshold
  double t_ref_ms = 2.0;        ///< [ms] refractory period
  double tau_syn_ms = 5.0;      ///< [ms] synaptic current decay; 0 = instantaneous (delta) synapses
  double noise_mv = 0.0;        ///< [mV] uniform noise amplitude on v_inf per step
  double dt_ms = 1.0;           ///< [ms] step
  bool adaptive = false;        ///< lif_adaptive: the threshold adapts
  double theta_plus_mv = 0.05;  ///< [mV] threshold increase per spike (Diehl & Cook: 0.05)
  double tau_theta_ms = 1e7;    ///< [ms] threshold decay (Diehl & Cook: 1e7)
};

class LifPopulation final : public Population {
 public:
  LifPopulation(const std::string& name, std::uint32_t size, const LifModel& model,
                std::uint64_t seed);
  const std::vector<float>& potentials() const override { return v_; }
  PotentialMarks potentialMarks() const override { return {m_.v_thresh_mv, m_.v_reset_mv}; }
  void resetState() override;
  std::vector<double> learnedState() const override;
  void setLearnedState(const std::vector<double>& values) override;
  void setAdapting(bool on) override { adapting_ = on; }
  /// [mV] The threshold increases (lif_adaptive; empty otherwise).
  const std::vector<float>& theta() const { return theta_; }

 protected:
  void update(const float* input, std::uint64_t step_index, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override;

 private:
  LifModel m_;
  float decay_m_, decay_syn_;  // exp(-dt/tau), derived once
  int ref_steps_;              // refractory period in steps
  std::uint32_t noise_key_;
  std::vector<float> v_;                  // [mV]
  std::vector<float> i_syn_;              // [mV]
  std::vector<std::int32_t> refractory_;  // steps left
  std::vector<float> theta_;              // [mV] adaptive threshold increase (lif_adaptive)
  float decay_theta_ = 1.0f;              // exp(-dt/tau_theta)
  bool adapting_ = true;
  template <bool kAdaptive, bool kAdapt, bool kDelta>
  void integrate(const float* input, std::uint64_t step_index, std::uint32_t begin,
                 std::uint32_t end, std::vector<std::uint32_t>& spikes);
  std::size_t stateBytes() const override {
    return (v_.size() + i_syn_.size() + theta_.size()) * sizeof(float) +
           refractory_.size() * sizeof(std::int32_t);
  }
};

}  // namespace spikegym::snn
