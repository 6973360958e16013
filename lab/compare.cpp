#include "lab/compare.hpp"

#include <libfccp/csv.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "envs/registration.hpp"
#include "lab/plots.hpp"
#include "lab/results.hpp"
#include "lab/stats.hpp"

namespace spikegym::lab {
namespace {

namespace fs = std::filesystem;

/// Groups up to which every pair is compared; past it, neighbours in the ranking only.
constexpr std::size_t kMaxAllPairs = 30;

/// Whether groups a and b (indices in the ranking) of `count` groups are compared as a pair:
/// the bootstrap budget and the pairs themselves ask the same question.
bool comparedPair(std::size_t a, std::size_t b, std::size_t count) {
  return a != b && (count <= kMaxAllPairs || a + 1 == b || b + 1 == a);
}

/// A score rule, parsed from --score.
struct ScoreRule {
  enum class Kind { kLast, kAuc, kThreshold, kEval, kEvalLast } kind = Kind::kLast;
  long last = static_cast<long>(kScoreEpisodes);
  double threshold = 0;
};

ScoreRule parseScore(const std::string& text) {
  ScoreRule r;
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : text.substr(colon + 1);
  double v = 0;
  if (kind == "last" && parseNumber(arg, v) && v >= 1 && v == std::floor(v)) {
    r.kind = ScoreRule::Kind::kLast;
    r.last = static_cast<long>(v);
  } else if (kind == "auc" && arg.empty()) {
    r.kind = ScoreRule::Kind::kAuc;
  } else if (kind == "threshold" && parseNumber(arg, v)) {
    r.kind = ScoreRule::Kind::kThreshold;
    r.threshold = v;
  } else if (kind == "eval" && arg.empty()) {
    r.kind = ScoreRule::Kind::kEval;
  } else if (kind == "eval" && arg == "last") {
    r.kind = ScoreRule::Kind::kEvalLast;
  } else {
    throw UserError("--score '" + text +
                    "': expected last:K (K >= 1), auc, threshold:X, eval or eval:last" +
                    didYouMean(kind, {"last", "auc", "threshold", "eval"}));
  }
  return r;
}

/// The fields of one line of a CSV file spikegym wrote (lab/results csvField: a field with a
/// comma or quote is quoted, quotes doubled). Hand-written: libfccp needs the column count at
/// compile time, and a manifest's columns are the sweep's.
std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

/// A manifest: its swept paths (the columns after run_id,status,seed) and each run's swept
/// values by path ("" for a null). The swept values name a cell even where config.yaml cannot
/// (a preset's name is expanded there, not kept).
struct Manifest {
  std::vector<std::string> paths;
  std::map<std::string, std::map<std::string, std::string>> values;  ///< run id -> path -> value
};

Manifest readManifest(const fs::path& file) {
  Manifest m;
  std::istringstream in(readFileOrEmpty(file.string()));
  std::string line;
  if (!std::getline(in, line)) return m;
  const std::vector<std::string> header = csvFields(line);
  for (std::size_t i = 3; i < header.size(); ++i) m.paths.push_back(header[i]);
  while (std::getline(in, line)) {
    const std::vector<std::string> f = csvFields(line);
    if (f.size() != header.size()) continue;  // not a row spikegym wrote: ignored
    for (std::size_t i = 3; i < f.size(); ++i) m.values[f[0]][header[i]] = f[i];
  }
  return m;
}

std::string fmt(double v, int decimals = 3) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// The results folder a compare argument names: a results folder itself; an experiment file
/// (its results/<name>, under the folder that holds the file's results: "results"); otherwise
/// a one-line error that says what the path is and what to pass instead.
std::string resultsFolderOf(const std::string& given) {
  std::error_code ec;
  const fs::path path(given);
  if (fs::is_regular_file(path, ec)) {
    const std::string ext = path.extension().string();
    if (ext != ".yaml" && ext != ".yml") {
      throw UserError(given +
                      ": a file, not a results folder; pass results/<name> (or the "
                      "experiment's YAML file)");
    }
    const Experiment exp = loadExperiment(given, {});
    const fs::path folder = fs::path("results") / exp.name;
    if (!fs::is_directory(folder, ec)) {
      throw UserError(given + ": its results folder " + folder.string() +
                      " does not exist; run it first: spikegym run " + given);
    }
    return folder.string();
  }
  if (!fs::is_directory(path, ec)) {
    throw UserError(given +
                    ": no such results folder (expected results/<name> of a sweep, or "
                    "its experiment file)");
  }
  const bool has_runs = !runFolders(path).empty() || fs::exists(path / "manifest.csv", ec);
  if (!has_runs) {
    // A run folder, or a folder of experiments?
    if (fs::exists(path / "run.json", ec) || fs::exists(path / "config.yaml", ec)) {
      const fs::path parent = fs::absolute(path, ec).lexically_normal().parent_path();
      throw UserError(given + ": one run's folder; compare takes a whole sweep: pass " +
                      parent.string());
    }
    std::vector<std::string> experiments;
    for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::error_code e2;
      if (it->is_directory(e2) && fs::exists(it->path() / "manifest.csv", e2)) {
        experiments.push_back(it->path().filename().string());
      }
    }
    std::sort(experiments.begin(), experiments.end());
    if (!experiments.empty()) {
      std::string list;
      for (std::size_t i = 0; i < experiments.size() && i < 5; ++i) {
        list += (list.empty() ? "" : ", ") + experiments[i];
      }
      if (experiments.size() > 5) list += ", ...";
      throw UserError(given + ": a folder of " + std::to_string(experiments.size()) +
                      " experiments' results (" + list + "); pass one or more of them, e.g. " +
                      (path / experiments.front()).string());
    }
  }
  return given;
}

/// The grouping paths when --by is not given: every swept path of the folders' manifests (not
/// the seed), in order of first appearance.
std::vector<std::string> sweptPaths(const std::vector<std::string>& dirs) {
  std::vector<std::string> by;
  for (const auto& d : dirs) {
    for (const auto& p : readManifest(fs::path(d) / "manifest.csv").paths) {
      if (std::find(by.begin(), by.end(), p) == by.end()) by.push_back(p);
    }
  }
  return by;
}

/// Sets a run's --by values, group and labels: each path's value in the run's configuration,
/// else the sweep's value in the manifest (`swept`: the run's manifest row, or nullptr). The
/// paths found go into `known`.
void setGroupValues(RunScore& run, const std::vector<std::string>& by,
                    const std::map<std::string, std::string>& config,
                    const std::map<std::string, std::string>* swept, std::set<std::string>& known) {
  for (const auto& p : by) {
    const auto it = config.find(p);
    const bool swept_here = swept && swept->count(p);
    std::string value = "null";
    if (it != config.end()) {
      value = it->second;
      known.insert(p);
    } else if (swept_here) {
      // A swept path the configuration does not keep (agent.preset: expanded).
      known.insert(p);
      if (!swept->at(p).empty()) value = swept->at(p);
    }
    run.group_values.push_back(value);
    run.group += (run.group.empty() ? "" : " ") + value;
    // The label: what the sweep said for a swept path (null: not set), else the value.
    run.label_values.push_back(swept_here ? (swept->at(p).empty() ? "null" : swept->at(p)) : value);
  }
  if (run.group.empty()) run.group = "(all runs)";
}

/// Sets a run's training series and its score by `rule` (`file`: its episodes.csv, named in
/// errors).
void scoreRun(RunScore& run, const EpisodeSeries& s, const ScoreRule& rule, const fs::path& file) {
  if (s.train.empty()) throw UserError(file.string() + ": no training episodes");
  run.train = s.train;
  switch (rule.kind) {
    case ScoreRule::Kind::kLast:
      run.score = trailingMean(s.train, s.train.size(), static_cast<std::size_t>(rule.last));
      break;
    case ScoreRule::Kind::kAuc:
      run.score = trailingMean(s.train, s.train.size(), s.train.size());
      break;
    case ScoreRule::Kind::kThreshold: {
      run.censored = true;
      run.score = static_cast<double>(s.train.size() + 1);
      for (std::size_t e = 1; e <= s.train.size(); ++e) {
        if (e >= std::min<std::size_t>(100, s.train.size()) &&
            trailingMean(s.train, e, 100) >= rule.threshold) {
          run.score = static_cast<double>(e);
          run.censored = false;
          break;
        }
      }
      break;
    }
    case ScoreRule::Kind::kEval:
      if (s.eval.empty()) {
        throw UserError(file.string() +
                        ": --score eval: this run has no evaluation episodes (set "
                        "train.eval_every in the experiment)");
      }
      run.score = trailingMean(s.eval, s.eval.size(), s.eval.size());
      break;
    case ScoreRule::Kind::kEvalLast: {  // the last block: the trained agent's test score
      if (s.eval.empty()) {
        throw UserError(file.string() +
                        ": --score eval:last: this run has no evaluation episodes (set "
                        "train.eval_every in the experiment)");
      }
      std::size_t n = 0;
      while (n < s.eval.size() && s.eval_after[s.eval.size() - 1 - n] == s.eval_after.back()) ++n;
      run.score = trailingMean(s.eval, s.eval.size(), n);
      break;
    }
  }
}

/// Sets whether a run solved its env: the trailing-100 mean of `returns` reached the env's
/// reward threshold (an env that declares none, or is unknown today, has no threshold).
void markSolved(RunScore& run, const std::vector<double>& returns) {
  std::optional<double> threshold;
  try {
    threshold = envs::envSpec(run.env_id).reward_threshold;
  } catch (const UserError&) {
  }
  run.has_threshold = threshold.has_value();
  if (!threshold) return;
  for (std::size_t e = std::min<std::size_t>(100, returns.size()); e <= returns.size(); ++e) {
    if (trailingMean(returns, e, 100) >= *threshold) {
      run.solved = true;
      break;
    }
  }
}

/// One results folder as RunCollector reads it.
struct Folder {
  fs::path given;  ///< as given (named in errors)
  fs::path real;   ///< its real path (names the runs)
  Results results;
  Manifest manifest;
};

/// Every run of the given folders, once: folders and runs are keyed by their real path, so
/// `compare DIR ./DIR/` or a symlink to a folder never counts a run twice. Runs that are not
/// complete (running, failed, interrupted, missing), damaged (cut short, unreadable) or stale
/// (older dynamics, connectivity or definitions) are left out, counted by kind in one warning
/// line.
struct RunCollector {
  const CompareOptions& options;
  const ScoreRule& rule;
  CompareResult& result;
  std::map<std::string, int> left_out{};  ///< runs not complete, by status
  std::set<std::string> seen_runs{};      ///< real paths of the run folders met so far
  int duplicates = 0;                     ///< runs met a second time
  std::set<std::string> by_known{};       ///< --by paths some run has

