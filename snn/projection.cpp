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
    throw UserError("projection '" + spec.name +
                    "': delays must satisfy 1 <= delay_min <= " + "delay_max <= 255 steps");
  }
  Rng rng = rngStream(seed, "projection:" + spec.name);
  Csr csr = spec.explicit_synapses
                ? *spec.explicit_synapses
                : buildConnectivity(spec.connectivity, pre.size(), post.size(), &pre == &post, rng);
  if (csr.offsets.size() != pre.size() + 1) {
    throw UsageError("projection '" + spec.name + "': explicit synapses need n_pre + 1 offsets");
  }
  for (std::uint32_t p : csr.post) {
    if (p >= post.size()) throw UsageError("projection '" + spec.name + "': post index range");
  }
  dense_ = !spec.explicit_synapses && spec.connectivity.kind == ConnectivitySpec::Kind::kAllToAll &&
           &pre != &post;
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
  for (std::uint32_t i = 0; i < pre.size(); ++i) {
    longest_row_ = std::max(longest_row_, offsets_[i + 1] - offsets_[i]);
  }
  split(1);

  const PlasticityRule& r = spec.rule;
  if (r.kind == RuleKind::kNone) return;
  const double dt = spec.dt_ms;
  sweep_interval_ = 1000;
  if (r.kind == RuleKind::kEligibility) {
    // Keep alpha^(-interval) <= e^8 so that differences of H lose at most ~3.5 of double's
    // ~16 digits (eligibility and weights are stored as float anyway).
    sweep_interval_ = std::clamp(static_cast<int>(8.0 * r.tau_c_ms / dt), 8, 8000);
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
  y_step_.assign(post.size(), -1);  // = base_ - 1: a zero trace "as of" the step before
  y_before_.assign(post.size(), 0.0);
  hist_step_.assign(static_cast<std::size_t>(post.size()) * kHistory, 0);
  hist_y_.assign(static_cast<std::size_t>(post.size()) * kHistory, 0.0f);
  hist_count_.assign(post.size(), 0);
  last_post_spike_.assign(post.size(), -1);
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
  // y_step_ >= base_ - 1 always (sweeps and restarts rebase it), so the gap fits the table.
  return y_step_[p] == k ? y_before_[p] : y_last_[p] * pow_gamma_[k - y_step_[p]];
}

Projection::PreContext Projection::preContext(std::uint32_t i, std::int64_t k) const {
  PreContext ctx;
  ctx.k0 = std::max<std::int64_t>(x_step_[i], base_ - 1);
  ctx.k = k;
  ctx.x0 = x_step_[i] < 0 ? 0.0 : x_last_[i] * pow_beta_[ctx.k0 - x_step_[i]];
  const std::int64_t q0 = ctx.k0 - base_ + 1, qk = k - base_ + 1;
  ctx.c_gain = inv_alpha_[q0] * (h_hist_[qk] - h_hist_[q0]);
  ctx.c_decay = pow_alpha_[k - ctx.k0];
  ctx.a_plus_x0 = spec_.rule.a_plus * ctx.x0;
  return ctx;
}

// Brings synapse s (post p) of a pre neuron up to date from ctx.k0 through ctx.k under a rule
// without eligibility trace (stdp, hebbian, mstdp): the pairings with the post spikes since
// then, in time order, and the depression of step k when pre_spike. (Eligibility rules go row
// by row: updateEligibilityRow.)
template <RuleKind kKind>
[[gnu::always_inline]] inline void Projection::updateSynapse(std::uint32_t s, std::uint32_t p,
                                                             const PreContext& ctx, bool pre_spike,
                                                             double y_now, double m_now) {
  const PlasticityRule& r = spec_.rule;
  const std::int64_t k0 = ctx.k0;
  // Post spikes in (k0, k], oldest first; usually none.
  int first = 0, last = 0;
  const std::int64_t* hs = nullptr;
  const float* hy = nullptr;
  if (last_post_spike_[p] > k0) {
    hs = hist_step_.data() + static_cast<std::size_t>(p) * kHistory;
    hy = hist_y_.data() + static_cast<std::size_t>(p) * kHistory;
    first = last = hist_count_[p];
    while (first > 0 && hs[first - 1] > k0) --first;
  }
  double w = w_[s];
  if constexpr (kKind == RuleKind::kMstdp) {
    for (int h = first; h < last; ++h) {
      const std::int64_t j = hs[h];
      w += r.eta * m_hist_[j - base_ + 1] * r.a_plus * ctx.x0 * pow_beta_[j - k0];
      w = std::clamp(w, r.w_min, r.w_max);
    }
    if (pre_spike) w -= r.eta * m_now * r.a_minus * y_now;
  } else if constexpr (kKind == RuleKind::kStdp) {
    const double range = r.w_max - r.w_min;
    for (int h = first; h < last; ++h) {
      const double x = ctx.x0 * pow_beta_[hs[h] - k0];
      const double f = r.mu == 0.0 ? 1.0 : std::pow(std::max(0.0, (r.w_max - w) / range), r.mu);
      w = std::clamp(w + r.a_plus * f * x, r.w_min, r.w_max);
    }
    if (pre_spike) {
      const double f = r.mu == 0.0 ? 1.0 : std::pow(std::max(0.0, (w - r.w_min) / range), r.mu);
      w -= r.a_minus * f * y_now;
    }
  } else if constexpr (kKind == RuleKind::kHebbian) {
    for (int h = first; h < last; ++h) {
      const double x = ctx.x0 * pow_beta_[hs[h] - k0];
      w = std::clamp(w + r.eta * (x - hy[h] * w), r.w_min, r.w_max);
    }
  }
  w_[s] = static_cast<float>(std::clamp(w, r.w_min, r.w_max));
}

