#include "viewer/viewer.hpp"

#include <imgui.h>
#include <imgui_impl_opengl2.h>
#include <zlib.h>

#include <SFML/Graphics.hpp>
#include <SFML/OpenGL.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/draw.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "core/version.hpp"
#include "envs/images.hpp"
#include "envs/registration.hpp"
#include "lab/cost.hpp"
#include "lab/session.hpp"
#include "viewer/display.hpp"
#include "viewer/heatmap.hpp"
#include "viewer/widgets.hpp"

namespace spikegym::viewer {
namespace {

const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
// Panels [px]: world top-left, learning bottom-left, network on the right. The network's plots
// start at kPlotLeft: their left margin holds the names and tick labels (never under data).
const sf::FloatRect kWorld(10, 10, 620, 400);
const sf::FloatRect kLearning(10, 420, 620, 370);
constexpr float kPlotLeft = 735;
const sf::FloatRect kRaster(kPlotLeft, 28, 535, 296);
const sf::FloatRect kPotential(kPlotLeft, 370, 535, 72);
const sf::FloatRect kSignals(kPlotLeft, 488, 250, 72);
const sf::FloatRect kCounts(1010, 488, 260, 72);
const sf::FloatRect kHeatmap(kPlotLeft, 610, 470, 150);
const sf::FloatRect kColourBar(1215, 610, 10, 150);
const sf::FloatRect kControls(385, 421, 244, 368);  // the Dear ImGui control panel
const sf::Color kDopamine = kPopColours[0], kEligibility = kPopColours[2];
constexpr std::size_t kSignalSteps = 300;  // [env steps] dopamine / eligibility history shown
constexpr std::size_t kAverageEpisodes = 20;

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

struct SpikeDot {
  std::uint64_t step;
  std::uint32_t row;  // neuron's row in the stacked raster
  std::uint8_t population;
};

class Viewer {
 public:
  explicit Viewer(const ViewerOptions& o) : options_(o), session_(o.spec), history_(o.history) {
    if (!font_.loadFromFile(kFontPath)) {
      throw UserError(std::string(kFontPath) +
                      ": cannot load the font (install fonts-dejavu-core)");
    }
    session_.setLearning(o.learn);
    session_.agent().setGreedy(o.greedy);
    speed_ = o.speed;
    try {
      threshold_ = envs::envSpec(o.spec.env_id).reward_threshold;
    } catch (const UserError&) {
    }
    view_ = session_.agent().view();
    policy_ = session_.agent().policyView();
    if (view_) {
      view_->setRecording(true);
      names_ = view_->populationNames();
      std::uint32_t row = 0;
      for (std::size_t p = 0; p < names_.size(); ++p) {
        first_row_.push_back(row);
        row += view_->populationSize(p);
        groups_.push_back(axisGroups(view_->populationRole(p), view_->populationSize(p),
                                     session_.env().observationNames()));
      }
      rows_ = row;
      probe_population_ = names_.size() - 1;
      view_->setProbe(probe_population_, probe_neuron_);
      window_steps_ = static_cast<std::uint32_t>(std::lround(1000.0 / view_->dtMs()));  // 1 s
      scales_.resize(view_->projectionNames().size());
      // An image env starts on the first projection from the pixels: its receptive fields.
      if (const auto* images = dynamic_cast<const envs::ImageClassification*>(&session_.env())) {
        for (std::size_t i = 0; i < scales_.size(); ++i) {
          if (view_->weights(i).rows != images->images().pixelsPerImage()) continue;
          projection_ = i;
          break;
        }
      }
    }
    scheduleControls(o.controls);
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
    while (next_scheduled_ < scheduled_.size() && scheduled_[next_scheduled_].step <= env_steps_) {
      const Scheduled& c = scheduled_[next_scheduled_++];
      applyControl(c.path, c.value);
    }
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
      // Sampled once per env step (network time), whatever the frame rate or --speed.
      push<double>(dopamine_, view_->dopamine(), kSignalSteps);
      push<double>(eligibility_, view_->meanEligibility(), kSignalSteps);
    }
    if (ended) {
      const lab::EpisodeRow& row = session_.lastEpisode();
      returns_.push_back(row.episode_return);
      if (!printed_header_) std::printf("episode,return,length\n");
      printed_header_ = true;
      std::printf("%ld,%.10g,%ld\n", row.episode, row.episode_return, row.length);
      std::fflush(stdout);
    }
  }

  void draw(sf::RenderTarget& t) {
    t.clear(sf::Color::White);
    // World, and what is watched in its top-left corner.
    panel(t, kWorld);
    const auto [lo, hi] = session_.env().drawBounds();
    SfmlSink sink(t, font_, kWorld, lo, hi);
    session_.env().draw(sink);
    label(t, font_, kWorld.left + 6, kWorld.top + 4, options_.spec.env_id, 14);
    // What is watched, on a white band over the world (cut to the panel's width).
    std::vector<std::string> lines;
    std::istringstream in(options_.identity);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (!lines.empty()) {
      rect(t, kWorld.left + 1, kWorld.top + 22, kWorld.width - 2, 15.0f * lines.size() + 4,
           sf::Color(255, 255, 255, 225));
    }
    float y = kWorld.top + 24;
    for (const std::string& line : lines) {
      label(t, font_, kWorld.left + 6, y, fitText(line, kWorld.width - 12, 11), 11, kMuted);
      y += 15;
    }
    drawLearning(t);
    if (view_) {
      drawRaster(t);
      drawPotential(t);
      drawSignals(t);
      drawCounts(t);
      drawHeatmap(t);
    } else if (policy_) {
      drawPolicy(t);
    } else {
      label(t, font_, kRaster.left - 80, kRaster.top,
            "agent '" + options_.spec.agent_type + "' has no network or policy to show", 13);
    }
  }

