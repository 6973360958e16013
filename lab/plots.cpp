#include "lab/plots.hpp"

#include <plplot/plstream.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/params.hpp"

namespace spikegym::lab {
namespace {

// Colour-blind-safe palette (Okabe & Ito 2008), yellow last (faint on white).
constexpr int kColours = 8;
constexpr int kPalette[kColours][3] = {{0, 114, 178},   {213, 94, 0},  {0, 158, 115},
                                       {204, 121, 167}, {230, 159, 0}, {86, 180, 233},
                                       {0, 0, 0},       {240, 228, 66}};

/// The palette index of a series: its group's colour, else its position.
int colourOf(int colour, std::size_t position) {
  return (colour >= 0 ? colour : static_cast<int>(position)) % kColours;
}
constexpr int kLine = 2;   // colour indices kLine + i: opaque lines
constexpr int kBand = 12;  // kBand + i: translucent bands
constexpr int kGrid = 22;  // light grey grid lines

/// A figure open for drawing: the stream writes its file when destroyed.
class Figure {
 public:
  Figure(const std::string& path, const std::string& format, int width_px, int height_px)
      : height_px_(height_px) {
    // SVG by PLplot's own svg driver: text stays <text> (svgcairo stores glyph outlines, which
    // no editor can change); PNG and PDF by cairo.
    const std::string device = format == "svg" ? "svg" : format == "pdf" ? "pdfcairo" : "pngcairo";
    pls_.sdev(device.c_str());
    pls_.sfnam(path.c_str());
    pls_.spage(0, 0, width_px, height_px, 0, 0);
    pls_.scolbg(255, 255, 255);
    pls_.scmap0n(24);
    pls_.init();
    pls_.scol0(1, 0, 0, 0);
    pls_.scol0(kGrid, 200, 200, 200);
    for (int i = 0; i < kColours; ++i) {
      pls_.scol0(kLine + i, kPalette[i][0], kPalette[i][1], kPalette[i][2]);
      pls_.scol0a(kBand + i, kPalette[i][0], kPalette[i][1], kPalette[i][2], 0.22);
    }
    pls_.font(1);
    // PLplot scales its default text with the page's mean side: a 900 x 1540 figure (20 groups)
    // drew its text 1.7 times larger than a 900 x 560 one and ran the title off the page. Text
    // is kept the size it has on the 900 x 560 figures, whatever the height.
    constexpr double kReferenceMeanSide = 0.5 * (900 + 560);  // [px]
    text_scale_ = 0.9 * kReferenceMeanSide / (0.5 * (width_px + height_px));
    pls_.schr(0, text_scale_);
  }
  plstream& operator*() { return pls_; }

  /// [fraction of the page] The plot area's bottom and top: margins in pixels, not fractions.
  /// Tick labels and the axis label below need about 70 px, the title and its second line
  /// above about 80 px, whatever the height (a 305 px figure of 3 pairs lost its x label at a
  /// fixed 13%).
  /// (As pixels, not fractions, also on tall figures: 13% of a 990 px figure of 15 pairs left
  /// 130 px blank below it.)
  double bottom() const { return 70.0 / static_cast<double>(height_px_); }
  double top() const { return 1.0 - 80.0 / static_cast<double>(height_px_); }

  /// The title (what the figure shows) and a second, smaller line (env, runs, method), centred
  /// on the page, not on the plot: a plot pushed right by long row labels ran a centred title
  /// off the right edge.
  void titles(const std::string& title, const std::string& subtitle) {
    pls_.vpor(0.02, 0.98, bottom(), top());
    pls_.col0(1);
    pls_.mtex("t", 3.4, 0.5, 0.5, title.c_str());
    pls_.schr(0, 0.8 * text_scale_);
    pls_.mtex("t", 1.9, 0.5, 0.5, subtitle.c_str());
    pls_.schr(0, text_scale_);
  }

  /// Axes box with grid and labels in viewport [l, r] x [bottom, top] (fractions of the page).
  void axes(double xmin, double xmax, double ymin, double ymax, const std::string& xlabel,
            const std::string& ylabel, const std::string& title, const std::string& subtitle,
            double l = 0.09, double r = 0.97, const char* xopt = "bcnst",
            const char* yopt = "bcnstv") {
    pls_.adv(0);
    titles(title, subtitle);
    pls_.vpor(l, r, bottom(), top());
    pls_.wind(xmin, xmax, ymin, ymax);
    pls_.col0(kGrid);
    pls_.width(0.5);
    // A y grid only on a numeric y axis (row figures name their rows instead).
    pls_.box("g", 0, 0, std::strchr(yopt, 'n') ? "g" : "", 0, 0);
    pls_.col0(1);
    pls_.width(1);
    pls_.box(xopt, 0, 0, yopt, 0, 0);
    pls_.lab(xlabel.c_str(), ylabel.c_str(), "");
  }

