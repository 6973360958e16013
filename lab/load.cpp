// Reading experiment files: the text checked before yaml-cpp sees it, include chains, the
// sections flattened to dotted paths, the sweep's dimensions and the seed list.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "lab/experiment_parts.hpp"

namespace spikegym::lab::detail {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kShorthands = {"range", "linspace", "logspace"};

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

/// The one YAML document of experiment file `path` (its text `whole`): a map of sections.
YAML::Node parseRoot(const std::string& path, const std::string& whole) {
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
  return root;
}

/// The file that `inc` (an include: key of file `path`) names, loaded; every place in it
/// followed by the include chain.
Loaded loadInclude(const YAML::Node& inc, const std::string& path, int depth) {
  if (!inc.IsScalar()) throw UserError(where(path, inc.Mark()) + ": include: expected a path");
  const fs::path base = fs::path(path).parent_path() / inc.Scalar();
  const std::string chain = " (included from " + where(path, inc.Mark()) + ")";
  Loaded out;
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
  return out;
}

/// Adds the sections of file `path` (its map `root`) to `out`, over what its include gave.
void addSections(const YAML::Node& root, const std::string& path, Loaded& out) {
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

}  // namespace

std::string where(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string keyOf(const YAML::Node& key, const std::string& file) {
  if (!key.IsScalar()) {
    throw UserError(where(file, key.Mark()) + ": expected a plain name as the key, got a " +
                    (key.IsSequence() ? "list"
                     : key.IsMap()    ? "map"
                                      : "null"));
  }
  return key.Scalar();
}

void flatten(const YAML::Node& node, const std::string& path, const std::string& file,
             FlatConfig& flat, std::vector<BareKey>* bare) {
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
  // Text first: yaml-cpp 0.7 hangs on some text that is no experiment file anyway.
  checkYamlText(path, whole, "an experiment file");
  YAML::Node root = parseRoot(path, whole);
  requireUniqueKeys(root, path, "");
  g_nodes_visited = 0;
  Loaded out;
  // include first, so that this file's values override the base's.
  if (const YAML::Node inc = root["include"]) out = loadInclude(inc, path, depth);
  addSections(root, path, out);
  return out;
}

std::string sweepNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
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

namespace {

/// Refuses text that is not plain UTF-8 (or holds a control byte other than a line break or
/// a tab): yaml-cpp 0.7 can loop for minutes on some byte sequences that are not UTF-8 (found
/// by fuzz_experiment), and a file spikegym reads as YAML is plain text anyway.
void requirePlainText(const std::string& path, const std::string& text, const std::string& kind) {
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
                      ": not plain UTF-8 text (a control or invalid byte); " + kind +
                      " is YAML text");
    }
    line += c == '\n';
    i += len;
  }
}

/// yaml-cpp 0.7 loops forever when a document's next token is a ',' outside any [ ] or { }
/// (",a" at the top, or after "{a: 1}", "\"x\"" or "...": found by fuzz_experiment). Such a
/// line is never meaningful in a file spikegym reads: refuse it before parsing.
void refuseParserLoops(const std::string& path, const std::string& text, const std::string& kind) {
  int depth = 0;
  bool single = false, dbl = false, line_start = true;
  int line = 1;
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
                      ": a line starts with '%' (a YAML directive); " + kind + " has none");
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

}  // namespace

void checkYamlText(const std::string& path, const std::string& text, const std::string& kind) {
  requirePlainText(path, text, kind);
  refuseParserLoops(path, text, kind);
}

}  // namespace spikegym::lab::detail
