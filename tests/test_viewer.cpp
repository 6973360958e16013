// viewer/: `spikegym view` offscreen under xvfb-run: the image, its world panel, and that a
// watched run is the same computation as a headless one.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "agents/agent.hpp"
#include "envs/registration.hpp"
#include "tests/cli_support.hpp"
#ifdef SPIKEGYM_HAVE_VIEWER
#include "viewer/heatmap.hpp"
#include "viewer/viewer.hpp"
#endif

using namespace spikegym::testing;

namespace {

/// Width and height from a PNG's IHDR chunk (big-endian at bytes 16..23).
std::pair<std::uint32_t, std::uint32_t> pngSize(const std::string& bytes) {
  REQUIRE(bytes.size() > 24);
  REQUIRE(bytes.substr(1, 3) == "PNG");
  auto be = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {be(16), be(20)};
}

/// The text of a PNG's tEXt chunk `keyword` ("" when there is none).
std::string pngText(const std::string& bytes, const std::string& keyword) {
  const std::size_t at = bytes.find("tEXt" + keyword + std::string(1, '\0'));
  if (at == std::string::npos) return "";
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i)
    length = (length << 8) | static_cast<unsigned char>(bytes[at - 4 + i]);
  return bytes.substr(at + 4 + keyword.size() + 1, length - keyword.size() - 1);
}

std::string viewCommand(const std::string& args) {
  // Mesa's GL driver leaks a little at exit: no leak checks for the viewer under ASan.
  return "ASAN_OPTIONS=detect_leaks=0 xvfb-run -a " + std::string(SPIKEGYM_BIN) + " view " + args;
}

}  // namespace

#ifdef SPIKEGYM_HAVE_VIEWER
TEST_CASE("view without a display: one line naming what to run instead, exit 2", "[viewer]") {
  // SFML aborts the process (exit 134) when it cannot open a display; the viewer asks first.
  for (const std::string& display : {std::string("env -u DISPLAY"), std::string("DISPLAY=:987")}) {
    const CommandResult r =
        runShell("ASAN_OPTIONS=detect_leaks=0 " + display + " " + std::string(SPIKEGYM_BIN) +
                 " view " + std::string(SPIKEGYM_SOURCE_DIR) +
                 "/experiments/quickstart.yaml --frames 1 --screenshot /dev/null");
    INFO(display << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains("no X display") && Catch::Contains("xvfb-run -a"));
  }
}

TEST_CASE("view renders CartPole offscreen: size, not blank, the world moves", "[viewer]") {
  const auto dir = scratchDir("view");
  const std::string png = (dir / "cartpole.png").string();
  const CommandResult r = runShell(viewCommand(std::string(SPIKEGYM_SOURCE_DIR) +
                                               "/experiments/quickstart.yaml --frames 40 "
                                               "--speed 5 --screenshot " +
                                               png) +
                                   " 2>/dev/null");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string bytes = readFile(png);
  CHECK(pngSize(bytes) == std::pair<std::uint32_t, std::uint32_t>{1280, 800});
  CHECK(bytes.size() > 20000);  // a blank 1280x800 PNG compresses to a few kB
  // The last line describes the world panel: many colours, and it changed since frame 1.
  const std::string last = r.out.substr(r.out.rfind("frames:"));
  CHECK_THAT(last, Catch::StartsWith("frames: 40, size: 1280x800, world_colours: "));
  const long colours = std::stol(last.substr(last.find("world_colours: ") + 15));
  const long changed = std::stol(last.substr(last.find("world_pixels_changed: ") + 22));
  CHECK(colours > 10);
  CHECK(changed > 100);
}

