#include "agents/decoder.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spikegym::agents {

Decoder::Decoder(const std::string& kind, int n_actions, int group_size, double temperature)
    : kind_(kind == "softmax"          ? DecoderKind::kSoftmax
            : kind == "first_to_spike" ? DecoderKind::kFirstToSpike
                                       : DecoderKind::kArgmax),
      n_actions_(n_actions),
      group_size_(group_size),
      temperature_(temperature),
      counts_(n_actions, 0),
      p_(n_actions, 0.0) {}

Decoder Decoder::labelAssignment(int n_classes, int neurons, int assign_every, bool proportion) {
  Decoder d("argmax", n_classes, 1, 1.0);
  d.kind_ = DecoderKind::kLabelAssignment;
  d.proportion_ = proportion;
  d.share_.assign(static_cast<std::size_t>(n_classes) * neurons, 0.0);
  d.votes_.assign(n_classes, 0.0);
  d.neurons_ = neurons;
  d.assign_every_ = assign_every;
  d.neuron_counts_.assign(neurons, 0);
  d.assignment_.assign(neurons, -1);
  d.assigned_.assign(n_classes, 0);
  d.response_.assign(static_cast<std::size_t>(n_classes) * neurons, 0.0);
  d.shown_.assign(n_classes, 0.0);
  return d;
}

void Decoder::learnLabel(int label) {
  if (label < 0 || label >= n_actions_) {
    throw UserError("readout label_assignment: label " + std::to_string(label) +
                    " is not a class of the action space (0.." + std::to_string(n_actions_ - 1) +
                    ")");
  }
  double* row = response_.data() + static_cast<std::size_t>(label) * neurons_;
  for (int i = 0; i < neurons_; ++i) row[i] += neuron_counts_[i];
  shown_[label] += 1.0;
  if (++labelled_ >= assign_every_) reassign();
}

void Decoder::reassign() {
  // Each neuron to the class of its highest mean response; a neuron that never fired keeps
  // its class (or none). Ties go to the lower class.
  std::fill(assigned_.begin(), assigned_.end(), 0);
  for (int i = 0; i < neurons_; ++i) {
    double best = 0.0, sum = 0.0;
    for (int c = 0; c < n_actions_; ++c) {
      if (shown_[c] == 0.0) continue;
      const double mean = response_[static_cast<std::size_t>(c) * neurons_ + i] / shown_[c];
      sum += mean;
      if (mean > best) best = mean, assignment_[i] = c;
    }
    if (assignment_[i] >= 0) ++assigned_[assignment_[i]];
    if (sum == 0.0) continue;  // never fired: its shares stay as they were
    for (int c = 0; c < n_actions_; ++c) {
      const std::size_t at = static_cast<std::size_t>(c) * neurons_ + i;
      share_[at] = shown_[c] == 0.0 ? 0.0 : response_[at] / shown_[c] / sum;
    }
  }
  std::fill(response_.begin(), response_.end(), 0.0);
  std::fill(shown_.begin(), shown_.end(), 0.0);
  labelled_ = 0;
}

std::size_t Decoder::stateSize() const {
  return kind_ == DecoderKind::kLabelAssignment
             ? 1 + assignment_.size() + response_.size() + shown_.size() + share_.size()
             : 0;
}

std::vector<double> Decoder::state() const {
  std::vector<double> out;
  if (kind_ != DecoderKind::kLabelAssignment) return out;
  out.reserve(stateSize());
  out.push_back(labelled_);
  out.insert(out.end(), assignment_.begin(), assignment_.end());
  out.insert(out.end(), response_.begin(), response_.end());
  out.insert(out.end(), shown_.begin(), shown_.end());
  out.insert(out.end(), share_.begin(), share_.end());
  return out;
}

