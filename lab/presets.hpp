// Presets: named agent configurations shipped with the program (presets/NAME.yaml, embedded in
// the binary at build time). A preset is a fragment of an experiment's agent block, selected by
// name and overridable key by key:
//
//   agent: {preset: cartpole_solve, temperature: 12}     # the preset, one value changed
//   spikegym run FILE.yaml --set agent.preset=foraging_rstdp
//   spikegym train --env CartPole-v1 --preset cartpole_solve
//
// Its values are added under everything given explicitly (the file, its includes, the sweep,
// --set), and the expanded values, not the name, are what config.yaml holds and the run id
// hashes. Each file records what the preset is, the envs it was tuned on and the figure it
// reached (preset: {summary, tuned_on, figure}).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lab/experiment.hpp"

namespace spikegym::lab {

struct Preset {
  std::string name;
  std::string file;                   ///< "presets/NAME.yaml"
  std::string summary;                ///< one line
  std::string figure;                 ///< the result it reached, with its env and episodes
  std::vector<std::string> tuned_on;  ///< env ids
  std::vector<std::pair<std::string, Entry>> values;  ///< agent settings: dotted path -> value
};

/// Every shipped preset, sorted by name (parsed once).
const std::vector<Preset>& presets();
/// The preset `name`; UserError with a did-you-mean and the list otherwise.
const Preset& findPreset(const std::string& name);

/// Expands "agent.preset" in `config` (if present): removes it and adds each preset value whose
/// path the config does not already give. Returns the preset's name ("" when none). Throws
/// UserError at the key's place for an unknown name.
std::string applyPreset(FlatConfig& config);

/// A one-line note when `agent_type` on `env_id` is better served by a preset than by what was
/// given ("" when there is nothing to say): a preset used on an env it was not tuned on, or the
/// default snn agent on an env that has a preset of its own.
std::string presetNote(const std::string& preset_name, const std::string& env_id,
                       const std::string& agent_type);

}  // namespace spikegym::lab
