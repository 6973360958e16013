#include "snn/neuromodulator.hpp"

#include <cmath>

#include "core/error.hpp"

namespace spikegym::snn {

const ParamTable& neuromodulatorParams() {
  static const ParamTable decls = {
      {"tau_ms", 200.0, 0.0, 1e5, "[ms] decay of the dopamine level (0: acts for one step)"},
      {"tonic", 0.0, -10.0, 10.0, "[1] constant tonic level added to the signal"},
      {"gain", 1.0, 0.0, 1e6, "[1] pulse per unit reward (prediction error)"},
      {"baseline", 0.0, 0.0, 2.0, "reward baseline: 0 none, 1 running average, 2 critic"},
      {"baseline_window", 100.0, 1.0, 1e9, "[rewards] running-average window"},
  };
  return decls;
}

NeuromodulatorModel makeNeuromodulator(const ParamValues& params, double dt_ms) {
  const ParamValues p = resolveParams(neuromodulatorParams(), params, "neuromodulator");
  NeuromodulatorModel m;
  m.tau_ms = p.at("tau_ms");
  m.tonic = p.at("tonic");
  m.gain = p.at("gain");
  const double b = p.at("baseline");
  if (b != 0.0 && b != 1.0 && b != 2.0) {
    throw UserError("neuromodulator: baseline must be 0 (none), 1 (running average) or 2 (critic)");
  }
  m.baseline = static_cast<NeuromodulatorModel::Baseline>(static_cast<int>(b));
  m.baseline_window = p.at("baseline_window");
  m.dt_ms = dt_ms;
  return m;
}

Neuromodulator::Neuromodulator(const NeuromodulatorModel& model)
    : model_(model), decay_(model.tau_ms > 0 ? std::exp(-model.dt_ms / model.tau_ms) : 0.0) {}

void Neuromodulator::deliverReward(double reward) {
  level_ += model_.gain * (reward - baseline_);
  if (model_.baseline == NeuromodulatorModel::Baseline::kRunningAverage) {
    baseline_ += (reward - baseline_) / model_.baseline_window;
  }
}

void Neuromodulator::deliverPredictionError(double error) {
  level_ += model_.gain * error;
}

double Neuromodulator::step() {
  const double m = level_ + model_.tonic;
  level_ *= decay_;
  return m;
}

}  // namespace spikegym::snn
