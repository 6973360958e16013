// core/: random streams, error helpers and the in-memory rasteriser.
#include <array>
#include <catch2/catch.hpp>
#include <set>

#include "core/error.hpp"
#include "core/pcg64.hpp"
#include "core/raster.hpp"
#include "core/rng.hpp"

using namespace spikegym;

TEST_CASE("rng streams are pure functions of (seed, name)", "[core][rng]") {
  Rng a = rngStream(42, "env"), b = rngStream(42, "env"), c = rngStream(42, "agent"),
      d = rngStream(43, "env");
  const std::uint64_t va = a.next();
  CHECK(va == b.next());
  CHECK(va != c.next());
  CHECK(va != d.next());
}

TEST_CASE("rng golden value is stable across builds", "[core][rng]") {
  // xoshiro256** seeded by SplitMix64(0): if this changes, every recorded result changes.
  Rng r(0);
  const std::uint64_t first = r.next();
  INFO("got " << first);
  CHECK(first == 0x99EC5F36CB75F2B4ULL);
}

TEST_CASE("rng uniform, below and normal have the right range and moments", "[core][rng]") {
  Rng r(1);
  double sum = 0, sum_sq = 0;
  std::set<std::uint64_t> seen;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform(-0.05, 0.05);
    REQUIRE(u >= -0.05);
    REQUIRE(u < 0.05);
    const std::uint64_t k = r.below(7);
    REQUIRE(k < 7);
    seen.insert(k);
    const double z = r.normal();
    sum += z;
    sum_sq += z * z;
  }
  CHECK(seen.size() == 7);
  CHECK(sum / n == Approx(0.0).margin(0.01));
  CHECK(sum_sq / n == Approx(1.0).margin(0.01));
}

TEST_CASE("didYouMean suggests the closest name and nothing for far-off words", "[core]") {
  const std::vector<std::string> names = {"CartPole-v1", "Foraging-v0"};
  CHECK(didYouMean("CartPol-v1", names) == " (did you mean 'CartPole-v1'?)");
  CHECK(didYouMean("zzz", names).empty());
  CHECK(editDistance("kitten", "sitting") == 3);
}

TEST_CASE("Pcg64 reproduces NumPy's SeedSequence, PCG64 and Generator.uniform bit for bit",
          "[core][pcg64]") {
  // Golden values printed by NumPy 1.24 (Debian python3-numpy):
  //   ss = np.random.SeedSequence(42); ss.generate_state(4, np.uint64)
  //   bg = np.random.PCG64(np.random.SeedSequence(42)); bg.random_raw() (twice)
  //   np.random.Generator(np.random.PCG64(np.random.SeedSequence(s))).uniform(-0.05, 0.05, 4)
  const auto state = Pcg64::generateState(42);
  CHECK(state == std::array<std::uint64_t, 4>{0x9f1e2e6dcd540ab7ULL, 0xd57873dc79fb94b6ULL,
                                              0x7d282a1b64d420b7ULL, 0x336579714692d5ffULL});
  Pcg64 raw(42);
  CHECK(raw.next() == 0xc621fbcd16d92688ULL);
  CHECK(raw.next() == 0x705a5661a791ffc1ULL);
  const std::vector<std::pair<std::uint64_t, std::array<double, 4>>> golden = {
      {0,
       {0x1.c0cbca647ced0p-7, -0x1.792e736320f47p-6, -0x1.7808d4489d6d2p-5, -0x1.8c0f80ec8f29dp-5}},
      {1,
       {0x1.35e59496dac00p-10, 0x1.7105158c043bcp-5, -0x1.2381235316a62p-5, 0x1.6f889bc9088e2p-5}},
      {42,
       {0x1.c0d97eba2bd40p-6, -0x1.9090f63c0b010p-8, 0x1.25c36f3afc536p-5, 0x1.435e26c08cd04p-6}},
      {1099511627783ULL,
       {0x1.0e2ec6cd75fa0p-5, -0x1.90e8748f4c96dp-6, -0x1.1b9d59698baa5p-5, 0x1.1de882f007b7cp-6}},
  };
  for (const auto& [seed, values] : golden) {
    Pcg64 g(seed);
    for (double v : values) {
      INFO("seed " << seed);
      CHECK(g.uniform(-0.05, 0.05) == v);
    }
  }
}

