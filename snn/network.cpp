#include "snn/network.hpp"

#include "core/error.hpp"

namespace spikegym::snn {

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
  projections_.push_back(std::make_unique<Projection>(spec, pre, post, seed_));
  return *projections_.back();
}

void Network::step() {
  for (auto& p : populations_) p->step(step_);
  const double m = modulator_.step();
  for (auto& proj : projections_) proj->step(step_, m);
  ++step_;
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