  /// Adds the complete runs of folder `d` to result.runs.
  void addFolder(const std::string& d);
  /// A complete run of `folder`, read and scored.
  RunScore readRun(const Folder& folder, const std::string& id, const RunState& state);
  /// After every folder: each --by path known to some run, some run complete; the warnings.
  void finish();
};

void RunCollector::addFolder(const std::string& d) {
  const fs::path dir(d);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UserError(d + ": no such results folder (expected results/<name> of a sweep)");
  }
  const fs::path real = fs::canonical(dir, ec);
  if (ec) throw UserError(d + ": cannot resolve the folder (" + ec.message() + ")");
  const Folder folder{dir, real, Results(real.parent_path().string(), real.filename().string()),
                      readManifest(real / "manifest.csv")};
  for (const auto& id : runFolders(real)) {
    if (!seen_runs.insert(fs::weakly_canonical(real / id, ec).string()).second) {
      ++duplicates;
      continue;
    }
    const RunState state = folder.results.assess(id, nullptr);
    if (!state.complete()) {
      ++left_out[state.status];
      continue;
    }
    result.runs.push_back(readRun(folder, id, state));
  }
}

RunScore RunCollector::readRun(const Folder& folder, const std::string& id, const RunState& state) {
  const auto& record = state.record;
  RunScore run;
  run.dir = folder.real.string();
  run.run_id = id;
  run.git_commit = record->git_commit;
  run.dynamics_version = record->env_dynamics_version;
  const std::map<std::string, std::string> config = folder.results.readConfig(id);
  run.env_id = config.count("env.id") ? config.at("env.id") : "";
  const auto swept = folder.manifest.values.find(id);
  setGroupValues(run, result.by, config,
                 swept != folder.manifest.values.end() ? &swept->second : nullptr, by_known);
  const EpisodeSeries s = folder.results.readEpisodes(id, options.metric);
  scoreRun(run, s, rule, folder.given / id / "episodes.csv");
  if (options.x == "steps") {
    if (s.lengths.size() != s.train.size()) {
      throw UserError((folder.given / id / "episodes.csv").string() +
                      ":1: --x steps: no column 'length' (env steps per episode)");
    }
    double steps = 0;
    for (double n : s.lengths) run.train_steps.push_back(steps += n);
  }
  markSolved(run, s.returns);
  if (!s.eval_labels.empty() && s.eval_labels.size() == s.eval_after.size()) {
    // The last evaluation block: the trained agent's test.
    std::size_t n = 0;
    while (n < s.eval_after.size() &&
           s.eval_after[s.eval_after.size() - 1 - n] == s.eval_after.back())
      ++n;
    run.test_labels.assign(s.eval_labels.end() - static_cast<std::ptrdiff_t>(n),
                           s.eval_labels.end());
    run.test_answers.assign(s.eval_answers.end() - static_cast<std::ptrdiff_t>(n),
                            s.eval_answers.end());
  }
  // The cost window: the episodes a last:K score reads, else every training episode.
  auto sum = [](const std::vector<snn::OpCounts>& costs, const std::vector<double>& lengths,
                std::size_t last, RunScore::Cost& out) {
    if (costs.empty() || costs.size() != lengths.size()) return;
    const std::size_t n = costs.size(), begin = last < n ? n - last : 0;
    for (std::size_t e = begin; e < n; ++e) {
      out.total += costs[e];
      out.steps += lengths[e];
    }
    out.episodes = n - begin;
  };
  sum(s.costs, s.lengths,
      rule.kind == ScoreRule::Kind::kLast ? static_cast<std::size_t>(rule.last) : SIZE_MAX,
      run.cost);
  sum(s.eval_costs, s.eval_lengths, SIZE_MAX, run.eval_cost);
  return run;
}

