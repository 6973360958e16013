#include "agents/network.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>

#include "agents/encoder.hpp"
#include "snn/plasticity.hpp"
#include "snn/population.hpp"

namespace spikegym::agents {
namespace {

using Kind = Param::Kind;

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

[[noreturn]] void fail(const std::string& key, const std::string& message) {
  throw NetworkError(key, message);
}

/// Walks the given "network.*" keys: each key must be claimed by exactly one table.
class Resolver {
 public:
  explicit Resolver(const ConfigValues& given) {
    for (const auto& [key, value] : given) {
      if (startsWith(key, "network.")) given_[key] = value;
    }
  }

  std::optional<std::string> get(const std::string& key) const {
    auto it = given_.find(key);
    if (it == given_.end()) return std::nullopt;
    return it->second;
  }

  /// The given keys that start with `lead`: a contiguous range of the sorted map, so each
  /// lookup costs log(keys) + its own keys, not every key (a scan of every key per population
  /// made the checks quadratic in the number of populations).
  template <typename Fn>
  void forEachUnder(const std::string& lead, Fn&& fn) const {
    for (auto it = given_.lower_bound(lead); it != given_.end() && startsWith(it->first, lead);
         ++it) {
      fn(it->first, it->second);
    }
  }

  /// Any given key at `prefix` or under it.
  bool has(const std::string& prefix) const {
    if (given_.count(prefix)) return true;
    const auto it = given_.lower_bound(prefix + ".");
    return it != given_.end() && startsWith(it->first, prefix + ".");
  }

  /// `prefix` must be a map (a scalar there is an error).
  void requireMap(const std::string& prefix, const std::string& what) const {
    if (given_.count(prefix)) {
      fail(prefix, "'" + given_.at(prefix) + "': expected " + what);
    }
  }

  /// The entry names of the map at `prefix`, sorted.
  std::vector<std::string> names(const std::string& prefix) const {
    std::set<std::string> out;
    const std::string lead = prefix + ".";
    forEachUnder(lead, [&](const std::string& key, const std::string&) {
      const std::string rest = key.substr(lead.size());
      out.insert(rest.substr(0, rest.find('.')));
    });
    return {out.begin(), out.end()};
  }

  /// Resolves the keys directly under `prefix` against `table` (sub-blocks named in `nested`
  /// are left to the caller); fills in defaults; values in canonical form.
  ParamText block(const std::string& prefix, const ParamTable& table,
                  const std::vector<std::string>& nested = {}) {
    const std::string lead = prefix + ".";
    std::vector<std::string> known;
    for (const auto& p : table) known.push_back(p.name);
    known.insert(known.end(), nested.begin(), nested.end());
    requireMap(prefix, "a map of settings (" + join(known) + ")");
    ParamText mine;
    forEachUnder(lead, [&](const std::string& key, const std::string& value) {
      const std::string rest = key.substr(lead.size());
      const std::string head = rest.substr(0, rest.find('.'));
      if (std::find(nested.begin(), nested.end(), head) != nested.end()) return;
      if (head == "<<") {
        fail(key, "YAML merge keys (<<) are not supported; write each setting out");
      }
      if (rest.find('.') != std::string::npos || !findParam(table, rest)) {
        fail(lead + head, "unknown setting '" + head + "'" + didYouMean(head, known) +
                              "; expected one of: " + join(known));
      }
      mine[rest] = value;
      claimed_.insert(key);
    });
    ParamText resolved;
    for (const Param& p : table) {
      auto it = mine.find(p.name);
      std::string v = it != mine.end() ? it->second : p.default_value;
      if (it != mine.end()) {
        if (const std::string expected = p.check(v); !expected.empty()) {
          fail(lead + p.name, "'" + v + "': expected " + expected);
        }
      }
      double x = 0;
      if ((p.kind == Kind::kNumber || p.kind == Kind::kInteger) && parseNumber(v, x)) {
        v = formatNumber(x);
      }
      resolved[p.name] = v;
      out_[lead + p.name] = v;
    }
    return resolved;
  }

  /// A scalar that may stand at `key` itself (weight: 2); claims it.
  void claim(const std::string& key) { claimed_.insert(key); }
  void put(const std::string& key, const std::string& value) { out_[key] = value; }

  /// Every given key was resolved by some table.
  void requireAllClaimed() const {
    for (const auto& [key, value] : given_) {
      if (!claimed_.count(key)) fail(key, "unknown setting");
    }
  }

  const ConfigValues& out() const { return out_; }

 private:
  ConfigValues given_, out_;
  std::set<std::string> claimed_;
};

Param choice(std::string name, std::string def, std::vector<std::string> choices, std::string doc) {
  return {std::move(name), std::move(def), Kind::kChoice, 0, 0, std::move(choices), std::move(doc)};
}
Param text(std::string name, std::string def, std::string doc) {
  return {std::move(name), std::move(def), Kind::kText, 0, 0, {}, std::move(doc)};
}
Param flag(std::string name, std::string def, std::string doc) {
  return {std::move(name), std::move(def), Kind::kBool, 0, 0, {}, std::move(doc)};
}

/// Reads a selector at `key` (default `def`) and checks it is one of `choices`.
std::string selector(const Resolver& r, const std::string& key, const std::string& def,
                     const std::vector<std::string>& choices) {
  const std::string v = r.get(key).value_or(def);
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    fail(key, "'" + v + "': expected one of " + join(choices) + didYouMean(v, choices));
  }
  return v;
}

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

double number(const ParamText& values, const std::string& name) {
  double v = 0;
  parseNumber(values.at(name), v);
  return v;
}

/// Neuron models a population of neurons may use (the spike sources are encoders' business).
std::vector<std::string> neuronModelNames() {
  std::vector<std::string> out;
  for (const auto* m : snn::neuronModels()) {
    if (m->name != "poisson" && m->name != "regular") out.push_back(m->name);
  }
  return out;
}

const std::vector<std::string>& connectivityRules() {
  static const std::vector<std::string> rules = {"all_to_all",         "one_to_one",
                                                 "pairwise_bernoulli", "fixed_indegree",
                                                 "fixed_outdegree",    "between_groups"};
  return rules;
}

ParamTable connectivityTable(const std::string& rule) {
  ParamTable t = {
      choice("rule", "all_to_all", connectivityRules(), "connection rule (NEST names)")};
  if (rule == "pairwise_bernoulli") {
    t.push_back({"p", 0.1, 1e-12, 1, "[1] probability of each pair"});
  } else if (rule == "fixed_indegree") {
    t.push_back({"indegree", "10", Kind::kInteger, 1, 1e7, {}, "synapses into each target"});
  } else if (rule == "fixed_outdegree") {
    t.push_back({"outdegree", "10", Kind::kInteger, 1, 1e7, {}, "synapses out of each source"});
  }
  if (rule != "one_to_one" && rule != "between_groups") {
    t.push_back(flag("allow_autapses", "false", "source == target: may a neuron reach itself"));
  }
  return t;
}

std::vector<std::string> ruleNames() {
  std::vector<std::string> out;
  for (const auto& r : snn::plasticityRules()) out.push_back(r.name);
  return out;
}

}  // namespace

