// `spikegym view`: an SFML window that drives a lab::Session one step (or many) per frame and
// draws the world (the env's draw() through an SFML DrawSink), the network (spike raster of every
// population over the last second, a probed neuron's potential, the output groups' spike counts,
// dopamine and mean eligibility over time, a weight heatmap) and the learning progress. The
// viewer only reads the agent (AgentView), so a watched run equals a headless one.
//
// The only code that links SFML; built when the CMake option SPIKEGYM_VIEWER is on.
#pragma once

#include <SFML/Graphics/Image.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lab/training.hpp"

namespace spikegym::viewer {

struct ViewerOptions {
  lab::TrainSpec spec;     ///< what to run (env, agent, seed, checkpoint to load)
  bool learn = true;       ///< learning on at the start
  double speed = 1.0;      ///< env steps per frame (< 1: one step every 1/speed frames)
  long frames = 0;         ///< > 0: run this many frames offscreen, then stop
  std::string screenshot;  ///< save the last frame here (PNG)
  std::string record_dir;  ///< save every frame here as frame_00001.png ...
  std::string title;       ///< window title
  /// What is watched, on screen and in every PNG saved (tEXt "Description"): run id,
  /// experiment, cell, seed, agent and rule, score.
  std::string identity;
  /// A finished run's training returns (its episodes.csv), drawn before the live episodes.
  std::vector<double> history;
  bool greedy = false;  ///< exploration off at the start (watching a trained agent)
  /// Scripted controls, each "STEP:PATH=VALUE": before env step STEP (0 = the first), set PATH
  /// (learning, explore: on|off; env.NAME, agent.NAME: a live parameter) as the control panel
  /// would. For demos and tests; every change is listed like the panel's.
  std::vector<std::string> controls;
};

struct FollowOptions {
  std::string results_dir;  ///< results/<name>
  long frames = 0;          ///< > 0: draw this many frames offscreen, then stop
  std::string screenshot;   ///< with frames: save the last frame (PNG)
  std::string title;
};

/// Shows a sweep's runs as they run (view RESULTS_DIR --follow): every run's learning curve
/// from its episodes.csv or, while running, its progress.csv, re-read every second; a table of
/// runs; a click on a finished run opens it in a viewer of its own. Offscreen, a last line
/// "follow: runs N, STATUS=K..., training episodes read E".
int runFollow(const FollowOptions& options);

/// Writes `image` to `path` as PNG, then addPngText(path, entries); UserError if it cannot.
void savePng(const sf::Image& image, const std::string& path,
             const std::vector<std::pair<std::string, std::string>>& entries);

/// Adds tEXt chunks (keyword, text; Latin-1 as PNG asks, control characters dropped) after the
/// IHDR chunk of the PNG at `path`, rewriting it through a temporary file.
void addPngText(const std::string& path,
                const std::vector<std::pair<std::string, std::string>>& entries);

/// Runs the viewer until the window closes (or `frames` frames offscreen). Prints each finished
/// episode as "episode,return,length" on stdout; offscreen, a last line describing the frames.
int runViewer(const ViewerOptions& options);

}  // namespace spikegym::viewer