void Decoder::setState(const std::vector<double>& values, const std::string& source) {
  if (values.size() != stateSize()) {
    throw UserError(source + ": readout section: expected " + std::to_string(stateSize()) +
                    " values, found " + std::to_string(values.size()));
  }
  if (values.empty()) return;
  auto whole = [&](double v, double lo, double hi, const char* what) {
    if (!(v >= lo && v <= hi) || v != std::floor(v)) {
      throw UserError(source + ": readout section: " + what + " " + std::to_string(v) +
                      " is not a whole number in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
    }
    return static_cast<int>(v);
  };
  std::size_t at = 0;
  labelled_ = whole(values[at++], 0, assign_every_, "labelled windows");
  std::fill(assigned_.begin(), assigned_.end(), 0);
  for (int& a : assignment_) {
    a = whole(values[at++], -1, n_actions_ - 1, "assignment");
    if (a >= 0) ++assigned_[a];
  }
  for (double& r : response_) {
    r = values[at++];
    if (!(r >= 0 && r < 1e18)) throw UserError(source + ": readout section: bad response");
  }
  for (double& n : shown_) n = whole(values[at++], 0, 1e9, "presentations");
  for (double& f : share_) {
    f = values[at++];
    if (!(f >= 0 && f <= 1)) throw UserError(source + ": readout section: bad response share");
  }
}

int Decoder::decideByClass(Rng& rng) {
  // Each class's score in votes_: its neurons' mean count (a class without neurons cannot win),
  // or (proportion) every neuron's count times that class's share of its responses.
  for (int c = 0; c < n_actions_; ++c) {
    votes_[c] = proportion_        ? 0.0
                : assigned_[c] > 0 ? static_cast<double>(counts_[c]) / assigned_[c]
                                   : -1.0;
  }
  if (proportion_) {
    for (int i = 0; i < neurons_; ++i) {
      if (neuron_counts_[i] == 0) continue;
      for (int c = 0; c < n_actions_; ++c) {
        votes_[c] += neuron_counts_[i] * share_[static_cast<std::size_t>(c) * neurons_ + i];
      }
    }
  }
  const double top = *std::max_element(votes_.begin(), votes_.end());
  if (top <= 0.0) {  // nothing assigned, or no assigned neuron fired
    return static_cast<int>(rng.below(static_cast<std::uint64_t>(n_actions_)));
  }
  int ties = 0;
  for (double v : votes_) ties += v == top;
  int pick = static_cast<int>(rng.below(static_cast<std::uint64_t>(ties)));
  for (int c = 0; c < n_actions_; ++c) {
    if (votes_[c] == top && pick-- == 0) return c;
  }
  return 0;
}

int Decoder::explore(Rng& rng, double epsilon) const {
  if (rng.uniform() < epsilon) return static_cast<int>(rng.below(n_actions_));
  return -1;
}

void Decoder::beginWindow() {
  std::fill(counts_.begin(), counts_.end(), 0);
  std::fill(neuron_counts_.begin(), neuron_counts_.end(), 0);
  first_group_ = -1;
}

void Decoder::countSpikes(std::span<const std::uint32_t> fired, Rng& rng) {
  if (kind_ == DecoderKind::kLabelAssignment) {
    for (std::uint32_t i : fired) {
      ++neuron_counts_[i];
      if (assignment_[i] >= 0) ++counts_[assignment_[i]];
    }
    return;
  }
  for (std::uint32_t i : fired) ++counts_[i / group_size_];
  if (first_group_ < 0 && !fired.empty()) {
    // Ties within the first step with spikes go to a random one of the spiking groups.
    first_group_ = static_cast<int>(fired[rng.below(fired.size())] / group_size_);
  }
}

int Decoder::total() const {
  int total = 0;
  if (kind_ == DecoderKind::kLabelAssignment) {  // every neuron's spikes, assigned or not
    for (int c : neuron_counts_) total += c;
    return total;
  }
  for (int c : counts_) total += c;
  return total;
}

double Decoder::softmaxWeights(std::span<double> w) const {
  const int top = *std::max_element(counts_.begin(), counts_.end());
  const bool none = total() == 0;
  double z = 0;
  for (int a = 0; a < n_actions_; ++a) {
    z += w[a] = none ? 1.0 : std::exp((counts_[a] - top) / temperature_);
  }
  return z;
}

void Decoder::softmaxProbabilities(double epsilon, std::span<double> out) const {
  const double z = softmaxWeights(out);
  for (int a = 0; a < n_actions_; ++a) out[a] = (1.0 - epsilon) * out[a] / z + epsilon / n_actions_;
}

int Decoder::decide(int explored, Rng& rng, bool greedy) {
  if (explored >= 0) return explored;
  if (kind_ == DecoderKind::kLabelAssignment) return decideByClass(rng);
  if (total() == 0) return static_cast<int>(rng.below(static_cast<std::uint64_t>(n_actions_)));
  const int top = *std::max_element(counts_.begin(), counts_.end());
  switch (greedy ? DecoderKind::kArgmax : kind_) {
    case DecoderKind::kSoftmax: {
      double u = rng.uniform() * softmaxWeights(p_);
      for (int a = 0; a < n_actions_; ++a) {
        if ((u -= p_[a]) < 0) return a;
      }
      return n_actions_ - 1;
    }
    case DecoderKind::kFirstToSpike:
      return first_group_;
    case DecoderKind::kArgmax:
    case DecoderKind::kLabelAssignment:
      break;
  }
  int ties = 0;
  for (int c : counts_) ties += c == top;
  int pick = static_cast<int>(rng.below(static_cast<std::uint64_t>(ties)));
  for (int a = 0; a < n_actions_; ++a) {
    if (counts_[a] == top && pick-- == 0) return a;
  }
  return 0;
}

}  // namespace spikegym::agents