  /// Every episode's return: a finished run's training (grey) and the live episodes (blue),
  /// their moving average, the solved threshold; x axis in episodes.
  void drawLearning(sf::RenderTarget& t) {
    panel(t, kLearning);
    const sf::FloatRect plot(kLearning.left + 50, kLearning.top + 30, kControls.left - 75, 140);
    label(t, font_, kLearning.left + 6, kLearning.top + 4,
          std::string("Return: a dot per episode, a line = mean of ") +
              std::to_string(kAverageEpisodes) + (history_.empty() ? "" : "; grey: training"),
          12);
    const std::size_t n = history_.size() + returns_.size();
    auto value = [&](std::size_t i) {
      return i < history_.size() ? history_[i] : returns_[i - history_.size()];
    };
    double top = threshold_ ? *threshold_ : 1, bottom = 0;
    for (std::size_t i = 0; i < n; ++i)
      top = std::max(top, value(i)), bottom = std::min(bottom, value(i));
    top += 0.05 * (top - bottom);
    rect(t, plot.left, plot.top, plot.width, plot.height, sf::Color::White);
    yAxis(t, font_, plot, bottom, top);
    const double episodes = static_cast<double>(std::max<std::size_t>(n, 10));
    auto px = [&](double i) { return plot.left + plot.width * static_cast<float>(i / episodes); };
    auto py = [&](double v) {
      return plot.top + plot.height * static_cast<float>((top - v) / (top - bottom));
    };
    // x axis: ticks at 0, 1/4 .. 1 of the episodes.
    rect(t, plot.left, plot.top + plot.height, plot.width, 1, kInk);
    for (int k = 0; k <= 4; ++k) {
      const double e = std::round(episodes * k / 4.0);
      rect(t, px(e), plot.top + plot.height, 1, 4, kInk);
      labelCentred(t, font_, px(e), plot.top + plot.height + 4, fmt("%.0f", e), 10);
    }
    labelCentred(t, font_, plot.left + plot.width / 2, plot.top + plot.height + 17, "episode", 10,
                 kMuted);
    if (threshold_) {
      for (float x = plot.left; x < plot.left + plot.width; x += 8) {
        rect(t, x, py(*threshold_), 4, 1, kInk);
      }
      labelLeftOf(t, font_, plot.left + plot.width - 2, py(*threshold_) - 8,
                  "solved (" + tick(*threshold_) + ")", 10);
    }
    sf::VertexArray dots(sf::Quads), average(sf::LineStrip);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += value(i);
      if (i >= kAverageEpisodes) sum -= value(i - kAverageEpisodes);
      const double mean = sum / static_cast<double>(std::min(i + 1, kAverageEpisodes));
      const sf::Color c = i < history_.size() ? sf::Color(160, 160, 160) : kPopColours[0];
      const float x = px(static_cast<double>(i) + 0.5), y = py(value(i));
      for (auto [dx, dy] : {std::pair{-1.f, -1.f}, {1.f, -1.f}, {1.f, 1.f}, {-1.f, 1.f}}) {
        dots.append({{x + dx, y + dy}, c});
      }
      average.append({{x, py(mean)}, i < history_.size() ? kInk : kPopColours[0]});
    }
    t.draw(dots);
    t.draw(average);
    drawStatus(t, plot.top + plot.height + 36);
  }

  void drawStatus(sf::RenderTarget& t, float y) {
    const lab::Session& s = session_;
    const bool greedy = session_.agent().greedy();
    label(t, font_, kLearning.left + 8, y,
          "episode " + std::to_string(s.episodeNumber()) + "   step " +
              std::to_string(s.episodeSteps()) + "   return " + fmt("%.1f", s.episodeReturn()),
          13);
    label(t, font_, kLearning.left + 8, y + 20,
          std::string("learning ") + (s.learning() ? "on" : "off") + "   exploration " +
              (greedy                  ? "off (greedy)"
               : view_ && s.learning() ? "epsilon " + fmt("%.3f", view_->epsilon())
                                       : "on"),
          13);
    const std::string speed = fastest_      ? "as fast as possible"
                              : speed_ >= 1 ? fmt("%.0f env steps / frame", speed_)
                                            : fmt("1 env step / %.0f frames", 1 / speed_);
    label(t, font_, kLearning.left + 8, y + 40,
          std::string(paused_ ? "PAUSED   " : "") + speed + "   env steps " +
              std::to_string(env_steps_),
          13);
    // What the last episode cost (lab/cost.hpp columns), as the run's episodes.csv has it.
    label(t, font_, kLearning.left + 8, y + 58,
          fitText(costLine(s.lastEpisode()), kControls.left - kLearning.left - 16, 11), 11, kMuted);
    // What was changed by hand (panel, keys, --control): never silent.
    label(t, font_, kLearning.left + 8, y + 76,
          changes_.empty() ? "changed by hand: nothing (the run is its config)"
                           : "changed by hand (" + std::to_string(changes_.size()) + "):",
          12, changes_.empty() ? kMuted : kPopColours[2]);
    const std::size_t first = changes_.size() > 4 ? changes_.size() - 4 : 0;
    for (std::size_t i = first; i < changes_.size(); ++i) {
      label(t, font_, kLearning.left + 8, y + 92 + 15.0f * static_cast<float>(i - first),
            fitText(changes_[i], kControls.left - kLearning.left - 16, 11), 11, kPopColours[2]);
    }
  }

