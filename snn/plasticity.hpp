// Plasticity rules, pluggable by name. A rule is data (its kind and resolved parameters); the
// per-synapse arithmetic lives in the projection's event-driven kernels (projection.cpp), with
// no virtual call per synapse (STYLE rule 3).
//
// Traces (per neuron, GeNN style): the pre trace x jumps by 1 at each pre spike and decays with
// tau_plus_ms; the post trace y jumps by 1 at each post spike and decays with tau_minus_ms. A
// pairing contributes e = +a_plus x at a post spike (pre before post) and e = -a_minus y at a pre
// spike (post before pre); spikes in the same step do not pair. Pairings use the spike times
// of the two neurons; conduction delays only shift when the current arrives. With weight w in
// [w_min, w_max], in step k (dt) with neuromodulator signal m_k:
//
//   none     w fixed.
//   stdp     w += e f(w) at each pairing (Song, Miller & Abbott 2000; Gutig et al. 2003):
//            f = ((w_max - w)/(w_max - w_min))^mu when potentiating, ((w - w_min)/(...))^mu when
//            depressing; mu = 0 additive, mu = 1 multiplicative.
//   hebbian  spike-based Oja rule: at each post spike, w += eta (x - y w), y including the spike
//            (Oja 1982's stabilising decay; rates estimated by the traces).
//   mstdp    Florian (2007) MSTDP: w += eta m_k e at each pairing (reward-modulated STDP, no
//            eligibility trace: only pairings in the step the reward arrives count).
//   mstdpet  Florian (2007) MSTDPET: eligibility c decays with tau_c_ms and collects e;
//            w += eta dt m_k c_k every step.
//   rstdp    Izhikevich (2007) / NEST stdp_dopamine_synapse: the same eligibility dynamics with
//            tau_c ~ 1 s; m_k is the dopamine concentration (plus tonic level, minus baseline)
//            from the neuromodulator channel. Equations as mstdpet; defaults differ.
//
// Exact event-driven integration: eligibility and weight are only touched at pre spikes (and at
// periodic sweeps), in closed form for the steps in between; the result equals stepping every
// synapse every step (tested), with weight bounds applied at the update.
//
// Window rules learn outside the engine: the engine keeps their projection's weights fixed
// during an action window, and a WindowLearner that the rule builds changes them between windows
// from the window's spikes, the action taken and its probabilities (snn/feedback_rule.hpp is
// one). A rule is a unit: its RuleInfo declares its parameters, what it needs from the network
// around it (RuleNeeds, checked wherever networks are resolved) and, for a window rule, its
// learner. Adding a rule is one file, one line in plasticityRules() and tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "snn/ops.hpp"
#include "snn/params.hpp"

namespace spikegym::snn {

class Projection;

enum class RuleKind { kNone, kStdp, kHebbian, kMstdp, kEligibility };

/// A resolved plasticity rule.
struct PlasticityRule {
  std::string name = "none";
  RuleKind kind = RuleKind::kNone;
  double tau_plus_ms = 20.0;   ///< [ms] pre trace decay
  double tau_minus_ms = 20.0;  ///< [ms] post trace decay
  double a_plus = 0.0;         ///< [weight unit per unit trace] potentiation amplitude
  double a_minus = 0.0;        ///< [weight unit per unit trace] depression amplitude
  double mu = 0.0;             ///< [1] weight dependence (stdp): 0 additive, 1 multiplicative
  double tau_c_ms = 1000.0;    ///< [ms] eligibility trace decay (mstdpet, rstdp)
  double eta = 0.0;            ///< learning rate: [1/s] mstdpet/rstdp, [1] mstdp/hebbian
  double w_min = 0.0;          ///< lower weight bound
  double w_max = 1.0;          ///< upper weight bound
  bool modulated() const { return kind == RuleKind::kMstdp || kind == RuleKind::kEligibility; }
};

/// A rule that changes its projection's weights between action windows (the engine keeps them
/// fixed within a window; weights are read at each delivery, so a change acts from the next
/// window on).
class WindowLearner {
 public:
  virtual ~WindowLearner() = default;
  /// A new episode: traces and eligibility to zero.
  virtual void reset() = 0;
  /// After each step of a window: the step's pre and post spikes.
  virtual void onStep(std::span<const std::uint32_t> pre_spikes,
                      std::span<const std::uint32_t> post_spikes) = 0;
  /// After the window: action `action` was taken, the readout's groups had probabilities `p`.
  virtual void endWindow(int action, std::span<const double> p) = 0;
  /// The modulator's signal for the window's last step: changes the weights.
  virtual void learn(double signal) = 0;
  /// An episode ended with return `episode_return`.
  virtual void endEpisode(double episode_return) = 0;
  /// State beyond weights and per-episode traces, for checkpoints: its section name and values
  /// (a fixed count per learner).
  virtual std::string stateSection() const = 0;
  virtual std::vector<double> state() const = 0;
  virtual void setState(std::span<const double> values) = 0;
  /// Per-synapse eligibility (the projection's synapse order) and its mean magnitude.
  virtual const std::vector<float>& eligibility() const = 0;
  virtual double meanEligibility() const = 0;
  virtual const Projection& projection() const = 0;
  /// The learning rate (the rule's eta) and, for a viewer's live control, a new one from now on.
  virtual double eta() const = 0;
  virtual void setEta(double eta) = 0;
  /// Plasticity work done so far (snn/ops.hpp: plasticity, elig_updates, weight_writes),
  /// counted per call, never per synapse.
  const OpCounts& counts() const { return counts_; }
  /// [bytes] The learner's own state (traces, pairings, eligibility).
  virtual std::size_t stateBytes() const = 0;

 protected:
  OpCounts counts_;
};

/// Builds a window rule's learner for `projection`, whose post neurons form action groups of
/// `group_size` neurons (group g = neurons [g * size, (g + 1) * size)); steps of `dt_ms` [ms].
using LearnerFactory = std::function<std::unique_ptr<WindowLearner>(
    Projection& projection, const ParamValues& params, int group_size, double dt_ms)>;

/// What a rule needs from the network it is used in.
struct RuleNeeds {
  bool modulator = false;  ///< a neuromodulator signal (plasticity.modulator)
  bool dense = false;      ///< all_to_all connectivity (it keeps a matrix per synapse)
  /// The action feedback: its target is the readout, whose decoder samples actions with
  /// probabilities (softmax).
  bool action_probabilities = false;
};

/// A registered rule: name, summary, declared parameters, needs and (window rules) learner.
struct RuleInfo {
  std::string name;
  std::string summary;
  RuleKind kind;  ///< what the engine does (kNone for a window rule: weights fixed in a window)
  ParamTable params;
  RuleNeeds needs = {};
  LearnerFactory make_learner = {};  ///< set for window rules only
};

/// Every registered rule (none, stdp, hebbian, mstdp, mstdpet, rstdp and the window rules).
const std::vector<RuleInfo>& plasticityRules();
/// The rule `name`; unknown names throw UserError with a did-you-mean.
const RuleInfo& ruleInfo(const std::string& name);
/// Builds rule `name`'s engine part from user values (checked; unknown names and keys get a
/// did-you-mean; w_min above w_max is refused for every rule that has both).
PlasticityRule makeRule(const std::string& name, const ParamValues& params = {});
/// Rule `info`'s engine part from values already checked against its table, every declared one
/// present (a resolver that checked them: no second check).
PlasticityRule ruleFromResolved(const RuleInfo& info, const ParamValues& resolved);

}  // namespace spikegym::snn
