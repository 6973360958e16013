// Figures for `spikegym compare`, drawn with PLplot (cairo drivers: SVG, PNG, PDF). Paper style:
// white background, axis labels with units, a legend, translucent 95% bands.
//   curves.<fmt>       learning curves: mean over runs per group, shaded 95% CI
//   scores.<fmt>       each run's score as a dot, the IQM and its 95% bootstrap CI per group
//   profile.<fmt>      performance profiles: fraction of runs with score > tau, 95% bands
//   improvement.<fmt>  probability of improvement P(A > B) with 95% bootstrap CIs
//   intervals.<fmt>    rliable's interval estimates: median, IQM, mean and (with a target)
//                      optimality gap per group, 95% stratified bootstrap CIs
//   pareto.<fmt>       score (IQM) against energy per episode (log scale), one point per group
//                      with 95% CIs on both axes (runs with cost columns only)
//   confusion.<fmt>    classification envs: each group's confusion matrix (true class by
//                      answer, fraction of the class's test images), the best groups first
// Each group keeps one colour (Okabe-Ito) in every figure of a call; SVG text is text (PLplot's
// svg driver: labels stay editable), PNG and PDF are drawn by cairo.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lab/stats.hpp"

namespace spikegym::lab {

/// Every series carries its group's colour: an index into the palette, fixed per group for
/// every figure of one compare call (-1: by position).
struct Curve {
  std::string label;
  std::vector<double> x, y, low, high;
  int colour = -1;
};

struct ScoreColumn {
  std::string label;
  std::vector<double> scores;
  double iqm = 0, low = 0, high = 0;
  int colour = -1;
};

struct ProfileSeries {
  std::string label;
  Profile profile;
  int colour = -1;
};

struct IntervalRow {
  std::string label;
  Aggregates aggregates;
  int colour = -1;
};

/// A group in the Pareto figure: energy per episode (x) and score (y), each with its 95% CI.
struct ParetoPoint {
  std::string label;
  double x = 0, x_low = 0, x_high = 0;  ///< [uJ]
  double y = 0, y_low = 0, y_high = 0;  ///< score: IQM and its CI
  int colour = -1;
};

/// A group's confusion matrix (classification envs): the fraction of each true class's test
/// images given each answer, summed over the group's runs.
struct ConfusionPanel {
  std::string label;
  int classes = 0;
  std::vector<double> fraction;  ///< [label * classes + answer]; NaN rows: no image of the class
  int runs = 0;
  double accuracy = 0;  ///< the mean over runs of each run's test accuracy
};

struct PairBar {
  std::string label;
  double p = 0, low = 0, high = 0;
};

struct FigureSet {
  std::string metric;                        ///< the episodes.csv column plotted
  std::string score_label;                   ///< e.g. "last:100 of return"
  std::string context;                       ///< for titles: the env(s) and runs per group
  std::string x_label = "training episode";  ///< the curves' x axis (episodes or env steps)
  /// The env's solved threshold in score units (CartPole-v1: 475), drawn dashed; none: no line.
  std::optional<double> threshold;
  int smooth_episodes = 10;
  bool lower_is_better = false;
  std::vector<Curve> curves;
  std::vector<ScoreColumn> scores;
  std::vector<ProfileSeries> profiles;
  std::vector<PairBar> pairs;
  std::vector<IntervalRow> intervals;
  std::vector<ParetoPoint> pareto;  ///< empty: no pareto figure (no cost columns)
  std::string pareto_x_label;
  std::string pareto_window;  ///< the episodes the energies are over, for the subtitle
  /// Confusion matrices, best group first (at most kMaxConfusionPanels); empty: no figure.
  std::vector<ConfusionPanel> confusions;
  int confusion_groups = 0;  ///< groups with a matrix in all (more than drawn: said)
};

/// The confusion figure draws the best groups' matrices, at most this many.
inline constexpr int kMaxConfusionPanels = 4;

/// The palette's colours as "#rrggbb" (Okabe & Ito 2008, colour-blind safe), by index.
const std::vector<std::string>& paletteHex();
/// The number of colours in the palette.
int paletteSize();

/// The figures writeFigures draws, by file name without extension (what `compare` owns in its
/// output folder besides the CSV files).
const std::vector<std::string>& figureNames();

/// Throws UserError (with a did-you-mean) unless `format` is svg, png or pdf.
void checkFigureFormat(const std::string& format);
/// Writes the five figures into `dir` as <name>.<format> (svg, png or pdf), each to a
/// temporary name first and renamed only when it is not empty (a figure PLplot could not draw
/// throws UserError naming it and leaves no file).
void writeFigures(const FigureSet& figures, const std::string& dir, const std::string& format);

}  // namespace spikegym::lab
