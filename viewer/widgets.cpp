#include "viewer/widgets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace spikegym::viewer {

void createOffscreen(sf::RenderTexture& target) {
  if (!target.create(kWidth, kHeight)) throw UserError("view: cannot create an offscreen target");
}

void panel(sf::RenderTarget& t, sf::FloatRect r) {
  sf::RectangleShape s({r.width, r.height});
  s.setPosition(r.left, r.top);
  s.setFillColor(kPanel);
  s.setOutlineThickness(1);
  s.setOutlineColor(kGrid);
  t.draw(s);
}

void label(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
           unsigned size, sf::Color c) {
  sf::Text text(s, f, size);
  text.setPosition(x, y);
  text.setFillColor(c);
  t.draw(text);
}

/// A polyline of `values` scaled into `r` between lo and hi.
void trace(sf::RenderTarget& t, sf::FloatRect r, const std::deque<double>& values, double lo,
           double hi, sf::Color c, std::size_t capacity) {
  if (values.size() < 2 || !(hi > lo)) return;
  sf::VertexArray v(sf::LineStrip, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float x = r.left + r.width * static_cast<float>(i) / static_cast<float>(capacity - 1);
    const double y = std::clamp((values[i] - lo) / (hi - lo), 0.0, 1.0);
    v[i] = sf::Vertex({x, r.top + r.height * static_cast<float>(1.0 - y)}, c);
  }
  t.draw(v);
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// A number for a tick label: as few digits as tell the ticks apart.
std::string tick(double v) {
  const double a = std::abs(v);
  return fmt(a >= 100 || a == 0 ? "%.0f" : a >= 1 ? "%.1f" : a >= 0.01 ? "%.2f" : "%.1e", v);
}

void rect(sf::RenderTarget& t, float x, float y, float w, float h, sf::Color c) {
  sf::RectangleShape r({std::max(w, 1.0f), std::max(h, 1.0f)});
  r.setPosition(x, y);
  r.setFillColor(c);
  t.draw(r);
}

/// Text placed by a point: `ax` of its width lies left of x (1: its right edge at x, 0.5:
/// centred on x); its top at y, or (middle) its middle.
void anchoredLabel(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                   float ax, bool middle, unsigned size, sf::Color c) {
  sf::Text text(s, f, size);
  const sf::FloatRect b = text.getLocalBounds();
  text.setPosition(std::round(x - ax * b.width - b.left),
                   middle ? std::round(y - 0.5f * static_cast<float>(size) - 2) : y);
  text.setFillColor(c);
  t.draw(text);
}

/// Text whose right edge is at x, vertically centred on y.
void labelLeftOf(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                 unsigned size, sf::Color c) {
  anchoredLabel(t, f, x, y, s, 1.0f, true, size, c);
}

/// Text centred on x, its top at y.
void labelCentred(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                  unsigned size, sf::Color c) {
  anchoredLabel(t, f, x, y, s, 0.5f, false, size, c);
}

/// `s` cut (with "...") to at most `width_px` pixels at `size` points.
std::string fitText(const std::string& s, float width_px, unsigned size) {
  // DejaVu Sans averages about 0.6 em per character.
  const auto chars = static_cast<std::size_t>(width_px / (0.6f * static_cast<float>(size)));
  return s.size() <= chars || chars < 4 ? s : s.substr(0, chars - 3) + "...";
}

/// A y axis on the left edge of `r`: ticks at lo, the middle and hi with their numbers.
void yAxis(sf::RenderTarget& t, const sf::Font& f, sf::FloatRect r, double lo, double hi) {
  for (double v : {lo, 0.5 * (lo + hi), hi}) {
    const float y = r.top + r.height * static_cast<float>((hi - v) / (hi - lo));
    rect(t, r.left - 4, y, 4, 1, kInk);
    labelLeftOf(t, f, r.left - 6, y, tick(v), 10);
  }
}

}  // namespace spikegym::viewer