TEST_CASE("a watched run equals the headless one", "[viewer]") {
  // The viewer drives the same Session as train: the same config and seed give the same
  // episodes, whatever is drawn and read in between.
  const CommandResult watched =
      runShell(viewCommand(std::string(SPIKEGYM_SOURCE_DIR) +
                           "/experiments/quickstart.yaml --frames 60 --speed 20") +
               " 2>/dev/null");
  REQUIRE(watched.exit_code == 0);
  std::istringstream in(watched.out);
  std::string line, episodes;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.rfind("frames:", 0) == 0) continue;
    episodes += line + "\n";
    n += line != "episode,return,length";
  }
  REQUIRE(n >= 20);
  const CommandResult headless =
      runSpikegym("train --preset cartpole_solve --seed 1 --episodes " + std::to_string(n));
  REQUIRE(headless.exit_code == 0);
  std::istringstream h(headless.out);
  std::string expected;
  while (std::getline(h, line)) {
    std::string first3;
    std::istringstream fields(line);
    std::string f;
    for (int k = 0; k < 3 && std::getline(fields, f, ','); ++k) first3 += (k ? "," : "") + f;
    expected += first3 + "\n";
  }
  CHECK(episodes == expected);
}

TEST_CASE("view draws Foraging-v0 and opens a finished run", "[viewer]") {
  const auto dir = scratchDir("view_run");
  const std::string file = (dir / "f.yaml").string();
  std::ofstream(file) << "name: f\nenv: {id: Foraging-v0}\nagent: {type: snn, encoder: rate}\n"
                         "train: {episodes: 1}\n";
  REQUIRE(runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  std::string run_dir;
  for (const auto& d : std::filesystem::directory_iterator(dir / "r" / "f")) {
    if (d.is_directory()) run_dir = d.path().string();
  }
  const std::string frames = (dir / "frames").string();
  const CommandResult r =
      runShell(viewCommand(run_dir + " --frames 3 --record " + frames) + " 2>/dev/null");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"frame_00001.png", "frame_00003.png"}) {
    CHECK(pngSize(readFile(std::filesystem::path(frames) / f)).first == 1280);
  }
  // A screenshot says what it shows: the run, its experiment, cell, seed, agent and score.
  const std::string shot = (dir / "shot.png").string();
  REQUIRE(runShell(viewCommand(run_dir + " --frames 2 --screenshot " + shot) + " >/dev/null 2>&1")
              .exit_code == 0);
  const std::string png = readFile(shot);
  CHECK(pngSize(png).first == 1280);
  const std::string run_id = std::filesystem::path(run_dir).filename().string();
  CHECK_THAT(pngText(png, "Description"),
             Catch::Contains("run " + run_id + " of experiment f, seed 1") &&
                 Catch::Contains("agent snn") && Catch::Contains("score "));
  CHECK_THAT(pngText(png, "Software"), Catch::StartsWith("spikegym "));
  const CommandResult bad = runSpikegym("view " + (dir / "r" / "f").string() + " --frames 2");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("not a run folder"));
}
TEST_CASE("view: the control panel's changes reach the run and are listed", "[viewer][controls]") {
  // --control drives the same calls as the Dear ImGui panel's widgets. A push force of 0 N
  // leaves the cart to gravity: the episodes differ from the untouched run, and every change
  // is listed on stderr (and on screen) with its env step.
  const std::string exp = std::string(SPIKEGYM_SOURCE_DIR) + "/experiments/quickstart.yaml";
  const auto dir = scratchDir("view_controls");
  const std::string shot = (dir / "panel.png").string();
  auto episodes = [](const std::string& out) {
    std::istringstream in(out);
    std::string line, rows;
    while (std::getline(in, line)) {
      if (line.rfind("frames:", 0) != 0) rows += line + "\n";
    }
    return rows;
  };
  const CommandResult plain = runShell(viewCommand(exp + " --frames 40 --speed 20"));
  const CommandResult touched =
      runShell(viewCommand(exp +
                           " --frames 40 --speed 20 --control 0:env.force_n=0 --control "
                           "200:agent.eta=0.004 --control 300:learning=off --screenshot " +
                           shot));
  REQUIRE(plain.exit_code == 0);
  REQUIRE(touched.exit_code == 0);
  CHECK(episodes(plain.out) != episodes(touched.out));
  CHECK(plain.err.find("changed") == std::string::npos);
  const std::string& err = touched.err;
  CHECK_THAT(err, Catch::Contains("changed at env step 0: env.force_n 10.0 -> 0") &&
                      Catch::Contains("changed at env step 200: agent.eta 2.0e-03 -> 4.0e-03") &&
                      Catch::Contains("changed at env step 300: learning off"));
  // The panel is drawn offscreen too (ImGui's dark window over the learning panel's right).
  sf::Image img;
  REQUIRE(img.loadFromFile(shot));
  const sf::Color bg = img.getPixel(600, 780);
  CHECK(bg.r + bg.g + bg.b < 3 * 80);
  // A control this run does not have: one line, a did-you-mean, exit 2.
  const CommandResult bad = runShell(viewCommand(exp + " --frames 2 --control 5:env.force=3"));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("no control 'env.force'") &&
                          Catch::Contains("did you mean 'env.force_n'"));
  const CommandResult form = runShell(viewCommand(exp + " --frames 2 --control env.force_n"));
  CHECK(form.exit_code == 2);
  CHECK_THAT(form.err, Catch::Contains("expected STEP:PATH=VALUE"));
}

