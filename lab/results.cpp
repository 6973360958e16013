#include "lab/results.hpp"

#include <libfccp/csv.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "envs/registry.hpp"
#include "lab/stats.hpp"

namespace spikegym::lab {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Results::Results(const std::string& out_dir, const std::string& experiment_name)
    : root_(fs::path(out_dir) / experiment_name) {}

std::string Results::checkpointPath(const std::string& run_id) const {
  return (runDir(run_id) / "agent.ckpt").string();
}

void Results::beginRun(const RunSpec& run) const {
  fs::create_directories(runDir(run.run_id));
  writeFileAtomic((runDir(run.run_id) / "config.yaml").string(), configYaml(run));
}

void Results::writeRecord(const RunRecord& r) const {
  Json j;
  j["run_id"] = r.run_id;
  j["status"] = r.status;
  j["seed"] = r.seed;
  j["start"] = r.start;
  j["end"] = r.end;
  j["wall_s"] = r.wall_s;
  j["episodes"] = r.episodes;
  j["env_dynamics_version"] = r.env_dynamics_version;
  j["spikegym_version"] = r.spikegym_version;
  j["git_commit"] = r.git_commit;
  j["error"] = r.error;
  j["sets"] = r.sets;
  writeFileAtomic((runDir(r.run_id) / "run.json").string(), j.dump(2) + "\n");
}

std::optional<RunRecord> Results::readRecord(const std::string& run_id) const {
  const std::string text = readFileOrEmpty((runDir(run_id) / "run.json").string());
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) return std::nullopt;
  RunRecord r;
  auto get = [&j](const char* key, auto fallback) {
    using T = decltype(fallback);
    if (!j.contains(key)) return fallback;
    const Json& v = j[key];
    if constexpr (std::is_same_v<T, std::string>) {
      return v.is_string() ? v.get<std::string>() : fallback;
    } else {
      return v.is_number() ? v.get<T>() : fallback;
    }
  };
  r.run_id = get("run_id", run_id);
  r.status = j["status"].get<std::string>();
  r.seed = get("seed", std::uint64_t{0});
  r.start = get("start", std::string());
  r.end = get("end", std::string());
  r.wall_s = get("wall_s", 0.0);
  r.episodes = get("episodes", 0L);
  r.env_dynamics_version = get("env_dynamics_version", 1);  // absent: written before versions
  r.spikegym_version = get("spikegym_version", std::string());
  r.git_commit = get("git_commit", std::string());
  r.error = get("error", std::string());
  if (j.contains("sets") && j["sets"].is_array()) {
    for (const auto& v : j["sets"]) {
      if (v.is_string()) r.sets.push_back(v.get<std::string>());
    }
  }
  return r;
}

void Results::writeEpisodes(const std::string& run_id, const std::string& csv) const {
  writeFileAtomic((runDir(run_id) / "episodes.csv").string(), csv);
}

EpisodeSeries Results::readEpisodes(const std::string& run_id, const std::string& metric) const {
  const fs::path csv = runDir(run_id) / "episodes.csv";
  EpisodeSeries s;
  try {
    if (metric == "return") {
      io::CSVReader<2> in(csv.string());
      in.read_header(io::ignore_extra_column | io::ignore_missing_column, "eval", "return");
      if (!in.has_column("return")) throw UserError(csv.string() + ":1: no column 'return'");
      int eval = 0;  // stays 0 when the file has no eval column
      double v = 0;
      while (in.read_row(eval, v)) {
        (eval ? s.eval : s.train).push_back(v);
        if (!eval) s.returns.push_back(v);
      }
    } else {
      io::CSVReader<3> in(csv.string());
      in.read_header(io::ignore_extra_column | io::ignore_missing_column, "eval", "return", metric);
      if (!in.has_column(metric)) {
        // Name the columns there are, with a did-you-mean.
        const std::string text = readFileOrEmpty(csv.string());
        std::vector<std::string> columns;
        std::stringstream ss(text.substr(0, text.find('\n')));
        std::string c;
        while (std::getline(ss, c, ',')) columns.push_back(c);
        throw UserError(csv.string() + ":1: --metric: no column '" + metric + "'" +
                        didYouMean(metric, columns) + "; numeric columns are those after 'seed'");
      }
      int eval = 0;
      double r = 0, v = 0;
      while (in.read_row(eval, r, v)) {
        (eval ? s.eval : s.train).push_back(v);
        if (!eval) s.returns.push_back(r);
      }
    }
  } catch (const io::error::base& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw UserError(csv.string() + ": damaged episodes.csv: " + what);
  }
  return s;
}

namespace {

void flattenConfig(const YAML::Node& node, const std::string& path,
                   std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;  // not something spikegym wrote
      const std::string key = kv.first.Scalar();
      flattenConfig(kv.second, path.empty() ? key : path + "." + key, out);
    }
  } else if (node.IsScalar()) {
    out[path] = node.Scalar();
  }
}

}  // namespace

std::map<std::string, std::string> Results::readConfig(const std::string& run_id) const {
  const fs::path path = runDir(run_id) / "config.yaml";
  std::map<std::string, std::string> out;
  try {
    flattenConfig(YAML::LoadFile(path.string()), "", out);
  } catch (const YAML::Exception& e) {
    throw UserError(path.string() + ":" + std::to_string(e.mark.line + 1) +
                    ": damaged config.yaml: " + e.msg);
  }
  return out;
}

