// Drawing without a window (Box2D's b2Draw idea): envs and scenarios describe what to draw in
// world units through this small interface; only viewer/ turns it into pixels. A DrawSink never
// feeds back into a simulation, so drawing cannot change results.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace spikegym {

/// A colour, 8 bits per channel.
struct Color {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Color&) const = default;
};

/// A point or vector in world units (envs: meters; y up).
struct Vec2 {
  double x = 0, y = 0;
  bool operator==(const Vec2&) const = default;
};

/// Receives drawing commands in world units.
class DrawSink {
 public:
  virtual ~DrawSink() = default;
  /// A segment from a to b, `width` wide [world units] (0: one pixel).
  virtual void line(Vec2 a, Vec2 b, Color color, double width = 0.0) = 0;
  /// A filled circle with an outline (alpha 0: none).
  virtual void circle(Vec2 center, double radius, Color fill, Color outline) = 0;
  /// A filled convex polygon with an outline (alpha 0: none).
  virtual void polygon(std::span<const Vec2> points, Color fill, Color outline) = 0;
  /// Text whose baseline starts at `at`; `height` in world units.
  virtual void text(Vec2 at, const std::string& text, Color color, double height) = 0;
};

}  // namespace spikegym
