// A network: populations, projections between them, and one neuromodulator channel, advanced
// together in steps of dt.
//
// One step k: every population integrates the input that arrived for step k and lists its
// spikes; the neuromodulator gives this step's signal m_k; every projection pairs this step's
// spikes, updates its plastic synapses and delivers the pre spikes to step k + delay.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "snn/neuromodulator.hpp"
#include "snn/population.hpp"
#include "snn/projection.hpp"
#include "snn/workers.hpp"

namespace spikegym::snn {

class Network {
 public:
  explicit Network(double dt_ms = 1.0, std::uint64_t seed = 0,
                   const NeuromodulatorModel& modulator = {});
  // Threads of a split network point at it: it stays where it was built.
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Adds a population built elsewhere; returns it. Names must be unique.
  Population& add(std::unique_ptr<Population> population);
  /// Adds a population of a registered model ("lif", "izhikevich:FS", "poisson", ...).
  Population& addPopulation(const std::string& model, const std::string& name, std::uint32_t size,
                            const ParamValues& params = {});
  /// Connects two populations of this network.
  Projection& connect(Population& pre, Population& post, ProjectionSpec spec);

  /// Advances one step of dt.
  void step();
  /// Runs each step's synaptic work (pairings, weight updates, delivery, sweeps) on `threads`
  /// threads, each owning a range of every population's neurons as post neurons (Projection::
  /// split). Results are bit-identical whatever the count: no synapse and no neuron's input is
  /// shared between threads, and each sees the same arithmetic in the same order. Neurons are
  /// shared out the same way (Population::stepPart). 1 (the default) uses no thread. Projections
  /// added later are split too. A projection from explicit synapses whose rows are not sorted by
  /// post neuron cannot be split: UserError.
  void setThreads(int threads);
  int threads() const { return team_ ? team_->size() : 1; }
  /// Advances `steps` steps.
  void run(std::uint64_t steps);
  /// Brings every plastic synapse up to date (before reading weights). Changes when the next
  /// sweep happens, so it rounds differently from a run without it: use currentWeights() to
  /// look without touching.
  void flush();
  /// The weights of `projection` as they are now, without changing anything.
  std::vector<float> currentWeights(const Projection& projection) const;
  /// The eligibility traces of `projection` as they are now, without changing anything.
  std::vector<float> currentEligibility(const Projection& projection) const;
  /// Starts afresh but keeps what was learned: neuron states, input buffers, eligibility,
  /// traces and the dopamine level are reset; weights, the reward baseline and the step count
  /// (which keys the noise streams) are kept.
  void resetState();
  /// Learning on or off: every projection's rule (Projection::setPlastic) and every
  /// population's own adaptation (adaptive thresholds). Off freezes the network for testing;
  /// on again, traces start afresh. On by default.
  void setPlasticity(bool on);
  /// Sets the step counter (restoring a checkpoint: the noise streams continue identically).
  void setStepCount(std::uint64_t step);

  /// Counts operations from now on in every population and projection (snn/ops.hpp); off by
  /// default. Counting reads only: results are the same with it on or off.
  void setCounting(bool on);
  /// The operations counted so far in the populations and projections (window learners count
  /// their own: WindowLearner::counts()).
  OpCounts counts() const;

  Population& population(const std::string& name);
  Projection& projection(const std::string& name);
  const std::vector<std::unique_ptr<Population>>& populations() const { return populations_; }
  const std::vector<std::unique_ptr<Projection>>& projections() const { return projections_; }
  Neuromodulator& modulator() { return modulator_; }
  /// Steps taken so far.
  std::uint64_t stepCount() const { return step_; }
  double dtMs() const { return dt_ms_; }
  std::uint64_t seed() const { return seed_; }

 private:
  double dt_ms_;
  std::uint64_t seed_;
  std::uint64_t step_ = 0;  // 64-bit: 2^32 steps of 1 ms are only 50 days of network time
  Neuromodulator modulator_;
  std::vector<std::unique_ptr<Population>> populations_;
  std::vector<std::unique_ptr<Projection>> projections_;
  // Split across threads (setThreads): the team and its two jobs, made once, that read the
  // step being done from split_step_ and split_m_.
  std::unique_ptr<WorkerTeam> team_;
  std::function<void(int)> population_job_, sweep_job_, step_job_;
  std::vector<char> sweep_due_;  // per projection, this step
  double split_m_ = 0.0;
  void stepSplit(double m);
  void splitProjection(Projection& projection) const;
};

}  // namespace spikegym::snn
