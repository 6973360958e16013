#include "lab/runner.hpp"

#include <libfccp/csv.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/version.hpp"
#include "envs/registry.hpp"
#include "lab/files.hpp"

namespace spikegym::lab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string runJson(const RunSpec& run, const std::string& status, const std::string& start,
                    const std::string& end, double wall_s, long episodes,
                    const std::string& error) {
  std::ostringstream os;
  os << "{\n  \"run_id\": " << jsonString(run.run_id) << ",\n  \"status\": " << jsonString(status)
     << ",\n  \"seed\": " << run.seed << ",\n  \"start\": " << jsonString(start)
     << ",\n  \"end\": " << jsonString(end) << ",\n  \"wall_s\": " << wall_s
     << ",\n  \"episodes\": " << episodes << ",\n  \"env_dynamics_version\": "
     << envs::envSpec(run.config.at("env.id").text).dynamics_version
     << ",\n  \"spikegym_version\": " << jsonString(version())
     << ",\n  \"git_commit\": " << jsonString(gitCommit())
     << ",\n  \"error\": " << jsonString(error) << "\n}\n";
  return os.str();
}

/// Mean return over the last 100 training episodes (all of them if fewer).
double score(const std::vector<double>& returns) {
  const std::size_t n = std::min<std::size_t>(100, returns.size());
  double s = 0;
  for (std::size_t i = returns.size() - n; i < returns.size(); ++i) s += returns[i];
  return n ? s / static_cast<double>(n) : 0.0;
}

struct Shared {
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  std::atomic<long> episodes_done{0};
  std::atomic<int> runs_done{0};
  std::vector<std::string> status;  // per run
  std::vector<double> scores;       // per run (NaN unless complete this session or before)
};