TEST_CASE("view --follow: a sweep's runs as they grow, running ones from progress.csv",
          "[viewer][follow]") {
  const auto dir = scratchDir("view_follow");
  const std::string file = (dir / "s.yaml").string();
  std::ofstream(file) << "name: s\nenv: {id: CartPole-v1}\nagent: {type: random}\n"
                         "train: {episodes: 30}\nseeds: 3\n";
  REQUIRE(runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const auto root = dir / "r" / "s";
  std::vector<std::filesystem::path> runs;
  for (const auto& d : std::filesystem::directory_iterator(root)) {
    if (d.is_directory()) runs.push_back(d.path());
    // A finished run leaves no progress.csv or progress.ckpt behind.
    CHECK_FALSE(std::filesystem::exists(d.path() / "progress.csv"));
    CHECK_FALSE(std::filesystem::exists(d.path() / "progress.ckpt"));
  }
  REQUIRE(runs.size() == 3);
  // Make one run look as it does mid-run: run.json "running", 5 rows in progress.csv and a
  // sixth still being written (no newline yet), no episodes.csv.
  const auto& r0 = runs[0];
  std::istringstream csv(readFile(r0 / "episodes.csv"));
  std::string line, progress;
  for (int i = 0; i < 7 && std::getline(csv, line); ++i)
    progress += i < 6 ? line + "\n" : line.substr(0, 5);
  std::filesystem::remove(r0 / "episodes.csv");
  std::ofstream(r0 / "progress.csv") << progress;
  std::string record = readFile(r0 / "run.json");
  record.replace(record.find("\"complete\""), 10, "\"running\"");
  std::ofstream(r0 / "run.json") << record;
  const std::string shot = (dir / "follow.png").string();
  const CommandResult r =
      runShell(viewCommand(root.string() + " --follow --frames 2 --screenshot " + shot));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("follow: runs 3, complete=2 running=1, training episodes "
                                    "read 65"));
  CHECK(pngSize(readFile(shot)).first == 1280);
  // Without --follow a results folder is not a run: the line says what to pass.
  const CommandResult plain = runSpikegym("view " + root.string() + " --frames 1");
  CHECK(plain.exit_code == 2);
  CHECK_THAT(plain.err, Catch::Contains("--follow"));
}

