#include "lab/plots.hpp"

#include <plplot/plstream.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"

namespace spikegym::lab {
namespace {

// Colour-blind-safe palette (Okabe & Ito 2008).
constexpr int kPalette[8][3] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                                {230, 159, 0}, {86, 180, 233}, {0, 0, 0},     {240, 228, 66}};
constexpr int kLine = 2;   // colour indices kLine + i: opaque lines
constexpr int kBand = 12;  // kBand + i: translucent bands
constexpr int kGrid = 22;  // light grey grid lines

/// A figure open for drawing: the stream writes its file when destroyed.
class Figure {
 public:
  Figure(const std::string& path, const std::string& format, int width_px, int height_px)
      : height_px_(height_px) {
    const std::string device = format == "svg"   ? "svgcairo"
                               : format == "pdf" ? "pdfcairo"
                                                 : "pngcairo";
    pls_.sdev(device.c_str());
    pls_.sfnam(path.c_str());
    pls_.spage(0, 0, width_px, height_px, 0, 0);
    pls_.scolbg(255, 255, 255);
    pls_.scmap0n(24);
    pls_.init();
    pls_.scol0(1, 0, 0, 0);
    pls_.scol0(kGrid, 200, 200, 200);
    for (int i = 0; i < 8; ++i) {
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

  /// Axes box with grid and labels in viewport [l, r] x [b, t] (fractions of the page).
  void axes(double xmin, double xmax, double ymin, double ymax, const std::string& xlabel,
            const std::string& ylabel, const std::string& title, double l = 0.09, double r = 0.97,
            const char* xopt = "bcnst", const char* yopt = "bcnstv") {
    pls_.adv(0);
    // Margins in pixels, not fractions: tick labels and the axis label below need about 70 px
    // and the title above about 55 px whatever the height (a 305 px figure of 3 pairs lost its
    // x label at a fixed 13%).
    const double h = static_cast<double>(height_px_);
    const double b = std::max(0.13, 70.0 / h), t = std::min(0.9, 1.0 - 55.0 / h);
    // The title is centred on the page, not on the plot: a plot pushed right by long row labels
    // ran a centred title off the right edge.
    pls_.vpor(0.02, 0.98, b, t);
    pls_.col0(1);
    pls_.mtex("t", 2.0, 0.5, 0.5, title.c_str());
    pls_.vpor(l, r, b, t);
    pls_.wind(xmin, xmax, ymin, ymax);
    pls_.col0(kGrid);
    pls_.width(0.5);
    pls_.box("g", 0, 0, "g", 0, 0);
    pls_.col0(1);
    pls_.width(1);
    pls_.box(xopt, 0, 0, yopt, 0, 0);
    pls_.lab(xlabel.c_str(), ylabel.c_str(), "");
  }

  /// A legend of coloured lines and labels in the top-left (or top-right) corner.
  void legend(const std::vector<std::string>& labels, double xmin, double xmax, double ymin,
              double ymax, bool right = false) {
    const double dx = xmax - xmin, dy = ymax - ymin;
    const double x0 = right ? xmax - 0.42 * dx : xmin + 0.03 * dx;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const double y = ymax - (0.06 + 0.065 * static_cast<double>(i)) * dy;
      const PLFLT xs[2] = {x0, x0 + 0.05 * dx}, ys[2] = {y, y};
      pls_.col0(kLine + static_cast<int>(i % 8));
      pls_.width(3);
      pls_.line(2, xs, ys);
      pls_.col0(1);
      pls_.width(1);
      pls_.ptex(x0 + 0.065 * dx, y, 1, 0, 0, labels[i].c_str());
    }
  }

  /// Left edge (fraction of the width) of a plot whose rows are named by `labels` in the left
  /// margin, from the longest label: about 9.6 px per character of DejaVu Sans at this size
  /// (measured on the PNGs: a 54-character label spans about 520 px).
  /// Past 60% of the width the labels are drawn smaller (labelScale) instead.
  double labelMargin(const std::vector<std::string>& labels) const {
    // (Text has one pixel size on every figure: see the constructor.)
    const double px = 9.6 * static_cast<double>(longest(labels)) + 30;
    return std::clamp(px / kWidthPx, 0.2, 0.6);
  }
  /// The text scale that fits `labels` into labelMargin's margin.
  double labelScale(const std::vector<std::string>& labels) const {
    const double px = 9.6 * static_cast<double>(longest(labels)) + 30;
    return text_scale_ * std::min(1.0, 0.6 * kWidthPx / px);
  }
  void setTextScale(double scale) { pls_.schr(0, scale); }
  void resetTextScale() { pls_.schr(0, text_scale_); }

  /// A legend in its own panel right of a plot drawn with axes(..., r <= kBesideLeft - 0.02):
  /// it never covers data, and the y axis keeps the data's range.
  /// (Its text is 0.85 of the figure's: a 40-character group name fits in the panel.)
  static constexpr double kBesideLeft = 0.63;
  void legendBeside(const std::vector<std::string>& labels) {
    const double h = static_cast<double>(height_px_);
    pls_.vpor(kBesideLeft, 0.995, std::max(0.13, 70.0 / h), std::min(0.9, 1.0 - 55.0 / h));
    pls_.wind(0, 1, 0, 1);
    pls_.schr(0, 0.85 * text_scale_);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const double y = 0.96 - 0.07 * static_cast<double>(i);
      const PLFLT xs[2] = {0.0, 0.1}, ys[2] = {y, y};
      pls_.col0(kLine + static_cast<int>(i % 8));
      pls_.width(3);
      pls_.line(2, xs, ys);
      pls_.col0(1);
      pls_.width(1);
      pls_.ptex(0.12, y, 1, 0, 0, labels[i].c_str());
    }
    pls_.schr(0, text_scale_);
  }

