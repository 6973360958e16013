// Gymnasium-style spaces: data with contains() and sample().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace spikegym::envs {

/// An action: `index` for a Discrete space, `values` for a Box space. Callers own and reuse it,
/// so stepping with a Box action allocates nothing.
struct Action {
  std::int64_t index = 0;      ///< chosen action of a Discrete(n) space, in [0, n)
  std::vector<double> values;  ///< components of a Box action, flattened row-major

  /// The action `index` of a Discrete space.
  static Action discrete(std::int64_t index) { return Action{index, {}}; }
};

/// Observations are float64, flattened row-major.
using Observation = std::vector<double>;

/// A space of actions or observations: Discrete(n) = {0..n-1}, or a Box of shape `shape` with
/// per-component bounds [low, high] (closed, as in Gymnasium).
class Space {
 public:
  enum class Kind { kDiscrete, kBox };

  /// Discrete(n): the integers 0..n-1.
  static Space discrete(std::int64_t n);
  /// Box with per-component bounds; low and high have the product of `shape` elements.
  static Space box(std::vector<double> low, std::vector<double> high, std::vector<int> shape);

  Kind kind() const { return kind_; }
  std::int64_t n() const { return n_; }  ///< Discrete size (0 for a Box)
  const std::vector<double>& low() const { return low_; }
  const std::vector<double>& high() const { return high_; }
  const std::vector<int>& shape() const { return shape_; }
  std::size_t size() const { return low_.size(); }  ///< Box element count

  /// True when `a` is a member: a valid index of a Discrete space, or a Box vector of the right
  /// size with every (finite) component within bounds.
  bool contains(const Action& a) const {
    if (kind_ == Kind::kDiscrete) return a.index >= 0 && a.index < n_;  // the hot path, inline
    return contains(a.values);
  }
  /// True when `x` is a member of a Box space (right size, finite, within bounds).
  bool contains(const Observation& x) const;

  /// A uniform sample for bounded components; like Gymnasium, unbounded components are
  /// normal and half-bounded ones shifted exponential.
  Action sample(Rng& rng) const;
  /// Writes a sample into `out` without allocating once `out` has the capacity.
  void sample(Rng& rng, Action& out) const {
    if (kind_ == Kind::kDiscrete) {
      out.index = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n_)));
      return;
    }
    sampleBox(rng, out);
  }

  /// "Discrete(2)" or "Box([-4.8 ...], [4.8 ...], (4,))", for listings.
  std::string describe() const;

 private:
  void sampleBox(Rng& rng, Action& out) const;
  Kind kind_ = Kind::kDiscrete;
  std::int64_t n_ = 0;
  std::vector<double> low_, high_;
  std::vector<int> shape_;
};

}  // namespace spikegym::envs
