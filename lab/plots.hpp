// Figures for `spikegym compare`, drawn with PLplot (cairo drivers: SVG, PNG, PDF). Paper style:
// white background, axis labels with units, a legend, translucent 95% bands.
//   curves.<fmt>       learning curves: mean over runs per group, shaded 95% CI
//   scores.<fmt>       each run's score as a dot, the IQM and its 95% bootstrap CI per group
//   profile.<fmt>      performance profiles: fraction of runs with score > tau, 95% bands
//   improvement.<fmt>  probability of improvement P(A > B) with 95% bootstrap CIs
#pragma once

#include <string>
#include <vector>

#include "lab/stats.hpp"

namespace spikegym::lab {

struct Curve {
  std::string label;
  std::vector<double> x, y, low, high;
};

struct ScoreColumn {
  std::string label;
  std::vector<double> scores;
  double iqm = 0, low = 0, high = 0;
};

struct ProfileSeries {
  std::string label;
  Profile profile;
};

struct PairBar {
  std::string label;
  double p = 0, low = 0, high = 0;
};

struct FigureSet {
  std::string metric;       ///< the episodes.csv column plotted
  std::string score_label;  ///< e.g. "last:100 of return"
  int smooth_episodes = 10;
  bool lower_is_better = false;
  std::vector<Curve> curves;
  std::vector<ScoreColumn> scores;
  std::vector<ProfileSeries> profiles;
  std::vector<PairBar> pairs;
};

/// Throws UserError (with a did-you-mean) unless `format` is svg, png or pdf.
void checkFigureFormat(const std::string& format);
/// Writes the four figures into `dir` as <name>.<format> (svg, png or pdf), each to a
/// temporary name first and renamed only when it is not empty (a figure PLplot could not draw
/// throws UserError naming it and leaves no file).
void writeFigures(const FigureSet& figures, const std::string& dir, const std::string& format);

}  // namespace spikegym::lab
