// Resolving one configuration into a RunSpec: every value checked against the declarations of
// its env, agent (with its nested units and network) and train block, every default added; the
// run id; a finished run's config.yaml and a preset read back the same way.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "agents/agent.hpp"
#include "agents/config.hpp"
#include "agents/network.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"
#include "envs/registration.hpp"
#include "lab/experiment_parts.hpp"
#include "lab/presets.hpp"
#include "snn/connectivity.hpp"

namespace spikegym::lab {
namespace detail {
namespace {

const Entry& required(const FlatConfig& c, const std::string& key, const std::string& file) {
  auto it = c.find(key);
  if (it == c.end()) throw UserError(file + ": missing " + key);
  return it->second;
}

/// The train block's parameters.
const ParamTable& trainTable() {
  using Kind = Param::Kind;
  static const ParamTable table = {
      {"episodes",
       "100",
       Kind::kInteger,
       1,
       kMaxEpisodes,
       {},
       "[episodes] training episodes per run"},
      {"eval_every",
       "0",
       Kind::kInteger,
       0,
       kMaxEpisodes,
       {},
       "[episodes] an evaluation block (learning off) after every K training episodes; 0: none"},
      {"eval_episodes",
       "10",
       Kind::kInteger,
       0,
       kMaxEpisodes,
       {},
       "[episodes] per evaluation block"},
      {"checkpoint", "true", Kind::kBool, 0, 0, {}, "write agent.ckpt at the end of the run"},
  };
  return table;
}

/// Checks the values under `section.` (keys `skip` aside) against `table` at their file:line:col
/// and adds every default the config lacks (marked "default"). `own_only`: keys with a further
/// dot are left to the caller (children).
void resolveSection(FlatConfig& config, const std::string& section, const ParamTable& table,
                    const std::string& owner, const std::vector<std::string>& skip, bool own_only) {
  const std::string lead = section + ".";
  std::vector<std::string> names;
  for (const auto& p : table) names.push_back(p.name);
  for (const auto& [key, entry] : config) {
    if (key.rfind(lead, 0) != 0) continue;
    const std::string name = key.substr(lead.size());
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    if (own_only && name.find('.') != std::string::npos) continue;
    const Param* p = findParam(table, name);
    if (!p) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UserError(entry.where + ": unknown setting '" + key + "'" + didYouMean(name, names) +
                      "; " + owner + " takes: " + (list.empty() ? "(nothing)" : list));
    }
    if (const std::string expected = p->check(entry.text); !expected.empty()) {
      throw UserError(entry.where + ": " + key + " = '" + entry.text + "': expected " + expected);
    }
  }
  for (const auto& p : table) config.emplace(lead + p.name, Entry{p.default_value, "default"});
  // Numbers in one canonical form (0.50 and 0.5 are one value, one run id).
  for (const auto& p : table) {
    if (p.kind != Param::Kind::kNumber && p.kind != Param::Kind::kInteger) continue;
    Entry& e = config.at(lead + p.name);
    double v = 0;
    if (parseNumber(e.text, v)) e.text = formatNumber(v);
  }
}

/// The place of a network error: the key it names, else the first given key under it, else
/// `fallback`.
std::string networkErrorWhere(const FlatConfig& config, const agents::NetworkError& e,
                              const std::string& fallback) {
  // The key itself, else the first given key under it, else the same for its parents (a
  // missing key: the object that lacks it).
  for (std::string key = "agent." + e.key(); key.find('.') != std::string::npos;
       key = key.substr(0, key.rfind('.'))) {
    if (auto it = config.find(key); it != config.end() && it->second.where != "default") {
      return it->second.where;
    }
    // The earliest place in the file among the given keys under it.
    const Entry* first = nullptr;
    auto position = [](const std::string& where) {
      // "file:line:col" -> (line, col); other places (sweep, --set) sort last.
      const auto c2 = where.rfind(':');
      const auto c1 = c2 == std::string::npos ? c2 : where.rfind(':', c2 - 1);
      std::int64_t line = 0, col = 0;
      if (c1 == std::string::npos || !parseInteger(where.substr(c1 + 1, c2 - c1 - 1), line) ||
          !parseInteger(where.substr(c2 + 1), col)) {
        return std::pair<std::int64_t, std::int64_t>{INT64_MAX, 0};
      }
      return std::pair<std::int64_t, std::int64_t>{line, col};
    };
    for (const auto& [k, entry] : config) {
      if (k.rfind(key + ".", 0) != 0 || entry.where == "default") continue;
      if (!first || position(entry.where) < position(first->where)) first = &entry;
    }
    if (first) return first->where;
  }
  return fallback;
}

/// The env a configuration names, built with its env.* values (for its spaces).
std::unique_ptr<envs::Env> envOf(const FlatConfig& config) {
  ParamText env_params;
  for (const auto& [key, entry] : config) {
    if (key.rfind("env.", 0) == 0 && key != "env.id") env_params[key.substr(4)] = entry.text;
  }
  return envs::make(config.at("env.id").text, 0, env_params);
}

/// Resolves agent.network.* against the env's spaces (agents/network.hpp): every value checked
/// at its file:line:col, defaults and derived sizes added. `sources` names, for a network key
/// written out from a flat parameter, that parameter (errors name what the user wrote).
agents::NetworkDef resolveNetworkSection(FlatConfig& config,
                                         const std::map<std::string, std::string>& sources = {}) {
  agents::ConfigValues given;
  for (const auto& [key, entry] : config) {
    if (key.rfind("agent.network.", 0) == 0) given[key.substr(6)] = entry.text;
  }
  const auto env = envOf(config);
  double dt_ms = 1;
  parseNumber(config.at("agent.dt_ms").text, dt_ms);
  agents::NetworkDef def;
  try {
    def = agents::resolveNetwork(given, env->observationSpace(), env->actionSpace(), dt_ms);
  } catch (const agents::NetworkError& e) {
    const auto source = sources.find(e.key());
    const std::string key = source != sources.end()
                                ? "agent." + source->second + " (as agent." + e.key() + ")"
                                : "agent." + e.key();
    throw UserError(networkErrorWhere(config, e, config.at("agent.type").where) + ": " + key +
                    ": " + e.message());
  }
  FlatConfig out;
  for (auto& [key, entry] : config) {
    if (key.rfind("agent.network.", 0) != 0) out.emplace(key, entry);
  }
  for (const auto& [key, value] : def.values) {
    auto it = config.find("agent." + key);
    out["agent." + key] = {value, it != config.end() ? it->second.where : "default"};
  }
  config = std::move(out);
  return def;
}

/// The flat form of a network-taking agent (encoder, hidden, learning_rule, rule.*, ...)
/// written out as the network it builds (agents::defaultNetwork, the one expansion): the flat
/// keys leave the configuration (their names go to `replaced`), the network's keys enter it at
/// the places of the flat keys they came from, and the network is resolved. The same network
/// written either way is one configuration, one run id.
agents::NetworkDef expandFlatAgent(FlatConfig& config, const agents::AgentInfo& info,
                                   std::vector<std::string>& replaced) {
  agents::ConfigValues flat;
  for (const auto& [key, entry] : config) {
    if (key.rfind("agent.", 0) == 0 && key != "agent.type") flat[key.substr(6)] = entry.text;
  }
  std::map<std::string, std::string> sources;
  const agents::ConfigValues network = agents::defaultNetwork(
      agents::Config(flat, "agent '" + info.name + "'"), envOf(config)->actionSpace(), &sources);
  FlatConfig out;
  for (auto& [key, entry] : config) {
    if (key.rfind("agent.", 0) == 0 && agents::isReplacedByNetwork(info, key.substr(6))) {
      replaced.push_back(key);
    } else {
      out.emplace(key, entry);
    }
  }
  for (const auto& [key, value] : network) {
    const auto source = sources.find(key);
    out["agent." + key] = {value, source != sources.end()
                                      ? config.at("agent." + source->second).where
                                      : std::string("default")};
  }
  config = std::move(out);
  return resolveNetworkSection(config, sources);
}

/// Checks env.id and the env's settings (adding their defaults); returns env.id as given.
Entry resolveEnv(FlatConfig& config, const std::string& file) {
  const Entry env_id = required(config, "env.id", file);
  const envs::EnvSpec* env_spec = nullptr;
  try {
    env_spec = &envs::envSpec(env_id.text);
  } catch (const UserError& e) {
    throw UserError(env_id.where + ": env.id: " + e.what());
  }
  resolveSection(config, "env", env_spec->params, "env '" + env_id.text + "'", {"id"}, false);
  return env_id;
}

/// The registered agent type that agent.type (`type`) names.
const agents::AgentInfo* agentInfoOf(const Entry& type) {
  try {
    return &agents::agentInfo(type.text);
  } catch (const UserError& e) {
    throw UserError(type.where + ": agent.type: " + e.what());
  }
}

/// Whether the configuration has a network definition (agent.network.*). It replaces the flat
/// architecture parameters (and their children): their defaults leave the configuration, and
/// one given is an error.
bool takeNetwork(FlatConfig& config, const agents::AgentInfo& info,
                 const std::string& agent_label) {
  bool network = false;
  for (const auto& [key, entry] : config) network = network || key.rfind("agent.network.", 0) == 0;
  if (network && !info.takes_network) {
    const auto& [key, entry] = *config.lower_bound("agent.network.");
    throw UserError(entry.where + ": " + key + ": " + agent_label +
                    " takes no network definition (only snn does)");
  }
  if (network) {
    for (auto it = config.begin(); it != config.end();) {
      const std::string& key = it->first;
      if (key.rfind("agent.", 0) != 0 || !agents::isReplacedByNetwork(info, key.substr(6))) {
        ++it;
        continue;
      }
      if (it->second.where != "default") {
        throw UserError(it->second.where + ": " + key +
                        ": replaced by agent.network (the network block defines the "
                        "architecture); remove it and set the network's value instead (see "
                        "`spikegym show network`)");
      }
      it = config.erase(it);
    }
  }
  return network;
}

/// The agent's nested units (learning rule, neuron, ...) as its own values choose them; none
/// beside a network definition.
std::vector<agents::ChildTable> childTables(const FlatConfig& config, const agents::AgentInfo& info,
                                            const Entry& type, bool network) {
  std::vector<agents::ChildTable> children;
  if (info.children && !network) {
    agents::ConfigValues own;
    for (const auto& p : info.params) own[p.name] = config.at("agent." + p.name).text;
    try {
      children = info.children(own);
    } catch (const UserError& e) {
      // A choice that selects a child (learning_rule, neuron) names no registered unit.
      for (const auto& p : info.params) {
        const Entry& entry = config.at("agent." + p.name);
        if (std::string(e.what()).find("'" + entry.text + "'") != std::string::npos) {
          throw UserError(entry.where + ": agent." + p.name + ": " + e.what());
        }
      }
      throw UserError(type.where + ": agent: " + e.what());
    }
  }
  return children;
}

/// Checks that every nested agent key belongs to one of `children` (or to the network), then
/// resolves each child's section.
void resolveChildren(FlatConfig& config, const agents::AgentInfo& info,
                     const std::vector<agents::ChildTable>& children, bool network,
                     const std::string& agent_label) {
  std::vector<std::string> prefixes;
  for (const auto& child : children) prefixes.push_back(child.prefix);
  for (const auto& [key, entry] : config) {
    if (key.rfind("agent.", 0) != 0) continue;
    const std::string rest = key.substr(6);
    const auto dot = rest.find('.');
    if (dot == std::string::npos) continue;
    const std::string prefix = rest.substr(0, dot);
    if (network && prefix == "network") continue;
    if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) {
      std::vector<std::string> names;
      for (const auto& p : info.params) names.push_back(p.name);
      throw UserError(
          entry.where + ": unknown setting '" + key + "' for " + agent_label +
          didYouMean(prefix, names) +
          (prefixes.empty() ? std::string("; it has no nested units") : "; nested units: " + [&] {
            std::string l;
            for (const auto& p : prefixes) l += (l.empty() ? "" : ", ") + p;
            return l;
          }()));
    }
  }
  for (const auto& child : children) {
    resolveSection(config, "agent." + child.prefix, child.table, child.label + " of " + agent_label,
                   {}, false);
  }
}

/// The train block's values into `run`; a run of more than kMaxEpisodes episodes (training
/// and evaluation) is refused.
void setTrainValues(RunSpec& run, const FlatConfig& config) {
  auto integer = [&config](const char* key) {
    double v = 0;
    parseNumber(config.at(key).text, v);
    return static_cast<long>(v);
  };
  run.train.episodes = integer("train.episodes");
  run.eval_every = integer("train.eval_every");
  run.eval_episodes = integer("train.eval_episodes");
  run.checkpoint = config.at("train.checkpoint").text == "true";
  if (run.eval_every > 0) {
    const double total = static_cast<double>(run.train.episodes) +
                         static_cast<double>(run.train.episodes / run.eval_every) *
                             static_cast<double>(run.eval_episodes);
    if (total > static_cast<double>(kMaxEpisodes)) {
      throw UserError(config.at("train.eval_episodes").where + ": train: " +
                      std::to_string(run.train.episodes) + " training episodes with " +
                      std::to_string(run.eval_episodes) + " evaluation episodes every " +
                      std::to_string(run.eval_every) + " make " + sweepNumber(total) +
                      " episodes; at most " + std::to_string(kMaxEpisodes) + " per run");
    }
  }
}

}  // namespace

