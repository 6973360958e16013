// A projection: the synapses from one population to another, with per-synapse conduction delays,
// weight bounds and a plasticity rule (plasticity.hpp).
//
// Storage (structure-of-arrays, rows by presynaptic neuron): weight w [float], eligibility c
// [float, modulated rules only], postsynaptic index [uint32, sparse only], delay [uint8 steps].
// That is 13 bytes per plastic sparse synapse; all-to-all projections are dense: the post index
// is implicit and the weights form an Eigen matrix (weightMatrix()), 9 bytes per synapse.
//
// Event-driven: the work of a step scales with the spikes, not with the synapse count. A pre
// spike brings each of its synapses up to date in closed form (eligibility decay, the integral of
// modulator x eligibility since the last update, pairings with the post neuron's spikes since
// then), then delivers the weight into the post population's input ring at step + delay. Every
// sweep_interval steps (or when a post spike history fills) all synapses are brought up to date,
// which bounds the histories and the range of the precomputed powers.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "snn/connectivity.hpp"
#include "snn/ops.hpp"
#include "snn/plasticity.hpp"
#include "snn/population.hpp"

namespace spikegym::snn {

struct ProjectionSpec {
  std::string name;
  ConnectivitySpec connectivity;
  double w_init_min = 1.0;               ///< initial weights uniform in [w_init_min, w_init_max]
  double w_init_max = 1.0;               ///< (equal bounds: all the same)
  int delay_min_steps = 1;               ///< [steps] conduction delay, uniform in [min, max], >= 1
  int delay_max_steps = 1;               ///< [steps] at most 255
  PlasticityRule rule;                   ///< makeRule("none") by default
  std::optional<Csr> explicit_synapses;  ///< when set: use these synapses, not `connectivity`
  double dt_ms = 1.0;                    ///< [ms] the network's step
};

class Projection {
 public:
  Projection(const ProjectionSpec& spec, Population& pre, Population& post, std::uint64_t seed);

  /// Processes step k: pairings and weight updates for this step's pre and post spikes (the
  /// populations have already stepped), modulator signal `m` [1] for this step, and delivery of
  /// the pre spikes into the post population's input at k + delay. The same as, in order:
  /// sweepDue / sweepPart for every part / finishSweep (when due), prepareStep, stepPart for every
  /// part, finishStep: the phases a network on several threads runs (Network::setThreads).
  void step(std::uint64_t k, double m);

  /// Splits the work of a step into `parts` ranges of post neurons (equal ranges of the post
  /// population: splitRanges), so that parts can run at once on different threads without
  /// sharing a synapse or a post neuron's input. Results do not depend on `parts`: every synapse
  /// and every post neuron's input sees the same arithmetic in the same order. Needs each row's
  /// post indices ascending (canSplit); 1 undoes the split.
  void split(int parts);
  /// Whether split() can be used: every row's post indices ascend (generated connectivity does;
  /// explicit synapses may not).
  bool canSplit() const;
  int parts() const { return parts_; }
  /// Phases of step(k, m) for a split projection. Call in this order, the parts of one phase in
  /// any order or at once: a full sweep is due before step k (serial; checks only).
  bool sweepDue(std::uint64_t k) const;
  /// Brings the synapses of part `part` up to date through `to_step` (the sweep's synapse work).
  void sweepPart(int part, std::int64_t to_step);
  /// Ends the sweep through `to_step` once every part was swept (per-neuron traces, histories).
  void finishSweep(std::int64_t to_step);
  /// Records step k's modulator signal and post spikes and points the delivery slots at step
  /// k's rings (serial).
  void prepareStep(std::uint64_t k, double m);
  /// Step k's pre spikes, the synapses of part `part`: pairings, weights, delivery.
  void stepPart(int part, std::uint64_t k, double m);
  /// Ends step k once every part ran: pre traces, event and operation counts (serial).
  void finishStep(std::uint64_t k);

  /// Brings every synapse up to date through step k (call before reading weights).
  void flush(std::uint64_t k);
  /// Brings weights up to date through step k, then forgets eligibility, traces and spike
  /// histories (a new episode starts from a clean slate; weights are kept).
  void resetPlasticity(std::uint64_t k);
  /// Forgets eligibility, traces and histories without integrating anything, and continues
  /// from step k + 1 (after weights were restored from a checkpoint).
  void restart(std::int64_t k);
  /// Learning on or off from step k + 1 on (the last step done is k; -1 before the first).
  /// Off: weights are brought up to date, then only delivered (a frozen copy for testing);
  /// back on: traces and histories start afresh. Setting the current state does nothing.
  void setPlastic(bool on, std::int64_t k);
  bool plastic() const { return plastic_; }

