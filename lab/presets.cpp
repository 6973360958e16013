#include "lab/presets.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/error.hpp"

namespace spikegym::lab {

/// The embedded text of presets/*.yaml (generated/preset_files.cpp).
const std::vector<std::pair<std::string, std::string>>& presetFiles();

namespace {

std::string place(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void flattenAgent(const YAML::Node& node, const std::string& path, const std::string& file,
                  std::vector<std::pair<std::string, Entry>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      flattenAgent(kv.second, path.empty() ? key : path + "." + key, file, out);
    }
  } else if (node.IsScalar()) {
    out.push_back({path, {node.Scalar(), place(file, node.Mark())}});
  } else {
    throw UsageError(place(file, node.Mark()) + ": a preset holds maps and single values only");
  }
}

Preset parsePreset(const std::string& name, const std::string& text) {
  Preset p;
  p.name = name;
  p.file = "presets/" + name + ".yaml";
  // Shipped files, checked by the tests: a malformed one is a bug of the build, not user input.
  const YAML::Node root = YAML::Load(text);
  const YAML::Node meta = root["preset"];
  const YAML::Node agent = root["agent"];
  if (!meta || !meta.IsMap() || !agent || !agent.IsMap() || root.size() != 2) {
    throw UsageError(p.file + ": a preset has exactly a 'preset' map and an 'agent' map");
  }
  p.summary = meta["summary"].as<std::string>();
  p.figure = meta["figure"].as<std::string>();
  for (const auto& env : meta["tuned_on"]) p.tuned_on.push_back(env.as<std::string>());
  flattenAgent(agent, "", p.file, p.values);
  return p;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = [] {
    std::vector<Preset> out;
    for (const auto& [name, text] : presetFiles()) out.push_back(parsePreset(name, text));
    std::sort(out.begin(), out.end(),
              [](const Preset& a, const Preset& b) { return a.name < b.name; });
    return out;
  }();
  return all;
}

const Preset& findPreset(const std::string& name) {
  std::vector<std::string> names;
  for (const Preset& p : presets()) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw UserError("unknown preset '" + name + "'" + didYouMean(name, names) + "; presets: " + list +
                  " (spikegym list presets)");
}

std::string applyPreset(FlatConfig& config) {
  const auto it = config.find("agent.preset");
  if (it == config.end()) return "";
  const Entry given = it->second;
  config.erase(it);
  const Preset* p = nullptr;
  try {
    p = &findPreset(given.text);
  } catch (const UserError& e) {
    throw UserError(given.where + ": agent.preset: " + e.what());
  }
  for (const auto& [path, entry] : p->values) {
    config.emplace("agent." + path, Entry{entry.text, entry.where + " (preset " + p->name + " at " +
                                                          given.where + ")"});
  }
  return p->name;
}

std::string presetNote(const std::string& preset_name, const std::string& env_id,
                       const std::string& agent_type) {
  if (!preset_name.empty()) {
    const Preset& p = findPreset(preset_name);
    if (std::find(p.tuned_on.begin(), p.tuned_on.end(), env_id) != p.tuned_on.end()) return "";
    std::string envs;
    for (const auto& e : p.tuned_on) envs += (envs.empty() ? "" : ", ") + e;
    return "preset " + p.name + " was tuned on " + envs + ", not " + env_id;
  }
  if (agent_type != "snn") return "";
  // The default snn agent is tuned for CartPole-v1; another env with a preset of its own says so.
  for (const Preset& p : presets()) {
    if (std::find(p.tuned_on.begin(), p.tuned_on.end(), env_id) == p.tuned_on.end()) continue;
    if (env_id == "CartPole-v1") return "";
    return "the default snn agent is tuned for CartPole-v1; on " + env_id +
           " use agent: {preset: " + p.name + "} (" + p.figure + ")";
  }
  return "";
}

}  // namespace spikegym::lab
