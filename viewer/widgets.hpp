// Small drawing helpers shared by the viewer's screens (viewer.cpp: one run; follow.cpp: a
// running sweep): panels, text placed by a point, ticks, polylines, the palette.
#pragma once

#include <SFML/Graphics.hpp>
#include <deque>
#include <string>

namespace spikegym::viewer {

inline constexpr unsigned kWidth = 1280, kHeight = 800;  ///< [px] every viewer screen

/// An offscreen target of the screen's size (needs an X display, e.g. xvfb-run -a, no window).
void createOffscreen(sf::RenderTexture& target);

inline const sf::Color kPanel(248, 248, 248), kInk(30, 30, 30), kGrid(200, 200, 200);
inline const sf::Color kMuted(90, 90, 90);
/// Okabe-Ito (colour-blind safe): populations in the raster, cells in the follow view.
inline const sf::Color kPopColours[4] = {
    {0, 114, 178}, {0, 158, 115}, {213, 94, 0}, {204, 121, 167}};
inline const sf::Color kOkabeIto[7] = {{0, 114, 178},   {213, 94, 0},  {0, 158, 115},
                                       {204, 121, 167}, {230, 159, 0}, {86, 180, 233},
                                       {0, 0, 0}};

/// A light panel with a grey outline.
void panel(sf::RenderTarget& t, sf::FloatRect r);

/// Text with its top-left corner at (x, y).
void label(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
           unsigned size = 13, sf::Color c = kInk);

/// A polyline of `values` scaled into `r` between lo and hi.
void trace(sf::RenderTarget& t, sf::FloatRect r, const std::deque<double>& values, double lo,
           double hi, sf::Color c, std::size_t capacity);

/// snprintf of one number.
std::string fmt(const char* format, double v);

/// A number for a tick label: as few digits as tell the ticks apart.
std::string tick(double v);

/// A filled rectangle (at least 1 px each way).
void rect(sf::RenderTarget& t, float x, float y, float w, float h, sf::Color c);

/// Text placed by a point: `ax` of its width lies left of x (1: its right edge at x, 0.5:
/// centred on x); its top at y, or (middle) its middle.
void anchoredLabel(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                   float ax, bool middle, unsigned size, sf::Color c);

/// Text whose right edge is at x, vertically centred on y.
void labelLeftOf(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                 unsigned size = 11, sf::Color c = kInk);

/// Text centred on x, its top at y.
void labelCentred(sf::RenderTarget& t, const sf::Font& f, float x, float y, const std::string& s,
                  unsigned size = 11, sf::Color c = kInk);

/// `s` cut (with "...") to at most `width_px` pixels at `size` points.
std::string fitText(const std::string& s, float width_px, unsigned size);

/// A y axis on the left edge of `r`: ticks at lo, the middle and hi with their numbers.
void yAxis(sf::RenderTarget& t, const sf::Font& f, sf::FloatRect r, double lo, double hi);

}  // namespace spikegym::viewer
