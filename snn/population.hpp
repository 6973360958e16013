// A population of neurons of one model, stored as structure-of-arrays (STYLE rules 2-3).
//
// Time is discrete: step k covers [k dt, (k+1) dt). In step k a population reads the input that
// arrived for step k (its ring buffer slot), integrates, and lists the neurons that spiked.
// Projections then deliver those spikes into the slot of step k + delay (delay >= 1 step).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "snn/ops.hpp"
#include "snn/params.hpp"

namespace spikegym::snn {

/// The first index of part `part` when [0, n) is cut into `parts` near-equal ranges (part ==
/// parts gives n): how a split network shares out each population's neurons.
inline std::uint32_t partBegin(std::uint32_t n, int parts, int part) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(n) * static_cast<unsigned>(part) /
                                    static_cast<unsigned>(parts));
}

/// Appends from + j to `spikes` for every j < n with fired[j] != 0, in order, without a branch
/// per neuron (each index is written, only the fired ones kept: a branch on a random outcome is
/// mispredicted about as often as neurons fire). `spikes` must have room reserved for n more.
inline void appendFired(std::vector<std::uint32_t>& spikes, std::uint32_t from,
                        const std::uint8_t* fired, std::uint32_t n) {
  const std::size_t first = spikes.size();
  spikes.resize(first + n);
  std::uint32_t* out = spikes.data() + first;
  std::size_t kept = 0;
  for (std::uint32_t j = 0; j < n; ++j) {
    out[kept] = from + j;
    kept += fired[j];
  }
  spikes.resize(first + kept);
}

class Population {
 public:
  virtual ~Population() = default;

  const std::string& name() const { return name_; }
  std::uint32_t size() const { return size_; }
  /// The model's registered name ("izhikevich", "lif", "poisson", ...).
  const std::string& model() const { return model_; }
  /// Indices of the neurons that spiked in the last step, ascending.
  const std::vector<std::uint32_t>& spikes() const { return spikes_; }
  /// Total spikes since construction.
  std::uint64_t spikeCount() const { return spike_count_; }

  /// Makes room for input that arrives up to `delay_steps` steps ahead. Call while building.
  void reserveDelay(int delay_steps);
  /// The input buffer of step (last stepped step + delay_steps), 1 <= delay <= reserved max.
  float* deliveryBuffer(int delay_steps) {
    return ring_.data() +
           static_cast<std::size_t>((slot_ + slots_ - 1 + delay_steps) % slots_) * size_;
  }
  /// Constant external current per neuron (encoders write here) [model's current unit].
  std::vector<float>& bias() { return bias_; }
  /// Membrane potentials [mV] (empty for spike sources), for viewers and tests.
  virtual const std::vector<float>& potentials() const { return no_potentials_; }
  /// [mV] Where a potential trace is read against: the spike threshold (or cut-off) and the
  /// reset; NaN for spike sources.
  struct PotentialMarks {
    double threshold_mv = std::numeric_limits<double>::quiet_NaN();
    double reset_mv = std::numeric_limits<double>::quiet_NaN();
  };
  virtual PotentialMarks potentialMarks() const { return {}; }
  /// Returns the neurons to their initial state (potentials, refractoriness, input buffers).
  virtual void resetState();

  /// What the model itself learns and keeps across episodes (resetState() keeps it): the
  /// adaptive thresholds of lif_adaptive [mV]; empty for models that learn nothing.
  virtual std::vector<double> learnedState() const { return {}; }
  /// Restores learnedState() (a checkpoint); `values` has the size learnedState() gave.
  virtual void setLearnedState(const std::vector<double>& values) { (void)values; }
  /// Whether that learning runs (off: frozen for evaluation). On by default.
  virtual void setAdapting(bool on) { (void)on; }

  /// Advances one step: consumes this step's input, integrates, fills spikes().
  void step(std::uint64_t step_index);
  /// step() in phases, for a network split across threads (Network::setThreads): beginStep
  /// (serial), stepPart for parts 0..parts-1 (at once; part t integrates the neurons
  /// [partBegin(size, parts, t), partBegin(size, parts, t + 1))), finishStep (serial). The same
  /// result as step() whatever `parts`: neurons are independent within a step.
  void beginStep(int parts);
  void stepPart(int part, int parts, std::uint64_t step_index);
  void finishStep(int parts);