  /// A legend of coloured lines (palette indices `colours`; -1: black dashed, the solved
  /// threshold) and labels in the top-left (or top-right) corner.
  void legend(const std::vector<std::string>& labels, const std::vector<int>& colours, double xmin,
              double xmax, double ymin, double ymax, bool right = false) {
    const double dx = xmax - xmin, dy = ymax - ymin;
    const double x0 = right ? xmax - 0.42 * dx : xmin + 0.03 * dx;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const double y = ymax - (0.06 + 0.065 * static_cast<double>(i)) * dy;
      const PLFLT xs[2] = {x0, x0 + 0.05 * dx}, ys[2] = {y, y};
      pls_.col0(colours[i] < 0 ? 1 : kLine + colours[i]);
      pls_.lsty(colours[i] < 0 ? 2 : 1);
      pls_.width(colours[i] < 0 ? 1.5 : 3);
      pls_.line(2, xs, ys);
      pls_.lsty(1);
      pls_.col0(1);
      pls_.width(1);
      pls_.ptex(x0 + 0.065 * dx, y, 1, 0, 0, labels[i].c_str());
    }
  }

  /// [px] The width of `text` drawn at text scale `scale`: 0.62 em per character, a little
  /// over DejaVu Sans's mean advance for lower-case text and digits (0.58-0.64 em). The
  /// figure's own scale (text_scale_) draws a kFontPx font on every figure (the constructor).
  double textPx(const std::string& text, double scale) const {
    return 0.62 * kFontPx * (scale / text_scale_) * static_cast<double>(text.size());
  }
  double longestPx(const std::vector<std::string>& labels, double scale) const {
    double px = 0;
    for (const auto& l : labels) px = std::max(px, textPx(l, scale));
    return px;
  }
  /// The text scale at which every label is at most `px` wide (never larger than `scale`).
  double scaleToFit(const std::vector<std::string>& labels, double px, double scale) const {
    const double need = longestPx(labels, scale);
    return need > px ? scale * px / need : scale;
  }

  /// Left edge (fraction of the width) of a plot whose rows are named by `labels` in the left
  /// margin (at `scale` of the figure's text), as wide as the longest label needs; past 60%
  /// of the width the labels are drawn smaller (labelScale) instead.
  double labelMargin(const std::vector<std::string>& labels, double scale = 1) const {
    const double px = longestPx(labels, scale * text_scale_) + 30;
    return std::clamp(px / kWidthPx, 0.2, 0.6);
  }
  /// The text scale that fits `labels` into labelMargin's margin.
  double labelScale(const std::vector<std::string>& labels, double scale = 1) const {
    return scaleToFit(labels, 0.6 * kWidthPx - 30, scale * text_scale_);
  }
  void setTextScale(double scale) { pls_.schr(0, scale); }
  /// The figure's own text scale (what resetTextScale restores): sizes relative to it keep
  /// their proportion to the title on pages of any height.
  double textScale() const { return text_scale_; }
  void resetTextScale() { pls_.schr(0, text_scale_); }

  /// A legend in its own panel right of a plot drawn with axes(..., r <= kBesideLeft - 0.02):
  /// it never covers data, and the y axis keeps the data's range.
  /// (Its text is 0.85 of the figure's: a 40-character group name fits in the panel.)
  static constexpr double kBesideLeft = 0.63;
  void legendBeside(const std::vector<std::string>& labels, const std::vector<int>& colours) {
    pls_.vpor(kBesideLeft, 0.995, bottom(), top());
    pls_.wind(0, 1, 0, 1);
    // Text from 12% of the panel to 1% short of the page's edge.
    const double room_px = (0.995 - kBesideLeft) * kWidthPx * (0.88 - 0.01);
    pls_.schr(0, scaleToFit(labels, room_px, 0.85 * text_scale_));
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const double y = 0.96 - 0.07 * static_cast<double>(i);
      const PLFLT xs[2] = {0.0, 0.1}, ys[2] = {y, y};
      pls_.col0(colours[i] < 0 ? 1 : kLine + colours[i]);  // -1: black dashed (solved)
      pls_.lsty(colours[i] < 0 ? 2 : 1);
      pls_.width(colours[i] < 0 ? 1.5 : 3);
      pls_.line(2, xs, ys);
      pls_.lsty(1);
      pls_.col0(1);
      pls_.width(1);
      pls_.ptex(0.12, y, 1, 0, 0, labels[i].c_str());
    }
    pls_.schr(0, text_scale_);
  }