RunSpec buildRun(FlatConfig config, const std::string& file) {
  RunSpec run;
  const Entry env_id = resolveEnv(config, file);

  const Entry type = required(config, "agent.type", file);
  const agents::AgentInfo* info = agentInfoOf(type);
  const std::string agent_label = "agent '" + type.text + "'";
  resolveSection(config, "agent", info->params, agent_label, {"type"}, true);
  const bool network = takeNetwork(config, *info, agent_label);
  resolveChildren(config, *info, childTables(config, *info, type, network), network, agent_label);
  // The agent's definition, resolved once: what the run builds from.
  auto agent = std::make_shared<agents::AgentDef>();
  agent->info = info;
  if (network) {
    agent->network = resolveNetworkSection(config);
  } else if (info->takes_network) {
    agent->network = expandFlatAgent(config, *info, run.replaced_keys);
  }
  resolveSection(config, "train", trainTable(), "train", {}, false);
  for (const auto& [key, entry] : config) {
    if (key.rfind("env.", 0) == 0 && key != "env.id")
      run.train.env_params[key.substr(4)] = entry.text;
    if (key.rfind("agent.", 0) == 0 && key != "agent.type") {
      run.train.agent_params[key.substr(6)] = entry.text;
    }
  }
  run.train.env_id = env_id.text;
  run.train.agent_type = type.text;
  agents::ConfigValues own;
  for (const auto& [key, value] : run.train.agent_params) {
    if (key.rfind("network.", 0) != 0) own.emplace(key, value);
  }
  agent->config = agents::Config(std::move(own), agent_label);
  run.train.agent = std::move(agent);
  setTrainValues(run, config);
  run.config = std::move(config);
  return run;
}

