// `spikegym submit FILE.yaml --slurm`: sends a sweep to a SLURM cluster as one job array, one
// task per shard. Each task runs `spikegym run FILE.yaml --shard $SLURM_ARRAY_TASK_ID/N`, so
// the results folder ends up as a one-machine run would leave it; a requeued task resumes.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "lab/experiment.hpp"

namespace spikegym::app {
namespace {

namespace fs = std::filesystem;

struct SubmitOptions {
  std::string file;
  bool slurm = false;
  std::string partition, time, mem;
  int cpus = 1;
  int parallelism = 0;  // 0: no limit
  int shards = 0;       // 0: min(runs, 32)
  bool dry_run = false;
  std::string out = "results";
  std::vector<std::string> sets;
};

/// A single-quoted shell word.
std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string selfPath() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("spikegym") : p.string();
}

int submit(const SubmitOptions& o) {
  if (!o.slurm) throw UserError("submit: give --slurm (the only scheduler spikegym submits to)");
  const lab::Experiment exp = lab::loadExperiment(o.file, o.sets);  // checks everything first
  const int runs = static_cast<int>(exp.runs.size());
  const int shards = o.shards > 0 ? o.shards : std::min(runs, 32);
  if (shards > runs) {
    throw UserError("--shards " + std::to_string(shards) + ": the sweep has only " +
                    std::to_string(runs) + " runs; use at most that many shards");
  }
  const fs::path root = fs::absolute(fs::path(o.out) / exp.name);
  const fs::path slurm_dir = root / "slurm";
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# spikegym sweep '" << exp.name << "' (" << runs << " runs) as a SLURM job array: one\n"
    << "# task per shard. Task K runs the runs whose id modulo " << shards << " is K, into\n"
    << "# " << root.string() << "/, exactly as `spikegym run` would; a task that is requeued\n"
    << "# (preempted, time limit) reruns only its unfinished runs. Check progress with\n"
    << "#   spikegym status " << root.string() << "\n"
    << "# Written by spikegym submit; edit freely (e.g. add #SBATCH --account=...).\n"
    << "#SBATCH --job-name=spikegym-" << exp.name << "\n"
    << "#SBATCH --array=0-" << shards - 1
    << (o.parallelism > 0 ? "%" + std::to_string(o.parallelism) : "") << "\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n"
    << "#SBATCH --output=" << (slurm_dir / "%A_%a.out").string() << "\n"
    << "#SBATCH --requeue\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (!o.mem.empty()) s << "#SBATCH --mem=" << o.mem << "\n";
  s << "set -euo pipefail\n"
    << "exec " << shellQuote(selfPath()) << " run " << shellQuote(fs::absolute(o.file).string())
    << " \\\n  --shard \"${SLURM_ARRAY_TASK_ID}/" << shards << "\" -j \"${SLURM_CPUS_PER_TASK:-"
    << o.cpus << "}\" \\\n  --out " << shellQuote(fs::absolute(o.out).string());
  for (const auto& kv : o.sets) s << " \\\n  --set " << shellQuote(kv);
  s << "\n";
  const std::string script = s.str();
  if (o.dry_run) {
    std::fputs(script.c_str(), stdout);
    return 0;
  }
  fs::create_directories(slurm_dir);
  const fs::path script_path = slurm_dir / "submit.sh";
  writeFileAtomic(script_path.string(), script);
  fs::permissions(script_path, fs::perms::owner_exec, fs::perm_options::add);
  writeFileAtomic((slurm_dir / "shards").string(), std::to_string(shards) + "\n");
  const std::string command = "sbatch --parsable " + shellQuote(script_path.string()) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw UserError("submit: cannot run sbatch");
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  const int rc = pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (rc != 0) {
    std::fprintf(stderr, "spikegym: error: sbatch failed (%s); the script is %s\n", output.c_str(),
                 script_path.string().c_str());
    return 1;
  }
  const std::string job = output.substr(0, output.find(';'));
  std::printf("submitted job %s: %d array tasks for %d runs; script %s\n", job.c_str(), shards,
              runs, script_path.string().c_str());
  std::printf("progress: spikegym status %s\n", root.string().c_str());
  return 0;
}

}  // namespace

void addSubmitCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SubmitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "submit", "Send a sweep to a SLURM cluster as one job array (one task per shard)");
  cmd->add_option("file", o->file, "Experiment YAML file")->required();
  cmd->add_flag("--slurm", o->slurm, "Submit with sbatch (required)");
  cmd->add_option("--partition", o->partition, "SLURM partition");
  cmd->add_option("--time", o->time, "Time limit per task, e.g. 02:00:00");
  cmd->add_option("--cpus-per-task", o->cpus, "CPUs per task (= -j of each shard)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--mem", o->mem, "Memory per task, e.g. 4G");
  cmd->add_option("--array-parallelism", o->parallelism, "At most this many tasks at once")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--shards", o->shards, "Array tasks (default: the number of runs, at most 32)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--set", o->sets, "Override path=value (repeatable), passed to every task");
  cmd->add_option("--out", o->out, "Folder that results/<name>/ goes into")->capture_default_str();
  cmd->add_flag("--dry-run", o->dry_run, "Print the sbatch script instead of submitting it");
  cmd->callback([o, &exit_code] { exit_code = submit(*o); });
}

}  // namespace spikegym::app