// Brings every synapse of pre neuron i up to date through step k under an eligibility rule
// (mstdpet, rstdp); with pre_spike, also the depression of step k, the pre trace jump and the
// delivery of the spike. In step j: c_j = alpha c_{j-1} + e_j, then w += eta dt m_j c_j, where
// e_j collects the pairings of step j (potentiation at post spikes; depression at the pre spike
// of step k). With H_n = sum_{base<=j<=n} m_j alpha^(j-base):
//   sum_{j=a..k} m_j alpha^(j-a) = alpha^(base-a) (H_k - H_{a-1}),
// so the initial eligibility and each pairing contribute in closed form.
// Three passes, so that the common work has no unpredictable branch: (1) decay, dopamine integral
// and depression for every synapse of the row, and a compact list of the synapses whose post
// neuron fired since the last update; (2) the pairings of those few; (3) weights, eligibility and
// delivery.
template <bool kDense>
void Projection::updateEligibilityRow(std::uint32_t i, std::int64_t k, bool pre_spike, double m,
                                      std::uint32_t begin, std::uint32_t end, RowScratch& scratch) {
  const std::uint32_t row_begin = offsets_[i];  // dense: post index = synapse - row_begin
  const PreContext ctx = preContext(i, k);
  const double e_scale = -spec_.rule.a_minus;
  const std::uint32_t n = end - begin;
  double* row_acc = scratch.acc.data();
  double* row_c = scratch.c.data();
  double* row_e = scratch.e.data();
  std::uint32_t* row_paired = scratch.paired.data();
  std::uint32_t paired = 0;
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t s = begin + t;
    const std::uint32_t p = kDense ? s - row_begin : post_index_[s];
    const double c0 = c_[s];
    row_e[t] = pre_spike ? e_scale * postTraceBefore(p, k) : 0.0;
    row_acc[t] = c0 * ctx.c_gain;
    row_c[t] = c0 * ctx.c_decay;
    row_paired[paired] = t;
    paired += last_post_spike_[p] > ctx.k0;
  }
  if (paired > 0) {
    const double hk = h_hist_[k - base_ + 1];
    for (std::uint32_t q = 0; q < paired; ++q) {
      const std::uint32_t t = row_paired[q];
      const std::uint32_t p = kDense ? begin + t - row_begin : post_index_[begin + t];
      const std::int64_t* hs = hist_step_.data() + static_cast<std::size_t>(p) * kHistory;
      int first = hist_count_[p];
      const int last = first;
      while (first > 0 && hs[first - 1] > ctx.k0) --first;
      double acc = row_acc[t], c = row_c[t];
      for (int h = first; h < last; ++h) {
        const std::int64_t j = hs[h];
        const double e = ctx.a_plus_x0 * pow_beta_[j - ctx.k0];
        const std::int64_t qj = j - base_ + 1;
        acc += e * inv_alpha_[qj] * (hk - h_hist_[qj - 1]);
        c += e * pow_alpha_[k - j];
      }
      row_acc[t] = acc;
      row_c[t] = c;
    }
  }
  const double w_min = spec_.rule.w_min, w_max = spec_.rule.w_max;
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t s = begin + t;
    // The depression of step k comes last.
    const double e = row_e[t];
    const double acc = pre_spike ? row_acc[t] + e * m : row_acc[t];
    const float w = static_cast<float>(std::clamp(w_[s] + eta_dt_ * acc, w_min, w_max));
    w_[s] = w;
    c_[s] = static_cast<float>(pre_spike ? row_c[t] + e : row_c[t]);
    if (pre_spike) slots_[delay_[s]][kDense ? s - row_begin : post_index_[s]] += w;
  }
}