snn::ParamValues snnRuleDefaults(const std::string& rule) {
  if (snn::ruleInfo(rule).make_learner) return {};  // a window rule's own defaults
  switch (snn::ruleInfo(rule).kind) {
    case snn::RuleKind::kEligibility:
      // mstdpet keeps Florian's 25 ms eligibility: it is what distinguishes it from rstdp.
      if (rule == "mstdpet") {
        return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"eta", 0.2}, {"w_min", 0.0}, {"w_max", 8.0}};
      }
      return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"tau_c_ms", 200.0},
              {"eta", 0.15},   {"w_min", 0.0},   {"w_max", 8.0}};
    case snn::RuleKind::kMstdp:
      return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"eta", 0.001}, {"w_min", 0.0}, {"w_max", 8.0}};
    case snn::RuleKind::kStdp:
    case snn::RuleKind::kHebbian:
      return {{"w_min", 0.0}, {"w_max", 8.0}};
    case snn::RuleKind::kNone:
      break;
  }
  return {};
}

ParamTable snnRuleTable(const std::string& rule) {
  ParamTable t = snn::ruleInfo(rule).params;
  for (const auto& [name, value] : snnRuleDefaults(rule)) {
    for (Param& p : t) {
      if (p.name == name) p.default_value = formatNumber(value);
    }
  }
  return t;
}

const PopulationDef& NetworkDef::population(const std::string& name) const {
  for (const auto& p : populations) {
    if (p.name == name) return p;
  }
  throw UsageError("NetworkDef::population: no population '" + name + "'");
}

bool hasNetwork(const ConfigValues& values) {
  for (const auto& [key, value] : values) {
    if (startsWith(key, "network.")) return true;
  }
  return false;
}

const std::vector<std::string>& replacedByNetwork() {
  static const std::vector<std::string> keys = {"encoder",
                                                "cells_per_dim",
                                                "rf_width",
                                                "obs_range",
                                                "max_rate_hz",
                                                "input_current",
                                                "hidden",
                                                "hidden_p",
                                                "hidden_w",
                                                "output_size",
                                                "neuron_model",
                                                "learning_rule",
                                                "w_init_min",
                                                "w_init_max",
                                                "wta_inhibition",
                                                "decoder",
                                                "temperature",
                                                "epsilon_start",
                                                "epsilon_end",
                                                "epsilon_episodes",
                                                "explore_current",
                                                "dopamine",
                                                "dopamine_gain",
                                                "dopamine_tau_ms",
                                                "baseline_window",
                                                "gamma",
                                                "critic_lr",
                                                "critic_lambda",
                                                "homeostasis",
                                                "rule",
                                                "neuron",
                                                "critic_features",
                                                "critic_joint_cells",
                                                "greedy_eval"};
  return keys;
}

namespace {

/// What the block resolvers share while one network is resolved: the keys, the env's spaces,
/// the step, and the namespace of populations, projections and modulators.
struct Scope {
  Resolver& r;
  const envs::Space& observation_space;
  int n_actions = 0;
  int dims = 0;
  double dt_ms = 1;
  std::map<std::string, std::string> kind_of;  ///< name -> "population" | ...
  std::set<std::string> disabled;              ///< names given enabled: false

  std::vector<std::string> namesOf(const std::string& kind) const {
    std::vector<std::string> out;
    for (const auto& [n, k] : kind_of) {
      if (k == kind) out.push_back(n);
    }
    return out;
  }