TEST_CASE("heatmap: a synapse lands on its (pre, post) pixel; axes name the groups",
          "[viewer][heatmap]") {
  using namespace spikegym;
  auto env = envs::make("CartPole-v1");
  auto agent = agents::makeAgent("snn", env->observationSpace(), env->actionSpace(), {}, 1);
  agents::AgentView* view = agent->view();
  REQUIRE(view != nullptr);
  const agents::WeightGrid grid = view->weights(0);
  const auto names = view->populationNames();
  CHECK(names[grid.pre_population] == "input");
  CHECK(names[grid.post_population] == "output");
  // The one strongest synapse, found in the grid (rows = pre, cols = post), and the weakest.
  std::size_t best = 0, worst = 0;
  for (std::size_t k = 0; k < grid.values.size(); ++k) {
    if (grid.values[k] > grid.values[best]) best = k;
    if (grid.values[k] < grid.values[worst]) worst = k;
  }
  const double lo = grid.values[worst], hi = grid.values[best];
  REQUIRE(hi > lo);
  const sf::Image img = viewer::weightImage(grid, lo, hi);
  // Columns are the pre population (48 inputs), rows the post population (2 groups x 16).
  CHECK(img.getSize().x == grid.rows);
  CHECK(img.getSize().y == grid.cols);
  const auto pixel = [&](std::size_t k) {
    return img.getPixel(static_cast<unsigned>(k / grid.cols), static_cast<unsigned>(k % grid.cols));
  };
  CHECK(pixel(best) == viewer::weightColour(1.0));
  CHECK(pixel(worst) == viewer::weightColour(0.0));
  // Transposed, the brightest pixel would sit elsewhere (48 x 32 is not square).
  CHECK(grid.rows != grid.cols);
  // No synapse: grey, not a colour of the scale.
  agents::WeightGrid sparse{3, 2, {NAN, NAN, NAN, NAN, NAN, 0.5f}};
  const sf::Image one = viewer::weightImage(sparse, 0, 1);
  CHECK(one.getPixel(2, 1) == viewer::weightColour(0.5));
  CHECK(one.getPixel(0, 0) == sf::Color(110, 110, 110));
  // Axis groups: the observation's names for the encoder, a0/a1 for the readout.
  const auto inputs =
      viewer::axisGroups(view->populationRole(grid.pre_population),
                         view->populationSize(grid.pre_population), env->observationNames());
  REQUIRE(inputs.size() == 4);
  CHECK(inputs[0].label == "x");
  CHECK(inputs[3].label == "theta_dot");
  CHECK(inputs[1].first == inputs[0].size);
  const auto outputs = viewer::axisGroups(view->populationRole(grid.post_population),
                                          view->populationSize(grid.post_population), {});
  REQUIRE(outputs.size() == 2);
  CHECK(outputs[1].label == "a1");
  CHECK(outputs[1].first == grid.cols / 2);
  // The colour scale is fixed for the run: a plastic projection's bounds, else it only widens.
  viewer::WeightScale scale;
  scale.include(grid);
  if (std::isfinite(grid.w_min)) {
    CHECK(scale.lo == grid.w_min);
    CHECK(scale.hi == grid.w_max);
  }
  viewer::WeightScale seen;
  seen.include(agents::WeightGrid{1, 2, {1.0f, 2.0f}});
  seen.include(agents::WeightGrid{1, 2, {1.5f, 1.6f}});
  CHECK(seen.lo == 1.0);
  CHECK(seen.hi == 2.0);
}
#else
TEST_CASE("view without the viewer says how to get it", "[viewer]") {
  const CommandResult r = runSpikegym("view x.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("-DSPIKEGYM_VIEWER=ON"));
}
#endif

TEST_CASE("receptive fields: each post neuron's weight lands on its pixel in its own tile",
          "[viewer][heatmap]") {
  using namespace spikegym;
  // A 2 x 3 image (6 pixels) into 3 post neurons; post neuron j's weight from pixel p is
  // (p + 1) for j = 0, only pixel 4 (row 1, col 1) for j = 1, and all zero for j = 2.
  agents::WeightGrid grid;
  grid.rows = 6, grid.cols = 3;
  grid.values.assign(18, 0.0f);
  for (int p = 0; p < 6; ++p) grid.values[p * 3 + 0] = static_cast<float>(p + 1);
  grid.values[4 * 3 + 1] = 0.5f;
  const int scale = 2, gap = 1;  // scale / 2
  const sf::Image img = viewer::receptiveFieldImage(grid, 2, 3, 2, scale);
  // 2 tiles across, 2 lines: width 2 x (3 x 2 + 1) + 1, height 2 x (2 x 2 + 1) + 1.
  CHECK(img.getSize().x == 15);
  CHECK(img.getSize().y == 11);
  const auto at = [&](int tile, int r, int c) {  // top-left image pixel of (r, c) in a tile
    const int x0 = gap + (tile % 2) * (3 * scale + gap), y0 = gap + (tile / 2) * (2 * scale + gap);
    return img.getPixel(static_cast<unsigned>(x0 + c * scale),
                        static_cast<unsigned>(y0 + r * scale));
  };
  // Each tile on its own scale: neuron 0's largest weight (pixel 5 = row 1, col 2) is the top
  // of the scale, its pixel 0 (weight 1 of 6) a sixth; neuron 1's one weight is its top.
  CHECK(at(0, 1, 2) == viewer::weightColour(1.0));
  CHECK(at(0, 0, 0) == viewer::weightColour(1.0 / 6.0));
  CHECK(at(1, 1, 1) == viewer::weightColour(1.0));
  CHECK(at(1, 0, 0) == viewer::weightColour(0.0));
  CHECK(at(2, 0, 0) == viewer::weightColour(0.0));  // no weights: the bottom of the scale
  // The gaps and the empty fourth place are light grey.
  CHECK(img.getPixel(0, 0) == sf::Color(225, 225, 225));
  CHECK(at(3, 0, 0) == sf::Color(225, 225, 225));
}

TEST_CASE("show receptive-fields writes an image run's fields and names what is wrong",
          "[viewer][heatmap]") {
  const auto dir = scratchDir("fields");
  const std::string file = (dir / "d.yaml").string();
  std::ofstream(file) << "name: d\nenv: {id: Digits-v0}\n"
                         "agent: {type: snn, preset: digits_diehl_cook}\n"
                         "train: {episodes: 20}\n";
  REQUIRE(runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  std::string run_dir;
  for (const auto& d : std::filesystem::directory_iterator(dir / "r" / "d")) {
    if (d.is_directory() && d.path().filename() != "compare") run_dir = d.path().string();
  }
  REQUIRE(!run_dir.empty());
  const std::string png = (dir / "f.png").string();
  const CommandResult ok = runSpikegym("show receptive-fields " + run_dir + " --out " + png);
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("100 receptive fields of 'pixels_exc' (8 x 8 pixels each)"));
  // The PNG's header: 10 tiles across and 10 lines of 8 x 4 pixels, 2 apart, 2 at the edges.
  std::ifstream in(png, std::ios::binary);
  std::string head(24, '\0');
  in.read(head.data(), 24);
  auto be32 = [&](int at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(head[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 3]));
  };
  CHECK(head.substr(1, 3) == "PNG");
  CHECK(be32(16) == 10 * (8 * 4 + 2) + 2);
  CHECK(be32(20) == 10 * (8 * 4 + 2) + 2);
  auto oneLine = [](const CommandResult& r, const std::string& needle) {
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains(needle));
  };
  oneLine(runSpikegym("show receptive-fields " + run_dir + " --projection pixel_exc --out " + png),
          "did you mean 'pixels_exc'");
  oneLine(runSpikegym("show receptive-fields " + dir.string() + " --out " + png),
          "not a finished run folder");
  std::ofstream(file) << "name: c\nenv: {id: CartPole-v1}\nagent: {type: random}\n"
                         "train: {episodes: 2}\n";
  REQUIRE(runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  for (const auto& d : std::filesystem::directory_iterator(dir / "r" / "c")) {
    if (d.is_directory() && d.path().filename() != "compare") run_dir = d.path().string();
  }
  oneLine(runSpikegym("show receptive-fields " + run_dir + " --out " + png), "shows no images");
}
