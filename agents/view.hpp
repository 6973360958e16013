// Reading an agent's network without changing it: what a viewer (or a test) may look at, through
// Agent::view(), without dynamic_cast and without moving any result. Every accessor is const or
// toggles only what is recorded; none touches the agent's random streams, weights or schedule.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "snn/population.hpp"

namespace spikegym::agents {

/// One spike: the network step it happened at and the neuron within its population.
struct SpikeRecord {
  std::uint64_t step;  ///< network step (64-bit: long runs pass 2^32 steps)
  std::uint32_t neuron;
};

/// A projection's weights as a dense grid: rows = pre neurons, cols = post neurons, row-major;
/// NaN where there is no synapse.
struct WeightGrid {
  std::uint32_t rows = 0, cols = 0;
  std::vector<float> values;
  std::size_t pre_population = 0, post_population = 0;  ///< indices in populationNames()
  /// The rule's weight bounds for a plastic projection (a fixed colour scale for the run);
  /// NaN for a static one.
  double w_min = std::numeric_limits<double>::quiet_NaN();
  double w_max = std::numeric_limits<double>::quiet_NaN();
};

/// What a population's neurons stand for: observation dimension d owns neurons
/// [d * group_size, (d + 1) * group_size) of an encoder population; action a owns
/// [a * group_size, (a + 1) * group_size) of the readout; kOther: neither (hidden, critic).
struct PopulationRole {
  enum class Kind { kOther, kObservation, kAction } kind = Kind::kOther;
  std::uint32_t group_size = 0;
};

class AgentView {
 public:
  virtual ~AgentView() = default;

  /// Populations in drawing order (input first, output last).
  virtual std::vector<std::string> populationNames() const = 0;
  virtual std::uint32_t populationSize(std::size_t population) const = 0;
  /// Projections by name, in creation order.
  virtual std::vector<std::string> projectionNames() const = 0;

  /// Records the spikes of every population (and the probed neuron's potential) during each
  /// act() window from now on. Off (the default), recording costs one branch per SNN step.
  virtual void setRecording(bool on) = 0;
  /// Which neuron's membrane potential to record (population index, neuron index).
  virtual void setProbe(std::size_t population, std::uint32_t neuron) = 0;
  /// Spikes of `population` in the last act() window (empty unless recording).
  virtual const std::vector<SpikeRecord>& windowSpikes(std::size_t population) const = 0;
  /// The probed neuron's potential [mV] at each SNN step of the last window (empty for sources
  /// or when not recording).
  virtual const std::vector<float>& windowPotential() const = 0;
  /// What population `population`'s neurons stand for (axis ticks of rasters and heatmaps).
  virtual PopulationRole populationRole(std::size_t population) const = 0;
  /// [mV] The probed neuron's threshold and reset (NaN for a spike source).
  virtual snn::Population::PotentialMarks probeMarks() const = 0;
  /// Output spike counts per action in the last window (what the decoder saw).
  virtual std::vector<int> actionCounts() const = 0;
  /// Steps the network has taken so far (spike records carry step numbers on this clock).
  virtual std::uint64_t networkStep() const = 0;
  /// SNN steps per env step and the SNN step [ms].
  virtual int stepsPerAction() const = 0;
  virtual double dtMs() const = 0;

  /// The current weights of projection `index`, computed without touching the network.
  virtual WeightGrid weights(std::size_t index) const = 0;
  /// Mean |eligibility| of the plastic projection now (0 without a trace).
  virtual double meanEligibility() const = 0;
  /// The dopamine (neuromodulator) level now [1].
  virtual double dopamine() const = 0;
  /// The critic's value of the last observation (0 without a critic).
  virtual double value() const = 0;
  /// Exploration probability now.
  virtual double epsilon() const = 0;
};

/// A non-spiking policy's readable state (REINFORCE's linear softmax policy), for viewers.
class PolicyView {
 public:
  virtual ~PolicyView() = default;
  /// The policy's weights: rows = features (cells_per_dim per observation dimension, in order),
  /// cols = actions.
  virtual WeightGrid policyWeights() const = 0;
  /// Features per observation dimension (the encoder's cells_per_dim).
  virtual std::uint32_t featuresPerDimension() const = 0;
  /// pi(a | s) of the last act(), per action.
  virtual std::vector<double> actionProbabilities() const = 0;
};

}  // namespace spikegym::agents
