// loadExperiment: an experiment file (read and flattened by lab/load.cpp) expanded into its
// cells x seeds, each cell resolved by lab/resolve.cpp; and the YAML writers.
#include "lab/experiment.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "lab/experiment_parts.hpp"
#include "lab/presets.hpp"

namespace spikegym::lab {
namespace {

using detail::Assignment;
using detail::BareKey;
using detail::Dimension;
using detail::kMaxRuns;
using detail::kTopLevel;
using detail::Loaded;
using detail::Located;

/// The --set path=value overrides as configuration entries; a --set seeds replaces the file's
/// seeds in `loaded`.
FlatConfig parseSets(const std::vector<std::string>& overrides, Loaded& loaded) {
  FlatConfig sets;
  for (const auto& kv : overrides) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UserError("--set '" + kv + "': expected path=value, e.g. --set train.episodes=50");
    }
    const std::string key = kv.substr(0, eq);
    const std::string section = key.substr(0, key.find('.'));
    if (key == "seeds") {
      try {
        loaded.seeds = Located{YAML::Load(kv.substr(eq + 1)), "--set seeds"};
      } catch (const YAML::Exception& e) {
        throw UserError("--set '" + kv + "': not a seed count or list (" + e.msg + ")");
      }
      continue;
    }
    if (std::find(kTopLevel.begin(), kTopLevel.end(), section) == kTopLevel.end() ||
        section == "sweep" || section == "include") {
      throw UserError("--set '" + kv + "': unknown path '" + key + "'" +
                      didYouMean(section, kTopLevel) +
                      "; expected name, seeds, or a path into env, agent or train");
    }
    sets[key] = {kv.substr(eq + 1), "--set " + key};
  }
  return sets;
}

/// The experiment's name (a --set name over the file's), checked: it names the results folder.
std::string experimentName(Loaded& loaded, const FlatConfig& sets, const std::string& path) {
  if (sets.count("name")) loaded.flat["name"] = sets.at("name");
  const auto name_it = loaded.flat.find("name");
  if (name_it == loaded.flat.end() || name_it->second.text.empty()) {
    throw UserError(path + ": missing name (results go to results/<name>/)");
  }
  const std::string name = name_it->second.text;
  // The name becomes a folder: a safe character set, no path tricks, a bounded length.
  const bool safe = std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  });
  if (!safe || name.size() > 100 || name == "." || name == ".." || name.front() == '.' ||
      name.front() == '-') {
    std::string shown;
    for (char ch : name.substr(0, 40)) {
      shown += std::isprint(static_cast<unsigned char>(ch)) ? std::string(1, ch) : std::string("?");
    }
    throw UserError(name_it->second.where + ": name '" + shown + (name.size() > 40 ? "..." : "") +
                    "': expected 1 to 100 letters, digits, '_', '-' or '.', not starting with "
                    "'.' or '-' (it names the results folder)");
  }
  return name;
}

/// --set on a swept path would silently collapse the sweep's cells into one configuration
/// while the manifest still showed the swept values: refuse it.
void refuseSweptSets(const FlatConfig& sets, const std::vector<std::string>& swept_paths,
                     const Loaded& loaded, const std::string& path) {
  for (const auto& [key, entry] : sets) {
    if (std::find(swept_paths.begin(), swept_paths.end(), key) != swept_paths.end()) {
      throw UserError("--set " + key + ": this path is swept in " +
                      (loaded.sweep ? loaded.sweep->file : path) +
                      "; change the sweep's values in the file instead (or set another path)");
    }
  }
}

/// Size first: the product of the dimensions, before any cell is built.
void checkRunCount(const std::vector<Dimension>& dims, std::size_t seeds, const std::string& path) {
  double product = static_cast<double>(seeds);
  for (const auto& d : dims) product *= static_cast<double>(d.options.size());
  if (product > static_cast<double>(kMaxRuns)) {
    throw UserError(path + ": the sweep makes " + detail::sweepNumber(product) +
                    " runs (cells x seeds); at most " + std::to_string(kMaxRuns) +
                    " per experiment (split it into files)");
  }
}

/// Cartesian product of the dimensions (the first varies slowest).
std::vector<Assignment> sweepCells(const std::vector<Dimension>& dims) {
  std::vector<Assignment> cells = {{}};
  for (const auto& d : dims) {
    std::vector<Assignment> next;
    for (const auto& cell : cells) {
      for (const auto& option : d.options) {
        Assignment a = cell;
        a.insert(a.end(), option.begin(), option.end());
        next.push_back(std::move(a));
      }
    }
    cells = std::move(next);
  }
  return cells;
}

/// Keys given null or {} in the files, swept to null, or --set to null: checked by name.
std::vector<BareKey> bareKeys(const Loaded& loaded, const std::vector<Dimension>& dims,
                              const std::string& path) {
  std::vector<BareKey> bare = loaded.bare;
  std::set<std::string> swept_to_null;
  for (const auto& d : dims) {
    for (const auto& option : d.options) {
      for (const auto& [key, value] : option) {
        if (!value && swept_to_null.insert(key).second) {
          bare.push_back({key, (loaded.sweep ? loaded.sweep->file : path) + " (sweep)"});
        }
      }
    }
  }
  return bare;
}

