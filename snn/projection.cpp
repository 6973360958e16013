#include "snn/projection.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spikegym::snn {

Projection::Projection(const ProjectionSpec& spec, Population& pre, Population& post,
                       std::uint64_t seed)
    : spec_(spec), pre_(pre), post_(post) {
  if (spec.delay_min_steps < 1 || spec.delay_max_steps < spec.delay_min_steps ||
      spec.delay_max_steps > 255) {
    throw UserError("projection '" + spec.name + "': delays must satisfy 1 <= delay_min <= " +
                    "delay_max <= 255 steps");
  }
  Rng rng = rngStream(seed, "projection:" + spec.name);
  Csr csr = buildConnectivity(spec.connectivity, pre.size(), post.size(), &pre == &post, rng);
  dense_ = spec.connectivity.kind == ConnectivitySpec::Kind::kAllToAll && &pre != &post;
  offsets_ = std::move(csr.offsets);
  if (!dense_) post_index_ = std::move(csr.post);
  const std::size_t n = dense_ ? csr.post.size() : post_index_.size();
  w_.resize(n);
  delay_.resize(n);
  for (std::size_t s = 0; s < n; ++s) {
    w_[s] = static_cast<float>(spec.w_init_min == spec.w_init_max
                                   ? spec.w_init_min
                                   : rng.uniform(spec.w_init_min, spec.w_init_max));
    delay_[s] = static_cast<std::uint8_t>(
        spec.delay_min_steps +
        static_cast<int>(rng.below(spec.delay_max_steps - spec.delay_min_steps + 1)));
  }
  max_delay_ = spec.delay_max_steps;
  post.reserveDelay(max_delay_);
  slots_.resize(max_delay_ + 1);

  const PlasticityRule& r = spec.rule;
  if (r.kind == RuleKind::kNone) return;
  const double dt = spec.dt_ms;
  sweep_interval_ = 1000;
  if (r.kind == RuleKind::kEligibility) {
    // Keep alpha^(-interval) <= e^4 so that differences of H lose at most ~2 digits.
    sweep_interval_ = std::clamp(static_cast<int>(4.0 * r.tau_c_ms / dt), 8, 4000);
    c_.assign(n, 0.0f);
    eta_dt_ = r.eta * dt * 1e-3;
  }
  const int len = sweep_interval_ + 2;
  const double alpha = std::exp(-dt / r.tau_c_ms), beta = std::exp(-dt / r.tau_plus_ms),
               gamma = std::exp(-dt / r.tau_minus_ms);
  pow_alpha_.resize(len);
  inv_alpha_.resize(len);
  pow_beta_.resize(len);
  pow_gamma_.resize(len);
  for (int q = 0; q < len; ++q) {
    pow_alpha_[q] = std::pow(alpha, q);
    inv_alpha_[q] = std::pow(alpha, 1 - q);
    pow_beta_[q] = std::pow(beta, q);
    pow_gamma_[q] = std::pow(gamma, q);
  }
  m_hist_.assign(len, 0.0);
  h_hist_.assign(len, 0.0);
  x_last_.assign(pre.size(), 0.0);
  x_step_.assign(pre.size(), -1);
  y_last_.assign(post.size(), 0.0);
  y_step_.assign(post.size(), -1);
  y_before_.assign(post.size(), 0.0);
  hist_step_.assign(static_cast<std::size_t>(post.size()) * kHistory, 0);
  hist_y_.assign(static_cast<std::size_t>(post.size()) * kHistory, 0.0f);
  hist_count_.assign(post.size(), 0);
  base_ = 0;
}

Eigen::Map<Eigen::MatrixXf> Projection::weightMatrix() {
  if (!dense_) throw UsageError("Projection::weightMatrix: '" + spec_.name + "' is sparse");
  return {w_.data(), static_cast<Eigen::Index>(post_.size()),
          static_cast<Eigen::Index>(pre_.size())};
}

double Projection::bytesPerSynapse() const {
  const double n = static_cast<double>(std::max<std::size_t>(w_.size(), 1));
  const double bytes = static_cast<double>(w_.size() * sizeof(float) + c_.size() * sizeof(float) +
                                           post_index_.size() * sizeof(std::uint32_t) +
                                           delay_.size() * sizeof(std::uint8_t));
  return bytes / n;
}

double Projection::postTraceBefore(std::uint32_t p, std::int64_t k) const {
  if (y_step_[p] == k) return y_before_[p];
  if (y_step_[p] < 0) return 0.0;
  return y_last_[p] * pow_gamma_[k - y_step_[p]];
}

