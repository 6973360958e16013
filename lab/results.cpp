#include "lab/results.hpp"

#include <fcntl.h>
#include <libfccp/csv.h>
#include <sys/file.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "agents/checkpoint.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "envs/registration.hpp"
#include "lab/cost.hpp"
#include "lab/stats.hpp"

namespace spikegym::lab {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

/// run.json is a few hundred bytes.
constexpr std::size_t kMaxRunJsonBytes = 1 << 20;
/// Classes a classification env's episodes.csv may name: labels and answers are 0..999 (the
/// image envs have 10; a bound keeps a damaged file from sizing a confusion matrix).
constexpr int kMaxClasses = 1000;

/// A whole finite number, else UserError naming the file, line and column.
double cellNumber(const char* cell, const std::string& file, unsigned line,
                  const std::string& column) {
  double v = 0;
  const std::string text = cell ? cell : "";
  if (!parseNumber(text, v)) {
    throw UserError(file + ":" + std::to_string(line) + ": column '" + column + "': '" +
                    text.substr(0, 40) + "' is not a finite number");
  }
  return v;
}

}  // namespace

Results::Results(const std::string& out_dir, const std::string& experiment_name)
    : root_(fs::path(out_dir) / experiment_name) {}

std::string Results::checkpointPath(const std::string& run_id) const {
  return (runDir(run_id) / layout::kCheckpoint).string();
}

Results::Claim::~Claim() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Results::Claim Results::claimRun(const std::string& run_id) const {
  const fs::path dir = runDir(run_id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError(dir.string() + ": cannot create the run folder (" + ec.message() + ")");
  const std::string lock = (dir / layout::kLock).string();
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0)
    throw UserError(lock + ": cannot open the run's lock file (" + std::strerror(errno) + ")");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Claim();
  }
  return Claim(fd);
}

void Results::beginRun(const RunSpec& run) const {
  const fs::path dir = runDir(run.run_id);
  fs::create_directories(dir);
  for (const char* stale : {layout::kRecord, layout::kEpisodes, layout::kCheckpoint,
                            layout::kProgress, layout::kProgressCheckpoint}) {
    std::error_code ec;
    fs::remove(dir / stale, ec);
    if (ec) {
      throw UserError((dir / stale).string() + ": cannot remove what an earlier attempt left (" +
                      ec.message() + ")");
    }
  }
  // config.yaml is rewritten whole below; anything that is not a regular file there (a
  // folder, a FIFO) would stop the rename.
  std::error_code ec;
  const fs::path config = dir / layout::kConfig;
  if (fs::exists(fs::symlink_status(config, ec)) &&
      !fs::is_regular_file(fs::symlink_status(config, ec))) {
    fs::remove_all(config, ec);
  }
  writeFileAtomic(config.string(), configYaml(run));
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
  j["swept"] = Json::object();
  for (const auto& [path, value] : r.swept) j["swept"][path] = value;
  if (!r.cost.empty()) {
    j["cost"] = Json::object();
    for (const auto& [section, values] : r.cost) {
      j["cost"][section] = Json::object();
      for (const auto& [name, value] : values) j["cost"][section][name] = value;
    }
  }
  writeFileAtomic((runDir(r.run_id) / layout::kRecord).string(), j.dump(2) + "\n");
}

