// Whether an X display can be opened, asked before SFML is touched: SFML prints one line and
// aborts the process when it cannot open one (exit 134), which is the first thing a user on an
// SSH or cluster node would meet.
#pragma once

namespace spikegym::viewer {

/// An open connection to the X display, held while SFML runs: an X server resets when its last
/// client disconnects, and a connection SFML opened during that reset would fail (seen under
/// xvfb-run on a loaded machine), so the probe stays connected until the viewer is done.
class DisplayConnection {
 public:
  DisplayConnection();  ///< UserError (exit 2, one line) naming DISPLAY and xvfb-run if none
  ~DisplayConnection();
  DisplayConnection(const DisplayConnection&) = delete;
  DisplayConnection& operator=(const DisplayConnection&) = delete;

 private:
  void* display_;  // Display*, kept opaque: Xlib's macros stay in display.cpp
};

}  // namespace spikegym::viewer
