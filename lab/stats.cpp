#include "lab/stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "core/rng.hpp"

namespace spikegym::lab {

double trailingMean(std::span<const double> v, std::size_t end, std::size_t window) {
  const std::size_t begin = end > window ? end - window : 0;
  double s = 0;
  for (std::size_t i = begin; i < end; ++i) s += v[i];
  return s / static_cast<double>(end - begin);
}

double runScore(std::span<const double> training_returns) {
  if (training_returns.empty()) return 0.0;
  return trailingMean(training_returns, training_returns.size(), kScoreEpisodes);
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

namespace spikegym::lab {
namespace {

/// numpy.percentile's default (linear interpolation between closest ranks) of sorted values.
double percentileSorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Interval percentileInterval(std::vector<double> stats, double level) {
  std::sort(stats.begin(), stats.end());
  const double tail = (1.0 - level) / 2;
  return {percentileSorted(stats, tail), percentileSorted(stats, 1.0 - tail)};
}

/// The IQM of a multiset given as sorted values with counts (sum of counts = n).
double iqmOfCounts(const std::vector<double>& sorted, const std::vector<int>& counts, int n) {
  const int cut = n / 4;
  const int keep = n - 2 * cut;
  int skipped = 0, taken = 0;
  double sum = 0;
  for (std::size_t i = 0; i < sorted.size() && taken < keep; ++i) {
    int c = counts[i];
    const int skip = std::min(c, cut - skipped);
    skipped += skip;
    c -= skip;
    const int take = std::min(c, keep - taken);
    sum += take * sorted[i];
    taken += take;
  }
  return sum / keep;
}

/// Continued fraction of the regularized incomplete beta function (modified Lentz).
double betaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEps) break;
  }
  return h;
}

/// I_x(a, b), the regularized incomplete beta function.
double incompleteBeta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * betaContinuedFraction(a, b, x) / a;
  return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

}  // namespace

double mean(std::span<const double> x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? std::nan("") : s / static_cast<double>(x.size());
}

double stddev(std::span<const double> x) {
  if (x.size() < 2) return 0.0;
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double iqm(std::span<const double> x) {
  if (x.empty()) return std::nan("");
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t cut = sorted.size() / 4;
  double s = 0;
  for (std::size_t i = cut; i < sorted.size() - cut; ++i) s += sorted[i];
  return s / static_cast<double>(sorted.size() - 2 * cut);
}

double probabilityOfImprovement(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return std::nan("");
  // Mann-Whitney U by sorting: for each a, the ys below it count 1 and those equal 1/2. An exact
  // count (whole and half units), so the same value as the pairwise double loop, in
  // O((n + m) log m) instead of O(n m).
  std::vector<double> ys(y.begin(), y.end());
  std::sort(ys.begin(), ys.end());
  double u = 0;
  for (double a : x) {
    const auto lo = std::lower_bound(ys.begin(), ys.end(), a);
    const auto hi = std::upper_bound(lo, ys.end(), a);
    u += static_cast<double>(lo - ys.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  return u / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
}

WelchT welchT(std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  const double vx = stddev(x) * stddev(x) / n, vy = stddev(y) * stddev(y) / m;
  WelchT w;
  const double se = std::sqrt(vx + vy);
  const double diff = mean(x) - mean(y);
  w.t = se > 0 ? diff / se : (diff == 0 ? 0.0 : std::copysign(INFINITY, diff));
  w.df = se > 0 ? (vx + vy) * (vx + vy) / (vx * vx / (n - 1) + vy * vy / (m - 1)) : n + m - 2;
  return w;
}

double studentTwoSidedP(double t, double df) {
  if (std::isnan(t)) return std::nan("");
  if (std::isinf(t)) return 0.0;
  return incompleteBeta(df / 2, 0.5, df / (df + t * t));
}

double studentQuantile(double p, double df) {
  // P(T <= t) = 1 - p_two_sided / 2 for t >= 0.
  double lo = -1e3, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    const double two = studentTwoSidedP(mid, df);
    const double cdf = mid >= 0 ? 1 - two / 2 : two / 2;
    (cdf < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double welchPValue(std::span<const double> x, std::span<const double> y) {
  if (x.size() < 2 || y.size() < 2) return std::nan("");
  const WelchT w = welchT(x, y);
  if (w.t == 0 && stddev(x) == 0 && stddev(y) == 0) return std::nan("");
  return studentTwoSidedP(w.t, w.df);
}

Interval bootstrapIqm(std::span<const double> scores, std::span<const int> strata, int reps,
                      std::uint64_t seed, double level) {
  const int n = static_cast<int>(scores.size());
  if (n == 0) return {std::nan(""), std::nan("")};
  // Sort once; each stratum keeps the sorted positions of its members.
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] < scores[b]; });
  std::vector<double> sorted(n);
  std::map<int, std::vector<int>> members;
  for (int r = 0; r < n; ++r) {
    sorted[r] = scores[order[r]];
    members[strata.empty() ? 0 : strata[order[r]]].push_back(r);
  }
  Rng rng = rngStream(seed, "bootstrap:iqm");
  std::vector<int> counts(n);
  std::vector<double> stats(reps);
  for (int k = 0; k < reps; ++k) {
    std::fill(counts.begin(), counts.end(), 0);
    for (const auto& [stratum, idx] : members) {
      for (std::size_t j = 0; j < idx.size(); ++j) ++counts[idx[rng.below(idx.size())]];
    }
    stats[k] = iqmOfCounts(sorted, counts, n);
  }
  return percentileInterval(std::move(stats), level);
}

namespace {

/// The median of a multiset given as counts over sorted values (n values in all).
double medianOfCounts(const std::vector<double>& sorted, const std::vector<int>& counts, int n) {
  // The values at ranks (n - 1) / 2 and n / 2 (0-based), averaged.
  auto at = [&](int rank) {
    int seen = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      seen += counts[i];
      if (seen > rank) return sorted[i];
    }
    return sorted.back();
  };
  return 0.5 * (at((n - 1) / 2) + at(n / 2));
}

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n == 0 ? std::nan("") : 0.5 * (x[(n - 1) / 2] + x[n / 2]);
}

}  // namespace

