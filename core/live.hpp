// Parameters a viewer may change while a run is watched (spikegym view's control panel): an
// env's push force, an agent's learning rate or dopamine gain. A run never changes them; the
// viewer lists every change it made on screen, so a watched run never silently differs from
// its config.
#pragma once

#include <string>
#include <vector>

namespace spikegym {

struct LiveParam {
  std::string name;         ///< as in the config (force_n, eta, dopamine_gain)
  double value = 0;         ///< now
  double min = 0, max = 0;  ///< the range a control offers
  std::string unit;         ///< e.g. "[N]"
};

}  // namespace spikegym
