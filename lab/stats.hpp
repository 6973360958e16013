// The one definition of a run's score and of per-cell summaries over seeds. `run` prints them;
// `compare` will build on the same definitions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace spikegym::lab {

/// Episodes at the end of training that a run's score averages.
inline constexpr std::size_t kScoreEpisodes = 100;

/// The mean of the `window` values of `v` that end before index `end` (fewer at the start).
/// Needs end >= 1.
double trailingMean(std::span<const double> v, std::size_t end, std::size_t window);

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
/// Decimals that show the largest finite |value| with 3 significant digits, at least 1: a
/// CartPole return prints as 492.9, an accuracy as 0.856 (not 0.9), a food count as 7.18.
int scoreDecimals(std::span<const double> values);

// ---- Statistics over runs (spikegym compare). The seed is the unit of replication: each run
// gives one score, and every statistic below is over runs, never over episodes. Definitions
// follow Agarwal et al. 2021, "Deep reinforcement learning at the edge of the statistical
// precipice" (NeurIPS; the rliable library) and Colas, Sigaud & Oudeyer 2018/2019 ("How many
// random seeds?", "A hitchhiker's guide to statistical comparisons of RL algorithms").

/// Sample mean and standard deviation (n - 1 in the denominator; 0 for fewer than 2).
double mean(std::span<const double> x);
double stddev(std::span<const double> x);

/// Interquartile mean: the mean of the scores left after dropping floor(n/4) from each end of
/// the sorted list (scipy.stats.trim_mean(x, 0.25), as rliable computes it). NaN for none.
double iqm(std::span<const double> x);

/// Probability of improvement P(X > Y): the Mann-Whitney U statistic over n x m pairs, ties
/// counted half (Agarwal et al. 2021, section 4.3). NaN when either side is empty.
double probabilityOfImprovement(std::span<const double> x, std::span<const double> y);

/// Welch's unequal-variance t-test, two-sided: the p-value of mean(x) == mean(y). NaN when a
/// side has fewer than 2 values or both variances are 0 with equal means; 0 when both
/// variances are 0 and the means differ.
double welchPValue(std::span<const double> x, std::span<const double> y);
/// The t statistic and Welch-Satterthwaite degrees of freedom behind welchPValue.
struct WelchT {
  double t = 0, df = 0;
};
WelchT welchT(std::span<const double> x, std::span<const double> y);
/// P(|T| >= |t|) for Student's t with `df` degrees of freedom (through the regularized
/// incomplete beta function; hand-written, see README).
double studentTwoSidedP(double t, double df);
/// Student's t quantile: the t with P(T <= t) = p (bisection on the CDF).
double studentQuantile(double p, double df);

/// A percentile bootstrap interval.
struct Interval {
  double low = 0, high = 0;
};

/// 95% percentile-bootstrap interval of the IQM over runs: `reps` resamples with replacement,
/// within each stratum (runs of one env; rliable's stratified bootstrap) when `strata` is
/// given (one label per score), from the generator seeded with `seed`.
Interval bootstrapIqm(std::span<const double> scores, std::span<const int> strata, int reps,
                      std::uint64_t seed, double level = 0.95);

/// 95% percentile-bootstrap interval of P(X > Y), X and Y resampled independently.
Interval bootstrapImprovement(std::span<const double> x, std::span<const double> y, int reps,
                              std::uint64_t seed, double level = 0.95);

/// A point estimate with its percentile-bootstrap interval.
struct Estimate {
  double value = 0;
  Interval ci;
};
/// The aggregates rliable's interval-estimate figure shows (Agarwal et al. 2021, fig. 1 and
/// section 4.1), each with a 95% stratified percentile-bootstrap interval from the same
/// resamples of the runs: median, IQM, mean and, when a target is given, the optimality gap
/// mean(max(0, target - score)) (how far runs fall short of the target; lower is better).
struct Aggregates {
  Estimate median, iqm, mean;
  std::optional<Estimate> optimality_gap;
};
Aggregates bootstrapAggregates(std::span<const double> scores, std::span<const int> strata,
                               std::optional<double> target, int reps, std::uint64_t seed,
                               double level = 0.95);

/// 95% percentile-bootstrap interval of the mean of `x` (resampled with replacement), from
/// the generator seeded with `seed`; for learning-curve bands, where a t interval on a few
/// runs runs far outside what any run did.
Interval bootstrapMean(std::span<const double> x, int reps, std::uint64_t seed,
                       double level = 0.95);

/// Performance profile: for each threshold tau, the fraction of runs with a score > tau, and a
/// 95% percentile-bootstrap band (rows: thresholds; low and high per threshold).
struct Profile {
  std::vector<double> tau, fraction, low, high;
};
Profile performanceProfile(std::span<const double> scores, std::span<const double> taus, int reps,
                           std::uint64_t seed, double level = 0.95);

}  // namespace spikegym::lab