void checkBuilds(const RunSpec& run) {
  std::unique_ptr<envs::Env> env;
  try {
    env = envs::make(run.train.env_id, 0, run.train.env_params);
  } catch (const ParamError& e) {
    // A check across env parameters: placed at the parameter it names, if the file gave it.
    const auto it = run.config.find("env." + e.key());
    const std::string& where = it != run.config.end() && it->second.where != "default"
                                   ? it->second.where
                                   : run.config.at("env.id").where;
    throw UserError(where + ": env." + e.key() + ": " + e.what());
  }
  try {
    agents::makeAgent(*run.train.agent, env->observationSpace(), env->actionSpace(), 0);
  } catch (const agents::NetworkError& e) {
    throw UserError(networkErrorWhere(run.config, e, run.config.at("agent.type").where) +
                    ": agent." + e.key() + ": " + e.message());
  } catch (const UserError& e) {
    const std::string message = e.what();
    // Longest keys first, so that rule.tau_c_ms is found before a shorter key it contains.
    std::vector<std::string> keys;
    for (const auto& [key, entry] : run.config) {
      if (key.rfind("agent.", 0) == 0) keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    // First the keys the message names, then the values it quotes; defaults have no place.
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& key : keys) {
        const Entry& entry = run.config.at(key);
        if (entry.where == "default") continue;
        const std::string tail = key.substr(key.rfind('.') + 1);
        const bool named = pass == 0
                               ? message.find("'" + key.substr(6) + "'") != std::string::npos ||
                                     message.find("'" + tail + "'") != std::string::npos
                               : message.find("'" + entry.text + "'") != std::string::npos;
        if (named) throw UserError(entry.where + ": " + key + ": " + message);
      }
    }
    throw UserError(run.config.at("agent.type").where + ": agent: " + message);
  }
}

