#include "envs/space.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace spikegym::envs {

Space Space::discrete(std::int64_t n) {
  if (n <= 0) throw UsageError("Space::discrete: n must be positive, got " + std::to_string(n));
  Space s;
  s.kind_ = Kind::kDiscrete;
  s.n_ = n;
  return s;
}

Space Space::box(std::vector<double> low, std::vector<double> high, std::vector<int> shape) {
  std::size_t count = 1;
  for (int d : shape) count *= static_cast<std::size_t>(d);
  if (low.size() != count || high.size() != count) {
    throw UsageError("Space::box: low/high need " + std::to_string(count) + " elements");
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (!(low[i] <= high[i])) throw UsageError("Space::box: low > high at " + std::to_string(i));
  }
  Space s;
  s.kind_ = Kind::kBox;
  s.low_ = std::move(low);
  s.high_ = std::move(high);
  s.shape_ = std::move(shape);
  return s;
}

bool Space::contains(const Observation& x) const {
  if (kind_ != Kind::kBox || x.size() != low_.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || x[i] < low_[i] || x[i] > high_[i]) return false;
  }
  return true;
}

Action Space::sample(Rng& rng) const {
  Action a;
  sample(rng, a);
  return a;
}

void Space::sampleBox(Rng& rng, Action& out) const {
  out.values.resize(low_.size());
  for (std::size_t i = 0; i < low_.size(); ++i) {
    const bool lo = std::isfinite(low_[i]), hi = std::isfinite(high_[i]);
    if (lo && hi) {
      out.values[i] = rng.uniform(low_[i], high_[i]);
      if (out.values[i] > high_[i]) out.values[i] = high_[i];  // rounding at the top edge
    } else if (lo) {
      out.values[i] = low_[i] + rng.exponential(1.0);
    } else if (hi) {
      out.values[i] = high_[i] - rng.exponential(1.0);
    } else {
      out.values[i] = rng.normal();
    }
  }
}

std::string Space::describe() const {
  std::ostringstream os;
  if (kind_ == Kind::kDiscrete) {
    os << "Discrete(" << n_ << ")";
    return os.str();
  }
  auto list = [&os](const std::vector<double>& v) {
    os << "[";
    for (std::size_t i = 0; i < v.size(); ++i) os << (i ? " " : "") << v[i];
    os << "]";
  };
  os << "Box(";
  list(low_);
  os << ", ";
  list(high_);
  os << ", (";
  for (std::size_t i = 0; i < shape_.size(); ++i) os << (i ? "," : "") << shape_[i];
  os << (shape_.size() == 1 ? ",))" : "))");
  return os.str();
}

}  // namespace spikegym::envs
