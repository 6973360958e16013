// NumPy's default bit generator, for envs that must draw exactly what Gymnasium draws.
//
// Gymnasium seeds an env with np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))).
// This reproduces that chain for integer seeds below 2^64: SeedSequence's hash mixing of the
// seed's 32-bit words into a pool of 4 words and its generate_state(4, uint64) (O'Neill's
// seed_seq design as NumPy implements it), PCG64 (128-bit LCG, XSL-RR output; O'Neill 2014), and
// Generator.uniform = low + (high - low) * ((next64 >> 11) * 2^-53). Checked against NumPy 1.24
// (golden values in tests/test_core.cpp).
#pragma once

#include <array>
#include <cstdint>

namespace spikegym {

class Pcg64 {
 public:
  explicit Pcg64(std::uint64_t seed = 0) { seed_sequence(seed); }

  /// Re-seeds exactly as PCG64(SeedSequence(seed)) does.
  void seed_sequence(std::uint64_t seed) {
    const std::array<std::uint64_t, 4> s = generateState(seed);
    const Uint128 initstate = (static_cast<Uint128>(s[0]) << 64) | s[1];
    const Uint128 initseq = (static_cast<Uint128>(s[2]) << 64) | s[3];
    state_ = 0;
    inc_ = (initseq << 1) | 1;
    step();
    state_ += initstate;
    step();
  }

  /// Next 64 random bits (NumPy's random_raw()).
  std::uint64_t next() {
    step();
    const auto hi = static_cast<std::uint64_t>(state_ >> 64);
    const auto lo = static_cast<std::uint64_t>(state_);
    const unsigned rot = static_cast<unsigned>(state_ >> 122);
    const std::uint64_t x = hi ^ lo;
    return (x >> rot) | (x << ((64 - rot) & 63));
  }

  /// Generator.random(): uniform double in [0, 1) with 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  /// Generator.uniform(low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  /// SeedSequence(seed).generate_state(4, uint64).
  static std::array<std::uint64_t, 4> generateState(std::uint64_t seed) {
    constexpr std::uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875, kInitB = 0x8b51f9dd,
                            kMultB = 0x58f38ded, kMixL = 0xca01f9dd, kMixR = 0x4973f715;
    // The seed as little-endian 32-bit words (at least one).
    std::array<std::uint32_t, 2> entropy{static_cast<std::uint32_t>(seed),
                                         static_cast<std::uint32_t>(seed >> 32)};
    const int words = (seed >> 32) ? 2 : 1;
    std::uint32_t hash_const = kInitA;
    auto hashmix = [&hash_const](std::uint32_t value) {
      value ^= hash_const;
      hash_const *= kMultA;
      value *= hash_const;
      value ^= value >> 16;
      return value;
    };
    auto mix = [](std::uint32_t x, std::uint32_t y) {
      std::uint32_t r = kMixL * x - kMixR * y;
      return r ^ (r >> 16);
    };
    std::array<std::uint32_t, 4> pool{};
    for (int i = 0; i < 4; ++i) pool[i] = hashmix(i < words ? entropy[i] : 0);
    for (int src = 0; src < 4; ++src) {
      for (int dst = 0; dst < 4; ++dst) {
        if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
      }
    }
    std::array<std::uint32_t, 8> state{};
    hash_const = kInitB;
    for (int i = 0; i < 8; ++i) {
      std::uint32_t v = pool[i % 4];
      v ^= hash_const;
      hash_const *= kMultB;
      v *= hash_const;
      v ^= v >> 16;
      state[i] = v;
    }
    std::array<std::uint64_t, 4> out{};
    for (int i = 0; i < 4; ++i) {
      out[i] = static_cast<std::uint64_t>(state[2 * i]) |
               (static_cast<std::uint64_t>(state[2 * i + 1]) << 32);
    }
    return out;
  }

 private:
  using Uint128 = unsigned __int128;
  void step() {
    constexpr Uint128 kMult =
        (static_cast<Uint128>(2549297995355413924ULL) << 64) | 4865540595714422341ULL;
    state_ = state_ * kMult + inc_;
  }
  Uint128 state_ = 0;
  Uint128 inc_ = 0;
};

}  // namespace spikegym
