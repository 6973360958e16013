#include "lab/stats.hpp"

#include <algorithm>
#include <vector>

namespace spikegym::lab {

double runScore(std::span<const double> training_returns) {
  const std::size_t n = std::min(kScoreEpisodes, training_returns.size());
  double s = 0;
  for (std::size_t i = training_returns.size() - n; i < training_returns.size(); ++i) {
    s += training_returns[i];
  }
  return n ? s / static_cast<double>(n) : 0.0;
}

CellStats summarize(std::span<const double> scores) {
  CellStats out;
  out.n = scores.size();
  if (scores.empty()) return out;
  std::vector<double> sorted(scores.begin(), scores.end());
  std::sort(sorted.begin(), sorted.end());
  for (double x : scores) out.mean += x / static_cast<double>(scores.size());
  const std::size_t n = sorted.size();
  out.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  out.min = sorted.front();
  out.max = sorted.back();
  return out;
}

}  // namespace spikegym::lab