 private:
  static constexpr double kWidthPx = 900;  ///< every figure is 900 px wide
  /// [px] The font size of the figures' text (font-size in the SVG PLplot writes).
  static constexpr double kFontPx = 17;
  int height_px_;
  double text_scale_ = 0.9;
  plstream pls_;
};

void band(plstream& pls, int colour, const std::vector<double>& x, const std::vector<double>& lo,
          const std::vector<double>& hi) {
  std::vector<PLFLT> px(x.begin(), x.end()), py(hi.begin(), hi.end());
  for (std::size_t i = x.size(); i-- > 0;) {
    px.push_back(x[i]);
    py.push_back(lo[i]);
  }
  pls.col0(colour);
  pls.fill(static_cast<PLINT>(px.size()), px.data(), py.data());
}

/// The fraction of the plot's height that legend() takes for `entries` lines.
double legendFraction(std::size_t entries) {
  return 0.06 + 0.065 * static_cast<double>(entries) + 0.02;
}

/// A y range [ymin, ymax) whose top legendFraction(entries) holds the legend and nothing else:
/// the data [lo, hi] stays below it.
std::pair<double, double> rangeWithLegend(double lo, double hi, std::size_t entries) {
  const double h = std::min(0.7, legendFraction(entries));
  return {lo, lo + (hi - lo) / (1.0 - h)};
}

std::pair<double, double> paddedRange(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (hi <= lo) return {lo - 0.5, hi + 0.5};
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

/// A dashed line at the solved threshold, vertical (x = value) or horizontal (y = value),
/// across [from, to] of the other axis. It carries no text in the plot (a label there lay over
/// the runs that reach it): the axis label or the legend names it (solvedNote).
void thresholdLine(plstream& pls, double value, double from, double to, bool vertical) {
  const PLFLT xs[2] = {vertical ? value : from, vertical ? value : to};
  const PLFLT ys[2] = {vertical ? from : value, vertical ? to : value};
  pls.col0(1);
  pls.lsty(2);
  pls.width(1.5);
  pls.line(2, xs, ys);
  pls.lsty(1);
  pls.width(1);
}

/// What the dashed line is, for an axis label or a legend: "dashed: solved (475)".
std::string solvedNote(const FigureSet& f) {
  return f.threshold ? "dashed: solved (" + formatNumber(*f.threshold) + ")" : "";
}

/// 1, 2 or 5 times a power of ten, the nearest at or above `x` > 0 (axis tick steps).
double niceStep(double x) {
  if (!(x > 0) || !std::isfinite(x)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= x) return m * power;
  }
  return 10 * power;
}

/// A step function through (x_i, y_i): y_i holds until x_{i+1}, then drops (or rises) there.
std::pair<std::vector<PLFLT>, std::vector<PLFLT>> steps(const std::vector<double>& x,
                                                        const std::vector<double>& y) {
  std::vector<PLFLT> sx, sy;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i > 0) {
      sx.push_back(x[i]);
      sy.push_back(y[i - 1]);
    }
    sx.push_back(x[i]);
    sy.push_back(y[i]);
  }
  return {sx, sy};
}

