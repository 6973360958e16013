#include "viewer/display.hpp"

// Xlib in a file of its own: its macros (None, Status, Bool) clash with SFML's and ours.
#include <X11/Xlib.h>

#include <cstdlib>
#include <string>

#include "core/error.hpp"

namespace spikegym::viewer {

DisplayConnection::~DisplayConnection() {
  XCloseDisplay(static_cast<Display*>(display_));
}

DisplayConnection::DisplayConnection() : display_(XOpenDisplay(nullptr)) {
  if (display_) return;
  const char* name = std::getenv("DISPLAY");
  std::string shown = "not set";
  if (name) {  // appended piecewise: GCC 12 warns (-Wrestrict) on "'" + std::string here
    shown = "'";
    shown += printable(name);
    shown += "'";
  }
  throw UserError("view: no X display (DISPLAY is " + shown +
                  "); on a machine without a screen run it offscreen: xvfb-run -a spikegym view "
                  "... --frames N --screenshot FILE.png (or --record DIR)");
}

}  // namespace spikegym::viewer
