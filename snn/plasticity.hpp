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
#pragma once

#include <string>
#include <vector>

#include "snn/params.hpp"

namespace spikegym::snn {

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

/// A registered rule: name, summary and declared parameters.
struct RuleInfo {
  std::string name;
  std::string summary;
  RuleKind kind;
  ParamTable params;
};

/// Every registered rule (none, stdp, hebbian, mstdp, mstdpet, rstdp).
const std::vector<RuleInfo>& plasticityRules();
/// The rule `name`; unknown names throw UserError with a did-you-mean.
const RuleInfo& ruleInfo(const std::string& name);
/// Builds rule `name` from user values (checked; unknown names and keys get a did-you-mean).
PlasticityRule makeRule(const std::string& name, const ParamValues& params = {});

}  // namespace spikegym::snn