void RunCollector::finish() {
  for (const auto& p : result.by) {
    if (!by_known.count(p) && !result.runs.empty()) {
      std::vector<std::string> paths;
      const fs::path first(result.runs[0].dir);
      const Results results(first.parent_path().string(), first.filename().string());
      for (const auto& [k, v] : results.readConfig(result.runs[0].run_id)) paths.push_back(k);
      throw UserError("--by '" + p + "': no run's config.yaml has this path" +
                      didYouMean(p, paths) + " (see any results/<name>/<run_id>/config.yaml)");
    }
  }
  std::string left_text;
  int left_total = 0;
  for (const auto& [kind, n] : left_out) {
    left_text += (left_text.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    left_total += n;
  }
  if (result.runs.empty()) {
    std::string names;
    for (const auto& d : options.dirs) names += (names.empty() ? "" : ", ") + d;
    throw UserError(names + ": no complete runs" +
                    (left_total ? " (" + left_text + ")" : std::string()) +
                    "; run the sweep first (spikegym status shows each run)");
  }
  if (left_total > 0) {
    result.warnings.push_back(
        "left out " + std::to_string(left_total) + " runs that are not complete: " + left_text +
        " (stale: made under older env dynamics, connectivity or definitions; damaged: cut "
        "short or unreadable; `spikegym status` lists them)");
  }
  if (duplicates > 0) {
    result.warnings.push_back("counted " + std::to_string(duplicates) +
                              " runs named twice (the same folder given twice) once");
  }
}

/// Short group names: the values of the --by paths that differ between groups, nulls left out
/// ("reinforce", not "reinforce null null"), at most kMaxGroupName characters, each name
/// distinct; summary.csv keeps every path's value in its own column (the legend).
void shortenGroupNames(CompareResult& result) {
  constexpr std::size_t kMaxGroupName = 40;
  // First the sweep's own words (a null cell is "not set", not its default), then the
  // resolved values, with nulls, if the shorter names would not tell the groups apart.
  auto valuesOf = [](const RunScore& r, bool sweep_words) -> const std::vector<std::string>& {
    return sweep_words ? r.label_values : r.group_values;
  };
  for (const bool drop_nulls : {true, false}) {
    std::vector<std::set<std::string>> seen(result.by.size());
    for (const RunScore& r : result.runs) {
      const auto& v = valuesOf(r, drop_nulls);
      for (std::size_t k = 0; k < v.size(); ++k) seen[k].insert(v[k]);
    }
    auto nameOf = [&](const RunScore& r) {
      const auto& v = valuesOf(r, drop_nulls);
      std::string name;
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (seen[k].size() < 2 || (drop_nulls && v[k] == "null")) continue;
        name += (name.empty() ? "" : " ") + v[k];
      }
      return name.empty() ? std::string("(all runs)") : name;
    };
    std::map<std::string, std::string> shorter;  // full name -> short
    std::set<std::string> taken;
    bool distinct = true;
    for (const RunScore& r : result.runs) {
      if (shorter.count(r.group)) continue;
      std::string name = nameOf(r);
      if (name.size() > kMaxGroupName) {
        name = name.substr(0, kMaxGroupName - 4) + " ~" + std::to_string(shorter.size() + 1);
      }
      distinct = distinct && taken.insert(name).second;
      shorter[r.group] = name;
    }
    if (!distinct) continue;  // nulls told two groups apart: keep them
    for (RunScore& r : result.runs) r.group = shorter.at(r.group);
    break;
  }
}

/// Groups, in order of first appearance.
void formGroups(CompareResult& result) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < result.runs.size(); ++i) {
    const RunScore& r = result.runs[i];
    auto [it, fresh] = index.emplace(r.group, result.groups.size());
    if (fresh) result.groups.push_back({r.group, r.group_values, {}, 0, 0});
    result.groups[it->second].runs.push_back(i);
  }
}

/// Bootstrap work before any of it is done: every resample draws each group's runs, and each
/// compared pair's. Past kMaxDraws (several seconds) the user is asked for fewer --reps.
void checkBootstrapWork(const CompareResult& result, int reps) {
  constexpr double kMaxDraws = 1e9;
  double per_rep = 0;
  for (const GroupSummary& g : result.groups) per_rep += static_cast<double>(g.runs.size());
  const std::size_t k = result.groups.size();
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = 0; b < k; ++b) {
      if (!comparedPair(a, b, k)) continue;
      per_rep += static_cast<double>(result.groups[a].runs.size() + result.groups[b].runs.size());
    }
  }
  if (per_rep * reps > kMaxDraws) {
    throw UserError("--reps " + std::to_string(reps) + ": " + std::to_string(result.runs.size()) +
                    " runs in " + std::to_string(k) + " groups would take " +
                    formatNumber(per_rep * reps) + " bootstrap draws, more than " +
                    formatNumber(kMaxDraws) + "; use at most --reps " +
                    std::to_string(std::max<long>(1, static_cast<long>(kMaxDraws / per_rep))));
  }
}

/// Each group's statistics over its runs' scores (the IQM's bootstrap stratified by env), with
/// a warning for a group of few runs or one that mixes commits or env dynamics versions.
void summarizeGroups(CompareResult& result, const CompareOptions& options) {
  for (GroupSummary& g : result.groups) {
    std::vector<double> scores;
    std::vector<int> strata;
    std::map<std::string, int> env_index;
    std::set<std::string> commits, dynamics;
    int with_threshold = 0, solved = 0;
    for (std::size_t i : g.runs) {
      const RunScore& r = result.runs[i];
      scores.push_back(r.score);
      strata.push_back(
          env_index.emplace(r.env_id, static_cast<int>(env_index.size())).first->second);
      commits.insert(r.git_commit);
      dynamics.insert(r.env_id + " v" + std::to_string(r.dynamics_version));
      g.censored += r.censored;
      with_threshold += r.has_threshold;
      solved += r.solved;
    }
    g.n = static_cast<int>(scores.size());
    g.mean = mean(scores);
    g.std = stddev(scores);
    g.median = summarize(scores).median;
    g.iqm = iqm(scores);
    const Interval ci = bootstrapIqm(scores, env_index.size() > 1 ? strata : std::vector<int>{},
                                     options.reps, options.seed + hashName(g.name));
    g.iqm_low = ci.low;
    g.iqm_high = ci.high;
    g.frac_solved = with_threshold ? static_cast<double>(solved) / with_threshold : std::nan("");
    if (g.n < 5) {
      result.warnings.push_back("group '" + g.name + "' has " + std::to_string(g.n) +
                                " runs; fewer than 5 runs give wide intervals (Colas et al. 2018)");
    }
    if (commits.size() > 1) {
      std::string list;
      for (const auto& c : commits) list += (list.empty() ? "" : ", ") + c;
      result.warnings.push_back("group '" + g.name + "' mixes runs of spikegym commits " + list);
    }
    if (dynamics.size() > 1 && env_index.size() < dynamics.size()) {
      std::string list;
      for (const auto& d : dynamics) list += (list.empty() ? "" : ", ") + d;
      result.warnings.push_back("group '" + g.name + "' mixes env dynamics versions: " + list);
    }
  }
}

