#include "viewer/viewer.hpp"

#include <SFML/Graphics.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <set>

#include "core/draw.hpp"
#include "core/error.hpp"
#include "lab/session.hpp"
#include "viewer/display.hpp"

namespace spikegym::viewer {
namespace {

constexpr unsigned kWidth = 1280, kHeight = 800;  // [px]
const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
// Panels [px]: world top-left, learning bottom-left, network on the right.
const sf::FloatRect kWorld(10, 10, 620, 400);
const sf::FloatRect kLearning(10, 420, 620, 370);
const sf::FloatRect kRaster(650, 30, 620, 330);
const sf::FloatRect kPotential(650, 385, 620, 85);
const sf::FloatRect kSignals(650, 495, 300, 95);
const sf::FloatRect kCounts(970, 495, 300, 95);
const sf::FloatRect kHeatmap(650, 615, 620, 175);
const sf::Color kPanel(248, 248, 248), kInk(30, 30, 30), kGrid(200, 200, 200);
const sf::Color kPopColours[4] = {{0, 114, 178}, {0, 158, 115}, {213, 94, 0}, {204, 121, 167}};

sf::Color toSf(Color c) {
  return sf::Color(c.r, c.g, c.b, c.a);
}

/// Draws env commands (world units, y up) into a panel at true proportions.
class SfmlSink final : public DrawSink {
 public:
  SfmlSink(sf::RenderTarget& target, const sf::Font& font, sf::FloatRect panel, Vec2 lo, Vec2 hi)
      : target_(target), font_(font) {
    const double sx = panel.width / (hi.x - lo.x), sy = panel.height / (hi.y - lo.y);
    scale_ = std::min(sx, sy);
    // Centre the world in the panel.
    ox_ = panel.left + (panel.width - scale_ * (hi.x - lo.x)) / 2 - scale_ * lo.x;
    oy_ = panel.top + (panel.height + scale_ * (hi.y - lo.y)) / 2 + scale_ * lo.y;
  }
  sf::Vector2f px(Vec2 p) const {
    return {static_cast<float>(ox_ + scale_ * p.x), static_cast<float>(oy_ - scale_ * p.y)};
  }
  void line(Vec2 a, Vec2 b, Color color, double width) override {
    const sf::Vector2f pa = px(a), pb = px(b);
    const float w = std::max(1.0f, static_cast<float>(width * scale_));
    const sf::Vector2f d = pb - pa;
    const float len = std::sqrt(d.x * d.x + d.y * d.y);
    sf::RectangleShape r({len, w});
    r.setOrigin(0, w / 2);
    r.setPosition(pa);
    r.setRotation(std::atan2(d.y, d.x) * 180.0f / 3.14159265f);
    r.setFillColor(toSf(color));
    target_.draw(r);
  }
  void circle(Vec2 center, double radius, Color fill, Color outline) override {
    const float r = static_cast<float>(radius * scale_);
    sf::CircleShape c(r, 24);
    c.setOrigin(r, r);
    c.setPosition(px(center));
    c.setFillColor(toSf(fill));
    if (outline.a) {
      c.setOutlineThickness(1);
      c.setOutlineColor(toSf(outline));
    }
    target_.draw(c);
  }
  void polygon(std::span<const Vec2> points, Color fill, Color outline) override {
    sf::ConvexShape shape(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) shape.setPoint(i, px(points[i]));
    shape.setFillColor(toSf(fill));
    if (outline.a) {
      shape.setOutlineThickness(1);
      shape.setOutlineColor(toSf(outline));
    }
    target_.draw(shape);
  }
  void text(Vec2 at, const std::string& s, Color color, double height) override {
    sf::Text t(s, font_, static_cast<unsigned>(std::max(8.0, height * scale_)));
    t.setPosition(px(at));
    t.setFillColor(toSf(color));
    target_.draw(t);
  }