  /// A reference at `key` to an object of `kind`; a disabled target fails when `active`.
  void resolveRef(const std::string& key, const std::string& name, const std::string& kind,
                  bool active) const {
    if (name.empty()) fail(key, "missing: expected the name of a " + kind);
    auto it = kind_of.find(name);
    if (it == kind_of.end()) {
      const auto candidates = namesOf(kind);
      fail(key, "'" + name + "': no " + kind + " of that name" + didYouMean(name, candidates) +
                    (candidates.empty() ? "" : "; " + kind + "s: " + join(candidates)));
    }
    if (it->second != kind) {
      fail(key, "'" + name + "' is a " + it->second + "; expected a " + kind);
    }
    if (active && disabled.count(name)) {
      fail(key, "'" + name + "' is disabled (enabled: false); disable this too or enable it");
    }
  }
};

/// The top-level sections, and the env's spaces a network can serve.
void checkSections(const Resolver& r, const envs::Space& observation_space,
                   const envs::Space& action_space) {
  const std::vector<std::string> sections = {"populations", "projections", "modulators", "critic",
                                             "readout"};
  r.requireMap("network", "a map with " + join(sections));
  for (const auto& name : r.names("network")) {
    if (std::find(sections.begin(), sections.end(), name) == sections.end()) {
      fail("network." + name, "unknown section '" + name + "'" + didYouMean(name, sections) +
                                  "; expected one of: " + join(sections));
    }
  }
  if (action_space.kind() != envs::Space::Kind::kDiscrete) {
    fail("network.readout", "needs a Discrete action space, got " + action_space.describe());
  }
  if (observation_space.kind() != envs::Space::Kind::kBox) {
    fail("network.populations",
         "encoders need a Box observation space, got " + observation_space.describe());
  }
}

/// Names: one namespace for populations, projections and modulators.
void collectNames(Scope& s) {
  for (const std::string section : {"populations", "projections", "modulators"}) {
    const std::string prefix = "network." + section;
    s.r.requireMap(prefix, "a map of " + section + " by name");
    for (const auto& name : s.r.names(prefix)) {
      if (name == "<<") fail(prefix + ".<<", "YAML merge keys (<<) are not supported");
      if (!validName(name)) {
        fail(prefix + "." + name, "name '" + name +
                                      "': expected a lowercase letter, then letters, digits or "
                                      "'_' (at most 64)");
      }
      const std::string kind = section.substr(0, section.size() - 1);
      const auto [it, fresh] = s.kind_of.emplace(name, kind);
      if (!fresh) {
        fail(prefix + "." + name, "name '" + name + "' is already a " + it->second +
                                      "; populations, projections and modulators share one "
                                      "namespace");
      }
    }
  }
}

/// A population's size as its other settings derive it (0: not derived) and how, for messages.
struct DerivedSize {
  std::int64_t size = 0;
  std::string how;
};

/// An encoder population (populations.NAME.encoder): its model's table, ranges checked against
/// the observation space.
DerivedSize resolveEncoder(Scope& s, const std::string& prefix, PopulationDef& p) {
  if (s.r.has(prefix + ".groups")) {
    fail(prefix + ".groups", "encoder populations have no action groups");
  }
  p.encoder = true;
  const std::string ekey = prefix + ".encoder";
  const std::vector<std::string> models = {"gaussian_rf", "rate", "intensity"};
  const std::string model = selector(s.r, ekey + ".model", "gaussian_rf", models);
  ParamTable t = {choice("model", "gaussian_rf", models,
                         "gaussian_rf: receptive fields per dim; rate: on/off pair per dim; "
                         "intensity: one Poisson neuron per dim (pixels)")};
  if (model == "gaussian_rf") {
    for (const auto& q : GaussianEncoder::params()) t.push_back(q);
    t.push_back(choice("drive", "poisson", {"poisson", "current"},
                       "Poisson rates, or currents into LIF input neurons"));
    t.push_back({"max_rate_hz", 250, 0, 1000, "[Hz] rate at full activity (drive poisson)"});
    t.push_back({"current_mv", 30, 0, 1000, "[mV] current at full activity (drive current)"});
  } else if (model == "rate") {
    t.push_back(GaussianEncoder::params()[2]);  // obs_range: the value's scale per dim
    t.push_back({"max_rate_hz", 250, 0, 1000, "[Hz] rate at |value| = range"});
  } else {  // intensity: Diehl & Cook's pixel coding, rate proportional to the value in range
    t.push_back(GaussianEncoder::params()[2]);
    t.push_back({"max_rate_hz", 63.75, 0, 1000,
                 "[Hz] rate at the top of the range (Diehl & Cook 2015: 63.75)"});
    t.push_back({"mean_rate_hz", 0, 0, 1000,
                 "[Hz] if > 0: every observation's rates scaled to this mean over its "
                 "dimensions (a faint image drives as much as a bright one)"});
  }
  const ParamText e = s.r.block(ekey, t);
  p.encoder_model = model;
  p.drive = model == "gaussian_rf" ? e.at("drive") : "poisson";
  p.cells_per_dim = model == "gaussian_rf" ? static_cast<int>(number(e, "cells_per_dim"))
                    : model == "rate"      ? 2
                                           : 1;
  p.rf_width = model == "gaussian_rf" ? number(e, "rf_width") : 1.0;
  p.obs_range = e.at("obs_range");
  p.max_rate_hz = number(e, "max_rate_hz");
  p.current_mv = model == "gaussian_rf" ? number(e, "current_mv") : 0.0;
  p.mean_rate_hz = model == "intensity" ? number(e, "mean_rate_hz") : 0.0;
  try {  // the ranges parse against the observation space
    GaussianEncoder check(s.observation_space, std::max(2, p.cells_per_dim), p.rf_width,
                          p.obs_range);
  } catch (const UserError& err) {
    fail(ekey + ".obs_range", err.what());
  }
  if (p.drive == "current") {
    p.neuron_model = "lif";
    p.neuron_params = {{"tau_syn_ms", 0.0}};
  }
  if (model == "gaussian_rf") {
    return {static_cast<std::int64_t>(s.dims) * p.cells_per_dim,
            std::to_string(s.dims) + " observation dims x " + std::to_string(p.cells_per_dim) +
                " cells_per_dim"};
  }
  if (model == "intensity") {
    return {static_cast<std::int64_t>(s.dims), std::to_string(s.dims) + " observation dims"};
  }
  return {2 * static_cast<std::int64_t>(s.dims),
          "2 x " + std::to_string(s.dims) + " observation dims"};
}

/// A population of neurons (populations.NAME.neuron, optional groups): the model's table with
/// its preset expanded.
DerivedSize resolveNeurons(Scope& s, const std::string& prefix, PopulationDef& p) {
  Resolver& r = s.r;
  const std::string nkey = prefix + ".neuron";
  const std::vector<std::string> models = neuronModelNames();
  const std::string model = selector(r, nkey + ".model", "lif", models);
  const snn::NeuronModelInfo& info = snn::neuronModel(model);
  std::vector<std::string> preset_names;
  for (const auto& [pn, values] : info.presets) preset_names.push_back(pn);
  const std::optional<std::string> preset = r.get(nkey + ".preset");
  if (preset && preset_names.empty()) {
    fail(nkey + ".preset", "neuron model '" + model + "' has no presets");
  }
  if (preset &&
      std::find(preset_names.begin(), preset_names.end(), *preset) == preset_names.end()) {
    fail(nkey + ".preset", "'" + *preset + "': expected one of " + join(preset_names) +
                               didYouMean(*preset, preset_names));
  }
  const std::string full = preset ? model + ":" + *preset : model;
  ParamTable t = {choice("model", "lif", models, "neuron model (see list neurons)")};
  if (preset) t.push_back(choice("preset", *preset, preset_names, "named parameter set"));
  for (const auto& q : snn::neuronModelTable(full)) t.push_back(q);
  const ParamText n = r.block(nkey, t);
  p.neuron_model = full;
  for (const auto& [k, v] : numbersOf(n)) p.neuron_params[k] = v;
  if (!r.has(prefix + ".groups")) return {};
  const std::string gkey = prefix + ".groups";
  const ParamText g = r.block(
      gkey, {text("count", "auto", "action groups: a whole number, or auto (one per action)"),
             {"size", "16", Kind::kInteger, 1, 100000, {}, "neurons per group"}});
  std::int64_t count = s.n_actions;
  if (g.at("count") != "auto") {
    if (!parseInteger(g.at("count"), count) || count < 1 || count > 100000) {
      fail(gkey + ".count", "'" + g.at("count") + "': expected auto or a whole number >= 1");
    }
  }
  r.put(gkey + ".count", std::to_string(count));
  p.group_count = static_cast<int>(count);
  p.group_size = static_cast<int>(number(g, "size"));
  return {count * p.group_size,
          std::to_string(count) + " groups x " + std::to_string(p.group_size)};
}

/// populations.NAME: an encoder or neurons, and a size that agrees with its derivation.
PopulationDef resolvePopulation(Scope& s, const std::string& name) {
  static const ParamTable kTable = {
      flag("enabled", "true", "false removes the population (for structural ablations)"),
      text("size", "auto", "neurons: a whole number >= 1, or auto (encoders, grouped populations)"),
  };
  const std::string prefix = "network.populations." + name;
  const ParamText own = s.r.block(prefix, kTable, {"neuron", "encoder", "groups"});
  if (own.at("enabled") == "false") s.disabled.insert(name);
  PopulationDef p;
  p.name = name;
  const bool is_encoder = s.r.has(prefix + ".encoder");
  if (is_encoder && s.r.has(prefix + ".neuron")) {
    fail(prefix + ".neuron",
         "a population is either an encoder (spike sources driven by the observation) or "
         "neurons; remove 'neuron' or 'encoder'");
  }
  const DerivedSize derived =
      is_encoder ? resolveEncoder(s, prefix, p) : resolveNeurons(s, prefix, p);
  std::int64_t size = derived.size;
  if (own.at("size") == "auto") {
    if (derived.size == 0) {
      fail(prefix + ".size",
           "auto is only for encoders and grouped populations; give a whole "
           "number of neurons");
    }
  } else if (!parseInteger(own.at("size"), size) || size < 1 || size > 10'000'000) {
    fail(prefix + ".size", "'" + own.at("size") + "': expected auto or a whole number in [1, 1e7]");
  } else if (derived.size != 0 && size != derived.size) {
    fail(prefix + ".size", "'" + own.at("size") + "' contradicts its derivation: " + derived.how +
                               " = " + std::to_string(derived.size) + "; write auto or " +
                               std::to_string(derived.size));
  }
  p.size = static_cast<std::uint32_t>(size);
  s.r.put(prefix + ".size", std::to_string(size));
  return p;
}

/// modulators.NAME: what the channel carries and how it decays.
ModulatorDef resolveModulator(Scope& s, const std::string& name) {
  const std::vector<std::string> signals = {"reward", "reward_minus_baseline", "td_error"};
  const std::string prefix = "network.modulators." + name;
  const std::string signal = selector(s.r, prefix + ".signal", "td_error", signals);
  ParamTable t = {flag("enabled", "true", "false removes the modulator"),
                  choice("signal", "td_error", signals,
                         "what it carries: the reward, reward minus its running average, or the "
                         "critic's TD error"),
                  {"gain", 1, 0, 1e6, "[1] level per unit of signal"},
                  {"tau_ms", 10, 0, 1e5, "[ms] decay of the level"}};
  if (signal == "reward_minus_baseline") {
    t.push_back({"baseline_window", 100, 1, 1e9, "[steps] reward average window"});
  }
  const ParamText m = s.r.block(prefix, t);
  if (m.at("enabled") == "false") s.disabled.insert(name);
  ModulatorDef d;
  d.name = name;
  d.signal = signal;
  d.gain = number(m, "gain");
  d.tau_ms = number(m, "tau_ms");
  if (signal == "reward_minus_baseline") d.baseline_window = number(m, "baseline_window");
  return d;
}

/// critic: the linear TD critic's features and learning; nothing if absent or disabled.
std::optional<CriticDef> resolveCritic(Scope& s) {
  Resolver& r = s.r;
  if (!r.has("network.critic")) return std::nullopt;
  ParamTable t = {flag("enabled", "true", "false removes the critic"),
                  choice("model", "linear_td", {"linear_td"},
                         "linear TD(lambda) on features of the observation (not spiking)"),
                  choice("features", "gaussian_rf", {"gaussian_rf", "joint_rf"},
                         "feature map of the observation: Gaussian receptive fields per dim, "
                         "or those plus 2-D fields over consecutive pairs of dims")};
  for (const auto& q : GaussianEncoder::params()) t.push_back(q);
  const std::string features =
      selector(r, "network.critic.features", "gaussian_rf", {"gaussian_rf", "joint_rf"});
  if (features == "joint_rf") {
    t.push_back({"joint_cells",
                 "6",
                 Kind::kInteger,
                 2,
                 64,
                 {},
                 "joint_rf: grid cells per dimension of each pair"});
  }
  t.push_back({"gamma", 0.99, 0, 1, "[1] discount"});
  t.push_back({"lr", 0.01, 0, 10, "[1] learning rate"});
  t.push_back({"lambda", 0.9, 0, 1, "[1] eligibility trace decay"});
  const ParamText c = r.block("network.critic", t);
  CriticDef d;
  d.features = c.at("features");
  d.cells_per_dim = static_cast<int>(number(c, "cells_per_dim"));
  if (c.count("joint_cells")) d.joint_cells = static_cast<int>(number(c, "joint_cells"));
  d.rf_width = number(c, "rf_width");
  d.obs_range = c.at("obs_range");
  d.gamma = number(c, "gamma");
  d.lr = number(c, "lr");
  d.lambda = number(c, "lambda");
  try {
    GaussianEncoder check(s.observation_space, d.cells_per_dim, d.rf_width, d.obs_range);
  } catch (const UserError& err) {
    fail("network.critic.obs_range", err.what());
  }
  if (c.at("enabled") != "true") return std::nullopt;
  return d;
}

/// A constant or {uniform: {low, high}} at `key` (a projection's weight [mV] or delay_ms [ms]);
/// `def_value` when absent, or an error naming the projection `prefix` without one.
std::pair<double, double> resolveRange(Resolver& r, const std::string& prefix,
                                       const std::string& key, const std::string& unit,
                                       double lo_bound,
                                       const std::optional<std::string>& def_value) {
  const auto scalar = r.get(key);
  const bool map = r.has(key + ".uniform") || (r.has(key) && !scalar);
  if (scalar && map) fail(key, "give either a number or {uniform: {low, high}}, not both");
  if (map) {
    r.block(key, {}, {"uniform"});
    const ParamText u =
        r.block(key + ".uniform",
                {{"low", "", Kind::kNumber, lo_bound, 1e6, {}, "[" + unit + "] lower bound"},
                 {"high", "", Kind::kNumber, lo_bound, 1e6, {}, "[" + unit + "] upper bound"}});
    if (u.at("low").empty() || u.at("high").empty()) {
      fail(key + ".uniform", "expected both low and high [" + unit + "]");
    }
    const double lo = number(u, "low"), hi = number(u, "high");
    if (lo > hi) fail(key + ".uniform.low", "is above high; expected low <= high");
    return {lo, hi};
  }
  std::string v;
  if (scalar) {
    v = *scalar;
    r.claim(key);
  } else if (def_value) {
    v = *def_value;
  } else {
    fail(prefix, "missing '" + key.substr(prefix.size() + 1) + "': expected a number [" + unit +
                     "] or {uniform: {low, high}}");
  }
  double x = 0;
  if (!parseNumber(v, x) || x < lo_bound || x > 1e6) {
    fail(key, "'" + v + "': expected a number in [" + formatNumber(lo_bound) + ", 1e6] [" + unit +
                  "] or {uniform: {low, high}}");
  }
  r.put(key, formatNumber(x));
  return {x, x};
}

/// [steps] A delay of `ms` at `key` as a whole number of steps of dt_ms, 1 to 255.
int delaySteps(double ms, double dt_ms, const std::string& key) {
  const double s = ms / dt_ms;
  const double rounded = std::round(s);
  if (std::abs(s - rounded) > 1e-9 * std::max(1.0, s)) {
    fail(key, formatNumber(ms) +
                  " ms is not a multiple of the step dt_ms = " + formatNumber(dt_ms) +
                  "; nearest: " + formatNumber(std::max(1.0, std::floor(s)) * dt_ms) + " or " +
                  formatNumber((std::floor(s) + 1) * dt_ms));
  }
  if (rounded < 1 || rounded > 255) {
    fail(key, formatNumber(ms) + " ms is " + formatNumber(rounded) +
                  " steps; expected 1 to 255 steps of dt_ms = " + formatNumber(dt_ms));
  }
  return static_cast<int>(rounded);
}

/// projections.NAME.connectivity: the rule and its table.
void resolveConnectivity(Scope& s, const std::string& prefix, ProjectionDef& d) {
  const std::string ckey = prefix + ".connectivity";
  d.connectivity = selector(s.r, ckey + ".rule", "all_to_all", connectivityRules());
  const ParamText c = s.r.block(ckey, connectivityTable(d.connectivity));
  if (c.count("p")) d.p = number(c, "p");
  if (c.count("indegree")) d.degree = static_cast<std::uint32_t>(number(c, "indegree"));
  if (c.count("outdegree")) d.degree = static_cast<std::uint32_t>(number(c, "outdegree"));
  d.allow_autapses = c.count("allow_autapses") && c.at("allow_autapses") == "true";
}

/// projections.NAME.plasticity: the rule's table (the snn agent's defaults), its needs, and the
/// engine's rule built once.
void resolvePlasticity(Scope& s, const std::string& prefix, ProjectionDef& d, bool active) {
  Resolver& r = s.r;
  const std::string pkey = prefix + ".plasticity";
  d.rule = selector(r, pkey + ".rule", "none", ruleNames());
  ParamTable pt = {choice("rule", "none", ruleNames(), "plasticity rule (see list rules)"),
                   text("modulator", "", "the modulator of a modulated rule (by name)")};
  const snn::RuleInfo& rule_info = snn::ruleInfo(d.rule);
  for (const auto& q : snnRuleTable(d.rule)) pt.push_back(q);
  const ParamText pl = r.block(pkey, pt);
  d.modulator = pl.at("modulator");
  for (const auto& q : rule_info.params) {
    const std::string& v = pl.at(q.name);
    double x = 0;
    if (q.kind == Param::Kind::kBool) {
      x = v == "true" ? 1.0 : 0.0;
    } else {
      parseNumber(v, x);
    }
    d.rule_params[q.name] = x;
  }
  if (d.rule_params.count("w_min") && d.rule_params.at("w_min") > d.rule_params.at("w_max")) {
    fail(pkey + ".w_min", "is above w_max");
  }
  d.plasticity = snn::ruleFromResolved(rule_info, d.rule_params);  // checked above, once
  const bool modulated = rule_info.needs.modulator;
  if (rule_info.needs.dense && d.connectivity != "all_to_all") {
    fail(prefix + ".connectivity.rule",
         "'" + d.connectivity + "': rule '" + d.rule +
             "' keeps a matrix per synapse and needs all_to_all connectivity");
  }
  if (modulated && d.modulator.empty()) {
    fail(pkey + ".rule",
         "'" + d.rule + "' is modulated: name its modulator (plasticity.modulator)");
  }
  if (!modulated && !d.modulator.empty()) {
    fail(pkey + ".modulator", "'" + d.rule + "' is not modulated; remove the modulator");
  }
  if (!d.modulator.empty()) s.resolveRef(pkey + ".modulator", d.modulator, "modulator", active);
  if (d.rule == "none") return;
  if (d.inhibitory) {
    fail(pkey + ".rule",
         "plastic inhibitory projections are not supported; make it "
         "excitatory or use rule none");
  }
  const double w_min = d.rule_params.at("w_min"), w_max = d.rule_params.at("w_max");
  if (d.w_low < w_min || d.w_high > w_max) {
    const bool map = r.has(prefix + ".weight.uniform");
    fail(prefix +
             (map ? (d.w_low < w_min ? ".weight.uniform.low" : ".weight.uniform.high") : ".weight"),
         "initial weights [" + formatNumber(d.w_low) + ", " + formatNumber(d.w_high) +
             "] mV lie outside the rule's bounds [w_min, w_max] = [" + formatNumber(w_min) + ", " +
             formatNumber(w_max) + "]");
  }
}

/// projections.NAME; `active` receives its enabled flag.
ProjectionDef resolveProjection(Scope& s, const std::string& name, bool& active) {
  static const ParamTable kTable = {
      flag("enabled", "true", "false removes the projection (for structural ablations)"),
      text("source", "", "presynaptic population"),
      text("target", "", "postsynaptic population"),
      choice("receptor_type", "excitatory", {"excitatory", "inhibitory"},
             "sign of the weights (weights are magnitudes)"),
  };
  Resolver& r = s.r;
  const std::string prefix = "network.projections." + name;
  const ParamText own =
      r.block(prefix, kTable, {"connectivity", "weight", "delay_ms", "plasticity", "normalize"});
  active = own.at("enabled") == "true";
  if (!active) s.disabled.insert(name);
  ProjectionDef d;
  d.name = name;
  d.source = own.at("source");
  d.target = own.at("target");
  s.resolveRef(prefix + ".source", d.source, "population", active);
  s.resolveRef(prefix + ".target", d.target, "population", active);
  d.inhibitory = own.at("receptor_type") == "inhibitory";
  resolveConnectivity(s, prefix, d);
  std::tie(d.w_low, d.w_high) =
      resolveRange(r, prefix, prefix + ".weight", "mV", 0.0, std::nullopt);
  const auto [delay_lo, delay_hi] =
      resolveRange(r, prefix, prefix + ".delay_ms", "ms", 0.0, formatNumber(s.dt_ms));
  const bool delay_map = r.has(prefix + ".delay_ms.uniform");
  d.delay_low =
      delaySteps(delay_lo, s.dt_ms, prefix + (delay_map ? ".delay_ms.uniform.low" : ".delay_ms"));
  d.delay_high =
      delaySteps(delay_hi, s.dt_ms, prefix + (delay_map ? ".delay_ms.uniform.high" : ".delay_ms"));
  resolvePlasticity(s, prefix, d, active);
  const ParamText nz = r.block(
      prefix + ".normalize",
      {choice("mode", "none", {"none", "keep_initial_row_sum", "keep_initial_row_norm"},
              "after each learning episode, scale each target neuron's input weights back to "
              "their initial sum (synaptic scaling) or initial Euclidean norm")});
  d.normalize = nz.at("mode") != "none";
  d.normalize_norm = nz.at("mode") == "keep_initial_row_norm";
  return d;
}

/// readout: the grouped population whose groups are the actions, how spikes become an action,
/// exploration and evaluation.
ReadoutDef resolveReadout(Scope& s) {
  Resolver& r = s.r;
  if (!r.has("network.readout")) {
    fail("network", "missing 'readout': expected {population: <grouped population>, decode}");
  }
  const std::vector<std::string> decodes = {"argmax", "softmax", "first_to_spike",
                                            "label_assignment"};
  const std::string decode = selector(r, "network.readout.decode", "argmax", decodes);
  const bool labels = decode == "label_assignment";
  ParamTable rt = {text("population", "",
                        "the grouped population whose groups are the actions (label_assignment: "
                        "any neuron population)"),
                   choice("decode", "argmax", decodes,
                          "spike counts per group -> action; label_assignment: each neuron's "
                          "class learned from the env's info label (Diehl & Cook 2015)")};
  if (decode == "softmax") {
    rt.push_back({"temperature", 1, 1e-6, 1e6, "[spikes] softmax temperature"});
  }
  if (labels) {
    rt.push_back({"assign_every",
                  "1000",
                  Kind::kInteger,
                  1,
                  1e8,
                  {},
                  "[episodes] labelled windows per renewal of the neurons' classes"});
    rt.push_back(choice("vote", "mean", {"mean", "proportion"},
                        "mean: the class whose neurons fired most on average (Diehl & Cook "
                        "2015); proportion: each neuron votes by its response shares"));
  }
  const ParamText ro = r.block("network.readout", rt, {"exploration", "evaluation"});
  // label_assignment answers from what it learned; it has no groups to explore with.
  const ParamText ex =
      r.block("network.readout.exploration",
              {{"epsilon_start", labels ? 0.0 : 0.05, 0, labels ? 0.0 : 1.0,
                "[1] exploration probability at first"},
               {"epsilon_end", 0, 0, labels ? 0.0 : 1.0, "[1] exploration probability at the end"},
               {"epsilon_episodes", 300, 1, 1e9, "[episodes] linear decay length"},
               {"drive_mv", 40, 0, 1000, "[mV] drive into the explored action's group"}});
  const ParamText ev =
      r.block("network.readout.evaluation",
              {flag("greedy", "false",
                    "evaluation episodes (learning off) decide by argmax, not by the readout's "
                    "sampling")});
  ReadoutDef d;
  d.greedy_eval = ev.at("greedy") == "true";
  d.population = ro.at("population");
  d.decode = decode;
  if (decode == "softmax") d.temperature = number(ro, "temperature");
  if (labels) {
    d.assign_every = static_cast<int>(number(ro, "assign_every"));
    d.vote = ro.at("vote");
  }
  d.epsilon_start = number(ex, "epsilon_start");
  d.epsilon_end = number(ex, "epsilon_end");
  d.epsilon_episodes = number(ex, "epsilon_episodes");
  d.drive_mv = number(ex, "drive_mv");
  s.resolveRef("network.readout.population", d.population, "population", true);
  return d;
}

/// The one enabled modulator channel (a td_error channel needs the critic).
void chooseModulator(const Scope& s, const std::map<std::string, ModulatorDef>& mods,
                     NetworkDef& def) {
  std::vector<std::string> active_mods;
  for (const auto& [name, m] : mods) {
    if (s.disabled.count(name)) continue;
    if (m.signal == "td_error" && !def.critic) {
      fail("network.modulators." + name + ".signal",
           "td_error needs a critic (network.critic, enabled)");
    }
    active_mods.push_back(name);
    def.modulator = m;
  }
  if (active_mods.size() > 1) {
    fail("network.modulators." + active_mods[1],
         "one modulator channel is supported; enabled: " + join(active_mods));
  }
}

/// Each enabled projection against its populations: targets, sizes and degrees; then every
/// neuron population must be reached by one.
void checkProjections(const std::map<std::string, PopulationDef>& pops, const NetworkDef& def) {
  std::map<std::string, int> incoming;
  for (const auto& d : def.projections) {
    const std::string prefix = "network.projections." + d.name;
    const PopulationDef& src = pops.at(d.source);
    const PopulationDef& tgt = pops.at(d.target);
    if (tgt.encoder) {
      fail(prefix + ".target", "'" + d.target +
                                   "' is an encoder population: its activity comes from the "
                                   "observation, so it takes no projections");
    }
    ++incoming[d.target];
    const std::string ckey = prefix + ".connectivity";
    const bool same = d.source == d.target;
    if (d.connectivity == "one_to_one" && src.size != tgt.size) {
      fail(ckey + ".rule", "one_to_one needs equal sizes; '" + d.source + "' has " +
                               std::to_string(src.size) + ", '" + d.target + "' " +
                               std::to_string(tgt.size));
    }
    const std::uint32_t self = same && !d.allow_autapses ? 1 : 0;
    if (d.connectivity == "fixed_indegree" && d.degree > src.size - self) {
      fail(ckey + ".indegree", std::to_string(d.degree) + " exceeds the " +
                                   std::to_string(src.size - self) + " possible sources");
    }
    if (d.connectivity == "fixed_outdegree" && d.degree > tgt.size - self) {
      fail(ckey + ".outdegree", std::to_string(d.degree) + " exceeds the " +
                                    std::to_string(tgt.size - self) + " possible targets");
    }
    if (d.connectivity == "between_groups" && (!same || src.group_count < 2)) {
      fail(ckey + ".rule",
           "between_groups connects the groups of one grouped population (source "
           "== target, at least 2 groups)");
    }
    if (same && !d.allow_autapses && src.size == 1 &&
        (d.connectivity == "all_to_all" || d.connectivity == "pairwise_bernoulli")) {
      fail(ckey + ".rule", "creates no synapses: one neuron and no autapses");
    }
  }
  for (const auto& p : def.populations) {
    if (!p.encoder && !incoming.count(p.name)) {
      fail("network.populations." + p.name,
           "no enabled projection reaches it; connect it or disable it (enabled: false)");
    }
  }
}

/// The readout against the rest: the rules that need the action feedback, its groups (one per
/// action), and a path from an encoder to it.
void checkReadout(const std::map<std::string, PopulationDef>& pops, const NetworkDef& def,
                  int n_actions) {
  for (const auto& d : def.projections) {
    if (!snn::ruleInfo(d.rule).needs.action_probabilities) continue;
    const std::string pkey = "network.projections." + d.name + ".plasticity.rule";
    if (d.target != def.readout.population) {
      fail(pkey, "'" + d.rule +
                     "' gates pairings by the action feedback (a - p) of the readout groups; its "
                     "target must be the readout population '" +
                     def.readout.population + "'");
    }
    if (def.readout.decode != "softmax") {
      fail("network.readout.decode", "'" + def.readout.decode + "': projection '" + d.name +
                                         "' learns by '" + d.rule +
                                         "', which needs the action's probabilities: use softmax "
                                         "(sampled)");
    }
  }
  const PopulationDef& out = pops.at(def.readout.population);
  if (def.readout.decode == "label_assignment") {
    if (out.encoder) {
      fail("network.readout.population",
           "'" + out.name + "' is an encoder; label_assignment reads a population of neurons");
    }
  } else if (out.encoder || out.group_count == 0) {
    fail("network.readout.population", "'" + out.name +
                                           "' has no action groups; give it groups: {count: auto, "
                                           "size: N}");
  }
  if (def.readout.decode != "label_assignment" && out.group_count != n_actions) {
    fail("network.populations." + out.name + ".groups.count",
         std::to_string(out.group_count) + " groups, but the env has " + std::to_string(n_actions) +
             " actions");
  }
  // Reachable from an encoder: breadth-first along enabled projections, linear in populations +
  // projections (a fixpoint over all projections was quadratic for a long chain written in
  // reverse order).
  std::set<std::string> reached;
  for (const auto& p : def.populations) {
    if (p.encoder) reached.insert(p.name);
  }
  std::map<std::string, std::vector<std::string>> targets_of;
  for (const auto& d : def.projections) targets_of[d.source].push_back(d.target);
  std::vector<std::string> frontier(reached.begin(), reached.end());
  while (!frontier.empty()) {
    const std::string at = std::move(frontier.back());
    frontier.pop_back();
    for (const auto& t : targets_of[at]) {
      if (reached.insert(t).second) frontier.push_back(t);
    }
  }
  if (!reached.count(out.name)) {
    fail("network.readout.population",
         "'" + out.name +
             "' is not reachable from any encoder population along enabled "
             "projections, so the observation cannot change the action");
  }
}

/// Size before anything is allocated: a typo such as 1e7 neurons all-to-all would otherwise take
/// minutes and gigabytes before failing.
void checkSize(const NetworkDef& def) {
  const NetworkSize size = estimateSize(def);
  if (size.bytes > static_cast<double>(networkMemoryLimit())) {
    fail("network.projections",
         "the network would hold about " + formatNumber(std::round(size.synapses)) +
             " synapses and " + formatNumber(std::round(size.neurons)) + " neurons, about " +
             formatNumber(std::ceil(size.bytes / 1048576.0)) + " MB, more than the " +
             formatNumber(static_cast<double>(networkMemoryLimit() >> 20)) +
             " MB limit (raise it on purpose with --max-network-mb)");
  }
}

}  // namespace