void learningCurves(const FigureSet& f, const std::string& path, const std::string& format) {
  Figure fig(path, format, 900, 560);
  double xmin = INFINITY, xmax = -INFINITY, lo = INFINITY, hi = -INFINITY;
  for (const Curve& c : f.curves) {
    if (!c.x.empty()) xmin = std::min(xmin, c.x.front()), xmax = std::max(xmax, c.x.back());
    for (std::size_t i = 0; i < c.y.size(); ++i) {
      lo = std::min(lo, c.low[i]);
      hi = std::max(hi, c.high[i]);
    }
  }
  if (f.threshold && std::isfinite(lo)) {
    lo = std::min(lo, *f.threshold);
    hi = std::max(hi, *f.threshold);
  }
  if (!std::isfinite(xmin)) xmin = 1, xmax = 2;
  if (xmax <= xmin) xmax = xmin + 1;
  const auto [dmin, dmax] = paddedRange(lo, hi);
  const auto [ymin, ymax] = rangeWithLegend(dmin, dmax, f.curves.size() + (f.threshold ? 1 : 0));
  fig.axes(xmin, xmax, ymin, ymax, f.x_label,
           f.metric + " (mean of the last " + std::to_string(f.smooth_episodes) + " episodes)",
           "Learning curves",
           f.context + "; mean over runs, 95% bootstrap CI (within the runs' range)");
  std::vector<std::string> labels;
  std::vector<int> colours;
  for (std::size_t g = 0; g < f.curves.size(); ++g) {
    const Curve& c = f.curves[g];
    const int colour = colourOf(c.colour, g);
    band(*fig, kBand + colour, c.x, c.low, c.high);
    (*fig).col0(kLine + colour);
    (*fig).width(2);
    (*fig).line(static_cast<PLINT>(c.x.size()), c.x.data(), c.y.data());
    labels.push_back(c.label);
    colours.push_back(colour);
  }
  if (f.threshold) {
    thresholdLine(*fig, *f.threshold, xmin, xmax, false);
    labels.push_back("solved (" + formatNumber(*f.threshold) + ")");
    colours.push_back(-1);
  }
  fig.legend(labels, colours, xmin, xmax, ymin, ymax);
}

void scorePlot(const FigureSet& f, const std::string& path, const std::string& format) {
  const int n = static_cast<int>(f.scores.size());
  Figure fig(path, format, 900, 165 + 70 * n);
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& c : f.scores) {
    for (double s : c.scores) lo = std::min(lo, s), hi = std::max(hi, s);
    lo = std::min(lo, c.low);
    hi = std::max(hi, c.high);
  }
  if (f.threshold && std::isfinite(lo)) {
    lo = std::min(lo, *f.threshold);
    hi = std::max(hi, *f.threshold);
  }
  const auto [xmin, xmax] = paddedRange(lo, hi);
  // Groups as rows, best at the top; labels in the left margin, as wide as they need.
  std::vector<std::string> names;
  for (const auto& c : f.scores) names.push_back(c.label);
  fig.axes(xmin, xmax, 0.3, n + 0.7,
           "score: " + f.score_label + (f.lower_is_better ? " (lower is better)" : "") +
               (f.threshold ? "; " + solvedNote(f) : ""),
           "", "Scores per run", f.context + "; dots: runs, bar: IQM, line: its 95% bootstrap CI",
           fig.labelMargin(names), 0.97, "bcnst", "bc");
  if (f.threshold) thresholdLine(*fig, *f.threshold, 0.3, n + 0.7, true);
  for (int g = 0; g < n; ++g) {
    const ScoreColumn& c = f.scores[g];
    const double y = n - g;
    const int colour = colourOf(c.colour, static_cast<std::size_t>(g));
    for (std::size_t i = 0; i < c.scores.size(); ++i) {
      // Deterministic jitter so that equal scores stay visible.
      const double jy = y - 0.18 + 0.36 * std::fmod(static_cast<double>(i) * 0.618034, 1.0);
      PLFLT px = c.scores[i], py = jy;
      (*fig).col0(kLine + colour);
      (*fig).poin(1, &px, &py, 4);
    }
    const PLFLT cx[2] = {c.low, c.high}, cy[2] = {y, y};
    (*fig).col0(1);
    (*fig).width(2.5);
    (*fig).line(2, cx, cy);
    const PLFLT mx[2] = {c.iqm, c.iqm}, my[2] = {y - 0.3, y + 0.3};
    (*fig).width(4);
    (*fig).line(2, mx, my);
    (*fig).width(1);
    fig.setTextScale(fig.labelScale(names));
    (*fig).mtex("lv", 0.8, (y - 0.3) / (n + 0.4), 1.0, c.label.c_str());
    fig.resetTextScale();
  }
}