bool bareKeyKnown(const RunSpec& run, const std::string& path) {
  static const std::vector<std::string> kNetworkSections = {"populations", "projections",
                                                            "modulators", "critic", "readout"};
  const auto it = run.config.lower_bound(path);
  if (it != run.config.end() && (it->first == path || it->first.rfind(path + ".", 0) == 0)) {
    return true;
  }
  if (path == "env" || path == "agent" || path == "train") return true;
  if (path == "agent.preset") return true;  // null: no preset in this cell (lab/presets)
  // A flat key the cell's network was written out from (or a key under it: rule.*).
  for (const auto& key : run.replaced_keys) {
    if (key == path || key.rfind(path + ".", 0) == 0) return true;
  }
  std::vector<std::string> parts;
  for (std::size_t start = 0, dot;; start = dot + 1) {
    dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
  }
  if (parts.size() < 2 || parts[0] != "agent" || parts[1] != "network") return false;
  if (parts.size() == 2) return true;
  const bool section = std::find(kNetworkSections.begin(), kNetworkSections.end(), parts[2]) !=
                       kNetworkSections.end();
  return section && (parts.size() == 3 ||
                     (parts.size() == 4 && parts[2] != "critic" && parts[2] != "readout"));
}

UserError unknownBareKey(const RunSpec& run, const BareKey& b) {
  const std::string parent = b.path.substr(0, b.path.rfind('.'));
  std::set<std::string> siblings;
  auto add = [&](const std::string& key) {
    if (key.rfind(parent + ".", 0) != 0) return;
    const std::string rest = key.substr(parent.size() + 1);
    siblings.insert(rest.substr(0, rest.find('.')));
  };
  for (auto s = run.config.lower_bound(parent + ".");
       s != run.config.end() && s->first.rfind(parent + ".", 0) == 0; ++s) {
    add(s->first);
  }
  for (const auto& key : run.replaced_keys) add(key);  // flat keys written out as the network
  const std::string name = b.path.substr(b.path.rfind('.') + 1);
  return UserError(b.where + ": unknown setting '" + b.path + "'" +
                   didYouMean(name, std::vector<std::string>(siblings.begin(), siblings.end())) +
                   " (given null or {}; every key must be a setting, whatever its value)");
}

}  // namespace detail

