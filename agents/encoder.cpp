#include "agents/encoder.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "agents/config.hpp"
#include "core/error.hpp"

namespace spikegym::agents {

const ParamTable& GaussianEncoder::params() {
  using Kind = Param::Kind;
  static const ParamTable table = {
      {"cells_per_dim", "12", Kind::kInteger, 2, 1000, {}, "receptive fields per observation dim"},
      {"rf_width", "1.0", Kind::kNumber, 0.05, 10, {}, "[cell spacings] receptive field sigma"},
      {"obs_range",
       "auto",
       Kind::kText,
       0,
       0,
       {},
       "half-widths per dim, e.g. 2.4,3,0.21,3.5; auto: half of finite Box bounds, else 3"},
  };
  return table;
}

ParamTable withEncoderParams(ParamTable own) {
  const ParamTable& enc = GaussianEncoder::params();
  // Agents whose first parameter picks the coding (snn: encoder) keep it first.
  const auto at = own.empty() || own.front().name != "encoder" ? own.begin() : own.begin() + 1;
  own.insert(at, enc.begin(), enc.end());
  return own;
}

GaussianEncoder::GaussianEncoder(const envs::Space& observation_space, const Config& config)
    : GaussianEncoder(observation_space, static_cast<int>(config.integer("cells_per_dim")),
                      config.number("rf_width"), config.text("obs_range")) {}

GaussianEncoder::GaussianEncoder(const envs::Space& space, int cells_per_dim, double width,
                                 const std::string& ranges)
    : dims_(static_cast<int>(space.size())), cells_(cells_per_dim), width_(width) {
  if (space.kind() != envs::Space::Kind::kBox) {
    throw UserError("encoder: observation space must be a Box, got " + space.describe());
  }
  if (ranges == "auto") {
    for (int d = 0; d < dims_; ++d) {
      const double lo = space.low()[d], hi = space.high()[d];
      const bool finite = std::isfinite(lo) && std::isfinite(hi) && hi - lo < 1e30;
      if (finite && lo != -hi) {
        // Not symmetric about 0 (e.g. a closeness in [0, 1]): the bounds are the range.
        low_.push_back(lo);
        high_.push_back(hi);
        continue;
      }
      low_.push_back(finite ? lo / 2 : -3.0);
      high_.push_back(finite ? hi / 2 : 3.0);
    }
  } else {
    std::istringstream is(ranges);
    std::string item;
    while (std::getline(is, item, ',')) {
      double half = 0;
      if (!parseNumber(item, half) || half <= 0) {
        throw UserError("encoder: obs_range '" + ranges +
                        "': expected 'auto' or positive half-widths separated by commas");
      }
      low_.push_back(-half);
      high_.push_back(half);
    }
    if (static_cast<int>(low_.size()) != dims_) {
      throw UserError("encoder: obs_range '" + ranges + "' has " + std::to_string(low_.size()) +
                      " values; the observation has " + std::to_string(dims_) + " dimensions");
    }
  }
}

void GaussianEncoder::encode(std::span<const double> obs, std::span<float> out) const {
  for (int d = 0; d < dims_; ++d) {
    const double spacing = (high_[d] - low_[d]) / (cells_ - 1);
    const double x = std::clamp(obs[d], low_[d], high_[d]);
    for (int c = 0; c < cells_; ++c) {
      const double z = (x - (low_[d] + c * spacing)) / (width_ * spacing);
      out[d * cells_ + c] = static_cast<float>(std::exp(-0.5 * z * z));
    }
  }
}

}  // namespace spikegym::agents