Aggregates bootstrapAggregates(std::span<const double> scores, std::span<const int> strata,
                               std::optional<double> target, int reps, std::uint64_t seed,
                               double level) {
  const int n = static_cast<int>(scores.size());
  const double nan = std::nan("");
  Aggregates a;
  a.median = {median({scores.begin(), scores.end()}), {nan, nan}};
  a.iqm = {iqm(scores), {nan, nan}};
  a.mean = {mean(scores), {nan, nan}};
  auto gapOf = [&target](double s) { return std::max(0.0, *target - s); };
  if (target) {
    double gap = 0;
    for (double s : scores) gap += gapOf(s);
    a.optimality_gap = Estimate{n ? gap / n : nan, {nan, nan}};
  }
  if (n == 0) return a;
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int x, int y) { return scores[x] < scores[y]; });
  std::vector<double> sorted(n);
  std::map<int, std::vector<int>> members;
  for (int r = 0; r < n; ++r) {
    sorted[r] = scores[order[r]];
    members[strata.empty() ? 0 : strata[order[r]]].push_back(r);
  }
  Rng rng = rngStream(seed, "bootstrap:aggregates");
  std::vector<int> counts(n);
  std::vector<double> medians(reps), iqms(reps), means(reps), gaps(reps);
  for (int k = 0; k < reps; ++k) {
    std::fill(counts.begin(), counts.end(), 0);
    for (const auto& [stratum, idx] : members) {
      for (std::size_t j = 0; j < idx.size(); ++j) ++counts[idx[rng.below(idx.size())]];
    }
    double sum = 0, gap = 0;
    for (int r = 0; r < n; ++r) {
      sum += counts[r] * sorted[r];
      if (target) gap += counts[r] * gapOf(sorted[r]);
    }
    medians[k] = medianOfCounts(sorted, counts, n);
    iqms[k] = iqmOfCounts(sorted, counts, n);
    means[k] = sum / n;
    gaps[k] = gap / n;
  }
  a.median.ci = percentileInterval(std::move(medians), level);
  a.iqm.ci = percentileInterval(std::move(iqms), level);
  a.mean.ci = percentileInterval(std::move(means), level);
  if (target) a.optimality_gap->ci = percentileInterval(std::move(gaps), level);
  return a;
}