/// One group's cost over its runs' cost windows (training) or evaluation episodes; nullopt when
/// no run of the group has cost columns.
std::optional<GroupCost> groupCost(const CompareResult& result, const GroupSummary& g,
                                   const CompareOptions& options, bool evaluation, int& without) {
  GroupCost cost;
  cost.group = g.name;
  cost.evaluation = evaluation;
  std::vector<double> ac, mac, plasticity, neurons, steps;
  std::vector<std::vector<double>> energy(result.prices.size());
  std::vector<double> nj_step(result.prices.size(), 0.0);
  double ac_step = 0, mac_step = 0, plasticity_step = 0;
  for (std::size_t i : g.runs) {
    const RunScore::Cost& c = evaluation ? result.runs[i].eval_cost : result.runs[i].cost;
    if (c.episodes == 0) {
      without += !evaluation;
      continue;
    }
    const auto count = static_cast<double>(c.episodes);
    const snn::OpCounts& total = c.total;
    const double window_steps = c.steps;
    ac.push_back(static_cast<double>(total.ac) / count);
    mac.push_back(static_cast<double>(total.mac) / count);
    plasticity.push_back(static_cast<double>(total.plasticity) / count);
    neurons.push_back(static_cast<double>(total.neuron_active + total.neuron_inactive) / count);
    steps.push_back(window_steps / count);
    if (window_steps > 0) {
      ac_step += static_cast<double>(total.ac) / window_steps;
      mac_step += static_cast<double>(total.mac) / window_steps;
      plasticity_step += static_cast<double>(total.plasticity) / window_steps;
    }
    for (std::size_t p = 0; p < result.prices.size(); ++p) {
      const double uj = energyUj(total, result.prices[p]);
      energy[p].push_back(uj / count);
      nj_step[p] += window_steps > 0 ? 1e3 * uj / window_steps : 0.0;
    }
  }
  cost.n = static_cast<int>(ac.size());
  if (cost.n == 0) return std::nullopt;
  const int reps = std::min(options.reps, 2000);
  const std::string key = (evaluation ? "eval:" : "") + g.name;
  auto estimate = [&](const std::vector<double>& x, const std::string& what) {
    return Estimate{mean(x),
                    bootstrapMean(x, reps, options.seed + hashName("cost:" + what + ":" + key))};
  };
  cost.ac = estimate(ac, "ac");
  cost.mac = estimate(mac, "mac");
  cost.plasticity = estimate(plasticity, "plasticity");
  cost.neuron_updates = estimate(neurons, "neurons");
  cost.steps = estimate(steps, "steps");
  for (std::size_t p = 0; p < result.prices.size(); ++p) {
    cost.energy_uj.push_back(estimate(energy[p], "energy:" + result.prices[p].name));
    cost.energy_nj_step.push_back(nj_step[p] / cost.n);
  }
  cost.per_step = {ac_step / cost.n, mac_step / cost.n, plasticity_step / cost.n};
  return cost;
}

/// Each group's cost per training episode over the cost window, and over its evaluation
/// episodes when it has them (GroupCost). Runs without cost columns are left out of it, said in
/// one warning line.
void summarizeCosts(CompareResult& result, const CompareOptions& options, const ScoreRule& rule) {
  int without = 0;
  for (const GroupSummary& g : result.groups) {
    if (auto c = groupCost(result, g, options, false, without)) {
      result.costs.push_back(std::move(*c));
    }
  }
  for (const GroupSummary& g : result.groups) {
    if (auto c = groupCost(result, g, options, true, without)) {
      result.costs.push_back(std::move(*c));
    }
  }
  // Say the window the runs had: last:100 over runs of 20 episodes is every episode.
  std::size_t longest = 0, shortest = SIZE_MAX;
  for (const RunScore& r : result.runs) {
    if (r.cost.episodes == 0) continue;
    longest = std::max(longest, r.cost.episodes);
    shortest = std::min(shortest, r.cost.episodes);
  }
  const bool cut = rule.kind == ScoreRule::Kind::kLast && shortest != SIZE_MAX &&
                   static_cast<std::size_t>(rule.last) <= shortest;
  result.cost_window = cut ? "the last " + std::to_string(rule.last) + " training episodes"
                       : longest == shortest && shortest != SIZE_MAX
                           ? "all " + std::to_string(longest) + " training episodes"
                           : "every training episode";
  if (without > 0 && !result.costs.empty()) {
    result.warnings.push_back(std::to_string(without) +
                              " run(s) have no cost columns (made before spikegym counted "
                              "operations): not in the cost table");
  }
}

/// Per group with a classification test (RunScore::test_labels): per-class accuracy over runs
/// and the summed confusion matrix (GroupClasses). Runs of such a group without a test block
/// are said in one warning line.
void summarizeClasses(CompareResult& result, const CompareOptions& options) {
  int classes = 0;
  for (const RunScore& r : result.runs) {
    for (int c : r.test_labels) classes = std::max(classes, c + 1);
    for (int c : r.test_answers) classes = std::max(classes, c + 1);
  }
  if (classes == 0) return;
  const auto k = static_cast<std::size_t>(classes);
  int without = 0;
  for (const GroupSummary& g : result.groups) {
    GroupClasses gc;
    gc.group = g.name;
    gc.classes = classes;
    gc.confusion.assign(k * k, 0);
    std::vector<std::vector<double>> per_class(k);  // each run's accuracy on the class
    std::vector<double> images(k, 0.0), overall;
    for (std::size_t i : g.runs) {
      const RunScore& r = result.runs[i];
      if (r.test_labels.empty()) {
        ++without;
        continue;
      }
      ++gc.n;
      std::vector<double> right(k, 0.0), seen(k, 0.0);
      for (std::size_t e = 0; e < r.test_labels.size(); ++e) {
        const auto l = static_cast<std::size_t>(r.test_labels[e]);
        const auto a = static_cast<std::size_t>(r.test_answers[e]);
        ++gc.confusion[l * k + a];
        seen[l] += 1;
        right[l] += l == a ? 1 : 0;
      }
      double total_right = 0;
      for (std::size_t c = 0; c < k; ++c) {
        images[c] += seen[c];
        total_right += right[c];
        if (seen[c] > 0) per_class[c].push_back(right[c] / seen[c]);
      }
      overall.push_back(total_right / static_cast<double>(r.test_labels.size()));
    }
    if (gc.n == 0) continue;
    for (std::size_t c = 0; c < k; ++c) {
      gc.images.push_back(images[c] / gc.n);
      Estimate e{std::nan(""), {std::nan(""), std::nan("")}};
      if (!per_class[c].empty()) {
        e.value = mean(per_class[c]);
        e.ci = bootstrapMean(per_class[c], options.reps,
                             options.seed + hashName(g.name + "|class " + std::to_string(c)));
      }
      gc.accuracy.push_back(e);
    }
    gc.overall = mean(overall);
    result.classes.push_back(std::move(gc));
  }
  if (without > 0) {
    result.warnings.push_back(std::to_string(without) +
                              " run(s) have no test block with labels and answers: not in the "
                              "per-class table");
  }
}

/// A group's confusion matrix as fractions of each true class's test images ([label * classes
/// + answer]; NaN for a class with no image): what confusion.csv and the figure show.
std::vector<double> confusionFractions(const GroupClasses& g) {
  const auto k = static_cast<std::size_t>(g.classes);
  std::vector<double> out(k * k, std::nan(""));
  for (std::size_t l = 0; l < k; ++l) {
    std::uint64_t row = 0;
    for (std::size_t a = 0; a < k; ++a) row += g.confusion[l * k + a];
    if (row == 0) continue;
    for (std::size_t a = 0; a < k; ++a) {
      out[l * k + a] = static_cast<double>(g.confusion[l * k + a]) / static_cast<double>(row);
    }
  }
  return out;
}