/// Runs one run and writes its files; returns its status.
std::string executeRun(const Experiment& exp, const RunSpec& run, const SweepOptions& options,
                       const std::atomic<bool>& stop, Shared& shared, double& run_score,
                       std::string& error) {
  const fs::path dir = fs::path(options.out_dir) / exp.name / run.run_id;
  fs::create_directories(dir);
  writeFileAtomic((dir / "config.yaml").string(), configYaml(run));
  const std::string start = utcNow();
  writeFileAtomic((dir / "run.json").string(), runJson(run, "running", start, "", 0, 0, ""));
  const auto t0 = Clock::now();
  TrainSpec spec = run.train;
  spec.eval_every = run.eval_every;
  spec.eval_episodes = run.eval_episodes;
  spec.stop = &stop;
  const std::string ckpt = (dir / "agent.ckpt").string();
  if (run.checkpoint) spec.save_checkpoint = ckpt;
  std::string csv;
  bool header = false;
  std::vector<double> returns;
  long episodes = 0;
  std::string status = "complete";
  try {
    runTraining(spec, [&](const EpisodeRow& row) {
      if (!header) {
        csv = "run_id,seed,episode,return,length,wall_s,truncated";
        if (run.eval_every > 0) csv += ",eval";
        for (const auto& [name, value] : row.metrics) {
          csv += ',';
          csv += csvField(name);
        }
        csv += "\n";
        header = true;
      }
      char buf[160];
      const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
      std::snprintf(buf, sizeof buf, "%s,%llu,%ld,%.10g,%ld,%.4f,%d", run.run_id.c_str(),
                    static_cast<unsigned long long>(run.seed), row.episode, row.episode_return,
                    row.length, wall, row.truncated ? 1 : 0);
      csv += buf;
      if (run.eval_every > 0) csv += row.eval ? ",1" : ",0";
      for (const auto& [name, value] : row.metrics) {
        std::snprintf(buf, sizeof buf, ",%.10g", value);
        csv += buf;
      }
      csv += "\n";
      if (!row.eval) returns.push_back(row.episode_return);
      ++episodes;
      shared.episodes_done.fetch_add(1);
    });
    writeFileAtomic((dir / "episodes.csv").string(), csv);
  } catch (const Interrupted&) {
    status = "interrupted";
  } catch (const std::exception& e) {
    status = "failed";
    error = e.what();
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (status == "complete") run_score = score(returns);
  writeFileAtomic((dir / "run.json").string(),
                  runJson(run, status, start, utcNow(), wall_s, episodes, error));
  return status;
}

/// Score of a run completed in an earlier session, read from its episodes.csv with libfccp.
/// Throws (io::error) if the file is damaged; the caller then runs it again.
double scoreFromFile(const fs::path& csv_path) {
  io::CSVReader<2> in(csv_path.string());
  in.read_header(io::ignore_extra_column | io::ignore_missing_column, "return", "eval");
  double episode_return = 0.0;
  int eval = 0;  // stays 0 when the file has no eval column
  std::vector<double> returns;
  while (in.read_row(episode_return, eval)) {
    if (eval == 0) returns.push_back(episode_return);
  }
  return score(returns);
}

std::string manifestCsv(const Experiment& exp, const std::vector<std::string>& status) {
  std::string out = "run_id,status,seed";
  for (const auto& p : exp.swept_paths) {
    out += ',';
    out += csvField(p);
  }
  out += "\n";
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    const RunSpec& run = exp.runs[i];
    out += run.run_id + "," + status[i] + "," + std::to_string(run.seed);
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
  return out;
}

std::string formatDuration(double s) {
  char buf[32];
  const long t = std::lround(s);
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

}  // namespace

std::string recordedStatus(const std::string& run_dir) {
  const std::string json = readFileOrEmpty((fs::path(run_dir) / "run.json").string());
  const auto key = json.find("\"status\": \"");
  if (key == std::string::npos) return "";
  const auto start = key + 11;
  return json.substr(start, json.find('"', start) - start);
}

/// The env dynamics version in a run's run.json; 1 when absent (written before it was recorded).
int recordedDynamicsVersion(const std::string& run_dir) {
  const std::string json = readFileOrEmpty((fs::path(run_dir) / "run.json").string());
  const auto key = json.find("\"env_dynamics_version\": ");
  if (key == std::string::npos) return 1;
  return std::atoi(json.c_str() + key + 24);
}

SweepResult runSweep(const Experiment& exp, const SweepOptions& options,
                     const std::atomic<bool>& stop) {
  SweepResult result;
  result.total = static_cast<int>(exp.runs.size());
  Shared shared;
  shared.status.assign(exp.runs.size(), "pending");
  shared.scores.assign(exp.runs.size(), std::nan(""));
  const fs::path root = fs::path(options.out_dir) / exp.name;
  fs::create_directories(root);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    const fs::path dir = root / exp.runs[i].run_id;
    bool complete = recordedStatus(dir.string()) == "complete" &&
                    fs::exists(dir / "episodes.csv") &&
                    recordedDynamicsVersion(dir.string()) ==
                        envs::envSpec(exp.runs[i].config.at("env.id").text).dynamics_version;
    if (complete) {
      try {
        shared.scores[i] = scoreFromFile(dir / "episodes.csv");
      } catch (const std::exception&) {
        complete = false;  // a damaged episodes.csv: run it again
      }
    }
    if (complete) {
      shared.status[i] = "complete";
      ++result.skipped;
    } else {
      todo.push_back(i);
    }
  }
  writeFileAtomic((root / "manifest.csv").string(), manifestCsv(exp, shared.status));

  double total_episodes = 0;
  for (std::size_t i : todo) {
    const RunSpec& run = exp.runs[i];
    total_episodes += static_cast<double>(run.train.episodes);
    if (run.eval_every > 0) {
      total_episodes +=
          static_cast<double>(run.train.episodes / run.eval_every * run.eval_episodes);
    }
  }
  const auto t0 = Clock::now();
  std::atomic<int> active{0};
  auto worker = [&] {
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { n.fetch_sub(1); }
    } leave{active};
    while (!stop.load()) {
      const std::size_t k = shared.next.fetch_add(1);
      if (k >= todo.size()) break;
      const std::size_t i = todo[k];
      {
        std::lock_guard<std::mutex> lock(shared.mutex);
        shared.status[i] = "running";
      }
      double run_score = std::nan("");
      std::string error;
      std::string status;
      try {
        status = executeRun(exp, exp.runs[i], options, stop, shared, run_score, error);
      } catch (const std::exception& e) {  // could not even write its files
        status = "failed";
        error = e.what();
      }
      std::lock_guard<std::mutex> lock(shared.mutex);
      shared.status[i] = status;
      shared.scores[i] = run_score;
      if (status == "failed") result.failures.push_back(exp.runs[i].run_id + ": " + error);
      shared.runs_done.fetch_add(1);
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  std::vector<std::thread> threads;
  active = todo.empty() ? 0 : jobs;
  for (int j = 0; j < jobs && !todo.empty(); ++j) threads.emplace_back(worker);

  // Progress on stderr while the workers run.
  auto last_line = Clock::now();
  auto report = [&](bool final) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    const int done = shared.runs_done.load();
    const long eps = shared.episodes_done.load();
    const int remaining = static_cast<int>(todo.size()) - done;
    // Before the first run ends, estimate from episodes (later episodes are often longer,
    // so this is optimistic); afterwards from finished runs.
    double eta = done > 0 ? elapsed / done * remaining : -1.0;
    if (done == 0 && eps > 0) eta = elapsed / static_cast<double>(eps) * (total_episodes - eps);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%d/%zu runs (%d already complete), %.0f episodes/s, ETA %s",
                  done, todo.size(), result.skipped, elapsed > 0 ? eps / elapsed : 0.0,
                  eta >= 0 ? formatDuration(eta).c_str() : "?");
    if (options.progress_bar) {
      const int width = 30;
      const int filled = todo.empty() ? width : width * done / static_cast<int>(todo.size());
      std::fprintf(stderr, "\r[%s%s] %s%s", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), buf, final ? "\n" : "");
    } else if (final || std::chrono::duration<double>(Clock::now() - last_line).count() >=
                            options.progress_every_s) {
      std::fprintf(stderr, "progress: %s\n", buf);
      last_line = Clock::now();
    }
    std::fflush(stderr);
  };
  while (active.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    report(false);
  }
  for (auto& t : threads) t.join();
  if (!todo.empty()) report(true);

  for (const auto& s : shared.status) {
    if (s == "complete") ++result.complete;
    if (s == "failed") ++result.failed;
    if (s == "interrupted") ++result.interrupted;
  }
  result.complete -= result.skipped;
  writeFileAtomic((root / "manifest.csv").string(), manifestCsv(exp, shared.status));

  // Summary per cell (runs with the same swept values), in the order of the runs.
  std::vector<std::string> cells;
  std::vector<std::vector<double>> cell_scores;
  for (std::size_t i = 0; i < exp.runs.size(); ++i) {
    std::string key;
    for (const auto& [k, v] : exp.runs[i].swept) {
      key += (key.empty() ? "" : " ") + k + "=" + (v.empty() ? "null" : v);
    }
    if (key.empty()) key = "(no sweep)";
    auto it = std::find(cells.begin(), cells.end(), key);
    if (it == cells.end()) {
      cells.push_back(key);
      cell_scores.emplace_back();
      it = cells.end() - 1;
    }
    if (!std::isnan(shared.scores[i])) cell_scores[it - cells.begin()].push_back(shared.scores[i]);
  }
  // Score = mean return of the last 100 training episodes; the line lists every seed's score
  // in seed order, then the mean, median and range over the seeds.
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto& v = cell_scores[c];
    if (v.empty()) {
      result.summary.push_back("  " + cells[c] + ": no complete runs");
      continue;
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    const std::size_t n = sorted.size();
    const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    std::string line = "  " + cells[c] + ": " + std::to_string(n) + " seeds, score by seed";
    char buf[96];
    for (double x : v) {
      std::snprintf(buf, sizeof buf, " %.1f", x);
      line += buf;
    }
    std::snprintf(buf, sizeof buf, "; mean %.1f, median %.1f (min %.1f, max %.1f)", mean, median,
                  sorted.front(), sorted.back());
    result.summary.push_back(line + buf);
  }
  return result;
}

}  // namespace spikegym::lab
