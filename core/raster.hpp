// A DrawSink that paints into an RGB image in memory, without a window or a GPU: what
// `render()` returns to Python (Gymnasium's render_mode="rgb_array"). Shapes are sampled at
// pixel centres (no anti-aliasing), colours blended by their alpha; text is not drawn (a
// window's font is the viewer's business). Written here rather than taken from a library:
// the four shapes of DrawSink need ~100 lines, and SFML's offscreen path needs a display.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/draw.hpp"

namespace spikegym {

class RasterSink : public DrawSink {
 public:
  /// An image of width x height pixels, white, showing the world rectangle [lo, hi] (world
  /// units) centred with the same scale on both axes (y up in the world, row 0 at the top).
  RasterSink(int width_px, int height_px, Vec2 lo, Vec2 hi);

  void line(Vec2 a, Vec2 b, Color color, double width = 0.0) override;
  void circle(Vec2 center, double radius, Color fill, Color outline) override;
  void polygon(std::span<const Vec2> points, Color fill, Color outline) override;
  void text(Vec2 at, const std::string& text, Color color, double height) override;

  int width() const { return width_; }
  int height() const { return height_; }
  /// Row-major RGB bytes, height x width x 3.
  const std::vector<std::uint8_t>& pixels() const { return rgb_; }
  /// [px per world unit]
  double scale() const { return scale_; }
  /// A world point in pixel coordinates (x right, y down; pixel (i, j) covers [i, i + 1)).
  Vec2 toPixel(Vec2 p) const;

 private:
  void blend(int x, int y, Color c);
  /// Fills the convex polygon `px` (pixel coordinates, either winding).
  void fillConvex(std::span<const Vec2> px, Color c);

  int width_, height_;
  double scale_ = 1, offset_x_ = 0, offset_y_ = 0;
  std::vector<std::uint8_t> rgb_;
};

}  // namespace spikegym