void profilePlot(const FigureSet& f, const std::string& path, const std::string& format) {
  Figure fig(path, format, 900, 560);
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& p : f.profiles) {
    if (!p.profile.tau.empty()) {
      lo = std::min(lo, p.profile.tau.front());
      hi = std::max(hi, p.profile.tau.back());
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  // A fraction: the y axis is [0, 1], whatever the data.
  const bool solved_shown = f.threshold && *f.threshold > lo && *f.threshold < hi;
  fig.axes(
      lo, hi, 0, 1,
      "score threshold tau (" + f.score_label + ")" + (solved_shown ? "; " + solvedNote(f) : ""),
      "fraction of runs with score > tau", "Performance profiles",
      f.context + "; 95% bootstrap bands", 0.09, Figure::kBesideLeft - 0.03);
  if (solved_shown) thresholdLine(*fig, *f.threshold, 0, 1, true);
  std::vector<std::string> labels;
  std::vector<int> colours;
  for (std::size_t g = 0; g < f.profiles.size(); ++g) {
    const Profile& p = f.profiles[g].profile;
    const int colour = colourOf(f.profiles[g].colour, g);
    // Steps, not slopes: the fraction drops at each run's score and is flat in between.
    const auto [bx, by_high] = steps(p.tau, p.high);
    const auto [bx2, by_low] = steps(p.tau, p.low);
    band(*fig, kBand + colour, std::vector<double>(bx.begin(), bx.end()),
         std::vector<double>(by_low.begin(), by_low.end()),
         std::vector<double>(by_high.begin(), by_high.end()));
    const auto [sx, sy] = steps(p.tau, p.fraction);
    (*fig).col0(kLine + colour);
    (*fig).width(2);
    (*fig).line(static_cast<PLINT>(sx.size()), sx.data(), sy.data());
    labels.push_back(f.profiles[g].label);
    colours.push_back(colour);
  }
  fig.legendBeside(labels, colours);
}

void improvementPlot(const FigureSet& f, const std::string& path, const std::string& format) {
  const int n = static_cast<int>(f.pairs.size());
  if (n == 0) return;
  Figure fig(path, format, 900, 165 + 55 * n);
  std::vector<std::string> names;
  for (const auto& p : f.pairs) names.push_back(p.label);
  fig.axes(0, 1, 0.3, n + 0.7,
           f.lower_is_better ? "P(A reaches the threshold sooner than B)"
                             : "P(A > B): probability of improvement",
           "", "Probability of improvement", f.context + "; 95% bootstrap CIs",
           fig.labelMargin(names), 0.97, "bcnst", "bc");
  const PLFLT hx[2] = {0.5, 0.5}, hy[2] = {0.3, n + 0.7};
  (*fig).col0(kGrid);
  (*fig).line(2, hx, hy);
  for (int i = 0; i < n; ++i) {
    const PairBar& p = f.pairs[i];
    const double y = n - i;
    const PLFLT cx[2] = {p.low, p.high}, cy[2] = {y, y};
    (*fig).col0(kLine + 0);  // one colour: a pair is no group
    (*fig).width(5);
    (*fig).line(2, cx, cy);
    PLFLT px = p.p, py = y;
    (*fig).col0(1);
    (*fig).width(1);
    (*fig).poin(1, &px, &py, 17);
    fig.setTextScale(fig.labelScale(names));
    (*fig).mtex("lv", 0.8, (y - 0.3) / (n + 0.4), 1.0, p.label.c_str());
    fig.resetTextScale();
  }
}

/// rliable's interval estimates: one panel per aggregate, one row per group (as the scores).
void intervalPlot(const FigureSet& f, const std::string& path, const std::string& format) {
  const int n = static_cast<int>(f.intervals.size());
  if (n == 0) return;
  Figure fig(path, format, 900, 165 + 45 * n);
  std::vector<std::string> names;
  for (const auto& row : f.intervals) names.push_back(row.label);
  struct Panel {
    const char* name;
    const Estimate* (*get)(const Aggregates&);
  };
  std::vector<Panel> panels = {
      {"Median", [](const Aggregates& a) { return &a.median; }},
      {"IQM", [](const Aggregates& a) { return &a.iqm; }},
      {"Mean", [](const Aggregates& a) { return &a.mean; }},
  };
  if (f.intervals.front().aggregates.optimality_gap) {
    panels.push_back({"Optimality gap", [](const Aggregates& a) {
                        return a.optimality_gap ? &*a.optimality_gap : nullptr;
                      }});
  }
  (*fig).adv(0);
  fig.titles("Interval estimates", f.context + "; " + f.score_label + "; 95% bootstrap CIs");
  // The panels' names sit between the subtitle and the panels: 25 px more room on top.
  const double top = fig.top() - 25.0 / (165.0 + 45.0 * n);
  // Row names a little smaller than the figure's text: the four panels keep room for their
  // names and tick labels.
  constexpr double kRowText = 0.85;
  const double left = fig.labelMargin(names, kRowText), gap = 0.03;
  const double width = (0.97 - left - gap * static_cast<double>(panels.size() - 1)) /
                       static_cast<double>(panels.size());
  for (std::size_t k = 0; k < panels.size(); ++k) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& row : f.intervals) {
      if (const Estimate* e = panels[k].get(row.aggregates)) {
        for (double v : {e->value, e->ci.low, e->ci.high}) {
          if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        }
      }
    }
    // 10% on each side: the bands' 14 px round ends stay inside the panel.
    const auto [xmin0, xmax0] = paddedRange(lo, hi);
    const double xmin = xmin0 - 0.05 * (xmax0 - xmin0), xmax = xmax0 + 0.05 * (xmax0 - xmin0);
    const double l = left + static_cast<double>(k) * (width + gap);
    (*fig).vpor(l, l + width, fig.bottom(), top);
    (*fig).wind(xmin, xmax, 0.3, n + 0.7);
    (*fig).col0(kGrid);
    (*fig).width(0.5);
    // Two or three tick labels a panel: a step of about a third of the range, rounded to 1, 2 or 5
    // times a power of ten (PLplot's own choice put five labels into a 100 px panel).
    const double step = niceStep((xmax - xmin) / 3);
    (*fig).box("g", step, 0, "", 0, 0);
    (*fig).col0(1);
    (*fig).width(1);
    fig.setTextScale(0.8 * fig.labelScale({"0000"}));
    (*fig).box("bcnst", step, 2, "bc", 0, 0);
    const double panel_px = width * 900;
    fig.setTextScale(fig.scaleToFit({panels[k].name}, panel_px, fig.labelScale({"0"})));
    (*fig).mtex("t", 0.9, 0.5, 0.5, panels[k].name);
    fig.resetTextScale();
    for (int g = 0; g < n; ++g) {
      const IntervalRow& row = f.intervals[g];
      const Estimate* e = panels[k].get(row.aggregates);
      if (!e) continue;
      const double y = n - g;
      const PLFLT cx[2] = {e->ci.low, e->ci.high}, cy[2] = {y, y};
      (*fig).col0(kBand + colourOf(row.colour, static_cast<std::size_t>(g)));
      (*fig).width(14);
      (*fig).line(2, cx, cy);
      const PLFLT mx[2] = {e->value, e->value}, my[2] = {y - 0.25, y + 0.25};
      (*fig).col0(kLine + colourOf(row.colour, static_cast<std::size_t>(g)));
      (*fig).width(3);
      (*fig).line(2, mx, my);
      (*fig).width(1);
      if (k == 0) {
        (*fig).col0(1);
        fig.setTextScale(fig.labelScale(names, kRowText));
        (*fig).mtex("lv", 0.8, (y - 0.3) / (n + 0.4), 1.0, row.label.c_str());
        fig.resetTextScale();
      }
    }
  }
}

