// Izhikevich (2003) simple model neurons.
//
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + I      [v: mV, t: ms, I: mV/ms, as in the paper]
//   du/dt = a (b v - u)
//   if v >= v_peak (30 mV): spike; v <- c, u <- u + d
//
// Integration follows Izhikevich's published code: each step of dt (1 ms) integrates v with two
// forward-Euler half steps and u with one full step; the spike test and reset happen at the start
// of the step (on the v reached at the end of the previous one). I is the synaptic input that
// arrived for this step plus the bias plus optional uniform noise in [-noise, +noise].
//
// Presets (Izhikevich 2003, Fig. 2): RS regular spiking, IB intrinsically bursting, CH chattering,
// FS fast spiking, LTS low-threshold spiking, TC thalamo-cortical, RZ resonator. Select one as
// model "izhikevich:FS" (explicit a/b/c/d parameters override the preset's).
//
// Izhikevich, E. M. (2003). Simple model of spiking neurons. IEEE Trans. Neural Networks 14(6).
#pragma once

#include <string>
#include <vector>

#include "snn/population.hpp"

namespace spikegym::snn {

/// Parameters of one Izhikevich population (all neurons share them).
struct IzhikevichModel {
  double a = 0.02;           ///< [1/ms] recovery time scale; RS 0.02, FS 0.1
  double b = 0.2;            ///< [1] sensitivity of u to v; typically 0.2
  double c = -65.0;          ///< [mV] reset potential; RS -65
  double d = 8.0;            ///< [mV/ms] recovery jump at a spike; RS 8, FS 2
  double v_peak_mv = 30.0;   ///< [mV] spike cut-off
  double v_init_mv = -65.0;  ///< [mV] initial potential (u starts at b v)
  double noise = 0.0;  ///< [mV/ms] uniform input noise amplitude per step; 6.5 in the 2007 net
  double dt_ms = 1.0;  ///< [ms] step
};

/// The names of the presets ("RS", "FS", ...) and their a, b, c, d.
const std::vector<std::pair<std::string, IzhikevichModel>>& izhikevichPresets();

class IzhikevichPopulation final : public Population {
 public:
  IzhikevichPopulation(const std::string& name, std::uint32_t size, const IzhikevichModel& model,
                       std::uint64_t seed);
  const std::vector<float>& potentials() const override { return v_; }
  PotentialMarks potentialMarks() const override { return {m_.v_peak_mv, m_.c}; }
  const std::vector<float>& recovery() const { return u_; }
  void resetState() override;

 protected:
  void update(const float* input, std::uint64_t step_index, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override;

 private:
  IzhikevichModel m_;
  std::uint32_t noise_key_;
  std::vector<float> v_;  // [mV]
  std::vector<float> u_;  // [mV/ms]
  std::size_t stateBytes() const override { return (v_.size() + u_.size()) * sizeof(float); }
};

}  // namespace spikegym::snn
