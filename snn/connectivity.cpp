#include "snn/connectivity.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace spikegym::snn {
namespace {

/// No index is excluded (pre and post are different populations, or autapses are allowed).
constexpr std::int64_t kNoExclusion = -1;

/// The index sampleDistinct must leave out: `self` when self-connections are forbidden.
/// Signed on purpose: an unsigned "none" sentinel (uint32 -1 = 4294967295) once made every
/// fixed-degree projection between two populations skip their last neuron (connectivity
/// version 1).
std::int64_t exclusion(bool no_self, std::uint32_t self) {
  return no_self ? static_cast<std::int64_t>(self) : kNoExclusion;
}

/// k distinct values from [0, n) except `excluded` (Floyd's algorithm), sorted.
void sampleDistinct(std::uint32_t k, std::uint32_t n, std::int64_t excluded, Rng& rng,
                    std::vector<std::uint32_t>& out) {
  if (excluded >= static_cast<std::int64_t>(n)) {
    throw UsageError("sampleDistinct: excluded index " + std::to_string(excluded) +
                     " is outside [0, " + std::to_string(n) + ")");
  }
  const std::uint32_t available = n - (excluded >= 0 ? 1 : 0);
  if (k > available) {
    throw UserError("connectivity: degree " + std::to_string(k) + " exceeds the " +
                    std::to_string(available) + " available partners");
  }
  // Sample from a range with the excluded index removed, then shift indices past it.
  out.clear();
  for (std::uint32_t j = available - k; j < available; ++j) {
    const auto t = static_cast<std::uint32_t>(rng.below(j + 1));
    if (std::find(out.begin(), out.end(), t) == out.end()) {
      out.push_back(t);
    } else {
      out.push_back(j);
    }
  }
  if (excluded >= 0) {
    for (auto& v : out) v += (static_cast<std::int64_t>(v) >= excluded) ? 1 : 0;
  }
  std::sort(out.begin(), out.end());
}

}  // namespace

ConnectivitySpec::Kind ConnectivitySpec::parseKind(const std::string& name) {
  static const std::vector<std::pair<std::string, Kind>> kinds = {
      {"all_to_all", Kind::kAllToAll},
      {"one_to_one", Kind::kOneToOne},
      {"fixed_probability", Kind::kFixedProbability},
      {"fixed_in_degree", Kind::kFixedInDegree},
      {"fixed_out_degree", Kind::kFixedOutDegree}};
  std::vector<std::string> names;
  for (const auto& [n, k] : kinds) {
    if (n == name) return k;
    names.push_back(n);
  }
  throw UserError("unknown connectivity '" + name + "'" + didYouMean(name, names));
}

Csr buildConnectivity(const ConnectivitySpec& spec, std::uint32_t n_pre, std::uint32_t n_post,
                      bool same_population, Rng& rng) {
  using Kind = ConnectivitySpec::Kind;
  const bool no_self = same_population && !spec.allow_autapses;
  Csr csr;
  csr.offsets.assign(n_pre + 1, 0);
  std::vector<std::uint32_t> row;
  switch (spec.kind) {
    case Kind::kAllToAll:
    case Kind::kFixedProbability:
    case Kind::kFixedOutDegree:
      for (std::uint32_t i = 0; i < n_pre; ++i) {
        row.clear();
        if (spec.kind == Kind::kFixedOutDegree) {
          sampleDistinct(spec.degree, n_post, exclusion(no_self, i), rng, row);
        } else {
          for (std::uint32_t j = 0; j < n_post; ++j) {
            if (no_self && i == j) continue;
            if (spec.kind == Kind::kAllToAll || rng.bernoulli(spec.probability)) row.push_back(j);
          }
        }
        csr.post.insert(csr.post.end(), row.begin(), row.end());
        csr.offsets[i + 1] = static_cast<std::uint32_t>(csr.post.size());
      }
      break;
    case Kind::kOneToOne:
      if (n_pre != n_post) throw UserError("one_to_one connectivity needs equal population sizes");
      for (std::uint32_t i = 0; i < n_pre; ++i) {
        csr.post.push_back(i);
        csr.offsets[i + 1] = i + 1;
      }
      break;
    case Kind::kFixedInDegree: {
      // Draw each post neuron's inputs, then transpose to rows by pre neuron.
      std::vector<std::vector<std::uint32_t>> by_pre(n_pre);
      for (std::uint32_t j = 0; j < n_post; ++j) {
        sampleDistinct(spec.degree, n_pre, exclusion(no_self, j), rng, row);
        for (std::uint32_t i : row) by_pre[i].push_back(j);
      }
      for (std::uint32_t i = 0; i < n_pre; ++i) {
        csr.post.insert(csr.post.end(), by_pre[i].begin(), by_pre[i].end());
        csr.offsets[i + 1] = static_cast<std::uint32_t>(csr.post.size());
      }
      break;
    }
  }
  return csr;
}

}  // namespace spikegym::snn