NetworkDef resolveNetwork(const ConfigValues& given, const envs::Space& observation_space,
                          const envs::Space& action_space, double dt_ms) {
  Resolver r(given);
  checkSections(r, observation_space, action_space);
  Scope s{r,
          observation_space,
          static_cast<int>(action_space.n()),
          static_cast<int>(observation_space.size()),
          dt_ms,
          {},
          {}};
  collectNames(s);
  // Each block by its own resolver, in an order where references find what they name.
  std::map<std::string, PopulationDef> pops;
  for (const auto& name : s.namesOf("population")) pops[name] = resolvePopulation(s, name);
  std::map<std::string, ModulatorDef> mods;
  for (const auto& name : s.namesOf("modulator")) mods[name] = resolveModulator(s, name);
  NetworkDef def;
  def.critic = resolveCritic(s);
  for (const auto& name : s.namesOf("projection")) {
    bool active = true;
    ProjectionDef d = resolveProjection(s, name, active);
    if (active) def.projections.push_back(std::move(d));
  }
  def.readout = resolveReadout(s);
  r.requireAllClaimed();
  chooseModulator(s, mods, def);
  // Checks across blocks (enabled objects only).
  for (const auto& [name, p] : pops) {
    if (!s.disabled.count(name)) def.populations.push_back(p);
  }
  checkProjections(pops, def);
  checkReadout(pops, def, s.n_actions);
  checkSize(def);
  def.values = r.out();
  return def;
}