void Projection::advancePre(std::uint32_t i, std::int64_t k, bool pre_spike) {
  if (!pre_spike && x_step_[i] < 0) return;  // no trace yet: nothing decays
  // The same expressions as preContext(), so the trace is the one the synapses were paired with.
  const std::int64_t k0 = std::max<std::int64_t>(x_step_[i], base_ - 1);
  const double x0 = x_step_[i] < 0 ? 0.0 : x_last_[i] * pow_beta_[k0 - x_step_[i]];
  x_last_[i] = pre_spike ? x0 * pow_beta_[k - k0] + 1.0 : x0 * pow_beta_[k - k0];
  x_step_[i] = k;
}

template <RuleKind kKind, bool kDense>
[[gnu::always_inline]] inline void Projection::updateSegment(std::uint32_t i, std::int64_t k,
                                                             bool pre_spike, double m,
                                                             std::uint32_t begin, std::uint32_t end,
                                                             RowScratch& scratch) {
  const std::uint32_t row_begin = offsets_[i];
  if constexpr (kKind == RuleKind::kEligibility) {
    updateEligibilityRow<kDense>(i, k, pre_spike, m, begin, end, scratch);
  } else if constexpr (kKind != RuleKind::kNone) {
    const PreContext ctx = preContext(i, k);
    for (std::uint32_t s = begin; s < end; ++s) {
      const std::uint32_t p = kDense ? s - row_begin : post_index_[s];
      if (pre_spike) {
        updateSynapse<kKind>(s, p, ctx, true, postTraceBefore(p, k), m);
        slots_[delay_[s]][p] += w_[s];
      } else {
        updateSynapse<kKind>(s, p, ctx, false, 0.0, 0.0);
      }
    }
  } else {
    if (!pre_spike) return;
    for (std::uint32_t s = begin; s < end; ++s) {
      const std::uint32_t p = kDense ? s - row_begin : post_index_[s];
      slots_[delay_[s]][p] += w_[s];
    }
  }
}

template <RuleKind kKind, bool kDense>
void Projection::updateRows(const std::vector<std::uint32_t>* rows, int part, std::int64_t k,
                            bool pre_spike, double m) {
  RowScratch& scratch = scratch_[static_cast<std::size_t>(std::max(part, 0))];
  const std::uint32_t n = rows ? static_cast<std::uint32_t>(rows->size()) : pre_.size();
  for (std::uint32_t r = 0; r < n; ++r) {
    const std::uint32_t i = rows ? (*rows)[r] : r;
    const auto [begin, end] = segment(i, part);
    updateSegment<kKind, kDense>(i, k, pre_spike, m, begin, end, scratch);
  }
}

void Projection::updateRowsAs(RuleKind kind, const std::vector<std::uint32_t>* rows, int part,
                              std::int64_t k, bool pre_spike, double m) {
#define SG_ROWS(KIND)                                                 \
  return dense_ ? updateRows<KIND, true>(rows, part, k, pre_spike, m) \
                : updateRows<KIND, false>(rows, part, k, pre_spike, m)
  switch (kind) {
    case RuleKind::kNone:
      SG_ROWS(RuleKind::kNone);
    case RuleKind::kStdp:
      SG_ROWS(RuleKind::kStdp);
    case RuleKind::kHebbian:
      SG_ROWS(RuleKind::kHebbian);
    case RuleKind::kMstdp:
      SG_ROWS(RuleKind::kMstdp);
    case RuleKind::kEligibility:
      SG_ROWS(RuleKind::kEligibility);
  }
#undef SG_ROWS
}

void Projection::sweepPart(int part, std::int64_t to_step) {
  if (spec_.rule.kind == RuleKind::kNone) return;
  updateRowsAs(spec_.rule.kind, nullptr, part, to_step, false, 0.0);
}