  /// "last episode cost 32.5 uJ horowitz45, 433 uJ loihi" (README "What it costs").
  static std::string costLine(const lab::EpisodeRow& row) {
    if (!row.cost) return "last episode's cost: none yet";
    std::string line = "last episode cost";
    const char* separator = " ";
    for (const lab::PriceList& p : lab::builtinPriceLists()) {
      line += separator + fmt("%.3g", lab::energyUj(*row.cost, p)) + " uJ " + p.name;
      separator = ", ";
    }
    return line;
  }

  // ---- controls: keys, the ImGui panel and --control all change the run through these ----

  /// Lists a change (on screen and on stderr) so a watched run never silently differs.
  void noteChange(const std::string& what) {
    changes_.push_back("env step " + std::to_string(env_steps_) + ": " + what);
    std::fprintf(stderr, "spikegym view: changed at env step %ld: %s\n", env_steps_, what.c_str());
  }
  void setLearning(bool on) {
    if (on == session_.learning()) return;
    session_.setLearning(on);
    noteChange(std::string("learning ") + (on ? "on" : "off"));
  }
  void setGreedy(bool on) {
    if (on == session_.agent().greedy()) return;
    session_.agent().setGreedy(on);
    noteChange(on ? "exploration off (greedy)" : "exploration on");
  }
  /// The live parameters of the env ("env.NAME") and the agent ("agent.NAME").
  std::vector<std::pair<std::string, LiveParam>> liveParams() const {
    std::vector<std::pair<std::string, LiveParam>> out;
    for (const auto& p : session_.env().liveParams()) out.emplace_back("env." + p.name, p);
    for (const auto& p : session_.agent().liveParams()) out.emplace_back("agent." + p.name, p);
    return out;
  }
  void setLive(const std::string& path, double value) {
    for (const auto& [name, p] : liveParams()) {
      if (name != path) continue;
      if (value == p.value) return;
      const bool env = path.rfind("env.", 0) == 0;
      const std::string key = path.substr(env ? 4 : 6);
      if (env ? session_.env().setLiveParam(key, value)
              : session_.agent().setLiveParam(key, value)) {
        noteChange(path + " " + tick(p.value) + " -> " + tick(value));
      }
      return;
    }
  }
  /// One scripted control "PATH=VALUE" (checked when the viewer starts).
  void applyControl(const std::string& path, const std::string& value) {
    if (path == "learning") return setLearning(value == "on");
    if (path == "explore") return setGreedy(value == "off");
    setLive(path, std::stod(value));
  }
  /// Parses and checks options.controls against what this run has: one line naming the
  /// control, what was expected and a did-you-mean.
  void scheduleControls(const std::vector<std::string>& controls) {
    std::vector<std::string> paths = {"learning", "explore"};
    for (const auto& [name, p] : liveParams()) paths.push_back(name);
    for (const std::string& c : controls) {
      const std::size_t colon = c.find(':'), eq = c.find('=');
      double step = 0;
      if (colon == std::string::npos || eq == std::string::npos || eq < colon ||
          !parseNumber(c.substr(0, colon), step) || step < 0 || step != std::floor(step)) {
        throw UserError("--control '" + c + "': expected STEP:PATH=VALUE, e.g. 100:env.force_n=20");
      }
      const std::string path = c.substr(colon + 1, eq - colon - 1), value = c.substr(eq + 1);
      std::string allowed;
      for (const auto& p : paths) allowed += (allowed.empty() ? "" : ", ") + p;
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
        throw UserError("--control '" + c + "': this run has no control '" + path + "'" +
                        didYouMean(path, paths) + "; it has " + allowed);
      }
      double number = 0;
      const bool toggle = path == "learning" || path == "explore";
      if (toggle ? value != "on" && value != "off" : !parseNumber(value, number)) {
        throw UserError("--control '" + c + "': " + path + " takes " +
                        (toggle ? "on or off" : "a number") + ", not '" + value + "'");
      }
      scheduled_.push_back({static_cast<long>(step), path, value});
    }
    std::stable_sort(scheduled_.begin(), scheduled_.end(),
                     [](const Scheduled& a, const Scheduled& b) { return a.step < b.step; });
  }

  /// The control panel (Dear ImGui), drawn over the learning panel's right part.
  void drawControls() {
    ImGui::SetNextWindowPos({kControls.left, kControls.top}, ImGuiCond_Always);
    ImGui::SetNextWindowSize({kControls.width, kControls.height}, ImGuiCond_Always);
    ImGui::Begin("Controls", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
    ImGui::PushItemWidth(120);
    bool paused = paused_;
    if (ImGui::Checkbox("paused", &paused)) paused_ = paused;
    ImGui::SameLine();
    if (ImGui::Button("one step")) paused_ = single_step_ = true;
    ImGui::SameLine();
    ImGui::Checkbox("fastest", &fastest_);
    int speed_log2 = static_cast<int>(std::lround(std::log2(speed_)));
    if (ImGui::SliderInt("speed", &speed_log2, -6, 13, "2^%d steps/frame")) {
      speed_ = std::pow(2.0, speed_log2);
    }
    bool learning = session_.learning(), explore = !session_.agent().greedy();
    if (ImGui::Checkbox("learning", &learning)) setLearning(learning);
    ImGui::SameLine();
    if (ImGui::Checkbox("exploration", &explore)) setGreedy(!explore);
    if (view_) {
      const auto projections = view_->projectionNames();
      if (!projections.empty() &&
          ImGui::BeginCombo("weights", projections[projection_ % projections.size()].c_str())) {
        for (std::size_t i = 0; i < projections.size(); ++i) {
          if (ImGui::Selectable(projections[i].c_str(), i == projection_ % projections.size())) {
            projection_ = i;
          }
        }
        ImGui::EndCombo();
      }
      int neuron = static_cast<int>(probe_neuron_);
      if (ImGui::InputInt("probe #", &neuron)) {
        const auto size = static_cast<int>(view_->populationSize(probe_population_));
        probe_neuron_ = static_cast<std::uint32_t>(std::clamp(neuron, 0, size - 1));
        view_->setProbe(probe_population_, probe_neuron_);
        potential_.clear();
      }
    }
    ImGui::Separator();
    ImGui::TextUnformatted("live (applied at the next step):");
    std::string owner;
    for (const auto& [path, p] : liveParams()) {
      // "env:" / "agent:" once, then the parameters by their config names.
      const std::string prefix = path.substr(0, path.find('.'));
      if (prefix != owner) ImGui::TextUnformatted((owner = prefix).c_str());
      // Edited in a buffer, applied (and listed) when the slider is let go.
      auto it = edits_.find(path);
      if (it == edits_.end() || !ImGui::IsAnyItemActive()) {
        it = edits_.insert_or_assign(path, static_cast<float>(p.value)).first;
      }
      ImGui::PushID(path.c_str());
      ImGui::SliderFloat(p.name.c_str(), &it->second, static_cast<float>(p.min),
                         static_cast<float>(p.max), "%.4g");
      ImGui::PopID();
      if (ImGui::IsItemDeactivatedAfterEdit()) setLive(path, it->second);
    }
    ImGui::Separator();
    ImGui::TextWrapped(
        "Keys: Space pause, S/Right step, Up/Down speed, F fastest, R reset episode, "
        "L learning, E exploration%s, C screenshot, Q quit.",
        view_ ? ", P next weights, click the raster: probe a neuron" : "");
    ImGui::PopItemWidth();
    ImGui::End();
  }
  /// Every population stacked, the last second of network time; names and groups (observation
  /// dimensions, actions) in the left margin, a time axis below.
  void drawRaster(sf::RenderTarget& t) {
    panel(t, kRaster);
    label(t, font_, kRaster.left - 80, kRaster.top - 22,
          "Spikes over the last 1 s of network time (0 s = now; a row per neuron)", 12);
    const std::uint64_t now = view_->networkStep();
    const float row_h = kRaster.height / static_cast<float>(std::max<std::uint32_t>(rows_, 1));
    sf::VertexArray dots(sf::Quads);
    for (const SpikeDot& d : spikes_) {
      const float x = kRaster.left + kRaster.width * (1.0f - static_cast<float>(now - d.step) /
                                                                 static_cast<float>(window_steps_));
      const float y = kRaster.top + row_h * static_cast<float>(d.row);
      const sf::Color c = kPopColours[d.population % 4];
      const float h = std::max(1.0f, row_h);
      dots.append({{x, y}, c});
      dots.append({{x + 1.5f, y}, c});
      dots.append({{x + 1.5f, y + h}, c});
      dots.append({{x, y + h}, c});
    }
    t.draw(dots);
    for (std::size_t p = 0; p < names_.size(); ++p) {
      const float top = kRaster.top + row_h * static_cast<float>(first_row_[p]);
      const float height = row_h * static_cast<float>(view_->populationSize(p));
      if (p > 0) rect(t, kRaster.left - 70, top, kRaster.width + 70, 1, kGrid);
      label(t, font_, kRaster.left - 78, top, names_[p], 11, kPopColours[p % 4]);
      // Group marks: a tick per group boundary, the group's name where there is room.
      for (const AxisGroup& g : groups_[p]) {
        const float gy = top + row_h * static_cast<float>(g.first);
        rect(t, kRaster.left - 4, gy, 4, 1, kInk);
        const float gh = row_h * static_cast<float>(g.size);
        if (gh >= 11 && height >= 30) {
          labelLeftOf(t, font_, kRaster.left - 6, gy + 0.5f * gh, g.label, 9, kMuted);
        }
      }
    }
    // Time axis: -1 s .. 0 s (now).
    for (int k = 0; k <= 4; ++k) {
      const float x = kRaster.left + kRaster.width * static_cast<float>(k) / 4.0f;
      rect(t, x, kRaster.top + kRaster.height, 1, 4, kInk);
      labelCentred(t, font_, x, kRaster.top + kRaster.height + 4,
                   k == 4 ? "0 s" : fmt("%.2f s", -1.0 + 0.25 * k), 10);
    }
  }

  /// The probed neuron's membrane potential with its threshold and reset, axis in mV.
  void drawPotential(sf::RenderTarget& t) {
    panel(t, kPotential);
    label(t, font_, kPotential.left - 80, kPotential.top - 22,
          "Membrane potential [mV] of " + names_[probe_population_] + " #" +
              std::to_string(probe_neuron_) +
              ", last 1 s (click the raster); red: threshold, grey: reset",
          12);
    const auto marks = view_->probeMarks();
    double lo = INFINITY, hi = -INFINITY;
    for (double v : potential_) lo = std::min(lo, v), hi = std::max(hi, v);
    for (double m : {marks.threshold_mv, marks.reset_mv}) {
      if (std::isfinite(m)) lo = std::min(lo, m), hi = std::max(hi, m);
    }
    if (!std::isfinite(lo)) lo = -75, hi = -50;
    const double pad = std::max(1.0, 0.08 * (hi - lo));
    lo -= pad, hi += pad;
    yAxis(t, font_, kPotential, lo, hi);
    auto py = [&](double v) {
      return kPotential.top + kPotential.height * static_cast<float>((hi - v) / (hi - lo));
    };
    if (std::isfinite(marks.threshold_mv)) {
      rect(t, kPotential.left, py(marks.threshold_mv), kPotential.width, 1, sf::Color(200, 40, 40));
    }
    if (std::isfinite(marks.reset_mv)) {
      rect(t, kPotential.left, py(marks.reset_mv), kPotential.width, 1, sf::Color(150, 150, 150));
    }
    trace(t, kPotential, potential_, lo, hi, kInk, window_steps_);
    if (potential_.empty()) {
      label(t, font_, kPotential.left + 8, kPotential.top + 8,
            "a spike source: no membrane potential (click a neuron population)", 11, kMuted);
    }
  }

  /// Dopamine and mean |eligibility|, one sample per env step, each on its own scale.
  void drawSignals(sf::RenderTarget& t) {
    panel(t, kSignals);
    const double window_s =
        static_cast<double>(kSignalSteps) * view_->stepsPerAction() * view_->dtMs() / 1000.0;
    label(t, font_, kSignals.left - 80, kSignals.top - 34,
          "Last " + std::to_string(kSignalSteps) + " env steps (" + fmt("%.1f", window_s) + " s):",
          11);
    auto range = [](const std::deque<double>& v) {
      double lo = 0, hi = 1e-12;
      for (double x : v) lo = std::min(lo, x), hi = std::max(hi, x);
      return std::pair<double, double>{lo, hi};
    };
    const auto [dlo, dhi] = range(dopamine_);
    const auto [elo, ehi] = range(eligibility_);
    label(t, font_, kSignals.left - 80, kSignals.top - 20,
          "dopamine " + tick(dlo) + " .. " + tick(dhi), 11, kDopamine);
    label(t, font_, kSignals.left + 95, kSignals.top - 20,
          "mean |eligibility| " + tick(elo) + " .. " + tick(ehi), 11, kEligibility);
    trace(t, kSignals, dopamine_, dlo, dhi, kDopamine, kSignalSteps);
    trace(t, kSignals, eligibility_, elo, ehi, kEligibility, kSignalSteps);
  }

  void drawCounts(sf::RenderTarget& t) {
    panel(t, kCounts);
    const std::vector<int> counts = view_->actionCounts();
    const std::int64_t action = session_.lastStep().action.index;
    label(t, font_, kCounts.left, kCounts.top - 20,
          fmt("Spikes per action, last window (took a%.0f)", static_cast<double>(action)), 11);
    int top = 1;
    for (int c : counts) top = std::max(top, c);
    for (std::size_t a = 0; a < counts.size(); ++a) {
      const float w = kCounts.width / static_cast<float>(counts.size());
      const float h =
          (kCounts.height - 18) * static_cast<float>(counts[a]) / static_cast<float>(top);
      rect(t, kCounts.left + w * (a + 0.15f), kCounts.top + kCounts.height - 18 - h, w * 0.7f, h,
           static_cast<std::int64_t>(a) == action ? kPopColours[2] : kPopColours[0]);
      // The action below its bar, the count on the bar (ten actions leave no room for both).
      labelCentred(t, font_, kCounts.left + w * (a + 0.5f), kCounts.top + kCounts.height - 16,
                   fmt("a%.0f", static_cast<double>(a)), 11);
      labelCentred(t, font_, kCounts.left + w * (a + 0.5f),
                   std::max(kCounts.top, kCounts.top + kCounts.height - 32 - h),
                   std::to_string(counts[a]), 10);
    }
  }

  /// The chosen projection's weights: columns = pre neurons, rows = post neurons, ticks naming
  /// the populations' groups, a colour bar with numbers on a scale fixed for the run.
  void drawHeatmap(sf::RenderTarget& t) {
    const auto projections = view_->projectionNames();
    if (projections.empty()) return;
    projection_ %= projections.size();
    const agents::WeightGrid grid = view_->weights(projection_);
    const auto* images = dynamic_cast<const envs::ImageClassification*>(&session_.env());
    if (images && grid.rows == images->images().pixelsPerImage()) {
      drawReceptiveFields(t, projections[projection_], grid, images->images());
      return;
    }
    WeightScale& scale = scales_[projection_];
    scale.include(grid);
    const double lo = std::isfinite(scale.lo) ? scale.lo : 0;
    const double hi = std::isfinite(scale.hi) && scale.hi > lo ? scale.hi : lo + 1e-9;
    heatmapTitle(t, "Weights of '" + shortName(projections[projection_]) +
                        "' (P: next): columns = pre (" + shortName(names_[grid.pre_population]) +
                        "), rows = post (" + shortName(names_[grid.post_population]) + ")");
    label(t, font_, kHeatmap.left - 80, kHeatmap.top - 22,
          std::isfinite(grid.w_min) ? "colour scale: the rule's bounds [w_min, w_max]"
                                    : "colour scale: every weight seen this run (only widens)",
          11, kMuted);
    drawWeightImage(t, kHeatmap, kColourBar, grid, lo, hi, groups_[grid.pre_population],
                    groups_[grid.post_population], "mV");
  }

  /// A name inside a panel title, cut to leave room for the rest of the title.
  static std::string shortName(const std::string& name) { return fitText(name, 150, 12); }
  /// The heatmap panel's title, cut at the window's right edge.
  void heatmapTitle(sf::RenderTarget& t, const std::string& title) {
    const float x = kHeatmap.left - 80;
    label(t, font_, x, kHeatmap.top - 38, fitText(title, static_cast<float>(kWidth) - x - 8, 12),
          12);
  }

  /// A projection from an image's pixels: each post neuron's weights as an image (its
  /// receptive field), tiled across the heatmap's area.
  void drawReceptiveFields(sf::RenderTarget& t, const std::string& name,
                           const agents::WeightGrid& grid, const envs::ImageSet& set) {
    // As many tiles per line as keep them square in the wide area.
    const double aspect = static_cast<double>(kHeatmap.width) / kHeatmap.height;
    const int across = std::max(
        1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(grid.cols) * aspect))));
    heat_texture_.loadFromImage(receptiveFieldImage(grid, set.rows, set.cols, across));
    sf::Sprite sprite(heat_texture_);
    const float k = std::min(kHeatmap.width / static_cast<float>(heat_texture_.getSize().x),
                             kHeatmap.height / static_cast<float>(heat_texture_.getSize().y));
    sprite.setPosition(kHeatmap.left, kHeatmap.top);
    sprite.setScale(k, k);
    t.draw(sprite);
    heatmapTitle(t, "Receptive fields of '" + shortName(name) + "' (P: next): one tile per " +
                        shortName(names_[grid.post_population]) +
                        " neuron, its weights from each pixel");
    label(t, font_, kHeatmap.left - 80, kHeatmap.top - 22,
          "colour scale: each tile from 0 to its own largest weight", 11, kMuted);
  }

  /// `grid` as an image in `area` (columns = its rows, i.e. pre neurons or features; rows = its
  /// columns, post neurons or actions), group ticks below and left, a colour bar in `bar` with
  /// numbers and `unit`.
  void drawWeightImage(sf::RenderTarget& t, sf::FloatRect area, sf::FloatRect bar,
                       const agents::WeightGrid& grid, double lo, double hi,
                       const std::vector<AxisGroup>& x_groups,
                       const std::vector<AxisGroup>& y_groups, const std::string& unit) {
    heat_texture_.loadFromImage(weightImage(grid, lo, hi));
    sf::Sprite sprite(heat_texture_);
    sprite.setPosition(area.left, area.top);
    const float sx = area.width / static_cast<float>(heat_texture_.getSize().x);
    const float sy = area.height / static_cast<float>(heat_texture_.getSize().y);
    sprite.setScale(sx, sy);
    t.draw(sprite);
    float free_from = -INFINITY;  // labels that would overlap the last one are left out
    for (const AxisGroup& g : x_groups) {
      const float x = area.left + sx * static_cast<float>(g.first);
      rect(t, x, area.top + area.height, 1, 5, kInk);
      const float centre = x + 0.5f * sx * static_cast<float>(g.size);
      const float half = 0.5f * sf::Text(g.label, font_, 9).getLocalBounds().width;
      if (centre - half > free_from && centre + half < bar.left) {
        labelCentred(t, font_, centre, area.top + area.height + 3, g.label, 9);
        free_from = centre + half + 4;
      }
    }
    for (const AxisGroup& g : y_groups) {
      const float y = area.top + sy * static_cast<float>(g.first);
      rect(t, area.left - 5, y, 5, 1, kInk);
      labelLeftOf(t, font_, area.left - 7, y + 0.5f * sy * static_cast<float>(g.size), g.label, 10);
    }
    // Colour bar: hi at the top, lo at the bottom, with numbers.
    sf::VertexArray quads(sf::Quads);
    constexpr int kSteps = 50;
    for (int k = 0; k < kSteps; ++k) {
      const float y0 = bar.top + bar.height * static_cast<float>(k) / kSteps;
      const float y1 = bar.top + bar.height * static_cast<float>(k + 1) / kSteps;
      const sf::Color c = weightColour(1.0 - (k + 0.5) / kSteps);
      quads.append({{bar.left, y0}, c});
      quads.append({{bar.left + bar.width, y0}, c});
      quads.append({{bar.left + bar.width, y1}, c});
      quads.append({{bar.left, y1}, c});
    }
    t.draw(quads);
    for (double v : {lo, 0.5 * (lo + hi), hi}) {
      const float y = bar.top + bar.height * static_cast<float>((hi - v) / (hi - lo));
      rect(t, bar.left + bar.width, y, 3, 1, kInk);
      label(t, font_, bar.left + bar.width + 5, y - 7, tick(v), 10);
    }
    labelCentred(t, font_, bar.left + 5, bar.top + bar.height + 3, unit, 10, kMuted);
  }

  /// A non-spiking policy (REINFORCE): its weights per feature and action on a symmetric scale
  /// fixed for the run, and the action probabilities of the last step.
  void drawPolicy(sf::RenderTarget& t) {
    const sf::FloatRect area(kPlotLeft, 60, 470, 200), bar(1215, 60, 10, 200);
    label(t, font_, kPlotLeft - 80, 10,
          "agent '" + options_.spec.agent_type + "': a linear softmax policy, no spiking network",
          13);
    const agents::WeightGrid grid = policy_->policyWeights();
    label(t, font_, kPlotLeft - 80, 32,
          "Policy weights: columns = features (Gaussian cells per observation dimension), "
          "rows = actions",
          12);
    double top = policy_scale_;
    for (float w : grid.values) top = std::max<double>(top, std::abs(w));
    policy_scale_ = top;  // symmetric about 0; only widens
    const double hi = top > 0 ? top : 1;
    const agents::PopulationRole features{agents::PopulationRole::Kind::kObservation,
                                          policy_->featuresPerDimension()};
    const agents::PopulationRole actions{agents::PopulationRole::Kind::kAction, 1};
    drawWeightImage(t, area, bar, grid, -hi, hi,
                    axisGroups(features, grid.rows, session_.env().observationNames()),
                    axisGroups(actions, grid.cols, {}), "");
    const sf::FloatRect probs(kPlotLeft, 330, 535, 120);
    panel(t, probs);
    label(t, font_, kPlotLeft - 80, 306, "pi(a | s): action probabilities of the last step", 12);
    const std::vector<double> p = policy_->actionProbabilities();
    const std::int64_t action = session_.lastStep().action.index;
    for (std::size_t a = 0; a < p.size(); ++a) {
      const float w = probs.width / static_cast<float>(p.size());
      const float h = (probs.height - 20) * static_cast<float>(p[a]);
      rect(t, probs.left + w * (a + 0.2f), probs.top + probs.height - 18 - h, w * 0.6f, h,
           static_cast<std::int64_t>(a) == action ? kPopColours[2] : kPopColours[0]);
      labelCentred(t, font_, probs.left + w * (a + 0.5f), probs.top + probs.height - 16,
                   fmt("a%.0f: ", static_cast<double>(a)) + fmt("%.2f", p[a]), 11);
    }
  }

  void handle(const sf::Event& e, sf::RenderTarget& target) {
    const ImGuiIO& io = ImGui::GetIO();
    if (e.type == sf::Event::KeyPressed && !io.WantCaptureKeyboard) {
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
          setLearning(!session_.learning());
          break;
        case sf::Keyboard::E:
          setGreedy(!session_.agent().greedy());
          break;
        case sf::Keyboard::P:
          ++projection_;
          break;
        case sf::Keyboard::C:
          saveScreenshot(target, "spikegym_view_" + std::to_string(++screenshots_) + ".png",
                         options_.identity);
          break;
        case sf::Keyboard::Q:
        case sf::Keyboard::Escape:
          quit_ = true;
          break;
        default:
          break;
      }
    } else if (e.type == sf::Event::MouseButtonPressed && view_ && !io.WantCaptureMouse &&
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

  static void saveScreenshot(sf::RenderTarget& target, const std::string& path,
                             const std::string& identity) {
    sf::Texture texture;
    texture.create(kWidth, kHeight);
    if (auto* window = dynamic_cast<sf::RenderWindow*>(&target)) {
      texture.update(*window);
    } else {
      texture = static_cast<sf::RenderTexture&>(target).getTexture();
    }
    savePng(texture.copyToImage(), path, pngEntries(identity));
  }

  bool quit() const { return quit_; }

  /// What every saved PNG says about itself.
  static std::vector<std::pair<std::string, std::string>> pngEntries(const std::string& identity) {
    return {{"Software", std::string("spikegym ") + version() + " (" + gitCommit() + ")"},
            {"Description", identity}};
  }

 private:
  template <typename T>
  static void push(std::deque<T>& d, T v, std::size_t cap) {
    d.push_back(v);
    while (d.size() > cap) d.pop_front();
  }

  ViewerOptions options_;
  lab::Session session_;
  std::vector<double> history_;  // a finished run's training returns
  std::vector<double> returns_;  // every episode watched here
  std::optional<double> threshold_;
  agents::AgentView* view_ = nullptr;
  const agents::PolicyView* policy_ = nullptr;
  double policy_scale_ = 0;  // the largest |policy weight| seen
  sf::Font font_;
  sf::Texture heat_texture_;
  std::vector<std::string> names_;
  std::vector<std::vector<AxisGroup>> groups_;  // per population
  std::vector<WeightScale> scales_;             // per projection, fixed for the run
  std::vector<std::uint32_t> first_row_;
  std::uint32_t rows_ = 0, window_steps_ = 1000;
  std::size_t probe_population_ = 0, projection_ = 0;
  std::uint32_t probe_neuron_ = 0;
  std::deque<SpikeDot> spikes_;
  std::deque<double> potential_, dopamine_, eligibility_;
  struct Scheduled {
    long step;
    std::string path, value;
  };
  std::vector<Scheduled> scheduled_;  // --control, by env step
  std::size_t next_scheduled_ = 0;
  std::vector<std::string> changes_;    // every change made by hand, in order
  std::map<std::string, float> edits_;  // the panel's sliders while dragged
  double speed_ = 1;
  bool paused_ = false, single_step_ = false, fastest_ = false, quit_ = false;
  bool printed_header_ = false;
  long frame_counter_ = 0, env_steps_ = 0;
  int screenshots_ = 0;
};

