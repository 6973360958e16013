// Internal to lab/: what the parts of loadExperiment share. Not an API; include it only from
// lab/load.cpp (reading and flattening experiment files, sweeps, seeds), lab/resolve.cpp (one
// configuration -> a RunSpec) and lab/experiment.cpp (cells x seeds, the YAML writers).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "lab/experiment.hpp"

namespace spikegym::lab::detail {

/// The sections of an experiment file.
inline const std::vector<std::string> kTopLevel = {"name",  "include", "env",  "agent",
                                                   "train", "seeds",   "sweep"};
/// Runs (cells x seeds) per experiment: each keeps its resolved configuration (~5 kB) and is
/// resolved one by one, so this bounds memory and the time of --dry-run (a few seconds).
inline constexpr std::size_t kMaxRuns = 100000;

/// "file:line:col" of a YAML mark.
std::string where(const std::string& file, const YAML::Mark& mark);

/// A node of the sweep or seeds section, kept with the file it came from.
struct Located {
  YAML::Node node;
  std::string file;
};

/// A key given with no value to check: null (which removes an included value) or an empty map.
struct BareKey {
  std::string path;
  std::string where;
};

/// An experiment file (and its includes) read and flattened; sweep and seeds still as YAML.
struct Loaded {
  FlatConfig flat;
  std::vector<BareKey> bare;  ///< checked against the resolved configuration (checkBareKeys)
  std::optional<Located> sweep;
  std::optional<Located> seeds;
};

/// The key of a map entry: a plain scalar, else a one-line error at its place (YAML allows
/// complex keys such as `? [a, b] : 1`, which no spikegym setting has).
std::string keyOf(const YAML::Node& key, const std::string& file);

/// Adds `node` under dotted `path` to `flat` (a null removes what an included file gave);
/// keys given null or {} go to `bare` when it is given. Bounded against alias bombs and cycles.
void flatten(const YAML::Node& node, const std::string& path, const std::string& file,
             FlatConfig& flat, std::vector<BareKey>* bare = nullptr);

/// Reads experiment file `path` (`depth`: how deep in an include chain) with its includes.
Loaded loadFile(const std::string& path, int depth);
/// Refuses YAML text yaml-cpp 0.7 can hang on before it sees it (bytes that are not plain UTF-8,
/// a directive line, a line starting with ',' outside brackets: all found by the fuzzers), with
/// one line naming `path` and the line; `kind` names the file in the message ("a price list").
/// Every YAML file spikegym reads from a user goes through it.
void checkYamlText(const std::string& path, const std::string& text, const std::string& kind);

/// 10 significant digits: what sweep lists print.
std::string sweepNumber(double v);

/// One sweep option: values (nullopt: null) for one or more paths.
using Assignment = std::vector<std::pair<std::string, std::optional<std::string>>>;

/// One dimension of the sweep: a grid path, or a zip of paths that advance together.
struct Dimension {
  std::vector<Assignment> options;
};

/// The sweep's dimensions in file order; each swept path goes to `paths`.
std::vector<Dimension> sweepDimensions(const Located& sweep, std::vector<std::string>& paths);

/// The seeds section as a list of seeds ({1} when absent).
std::vector<std::uint64_t> seedList(const std::optional<Located>& seeds);

/// Resolves the env, agent (with its nested units) and train settings of one configuration
/// against their declarations: every value checked at its file:line:col, every default added,
/// so that config.yaml and the run id hold every parameter the run uses.
RunSpec buildRun(FlatConfig config, const std::string& file);

/// Builds the run's env and agent once, so that every parameter is checked before anything
/// runs; an error is placed at the key it names, if it names one.
void checkBuilds(const RunSpec& run);

/// Keys given null or {} carry no value to check, but their names must still be settings: an
/// unknown key is an error whatever its value (`{force_n: 1,5}` is force_n: 1 plus a key "5").
/// Known in a run: the key (or keys under it) is in its resolved configuration, or it names a
/// part of the network definition (agent.network, its sections, a named population, projection
/// or modulator), which null removes from an included file.
bool bareKeyKnown(const RunSpec& run, const std::string& path);

/// The error for a bare key no run of the experiment knows, with a did-you-mean among the
/// settings beside it in `run`.
UserError unknownBareKey(const RunSpec& run, const BareKey& b);

}  // namespace spikegym::lab::detail