void Projection::finishSweep(std::int64_t to_step) {
  if (spec_.rule.kind == RuleKind::kNone) return;
  for (std::uint32_t i = 0; i < pre_.size(); ++i) {
    advancePre(i, to_step, false);
    if (counting_) {
      countRow(offsets_[i], offsets_[i + 1], true, spec_.rule.kind == RuleKind::kEligibility,
               false);
    }
  }
  for (std::uint32_t p = 0; p < post_.size(); ++p) {
    y_last_[p] *= pow_gamma_[to_step - y_step_[p]];
    y_step_[p] = to_step;
    hist_count_[p] = 0;
  }
  base_ = to_step + 1;
  h_hist_[0] = 0.0;
}

void Projection::sweep(std::int64_t to_step) {
  sweepPart(-1, to_step);
  finishSweep(to_step);
}

bool Projection::sweepDue(std::uint64_t step) const {
  if (activeKind() == RuleKind::kNone) return false;
  // Sweep first when the interval is used up or a post spike history is full.
  const auto k = static_cast<std::int64_t>(step);
  if (k - (base_ - 1) > sweep_interval_) return true;
  for (std::uint32_t p : post_.spikes()) {
    if (hist_count_[p] == kHistory) return true;
  }
  return false;
}

void Projection::prepareStep(std::uint64_t step, double m) {
  if (counting_) counts_.dense += w_.size();
  for (int d = 1; d <= max_delay_; ++d) slots_[d] = post_.deliveryBuffer(d);
  const RuleKind kind = activeKind();
  if (kind == RuleKind::kNone) return;
  const auto k = static_cast<std::int64_t>(step);
  const std::int64_t q = k - base_ + 1;
  m_hist_[q] = m;
  if (kind == RuleKind::kEligibility) h_hist_[q] = h_hist_[q - 1] + m * pow_alpha_[q - 1];
  for (std::uint32_t p : post_.spikes()) {
    const double y_before = y_last_[p] * pow_gamma_[k - y_step_[p]];
    y_before_[p] = y_before;
    y_last_[p] = y_before + 1.0;
    y_step_[p] = k;
    const std::size_t at = static_cast<std::size_t>(p) * kHistory + hist_count_[p]++;
    hist_step_[at] = k;
    hist_y_[at] = static_cast<float>(y_before + 1.0);
    last_post_spike_[p] = k;
  }
}

void Projection::stepPart(int part, std::uint64_t k, double m) {
  updateRowsAs(activeKind(), &pre_.spikes(), part, static_cast<std::int64_t>(k), true, m);
}

void Projection::finishStep(std::uint64_t step) {
  const RuleKind kind = activeKind();
  const auto k = static_cast<std::int64_t>(step);
  for (std::uint32_t i : pre_.spikes()) {
    const std::uint32_t begin = offsets_[i], end = offsets_[i + 1];
    if (kind != RuleKind::kNone) advancePre(i, k, true);
    if (counting_) {
      countRow(begin, end, kind != RuleKind::kNone, kind == RuleKind::kEligibility, true);
    }
    events_ += end - begin;
  }
}

bool Projection::canSplit() const {
  if (dense_) return true;
  for (std::uint32_t i = 0; i < pre_.size(); ++i) {
    if (!std::is_sorted(post_index_.begin() + offsets_[i], post_index_.begin() + offsets_[i + 1])) {
      return false;
    }
  }
  return true;
}

void Projection::split(int parts) {
  if (parts < 1 || (parts > 1 && !canSplit())) {
    throw UsageError("Projection::split: '" + spec_.name +
                     "' needs parts >= 1 and ascending post indices in every row");
  }
  parts_ = parts;
  scratch_.resize(static_cast<std::size_t>(parts));
  if (spec_.rule.kind != RuleKind::kNone) {
    for (RowScratch& r : scratch_) {
      r.acc.assign(longest_row_, 0.0);
      r.c.assign(longest_row_, 0.0);
      r.e.assign(longest_row_, 0.0);
      r.paired.assign(longest_row_, 0);
    }
  }
  split_.clear();
  if (parts == 1) return;
  split_.resize(static_cast<std::size_t>(pre_.size()) * (parts + 1));
  for (std::uint32_t i = 0; i < pre_.size(); ++i) {
    const std::uint32_t begin = offsets_[i], end = offsets_[i + 1];
    for (int t = 0; t <= parts; ++t) {
      const std::uint32_t lo = partBegin(post_.size(), parts, t);
      std::uint32_t at = 0;
      if (dense_) {
        at = begin + std::min(lo, end - begin);
      } else {
        at = static_cast<std::uint32_t>(
            std::lower_bound(post_index_.begin() + begin, post_index_.begin() + end, lo) -
            post_index_.begin());
      }
      split_[static_cast<std::size_t>(i) * (parts + 1) + t] = at;
    }
  }
}

