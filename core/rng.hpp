// Deterministic random streams.
//
// One seed per run; every component draws from its own stream derived from (seed, component
// name), so adding draws in one component never shifts another's numbers. There is no global
// RNG anywhere in spikegym.
//
// Generator: xoshiro256** 1.0 (Blackman & Vigna 2018), state seeded by SplitMix64. Distributions
// are written here rather than taken from <random> because the standard library's distributions
// differ between implementations; ours give the same bits on every platform.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace spikegym {

/// SplitMix64 step: a good 64-bit mixer, used to expand seeds.
inline std::uint64_t splitMix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// FNV-1a 64-bit hash of a name (stable across platforms and runs).
inline std::uint64_t hashName(std::string_view name) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

/// xoshiro256** generator with the few distributions spikegym needs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  /// Restarts the stream from a seed.
  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitMix64(x);
  }

  /// Next raw 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform double in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  /// Uniform integer in [0, n) without modulo bias (Lemire's method). n must be > 0.
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  /// Bernoulli trial with probability p.
  bool bernoulli(double p) { return uniform() < p; }

  /// Standard normal by the Marsaglia polar method (no cached spare, so state stays 4 words).
  double normal() {
    double u, v, s;
    do {
      u = uniform(-1.0, 1.0);
      v = uniform(-1.0, 1.0);
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * std::sqrt(-2.0 * std::log(s) / s);
  }

  /// Exponential with the given rate (1/mean).
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }

  /// The whole generator state (for checkpoints).
  const std::array<std::uint64_t, 4>& state() const { return s_; }
  /// The all-zero state is refused (the generator would give zeros forever): callers reading
  /// a state from a file check it first (agents/checkpoint rngFromSection).
  void setState(const std::array<std::uint64_t, 4>& s) {
    if ((s[0] | s[1] | s[2] | s[3]) == 0) throw std::invalid_argument("Rng: all-zero state");
    s_ = s;
  }

  friend bool operator==(const Rng& a, const Rng& b) { return a.s_ == b.s_; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

/// The stream of one component of one run: a pure function of (seed, component name).
inline Rng rngStream(std::uint64_t seed, std::string_view component) {
  std::uint64_t x = seed ^ hashName(component);
  return Rng(splitMix64(x));
}

}  // namespace spikegym

namespace spikegym {

/// A 32-bit integer hash with good avalanche ("lowbias32", C. Wellons' hash prospector).
inline constexpr std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7FEB352DU;
  x ^= x >> 15;
  x *= 0x846CA68BU;
  x ^= x >> 16;
  return x;
}

/// Counter-based uniform numbers for per-neuron, per-step noise: a pure function of
/// (key, step, index), so a loop over neurons vectorises and needs no sequential state.
/// Usage: `const auto h = CounterNoise::stepKey(key, step);` then `CounterNoise::uniform01(h, i)`.
struct CounterNoise {
  /// The hash of one step, computed once per step.
  /// 64-bit steps: below 2^32 the hash is what the 32-bit counter gave (results unchanged);
  /// past it the high half is mixed in, so the noise never repeats after 2^32 steps.
  static constexpr std::uint32_t stepKey(std::uint32_t key, std::uint64_t step) {
    const auto low = static_cast<std::uint32_t>(step);
    const auto high = static_cast<std::uint32_t>(step >> 32);
    return mix32(key ^ mix32(low + 0x9E3779B9U) ^ (high ? mix32(high * 0x85EBCA6BU) : 0U));
  }
  /// Uniform float in [0, 1) with 24 random bits for element `i` of the step.
  static constexpr float uniform01(std::uint32_t step_key, std::uint32_t i) {
    // Through int32 (exact below 2^24): signed conversion vectorises, unsigned does not.
    return static_cast<float>(static_cast<std::int32_t>(mix32(step_key + i * 0x632BE5ABU) >> 8)) *
           0x1.0p-24f;
  }
};

}  // namespace spikegym