/// The groups best first, then their pairs. Every ordered pair of groups is a bootstrap of its
/// own: quadratic in the groups. Past kMaxAllPairs groups only neighbours in the ranking are
/// compared (what the table prints).
void rankAndPairGroups(CompareResult& result, const CompareOptions& options) {
  const bool lower = result.lower_is_better;
  std::stable_sort(result.groups.begin(), result.groups.end(),
                   [lower](const GroupSummary& a, const GroupSummary& b) {
                     return lower ? a.iqm < b.iqm : a.iqm > b.iqm;
                   });
  const bool neighbours_only = result.groups.size() > kMaxAllPairs;
  if (neighbours_only) {
    result.warnings.push_back(std::to_string(result.groups.size()) + " groups: more than " +
                              std::to_string(kMaxAllPairs) +
                              ", so pairs.csv compares neighbours in the ranking only (use --by "
                              "to group by fewer paths)");
  }
  for (std::size_t ga = 0; ga < result.groups.size(); ++ga) {
    for (std::size_t gb = 0; gb < result.groups.size(); ++gb) {
      if (!comparedPair(ga, gb, result.groups.size())) continue;
      const GroupSummary& a = result.groups[ga];
      const GroupSummary& b = result.groups[gb];
      std::vector<double> x, y;
      // "Improvement" is a higher score, or an earlier threshold episode.
      for (std::size_t i : a.runs)
        x.push_back(lower ? -result.runs[i].score : result.runs[i].score);
      for (std::size_t i : b.runs)
        y.push_back(lower ? -result.runs[i].score : result.runs[i].score);
      PairSummary p{a.name, b.name, probabilityOfImprovement(x, y), 0, 0, welchPValue(x, y)};
      const Interval ci =
          bootstrapImprovement(x, y, options.reps, options.seed + hashName(a.name + "|" + b.name));
      p.low = ci.low;
      p.high = ci.high;
      result.pairs.push_back(p);
    }
  }
}

/// Creates the output folder (result.out_dir), clears what compare wrote there before and
/// writes options.txt.
void prepareOutDir(CompareResult& result, const CompareOptions& options) {
  result.out_dir =
      options.out.empty() ? (fs::path(options.dirs[0]) / "compare").string() : options.out;
  std::error_code ec;
  fs::create_directories(result.out_dir, ec);
  if (ec || !fs::is_directory(result.out_dir)) {
    throw UserError("--out " + result.out_dir + ": cannot create the folder (" + ec.message() +
                    ")");
  }
  // What an earlier call wrote here (figures of another --score, --metric or --by) never stays
  // beside tables that disagree with it: every file compare owns is removed first, and
  // options.txt says which options made what is there now.
  for (const char* table :
       {"summary.csv", "pairs.csv", "curves.csv", "cost.csv", "classes.csv", "confusion.csv"}) {
    fs::remove(fs::path(result.out_dir) / table, ec);
  }
  for (const std::string& figure : figureNames()) {
    for (const char* ext : {".svg", ".png", ".pdf"}) {
      fs::remove(fs::path(result.out_dir) / (figure + ext), ec);
    }
  }
  std::string text = "spikegym compare";
  for (const auto& d : options.dirs) text += " " + d;
  std::string by;
  for (const auto& p : result.by) by += (by.empty() ? "" : ",") + p;
  text += "\n--by " + (by.empty() ? std::string("(none)") : by) + "\n--metric " + options.metric +
          "\n--score " + options.score + "\n--reps " + std::to_string(options.reps) + "\n--seed " +
          std::to_string(options.seed) + "\n--smooth " + std::to_string(options.smooth_episodes) +
          "\n--x " + options.x + "\n--energy " + options.energy + "\n";
  for (const auto& prices : options.prices) text += "--prices " + prices + "\n";
  writeFileAtomic((fs::path(result.out_dir) / "options.txt").string(), text);
}

/// Writes summary.csv (a group a row) and pairs.csv (a compared pair a row).
void writeTables(const CompareResult& result) {
  std::string summary = "group";
  for (const auto& p : result.by) summary += "," + csvField(p);
  summary += ",n_runs,n_censored,mean,std,median,iqm,iqm_ci_low,iqm_ci_high,frac_solved,colour\n";
  for (const GroupSummary& g : result.groups) {
    summary += csvField(g.name);
    // Appended piecewise: GCC 12 warns (-Wrestrict) on "," + std::string here.
    for (const auto& v : g.values) {
      summary += ',';
      summary += csvField(v);
    }
    summary += "," + std::to_string(g.n) + "," + std::to_string(g.censored) + "," +
               formatNumber(g.mean) + "," + formatNumber(g.std) + "," + formatNumber(g.median) +
               "," + formatNumber(g.iqm) + "," + formatNumber(g.iqm_low) + "," +
               formatNumber(g.iqm_high) + "," +
               (std::isnan(g.frac_solved) ? "" : formatNumber(g.frac_solved)) + "," +
               (g.colour >= 0 ? paletteHex()[static_cast<std::size_t>(g.colour)] : "") + "\n";
  }
  writeFileAtomic((fs::path(result.out_dir) / "summary.csv").string(), summary);
  std::string pairs = "group_a,group_b,prob_improvement,ci_low,ci_high,welch_p\n";
  for (const PairSummary& p : result.pairs) {
    pairs += csvField(p.a) + "," + csvField(p.b) + "," + formatNumber(p.prob_improvement) + "," +
             formatNumber(p.low) + "," + formatNumber(p.high) + "," +
             (std::isnan(p.welch_p) ? "" : formatNumber(p.welch_p)) + "\n";
  }
  writeFileAtomic((fs::path(result.out_dir) / "pairs.csv").string(), pairs);
  if (!result.classes.empty()) {
    // classes.csv: per group and class, the test accuracy over runs; confusion.csv: per group,
    // true class and answer, the answers summed over runs and the fraction of the class's row.
    std::string classes = "group,class,n_runs,images_per_run,accuracy,ci_low,ci_high\n";
    std::string confusion = "group,label,answer,count,fraction_of_label\n";
    for (const GroupClasses& g : result.classes) {
      const auto k = static_cast<std::size_t>(g.classes);
      const std::vector<double> fractions = confusionFractions(g);
      for (std::size_t c = 0; c < k; ++c) {
        const Estimate& e = g.accuracy[c];
        classes += csvField(g.group) + "," + std::to_string(c) + "," + std::to_string(g.n) + "," +
                   formatNumber(g.images[c]) + "," +
                   (std::isnan(e.value) ? ",,"
                                        : formatNumber(e.value) + "," + formatNumber(e.ci.low) +
                                              "," + formatNumber(e.ci.high)) +
                   "\n";
        for (std::size_t a = 0; a < k; ++a) {
          const double f = fractions[c * k + a];
          confusion += csvField(g.group) + "," + std::to_string(c) + "," + std::to_string(a) + "," +
                       std::to_string(g.confusion[c * k + a]) + "," +
                       (std::isnan(f) ? "" : formatNumber(f)) + "\n";
        }
      }
    }
    writeFileAtomic((fs::path(result.out_dir) / "classes.csv").string(), classes);
    writeFileAtomic((fs::path(result.out_dir) / "confusion.csv").string(), confusion);
  }
  if (result.costs.empty()) return;
  // cost.csv: per group, per training episode over the cost window, mean over runs and CI.
  std::string cost = "group,episodes,n_runs";
  auto add = [&cost](const char* name) {
    for (const char* part : {"", "_ci_low", "_ci_high"}) {
      cost += ',';
      cost += name;
      cost += part;
    }
  };
  for (const char* name : {"env_steps", "syn_ac", "syn_mac", "plasticity_ops", "neuron_updates"}) {
    add(name);
  }
  cost += ",syn_ac_per_step,syn_mac_per_step,plasticity_ops_per_step";
  for (const PriceList& p : result.prices) {
    add(("energy_uj_" + p.name).c_str());
    cost += ",energy_nj_per_step_" + p.name;
  }
  cost += "\n";
  auto put = [&cost](const Estimate& e) {
    cost += ',' + formatNumber(e.value);
    cost += ',' + formatNumber(e.ci.low);
    cost += ',' + formatNumber(e.ci.high);
  };
  for (const GroupCost& c : result.costs) {
    cost += csvField(c.group);
    cost += c.evaluation ? ",evaluation," : ",training,";
    cost += std::to_string(c.n);
    for (const Estimate* e : {&c.steps, &c.ac, &c.mac, &c.plasticity, &c.neuron_updates}) put(*e);
    for (double v : c.per_step) cost += ',' + formatNumber(v);
    for (std::size_t p = 0; p < result.prices.size(); ++p) {
      put(c.energy_uj[p]);
      cost += ',' + formatNumber(c.energy_nj_step[p]);
    }
    cost += "\n";
  }
  writeFileAtomic((fs::path(result.out_dir) / "cost.csv").string(), cost);
}