namespace {
std::atomic<std::uint64_t> g_network_memory_limit{kDefaultNetworkMemoryLimit};
}  // namespace

void setNetworkMemoryLimit(std::uint64_t bytes) {
  g_network_memory_limit.store(bytes);
}
std::uint64_t networkMemoryLimit() {
  return g_network_memory_limit.load();
}

NetworkSize estimateSize(const NetworkDef& def) {
  NetworkSize out;
  std::map<std::string, const PopulationDef*> pops;
  for (const auto& p : def.populations) {
    pops[p.name] = &p;
    out.neurons += p.size;
  }
  for (const auto& d : def.projections) {
    const auto src = pops.find(d.source), tgt = pops.find(d.target);
    if (src == pops.end() || tgt == pops.end()) continue;
    const double n_src = src->second->size, n_tgt = tgt->second->size;
    double synapses = n_src * n_tgt;  // all_to_all, between_groups (an upper bound)
    if (d.connectivity == "one_to_one") synapses = n_src;
    if (d.connectivity == "pairwise_bernoulli") synapses = d.p * n_src * n_tgt;
    if (d.connectivity == "fixed_indegree") synapses = static_cast<double>(d.degree) * n_tgt;
    if (d.connectivity == "fixed_outdegree") synapses = static_cast<double>(d.degree) * n_src;
    out.synapses += synapses;
    // Delay buffers: one float per target neuron per step of delay.
    out.bytes += static_cast<double>(d.delay_high + 1) * n_tgt * 4.0;
  }
  out.bytes += out.synapses * kBytesPerSynapse + out.neurons * kBytesPerNeuron;
  return out;
}

