// The one definition of a run's score and of per-cell summaries over seeds. `run` prints them;
// `compare` will build on the same definitions.
#pragma once

#include <cstddef>
#include <span>

namespace spikegym::lab {

/// Episodes at the end of training that a run's score averages.
inline constexpr std::size_t kScoreEpisodes = 100;

/// A run's score: the mean return of its last kScoreEpisodes training episodes (all of them if
/// fewer; 0 for none). Evaluation episodes are not training episodes.
double runScore(std::span<const double> training_returns);

/// Summary of the scores of one cell's runs (one per seed).
struct CellStats {
  std::size_t n = 0;
  double mean = 0, median = 0, min = 0, max = 0;
};

/// Mean, median (mean of the middle two for an even count), min and max; n = 0 for none.
CellStats summarize(std::span<const double> scores);

}  // namespace spikegym::lab
