// The viewer's weight heatmap, as pure functions a test can check without a display: which
// pixel a synapse lands on, its colour, a colour scale fixed for the run, and the axis groups
// (observation dimensions, actions) that name a population's neurons.
#pragma once

#include <SFML/Graphics/Image.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agents/view.hpp"

namespace spikegym::viewer {

/// Viridis (colour-blind safe, light with value) at u in [0, 1] (clamped).
sf::Color weightColour(double u);

/// The grid as an image: pixel (x, y) = synapse from pre neuron x to post neuron y, so the
/// columns are the pre population and the rows the post population; no synapse: grey.
sf::Image weightImage(const agents::WeightGrid& grid, double lo, double hi);

/// Receptive fields: for a projection from an image's pixels (grid.rows = rows x cols), one
/// tile per post neuron showing its weights where their pixels are, `tiles_across` tiles per
/// line, each tile `scale` pixels per weight, light lines apart; each tile on its own scale
/// from 0 to its largest weight (viridis), so a neuron's preferred image shows whatever its size.
sf::Image receptiveFieldImage(const agents::WeightGrid& grid, int rows, int cols, int tiles_across,
                              int scale = 1);

/// A colour scale fixed for the run: the rule's bounds [w_min, w_max] of a plastic projection;
/// else the range of every weight seen so far, which only ever widens (refitting min..max each
/// frame would hide learning).
struct WeightScale {
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  void include(const agents::WeightGrid& grid);
};

/// A run of a population's neurons that stands for one thing: neurons [first, first + size).
struct AxisGroup {
  std::uint32_t first = 0, size = 0;
  std::string label;
};

/// The groups of a population of `size` neurons: one per observation dimension (named by
/// `observation_names`) for an encoder, one per action ("a0", "a1", ...) for the readout, none
/// otherwise.
std::vector<AxisGroup> axisGroups(const agents::PopulationRole& role, std::uint32_t size,
                                  const std::vector<std::string>& observation_names);

}  // namespace spikegym::viewer