ConfigValues defaultNetwork(const Config& flat, const envs::Space& action_space,
                            std::map<std::string, std::string>* sources) {
  ConfigValues n;
  // n[key] = the flat parameter `name`'s value, recording where it came from.
  auto from = [&](const std::string& key, const std::string& name) {
    n[key] = flat.text(name);
    if (sources) (*sources)[key] = name;
  };
  const std::string enc = flat.text("encoder");
  const std::string in = "network.populations.input.";
  n[in + "encoder.model"] = enc == "rate" ? "rate" : "gaussian_rf";
  if (enc != "rate") {
    from(in + "encoder.cells_per_dim", "cells_per_dim");
    from(in + "encoder.rf_width", "rf_width");
    n[in + "encoder.drive"] = enc == "current" ? "current" : "poisson";
    from(in + "encoder.current_mv", "input_current");
  }
  from(in + "encoder.obs_range", "obs_range");
  from(in + "encoder.max_rate_hz", "max_rate_hz");

  const std::string out = "network.populations.output.";
  const std::string model = flat.text("neuron_model");
  const auto colon = model.find(':');
  n[out + "neuron.model"] = model.substr(0, colon);
  if (colon != std::string::npos) n[out + "neuron.preset"] = model.substr(colon + 1);
  for (const auto& [key, value] : flat.values()) {
    if (startsWith(key, "neuron.")) from(out + key, key);
  }
  n[out + "groups.count"] =
      std::to_string(action_space.kind() == envs::Space::Kind::kDiscrete ? action_space.n() : 0);
  from(out + "groups.size", "output_size");

  std::string into = "input";
  if (flat.integer("hidden") > 0) {
    from("network.populations.hidden.size", "hidden");
    n["network.populations.hidden.neuron.model"] = "lif";
    const std::string ih = "network.projections.input_hidden.";
    n[ih + "source"] = "input";
    n[ih + "target"] = "hidden";
    n[ih + "connectivity.rule"] = "pairwise_bernoulli";
    from(ih + "connectivity.p", "hidden_p");
    n[ih + "weight.uniform.low"] = "0";
    from(ih + "weight.uniform.high", "hidden_w");
    into = "hidden";
  }
  const std::string pl = "network.projections." + into + "_output.";
  n[pl + "source"] = into;
  n[pl + "target"] = "output";
  n[pl + "connectivity.rule"] = "all_to_all";
  from(pl + "weight.uniform.low", "w_init_min");
  from(pl + "weight.uniform.high", "w_init_max");
  const std::string rule = flat.text("learning_rule");
  n[pl + "plasticity.rule"] = rule;
  for (const auto& [key, value] : flat.values()) {
    if (startsWith(key, "rule.")) from(pl + "plasticity." + key.substr(5), key);
  }
  if (snn::ruleInfo(rule).needs.modulator) {
    n[pl + "plasticity.modulator"] = "dopamine";
  }
  n[pl + "normalize.mode"] =
      flat.text("homeostasis") == "scaling" ? "keep_initial_row_sum" : "none";
  if (flat.number("wta_inhibition") > 0) {
    const std::string li = "network.projections.lateral_inhibition.";
    n[li + "source"] = "output";
    n[li + "target"] = "output";
    n[li + "receptor_type"] = "inhibitory";
    n[li + "connectivity.rule"] = "between_groups";
    from(li + "weight", "wta_inhibition");
  }

  const std::string dopamine = flat.text("dopamine");
  const std::string da = "network.modulators.dopamine.";
  n[da + "signal"] = dopamine == "critic"   ? "td_error"
                     : dopamine == "reward" ? "reward"
                                            : "reward_minus_baseline";
  from(da + "gain", "dopamine_gain");
  from(da + "tau_ms", "dopamine_tau_ms");
  if (dopamine == "reward_baseline") from(da + "baseline_window", "baseline_window");
  if (dopamine == "critic") {
    n["network.critic.model"] = "linear_td";
    from("network.critic.features", "critic_features");
    if (flat.text("critic_features") == "joint_rf") {
      from("network.critic.joint_cells", "critic_joint_cells");
    }
    from("network.critic.cells_per_dim", "cells_per_dim");
    from("network.critic.rf_width", "rf_width");
    from("network.critic.obs_range", "obs_range");
    from("network.critic.gamma", "gamma");
    from("network.critic.lr", "critic_lr");
    from("network.critic.lambda", "critic_lambda");
  }
  n["network.readout.population"] = "output";
  from("network.readout.decode", "decoder");
  if (flat.text("decoder") == "softmax") from("network.readout.temperature", "temperature");
  const std::string ex = "network.readout.exploration.";
  from(ex + "epsilon_start", "epsilon_start");
  from(ex + "epsilon_end", "epsilon_end");
  from(ex + "epsilon_episodes", "epsilon_episodes");
  from(ex + "drive_mv", "explore_current");
  from("network.readout.evaluation.greedy", "greedy_eval");
  return n;
}

}  // namespace spikegym::agents