std::optional<RunRecord> Results::readRecord(const std::string& run_id) const {
  const std::string text = readFileOrEmpty((runDir(run_id) / layout::kRecord).string());
  if (text.size() > kMaxRunJsonBytes) return std::nullopt;
  // spikegym writes run.json two levels deep; a deeply nested file is damage (or an attack on
  // every reader of a shared folder): the parser's callback stops it at depth 16.
  struct TooDeep {};
  Json j;
  try {
    j = Json::parse(
        text,
        [](int depth, nlohmann::json::parse_event_t, Json&) {
          if (depth > 16) throw TooDeep{};
          return true;
        },
        /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return std::nullopt;
  }
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
  if (j.contains("swept") && j["swept"].is_object()) {
    for (const auto& [path, v] : j["swept"].items()) {
      if (v.is_string()) r.swept.emplace_back(path, v.get<std::string>());
    }
  }
  return r;
}

void Results::writeEpisodes(const std::string& run_id, const std::string& csv) const {
  writeFileAtomic((runDir(run_id) / layout::kEpisodes).string(), csv);
}

std::ofstream Results::openProgress(const std::string& run_id) const {
  // Progress is for watching only: a stream that fails (full disk, removed folder) is ignored.
  return std::ofstream(runDir(run_id) / layout::kProgress, std::ios::trunc | std::ios::binary);
}

std::vector<double> Results::readProgressReturns(const std::string& run_id) const {
  const fs::path path = runDir(run_id) / layout::kProgress;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  std::string text = readRegularFile(path.string(), kMaxEpisodesCsvBytes, layout::kProgress);
  text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  if (text.empty()) return {};
  return parseEpisodes(path.string(), text, "return").returns;
}

void Results::removeProgress(const std::string& run_id) const {
  std::error_code ec;
  fs::remove(runDir(run_id) / layout::kProgress, ec);
  fs::remove(runDir(run_id) / layout::kProgressCheckpoint, ec);
}

EpisodeSeries Results::readEpisodes(const std::string& run_id, const std::string& metric) const {
  const std::string file = (runDir(run_id) / layout::kEpisodes).string();
  return parseEpisodes(file, readRegularFile(file, kMaxEpisodesCsvBytes, layout::kEpisodes),
                       metric);
}

EpisodeSeries parseEpisodes(const std::string& file, const std::string& text,
                            const std::string& metric) {
  EpisodeSeries s;
  try {
    // Every cell is read as text and parsed whole: libfccp's own conversion reads an empty
    // cell as 0 and "1e400" as inf, which would enter a score silently.
    io::CSVReader<12, io::trim_chars<>, io::double_quote_escape<',', '"'>> in(
        file, text.data(), text.data() + text.size());
    // A column asked for twice would be read once; a metric that is one of the fixed columns is
    // read from there (a newline names no column of a CSV header).
    const bool fixed_metric =
        metric == "return" || metric == "length" || metric == "label" || metric == "answer";
    // The priced cost columns (lab/cost.hpp) are read when there; a metric that is one of them
    // is read from there too.
    static const char* const kPriced[5] = {"syn_ac", "syn_mac", "plasticity_ops", "neuron_active",
                                           "neuron_inactive"};
    const bool priced_metric =
        std::find(std::begin(kPriced), std::end(kPriced), metric) != std::end(kPriced);
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, "episode", "eval", "return",
                   "length", fixed_metric || priced_metric ? std::string("\n") : metric, kPriced[0],
                   kPriced[1], kPriced[2], kPriced[3], kPriced[4], "label", "answer");
    for (const char* column : {"episode", "return"}) {
      if (!in.has_column(column)) {
        throw UserError(file + ":1: no column '" + std::string(column) + "'");
      }
    }
    if (!in.has_column(metric)) {
      // Name the columns there are, with a did-you-mean.
      std::vector<std::string> columns;
      std::stringstream ss(text.substr(0, text.find('\n')));
      std::string c;
      while (std::getline(ss, c, ',')) columns.push_back(c);
      throw UserError(file + ":1: --metric: no column '" + metric + "'" +
                      didYouMean(metric, columns) + "; numeric columns are those after 'seed'");
    }
    const bool has_eval = in.has_column("eval"), has_length = in.has_column("length");
    const bool has_classes = in.has_column("label") && in.has_column("answer");
    bool has_costs = true;
    for (const char* c : kPriced) has_costs = has_costs && in.has_column(c);
    char *episode_cell = nullptr, *eval_cell = nullptr, *return_cell = nullptr,
         *length_cell = nullptr, *metric_cell = nullptr, *label_cell = nullptr,
         *answer_cell = nullptr;
    char* cost_cells[5] = {};
    // A class (label or answer): a whole number in [0, kMaxClasses).
    auto classOf = [&](const char* cell, unsigned line, const char* column) {
      const double v = cellNumber(cell, file, line, column);
      if (v < 0 || v >= kMaxClasses || v != std::floor(v)) {
        throw UserError(file + ":" + std::to_string(line) + ": column '" + column +
                        "': expected a class number 0.." + std::to_string(kMaxClasses - 1));
      }
      return static_cast<int>(v);
    };
    while (in.read_row(episode_cell, eval_cell, return_cell, length_cell, metric_cell,
                       cost_cells[0], cost_cells[1], cost_cells[2], cost_cells[3], cost_cells[4],
                       label_cell, answer_cell)) {
      const unsigned line = in.get_file_line();
      const double episode = cellNumber(episode_cell, file, line, "episode");
      const double eval = has_eval ? cellNumber(eval_cell, file, line, "eval") : 0.0;
      if (eval != 0 && eval != 1) {
        throw UserError(file + ":" + std::to_string(line) + ": column 'eval': expected 0 or 1");
      }
      const double r = cellNumber(return_cell, file, line, "return");
      double priced[5] = {};
      if (has_costs) {
        for (int c = 0; c < 5; ++c) {
          // Counts are whole numbers: parsed as such first (a million rows of five counts
          // each; the general number parser is for what is not).
          const char* cell = cost_cells[c] ? cost_cells[c] : "";
          const char* end = cell + std::strlen(cell);
          std::uint64_t whole = 0;
          const auto [at, ec] = std::from_chars(cell, end, whole);
          if (ec == std::errc() && at == end && at != cell && whole <= (1ull << 53)) {
            priced[c] = static_cast<double>(whole);
            continue;
          }
          priced[c] = cellNumber(cost_cells[c], file, line, kPriced[c]);
          if (priced[c] < 0 || priced[c] > 9007199254740992.0 ||
              priced[c] != std::floor(priced[c])) {
            throw UserError(file + ":" + std::to_string(line) + ": column '" + kPriced[c] +
                            "': expected a whole count >= 0");
          }
        }
      }
      const auto priced_at = std::find(std::begin(kPriced), std::end(kPriced), metric);
      const double v = metric == "return"   ? r
                       : metric == "length" ? cellNumber(length_cell, file, line, metric)
                       : metric == "label"  ? cellNumber(label_cell, file, line, metric)
                       : metric == "answer" ? cellNumber(answer_cell, file, line, metric)
                       : priced_metric      ? priced[priced_at - std::begin(kPriced)]
                                            : cellNumber(metric_cell, file, line, metric);
      if (eval == 0 && episode != static_cast<double>(s.train.size())) {
        throw UserError(file + ":" + std::to_string(line) + ": training episode " +
                        formatNumber(episode) + " where episode " + std::to_string(s.train.size()) +
                        " was expected (rows out of order)");
      }
      (eval != 0 ? s.eval : s.train).push_back(v);
      if (eval != 0) s.eval_after.push_back(episode);
      if (eval == 0) s.returns.push_back(r);
      if (eval != 0 && has_classes) {
        s.eval_labels.push_back(classOf(label_cell, line, "label"));
        s.eval_answers.push_back(classOf(answer_cell, line, "answer"));
      }
      if (has_costs) {
        snn::OpCounts c;
        c.ac = static_cast<std::uint64_t>(priced[0]);
        c.mac = static_cast<std::uint64_t>(priced[1]);
        c.plasticity = static_cast<std::uint64_t>(priced[2]);
        c.neuron_active = static_cast<std::uint64_t>(priced[3]);
        c.neuron_inactive = static_cast<std::uint64_t>(priced[4]);
        (eval != 0 ? s.eval_costs : s.costs).push_back(c);
        if (eval != 0) {
          s.eval_lengths.push_back(has_length ? cellNumber(length_cell, file, line, "length") : 0);
        }
      }
      if (eval == 0 && has_length) {
        const double steps = cellNumber(length_cell, file, line, "length");
        if (steps < 0) {
          throw UserError(file + ":" + std::to_string(line) +
                          ": column 'length': expected a count of env steps >= 0");
        }
        s.lengths.push_back(steps);
      }
    }
  } catch (const io::error::base& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw UserError(file + ": damaged episodes.csv: " + what);
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
  const fs::path path = runDir(run_id) / layout::kConfig;
  std::map<std::string, std::string> out;
  const std::string text = readRegularFile(path.string(), kMaxTextFileBytes, layout::kConfig);
  try {
    flattenConfig(YAML::Load(text), "", out);
  } catch (const YAML::Exception& e) {
    throw UserError(path.string() + ":" + std::to_string(e.mark.line + 1) +
                    ": damaged config.yaml: " + e.msg);
  }
  return out;
}

RunState Results::assess(const std::string& run_id, const RunSpec* expected) const {
  RunState state;
  const fs::path dir = runDir(run_id);
  std::error_code ec;
  const bool has_record_file = fs::exists(fs::symlink_status(dir / layout::kRecord, ec));
  state.record = readRecord(run_id);
  if (!state.record) {
    state.status = has_record_file ? "damaged" : "missing";
    if (has_record_file) state.reason = "run.json does not read as a run record";
    return state;
  }
  state.status = state.record->status;
  const std::vector<std::string> known = {"running", "complete", "failed", "interrupted"};
  if (std::find(known.begin(), known.end(), state.status) == known.end()) {
    state.status = "damaged";
    state.reason = "run.json has an unknown status";
    return state;
  }
  if (state.status != "complete") return state;
  auto damaged = [&state](const std::string& why) {
    state.status = "damaged";
    state.reason = why;
    return state;
  };
  // The run as it resolves today: the experiment's, else its own config.yaml's.
  std::optional<RunSpec> own;
  if (!expected) {
    try {
      own = loadRunConfig((dir / layout::kConfig).string());
    } catch (const std::exception& e) {
      return damaged(std::string("config.yaml does not load: ") + e.what());
    }
    if (own->run_id != run_id) {
      state.status = "stale";
      state.reason = "its config.yaml now resolves to run " + own->run_id +
                     " (made under other env dynamics, connectivity or definitions)";
      return state;
    }
    expected = &*own;
  }
  const RunSpec& run = *expected;
  int dynamics = 0;
  try {
    dynamics = envs::envSpec(run.config.at("env.id").text).dynamics_version;
  } catch (const std::exception&) {
    return damaged("names an env this spikegym does not have");
  }
  if (state.record->env_dynamics_version != dynamics) {
    state.status = "stale";
    state.reason = "made with env dynamics version " +
                   std::to_string(state.record->env_dynamics_version) + ", the env is now at " +
                   std::to_string(dynamics);
    return state;
  }
  std::string text;
  try {
    text = readRegularFile((dir / layout::kEpisodes).string(), kMaxEpisodesCsvBytes,
                           layout::kEpisodes);
  } catch (const UserError& e) {
    return damaged(e.what());
  }
  if (text.empty()) return damaged("episodes.csv is empty");
  if (text.rfind("run_id,seed,episode,return,length,wall_s,truncated", 0) != 0) {
    return damaged("episodes.csv does not start with spikegym's header");
  }
  const long rows = static_cast<long>(std::count(text.begin(), text.end(), '\n')) - 1;
  if (text.back() != '\n' || rows != state.record->episodes) {
    return damaged("episodes.csv has " + std::to_string(rows) + " rows, run.json says " +
                   std::to_string(state.record->episodes));
  }
  if (readFileOrEmpty((dir / layout::kConfig).string()) != configYaml(run)) {
    return damaged("config.yaml is missing or differs from the resolved configuration");
  }
  EpisodeSeries series;
  try {
    series = parseEpisodes((dir / layout::kEpisodes).string(), text, "return");  // read once
  } catch (const std::exception& e) {
    return damaged(std::string("episodes.csv does not read back: ") + e.what());
  }
  const long want_train = run.train.episodes;
  const long want_eval =
      run.eval_every > 0 ? run.train.episodes / run.eval_every * run.eval_episodes : 0;
  if (static_cast<long>(series.train.size()) != want_train ||
      static_cast<long>(series.eval.size()) != want_eval) {
    return damaged("episodes.csv has " + std::to_string(series.train.size()) + " training and " +
                   std::to_string(series.eval.size()) +
                   " evaluation episodes; its configuration asks for " +
                   std::to_string(want_train) + " and " + std::to_string(want_eval));
  }
  if (run.checkpoint) {
    try {
      const agents::Checkpoint ck = agents::Checkpoint::read(checkpointPath(run_id));
      if (ck.agent_type != run.train.agent_type) {
        return damaged("agent.ckpt holds agent '" + ck.agent_type + "', the run's is '" +
                       run.train.agent_type + "'");
      }
    } catch (const std::exception& e) {
      return damaged(std::string("agent.ckpt: ") + e.what());
    }
  }
  state.score = runScore(series.train);
  return state;
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
    out += csvField(status.substr(0, 20));
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
  for (const auto& id : runFolders(root_)) {
    if (listed.count(id)) continue;
    const auto record = readRecord(id);
    if (!record) continue;
    out += id;
    out += ',';
    out += csvField(record->status.substr(0, 20));
    out += ',';
    out += std::to_string(record->seed);
    std::map<std::string, std::string> config;
    try {
      config = readConfig(id);
    } catch (const UserError&) {
      // A damaged config.yaml leaves the swept columns of that row empty.
    }
    for (const auto& path : exp.swept_paths) {
      // What the run's own sweep gave, else its configuration's value.
      std::string value;
      const auto given = std::find_if(record->swept.begin(), record->swept.end(),
                                      [&path](const auto& kv) { return kv.first == path; });
      if (given != record->swept.end()) {
        value = given->second;
      } else if (const auto it = config.find(path); it != config.end()) {
        value = it->second;
      }
      out += ',';
      out += csvField(value);
    }
    out += "\n";
  }
  fs::create_directories(root_);
  writeFileAtomic((root_ / layout::kManifest).string(), out);
}

std::string episodesHeader(const EpisodeRow& first, bool has_eval) {
  std::string csv = "run_id,seed,episode,return,length,wall_s,truncated";
  if (has_eval) csv += ",eval,eval_episode";
  for (const auto& [name, value] : first.metrics) {
    csv += ',';
    csv += csvField(name);
  }
  if (first.cost) {
    for (const auto& [name, value] : costColumns(*first.cost)) {
      csv += ',';
      csv += csvField(name);
    }
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
  if (row.cost) {
    for (const auto& [name, value] : costColumns(*row.cost)) {
      csv += ',';
      csv += costValueText(value);
    }
  }
  return csv + "\n";
}

std::vector<std::string> runFolders(const fs::path& root) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string id = it->path().filename().string();
    const bool hex = id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
                       return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
                     });
    std::error_code is_dir_ec;
    if (hex && it->is_directory(is_dir_ec)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
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