/// The trailing mean of the last `window` values before index `end` of a run's prefix sums.
double trailingMean(const std::vector<double>& prefix, std::size_t end, std::size_t window) {
  const std::size_t begin = end > window ? end - window : 0;
  return (prefix[end] - prefix[begin]) / static_cast<double>(end - begin);
}

/// Learning curves: per group and point of the x axis, each run's trailing mean of the metric
/// over smooth_episodes episodes, then the mean over runs with a 95% bootstrap interval.
///   x = episodes: a point per training episode (the runs that have it).
///   x = steps: kStepPoints points evenly spaced in env steps up to the group's shortest run
///   (every point averages every run of the group); a run's value at step s is its trailing
///   mean over the episodes it had finished by then.
/// Writes curves.csv and returns the curves (for the figure).
std::vector<Curve> writeCurves(const CompareResult& result, const CompareOptions& options) {
  // Resamples per point: a band needs less precision than a table's interval, and a long
  // sweep has thousands of episodes per group.
  constexpr int kCurveReps = 400;
  constexpr std::size_t kStepPoints = 500;
  const bool by_steps = options.x == "steps";
  std::vector<Curve> curves;
  std::string curves_csv =
      std::string("group,") + (by_steps ? "env_step" : "episode") + ",n_runs,mean,ci_low,ci_high\n";
  const std::size_t window = static_cast<std::size_t>(std::max(1, options.smooth_episodes));
  for (const GroupSummary& g : result.groups) {
    Curve c;
    c.label = g.name;
    // Prefix sums per run: each trailing mean in O(1), whatever the window.
    std::vector<std::vector<double>> prefix;
    std::size_t longest = 0;
    double shortest_steps = INFINITY;
    for (std::size_t i : g.runs) {
      const auto& t = result.runs[i].train;
      std::vector<double> p(t.size() + 1, 0.0);
      for (std::size_t k = 0; k < t.size(); ++k) p[k + 1] = p[k] + t[k];
      prefix.push_back(std::move(p));
      longest = std::max(longest, t.size());
      if (by_steps) {
        const auto& steps = result.runs[i].train_steps;
        shortest_steps = std::min(shortest_steps, steps.empty() ? 0.0 : steps.back());
      }
    }
    const std::size_t points = by_steps ? kStepPoints : longest;
    std::vector<double> values;
    for (std::size_t j = 1; j <= points; ++j) {
      values.clear();
      double x = static_cast<double>(j);
      if (by_steps) {
        x = std::round(shortest_steps * static_cast<double>(j) / static_cast<double>(points));
        if (!c.x.empty() && x <= c.x.back()) continue;  // fewer steps than points
        for (std::size_t r = 0; r < g.runs.size(); ++r) {
          const auto& steps = result.runs[g.runs[r]].train_steps;
          const auto done = static_cast<std::size_t>(
              std::upper_bound(steps.begin(), steps.end(), x) - steps.begin());
          if (done > 0) values.push_back(trailingMean(prefix[r], done, window));
        }
        if (values.size() < g.runs.size()) continue;  // a run has not finished an episode
      } else {
        for (const auto& p : prefix) {
          if (p.size() > j) values.push_back(trailingMean(p, j, window));
        }
      }
      const double m = mean(values);
      // A percentile bootstrap of the mean over runs (rliable's intervals): it stays within the
      // runs' own values, where a t interval on a few runs reached far past anything observed
      // (-450 to 1040 for CartPole returns in [0, 500]).
      const Interval ci = bootstrapMean(values, kCurveReps, options.seed + hashName(g.name) + j);
      c.x.push_back(x);
      c.y.push_back(m);
      c.low.push_back(ci.low);
      c.high.push_back(ci.high);
      curves_csv += csvField(g.name) + "," + formatNumber(x) + "," + std::to_string(values.size()) +
                    "," + formatNumber(m) + "," + formatNumber(ci.low) + "," +
                    formatNumber(ci.high) + "\n";
    }
    curves.push_back(std::move(c));
  }
  writeFileAtomic((fs::path(result.out_dir) / "curves.csv").string(), curves_csv);
  return curves;
}

/// A figure holds a row or a line per group. Rows carry their names (scores, improvement): the
/// best kMaxRowGroups. Lines are told apart by colour alone (curves, profiles): the best
/// kMaxLineGroups, one colour each (the palette has 8; a ninth would repeat a colour).
constexpr std::size_t kMaxRowGroups = 20, kMaxLineGroups = 8;

/// Gives each drawn group its colour (GroupSummary::colour), written to summary.csv whether or
/// not figures are drawn, so a user's own plots can match compare's.
void assignColours(CompareResult& result) {
  std::vector<std::string> lines, rows;
  for (std::size_t g = 0; g < result.groups.size(); ++g) {
    if (g < kMaxLineGroups) lines.push_back(result.groups[g].name);
    if (g < kMaxRowGroups) rows.push_back(result.groups[g].name);
  }
  const std::map<std::string, int> colours = groupColours(lines, rows);
  for (GroupSummary& g : result.groups) {
    const auto it = colours.find(g.name);
    g.colour = it == colours.end() ? -1 : it->second;
  }
}