 private:
  sf::RenderTarget& target_;
  const sf::Font& font_;
  double scale_ = 1, ox_ = 0, oy_ = 0;
};

void panel(sf::RenderTarget& t, sf::FloatRect r) {
  sf::RectangleShape s({r.width, r.height});
  s.setPosition(r.left, r.top);
  s.setFillColor(kPanel);
  s.setOutlineThickness(1);
  s.setOutlineColor(kGrid);
  t.draw(s);
}

void label(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
           unsigned size = 13, sf::Color c = kInk) {
  sf::Text text(s, f, size);
  text.setPosition(x, y);
  text.setFillColor(c);
  t.draw(text);
}

/// A polyline of `values` scaled into `r` between lo and hi.
void trace(sf::RenderTarget& t, sf::FloatRect r, const std::deque<double>& values, double lo,
           double hi, sf::Color c, std::size_t capacity) {
  if (values.size() < 2 || !(hi > lo)) return;
  sf::VertexArray v(sf::LineStrip, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float x = r.left + r.width * static_cast<float>(i) / static_cast<float>(capacity - 1);
    const double y = std::clamp((values[i] - lo) / (hi - lo), 0.0, 1.0);
    v[i] = sf::Vertex({x, r.top + r.height * static_cast<float>(1.0 - y)}, c);
  }
  t.draw(v);
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct SpikeDot {
  std::uint64_t step;
  std::uint32_t row;  // neuron's row in the stacked raster
  std::uint8_t population;
};

class Viewer {
 public:
  explicit Viewer(const ViewerOptions& o) : options_(o), session_(o.spec) {
    if (!font_.loadFromFile(kFontPath)) {
      throw UserError(std::string(kFontPath) +
                      ": cannot load the font (install fonts-dejavu-core)");
    }
    session_.setLearning(o.learn);
    speed_ = o.speed;
    view_ = session_.agent().view();
    if (view_) {
      view_->setRecording(true);
      names_ = view_->populationNames();
      std::uint32_t row = 0;
      for (std::size_t p = 0; p < names_.size(); ++p) {
        first_row_.push_back(row);
        row += view_->populationSize(p);
      }
      rows_ = row;
      probe_population_ = names_.size() - 1;
      view_->setProbe(probe_population_, probe_neuron_);
      window_steps_ = static_cast<std::uint32_t>(std::lround(1000.0 / view_->dtMs()));  // 1 s
    }
  }

  /// One frame's simulation: some env steps (none when paused, unless single-stepping).
  void advance() {
    if (paused_ && !single_step_) return;
    single_step_ = false;
    if (fastest_) {
      // As fast as possible: step for about 25 ms of wall time, then draw once.
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(25);
      do {
        stepOnce();
      } while (std::chrono::steady_clock::now() < until);
      return;
    }
    if (speed_ >= 1) {
      for (int i = 0; i < static_cast<int>(speed_); ++i) stepOnce();
    } else if (++frame_counter_ % static_cast<long>(std::lround(1.0 / speed_)) == 0) {
      stepOnce();
    }
  }

  void stepOnce() {
    const bool ended = session_.stepOnce();
    ++env_steps_;
    if (view_) {
      for (std::size_t p = 0; p < names_.size(); ++p) {
        for (const auto& s : view_->windowSpikes(p)) {
          spikes_.push_back({s.step, first_row_[p] + s.neuron, static_cast<std::uint8_t>(p)});
        }
      }
      for (float v : view_->windowPotential()) push<double>(potential_, v, window_steps_);
      const std::uint64_t now = view_->networkStep();
      while (!spikes_.empty() && spikes_.front().step + window_steps_ < now) spikes_.pop_front();
    }
    if (ended) {
      const lab::EpisodeRow& row = session_.lastEpisode();
      push<double>(returns_, row.episode_return, 400);
      if (!printed_header_) std::printf("episode,return,length\n");
      printed_header_ = true;
      std::printf("%ld,%.10g,%ld\n", row.episode, row.episode_return, row.length);
      std::fflush(stdout);
    }
  }

  void sampleSignals() {
    if (!view_) return;
    push<double>(dopamine_, view_->dopamine(), 300);
    push<double>(eligibility_, view_->meanEligibility(), 300);
  }

  void draw(sf::RenderTarget& t) {
    t.clear(sf::Color::White);
    // World.
    panel(t, kWorld);
    const auto [lo, hi] = session_.env().drawBounds();
    SfmlSink sink(t, font_, kWorld, lo, hi);
    session_.env().draw(sink);
    label(t, font_, kWorld.left + 6, kWorld.top + 4, options_.spec.env_id, 14);
    drawLearning(t);
    if (view_) {
      drawNetwork(t);
    } else {
      label(t, font_, kRaster.left, kRaster.top,
            "agent '" + options_.spec.agent_type + "' has no network to show");
    }
  }

  void drawLearning(sf::RenderTarget& t) {
    panel(t, kLearning);
    const sf::FloatRect plot(kLearning.left + 45, kLearning.top + 30, kLearning.width - 60, 150);
    label(t, font_, kLearning.left + 6, kLearning.top + 4,
          "Episode returns (dots) and their moving average over 20 episodes", 13);
    double top = 1, bottom = 0;
    for (double r : returns_) top = std::max(top, r), bottom = std::min(bottom, r);
    label(t, font_, kLearning.left + 4, plot.top - 6, fmt("%.0f", top), 11);
    label(t, font_, kLearning.left + 4, plot.top + plot.height - 12, fmt("%.0f", bottom), 11);
    const float zero_y =
        plot.top + plot.height * static_cast<float>(top / (top - bottom));  // the 0 line
    sf::RectangleShape axis({plot.width, 1});
    axis.setPosition(plot.left, zero_y);
    axis.setFillColor(kGrid);
    t.draw(axis);
    std::deque<double> average;
    double sum = 0;
    for (std::size_t i = 0; i < returns_.size(); ++i) {
      sum += returns_[i];
      if (i >= 20) sum -= returns_[i - 20];
      average.push_back(sum / static_cast<double>(std::min<std::size_t>(i + 1, 20)));
      sf::CircleShape dot(1.5f);
      dot.setPosition(
          plot.left + plot.width * i / 399.0f - 1.5f,
          plot.top + plot.height * static_cast<float>((top - returns_[i]) / (top - bottom)) - 1.5f);
      dot.setFillColor(sf::Color(150, 150, 150));
      t.draw(dot);
    }
    trace(t, plot, average, bottom, top, kPopColours[0], 400);
    const float y = plot.top + plot.height + 12;
    const lab::Session& s = session_;
    std::string status = "episode " + std::to_string(s.episodeNumber()) + "   step " +
                         std::to_string(s.episodeSteps()) + "   return " +
                         fmt("%.1f", s.episodeReturn()) +
                         (view_ ? "   epsilon " + fmt("%.3f", view_->epsilon()) : "") +
                         "   learning " + (s.learning() ? "on" : "off");
    label(t, font_, kLearning.left + 8, y, status, 14);
    const std::string speed = fastest_      ? "as fast as possible"
                              : speed_ >= 1 ? fmt("%.0f env steps per frame", speed_)
                                            : fmt("1 env step every %.0f frames", 1 / speed_);
    label(t, font_, kLearning.left + 8, y + 22,
          std::string(paused_ ? "PAUSED   " : "") + "speed: " + speed +
              "   env steps: " + std::to_string(env_steps_),
          14);
    const char* keys[] = {
        "Space pause/resume   S or Right: one step (paused)   Up/Down: speed x2 / /2",
        "F: as fast as possible   R: reset episode   L: learning on/off",
        "P: next projection (heatmap)   click the raster: probe that neuron",
        "C: screenshot (spikegym_view_N.png)   Q or Esc: quit"};
    for (int i = 0; i < 4; ++i) {
      label(t, font_, kLearning.left + 8, y + 56 + 18.0f * i, keys[i], 12, sf::Color(90, 90, 90));
    }
  }

  void drawNetwork(sf::RenderTarget& t) {
    // Raster: every population stacked, the last second of SNN time.
    panel(t, kRaster);
    label(t, font_, kRaster.left, kRaster.top - 20,
          "Spikes, last 1 s of network time (rows: neurons; colour: population)", 13);
    const std::uint64_t now = view_->networkStep();
    sf::VertexArray dots(sf::Quads);
    const float row_h = kRaster.height / static_cast<float>(std::max<std::uint32_t>(rows_, 1));
    for (const SpikeDot& d : spikes_) {
      const float x = kRaster.left + kRaster.width * (1.0f - static_cast<float>(now - d.step) /
                                                                 static_cast<float>(window_steps_));
      const float y = kRaster.top + row_h * d.row;
      const sf::Color c = kPopColours[d.population % 4];
      const float h = std::max(1.0f, row_h);
      dots.append({{x, y}, c});
      dots.append({{x + 1.5f, y}, c});
      dots.append({{x + 1.5f, y + h}, c});
      dots.append({{x, y + h}, c});
    }
    t.draw(dots);
    for (std::size_t p = 0; p < names_.size(); ++p) {
      label(t, font_, kRaster.left + 4, kRaster.top + row_h * first_row_[p], names_[p], 11,
            kPopColours[p % 4]);
    }
    // Probed neuron's potential.
    panel(t, kPotential);
    label(t, font_, kPotential.left, kPotential.top - 20,
          "Membrane potential [mV] of " + names_[probe_population_] + " #" +
              std::to_string(probe_neuron_) + " (click the raster to choose)",
          13);
    trace(t, kPotential, potential_, -75, -50, kInk, window_steps_);
    // Dopamine and eligibility.
    panel(t, kSignals);
    label(t, font_, kSignals.left, kSignals.top - 20, "dopamine (blue), mean |eligibility| (red)",
          12);
    auto range = [](const std::deque<double>& v) {
      double lo = 0, hi = 1e-9;
      for (double x : v) lo = std::min(lo, x), hi = std::max(hi, x);
      return std::pair<double, double>{lo, hi};
    };
    const auto [dlo, dhi] = range(dopamine_);
    trace(t, kSignals, dopamine_, dlo, dhi, kPopColours[0], 300);
    const auto [elo, ehi] = range(eligibility_);
    trace(t, kSignals, eligibility_, elo, ehi, kPopColours[2], 300);
    // Output spike counts behind the last action.
    panel(t, kCounts);
    const std::vector<int> counts = view_->actionCounts();
    label(t, font_, kCounts.left, kCounts.top - 20,
          "Output spikes per action, last window (action " +
              std::to_string(session_.lastStep().action.index) + ")",
          12);
    int top = 1;
    for (int c : counts) top = std::max(top, c);
    for (std::size_t a = 0; a < counts.size(); ++a) {
      const float w = kCounts.width / static_cast<float>(counts.size());
      const float h =
          (kCounts.height - 18) * static_cast<float>(counts[a]) / static_cast<float>(top);
      sf::RectangleShape bar({w * 0.7f, h});
      bar.setPosition(kCounts.left + w * (a + 0.15f), kCounts.top + kCounts.height - 18 - h);
      bar.setFillColor(static_cast<std::int64_t>(a) == session_.lastStep().action.index
                           ? kPopColours[2]
                           : kPopColours[0]);
      t.draw(bar);
      label(t, font_, kCounts.left + w * (a + 0.4f), kCounts.top + kCounts.height - 16,
            std::to_string(a) + ": " + std::to_string(counts[a]), 11);
    }
    // Weight heatmap of the chosen projection.
    const auto projections = view_->projectionNames();
    if (projections.empty()) return;
    projection_ %= projections.size();
    const WeightGridView grid = heatmap();
    label(t, font_, kHeatmap.left, kHeatmap.top - 20,
          "Weights of '" + projections[projection_] + "' (rows: pre, columns: post; " +
              fmt("%.2f", grid.lo) + " .. " + fmt("%.2f", grid.hi) + " mV; P: next)",
          12);
    sf::Sprite sprite(heat_texture_);
    sprite.setPosition(kHeatmap.left, kHeatmap.top);
    sprite.setScale(kHeatmap.width / static_cast<float>(heat_texture_.getSize().x),
                    kHeatmap.height / static_cast<float>(heat_texture_.getSize().y));
    t.draw(sprite);
  }

  struct WeightGridView {
    double lo = 0, hi = 0;
  };

  WeightGridView heatmap() {
    const agents::WeightGrid g = view_->weights(projection_);
    double lo = INFINITY, hi = -INFINITY;
    for (float w : g.values) {
      if (!std::isnan(w)) lo = std::min<double>(lo, w), hi = std::max<double>(hi, w);
    }
    if (!(hi > lo)) hi = lo + 1e-9;
    sf::Image img;
    // Rows (pre) downwards, columns (post) across, transposed so that wide layers fit.
    img.create(std::max(1u, g.rows), std::max(1u, g.cols), sf::Color(60, 60, 60));
    for (std::uint32_t i = 0; i < g.rows; ++i) {
      for (std::uint32_t j = 0; j < g.cols; ++j) {
        const float w = g.values[static_cast<std::size_t>(i) * g.cols + j];
        if (std::isnan(w)) continue;
        const double u = (w - lo) / (hi - lo);  // 0 .. 1: dark blue .. yellow
        img.setPixel(
            i, j,
            sf::Color(static_cast<sf::Uint8>(255 * u), static_cast<sf::Uint8>(60 + 180 * u),
                      static_cast<sf::Uint8>(150 * (1 - u) + 40)));
      }
    }
    heat_texture_.loadFromImage(img);
    return {lo, hi};
  }

  void handle(const sf::Event& e, sf::RenderTarget& target) {
    if (e.type == sf::Event::KeyPressed) {
      switch (e.key.code) {
        case sf::Keyboard::Space:
          paused_ = !paused_;
          break;
        case sf::Keyboard::S:
        case sf::Keyboard::Right:
          if (paused_) single_step_ = true;
          break;
        case sf::Keyboard::Up:
          fastest_ = false;
          speed_ = std::min(1e4, speed_ * 2);
          break;
        case sf::Keyboard::Down:
          fastest_ = false;
          speed_ = std::max(1.0 / 64, speed_ / 2);
          break;
        case sf::Keyboard::F:
          fastest_ = !fastest_;
          break;
        case sf::Keyboard::R:
          session_.beginEpisode(session_.trainingEpisodesDone(), false);
          session_.setLearning(session_.learning());
          break;
        case sf::Keyboard::L:
          session_.setLearning(!session_.learning());
          break;
        case sf::Keyboard::P:
          ++projection_;
          break;
        case sf::Keyboard::C:
          saveScreenshot(target, "spikegym_view_" + std::to_string(++screenshots_) + ".png");
          break;
        case sf::Keyboard::Q:
        case sf::Keyboard::Escape:
          quit_ = true;
          break;
        default:
          break;
      }
    } else if (e.type == sf::Event::MouseButtonPressed && view_ &&
               kRaster.contains(static_cast<float>(e.mouseButton.x),
                                static_cast<float>(e.mouseButton.y))) {
      const float row_h = kRaster.height / static_cast<float>(std::max<std::uint32_t>(rows_, 1));
      const auto row = static_cast<std::uint32_t>((e.mouseButton.y - kRaster.top) / row_h);
      for (std::size_t p = names_.size(); p-- > 0;) {
        if (row >= first_row_[p]) {
          probe_population_ = p;
          probe_neuron_ = row - first_row_[p];
          view_->setProbe(p, probe_neuron_);
          potential_.clear();
          break;
        }
      }
    }
  }

  static void saveScreenshot(sf::RenderTarget& target, const std::string& path) {
    sf::Texture texture;
    texture.create(kWidth, kHeight);
    if (auto* window = dynamic_cast<sf::RenderWindow*>(&target)) {
      texture.update(*window);
    } else {
      texture = static_cast<sf::RenderTexture&>(target).getTexture();
    }
    if (!texture.copyToImage().saveToFile(path)) throw UserError(path + ": cannot write");
  }

  bool quit() const { return quit_; }

 private:
  template <typename T>
  static void push(std::deque<T>& d, T v, std::size_t cap) {
    d.push_back(v);
    while (d.size() > cap) d.pop_front();
  }

  ViewerOptions options_;
  lab::Session session_;
  agents::AgentView* view_ = nullptr;
  sf::Font font_;
  sf::Texture heat_texture_;
  std::vector<std::string> names_;
  std::vector<std::uint32_t> first_row_;
  std::uint32_t rows_ = 0, window_steps_ = 1000;
  std::size_t probe_population_ = 0, projection_ = 0;
  std::uint32_t probe_neuron_ = 0;
  std::deque<SpikeDot> spikes_;
  std::deque<double> potential_, dopamine_, eligibility_, returns_;
  double speed_ = 1;
  bool paused_ = false, single_step_ = false, fastest_ = false, quit_ = false;
  bool printed_header_ = false;
  long frame_counter_ = 0, env_steps_ = 0;
  int screenshots_ = 0;
};

/// Distinct colours of the world panel and its pixels, for the offscreen report.
sf::Image worldPixels(const sf::Image& frame) {
  sf::Image world;
  world.create(static_cast<unsigned>(kWorld.width), static_cast<unsigned>(kWorld.height));
  world.copy(frame, 0, 0,
             sf::IntRect(static_cast<int>(kWorld.left), static_cast<int>(kWorld.top),
                         static_cast<int>(kWorld.width), static_cast<int>(kWorld.height)));
  return world;
}

}  // namespace

int runViewer(const ViewerOptions& options) {
  const DisplayConnection display;  // before SFML, which aborts without a display
  Viewer viewer(options);
  if (options.frames > 0) {
    // Offscreen: a RenderTexture (needs an X display, e.g. xvfb-run -a, but no window).
    sf::RenderTexture target;
    if (!target.create(kWidth, kHeight)) throw UserError("view: cannot create an offscreen target");
    if (!options.record_dir.empty()) std::filesystem::create_directories(options.record_dir);
    sf::Image first_world, last_frame;
    for (long f = 1; f <= options.frames; ++f) {
      viewer.advance();
      viewer.sampleSignals();
      viewer.draw(target);
      target.display();
      if (f == 1 || f == options.frames || !options.record_dir.empty()) {
        const sf::Image frame = target.getTexture().copyToImage();
        if (f == 1) first_world = worldPixels(frame);
        if (f == options.frames) last_frame = frame;
        if (!options.record_dir.empty()) {
          char name[32];
          std::snprintf(name, sizeof name, "frame_%05ld.png", f);
          frame.saveToFile((std::filesystem::path(options.record_dir) / name).string());
        }
      }
    }
    if (!options.screenshot.empty() && !last_frame.saveToFile(options.screenshot)) {
      throw UserError(options.screenshot + ": cannot write the screenshot");
    }
    const sf::Image last_world = worldPixels(last_frame);
    std::set<std::uint32_t> colours;
    long changed = 0;
    for (unsigned y = 0; y < last_world.getSize().y; ++y) {
      for (unsigned x = 0; x < last_world.getSize().x; ++x) {
        colours.insert(last_world.getPixel(x, y).toInteger());
        changed += last_world.getPixel(x, y) != first_world.getPixel(x, y);
      }
    }
    std::printf("frames: %ld, size: %ux%u, world_colours: %zu, world_pixels_changed: %ld\n",
                options.frames, kWidth, kHeight, colours.size(), changed);
    return 0;
  }
  sf::RenderWindow window(sf::VideoMode(kWidth, kHeight), options.title);
  window.setFramerateLimit(60);
  while (window.isOpen() && !viewer.quit()) {
    sf::Event e;
    while (window.pollEvent(e)) {
      if (e.type == sf::Event::Closed) window.close();
      viewer.handle(e, window);
    }
    viewer.advance();
    viewer.sampleSignals();
    viewer.draw(window);
    window.display();
  }
  return 0;
}

}  // namespace spikegym::viewer
