#include "lab/experiment.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "agents/agent.hpp"
#include "agents/config.hpp"
#include "agents/network.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/rng.hpp"
#include "envs/registry.hpp"
#include "lab/presets.hpp"
#include "snn/connectivity.hpp"

namespace spikegym::lab {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopLevel = {"name",  "include", "env",  "agent",
                                            "train", "seeds",   "sweep"};
const std::vector<std::string> kShorthands = {"range", "linspace", "logspace"};
/// Runs (cells x seeds) per experiment: each keeps its resolved configuration (~5 kB) and is
/// resolved one by one, so this bounds memory and the time of --dry-run (a few seconds).
constexpr std::size_t kMaxRuns = 100000;

std::string where(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

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

struct Loaded {
  FlatConfig flat;
  std::vector<BareKey> bare;  ///< checked against the resolved configuration (checkBareKeys)
  std::optional<Located> sweep;
  std::optional<Located> seeds;
};

/// The key of a map entry: a plain scalar, else a one-line error at its place (YAML allows
/// complex keys such as `? [a, b] : 1`, which no spikegym setting has).
std::string keyOf(const YAML::Node& key, const std::string& file) {
  if (!key.IsScalar()) {
    throw UserError(where(file, key.Mark()) + ": expected a plain name as the key, got a " +
                    (key.IsSequence() ? "list"
                     : key.IsMap()    ? "map"
                                      : "null"));
  }
  return key.Scalar();
}

/// Keys of one map, each once: YAML parsers keep the last of a repeated key, which would
/// silently replace the first value (episodes: 5 then episodes: 100000).
void requireUniqueKeys(const YAML::Node& map, const std::string& file, const std::string& path) {
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : map) {
    const std::string key = keyOf(kv.first, file);
    const auto [it, fresh] = seen.emplace(key, kv.first.Mark());
    if (!fresh) {
      throw UserError(where(file, kv.first.Mark()) + ": " + (path.empty() ? "" : path + ".") + key +
                      ": repeated key (first at line " + std::to_string(it->second.line + 1) +
                      "); give each key once");
    }
  }
}

/// Nodes flatten() may visit for one file: YAML aliases share nodes, so a few lines can name
/// billions of them ("billion laughs"); a real experiment file has a few hundred.
constexpr std::size_t kMaxNodes = 100000;
thread_local std::size_t g_nodes_visited = 0;

void flatten(const YAML::Node& node, const std::string& path, const std::string& file,
             FlatConfig& flat, std::vector<BareKey>* bare = nullptr) {
  if (++g_nodes_visited > kMaxNodes) {
    throw UserError(file + ": more than " + std::to_string(kMaxNodes) +
                    " settings after expanding aliases (an alias bomb?)");
  }
  // An alias inside its own anchor makes a cycle: bound the depth (dotted paths are short).
  if (std::count(path.begin(), path.end(), '.') > 32) {
    throw UserError(where(file, node.Mark()) + ": " + path.substr(0, 80) +
                    "...: nested more than 32 levels (an alias inside its own anchor?)");
  }
  switch (node.Type()) {
    case YAML::NodeType::Map:
      requireUniqueKeys(node, file, path);
      if (node.size() == 0 && bare) bare->push_back({path, where(file, node.Mark())});
      for (const auto& kv : node) {
        const std::string key = keyOf(kv.first, file);
        flatten(kv.second, path + "." + key, file, flat, bare);
      }
      break;
    case YAML::NodeType::Scalar:
      flat[path] = {node.Scalar(), where(file, node.Mark())};
      break;
    case YAML::NodeType::Null:
      // Removes the value (and everything under it) that an included file gave.
      for (auto it = flat.lower_bound(path);
           it != flat.end() && (it->first == path || it->first.rfind(path + ".", 0) == 0);) {
        it = flat.erase(it);
      }
      if (bare) bare->push_back({path, where(file, node.Mark())});
      break;
    case YAML::NodeType::Sequence:
      throw UserError(where(file, node.Mark()) + ": " + path +
                      ": expected a single value or a map; lists of values belong under "
                      "sweep.grid or sweep.zip");
    case YAML::NodeType::Undefined:
      break;
  }
}

Loaded loadFile(const std::string& path, int depth) {
  if (depth > 8) throw UserError(path + ": include nesting deeper than 8 (a cycle?)");
  // Regular files only, at most 10 MB: a folder, FIFO, device or symlink loop is one line.
  const std::string whole = readRegularFile(path, 10'000'000, "the experiment file");
  // Text first: yaml-cpp 0.7 can loop for minutes on some byte sequences that are not UTF-8
  // (found by fuzz_experiment), and an experiment file is plain text anyway.
  {
    const std::string& text = whole;
    int line = 1;
    for (std::size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      std::size_t len = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
      bool ok = len > 0 && i + len <= text.size();
      for (std::size_t k = 1; ok && k < len; ++k) {
        ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      }
      if (ok && len == 1 && c < 0x20 && c != '\n' && c != '\t' && c != '\r') ok = false;
      if (!ok) {
        throw UserError(path + ":" + std::to_string(line) +
                        ": not plain UTF-8 text (a control or invalid byte); an experiment file "
                        "is YAML text");
      }
      line += c == '\n';
      i += len;
    }
    // yaml-cpp 0.7 loops forever when a document's next token is a ',' outside any [ ] or { }
    // (",a" at the top, or after "{a: 1}", "\"x\"" or "...": found by fuzz_experiment). Such a
    // line is never meaningful in an experiment file: refuse it before parsing.
    int depth = 0;
    bool single = false, dbl = false, line_start = true;
    line = 1;
    char prev = '\n';
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char ch = text[i];
      if (ch == '\n' || ch == '\r') {  // YAML breaks lines at \n, \r\n and \r
        line += ch == '\n';
        line_start = true;
        prev = ch;
        continue;
      }
      if (line_start && prev != ' ' && prev != '\t' && ch == '%') {
        // A directive (%YAML, %TAG): never needed here, and yaml-cpp 0.7 loops on some that
        // follow content (found by fuzz_experiment).
        throw UserError(path + ":" + std::to_string(line) +
                        ": a line starts with '%' (a YAML directive); experiment files have none");
      }
      if (line_start && (ch == ' ' || ch == '\t')) continue;
      const bool at_line_start = line_start;
      line_start = false;
      if (dbl) {
        if (ch == '\\')
          ++i;
        else if (ch == '"')
          dbl = false;
      } else if (single) {
        if (ch == '\'') single = false;
      } else if (ch == '#' && (at_line_start || prev == ' ' || prev == '\t')) {
        while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      } else if (ch == ',' && at_line_start && depth == 0) {
        throw UserError(path + ":" + std::to_string(line) +
                        ": a line starts with ',' outside [ ] or { }; expected a key or a value");
      } else if (ch == '"' || ch == '\'') {
        const bool opens = at_line_start || prev == ' ' || prev == ':' || prev == '[' ||
                           prev == '{' || prev == ',' || prev == '-';
        if (opens) (ch == '"' ? dbl : single) = true;
      } else if (ch == '[' || ch == '{') {
        ++depth;
      } else if ((ch == ']' || ch == '}') && depth > 0) {
        --depth;
      }
      prev = ch;
    }
  }
  YAML::Node root;
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(whole);
    if (documents.size() > 1) {
      throw UserError(path + ": holds " + std::to_string(documents.size()) +
                      " YAML documents (separated by ---); expected one");
    }
    if (!documents.empty()) root = documents.front();
  } catch (const YAML::BadFile&) {
    throw UserError(path + ": cannot open the experiment file");
  } catch (const YAML::ParserException& e) {
    throw UserError(where(path, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) {
    throw UserError(path +
                    ":1:1: expected a map of sections (name, env, agent, train, seeds, "
                    "sweep)");
  }
  requireUniqueKeys(root, path, "");
  g_nodes_visited = 0;
  Loaded out;
  // include first, so that this file's values override the base's.
  if (const YAML::Node inc = root["include"]) {
    if (!inc.IsScalar()) throw UserError(where(path, inc.Mark()) + ": include: expected a path");
    const fs::path base = fs::path(path).parent_path() / inc.Scalar();
    const std::string chain = " (included from " + where(path, inc.Mark()) + ")";
    try {
      out = loadFile(base.string(), depth + 1);
    } catch (const UserError& e) {
      // Say the chain, as a compiler does.
      throw UserError(std::string(e.what()) + chain);
    }
    // Every value from the included file keeps the chain beside its place, so that a check
    // made later (a value out of range) names it too.
    for (auto& [key, entry] : out.flat) entry.where += chain;
    for (auto& b : out.bare) b.where += chain;
    g_nodes_visited = 0;
  }
  for (const auto& kv : root) {
    const std::string key = keyOf(kv.first, path);
    const std::string at = where(path, kv.first.Mark());
    if (std::find(kTopLevel.begin(), kTopLevel.end(), key) == kTopLevel.end()) {
      std::string list;
      for (const auto& k : kTopLevel) list += (list.empty() ? "" : ", ") + k;
      throw UserError(at + ": unknown section '" + key + "'" + didYouMean(key, kTopLevel) +
                      "; expected one of: " + list);
    }
    if (key == "include") continue;
    if (key == "sweep") {
      out.sweep = Located{kv.second, path};
    } else if (key == "seeds") {
      out.seeds = Located{kv.second, path};
    } else if (key == "name") {
      flatten(kv.second, "name", path, out.flat);
    } else {
      if (!kv.second.IsMap() && !kv.second.IsNull()) {
        throw UserError(at + ": " + key + ": expected a map of settings");
      }
      flatten(kv.second, key, path, out.flat, &out.bare);
    }
  }
  return out;
}

std::string sweepNumber(double v) {  // 10 significant digits: what sweep lists print
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

double numberAt(const YAML::Node& n, const std::string& file, const std::string& what) {
  double v = 0;
  if (!n.IsScalar() || !parseNumber(n.Scalar(), v)) {
    throw UserError(where(file, n.Mark()) + ": " + what + ": expected a number");
  }
  return v;
}

/// A sweep list: a sequence of values (null allowed) or a shorthand map.
std::vector<std::optional<std::string>> sweepValues(const YAML::Node& node, const std::string& file,
                                                    const std::string& path) {
  std::vector<std::optional<std::string>> out;
  const std::string at = where(file, node.Mark());
  if (node.IsSequence()) {
    for (const auto& v : node) {
      if (v.IsNull()) {
        out.push_back(std::nullopt);
      } else if (v.IsScalar()) {
        out.push_back(v.Scalar());
      } else {
        throw UserError(where(file, v.Mark()) + ": sweep " + path +
                        ": expected single values in the list");
      }
    }
  } else if (node.IsMap() && node.size() == 1) {
    const std::string kind = keyOf(node.begin()->first, file);
    const YAML::Node args = node.begin()->second;
    if (std::find(kShorthands.begin(), kShorthands.end(), kind) == kShorthands.end()) {
      throw UserError(at + ": sweep " + path + ": unknown shorthand '" + kind + "'" +
                      didYouMean(kind, kShorthands) + "; expected range, linspace or logspace");
    }
    if (!args.IsSequence() || args.size() != 3) {
      throw UserError(at + ": sweep " + path + ": " + kind + " takes [start, stop, " +
                      (kind == "range" ? "step]" : "count]"));
    }
    const double a = numberAt(args[0], file, path), b = numberAt(args[1], file, path),
                 c = numberAt(args[2], file, path);
    if (kind == "range") {
      if (c == 0 || !((b - a) / c <= static_cast<double>(kMaxRuns))) {
        throw UserError(at + ": sweep " + path + ": range step must be non-zero and give at most " +
                        std::to_string(kMaxRuns) + " values (the most runs an experiment has)");
      }
      if (a + c == a) {
        throw UserError(at + ": sweep " + path + ": range step " + sweepNumber(c) +
                        " is below the resolution of its start " + sweepNumber(a));
      }
      // The count is known before anything is generated (at most 1e6 + 1 values).
      for (double v = a; c > 0 ? v < b - 1e-12 * std::abs(c) : v > b + 1e-12 * std::abs(c);
           v += c) {
        out.push_back(sweepNumber(v));
        if (out.size() > kMaxRuns) {
          throw UserError(at + ": sweep " + path + ": range makes more than " +
                          std::to_string(kMaxRuns) + " values");
        }
      }
    } else {
      const long n = std::lround(c);
      if (n < 1 || n != c || n > static_cast<long>(kMaxRuns)) {
        throw UserError(at + ": sweep " + path + ": " + kind +
                        " count must be a whole number from 1 to " + std::to_string(kMaxRuns) +
                        " (the most runs an experiment has)");
      }
      for (long i = 0; i < n; ++i) {
        const double t = n == 1 ? a : a + (b - a) * static_cast<double>(i) / (n - 1);
        out.push_back(sweepNumber(kind == "linspace" ? t : std::pow(10.0, t)));
      }
    }
  } else {
    throw UserError(at + ": sweep " + path +
                    ": expected a list of values or {range|linspace|logspace: [a, b, n]}");
  }
  if (out.empty()) throw UserError(at + ": sweep " + path + ": no values");
  return out;
}

using Assignment = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct Dimension {
  std::vector<Assignment> options;
};

/// Checks a sweep path (a dotted path into env, agent or train, swept once) and adds it to
/// `paths`.
void addSweepPath(const std::string& path, const std::string& at, std::vector<std::string>& paths) {
  const std::string section = path.substr(0, path.find('.'));
  if (path.find('.') == std::string::npos ||
      (section != "env" && section != "agent" && section != "train")) {
    throw UserError(at + ": sweep path '" + path +
                    "': expected a dotted path into env, agent or train (e.g. "
                    "agent.learning_rule)");
  }
  if (std::find(paths.begin(), paths.end(), path) != paths.end()) {
    throw UserError(at + ": sweep path '" + path +
                    "' is swept twice (in grid and zip, or twice in one); sweep it once");
  }
  paths.push_back(path);
}

/// A dimension whose options repeat would run every run of the repeated option twice.
void checkDistinct(const Dimension& d, const std::string& at, const std::string& what) {
  std::map<Assignment, std::size_t> first;  // linear-log, not quadratic, in the options
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    const auto [it, fresh] = first.emplace(d.options[i], i);
    if (!fresh) {
      const std::size_t j = it->second;
      std::string values;
      for (const auto& [k, v] : d.options[i]) {
        values += (values.empty() ? "" : ", ") + k + "=" + v.value_or("null");
      }
      throw UserError(at + ": sweep " + what + ": the values {" + values +
                      "} appear twice (items " + std::to_string(j + 1) + " and " +
                      std::to_string(i + 1) + "); each runs once");
    }
  }
}

std::vector<Dimension> sweepDimensions(const Located& sweep, std::vector<std::string>& paths) {
  std::vector<Dimension> dims;
  const std::string& file = sweep.file;
  if (sweep.node.IsNull()) return dims;
  if (!sweep.node.IsMap()) {
    throw UserError(where(file, sweep.node.Mark()) +
                    ": sweep: expected a map with grid and/or zip");
  }
  requireUniqueKeys(sweep.node, file, "sweep");
  for (const auto& kv : sweep.node) {
    const std::string kind = keyOf(kv.first, file);
    const std::string at = where(file, kv.first.Mark());
    if (kind != "grid" && kind != "zip") {
      throw UserError(at + ": unknown sweep kind '" + kind + "'" +
                      didYouMean(kind, {"grid", "zip"}) + "; expected grid or zip");
    }
    if (!kv.second.IsMap()) throw UserError(at + ": sweep." + kind + ": expected a map of paths");
    requireUniqueKeys(kv.second, file, "sweep." + kind);
    if (kind == "grid") {
      for (const auto& entry : kv.second) {
        const std::string path = keyOf(entry.first, file);
        addSweepPath(path, where(file, entry.first.Mark()), paths);
        Dimension d;
        for (auto& v : sweepValues(entry.second, file, path)) d.options.push_back({{path, v}});
        checkDistinct(d, where(file, entry.second.Mark()), "grid." + path);
        dims.push_back(std::move(d));
      }
    } else {
      Dimension d;
      std::size_t length = 0;
      bool first = true;
      for (const auto& entry : kv.second) {
        const std::string path = keyOf(entry.first, file);
        addSweepPath(path, where(file, entry.first.Mark()), paths);
        const auto values = sweepValues(entry.second, file, path);
        if (first) {
          length = values.size();
          d.options.resize(length);
          first = false;
        } else if (values.size() != length) {
          throw UserError(where(file, entry.second.Mark()) + ": sweep.zip." + path + " has " +
                          std::to_string(values.size()) + " values; every zip list needs " +
                          std::to_string(length) + " (they advance together)");
        }
        for (std::size_t i = 0; i < length; ++i) d.options[i].push_back({path, values[i]});
      }
      if (!first) {
        checkDistinct(d, where(file, kv.second.Mark()), "zip");
        dims.push_back(std::move(d));
      }
    }
  }
  return dims;
}

std::vector<std::uint64_t> seedList(const std::optional<Located>& seeds) {
  if (!seeds) return {1};
  const YAML::Node& n = seeds->node;
  const std::string at = where(seeds->file, n.Mark());
  std::vector<std::uint64_t> out;
  auto parseSeed = [&](const YAML::Node& v) {
    double x = 0;
    if (!v.IsScalar() || !parseNumber(v.Scalar(), x) || x < 0 || x != std::floor(x) || x > 9.0e15) {
      throw UserError(where(seeds->file, v.Mark()) + ": seeds: expected whole numbers >= 0");
    }
    return static_cast<std::uint64_t>(x);
  };
  if (n.IsScalar()) {
    const std::uint64_t count = parseSeed(n);
    if (count < 1 || count > 100000) throw UserError(at + ": seeds: a count from 1 to 100000");
    for (std::uint64_t s = 1; s <= count; ++s) out.push_back(s);
  } else if (n.IsSequence() && n.size() > 0) {
    for (const auto& v : n) {
      const std::uint64_t s = parseSeed(v);
      if (std::find(out.begin(), out.end(), s) != out.end()) {
        throw UserError(where(seeds->file, v.Mark()) + ": seeds: seed " + std::to_string(s) +
                        " appears twice; each seed runs once");
      }
      out.push_back(s);
    }
  } else {
    throw UserError(at + ": seeds: expected a count (e.g. 10) or a list of seeds (e.g. [1, 2])");
  }
  return out;
}

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

/// Resolves the env, agent (with its nested units) and train settings of one configuration
/// against their declarations: every value checked at its file:line:col, every default added,
/// so that config.yaml and the run id hold every parameter the run uses.
RunSpec buildRun(FlatConfig config, const std::string& file) {
  RunSpec run;
  const Entry env_id = required(config, "env.id", file);
  const envs::EnvSpec* env_spec = nullptr;
  try {
    env_spec = &envs::envSpec(env_id.text);
  } catch (const UserError& e) {
    throw UserError(env_id.where + ": env.id: " + e.what());
  }
  resolveSection(config, "env", env_spec->params, "env '" + env_id.text + "'", {"id"}, false);

  const Entry type = required(config, "agent.type", file);
  const agents::AgentInfo* info = nullptr;
  try {
    info = &agents::agentInfo(type.text);
  } catch (const UserError& e) {
    throw UserError(type.where + ": agent.type: " + e.what());
  }
  const std::string agent_label = "agent '" + type.text + "'";
  resolveSection(config, "agent", info->params, agent_label, {"type"}, true);
  // A network definition replaces the flat architecture parameters (and their children).
  bool network = false;
  for (const auto& [key, entry] : config) network = network || key.rfind("agent.network.", 0) == 0;
  if (network && !info->takes_network) {
    const auto& [key, entry] = *config.lower_bound("agent.network.");
    throw UserError(entry.where + ": " + key + ": " + agent_label +
                    " takes no network definition (only snn does)");
  }
  if (network) {
    for (auto it = config.begin(); it != config.end();) {
      const std::string& key = it->first;
      if (key.rfind("agent.", 0) != 0 || !agents::isReplacedByNetwork(*info, key.substr(6))) {
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
  std::vector<agents::ChildTable> children;
  if (info->children && !network) {
    agents::ConfigValues own;
    for (const auto& p : info->params) own[p.name] = config.at("agent." + p.name).text;
    try {
      children = info->children(own);
    } catch (const UserError& e) {
      // A choice that selects a child (learning_rule, neuron) names no registered unit.
      for (const auto& p : info->params) {
        const Entry& entry = config.at("agent." + p.name);
        if (std::string(e.what()).find("'" + entry.text + "'") != std::string::npos) {
          throw UserError(entry.where + ": agent." + p.name + ": " + e.what());
        }
      }
      throw UserError(type.where + ": agent: " + e.what());
    }
  }
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
      for (const auto& p : info->params) names.push_back(p.name);
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
  run.config = std::move(config);
  return run;
}

/// Builds the run's env and agent once, so that every parameter is checked before anything
/// runs; an error is placed at the key it names, if it names one.
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

/// Keys given null or {} carry no value to check, but their names must still be settings: an
/// unknown key is an error whatever its value (`{force_n: 1,5}` is force_n: 1 plus a key "5").
/// Known in a run: the key (or keys under it) is in its resolved configuration, or it names a
/// part of the network definition (agent.network, its sections, a named population, projection
/// or modulator), which null removes from an included file.
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

/// The error for a bare key no run of the experiment knows, with a did-you-mean among the
/// settings beside it in `run`.
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

}  // namespace

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
  return buildRun(config, "preset " + name);
}

RunSpec loadRunConfig(const std::string& path) {
  YAML::Node root;
  const std::string text = readRegularFile(path, kMaxTextFileBytes, "the run's config.yaml");
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw UserError(where(path, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw UserError(path + ":1:1: expected a run's config.yaml (a map)");
  FlatConfig flat;
  std::uint64_t seed = 0;
  for (const auto& kv : root) {
    const std::string key = keyOf(kv.first, path);
    if (key == "seed") {
      double v = 0;
      if (!kv.second.IsScalar() || !parseNumber(kv.second.Scalar(), v) || v < 0) {
        throw UserError(where(path, kv.second.Mark()) + ": seed: expected a whole number >= 0");
      }
      seed = static_cast<std::uint64_t>(v);
    } else if (key == "env" || key == "agent" || key == "train" || key == "name") {
      flatten(kv.second, key, path, flat);
    } else if (key != "run_id") {
      throw UserError(where(path, kv.first.Mark()) + ": unknown section '" + key +
                      "' in a run's config.yaml");
    }
  }
  RunSpec run = buildRun(flat, path);
  run.seed = seed;
  run.train.seed = seed;
  run.run_id = runId(run.config, seed);
  return run;
}

Experiment loadExperiment(const std::string& path, const std::vector<std::string>& overrides) {
  Loaded loaded = loadFile(path, 0);
  Experiment exp;
  exp.file = path;
  // --set path=value: applied last, over the file and the sweep.
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
  if (sets.count("name")) loaded.flat["name"] = sets["name"];
  const auto name_it = loaded.flat.find("name");
  if (name_it == loaded.flat.end() || name_it->second.text.empty()) {
    throw UserError(path + ": missing name (results go to results/<name>/)");
  }
  exp.name = name_it->second.text;
  // The name becomes a folder: a safe character set, no path tricks, a bounded length.
  const bool safe = std::all_of(exp.name.begin(), exp.name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  });
  if (!safe || exp.name.size() > 100 || exp.name == "." || exp.name == ".." ||
      exp.name.front() == '.' || exp.name.front() == '-') {
    std::string shown;
    for (char ch : exp.name.substr(0, 40)) {
      shown += std::isprint(static_cast<unsigned char>(ch)) ? std::string(1, ch) : std::string("?");
    }
    throw UserError(name_it->second.where + ": name '" + shown +
                    (exp.name.size() > 40 ? "..." : "") +
                    "': expected 1 to 100 letters, digits, '_', '-' or '.', not starting with "
                    "'.' or '-' (it names the results folder)");
  }
  std::vector<Dimension> dims;
  if (loaded.sweep) dims = sweepDimensions(*loaded.sweep, exp.swept_paths);
  const std::vector<std::uint64_t> seeds = seedList(loaded.seeds);
  // --set on a swept path would silently collapse the sweep's cells into one configuration
  // while the manifest still showed the swept values: refuse it.
  for (const auto& [key, entry] : sets) {
    if (std::find(exp.swept_paths.begin(), exp.swept_paths.end(), key) != exp.swept_paths.end()) {
      throw UserError("--set " + key + ": this path is swept in " +
                      (loaded.sweep ? loaded.sweep->file : path) +
                      "; change the sweep's values in the file instead (or set another path)");
    }
  }
  // Size first: the product of the dimensions, before any cell is built.
  double product = static_cast<double>(seeds.size());
  for (const auto& d : dims) product *= static_cast<double>(d.options.size());
  if (product > static_cast<double>(kMaxRuns)) {
    throw UserError(path + ": the sweep makes " + sweepNumber(product) +
                    " runs (cells x seeds); at most " + std::to_string(kMaxRuns) +
                    " per experiment (split it into files)");
  }

  // Cartesian product of the dimensions (the first varies slowest).
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

  // Keys given null or {} in the files, swept to null, or --set to null: checked by name.
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
  std::vector<bool> bare_known(bare.size(), false);
  std::optional<RunSpec> first_run;
  std::set<std::string> checked;  // env + agent configurations already built once
  for (const auto& cell : cells) {
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
    RunSpec base = buildRun(config, path);
    if (const std::string note = presetNote(preset_name, base.train.env_id, base.train.agent_type);
        !note.empty() && std::find(exp.notes.begin(), exp.notes.end(), note) == exp.notes.end()) {
      exp.notes.push_back(note);
    }
    // A bare key must be a setting of at least one cell (rule.gate: null in the cells whose
    // rule has no gate is how a sweep says "not set").
    for (std::size_t b = 0; b < bare.size(); ++b) {
      if (!bare_known[b] && bareKeyKnown(base, bare[b].path)) bare_known[b] = true;
    }
    if (!first_run) first_run = base;
    // Build each distinct env + agent configuration once (cells that differ only in train
    // settings share it), not once per cell or per run.
    std::string build_key;
    for (const auto& [key, entry] : base.config) {
      if (key.rfind("env.", 0) == 0 || key.rfind("agent.", 0) == 0) {
        build_key += key + "=" + entry.text + "\n";
      }
    }
    // Building an agent takes milliseconds; a sweep of thousands of cells checks the first
    // kMaxBuilds distinct configurations whole and the rest value by value (a run whose agent
    // cannot be built then fails alone, with its error in run.json).
    constexpr std::size_t kMaxBuilds = 64;
    if (checked.size() < kMaxBuilds && checked.insert(build_key).second) checkBuilds(base);
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
    if (!bare_known[b] && first_run) throw unknownBareKey(*first_run, bare[b]);
  }
  // Two cells that resolve to the same configuration (e.g. a swept value equal to the
  // default, or 1 and 1.0) would run and count the same runs twice.
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
