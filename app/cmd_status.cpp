// `spikegym status results/<name>`: how many runs are complete, running, failed, interrupted
// and missing, per shard and in total, read from the run folders (what a user checks while a
// job array runs).
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "lab/results.hpp"
#include "lab/runner.hpp"

namespace spikegym::app {
namespace {

namespace fs = std::filesystem;

struct StatusOptions {
  std::string dir;
  int shards = 0;  // 0: from slurm/shards, else 1
};

/// The shard count `spikegym submit` recorded in `path` (results/<name>/slurm/shards), or 0 when
/// there is no such file. The folder may be shared and the file damaged or hostile, so only a
/// small prefix is ever read (never a whole multi-gigabyte file), opening never blocks (a FIFO),
/// and anything but a whole number from 1 to 100000 is a one-line error naming the file.
int recordedShards(const std::string& path) {
  // "100000\n" and room for stray whitespace; core/files refuses a FIFO, folder or longer file.
  const auto read = readRegularFileIfExists(path, 64, "the shard count (slurm/shards)");
  if (!read) return 0;
  std::string text = *read;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::int64_t n = 0;
  if (!parseInteger(text, n) || n < 1 || n > 100000) {
    throw UserError(printable(path) + ": '" + printable(text) +
                    "'; expected the number of shards, a whole number from 1 to 100000");
  }
  return static_cast<int>(n);
}

void status(const StatusOptions& o) {
  const fs::path root(o.dir);
  const std::string manifest = readFileOrEmpty((root / lab::layout::kManifest).string());
  if (!fs::is_directory(root) || manifest.empty()) {
    throw UserError(o.dir + ": not a results folder (expected results/<name> with manifest.csv)");
  }
  int shards = o.shards;
  if (shards <= 0) {
    const int recorded = recordedShards(lab::layout::shardsFile(root).string());
    shards = recorded > 0 ? recorded : 1;
  }
  const lab::Results results(root.parent_path().string(), root.filename().string());
  // The same decision as resume (lab::Results::assess): a run is complete only when its files
  // check out; "damaged" and "stale" runs are rerun by the next `spikegym run`.
  const std::vector<std::string> kinds = {"complete", "running", "failed", "interrupted",
                                          "damaged",  "stale",   "missing"};
  std::map<int, std::map<std::string, int>> counts;
  std::set<std::string> ids;
  std::istringstream in(manifest);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::string id = line.substr(0, line.find(','));
    if (id.size() == 16) ids.insert(id);
  }
  for (const auto& id : lab::runFolders(root)) ids.insert(id);
  // Why runs are not complete: damaged and stale runs say why, failed runs their error.
  std::vector<std::string> why;
  for (const auto& id : ids) {
    const lab::RunState state = results.assess(id, nullptr);
    const std::string& s = state.status;
    const int shard = lab::shardOf(id, shards);
    ++counts[shard][s];
    ++counts[-1][s];
    std::string reason = state.reason;
    if (s == "failed" && state.record) reason = state.record->error;
    if (!reason.empty() && (s == "damaged" || s == "stale" || s == "failed")) {
      why.push_back(s + " " + id + ": " + printable(reason));
    }
  }
  std::printf("%-8s", "shard");
  for (const auto& k : kinds) std::printf(" %11s", k.c_str());
  std::printf(" %11s\n", "total");
  auto row = [&](const std::string& name, std::map<std::string, int>& c) {
    int total = 0;
    std::printf("%-8s", name.c_str());
    for (const auto& k : kinds) {
      std::printf(" %11d", c[k]);
      total += c[k];
    }
    std::printf(" %11d\n", total);
  };
  for (int k = 0; k < shards; ++k) row(std::to_string(k) + "/" + std::to_string(shards), counts[k]);
  row("all", counts[-1]);
  std::printf(
      "(running: a run.json that says running; a killed task leaves that until it is rerun. "
      "damaged: said complete, but its files do not check out; stale: made under older env "
      "dynamics, connectivity or definitions; missing: no run.json yet. The next `spikegym "
      "run` reruns every run that is not complete)\n");
  constexpr std::size_t kMaxReasons = 20;
  for (std::size_t i = 0; i < why.size() && i < kMaxReasons; ++i) {
    std::printf("%s\n", why[i].c_str());
  }
  if (why.size() > kMaxReasons) {
    std::printf("... and %zu more runs that are damaged, stale or failed\n",
                why.size() - kMaxReasons);
  }
}

}  // namespace

void addStatusCommand(CLI::App& app) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status", "Runs complete, running, failed, interrupted and missing, per shard and in total");
  cmd->add_option("dir", o->dir, "A results folder (results/<name>)")->required();
  cmd->add_option("--shards", o->shards,
                  "Shards to count by (default: what spikegym submit recorded, else 1)")
      ->check(CLI::Range(1, 100000));
  cmd->callback([o] { status(*o); });
}

}  // namespace spikegym::app
