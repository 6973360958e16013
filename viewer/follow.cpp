// `spikegym view RESULTS_DIR --follow`: a running sweep's learning curves, read from its run
// folders as they grow (episodes.csv of finished runs, progress.csv of running ones), one colour
// per cell; a table of runs with their status; clicking a finished run opens it in its own
// viewer (a child process: the path goes to execv, never to a shell).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SFML/Graphics.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "envs/registration.hpp"
#include "lab/results.hpp"
#include "viewer/display.hpp"
#include "viewer/viewer.hpp"
#include "viewer/widgets.hpp"

extern char** environ;

namespace spikegym::viewer {
namespace {

namespace fs = std::filesystem;

const sf::FloatRect kCurves(70, 60, 760, 660);
const sf::FloatRect kTable(860, 60, 410, 700);
constexpr float kRowPx = 17;
constexpr std::size_t kSmooth = 10;  // [episodes] trailing mean of the curves

struct FollowRun {
  std::string id, cell, status;
  std::uint64_t seed = 0;
  std::vector<double> returns;  // training returns so far
  std::string env_id;
};

/// Everything the follow view shows, read from the folder once per refresh.
struct Snapshot {
  std::vector<FollowRun> runs;
  std::map<std::string, int> cells;   // cell label -> colour index (sorted labels)
  std::map<std::string, int> counts;  // status -> runs
  std::vector<std::string> problems;  // runs that could not be read, one line each
};

std::string cellLabel(const lab::RunRecord& record) {
  std::string text;
  for (const auto& [path, value] : record.swept) {
    if (value.empty()) continue;
    text += (text.empty() ? "" : " ") + value;
  }
  return text.empty() ? "(one cell)" : text;
}

Snapshot readSnapshot(const fs::path& root) {
  Snapshot s;
  const lab::Results results(root.parent_path().string(), root.filename().string());
  for (const std::string& id : lab::runFolders(root)) {
    FollowRun run;
    run.id = id;
    try {
      const auto record = results.readRecord(id);
      run.status = record ? record->status : "starting";
      if (record) {
        run.seed = record->seed;
        run.cell = cellLabel(*record);
      }
      const auto config = results.readConfig(id);
      if (config.count("env.id")) run.env_id = config.at("env.id");
      if (run.status == "running") {
        run.returns = results.readProgressReturns(id);
      } else if (fs::exists(results.runDir(id) / lab::layout::kEpisodes)) {
        run.returns = results.readEpisodes(id).returns;
      }
    } catch (const UserError& e) {
      s.problems.push_back(id + ": " + e.what());
      run.status = "unreadable";
    }
    s.counts[run.status] += 1;
    s.runs.push_back(std::move(run));
  }
  std::set<std::string> labels;
  for (const auto& r : s.runs) labels.insert(r.cell);
  for (const auto& l : labels) s.cells.emplace(l, static_cast<int>(s.cells.size()));
  // Running runs first, then by cell and seed.
  std::stable_sort(s.runs.begin(), s.runs.end(), [](const FollowRun& a, const FollowRun& b) {
    if ((a.status == "running") != (b.status == "running")) return a.status == "running";
    return std::tie(a.cell, a.seed) < std::tie(b.cell, b.seed);
  });
  return s;
}

class Follow {
 public:
  explicit Follow(const FollowOptions& o) : options_(o), root_(fs::canonical(o.results_dir)) {
    if (!font_.loadFromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")) {
      throw UserError("cannot load the font (install fonts-dejavu-core)");
    }
    refresh();
  }
  void refresh() { snap_ = readSnapshot(root_); }
  const Snapshot& snapshot() const { return snap_; }

  void draw(sf::RenderTarget& t) {
    t.clear(sf::Color::White);
    std::string counts;
    for (const auto& [status, n] : snap_.counts) {
      counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
    }
    label(t, font_, 10, 8, "Following " + root_.string(), 15);
    label(t, font_, 10, 30,
          (counts.empty() ? std::string("no run folders yet") : counts) +
              "   (re-read every second; " + std::to_string(kSmooth) +
              "-episode trailing mean of the return per run; thick: running)",
          12, kMuted);
    drawCurves(t);
    drawTable(t);
    if (!snap_.problems.empty()) {
      label(t, font_, 10, 780,
            fitText(std::to_string(snap_.problems.size()) + " run(s) unreadable, e.g. " +
                        snap_.problems.front(),
                    840, 11),
            11, kPopColours[2]);
    }
  }