void Projection::countRow(std::uint32_t begin, std::uint32_t end, bool plastic, bool eligibility,
                          bool delivered) {
  const std::uint64_t n = end - begin;
  if (plastic) {
    counts_.plasticity += n;
    counts_.weight_writes += n;
    if (eligibility) counts_.elig_updates += n;
  }
  if (delivered) {
    std::uint64_t nonzero = 0;
    for (std::uint32_t s = begin; s < end; ++s) nonzero += w_[s] != 0.0f;
    counts_.ac += nonzero;
  }
}

std::size_t Projection::zeroWeights() const {
  return static_cast<std::size_t>(std::count(w_.begin(), w_.end(), 0.0f));
}

std::size_t Projection::footprintBytes() const {
  auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
  std::size_t scratch = 0;
  for (const RowScratch& r : scratch_) {
    scratch += bytes(r.acc) + bytes(r.c) + bytes(r.e) + bytes(r.paired);
  }
  return bytes(offsets_) + bytes(post_index_) + bytes(delay_) + bytes(w_) + bytes(c_) +
         bytes(x_last_) + bytes(x_step_) + bytes(y_last_) + bytes(y_step_) + bytes(y_before_) +
         bytes(hist_step_) + bytes(hist_y_) + bytes(hist_count_) + bytes(last_post_spike_) +
         bytes(m_hist_) + bytes(h_hist_) + bytes(pow_alpha_) + bytes(inv_alpha_) +
         bytes(pow_beta_) + bytes(pow_gamma_) + bytes(slots_) + bytes(split_) + scratch;
}

void Projection::step(std::uint64_t k, double m) {
  if (sweepDue(k)) sweep(static_cast<std::int64_t>(k) - 1);
  prepareStep(k, m);
  stepPart(-1, k, m);
  finishStep(k);
}

std::optional<Projection> Projection::upToDateCopy(std::uint64_t k) const {
  if (spec_.rule.kind == RuleKind::kNone || !plastic_ || static_cast<std::int64_t>(k) < base_) {
    return {};
  }
  std::optional<Projection> copy(*this);  // shares nothing mutable; sweep() delivers nothing
  copy->sweep(k);
  return copy;
}

std::vector<float> Projection::currentWeights(std::uint64_t k) const {
  auto copy = upToDateCopy(k);
  return copy ? std::move(copy->w_) : w_;
}

std::vector<float> Projection::currentEligibility(std::uint64_t k) const {
  auto copy = upToDateCopy(k);
  return copy ? std::move(copy->c_) : c_;
}

void Projection::flush(std::uint64_t k) {
  if (spec_.rule.kind == RuleKind::kNone || !plastic_) return;  // frozen weights are current
  if (static_cast<std::int64_t>(k) < base_) return;             // already up to date
  sweep(k);
}

}  // namespace spikegym::snn

namespace spikegym::snn {

void Projection::resetPlasticity(std::uint64_t k) {
  if (spec_.rule.kind == RuleKind::kNone || !plastic_) return;  // setPlastic(true) restarts
  flush(k);
  restart(static_cast<std::int64_t>(k));
}

void Projection::setPlastic(bool on, std::int64_t k) {
  if (on == plastic_) return;
  if (!on && k >= 0) flush(static_cast<std::uint64_t>(k));
  plastic_ = on;
  if (on) restart(k);
}

void Projection::restart(std::int64_t k) {
  if (spec_.rule.kind == RuleKind::kNone) return;
  std::fill(c_.begin(), c_.end(), 0.0f);
  std::fill(x_last_.begin(), x_last_.end(), 0.0);
  std::fill(x_step_.begin(), x_step_.end(), -1);
  std::fill(y_last_.begin(), y_last_.end(), 0.0);
  std::fill(y_step_.begin(), y_step_.end(), static_cast<std::int64_t>(k));
  std::fill(hist_count_.begin(), hist_count_.end(), 0);
  std::fill(last_post_spike_.begin(), last_post_spike_.end(), -1);
  base_ = static_cast<std::int64_t>(k) + 1;
  h_hist_[0] = 0.0;
}

}  // namespace spikegym::snn