 private:
  static constexpr double kWidthPx = 900;  ///< every figure is 900 px wide
  static std::size_t longest(const std::vector<std::string>& labels) {
    std::size_t n = 0;
    for (const auto& l : labels) n = std::max(n, l.size());
    return n;
  }
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

void learningCurves(const FigureSet& f, const std::string& path, const std::string& format) {
  Figure fig(path, format, 900, 560);
  double xmax = 1, lo = INFINITY, hi = -INFINITY;
  for (const Curve& c : f.curves) {
    if (!c.x.empty()) xmax = std::max(xmax, c.x.back());
    for (std::size_t i = 0; i < c.y.size(); ++i) {
      lo = std::min(lo, c.low[i]);
      hi = std::max(hi, c.high[i]);
    }
  }
  const auto [dmin, dmax] = paddedRange(lo, hi);
  const auto [ymin, ymax] = rangeWithLegend(dmin, dmax, f.curves.size());
  fig.axes(1, xmax, ymin, ymax, "training episode",
           f.metric + " (mean of the last " + std::to_string(f.smooth_episodes) + " episodes)",
           "Learning curves: mean over runs, 95% CI (t, clipped to the runs' range)");
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < f.curves.size(); ++g) {
    const Curve& c = f.curves[g];
    band(*fig, kBand + static_cast<int>(g % 8), c.x, c.low, c.high);
    (*fig).col0(kLine + static_cast<int>(g % 8));
    (*fig).width(2);
    (*fig).line(static_cast<PLINT>(c.x.size()), c.x.data(), c.y.data());
    labels.push_back(c.label);
  }
  fig.legend(labels, 1, xmax, ymin, ymax);
}

void scorePlot(const FigureSet& f, const std::string& path, const std::string& format) {
  const int n = static_cast<int>(f.scores.size());
  Figure fig(path, format, 900, 140 + 70 * n);
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& c : f.scores) {
    for (double s : c.scores) lo = std::min(lo, s), hi = std::max(hi, s);
    lo = std::min(lo, c.low);
    hi = std::max(hi, c.high);
  }
  const auto [xmin, xmax] = paddedRange(lo, hi);
  // Groups as rows, best at the top; labels in the left margin, as wide as they need.
  std::vector<std::string> names;
  for (const auto& c : f.scores) names.push_back(c.label);
  fig.axes(xmin, xmax, 0.3, n + 0.7,
           "score: " + f.score_label + (f.lower_is_better ? " (lower is better)" : ""), "",
           "Scores per run (dots), IQM (bar) and its 95% bootstrap CI", fig.labelMargin(names),
           0.97, "bcnst", "bc");
  for (int g = 0; g < n; ++g) {
    const ScoreColumn& c = f.scores[g];
    const double y = n - g;
    for (std::size_t i = 0; i < c.scores.size(); ++i) {
      // Deterministic jitter so that equal scores stay visible.
      const double jy = y - 0.18 + 0.36 * std::fmod(static_cast<double>(i) * 0.618034, 1.0);
      PLFLT px = c.scores[i], py = jy;
      (*fig).col0(kLine + g % 8);
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
  fig.axes(lo, hi, 0, 1.02, "score threshold tau (" + f.score_label + ")",
           "fraction of runs with score > tau", "Performance profiles, 95% bootstrap bands", 0.09,
           Figure::kBesideLeft - 0.03);
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < f.profiles.size(); ++g) {
    const Profile& p = f.profiles[g].profile;
    band(*fig, kBand + static_cast<int>(g % 8), p.tau, p.low, p.high);
    (*fig).col0(kLine + static_cast<int>(g % 8));
    (*fig).width(2);
    (*fig).line(static_cast<PLINT>(p.tau.size()), p.tau.data(), p.fraction.data());
    labels.push_back(f.profiles[g].label);
  }
  fig.legendBeside(labels);
}

void improvementPlot(const FigureSet& f, const std::string& path, const std::string& format) {
  const int n = static_cast<int>(f.pairs.size());
  if (n == 0) return;
  Figure fig(path, format, 900, 140 + 55 * n);
  std::vector<std::string> names;
  for (const auto& p : f.pairs) names.push_back(p.label);
  fig.axes(0, 1, 0.3, n + 0.7,
           f.lower_is_better ? "P(A reaches the threshold sooner than B)"
                             : "P(A > B): probability of improvement",
           "", "Probability of improvement with 95% bootstrap CIs", fig.labelMargin(names), 0.97,
           "bcnst", "bc");
  const PLFLT hx[2] = {0.5, 0.5}, hy[2] = {0.3, n + 0.7};
  (*fig).col0(kGrid);
  (*fig).line(2, hx, hy);
  for (int i = 0; i < n; ++i) {
    const PairBar& p = f.pairs[i];
    const double y = n - i;
    const PLFLT cx[2] = {p.low, p.high}, cy[2] = {y, y};
    (*fig).col0(kLine + i % 8);
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

}  // namespace

void checkFigureFormat(const std::string& format) {
  if (format != "svg" && format != "png" && format != "pdf") {
    throw UserError("--plots: unknown format '" + format + "'" +
                    didYouMean(format, {"svg", "png", "pdf"}) + "; expected svg, png, pdf or none");
  }
}

void writeFigures(const FigureSet& figures, const std::string& dir, const std::string& format) {
  checkFigureFormat(format);
  const std::filesystem::path d(dir);
  using Plot = void (*)(const FigureSet&, const std::string&, const std::string&);
  const std::pair<const char*, Plot> plots[] = {{"curves", learningCurves},
                                                {"scores", scorePlot},
                                                {"profile", profilePlot},
                                                {"improvement", improvementPlot}};
  for (const auto& [name, plot] : plots) {
    const std::filesystem::path path = d / (std::string(name) + "." + format);
    const std::filesystem::path tmp =
        d / (std::string(name) + ".tmp." + std::to_string(::getpid()) + "." + format);
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