Interval bootstrapMean(std::span<const double> x, int reps, std::uint64_t seed, double level) {
  const std::size_t n = x.size();
  if (n == 0) return {std::nan(""), std::nan("")};
  Rng rng = rngStream(seed, "bootstrap:mean");
  std::vector<double> stats(reps);
  for (int k = 0; k < reps; ++k) {
    double sum = 0;
    for (std::size_t j = 0; j < n; ++j) sum += x[rng.below(n)];
    stats[k] = sum / static_cast<double>(n);
  }
  return percentileInterval(std::move(stats), level);
}

Interval bootstrapImprovement(std::span<const double> x, std::span<const double> y, int reps,
                              std::uint64_t seed, double level) {
  if (x.empty() || y.empty()) return {std::nan(""), std::nan("")};
  std::vector<double> xs(x.begin(), x.end()), ys(y.begin(), y.end());
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  const std::size_t n = xs.size(), m = ys.size();
  // For each x_i: the ys below it [0, lo[i]) and equal to it [lo[i], hi[i]).
  std::vector<std::size_t> lo(n), hi(n);
  for (std::size_t i = 0; i < n; ++i) {
    lo[i] = std::lower_bound(ys.begin(), ys.end(), xs[i]) - ys.begin();
    hi[i] = std::upper_bound(ys.begin(), ys.end(), xs[i]) - ys.begin();
  }
  Rng rng = rngStream(seed, "bootstrap:improvement");
  std::vector<int> cx(n), cy(m);
  std::vector<double> prefix(m + 1);
  std::vector<double> stats(reps);
  for (int k = 0; k < reps; ++k) {
    std::fill(cx.begin(), cx.end(), 0);
    std::fill(cy.begin(), cy.end(), 0);
    for (std::size_t j = 0; j < n; ++j) ++cx[rng.below(n)];
    for (std::size_t j = 0; j < m; ++j) ++cy[rng.below(m)];
    prefix[0] = 0;
    for (std::size_t j = 0; j < m; ++j) prefix[j + 1] = prefix[j] + cy[j];
    double u = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (cx[i] == 0) continue;
      u += cx[i] * (prefix[lo[i]] + 0.5 * (prefix[hi[i]] - prefix[lo[i]]));
    }
    stats[k] = u / (static_cast<double>(n) * static_cast<double>(m));
  }
  return percentileInterval(std::move(stats), level);
}

Profile performanceProfile(std::span<const double> scores, std::span<const double> taus, int reps,
                           std::uint64_t seed, double level) {
  Profile p;
  p.tau.assign(taus.begin(), taus.end());
  const std::size_t n = scores.size();
  std::vector<double> sorted(scores.begin(), scores.end());
  std::sort(sorted.begin(), sorted.end());
  // above[t] = index of the first score > tau_t in `sorted`.
  std::vector<std::size_t> above(taus.size());
  for (std::size_t t = 0; t < taus.size(); ++t) {
    above[t] = std::upper_bound(sorted.begin(), sorted.end(), taus[t]) - sorted.begin();
    p.fraction.push_back(n ? static_cast<double>(n - above[t]) / static_cast<double>(n) : 0.0);
  }
  Rng rng = rngStream(seed, "bootstrap:profile");
  std::vector<int> counts(n);
  std::vector<double> prefix(n + 1);
  std::vector<std::vector<double>> stats(taus.size(), std::vector<double>(reps));
  for (int k = 0; k < reps && n > 0; ++k) {
    std::fill(counts.begin(), counts.end(), 0);
    for (std::size_t j = 0; j < n; ++j) ++counts[rng.below(n)];
    prefix[0] = 0;
    for (std::size_t j = 0; j < n; ++j) prefix[j + 1] = prefix[j] + counts[j];
    for (std::size_t t = 0; t < taus.size(); ++t) {
      stats[t][k] = (static_cast<double>(n) - prefix[above[t]]) / static_cast<double>(n);
    }
  }
  for (std::size_t t = 0; t < taus.size(); ++t) {
    const Interval ci =
        n ? percentileInterval(std::move(stats[t]), level) : Interval{std::nan(""), std::nan("")};
    p.low.push_back(ci.low);
    p.high.push_back(ci.high);
  }
  return p;
}

int scoreDecimals(std::span<const double> values) {
  double top = 0;
  for (double v : values) {
    if (std::isfinite(v)) top = std::max(top, std::fabs(v));
  }
  if (top == 0) return 1;
  const int magnitude = static_cast<int>(std::floor(std::log10(top)));  // 492.9 -> 2, 0.86 -> -1
  return std::clamp(2 - magnitude, 1, 6);
}

}  // namespace spikegym::lab