  const std::string& name() const { return spec_.name; }
  const PlasticityRule& rule() const { return spec_.rule; }
  /// The rule's learning rate from now on (a viewer's live control; runs never call it).
  void setEta(double eta) {
    spec_.rule.eta = eta;
    if (spec_.rule.kind == RuleKind::kEligibility) eta_dt_ = eta * spec_.dt_ms * 1e-3;
  }
  Population& pre() const { return pre_; }
  Population& post() const { return post_; }
  std::size_t size() const { return w_.size(); }
  bool dense() const { return dense_; }
  /// Index of the first synapse of pre neuron i (rowBegin(i + 1) ends its row).
  std::uint32_t rowBegin(std::uint32_t i) const { return offsets_[i]; }
  std::uint32_t postOf(std::uint32_t s, std::uint32_t pre_index) const {
    return dense_ ? s - offsets_[pre_index] : post_index_[s];
  }
  /// The weights as they are after step k, computed without changing this projection (a copy
  /// is brought up to date): reading them never moves the sweep schedule, so a watched run stays
  /// bit-identical to one nobody watches. Costs a copy of the synaptic state.
  std::vector<float> currentWeights(std::uint64_t k) const;
  /// The eligibility traces after step k, computed the same way (empty without a trace).
  std::vector<float> currentEligibility(std::uint64_t k) const;
  /// Weights (up to date after flush()).
  std::vector<float>& weights() { return w_; }
  const std::vector<float>& weights() const { return w_; }
  /// Eligibility traces (empty unless the rule has one; up to date after flush()).
  const std::vector<float>& eligibility() const { return c_; }
  /// Dense projections: the weights as an n_post x n_pre matrix (column i = pre neuron i).
  Eigen::Map<Eigen::MatrixXf> weightMatrix();
  /// Bytes of per-synapse storage (weights, eligibility, indices, delays) per synapse.
  double bytesPerSynapse() const;
  /// Synaptic events delivered so far (pre spikes x their synapses).
  std::uint64_t events() const { return events_; }
  /// Counts synaptic operations from now on (snn/ops.hpp: ac, dense, plasticity); off by
  /// default. With it off the kernels pay one test per spiking row, none per synapse.
  void setCounting(bool on) { counting_ = on; }
  /// What was counted so far.
  const OpCounts& counts() const { return counts_; }
  /// Synapses whose weight is zero now (connection sparsity = zeroWeights() / size()).
  std::size_t zeroWeights() const;
  /// Bytes of this projection's state: per-synapse arrays, per-neuron traces and histories,
  /// modulator history and tables, and scratch.
  std::size_t footprintBytes() const;
  /// Steps between full sweeps.
  int sweepInterval() const { return sweep_interval_; }