/// Writes the figures in every format of options.plots.
void writeAllFigures(CompareResult& result, const CompareOptions& options,
                     const std::vector<Curve>& curves) {
  const std::size_t k = result.groups.size();
  if (k > kMaxLineGroups) {
    result.warnings.push_back(
        "figures show the best " + std::to_string(std::min(k, kMaxRowGroups)) + " of " +
        std::to_string(k) + " groups in rows (scores, improvement) and the best " +
        std::to_string(kMaxLineGroups) +
        " as lines (curves, profile, pareto); summary.csv, pairs.csv and cost.csv have all");
  }
  std::set<std::string> rows, lines;
  std::map<std::string, int> colour;
  for (std::size_t g = 0; g < k; ++g) {
    if (g < kMaxRowGroups) rows.insert(result.groups[g].name);
    if (g < kMaxLineGroups) lines.insert(result.groups[g].name);
    colour[result.groups[g].name] = result.groups[g].colour;
  }
  FigureSet figures;
  figures.metric = options.metric;
  figures.score_label = options.score + " of " + options.metric;
  figures.smooth_episodes = options.smooth_episodes;
  figures.x_label = options.x == "steps" ? "env steps in training" : "training episode";
  figures.lower_is_better = result.lower_is_better;
  auto colourOf = [&colour](const std::string& name) {
    const auto it = colour.find(name);
    return it == colour.end() ? -1 : it->second;
  };
  // Titles name the env(s) and the runs per group; one env with a solved threshold draws it
  // where the score is in the env's return units.
  std::set<std::string> envs;
  std::size_t n_min = SIZE_MAX, n_max = 0;
  for (const auto& r : result.runs) envs.insert(r.env_id);
  for (const auto& g : result.groups) {
    n_min = std::min(n_min, g.runs.size());
    n_max = std::max(n_max, g.runs.size());
  }
  std::string env_names;
  for (const auto& e : envs) env_names += (env_names.empty() ? "" : ", ") + e;
  figures.context = env_names + ", n = " + std::to_string(n_min) +
                    (n_max > n_min ? "-" + std::to_string(n_max) : "") + " runs per group";
  if (envs.size() == 1 && options.metric == "return" && !result.lower_is_better &&
      (options.score.rfind("last", 0) == 0 || options.score.rfind("eval", 0) == 0)) {
    try {
      figures.threshold = envs::envSpec(*envs.begin()).reward_threshold;
    } catch (const UserError&) {
      // An env this build does not know: no line.
    }
  }
  for (const Curve& c : curves) {
    if (!lines.count(c.label)) continue;
    figures.curves.push_back(c);
    figures.curves.back().colour = colourOf(c.label);
  }
  for (const GroupSummary& g : result.groups) {
    if (!rows.count(g.name)) continue;
    ScoreColumn col;
    col.label = g.name;
    for (std::size_t i : g.runs) col.scores.push_back(result.runs[i].score);
    col.iqm = g.iqm;
    col.low = g.iqm_low;
    col.high = g.iqm_high;
    col.colour = colourOf(g.name);
    std::vector<int> strata;
    for (std::size_t i : g.runs) {
      strata.push_back(
          static_cast<int>(std::distance(envs.begin(), envs.find(result.runs[i].env_id))));
    }
    figures.intervals.push_back(
        {g.name,
         bootstrapAggregates(col.scores, strata, figures.threshold, std::min(options.reps, 2000),
                             options.seed + hashName("intervals:" + g.name)),
         col.colour});
    figures.scores.push_back(col);
  }
  // Performance profiles on 101 thresholds spanning every score.
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : result.runs) lo = std::min(lo, r.score), hi = std::max(hi, r.score);
  if (hi <= lo) hi = lo + 1;
  lo -= 0.02 * (hi - lo);  // start below the lowest score: every profile starts at 1
  std::vector<double> taus;
  for (int t = 0; t <= 100; ++t) taus.push_back(lo + (hi - lo) * t / 100.0);
  for (const GroupSummary& g : result.groups) {
    if (!lines.count(g.name)) continue;
    std::vector<double> scores;
    for (std::size_t i : g.runs) scores.push_back(result.runs[i].score);
    figures.profiles.push_back({g.name,
                                performanceProfile(scores, taus, std::min(options.reps, 2000),
                                                   options.seed + hashName("profile:" + g.name)),
                                colourOf(g.name)});
  }
  const auto energy = std::find_if(result.prices.begin(), result.prices.end(),
                                   [&](const PriceList& p) { return p.name == options.energy; });
  const auto energy_index = static_cast<std::size_t>(energy - result.prices.begin());
  for (const GroupCost& c : result.costs) {
    if (!lines.count(c.group) || c.evaluation) continue;  // a legend, as the curves
    const auto g = std::find_if(result.groups.begin(), result.groups.end(),
                                [&](const GroupSummary& s) { return s.name == c.group; });
    figures.pareto.push_back({c.group, c.energy_uj[energy_index].value,
                              c.energy_uj[energy_index].ci.low, c.energy_uj[energy_index].ci.high,
                              g->iqm, g->iqm_low, g->iqm_high, colourOf(c.group)});
  }
  figures.pareto_x_label = "energy per episode [uJ], " + options.energy + " prices";
  figures.pareto_window = result.cost_window;
  for (const PairSummary& p : result.pairs) {
    // Each unordered pair once: the better group first.
    const auto ia = std::find_if(result.groups.begin(), result.groups.end(),
                                 [&](const GroupSummary& g) { return g.name == p.a; });
    const auto ib = std::find_if(result.groups.begin(), result.groups.end(),
                                 [&](const GroupSummary& g) { return g.name == p.b; });
    if (ia < ib && rows.count(p.a) && rows.count(p.b))
      figures.pairs.push_back({p.a + "  >  " + p.b, p.prob_improvement, p.low, p.high});
  }
  figures.confusion_groups = static_cast<int>(result.classes.size());
  for (const GroupClasses& g : result.classes) {  // in the groups' order: best first
    if (static_cast<int>(figures.confusions.size()) == kMaxConfusionPanels) break;
    figures.confusions.push_back({g.group, g.classes, confusionFractions(g), g.n, g.overall});
  }
  for (const auto& format : options.plots) {
    writeFigures(figures, result.out_dir, format);
  }
}

}  // namespace

CompareResult compare(const CompareOptions& options_given) {
  CompareOptions options = options_given;
  for (auto& d : options.dirs) d = resultsFolderOf(d);
  if (options.dirs.empty()) throw UserError("compare: give at least one results folder");
  if (options.reps < 1)
    throw UserError("--reps " + std::to_string(options.reps) + ": expected >= 1");
  const ScoreRule rule = parseScore(options.score);
  if (options.x != "episodes" && options.x != "steps") {
    throw UserError("--x: unknown axis '" + options.x + "'" +
                    didYouMean(options.x, {"episodes", "steps"}) + "; expected episodes or steps");
  }
  // Every option checked before anything is written.
  for (const auto& format : options.plots) checkFigureFormat(format);
  CompareResult result;
  result.prices = builtinPriceLists();
  for (const auto& path : options.prices) {
    result.prices.push_back(readPriceList(path));
    for (std::size_t p = 0; p + 1 < result.prices.size(); ++p) {
      if (result.prices[p].name == result.prices.back().name) {
        throw UserError(path + ": name: '" + result.prices.back().name +
                        "' is given by another price list too");
      }
    }
  }
  std::vector<std::string> list_names;
  for (const PriceList& p : result.prices) list_names.push_back(p.name);
  if (std::find(list_names.begin(), list_names.end(), options.energy) == list_names.end()) {
    throw UserError("--energy: no price list '" + options.energy + "'" +
                    didYouMean(options.energy, list_names) + " (built-in: horowitz45, loihi; " +
                    "add one with --prices FILE)");
  }
  result.lower_is_better = rule.kind == ScoreRule::Kind::kThreshold;
  // The grouping paths: --by, else every swept path of the folders' manifests (not the seed).
  result.by = options.by.empty() ? sweptPaths(options.dirs) : options.by;

  RunCollector collector{options, rule, result};
  for (const auto& d : options.dirs) collector.addFolder(d);
  collector.finish();

  shortenGroupNames(result);
  formGroups(result);
  checkBootstrapWork(result, options.reps);
  summarizeGroups(result, options);
  rankAndPairGroups(result, options);
  summarizeCosts(result, options, rule);
  summarizeClasses(result, options);

  assignColours(result);
  prepareOutDir(result, options);
  writeTables(result);
  const std::vector<Curve> curves = writeCurves(result, options);
  if (!options.plots.empty()) writeAllFigures(result, options, curves);
  return result;
}