/// One cell's configuration resolved: the files' values, the cell's swept values, the --set
/// values, then the preset under everything given explicitly. A preset's note goes to `notes`
/// once.
RunSpec resolveCell(const Loaded& loaded, const Assignment& cell, const FlatConfig& sets,
                    const std::string& path, std::vector<std::string>& notes) {
  FlatConfig config = loaded.flat;
  const std::string sweep_where = loaded.sweep ? loaded.sweep->file + " (sweep)" : path;
  for (const auto& [key, value] : cell) {
    if (value) {
      config[key] = {*value, sweep_where + " " + key};
    } else {
      config.erase(key);
    }
  }
  for (const auto& [key, entry] : sets) config[key] = entry;
  const std::string preset_name = applyPreset(config);  // under everything given explicitly
  RunSpec base = detail::buildRun(config, path);
  if (const std::string note = presetNote(preset_name, base.train.env_id, base.train.agent_type);
      !note.empty() && std::find(notes.begin(), notes.end(), note) == notes.end()) {
    notes.push_back(note);
  }
  return base;
}

/// The env and agent values of a run: cells that differ only in train settings share them.
std::string buildKey(const RunSpec& run) {
  std::string key;
  for (const auto& [k, entry] : run.config) {
    if (k.rfind("env.", 0) == 0 || k.rfind("agent.", 0) == 0) key += k + "=" + entry.text + "\n";
  }
  return key;
}

/// Two cells that resolve to the same configuration (e.g. a swept value equal to the
/// default, or 1 and 1.0) would run and count the same runs twice.
void refuseRepeatedRuns(const Experiment& exp, const std::string& path) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    const auto [it, fresh] = seen.emplace(exp.runs[i].run_id, i);
    if (fresh) continue;
    auto describe = [](const RunSpec& r) {
      std::string s;
      for (const auto& [k, v] : r.swept)
        s += (s.empty() ? "" : ", ") + k + "=" + (v.empty() ? "null" : v);
      return s.empty() ? std::string("(no sweep)") : s;
    };
    throw UserError(path + ": sweep cells {" + describe(exp.runs[it->second]) + "} and {" +
                    describe(exp.runs[i]) +
                    "} resolve to the same configuration (a value equal to its default, or the "
                    "same number written twice); remove one");
  }
}

}  // namespace

Experiment loadExperiment(const std::string& path, const std::vector<std::string>& overrides) {
  Loaded loaded = detail::loadFile(path, 0);
  Experiment exp;
  exp.file = path;
  // --set path=value: applied last, over the file and the sweep.
  const FlatConfig sets = parseSets(overrides, loaded);
  exp.name = experimentName(loaded, sets, path);
  std::vector<Dimension> dims;
  if (loaded.sweep) dims = detail::sweepDimensions(*loaded.sweep, exp.swept_paths);
  const std::vector<std::uint64_t> seeds = detail::seedList(loaded.seeds);
  refuseSweptSets(sets, exp.swept_paths, loaded, path);
  checkRunCount(dims, seeds.size(), path);
  const std::vector<Assignment> cells = sweepCells(dims);
  const std::vector<BareKey> bare = bareKeys(loaded, dims, path);

  std::vector<bool> bare_known(bare.size(), false);
  std::optional<RunSpec> first_run;
  std::set<std::string> checked;  // env + agent configurations already built once
  for (const auto& cell : cells) {
    RunSpec base = resolveCell(loaded, cell, sets, path, exp.notes);
    // A bare key must be a setting of at least one cell (rule.gate: null in the cells whose
    // rule has no gate is how a sweep says "not set").
    for (std::size_t b = 0; b < bare.size(); ++b) {
      if (!bare_known[b] && detail::bareKeyKnown(base, bare[b].path)) bare_known[b] = true;
    }
    if (!first_run) first_run = base;
    // Build each distinct env + agent configuration once (cells that differ only in train
    // settings share it), not once per cell or per run. Building an agent takes milliseconds;
    // a sweep of thousands of cells checks the first kMaxBuilds distinct configurations whole
    // and the rest value by value (a run whose agent cannot be built then fails alone, with its
    // error in run.json).
    constexpr std::size_t kMaxBuilds = 64;
    if (checked.size() < kMaxBuilds && checked.insert(buildKey(base)).second) {
      detail::checkBuilds(base);
    }
    for (const auto& [key, value] : cell) {
      base.swept.push_back({key, value ? *value : ""});
    }
    for (std::uint64_t seed : seeds) {
      RunSpec run = base;
      run.seed = seed;
      run.train.seed = seed;
      run.run_id = runId(run.config, seed);
      exp.runs.push_back(std::move(run));
    }
  }
  for (std::size_t b = 0; b < bare.size(); ++b) {
    if (!bare_known[b] && first_run) throw detail::unknownBareKey(*first_run, bare[b]);
  }
  refuseRepeatedRuns(exp, path);
  exp.overrides = overrides;
  return exp;
}

namespace {

/// The dotted paths as a tree, for nested YAML output.
struct Tree {
  std::map<std::string, Tree> children;
  std::optional<std::string> value;
};

void emitTree(YAML::Emitter& out, const Tree& tree) {
  out << YAML::BeginMap;
  for (const auto& [key, child] : tree.children) {
    out << YAML::Key << key << YAML::Value;
    if (child.value) {
      out << *child.value;
    } else {
      emitTree(out, child);
    }
  }
  out << YAML::EndMap;
}

}  // namespace

std::string nestedYaml(const std::vector<std::pair<std::string, std::string>>& values) {
  Tree root;
  for (const auto& [key, text] : values) {
    Tree* node = &root;
    std::size_t start = 0, dot;
    while ((dot = key.find('.', start)) != std::string::npos) {
      node = &node->children[key.substr(start, dot - start)];
      start = dot + 1;
    }
    node->children[key.substr(start)].value = text;
  }
  YAML::Emitter out;
  emitTree(out, root);
  return std::string(out.c_str()) + "\n";
}

std::string configYaml(const RunSpec& run) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [key, entry] : run.config) values.emplace_back(key, entry.text);
  values.emplace_back("seed", std::to_string(run.seed));
  values.emplace_back("run_id", run.run_id);
  return nestedYaml(values);
}

}  // namespace spikegym::lab