 private:
  /// What all synapses of one pre neuron share when they are brought up to date to step k.
  struct PreContext {
    std::int64_t k0;   // step of the pre neuron's last update
    std::int64_t k;    // step to bring the synapses to
    double x0;         // pre trace right after k0
    double c_gain;     // alpha^(base-k0) (H_k - H_k0): weight integral per unit initial c
    double c_decay;    // alpha^(k-k0)
    double a_plus_x0;  // a_plus x0
  };
  PreContext preContext(std::uint32_t i, std::int64_t k) const;
  template <RuleKind kKind>
  void updateSynapse(std::uint32_t s, std::uint32_t p, const PreContext& ctx, bool pre_spike,
                     double y_now, double m_now);
  template <RuleKind kKind>
  void sweepRows(std::int64_t to_step);
  /// Per part: scratch for one row segment (pre neuron) of an eligibility rule.
  struct RowScratch {
    std::vector<double> acc, c, e;
    std::vector<std::uint32_t> paired;  // segment entries with pairings to add
  };
  template <bool kDense>
  void updateEligibilityRow(std::uint32_t i, std::int64_t k, bool pre_spike, double m,
                            std::uint32_t begin, std::uint32_t end, RowScratch& scratch);
  /// The synapses [begin, end) of pre neuron i's row brought up to date through step k under
  /// rule kKind; with pre_spike, the depression of step k and the delivery of the spike.
  template <RuleKind kKind, bool kDense>
  void updateSegment(std::uint32_t i, std::int64_t k, bool pre_spike, double m, std::uint32_t begin,
                     std::uint32_t end, RowScratch& scratch);
  /// Rows `rows` (pre neurons; null: every row), part `part` (-1: whole rows), through step k.
  template <RuleKind kKind, bool kDense>
  void updateRows(const std::vector<std::uint32_t>* rows, int part, std::int64_t k, bool pre_spike,
                  double m);
  /// updateRows with the rule kind and layout chosen at run time.
  void updateRowsAs(RuleKind kind, const std::vector<std::uint32_t>* rows, int part, std::int64_t k,
                    bool pre_spike, double m);
  /// Pre neuron i's trace brought to step k (plus its spike when pre_spike).
  void advancePre(std::uint32_t i, std::int64_t k, bool pre_spike);
  /// The synapses of pre neuron i in part `part` (-1: the whole row).
  std::pair<std::uint32_t, std::uint32_t> segment(std::uint32_t i, int part) const {
    if (part < 0) return {offsets_[i], offsets_[i + 1]};
    const std::size_t at = static_cast<std::size_t>(i) * (parts_ + 1) + part;
    return {split_[at], split_[at + 1]};
  }
  /// The rule that runs now: none while suspended (setPlastic(false)).
  RuleKind activeKind() const { return plastic_ ? spec_.rule.kind : RuleKind::kNone; }
  void sweep(std::int64_t to_step);
  /// A copy brought up to date through step k, or none when this one already is.
  std::optional<Projection> upToDateCopy(std::uint64_t k) const;
  double postTraceBefore(std::uint32_t p, std::int64_t k) const;

  ProjectionSpec spec_;
  Population& pre_;
  Population& post_;
  bool dense_ = false;
  bool plastic_ = true;  // false: the rule is suspended (setPlastic), weights only delivered
  int max_delay_ = 1;

  // Per synapse.
  std::vector<std::uint32_t> offsets_;     // n_pre + 1
  std::vector<std::uint32_t> post_index_;  // sparse only
  std::vector<std::uint8_t> delay_;        // [steps]
  std::vector<float> w_;
  std::vector<float> c_;  // eligibility (kEligibility only)

  // Per pre neuron: trace value right after its last update step.
  std::vector<double> x_last_;
  std::vector<std::int64_t> x_step_;
  // Per post neuron: trace and the spike history since the last sweep.
  std::vector<double> y_last_;
  std::vector<std::int64_t> y_step_;
  std::vector<double> y_before_;         // trace just before this step's spike
  static constexpr int kHistory = 32;    // post spikes remembered per neuron between sweeps
  std::vector<std::int64_t> hist_step_;  // n_post x kHistory
  std::vector<float> hist_y_;            // post trace right after each remembered spike
  std::vector<std::uint8_t> hist_count_;
  std::vector<std::int64_t> last_post_spike_;  // step of each post neuron's last spike, -1 none

  // Modulator history since the last sweep (index q = k - base + 1; q = 0 is the sweep step).
  std::int64_t base_ = 0;          // first step after the last sweep
  int sweep_interval_ = 1000;      // [steps]
  std::vector<double> m_hist_;     // m_k
  std::vector<double> h_hist_;     // H_k = sum_{j=base..k} m_j alpha^(j-base)
  std::vector<double> pow_alpha_;  // alpha^n, alpha = exp(-dt/tau_c)
  std::vector<double> inv_alpha_;  // alpha^(1-q)
  std::vector<double> pow_beta_;   // pre trace decay^n
  std::vector<double> pow_gamma_;  // post trace decay^n
  double eta_dt_ = 0.0;            // eta dt for kEligibility [1]

  std::vector<float*> slots_;        // delivery buffer per delay, refreshed each step
  std::vector<RowScratch> scratch_;  // one per part (at least one)
  std::uint32_t longest_row_ = 0;    // [synapses] sizes the scratch
  int parts_ = 1;
  std::vector<std::uint32_t> split_;  // n_pre x (parts + 1): first synapse of each part per row
  std::uint64_t events_ = 0;
  bool counting_ = false;
  OpCounts counts_;
  /// Counts the synapses [begin, end) of one row: a plasticity visit each (eligibility and weight
  /// written when `eligibility`), and, when `delivered`, the effective accumulates.
  void countRow(std::uint32_t begin, std::uint32_t end, bool plastic, bool eligibility,
                bool delivered);
};

}  // namespace spikegym::snn