  /// The run folder whose table row is at (x, y), if any.
  std::string runAt(float x, float y) const {
    if (!kTable.contains(x, y)) return "";
    const auto row = static_cast<std::size_t>((y - kTable.top - 20) / kRowPx);
    return row < shown_rows_ && y > kTable.top + 20 ? snap_.runs[row].id : "";
  }
  fs::path runDir(const std::string& id) const { return root_ / id; }
  std::string statusOf(const std::string& id) const {
    for (const auto& r : snap_.runs) {
      if (r.id == id) return r.status;
    }
    return "";
  }

 private:
  void drawCurves(sf::RenderTarget& t) {
    panel(t, kCurves);
    std::size_t episodes = 10;
    double top = 1, bottom = 0;
    std::optional<double> threshold;
    for (const auto& r : snap_.runs) {
      episodes = std::max(episodes, r.returns.size());
      for (double v : r.returns) top = std::max(top, v), bottom = std::min(bottom, v);
      if (!threshold && !r.env_id.empty()) {
        try {
          threshold = envs::envSpec(r.env_id).reward_threshold;
        } catch (const UserError&) {
        }
      }
    }
    if (threshold) top = std::max(top, *threshold);
    top += 0.05 * (top - bottom);
    yAxis(t, font_, kCurves, bottom, top);
    auto px = [&](double e) {
      return kCurves.left + kCurves.width * static_cast<float>(e / static_cast<double>(episodes));
    };
    auto py = [&](double v) {
      return kCurves.top + kCurves.height * static_cast<float>((top - v) / (top - bottom));
    };
    for (int k = 0; k <= 4; ++k) {
      const double e = std::round(static_cast<double>(episodes) * k / 4.0);
      rect(t, px(e), kCurves.top + kCurves.height, 1, 4, kInk);
      labelCentred(t, font_, px(e), kCurves.top + kCurves.height + 4, fmt("%.0f", e), 10);
    }
    labelCentred(t, font_, kCurves.left + kCurves.width / 2, kCurves.top + kCurves.height + 18,
                 "training episode", 11, kMuted);
    if (threshold) {
      for (float x = kCurves.left; x < kCurves.left + kCurves.width; x += 8) {
        rect(t, x, py(*threshold), 4, 1, kInk);
      }
      labelLeftOf(t, font_, kCurves.left + kCurves.width - 4, py(*threshold) - 8,
                  "solved (" + tick(*threshold) + ")", 10);
    }
    for (const auto& r : snap_.runs) {
      if (r.returns.empty()) continue;
      const sf::Color c = kOkabeIto[snap_.cells.at(r.cell) % 7];
      const bool running = r.status == "running";
      // A line strip per run; a running run twice, 1 px apart (thicker).
      sf::VertexArray line(sf::LineStrip), upper(sf::LineStrip);
      double sum = 0;
      sf::Vector2f last;
      for (std::size_t i = 0; i < r.returns.size(); ++i) {
        sum += r.returns[i];
        if (i >= kSmooth) sum -= r.returns[i - kSmooth];
        const double mean = sum / static_cast<double>(std::min(i + 1, kSmooth));
        last = {px(static_cast<double>(i) + 1), py(mean)};
        line.append({last, c});
        if (running) upper.append({{last.x, last.y - 1}, c});
      }
      t.draw(line);
      if (running) t.draw(upper);
      if (running) {
        sf::CircleShape dot(4);
        dot.setOrigin(4, 4);
        dot.setPosition(last);
        dot.setFillColor(c);
        t.draw(dot);
      }
    }
    // Legend: one line per cell.
    float y = kCurves.top + 6;
    for (const auto& [cell, colour] : snap_.cells) {
      rect(t, kCurves.left + 8, y + 7, 18, 3, kOkabeIto[colour % 7]);
      label(t, font_, kCurves.left + 32, y, fitText(cell, kCurves.width - 50, 11), 11);
      y += 16;
      if (y > kCurves.top + 0.4f * kCurves.height) break;
    }
  }

