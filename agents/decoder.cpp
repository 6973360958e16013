#include "agents/decoder.hpp"

#include <algorithm>
#include <cmath>

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

int Decoder::explore(Rng& rng, double epsilon) const {
  if (rng.uniform() < epsilon) return static_cast<int>(rng.below(n_actions_));
  return -1;
}

void Decoder::beginWindow() {
  std::fill(counts_.begin(), counts_.end(), 0);
  first_group_ = -1;
}

void Decoder::countSpikes(std::span<const std::uint32_t> fired, Rng& rng) {
  for (std::uint32_t i : fired) ++counts_[i / group_size_];
  if (first_group_ < 0 && !fired.empty()) {
    // Ties within the first step with spikes go to a random one of the spiking groups.
    first_group_ = static_cast<int>(fired[rng.below(fired.size())] / group_size_);
  }
}

int Decoder::total() const {
  int total = 0;
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