std::string runId(const FlatConfig& config, std::uint64_t seed) {
  std::string canonical;
  for (const auto& [key, entry] : config) {
    if (key == "name") continue;  // renaming an experiment keeps its runs
    canonical += key + "=" + entry.text + "\n";
  }
  canonical += "seed=" + std::to_string(seed) + "\n";
  // Other dynamics, other runs: a fix to an env's step gives every run on it a new id.
  const int dynamics = envs::envSpec(config.at("env.id").text).dynamics_version;
  canonical += "env.dynamics_version=" + std::to_string(dynamics) + "\n";
  // Other connection patterns, other runs: a run that draws a fixed-degree pattern carries the
  // connectivity version (snn/connectivity.hpp), so results of the fixed pattern never mix with
  // the old ones. Runs without such a pattern keep their ids.
  // Config version 2 (network runs): flat snn agents are written out as their network before
  // hashing, so ids of network configurations differ from those of earlier versions.
  if (config.count("agent.network.readout.population")) canonical += "config.network_version=2\n";
  const bool fixed_degree = std::any_of(config.begin(), config.end(), [](const auto& kv) {
    return kv.second.text == "fixed_indegree" || kv.second.text == "fixed_outdegree";
  });
  if (fixed_degree) {
    canonical += "snn.connectivity_version=" + std::to_string(snn::kConnectivityVersion) + "\n";
  }
  std::uint64_t h = hashName(canonical);
  h = splitMix64(h);  // FNV-1a alone changes little for a change in the last characters
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

RunSpec resolvePreset(const std::string& name, const std::string& env_id) {
  FlatConfig config;
  config["name"] = {"preset", "show preset"};
  config["env.id"] = {env_id, "--env"};
  config["agent.preset"] = {name, "preset"};
  applyPreset(config);
  return detail::buildRun(config, "preset " + name);
}

RunSpec loadRunConfig(const std::string& path) {
  YAML::Node root;
  const std::string text = readRegularFile(path, kMaxTextFileBytes, "the run's config.yaml");
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw UserError(detail::where(path, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw UserError(path + ":1:1: expected a run's config.yaml (a map)");
  FlatConfig flat;
  std::uint64_t seed = 0;
  for (const auto& kv : root) {
    const std::string key = detail::keyOf(kv.first, path);
    if (key == "seed") {
      double v = 0;
      if (!kv.second.IsScalar() || !parseNumber(kv.second.Scalar(), v) || v < 0) {
        throw UserError(detail::where(path, kv.second.Mark()) +
                        ": seed: expected a whole number >= 0");
      }
      seed = static_cast<std::uint64_t>(v);
    } else if (key == "env" || key == "agent" || key == "train" || key == "name") {
      detail::flatten(kv.second, key, path, flat);
    } else if (key != "run_id") {
      throw UserError(detail::where(path, kv.first.Mark()) + ": unknown section '" + key +
                      "' in a run's config.yaml");
    }
  }
  RunSpec run = detail::buildRun(flat, path);
  run.seed = seed;
  run.train.seed = seed;
  run.run_id = runId(run.config, seed);
  return run;
}

}  // namespace spikegym::lab