  /// False for spike sources (Poisson, regular): they emit spikes but integrate nothing, so
  /// their updates are not counted as neuron updates (snn/ops.hpp).
  virtual bool integrates() const { return true; }
  /// Counts neuron updates and spikes from now on (snn/ops.hpp); off by default.
  void setCounting(bool on) { counting_ = on; }
  /// What was counted so far (neuron_active, neuron_inactive, spikes, neuron_steps).
  const OpCounts& counts() const { return counts_; }
  /// Bytes of the population's state: its model's variables, the input ring, bias, spike list.
  std::size_t footprintBytes() const {
    return stateBytes() + (ring_.size() + bias_.size()) * sizeof(float) +
           spikes_.capacity() * sizeof(std::uint32_t);
  }

 protected:
  Population(std::string name, std::string model, std::uint32_t size);
  /// Integrates neurons [begin, end) one step with `input` (this step's arrived synaptic input,
  /// size()) and appends those that spiked to `spikes`, ascending. Touches only those neurons'
  /// state: the parts of a split network call it at once on disjoint ranges.
  virtual void update(const float* input, std::uint64_t step_index, std::uint32_t begin,
                      std::uint32_t end, std::vector<std::uint32_t>& spikes) = 0;
  /// Bytes of the model's own per-neuron variables.
  virtual std::size_t stateBytes() const = 0;

  std::vector<std::uint32_t> spikes_;
  std::vector<float> bias_;

 private:
  std::string name_, model_;
  std::uint32_t size_;
  int slots_ = 2;            // ring slots: max delay + 1
  int slot_ = 0;             // slot of the current step
  std::vector<float> ring_;  // slots_ x size_ incoming input
  std::uint64_t spike_count_ = 0;
  std::vector<float> no_potentials_;
  bool counting_ = false;
  OpCounts counts_;
  std::vector<std::vector<std::uint32_t>> part_spikes_;  // per part of a split step
  std::vector<OpCounts> part_counts_;                    // per part, added up in finishStep
  /// Counts neurons [begin, end) of this step (their spikes `spikes`) into `counts`.
  void countRange(const float* input, std::uint32_t begin, std::uint32_t end,
                  const std::vector<std::uint32_t>& spikes, OpCounts& counts) const;
  /// Moves to the next input slot: the end of every step.
  void endStep();
};

/// A registered neuron model: its parameters and a factory.
struct NeuronModelInfo {
  std::string name;
  std::string summary;
  ParamTable params;
  /// Named parameter sets, selected as "model:PRESET" (given parameters override them).
  std::vector<std::pair<std::string, ParamValues>> presets;
  /// Builds a population; `seed` keys its noise stream.
  std::function<std::unique_ptr<Population>(const std::string& pop_name, std::uint32_t size,
                                            const ParamValues& resolved, std::uint64_t seed)>
      factory;
};

/// Adds a model by name; a duplicate name throws UsageError. Returns true (file-scope use).
bool registerNeuronModel(NeuronModelInfo info);
/// All registered models, sorted by name.
std::vector<const NeuronModelInfo*> neuronModels();
/// The model `name`; unknown names throw UserError with a did-you-mean.
const NeuronModelInfo& neuronModel(const std::string& name);
/// Builds a population of model `model` (or "model:PRESET") with parameters checked against its
/// declaration, stepping every `dt_ms` (the network's step; factories find it as "dt_ms").
std::unique_ptr<Population> makePopulation(const std::string& model, const std::string& pop_name,
                                           std::uint32_t size, const ParamValues& params,
                                           double dt_ms, std::uint64_t seed);
/// The parameter table of `model` (or "model:PRESET", whose preset values become the defaults).
ParamTable neuronModelTable(const std::string& model);

}  // namespace spikegym::snn
