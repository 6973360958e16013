#include "snn/population.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/unit_registry.hpp"

namespace spikegym::snn {

Population::Population(std::string name, std::string model, std::uint32_t size)
    : bias_(size, 0.0f),
      name_(std::move(name)),
      model_(std::move(model)),
      size_(size),
      ring_(static_cast<std::size_t>(slots_) * size, 0.0f) {
  spikes_.reserve(size);
}

void Population::reserveDelay(int delay_steps) {
  if (delay_steps < 1) throw UsageError("Population::reserveDelay: delays are at least 1 step");
  if (delay_steps + 1 <= slots_) return;
  // Re-lay the ring so that pending input keeps its arrival step.
  std::vector<float> ring(static_cast<std::size_t>(delay_steps + 1) * size_, 0.0f);
  for (int ahead = 0; ahead < slots_; ++ahead) {
    const float* from = ring_.data() + static_cast<std::size_t>((slot_ + ahead) % slots_) * size_;
    std::copy(from, from + size_, ring.data() + static_cast<std::size_t>(ahead) * size_);
  }
  ring_ = std::move(ring);
  slots_ = delay_steps + 1;
  slot_ = 0;
}

void Population::resetState() {
  std::fill(ring_.begin(), ring_.end(), 0.0f);
  spikes_.clear();
}

void Population::step(std::uint64_t step_index) {
  float* input = ring_.data() + static_cast<std::size_t>(slot_) * size_;
  spikes_.clear();
  update(input, step_index, 0, size_, spikes_);
  if (counting_) countRange(input, 0, size_, spikes_, counts_);
  std::fill(input, input + size_, 0.0f);
  endStep();
}

void Population::beginStep(int parts) {
  spikes_.clear();
  if (part_spikes_.size() != static_cast<std::size_t>(parts)) {
    part_spikes_.resize(static_cast<std::size_t>(parts));
    part_counts_.resize(static_cast<std::size_t>(parts));
    for (int t = 0; t < parts; ++t) {
      part_spikes_[t].reserve(partBegin(size_, parts, t + 1) - partBegin(size_, parts, t));
    }
  }
}

// Each part counts and clears its own neurons' input: the lines of the input slot stay in the
// cache of the thread that delivers into them (a serial clear moved them every step).
void Population::stepPart(int part, int parts, std::uint64_t step_index) {
  float* input = ring_.data() + static_cast<std::size_t>(slot_) * size_;
  std::vector<std::uint32_t>& out = part_spikes_[static_cast<std::size_t>(part)];
  const std::uint32_t begin = partBegin(size_, parts, part);
  const std::uint32_t end = partBegin(size_, parts, part + 1);
  out.clear();
  update(input, step_index, begin, end, out);
  if (counting_) countRange(input, begin, end, out, part_counts_[static_cast<std::size_t>(part)]);
  std::fill(input + begin, input + end, 0.0f);
}

void Population::finishStep(int parts) {
  for (int t = 0; t < parts; ++t) {
    spikes_.insert(spikes_.end(), part_spikes_[t].begin(), part_spikes_[t].end());
    if (counting_) {
      counts_ += part_counts_[t];
      part_counts_[t] = OpCounts{};
    }
  }
  endStep();
}

void Population::endStep() {
  slot_ = (slot_ + 1) % slots_;
  spike_count_ += spikes_.size();
}

void Population::countRange(const float* input, std::uint32_t begin, std::uint32_t end,
                            const std::vector<std::uint32_t>& spikes, OpCounts& counts) const {
  counts.spikes += spikes.size();
  counts.neuron_steps += end - begin;
  if (!integrates()) return;
  // Active: input arrived (synaptic or bias) or the neuron spiked.
  // 32-bit lanes, as the floats: the loop vectorises (a 64-bit sum kept it scalar).
  std::uint32_t active = 0;
  const float* bias = bias_.data();
  for (std::uint32_t i = begin; i < end; ++i) {
    active += static_cast<std::uint32_t>((input[i] != 0.0f) | (bias[i] != 0.0f));
  }
  for (std::uint32_t i : spikes) active += input[i] == 0.0f && bias[i] == 0.0f;
  counts.neuron_active += active;
  counts.neuron_inactive += (end - begin) - active;
}

namespace {
Registry<NeuronModelInfo>& models() {
  static Registry<NeuronModelInfo> table("neuron model");  // filled at static initialisation
  return table;
}
}  // namespace

bool registerNeuronModel(NeuronModelInfo info) {
  const std::string name = info.name;
  return models().add(name, std::move(info));
}

std::vector<const NeuronModelInfo*> neuronModels() {
  return models().all();
}

const NeuronModelInfo& neuronModel(const std::string& name) {
  return models().get(name);
}

ParamTable neuronModelTable(const std::string& model) {
  const auto colon = model.find(':');
  const NeuronModelInfo& info = neuronModel(model.substr(0, colon));
  ParamTable table = info.params;
  if (colon == std::string::npos) return table;
  const std::string preset = model.substr(colon + 1);
  std::vector<std::string> names;
  for (const auto& [name, values] : info.presets) {
    names.push_back(name);
    if (name != preset) continue;
    for (Param& p : table) {
      if (auto it = values.find(p.name); it != values.end())
        p.default_value = formatNumber(it->second);
    }
    return table;
  }
  throw UserError("neuron model '" + info.name + "' has no preset '" + preset + "'" +
                  didYouMean(preset, names));
}

std::unique_ptr<Population> makePopulation(const std::string& model, const std::string& pop_name,
                                           std::uint32_t size, const ParamValues& params,
                                           double dt_ms, std::uint64_t seed) {
  const auto colon = model.find(':');
  const NeuronModelInfo& info = neuronModel(model.substr(0, colon));
  ParamValues merged = params;
  if (colon != std::string::npos) {
    const std::string preset = model.substr(colon + 1);
    std::vector<std::string> names;
    const ParamValues* found = nullptr;
    for (const auto& [name, values] : info.presets) {
      names.push_back(name);
      if (name == preset) found = &values;
    }
    if (!found) {
      throw UserError("neuron model '" + info.name + "' has no preset '" + preset + "'" +
                      didYouMean(preset, names));
    }
    for (const auto& [key, value] : *found) merged.emplace(key, value);  // given ones win
  }
  ParamValues resolved = resolveParams(info.params, merged, "neuron model '" + model + "'");
  resolved["dt_ms"] = dt_ms;  // the network's step, given at build time, never a user setting
  return info.factory(pop_name, size, resolved, seed);
}

}  // namespace spikegym::snn