TEST_CASE("RasterSink paints shapes at the right pixels and blends by alpha", "[core][raster]") {
  // 1 px per world unit: the world [0, 100] x [0, 50] on a 100 x 50 image, y up.
  RasterSink sink(100, 50, {0, 0}, {100, 50});
  CHECK(sink.scale() == 1.0);
  auto at = [&](int x, int y) {  // pixel (x, y), row 0 at the top
    const auto* p = &sink.pixels()[(static_cast<std::size_t>(y) * 100 + x) * 3];
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  auto count = [&](std::array<int, 3> colour) {
    int n = 0;
    for (int y = 0; y < 50; ++y)
      for (int x = 0; x < 100; ++x) n += at(x, y) == colour;
    return n;
  };
  CHECK(count({255, 255, 255}) == 5000);  // white to start
  // A 10 x 10 square from (10, 10) to (20, 20): pixel centres 10.5 .. 19.5, 100 pixels, rows
  // 30 .. 39 from the top (y up).
  const Vec2 square[4] = {{10, 10}, {20, 10}, {20, 20}, {10, 20}};
  sink.polygon(square, Color{0, 0, 0}, Color{0, 0, 0, 0});
  CHECK(count({0, 0, 0}) == 100);
  CHECK(at(10, 39) == std::array<int, 3>{0, 0, 0});
  CHECK(at(19, 30) == std::array<int, 3>{0, 0, 0});
  CHECK(at(9, 39) == std::array<int, 3>{255, 255, 255});
  CHECK(at(10, 40) == std::array<int, 3>{255, 255, 255});
  // Clockwise points fill the same pixels.
  const Vec2 clockwise[4] = {{30, 10}, {30, 20}, {40, 20}, {40, 10}};
  sink.polygon(clockwise, Color{0, 0, 255}, Color{0, 0, 0, 0});
  CHECK(count({0, 0, 255}) == 100);
  // Half-transparent red over white: (255, 128, 128) by (src a + dst (255 - a) + 127) / 255.
  const Vec2 half[4] = {{50, 10}, {60, 10}, {60, 20}, {50, 20}};
  sink.polygon(half, Color{255, 0, 0, 128}, Color{0, 0, 0, 0});
  CHECK(count({255, 127, 127}) == 100);
  // A circle of radius 8: about pi r^2 = 201 pixels.
  sink.circle({80, 25}, 8, Color{0, 255, 0}, Color{0, 0, 0, 0});
  CHECK(std::abs(count({0, 255, 0}) - 201) <= 8);
  // A one-pixel line across the image: one pixel per column.
  sink.line({0, 45.5}, {100, 45.5}, Color{10, 20, 30});
  CHECK(count({10, 20, 30}) == 100);
  // Shapes off the image clip; nothing outside is written.
  const Vec2 off[4] = {{-50, -50}, {-10, -50}, {-10, -10}, {-50, -10}};
  sink.polygon(off, Color{1, 2, 3}, Color{0, 0, 0, 0});
  CHECK(count({1, 2, 3}) == 0);
  CHECK_THROWS_AS(RasterSink(0, 10, {0, 0}, {1, 1}), UserError);
}

TEST_CASE("RasterSink keeps the world's aspect and centres it", "[core][raster]") {
  // A 4 x 1 world on a 100 x 100 image: 25 px per unit, centred vertically.
  RasterSink sink(100, 100, {0, 0}, {4, 1});
  CHECK(sink.scale() == 25.0);
  CHECK(sink.toPixel({0, 0}).x == 0.0);
  CHECK(sink.toPixel({4, 0}).x == 100.0);
  CHECK(sink.toPixel({0, 0.5}).y == 50.0);
}
