#include "snn/plasticity.hpp"

#include "core/error.hpp"
#include "snn/feedback_rule.hpp"

namespace spikegym::snn {
namespace {

Param tauPlus() {
  return {"tau_plus_ms", 20.0, 0.1, 1000.0, "[ms] pre trace decay"};
}
Param tauMinus() {
  return {"tau_minus_ms", 20.0, 0.1, 1000.0, "[ms] post trace decay"};
}
Param wMin(double v) {
  return {"w_min", v, -1e6, 1e6, "lower weight bound"};
}
Param wMax(double v) {
  return {"w_max", v, -1e6, 1e6, "upper weight bound"};
}

}  // namespace

const std::vector<RuleInfo>& plasticityRules() {
  static const std::vector<RuleInfo> rules = {
      {"none", "frozen weights", RuleKind::kNone, {}},
      {"stdp",
       "pair-based STDP with per-neuron traces; mu = 0 additive, 1 multiplicative",
       RuleKind::kStdp,
       {tauPlus(),
        tauMinus(),
        {"a_plus", 0.005, 0.0, 1e3, "potentiation per pairing at unit trace (weight units)"},
        {"a_minus", 0.00525, 0.0, 1e3, "depression per pairing at unit trace (weight units)"},
        {"mu", 0.0, 0.0, 1.0, "[1] weight dependence: 0 additive, 1 multiplicative"},
        wMin(0.0),
        wMax(1.0)}},
      {"hebbian",
       "spike-based Oja rule: w += eta (x - y w) at each post spike",
       RuleKind::kHebbian,
       {tauPlus(),
        tauMinus(),
        {"eta", 0.001, 0.0, 1e3, "[1] learning rate per post spike"},
        wMin(0.0),
        wMax(1.0)}},
      {"mstdp",
       "Florian 2007 reward-modulated STDP without eligibility trace",
       RuleKind::kMstdp,
       {tauPlus(),
        tauMinus(),
        {"a_plus", 1.0, 0.0, 1e3, "potentiation at unit trace"},
        {"a_minus", 1.0, 0.0, 1e3, "depression at unit trace"},
        {"eta", 0.01, 0.0, 1e3, "[1] learning rate per unit modulator and pairing"},
        wMin(0.0),
        wMax(1.0)},
       {.modulator = true}},
      {"mstdpet",
       "Florian 2007 reward-modulated STDP with eligibility trace",
       RuleKind::kEligibility,
       {tauPlus(),
        tauMinus(),
        {"a_plus", 1.0, 0.0, 1e3, "potentiation at unit trace"},
        {"a_minus", 1.0, 0.0, 1e3, "depression at unit trace"},
        {"tau_c_ms", 25.0, 1.0, 1e5, "[ms] eligibility trace decay (Florian: 25)"},
        {"eta", 0.4, 0.0, 1e6, "[1/s] learning rate per unit modulator and eligibility"},
        wMin(0.0),
        wMax(1.0)},
       {.modulator = true}},
      {"rstdp",
       "Izhikevich 2007 dopamine-modulated STDP (NEST stdp_dopamine_synapse)",
       RuleKind::kEligibility,
       {tauPlus(),
        tauMinus(),
        {"a_plus", 0.1, 0.0, 1e3, "potentiation at unit trace (Izhikevich: 0.1)"},
        {"a_minus", 0.15, 0.0, 1e3, "depression at unit trace (Izhikevich: 1.5 x 0.1)"},
        {"tau_c_ms", 1000.0, 1.0, 1e5, "[ms] eligibility trace decay (Izhikevich: 1000)"},
        {"eta", 100.0, 0.0, 1e6,
         "[1/s] dw/dt = eta c m (Izhikevich: 100, i.e. w += (DA + 0.002) c every 10 ms)"},
        wMin(0.0),
        wMax(4.0)},
       {.modulator = true}},
      feedbackRuleInfo(),  // snn/feedback_rule.hpp
  };
  return rules;
}

const RuleInfo& ruleInfo(const std::string& name) {
  const RuleInfo* info = nullptr;
  std::vector<std::string> names;
  for (const auto& r : plasticityRules()) {
    names.push_back(r.name);
    if (r.name == name) info = &r;
  }
  if (!info) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw UserError("unknown learning rule '" + name + "'" + didYouMean(name, names) +
                    "; expected one of: " + list);
  }
  return *info;
}

PlasticityRule makeRule(const std::string& name, const ParamValues& params) {
  const RuleInfo* info = &ruleInfo(name);
  const ParamValues p = resolveParams(info->params, params, "learning rule '" + name + "'");
  if (p.count("w_min") && p.count("w_max") && !(p.at("w_min") <= p.at("w_max"))) {
    throw UserError("learning rule '" + name + "': w_min must not exceed w_max");
  }
  return ruleFromResolved(*info, p);
}

PlasticityRule ruleFromResolved(const RuleInfo& info, const ParamValues& p) {
  auto get = [&p](const char* key, double fallback) {
    auto it = p.find(key);
    return it == p.end() ? fallback : it->second;
  };
  PlasticityRule rule;
  rule.name = info.name;
  rule.kind = info.kind;
  rule.tau_plus_ms = get("tau_plus_ms", rule.tau_plus_ms);
  rule.tau_minus_ms = get("tau_minus_ms", rule.tau_minus_ms);
  rule.a_plus = get("a_plus", 0.0);
  rule.a_minus = get("a_minus", 0.0);
  rule.mu = get("mu", 0.0);
  rule.tau_c_ms = get("tau_c_ms", rule.tau_c_ms);
  rule.eta = get("eta", 0.0);
  rule.w_min = get("w_min", -1e6);
  rule.w_max = get("w_max", 1e6);
  return rule;
}

}  // namespace spikegym::snn