/// Dear ImGui for one viewer: its context (no imgui.ini written), the OpenGL2 backend, and
/// SFML's events fed to it (Debian ships no SFML backend; ImGui 1.86's input API).
class ImGuiLayer {
 public:
  ImGuiLayer() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {static_cast<float>(kWidth), static_cast<float>(kHeight)};
    const std::pair<ImGuiKey_, sf::Keyboard::Key> keys[] = {
        {ImGuiKey_Tab, sf::Keyboard::Tab},
        {ImGuiKey_LeftArrow, sf::Keyboard::Left},
        {ImGuiKey_RightArrow, sf::Keyboard::Right},
        {ImGuiKey_UpArrow, sf::Keyboard::Up},
        {ImGuiKey_DownArrow, sf::Keyboard::Down},
        {ImGuiKey_Delete, sf::Keyboard::Delete},
        {ImGuiKey_Backspace, sf::Keyboard::Backspace},
        {ImGuiKey_Enter, sf::Keyboard::Enter},
        {ImGuiKey_Escape, sf::Keyboard::Escape}};
    for (const auto& [imgui_key, sfml_key] : keys) io.KeyMap[imgui_key] = sfml_key;
    ImGui_ImplOpenGL2_Init();
  }
  ~ImGuiLayer() {
    ImGui_ImplOpenGL2_Shutdown();
    ImGui::DestroyContext();
  }
  ImGuiLayer(const ImGuiLayer&) = delete;
  ImGuiLayer& operator=(const ImGuiLayer&) = delete;

  static void feed(const sf::Event& e) {
    ImGuiIO& io = ImGui::GetIO();
    switch (e.type) {
      case sf::Event::MouseMoved:
        io.MousePos = {static_cast<float>(e.mouseMove.x), static_cast<float>(e.mouseMove.y)};
        break;
      case sf::Event::MouseButtonPressed:
      case sf::Event::MouseButtonReleased:
        if (e.mouseButton.button <= sf::Mouse::Middle) {
          io.MouseDown[e.mouseButton.button] = e.type == sf::Event::MouseButtonPressed;
        }
        break;
      case sf::Event::MouseWheelScrolled:
        io.MouseWheel += e.mouseWheelScroll.delta;
        break;
      case sf::Event::TextEntered:
        if (e.text.unicode >= 32 && e.text.unicode < 0x10000) io.AddInputCharacter(e.text.unicode);
        break;
      case sf::Event::KeyPressed:
      case sf::Event::KeyReleased:
        if (e.key.code >= 0 && e.key.code < 512) {
          io.KeysDown[e.key.code] = e.type == sf::Event::KeyPressed;
        }
        io.KeyCtrl = e.key.control;
        io.KeyShift = e.key.shift;
        break;
      default:
        break;
    }
  }

  /// Draws the viewer's panel over what SFML drew into `target` this frame.
  static void frame(sf::RenderTarget& target, Viewer& viewer) {
    if (!target.setActive(true)) return;
    target.pushGLStates();
    ImGui_ImplOpenGL2_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = {static_cast<float>(kWidth), static_cast<float>(kHeight)};
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    viewer.drawControls();
    ImGui::Render();
    ImGui_ImplOpenGL2_RenderDrawData(ImGui::GetDrawData());
    target.popGLStates();
  }
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
    sf::RenderTexture target;
    createOffscreen(target);
    if (!options.record_dir.empty()) std::filesystem::create_directories(options.record_dir);
    sf::Image first_world, last_frame;
    const ImGuiLayer imgui;
    for (long f = 1; f <= options.frames; ++f) {
      viewer.advance();
      viewer.draw(target);
      ImGuiLayer::frame(target, viewer);
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
    if (!options.screenshot.empty()) {
      savePng(last_frame, options.screenshot, Viewer::pngEntries(options.identity));
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
  const ImGuiLayer imgui;
  while (window.isOpen() && !viewer.quit()) {
    sf::Event e;
    while (window.pollEvent(e)) {
      if (e.type == sf::Event::Closed) window.close();
      ImGuiLayer::feed(e);
      viewer.handle(e, window);
    }
    viewer.advance();
    viewer.draw(window);
    ImGuiLayer::frame(window, viewer);
    window.display();
  }
  return 0;
}

void savePng(const sf::Image& image, const std::string& path,
             const std::vector<std::pair<std::string, std::string>>& entries) {
  if (!image.saveToFile(path)) throw UserError(path + ": cannot write the screenshot");
  addPngText(path, entries);
}

void addPngText(const std::string& path,
                const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string png;
  {
    std::ifstream in(path, std::ios::binary);
    png.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Signature (8 bytes), then IHDR: length 13, "IHDR", 13 bytes, CRC = 33 bytes in all.
  constexpr std::size_t kAfterIhdr = 33;
  if (png.size() < kAfterIhdr || png.compare(12, 4, "IHDR") != 0) {
    throw UserError(path + ": not a PNG written by this program (no IHDR chunk)");
  }
  std::string chunks;
  for (const auto& [key, value] : entries) {
    // tEXt: keyword, NUL, text; Latin-1 without control characters (newlines become "; ").
    std::string body = key.substr(0, 79) + '\0';
    for (char c : value) {
      if (c == '\n') {
        body += "; ";
      } else if (static_cast<unsigned char>(c) >= 32 && static_cast<unsigned char>(c) < 127) {
        body += c;
      }
    }
    const std::string type_and_body = "tEXt" + body;
    auto be32 = [](std::uint32_t v) {
      return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 8), static_cast<char>(v)};
    };
    const auto crc =
        static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(type_and_body.data()),
                                         static_cast<uInt>(type_and_body.size())));
    chunks += be32(static_cast<std::uint32_t>(body.size())) + type_and_body + be32(crc);
  }
  png.insert(kAfterIhdr, chunks);
  writeFileAtomic(path, png);
}

}  // namespace spikegym::viewer
