// Experiment files (YAML) -> the list of runs they describe. lab/ is the only code that parses
// YAML; units receive checked, typed values.
//
//   name: quickstart                  # results go to results/<name>/
//   include: base.yaml                # optional: defaults from another file (this file wins)
//   env: {id: CartPole-v1}
//   agent: {type: snn, learning_rule: rstdp, rule: {tau_c_ms: 200}}
//   train: {episodes: 300, eval_every: 0, eval_episodes: 10, checkpoint: true}
//   seeds: 3                          # a count (seeds 1..3) or a list [1, 5, 9]
//   sweep:
//     grid: {agent.learning_rule: [rstdp, mstdp], agent.rule.eta: {linspace: [0.1, 0.3, 3]}}
//     zip:  {agent.type: [snn, reinforce], agent.learning_rule: [rstdp, null]}
//
// Nested keys are addressed by dotted paths (agent.rule.tau_c_ms). grid takes the Cartesian
// product; zip advances its lists together (equal lengths) and is one more grid dimension; null
// removes a key. Value shorthands: {range: [start, stop, step]} (stop excluded),
// {linspace: [start, stop, count]}, {logspace: [start_exp, stop_exp, count]} (powers of 10).
// Every seed runs for every cell.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lab/training.hpp"

namespace spikegym::lab {

/// One value of the flattened configuration, with where it came from ("file:line:col").
struct Entry {
  std::string text;
  std::string where;
};
/// The flattened configuration: dotted path -> value.
using FlatConfig = std::map<std::string, Entry>;

/// One run: a resolved configuration and a seed.
struct RunSpec {
  std::string run_id;  ///< stable hash of the resolved config and the seed (16 hex digits)
  std::uint64_t seed = 0;
  FlatConfig config;  ///< resolved: defaults, include, file, sweep cell, --set
  std::vector<std::pair<std::string, std::string>> swept;  ///< this cell's swept values
  /// The agent's flat keys its network was written out from (not in config: the network is).
  std::vector<std::string> replaced_keys;
  TrainSpec train;         ///< the typed training spec built from config
  long eval_every = 0;     ///< [episodes] evaluation block every K training episodes (0: none)
  long eval_episodes = 0;  ///< episodes per evaluation block
  bool checkpoint = true;  ///< write agent.ckpt at the end
};

struct Experiment {
  std::string name;
  std::string file;
  std::vector<std::string> swept_paths;  ///< in file order (manifest columns)
  std::vector<RunSpec> runs;             ///< cells x seeds, in a fixed order
  std::vector<std::string> overrides;    ///< the --set path=value given (recorded in run.json)
  std::vector<std::string> notes;  ///< one line each, for stderr: e.g. which preset fits the env
};

/// Loads, merges (include, --set overrides "path=value"), expands and checks an experiment.
/// Every value is checked against its declaration; each distinct env + agent configuration is
/// also built once, so that checks across parameters run before anything else does. Bad input
/// throws UserError naming the file, line and column, the key path, what was expected, and a
/// did-you-mean where it fits.
Experiment loadExperiment(const std::string& path, const std::vector<std::string>& overrides);

/// A finished run's configuration (its config.yaml: the resolved values and the seed), checked
/// again against today's declarations. Throws UserError for a file that is not one.
RunSpec loadRunConfig(const std::string& path);

/// Preset `name` expanded and resolved on `env_id` (every default of the agent filled in), as
/// `spikegym show preset` prints it. Throws UserError for an unknown name or env.
RunSpec resolvePreset(const std::string& name, const std::string& env_id);

/// The run id of a resolved configuration and seed: a hash of every value (the experiment's
/// name aside) and of the env's dynamics version.
std::string runId(const FlatConfig& config, std::uint64_t seed);

/// Dotted paths and their values as nested YAML text (maps in key order).
std::string nestedYaml(const std::vector<std::pair<std::string, std::string>>& values);

/// The resolved configuration of a run as nested YAML text (for config.yaml).
std::string configYaml(const RunSpec& run);

}  // namespace spikegym::lab
