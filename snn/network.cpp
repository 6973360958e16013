#include "snn/network.hpp"

#include "core/error.hpp"

namespace spikegym::snn {
namespace {

void requireSplittable(const Projection& projection) {
  if (!projection.canSplit()) {
    throw UserError("projection '" + projection.name() +
                    "': its synapses are not sorted by post neuron within each pre neuron's row, "
                    "so it cannot run on several threads (use threads: 1)");
  }
}

}  // namespace

Network::Network(double dt_ms, std::uint64_t seed, const NeuromodulatorModel& modulator)
    : dt_ms_(dt_ms), seed_(seed), modulator_([&] {
        NeuromodulatorModel m = modulator;
        m.dt_ms = dt_ms;
        return m;
      }()) {}

Population& Network::add(std::unique_ptr<Population> population) {
  for (const auto& p : populations_) {
    if (p->name() == population->name()) {
      throw UsageError("Network::add: population '" + population->name() + "' exists already");
    }
  }
  populations_.push_back(std::move(population));
  return *populations_.back();
}

Population& Network::addPopulation(const std::string& model, const std::string& name,
                                   std::uint32_t size, const ParamValues& params) {
  return add(makePopulation(model, name, size, params, dt_ms_, seed_));
}

Projection& Network::connect(Population& pre, Population& post, ProjectionSpec spec) {
  spec.dt_ms = dt_ms_;
  for (const auto& p : projections_) {
    if (p->name() == spec.name) {
      throw UsageError("Network::connect: projection '" + spec.name + "' exists already");
    }
  }
  auto projection = std::make_unique<Projection>(spec, pre, post, seed_);
  if (team_) splitProjection(*projection);
  projections_.push_back(std::move(projection));
  return *projections_.back();
}

void Network::step() {
  if (team_) {
    const int parts = team_->size();
    for (auto& p : populations_) p->beginStep(parts);
    team_->run(population_job_);
    for (auto& p : populations_) p->finishStep(parts);
  } else {
    for (auto& p : populations_) p->step(step_);
  }
  const double m = modulator_.step();
  if (team_) {
    stepSplit(m);
  } else {
    for (auto& proj : projections_) proj->step(step_, m);
  }
  ++step_;
}

// Projection::step's phases, the synapse work of each spread over the team. Projections share no
// plasticity state, so doing each phase for all of them before the next phase changes nothing;
// two projections into one population are split alike (equal ranges of its neurons), so each
// post neuron's input is summed by one thread, projection after projection as in one thread.
void Network::stepSplit(double m) {
  split_m_ = m;
  bool any_sweep = false;
  sweep_due_.resize(projections_.size());
  for (std::size_t j = 0; j < projections_.size(); ++j) {
    sweep_due_[j] = projections_[j]->sweepDue(step_);
    any_sweep = any_sweep || sweep_due_[j];
  }
  const auto last = static_cast<std::int64_t>(step_) - 1;
  if (any_sweep) {
    team_->run(sweep_job_);
    for (std::size_t j = 0; j < projections_.size(); ++j) {
      if (sweep_due_[j]) projections_[j]->finishSweep(last);
    }
  }
  for (auto& proj : projections_) proj->prepareStep(step_, m);
  team_->run(step_job_);
  for (auto& proj : projections_) proj->finishStep(step_);
}

void Network::splitProjection(Projection& projection) const {
  requireSplittable(projection);
  projection.split(threads());
}

void Network::setThreads(int threads) {
  if (threads < 1 || threads > 256) {
    throw UserError("threads: expected 1 to 256, got " + std::to_string(threads));
  }
  if (threads == this->threads()) return;
  if (threads > 1) {
    for (auto& proj : projections_) requireSplittable(*proj);
  }
  team_.reset();
  for (auto& proj : projections_) proj->split(threads);
  if (threads == 1) return;
  team_ = std::make_unique<WorkerTeam>(threads);
  sweep_job_ = [this](int part) {
    const auto last = static_cast<std::int64_t>(step_) - 1;
    for (std::size_t j = 0; j < projections_.size(); ++j) {
      if (sweep_due_[j]) projections_[j]->sweepPart(part, last);
    }
  };
  population_job_ = [this](int part) {
    for (auto& p : populations_) p->stepPart(part, team_->size(), step_);
  };
  step_job_ = [this](int part) {
    for (auto& proj : projections_) proj->stepPart(part, step_, split_m_);
  };
}

void Network::run(std::uint64_t steps) {
  for (std::uint64_t i = 0; i < steps; ++i) step();
}

void Network::flush() {
  if (step_ == 0) return;
  for (auto& proj : projections_) proj->flush(step_ - 1);
}

std::vector<float> Network::currentWeights(const Projection& projection) const {
  return step_ == 0 ? projection.weights() : projection.currentWeights(step_ - 1);
}

std::vector<float> Network::currentEligibility(const Projection& projection) const {
  return step_ == 0 ? projection.eligibility() : projection.currentEligibility(step_ - 1);
}

void Network::setStepCount(std::uint64_t step) {
  step_ = step;
  // The last step done is step - 1; none (-1) for step 0, which restarts to the fresh state
  // (restarting "as of step 0" there made the first step index its history at -1).
  for (auto& proj : projections_) proj->restart(static_cast<std::int64_t>(step) - 1);
}

void Network::resetState() {
  if (step_ > 0) {
    for (auto& proj : projections_) proj->resetPlasticity(step_ - 1);
  }
  for (auto& p : populations_) p->resetState();
  modulator_.resetLevel();
}

void Network::setPlasticity(bool on) {
  const std::int64_t last = static_cast<std::int64_t>(step_) - 1;  // -1: no step done yet
  for (auto& proj : projections_) proj->setPlastic(on, last);
  for (auto& p : populations_) p->setAdapting(on);
}

void Network::setCounting(bool on) {
  for (auto& p : populations_) p->setCounting(on);
  for (auto& proj : projections_) proj->setCounting(on);
}

OpCounts Network::counts() const {
  OpCounts total;
  for (const auto& p : populations_) total += p->counts();
  for (const auto& proj : projections_) total += proj->counts();
  return total;
}

Population& Network::population(const std::string& name) {
  for (auto& p : populations_) {
    if (p->name() == name) return *p;
  }
  throw UsageError("Network::population: no population '" + name + "'");
}

Projection& Network::projection(const std::string& name) {
  for (auto& p : projections_) {
    if (p->name() == name) return *p;
  }
  throw UsageError("Network::projection: no projection '" + name + "'");
}

}  // namespace spikegym::snn
