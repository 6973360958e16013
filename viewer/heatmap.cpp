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

sf::Image receptiveFieldImage(const agents::WeightGrid& grid, int rows, int cols, int tiles_across,
                              int scale) {
  const int n = static_cast<int>(grid.cols);
  tiles_across = std::max(1, std::min(tiles_across, std::max(1, n)));
  const int lines = std::max(1, (n + tiles_across - 1) / tiles_across);
  const int gap = std::max(1, scale / 2);  // light lines between the tiles
  const int tile_w = cols * scale + gap, tile_h = rows * scale + gap;
  sf::Image img;
  img.create(static_cast<unsigned>(tiles_across * tile_w + gap),
             static_cast<unsigned>(lines * tile_h + gap), sf::Color(225, 225, 225));
  if (static_cast<std::size_t>(rows) * cols != grid.rows) return img;
  for (int j = 0; j < n; ++j) {
    float top = 0.0f;
    for (std::uint32_t p = 0; p < grid.rows; ++p) {
      const float w = grid.values[static_cast<std::size_t>(p) * grid.cols + j];
      if (!std::isnan(w)) top = std::max(top, w);
    }
    const int x0 = gap + (j % tiles_across) * tile_w, y0 = gap + (j / tiles_across) * tile_h;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const float w = grid.values[static_cast<std::size_t>(r * cols + c) * grid.cols + j];
        const sf::Color colour =
            std::isnan(w) ? sf::Color(110, 110, 110) : weightColour(top > 0 ? w / top : 0.0);
        for (int dy = 0; dy < scale; ++dy) {
          for (int dx = 0; dx < scale; ++dx) {
            img.setPixel(static_cast<unsigned>(x0 + c * scale + dx),
                         static_cast<unsigned>(y0 + r * scale + dy), colour);
          }
        }
      }
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
