#include "viewer/heatmap.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace spikegym::viewer {

sf::Color weightColour(double u) {
  // Viridis at 0, 1/4, 1/2, 3/4, 1 (matplotlib's table), linearly between.
  static constexpr std::array<std::array<double, 3>, 5> kStops = {
      {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
  const double x = std::clamp(std::isfinite(u) ? u : 0.0, 0.0, 1.0) * 4.0;
  const auto i = std::min<std::size_t>(3, static_cast<std::size_t>(x));
  const double f = x - static_cast<double>(i);
  auto mix = [&](int c) {
    return static_cast<sf::Uint8>(
        std::lround(kStops[i][c] + f * (kStops[i + 1][c] - kStops[i][c])));
  };
  return {mix(0), mix(1), mix(2)};
}

sf::Image weightImage(const agents::WeightGrid& grid, double lo, double hi) {
  sf::Image img;
  img.create(std::max(1u, grid.rows), std::max(1u, grid.cols), sf::Color(110, 110, 110));
  const double span = hi > lo ? hi - lo : 1.0;
  for (std::uint32_t pre = 0; pre < grid.rows; ++pre) {
    for (std::uint32_t post = 0; post < grid.cols; ++post) {
      const float w = grid.values[static_cast<std::size_t>(pre) * grid.cols + post];
      if (!std::isnan(w)) img.setPixel(pre, post, weightColour((w - lo) / span));
    }
  }
  return img;
}

void WeightScale::include(const agents::WeightGrid& grid) {
  if (std::isfinite(grid.w_min) && std::isfinite(grid.w_max) && grid.w_max > grid.w_min) {
    lo = grid.w_min;
    hi = grid.w_max;
    return;
  }
  for (float w : grid.values) {
    if (std::isnan(w)) continue;
    lo = std::isnan(lo) ? w : std::min<double>(lo, w);
    hi = std::isnan(hi) ? w : std::max<double>(hi, w);
  }
}

std::vector<AxisGroup> axisGroups(const agents::PopulationRole& role, std::uint32_t size,
                                  const std::vector<std::string>& observation_names) {
  using Kind = agents::PopulationRole::Kind;
  std::vector<AxisGroup> out;
  if (role.kind == Kind::kOther || role.group_size == 0) return out;
  for (std::uint32_t first = 0, g = 0; first < size; first += role.group_size, ++g) {
    char name[24];
    std::snprintf(name, sizeof name, "a%u", g);
    std::string label = name;
    if (role.kind == Kind::kObservation) {
      label = g < observation_names.size() ? observation_names[g] : "obs " + std::to_string(g);
    }
    out.push_back({first, std::min(role.group_size, size - first), label});
  }
  return out;
}

}  // namespace spikegym::viewer