/// Score against energy per episode: one point per group with 95% CIs on both axes, energy on a
/// log axis (agents differ by orders of magnitude). A group that spent nothing (a random agent)
/// sits at the left edge, said in the subtitle.
void paretoPlot(const FigureSet& f, const std::string& path, const std::string& format) {
  if (f.pareto.empty()) return;
  double xmin = INFINITY, xmax = -INFINITY, lo = INFINITY, hi = -INFINITY;
  for (const ParetoPoint& p : f.pareto) {
    for (double x : {p.x, p.x_low, p.x_high}) {
      if (x > 0) xmin = std::min(xmin, x), xmax = std::max(xmax, x);
    }
    lo = std::min({lo, p.y, p.y_low});
    hi = std::max({hi, p.y, p.y_high});
  }
  if (!std::isfinite(xmin)) xmin = 1e-3, xmax = 1;
  // Whole decades around the data, at least one.
  const double lx0 = std::floor(std::log10(xmin)),
               lx1 = std::max(lx0 + 1, std::ceil(std::log10(xmax)));
  if (f.threshold) lo = std::min(lo, *f.threshold), hi = std::max(hi, *f.threshold);
  const auto [ymin, ymax] = paddedRange(lo, hi);
  Figure fig(path, format, 900, 560);
  fig.axes(lx0, lx1, ymin, ymax, f.pareto_x_label,
           "score: " + f.score_label + (f.lower_is_better ? " (lower is better)" : ""),
           "Score against energy",
           f.context + "; " + f.pareto_window + "; IQM, mean energy, 95% CIs", 0.09,
           Figure::kBesideLeft - 0.02, "bclnst", "bcnstv");
  if (f.threshold) thresholdLine(*fig, *f.threshold, lx0, lx1, false);
  auto lx = [lx0](double x) { return x > 0 ? std::max(lx0, std::log10(x)) : lx0; };
  std::vector<std::string> labels;
  std::vector<int> colours;
  for (std::size_t g = 0; g < f.pareto.size(); ++g) {
    const ParetoPoint& p = f.pareto[g];
    const int colour = colourOf(p.colour, g);
    (*fig).col0(kLine + colour);
    (*fig).width(2.5);
    const PLFLT hx[2] = {lx(p.x_low), lx(p.x_high)}, hy[2] = {p.y, p.y};
    (*fig).line(2, hx, hy);
    const PLFLT vx[2] = {lx(p.x), lx(p.x)}, vy[2] = {p.y_low, p.y_high};
    (*fig).line(2, vx, vy);
    PLFLT px = lx(p.x), py = p.y;
    (*fig).width(1);
    (*fig).ssym(0, 1.6);
    (*fig).poin(1, &px, &py, 17);
    (*fig).ssym(0, 1.0);
    labels.push_back(p.x > 0 ? p.label : p.label + " (0 uJ, at the edge)");
    colours.push_back(colour);
  }
  if (f.threshold) {
    labels.push_back("solved (" + formatNumber(*f.threshold) + ")");
    colours.push_back(-1);
  }
  fig.legendBeside(labels, colours);
}