std::map<std::string, int> groupColours(const std::vector<std::string>& lines,
                                        const std::vector<std::string>& rows) {
  std::map<std::string, int> colour;
  for (const auto* names : {&lines, &rows}) {
    const std::set<std::string> sorted(names->begin(), names->end());
    for (const auto& name : sorted) {
      colour.emplace(name, static_cast<int>(colour.size()) % paletteSize());
    }
  }
  return colour;
}

namespace {

/// Rows as an aligned text table (column 1 left, the others right) or a Markdown table.
std::string renderRows(const std::vector<std::vector<std::string>>& rows, bool markdown) {
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (markdown) {
        out += "| " + row[c] + " ";
      } else {
        const bool right = c != 1;
        const std::string pad(width[c] - row[c].size(), ' ');
        out += (c ? "  " : "") + (right ? pad + row[c] : row[c] + pad);
      }
    }
    out += markdown ? "|\n" : "\n";
    if (markdown && i == 0) {
      for (std::size_t c = 0; c < row.size(); ++c) out += c == 1 ? "|---" : "|---:";
      out += "|\n";
    }
  }
  return out;
}

/// A count with 3 significant digits and a k/M/G suffix (12.3k).
std::string shortCount(double v) {
  if (v == 0) return "0";
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int s = 0;
  while (std::fabs(v) >= 999.5 && s < 4) {
    v /= 1000;
    ++s;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                std::fabs(v) >= 99.95   ? "%.0f%s"
                : std::fabs(v) >= 9.995 ? "%.1f%s"
                                        : "%.2f%s",
                v, suffix[s]);
  return buf;
}

/// "value [low, high]" of an energy in uJ, digits by size.
std::string energyText(const Estimate& e) {
  auto f = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf,
                  v >= 100  ? "%.0f"
                  : v >= 10 ? "%.1f"
                  : v >= 1  ? "%.2f"
                            : "%.3g",
                  v);
    return std::string(buf);
  };
  return f(e.value) + " [" + f(e.ci.low) + ", " + f(e.ci.high) + "]";
}

/// The cost table: per group, per training episode over the cost window.
std::string costTable(const CompareResult& r, bool markdown) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"rank", "group", "runs",       "env steps",
                                   "AC",   "MAC",   "plasticity", "neuron upd."};
  for (const PriceList& p : r.prices) head.push_back("uJ " + p.name + " [95% CI]");
  for (const PriceList& p : r.prices) head.push_back("nJ/step " + p.name);
  rows.push_back(head);
  for (const GroupCost& c : r.costs) {
    const auto g = std::find_if(r.groups.begin(), r.groups.end(),
                                [&](const GroupSummary& s) { return s.name == c.group; });
    std::vector<std::string> row = {std::to_string(g - r.groups.begin() + 1),
                                    c.evaluation ? c.group + " (eval)" : c.group,
                                    std::to_string(c.n),
                                    fmt(c.steps.value, 1),
                                    shortCount(c.ac.value),
                                    shortCount(c.mac.value),
                                    shortCount(c.plasticity.value),
                                    shortCount(c.neuron_updates.value)};
    for (const Estimate& e : c.energy_uj) row.push_back(energyText(e));
    for (double nj : c.energy_nj_step) row.push_back(fmt(nj, 2));
    rows.push_back(std::move(row));
  }
  return std::string("\n") + "What it costs per episode: training (" + r.cost_window +
         ") and, marked (eval), the evaluation episodes (learning off); mean over runs, 95% " +
         "bootstrap CI; cost.csv has every CI:\n" + (markdown ? "\n" : "") +
         renderRows(rows, markdown);
}

}  // namespace

std::string classTable(const CompareResult& r, bool markdown) {
  if (r.classes.empty()) return "";
  const int k = r.classes.front().classes;
  std::string out = std::string("\n") +
                    "Per class: the trained agents' test accuracy (each run's last evaluation "
                    "block), mean over runs; classes.csv has the 95% CIs, confusion.csv every "
                    "answer:\n" +
                    (markdown ? "\n" : "");
  constexpr int kMaxClassColumns = 20;
  if (k > kMaxClassColumns) {
    return out + std::to_string(k) + " classes: too many columns to print; see classes.csv\n";
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"group", "runs", "all"};
  for (int c = 0; c < k; ++c) header.push_back(std::to_string(c));
  header.push_back("worst");
  rows.push_back(header);
  for (const GroupClasses& g : r.classes) {
    std::vector<std::string> row = {g.group, std::to_string(g.n), fmt(g.overall, 3)};
    int worst = -1;
    for (int c = 0; c < k; ++c) {
      const double v = g.accuracy[static_cast<std::size_t>(c)].value;
      row.push_back(std::isnan(v) ? "-" : fmt(v, 2));
      if (!std::isnan(v) && (worst < 0 || v < g.accuracy[static_cast<std::size_t>(worst)].value)) {
        worst = c;
      }
    }
    row.push_back(worst < 0 ? "-" : std::to_string(worst));
    rows.push_back(row);
  }
  return out + renderRows(rows, markdown);
}

std::string compareTable(const CompareResult& r, bool markdown) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"rank", "group", "runs", "mean", "std", "median", "IQM", "IQM 95% CI", "solved"});
  std::vector<double> shown;  // one number of decimals for the table, from its largest value
  for (const GroupSummary& g : r.groups) shown.insert(shown.end(), {g.mean, g.median, g.iqm_high});
  const int d = scoreDecimals(shown);
  int rank = 0;
  for (const GroupSummary& g : r.groups) {
    rows.push_back(
        {std::to_string(++rank), g.name,
         std::to_string(g.n) + (g.censored ? " (" + std::to_string(g.censored) + " censored)" : ""),
         fmt(g.mean, d), fmt(g.std, d), fmt(g.median, d), fmt(g.iqm, d),
         "[" + fmt(g.iqm_low, d) + ", " + fmt(g.iqm_high, d) + "]",
         std::isnan(g.frac_solved) ? "-" : fmt(g.frac_solved, 2)});
  }
  std::string out = "groups by";
  for (const auto& p : r.by) out += " " + p;
  out += r.by.empty() ? ": none (all runs in one group)\n" : " (values in that order)\n";
  if (markdown) out += "\n";
  out += renderRows(rows, markdown);
  // The pairs whose P(A > B) interval excludes 0.5.
  out += markdown ? "\n" : "";
  for (const PairSummary& p : r.pairs) {
    const auto ia = std::find_if(r.groups.begin(), r.groups.end(),
                                 [&](const GroupSummary& g) { return g.name == p.a; });
    const auto ib = std::find_if(r.groups.begin(), r.groups.end(),
                                 [&](const GroupSummary& g) { return g.name == p.b; });
    if (ib - ia != 1) continue;  // neighbours in the ranking only
    out += (markdown ? "- " : "") + std::string("P(") + p.a + " > " + p.b +
           ") = " + fmt(p.prob_improvement, 2) + " [" + fmt(p.low, 2) + ", " + fmt(p.high, 2) +
           "], Welch p = " + (std::isnan(p.welch_p) ? "n/a" : fmt(p.welch_p, 4)) + "\n";
  }
  if (!r.costs.empty()) out += costTable(r, markdown);
  out += classTable(r, markdown);
  return out;
}

}  // namespace spikegym::lab