  void drawTable(sf::RenderTarget& t) {
    panel(t, kTable);
    label(t, font_, kTable.left, kTable.top - 20,
          "Runs (click one to watch it; a running one as of its last 50 episodes)", 12);
    label(t, font_, kTable.left + 6, kTable.top + 3, "status      seed  episodes  last 100  cell",
          11, kMuted);
    shown_rows_ = 0;
    for (const auto& r : snap_.runs) {
      const float y = kTable.top + 20 + kRowPx * static_cast<float>(shown_rows_);
      if (y + kRowPx > kTable.top + kTable.height) break;
      double last = 0;
      const std::size_t n = std::min<std::size_t>(100, r.returns.size());
      for (std::size_t i = r.returns.size() - n; i < r.returns.size(); ++i) last += r.returns[i];
      const sf::Color c = r.status == "running"    ? kPopColours[0]
                          : r.status == "complete" ? kInk
                                                   : kPopColours[2];
      rect(t, kTable.left + 2, y + 4, 8, 8, kOkabeIto[snap_.cells.at(r.cell) % 7]);
      label(t, font_, kTable.left + 14, y, r.status, 11, c);
      labelLeftOf(t, font_, kTable.left + 122, y + 8, std::to_string(r.seed), 11);
      labelLeftOf(t, font_, kTable.left + 185, y + 8, std::to_string(r.returns.size()), 11);
      labelLeftOf(t, font_, kTable.left + 245, y + 8, n ? fmt("%.1f", last / n) : "-", 11);
      label(t, font_, kTable.left + 255, y, fitText(r.cell, 150, 11), 11);
      ++shown_rows_;
    }
    if (shown_rows_ < snap_.runs.size()) {
      label(t, font_, kTable.left + 6, kTable.top + kTable.height - 18,
            std::to_string(snap_.runs.size() - shown_rows_) + " more runs not listed", 11, kMuted);
    }
  }

  FollowOptions options_;
  fs::path root_;
  sf::Font font_;
  Snapshot snap_;
  std::size_t shown_rows_ = 0;
};

/// Opens `run_dir` in a viewer of its own: this program, `view`, the path as one argument.
void openRun(const fs::path& run_dir) {
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const std::string dir = run_dir.string();
  char* argv[] = {const_cast<char*>(self.c_str()), const_cast<char*>("view"),
                  const_cast<char*>(dir.c_str()), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, environ) != 0) {
    std::fprintf(stderr, "spikegym view: cannot start a viewer for %s\n", dir.c_str());
  }
}

}  // namespace

int runFollow(const FollowOptions& options) {
  const DisplayConnection display;  // before SFML, which aborts without a display
  Follow follow(options);
  if (options.frames > 0) {
    sf::RenderTexture target;
    createOffscreen(target);
    for (long f = 1; f <= options.frames; ++f) {
      follow.refresh();
      follow.draw(target);
      target.display();
    }
    const Snapshot& s = follow.snapshot();
    if (!options.screenshot.empty()) {
      savePng(target.getTexture().copyToImage(), options.screenshot,
              {{"Description", "following " + options.results_dir}});
    }
    long episodes = 0;
    std::string counts;
    for (const auto& r : s.runs) episodes += static_cast<long>(r.returns.size());
    for (const auto& [status, n] : s.counts) counts += " " + status + "=" + std::to_string(n);
    std::printf("follow: runs %zu,%s, training episodes read %ld\n", s.runs.size(), counts.c_str(),
                episodes);
    return 0;
  }
  sf::RenderWindow window(sf::VideoMode(kWidth, kHeight), options.title);
  window.setFramerateLimit(30);
  auto last_read = std::chrono::steady_clock::now();
  while (window.isOpen()) {
    sf::Event e;
    while (window.pollEvent(e)) {
      if (e.type == sf::Event::Closed ||
          (e.type == sf::Event::KeyPressed &&
           (e.key.code == sf::Keyboard::Q || e.key.code == sf::Keyboard::Escape))) {
        window.close();
      } else if (e.type == sf::Event::MouseButtonPressed) {
        const std::string id =
            follow.runAt(static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y));
        const bool watchable = follow.statusOf(id) == "complete" ||
                               (follow.statusOf(id) == "running" &&
                                fs::exists(follow.runDir(id) / lab::layout::kProgressCheckpoint));
        if (!id.empty() && watchable) openRun(follow.runDir(id));
      }
    }
    // Re-read once a second (the folder, not the clock, is what is shown).
    if (std::chrono::steady_clock::now() - last_read > std::chrono::seconds(1)) {
      follow.refresh();
      last_read = std::chrono::steady_clock::now();
    }
    follow.draw(window);
    window.display();
  }
  return 0;
}

}  // namespace spikegym::viewer