// Brings synapse s (pre i whose last update was step k0 with trace x0 right after it, post p)
// up to date through step k. In each step j: c_j = alpha c_{j-1} + e_j, then w += eta dt m_j c_j,
// where e_j collects the pairings of step j (potentiation at post spikes; depression at the pre
// spike of step k when pre_spike). With H_n = sum_{base<=j<=n} m_j alpha^(j-base):
//   sum_{j=a..k} m_j alpha^(j-a) = alpha^(base-a) (H_k - H_{a-1}),
// so the initial eligibility and each pairing contribute in closed form.
template <RuleKind kKind>
void Projection::updateSynapse(std::uint32_t s, std::uint32_t p, std::int64_t k0, std::int64_t k,
                               double x0, bool pre_spike, double y_now, double m_now) {
  const PlasticityRule& r = spec_.rule;
  const std::int64_t* hs = hist_step_.data() + static_cast<std::size_t>(p) * kHistory;
  const float* hy = hist_y_.data() + static_cast<std::size_t>(p) * kHistory;
  int first = hist_count_[p];
  while (first > 0 && hs[first - 1] > k0) --first;  // post spikes in (k0, k]
  const int last = hist_count_[p];
  double w = w_[s];
  if constexpr (kKind == RuleKind::kEligibility) {
    const double c0 = c_[s];
    const std::int64_t q0 = k0 - base_ + 1, qk = k - base_ + 1;
    const double hk = h_hist_[qk];
    double acc = c0 * inv_alpha_[q0] * (hk - h_hist_[q0]);
    double c = c0 * pow_alpha_[k - k0];
    for (int h = first; h < last; ++h) {
      const std::int64_t j = hs[h];
      const double e = r.a_plus * x0 * pow_beta_[j - k0];
      const std::int64_t qj = j - base_ + 1;
      acc += e * inv_alpha_[qj] * (hk - h_hist_[qj - 1]);
      c += e * pow_alpha_[k - j];
    }
    if (pre_spike) {
      const double e = -r.a_minus * y_now;
      acc += e * m_now;
      c += e;
    }
    w += eta_dt_ * acc;
    c_[s] = static_cast<float>(c);
  } else if constexpr (kKind == RuleKind::kMstdp) {
    for (int h = first; h < last; ++h) {
      const std::int64_t j = hs[h];
      w += r.eta * m_hist_[j - base_ + 1] * r.a_plus * x0 * pow_beta_[j - k0];
      w = std::clamp(w, r.w_min, r.w_max);
    }
    if (pre_spike) w -= r.eta * m_now * r.a_minus * y_now;
  } else if constexpr (kKind == RuleKind::kStdp) {
    const double range = r.w_max - r.w_min;
    for (int h = first; h < last; ++h) {
      const double x = x0 * pow_beta_[hs[h] - k0];
      const double f = r.mu == 0.0 ? 1.0 : std::pow(std::max(0.0, (r.w_max - w) / range), r.mu);
      w = std::clamp(w + r.a_plus * f * x, r.w_min, r.w_max);
    }
    if (pre_spike) {
      const double f = r.mu == 0.0 ? 1.0 : std::pow(std::max(0.0, (w - r.w_min) / range), r.mu);
      w -= r.a_minus * f * y_now;
    }
  } else if constexpr (kKind == RuleKind::kHebbian) {
    for (int h = first; h < last; ++h) {
      const double x = x0 * pow_beta_[hs[h] - k0];
      w = std::clamp(w + r.eta * (x - hy[h] * w), r.w_min, r.w_max);
    }
  }
  w_[s] = static_cast<float>(std::clamp(w, r.w_min, r.w_max));
}

void Projection::sweep(std::int64_t to_step) {
  const std::uint32_t n_pre = pre_.size();
  if (spec_.rule.kind == RuleKind::kNone) return;
  for (std::uint32_t i = 0; i < n_pre; ++i) {
    const std::int64_t k0 = std::max<std::int64_t>(x_step_[i], base_ - 1);
    const double x0 = x_step_[i] < 0 ? 0.0 : x_last_[i] * pow_beta_[k0 - x_step_[i]];
    for (std::uint32_t s = offsets_[i]; s < offsets_[i + 1]; ++s) {
      const std::uint32_t p = postOf(s, i);
      switch (spec_.rule.kind) {
        case RuleKind::kEligibility:
          updateSynapse<RuleKind::kEligibility>(s, p, k0, to_step, x0, false, 0, 0);
          break;
        case RuleKind::kMstdp:
          updateSynapse<RuleKind::kMstdp>(s, p, k0, to_step, x0, false, 0, 0);
          break;
        case RuleKind::kStdp:
          updateSynapse<RuleKind::kStdp>(s, p, k0, to_step, x0, false, 0, 0);
          break;
        case RuleKind::kHebbian:
          updateSynapse<RuleKind::kHebbian>(s, p, k0, to_step, x0, false, 0, 0);
          break;
        case RuleKind::kNone:
          break;
      }
    }
    if (x_step_[i] >= 0) {
      x_last_[i] = x0 * pow_beta_[to_step - k0];
      x_step_[i] = to_step;
    }
  }
  for (std::uint32_t p = 0; p < post_.size(); ++p) {
    if (y_step_[p] >= 0) {
      y_last_[p] *= pow_gamma_[to_step - y_step_[p]];
      y_step_[p] = to_step;
    }
    hist_count_[p] = 0;
  }
  base_ = to_step + 1;
  h_hist_[0] = 0.0;
}