/// Confusion matrices, a panel per group (best first, at most kMaxConfusionPanels, two per
/// line): true class down, answer across, each cell shaded by the fraction of the class's
/// test images given that answer (white 0, dark blue 1) and labelled in percent where it is at
/// least 1%.
void confusionPlot(const FigureSet& f, const std::string& path, const std::string& format) {
  if (f.confusions.empty()) return;
  const int panels = static_cast<int>(f.confusions.size());
  const int across = panels == 1 ? 1 : 2, down = (panels + across - 1) / across;
  const int height = across == 1 ? 840 : 120 + 450 * down;
  Figure fig(path, format, 900, height);
  (*fig).adv(0);
  std::string subtitle = f.context + "; last evaluation block, summed over runs";
  if (f.confusion_groups > panels) {
    subtitle += "; best " + std::to_string(panels) + " of " + std::to_string(f.confusion_groups) +
                " groups (all: confusion.csv)";
  }
  fig.titles("Confusion matrices", subtitle);
  // White to dark blue (the palette's first colour, darkened) for fractions 0..1.
  const PLFLT pos[2] = {0, 1}, red[2] = {1, 0.0}, green[2] = {1, 0.25}, blue[2] = {1, 0.5};
  (*fig).scmap1n(256);
  (*fig).scmap1l(true, 2, pos, red, green, blue, nullptr);
  const double top = 1.0 - 95.0 / height, bottom = 60.0 / height;
  const double row_h = (top - bottom) / down;
  // Each panel's title on two lines: its group (one text size for all, the one that fits the
  // longest over its panel: a 40-character name stays readable), then runs and accuracy.
  std::vector<std::string> names;
  for (const ConfusionPanel& c : f.confusions) names.push_back(c.label);
  // [px] A square panel's side, with room for the axis labels and the two title lines.
  const double side_px = std::min(row_h * height - 120, (0.9 / across) * 900 - 80);
  const double name_scale = fig.scaleToFit(names, side_px + 60, fig.textScale());
  for (int p = 0; p < panels; ++p) {
    const ConfusionPanel& c = f.confusions[static_cast<std::size_t>(p)];
    const int k = c.classes;
    const int col = p % across, row = p / across;
    const double x0 = (col + 0.5) / across - 0.5 * side_px / 900 + 0.02;
    const double y1 = top - row * row_h - 70.0 / height;
    (*fig).vpor(x0, x0 + side_px / 900, y1 - side_px / height, y1);
    (*fig).wind(-0.5, k - 0.5, k - 0.5, -0.5);  // class 0 at the top left
    for (int l = 0; l < k; ++l) {
      for (int a = 0; a < k; ++a) {
        const double v = c.fraction[static_cast<std::size_t>(l * k + a)];
        if (std::isnan(v) || v <= 0) continue;
        const PLFLT xs[4] = {a - 0.5, a + 0.5, a + 0.5, a - 0.5};
        const PLFLT ys[4] = {l - 0.5, l - 0.5, l + 0.5, l + 0.5};
        (*fig).col1(std::clamp(v, 0.0, 1.0));
        (*fig).fill(4, xs, ys);
      }
    }
    (*fig).col0(1);
    (*fig).width(1);
    // Ticks outside (inside they would cut the numbers), on the labelled sides only.
    (*fig).box("bnti", 1, 0, "bntiv", 1, 0);
    (*fig).box("c", 0, 0, "c", 0, 0);
    if (k <= 20) {
      fig.setTextScale(0.8 * fig.textScale() * 10.0 / std::max(10, k));
      for (int l = 0; l < k; ++l) {
        for (int a = 0; a < k; ++a) {
          const double v = c.fraction[static_cast<std::size_t>(l * k + a)];
          if (std::isnan(v) || v < 0.01) continue;
          (*fig).col0(v > 0.5 ? 0 : 1);  // white on dark cells
          const std::string text = std::to_string(static_cast<int>(std::lround(100 * v)));
          (*fig).ptex(a, l, 1, 0, 0.5, text.c_str());  // vertically centred on (a, l)
        }
      }
      (*fig).col0(1);
      fig.resetTextScale();
    }
    (*fig).mtex("b", 3.4, 0.5, 0.5, "answer");
    (*fig).mtex("l", 3.0, 0.5, 0.5, "true class");
    fig.setTextScale(name_scale);
    (*fig).mtex("t", 2.6, 0.5, 0.5, c.label.c_str());
    char stats[64];
    std::snprintf(stats, sizeof stats, "%d run%s, test accuracy %.3f", c.runs,
                  c.runs == 1 ? "" : "s", c.accuracy);
    fig.setTextScale(0.85 * fig.textScale());
    (*fig).mtex("t", 0.8, 0.5, 0.5, stats);
    fig.resetTextScale();
  }
}

