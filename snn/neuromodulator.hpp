// A neuromodulator channel (dopamine): turns scalar rewards into the modulatory signal m that
// reward-modulated rules multiply with their eligibility.
//
//   level n [1]: jumps by gain (r - b) when a reward r arrives (phasic pulse), decays with tau_ms
//                (tau_ms = 0: the pulse acts in the one step it arrives, as Florian's r(t)).
//   m_k = n_k + tonic                                    (tonic: Izhikevich's 0.002 baseline DA)
//   baseline b: none (0); running average of rewards (b += (r - b) / baseline_window); or a
//               critic's prediction: the caller passes the prediction error itself
//               (deliverPredictionError), as in Fremaux, Sprekeler & Gerstner (2013).
#pragma once

#include <string>
#include <vector>

#include "snn/params.hpp"

namespace spikegym::snn {

struct NeuromodulatorModel {
  enum class Baseline { kNone, kRunningAverage, kCritic };
  double tau_ms = 200.0;  ///< [ms] decay of the level (Izhikevich: 200); 0 = one step only
  double tonic = 0.0;     ///< [1] constant added to the signal (Izhikevich: 0.002)
  double gain = 1.0;      ///< [1] pulse per unit reward prediction error
  Baseline baseline = Baseline::kNone;
  double baseline_window = 100.0;  ///< [rewards] running-average window (kRunningAverage)
  double dt_ms = 1.0;              ///< [ms] the network's step
};

/// Declared parameters (tau_ms, tonic, gain, baseline 0/1/2, baseline_window).
const ParamTable& neuromodulatorParams();
/// Builds a model from checked values; "baseline" is 0 none, 1 running average, 2 critic.
NeuromodulatorModel makeNeuromodulator(const ParamValues& params, double dt_ms = 1.0);

class Neuromodulator {
 public:
  explicit Neuromodulator(const NeuromodulatorModel& model = {});

  /// A reward arrives: a pulse of gain (r - b); the running-average baseline then moves toward r.
  void deliverReward(double reward);
  /// A critic's reward prediction error (TD error) arrives: a pulse of gain x error.
  void deliverPredictionError(double error);
  /// A raw pulse of neuromodulator (no baseline, no gain), e.g. Izhikevich's DA += 0.5.
  void addPulse(double amount) { level_ += amount; }
  /// The signal for this step, m = level + tonic; then the level decays by one step.
  double step();
  /// Current level (without tonic) and baseline.
  double level() const { return level_; }
  double baseline() const { return baseline_; }
  const NeuromodulatorModel& model() const { return model_; }
  /// [1] Pulse per unit reward (prediction error) from now on (a viewer's live control).
  void setGain(double gain) { model_.gain = gain; }
  /// Sets the level to 0 and keeps the baseline.
  void resetLevel() { level_ = 0.0; }
  /// Restores a saved baseline.
  void setBaseline(double b) { baseline_ = b; }

 private:
  NeuromodulatorModel model_;
  double decay_;  // exp(-dt/tau), 0 for tau = 0
  double level_ = 0.0;
  double baseline_ = 0.0;
};

}  // namespace spikegym::snn