template <RuleKind kKind, bool kDense>
void Projection::processStep(std::uint32_t step, double m) {
  const std::int64_t k = step;
  const auto& pre_spikes = pre_.spikes();
  const auto& post_spikes = post_.spikes();
  for (int d = 1; d <= max_delay_; ++d) slots_[d] = post_.deliveryBuffer(d);

  if constexpr (kKind != RuleKind::kNone) {
    // Sweep first when the interval is used up or a post spike history is full.
    bool full = k - (base_ - 1) > sweep_interval_;
    for (std::uint32_t p : post_spikes) full = full || hist_count_[p] == kHistory;
    if (full) sweep(k - 1);
    const std::int64_t q = k - base_ + 1;
    m_hist_[q] = m;
    if constexpr (kKind == RuleKind::kEligibility) {
      h_hist_[q] = h_hist_[q - 1] + m * pow_alpha_[q - 1];
    }
    for (std::uint32_t p : post_spikes) {
      // y_step_ >= base_ - 1 once set (sweeps rebase it), so the gap fits the power table.
      const double y_before = y_step_[p] < 0 ? 0.0 : y_last_[p] * pow_gamma_[k - y_step_[p]];
      y_before_[p] = y_before;
      y_last_[p] = y_before + 1.0;
      y_step_[p] = k;
      const std::size_t at = static_cast<std::size_t>(p) * kHistory + hist_count_[p]++;
      hist_step_[at] = k;
      hist_y_[at] = static_cast<float>(y_before + 1.0);
    }
  }

  for (std::uint32_t i : pre_spikes) {
    const std::uint32_t begin = offsets_[i], end = offsets_[i + 1];
    if constexpr (kKind != RuleKind::kNone) {
      const std::int64_t k0 = std::max<std::int64_t>(x_step_[i], base_ - 1);
      const double x0 = x_step_[i] < 0 ? 0.0 : x_last_[i] * pow_beta_[k0 - x_step_[i]];
      for (std::uint32_t s = begin; s < end; ++s) {
        const std::uint32_t p = kDense ? s - begin : post_index_[s];
        updateSynapse<kKind>(s, p, k0, k, x0, true, postTraceBefore(p, k), m);
        slots_[delay_[s]][p] += w_[s];
      }
      x_last_[i] = x0 * pow_beta_[k - k0] + 1.0;
      x_step_[i] = k;
    } else {
      for (std::uint32_t s = begin; s < end; ++s) {
        const std::uint32_t p = kDense ? s - begin : post_index_[s];
        slots_[delay_[s]][p] += w_[s];
      }
    }
    events_ += end - begin;
  }
}

void Projection::step(std::uint32_t k, double m) {
  switch (spec_.rule.kind) {
    case RuleKind::kNone:
      return dense_ ? processStep<RuleKind::kNone, true>(k, m)
                    : processStep<RuleKind::kNone, false>(k, m);
    case RuleKind::kStdp:
      return dense_ ? processStep<RuleKind::kStdp, true>(k, m)
                    : processStep<RuleKind::kStdp, false>(k, m);
    case RuleKind::kHebbian:
      return dense_ ? processStep<RuleKind::kHebbian, true>(k, m)
                    : processStep<RuleKind::kHebbian, false>(k, m);
    case RuleKind::kMstdp:
      return dense_ ? processStep<RuleKind::kMstdp, true>(k, m)
                    : processStep<RuleKind::kMstdp, false>(k, m);
    case RuleKind::kEligibility:
      return dense_ ? processStep<RuleKind::kEligibility, true>(k, m)
                    : processStep<RuleKind::kEligibility, false>(k, m);
  }
}

void Projection::flush(std::uint32_t k) {
  if (spec_.rule.kind == RuleKind::kNone) return;
  if (static_cast<std::int64_t>(k) < base_) return;  // already up to date
  sweep(k);
}

}  // namespace spikegym::snn