bool Results::isComplete(const RunSpec& run, double& score, std::string* damage) const {
  const auto record = readRecord(run.run_id);
  if (!record || record->status != "complete") return false;
  auto damaged = [&](const std::string& why) {
    if (damage) *damage = why;
    return false;
  };
  const int dynamics = envs::envSpec(run.config.at("env.id").text).dynamics_version;
  if (record->env_dynamics_version != dynamics) {
    return damaged("made with env dynamics version " +
                   std::to_string(record->env_dynamics_version) + ", the env is now at " +
                   std::to_string(dynamics));
  }
  const fs::path csv = runDir(run.run_id) / "episodes.csv";
  const std::string text = readFileOrEmpty(csv.string());
  if (text.empty()) return damaged("episodes.csv is missing or empty");
  if (text.rfind("run_id,seed,episode,return,length,wall_s,truncated", 0) != 0) {
    return damaged("episodes.csv does not start with spikegym's header");
  }
  const long rows = static_cast<long>(std::count(text.begin(), text.end(), '\n')) - 1;
  if (text.back() != '\n' || rows != record->episodes) {
    return damaged("episodes.csv has " + std::to_string(rows) + " rows, run.json says " +
                   std::to_string(record->episodes));
  }
  if (readFileOrEmpty((runDir(run.run_id) / "config.yaml").string()) != configYaml(run)) {
    return damaged("config.yaml is missing or differs from the resolved configuration");
  }
  try {
    score = runScore(readEpisodes(run.run_id).train);
  } catch (const std::exception& e) {
    return damaged(std::string("episodes.csv does not read back: ") + e.what());
  }
  return true;
}

void Results::rebuildManifest(const Experiment& exp,
                              const std::map<std::string, std::string>& known) const {
  std::string out = "run_id,status,seed";
  for (const auto& p : exp.swept_paths) {
    out += ',';
    out += csvField(p);
  }
  out += "\n";
  std::set<std::string> listed;
  for (const RunSpec& run : exp.runs) {
    if (!listed.insert(run.run_id).second) continue;
    std::string status = "pending";
    if (const auto record = readRecord(run.run_id)) {
      status = record->status;
    } else if (auto it = known.find(run.run_id); it != known.end()) {
      status = it->second;
    }
    out += run.run_id;
    out += ',';
    out += status;
    out += ',';
    out += std::to_string(run.seed);
    for (const auto& path : exp.swept_paths) {
      std::string value;
      for (const auto& [k, v] : run.swept) {
        if (k == path) value = v;
      }
      out += ',';
      out += csvField(value);
    }
    out += "\n";
  }
  // Runs on disk that this experiment does not name (other seeds or cells of an earlier
  // version of the file, or another process's): listed too, by id.
  std::vector<std::string> others;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    const std::string id = entry.path().filename().string();
    if (entry.is_directory() && !listed.count(id) && readRecord(id)) others.push_back(id);
  }
  std::sort(others.begin(), others.end());
  for (const auto& id : others) {
    const RunRecord record = *readRecord(id);
    out += id;
    out += ',';
    out += record.status;
    out += ',';
    out += std::to_string(record.seed);
    std::map<std::string, std::string> config;
    try {
      config = readConfig(id);
    } catch (const UserError&) {
      // A damaged config.yaml leaves the swept columns of that row empty.
    }
    for (const auto& path : exp.swept_paths) {
      const auto it = config.find(path);
      out += ',';
      out += csvField(it == config.end() ? "" : it->second);
    }
    out += "\n";
  }
  fs::create_directories(root_);
  writeFileAtomic((root_ / "manifest.csv").string(), out);
}

std::string episodesHeader(const EpisodeRow& first, bool has_eval) {
  std::string csv = "run_id,seed,episode,return,length,wall_s,truncated";
  if (has_eval) csv += ",eval,eval_episode";
  for (const auto& [name, value] : first.metrics) {
    csv += ',';
    csv += csvField(name);
  }
  return csv + "\n";
}

std::string episodesRow(const RunSpec& run, const EpisodeRow& row, double wall_s, bool has_eval) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s,%llu,%ld,%.10g,%ld,%.4f,%d", run.run_id.c_str(),
                static_cast<unsigned long long>(run.seed), row.episode, row.episode_return,
                row.length, wall_s, row.truncated ? 1 : 0);
  std::string csv = buf;
  // (episode, eval, eval_episode) is a unique key: evaluation rows carry the number of
  // training episodes done before their block and their index in it.
  if (has_eval) csv += row.eval ? ",1," + std::to_string(row.eval_index) : std::string(",0,");
  for (const auto& [name, value] : row.metrics) {
    std::snprintf(buf, sizeof buf, ",%.10g", value);
    csv += buf;
  }
  return csv + "\n";
}

std::string recordedStatus(const std::string& run_dir) {
  const fs::path dir(run_dir);
  const auto record = Results(dir.parent_path().string(), "").readRecord(dir.filename().string());
  return record ? record->status : "";
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace spikegym::lab