/// Every figure with its file name: the one list writeFigures draws and compare clears.
struct NamedPlot {
  const char* name;
  void (*draw)(const FigureSet&, const std::string&, const std::string&);
};
constexpr NamedPlot kPlots[] = {{"curves", learningCurves},  {"scores", scorePlot},
                                {"profile", profilePlot},    {"improvement", improvementPlot},
                                {"intervals", intervalPlot}, {"pareto", paretoPlot},
                                {"confusion", confusionPlot}};

}  // namespace

const std::vector<std::string>& paletteHex() {
  static const std::vector<std::string> hex = [] {
    std::vector<std::string> out;
    for (const auto& c : kPalette) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
      out.push_back(buf);
    }
    return out;
  }();
  return hex;
}

const std::vector<std::string>& figureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const NamedPlot& p : kPlots) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

int paletteSize() {
  return kColours;
}

void checkFigureFormat(const std::string& format) {
  if (format != "svg" && format != "png" && format != "pdf") {
    throw UserError("--plots: unknown format '" + format + "'" +
                    didYouMean(format, {"svg", "png", "pdf"}) + "; expected svg, png, pdf or none");
  }
}

void writeFigures(const FigureSet& figures, const std::string& dir, const std::string& format) {
  checkFigureFormat(format);
  const std::filesystem::path d(dir);
  for (const auto& [name_c, plot] : kPlots) {
    const std::string name = name_c;
    const std::filesystem::path path = d / (name + "." + format);
    const std::filesystem::path tmp =
        d / (name + ".tmp." + std::to_string(::getpid()) + "." + format);
    plot(figures, tmp.string(), format);
    std::error_code ec;
    if (!std::filesystem::exists(tmp, ec)) continue;  // nothing to draw (no pairs)
    if (std::filesystem::file_size(tmp, ec) == 0 || ec) {
      std::filesystem::remove(tmp, ec);
      throw UserError(path.string() + ": the figure could not be drawn (PLplot wrote nothing)");
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      throw UserError(path.string() + ": cannot write the figure (" + ec.message() + ")");
    }
  }
}

}  // namespace spikegym::lab
