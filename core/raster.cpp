#include "core/raster.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spikegym {

RasterSink::RasterSink(int width_px, int height_px, Vec2 lo, Vec2 hi)
    : width_(width_px), height_(height_px) {
  if (width_px < 1 || height_px < 1 || width_px > 8192 || height_px > 8192) {
    throw UserError("render: image size " + std::to_string(width_px) + " x " +
                    std::to_string(height_px) + " px: expected 1 .. 8192 on each side");
  }
  const double w = std::max(hi.x - lo.x, 1e-9), h = std::max(hi.y - lo.y, 1e-9);
  scale_ = std::min(width_px / w, height_px / h);
  // Centred: the world rectangle's middle at the image's middle.
  offset_x_ = 0.5 * width_px - scale_ * 0.5 * (lo.x + hi.x);
  offset_y_ = 0.5 * height_px + scale_ * 0.5 * (lo.y + hi.y);
  rgb_.assign(static_cast<std::size_t>(width_px) * static_cast<std::size_t>(height_px) * 3, 255);
}

Vec2 RasterSink::toPixel(Vec2 p) const {
  return {offset_x_ + scale_ * p.x, offset_y_ - scale_ * p.y};
}

void RasterSink::blend(int x, int y, Color c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || c.a == 0) return;
  std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                           static_cast<std::size_t>(x)) *
                          3];
  const int a = c.a;
  const std::uint8_t src[3] = {c.r, c.g, c.b};
  for (int k = 0; k < 3; ++k)
    p[k] = static_cast<std::uint8_t>((src[k] * a + p[k] * (255 - a) + 127) / 255);
}

void RasterSink::fillConvex(std::span<const Vec2> px, Color c) {
  if (px.size() < 3 || c.a == 0) return;
  double x0 = px[0].x, x1 = px[0].x, y0 = px[0].y, y1 = px[0].y;
  double area = 0;  // twice the signed area: the winding
  for (std::size_t i = 0; i < px.size(); ++i) {
    const Vec2 a = px[i], b = px[(i + 1) % px.size()];
    x0 = std::min(x0, a.x), x1 = std::max(x1, a.x), y0 = std::min(y0, a.y), y1 = std::max(y1, a.y);
    area += a.x * b.y - b.x * a.y;
  }
  if (area == 0) return;
  const double sign = area > 0 ? 1 : -1;
  const int ix0 = std::max(0, static_cast<int>(std::floor(x0))),
            ix1 = std::min(width_ - 1, static_cast<int>(std::ceil(x1))),
            iy0 = std::max(0, static_cast<int>(std::floor(y0))),
            iy1 = std::min(height_ - 1, static_cast<int>(std::ceil(y1)));
  for (int y = iy0; y <= iy1; ++y) {
    for (int x = ix0; x <= ix1; ++x) {
      const double cx = x + 0.5, cy = y + 0.5;  // the pixel's centre
      bool inside = true;
      for (std::size_t i = 0; i < px.size() && inside; ++i) {
        const Vec2 a = px[i], b = px[(i + 1) % px.size()];
        inside = sign * ((b.x - a.x) * (cy - a.y) - (b.y - a.y) * (cx - a.x)) >= 0;
      }
      if (inside) blend(x, y, c);
    }
  }
}

void RasterSink::line(Vec2 a, Vec2 b, Color color, double width) {
  const Vec2 pa = toPixel(a), pb = toPixel(b);
  const double dx = pb.x - pa.x, dy = pb.y - pa.y, len = std::hypot(dx, dy);
  const double half = 0.5 * std::max(1.0, width * scale_);  // [px] at least one pixel wide
  if (len == 0) {
    const Vec2 q[4] = {{pa.x - half, pa.y - half},
                       {pa.x + half, pa.y - half},
                       {pa.x + half, pa.y + half},
                       {pa.x - half, pa.y + half}};
    fillConvex(q, color);
    return;
  }
  const double nx = -dy / len * half, ny = dx / len * half;
  const Vec2 q[4] = {{pa.x + nx, pa.y + ny},
                     {pb.x + nx, pb.y + ny},
                     {pb.x - nx, pb.y - ny},
                     {pa.x - nx, pa.y - ny}};
  fillConvex(q, color);
}

void RasterSink::circle(Vec2 center, double radius, Color fill, Color outline) {
  const Vec2 c = toPixel(center);
  const double r = radius * scale_;
  const int x0 = std::max(0, static_cast<int>(std::floor(c.x - r - 1))),
            x1 = std::min(width_ - 1, static_cast<int>(std::ceil(c.x + r + 1))),
            y0 = std::max(0, static_cast<int>(std::floor(c.y - r - 1))),
            y1 = std::min(height_ - 1, static_cast<int>(std::ceil(c.y + r + 1)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const double d = std::hypot(x + 0.5 - c.x, y + 0.5 - c.y);
      if (d <= r) blend(x, y, outline.a != 0 && d > r - 1 ? outline : fill);
    }
  }
}

void RasterSink::polygon(std::span<const Vec2> points, Color fill, Color outline) {
  std::vector<Vec2> px;
  px.reserve(points.size());
  for (const Vec2& p : points) px.push_back(toPixel(p));
  fillConvex(px, fill);
  if (outline.a == 0) return;
  for (std::size_t i = 0; i < points.size(); ++i) {
    line(points[i], points[(i + 1) % points.size()], outline, 0.0);
  }
}

void RasterSink::text(Vec2 at, const std::string& text, Color color, double height) {
  (void)at, (void)text, (void)color, (void)height;  // not drawn (see the header)
}

}  // namespace spikegym
