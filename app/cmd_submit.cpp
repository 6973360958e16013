// `spikegym submit FILE.yaml --slurm`: sends a sweep to a SLURM cluster as one job array, one
// task per shard. Each task runs `spikegym run FILE.yaml --shard $SLURM_ARRAY_TASK_ID/N`, so
// the results folder ends up as a one-machine run would leave it; a requeued task resumes.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "lab/experiment.hpp"
#include "lab/results.hpp"

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

// Every user value that reaches the sbatch script is checked here first. The script is read
// twice: by sbatch (the #SBATCH lines, with its own small parser) and by bash (the rest), so a
// newline in any value would start a new line of either, i.e. run commands of the user's
// choosing on the cluster, or add #SBATCH options. Scheduler values are checked against what
// SLURM accepts (the whole value, so nothing else can hide in it); free text (paths, --set
// values) may hold anything but control characters, and is quoted where it lands.

/// "FLAG 'VALUE'" for a message, control characters escaped.
std::string shown(const std::string& flag, const std::string& value) {
  return flag + " '" + printable(value) + "'";
}

/// Refuses control characters (bytes below 0x20, and 0x7f) in a string bound for the script.
void refuseControlCharacters(const std::string& flag, const std::string& value) {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      throw UserError(shown(flag, value) + ": contains the control character '" +
                      printable(std::string(1, ch)) +
                      "'; expected printable text (it is written into the sbatch script)");
    }
  }
}

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// `--partition`: a comma-separated list of partition names (sbatch takes several and starts the
/// job in whichever frees first). SLURM's names are free text in slurm.conf, but every site uses
/// these characters, and they need no quoting anywhere.
void checkPartition(const std::string& value) {
  constexpr std::size_t kMaxNames = 64, kMaxName = 64;
  const std::string expected =
      "; expected a comma-separated list of partition names, each 1 to 64 characters of "
      "A-Z a-z 0-9 _ . - (e.g. debug or debug,gpu)";
  std::size_t names = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    const std::string name =
        value.substr(start, comma == std::string::npos ? comma : comma - start);
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
        throw UserError(shown("--partition", value) + ": the character '" +
                        printable(std::string(1, c)) + "' is not allowed" + expected);
      }
    }
    if (name.empty() || name.size() > kMaxName || ++names > kMaxNames) {
      throw UserError(shown("--partition", value) + ": " +
                      (name.empty()             ? std::string("an empty partition name")
                       : name.size() > kMaxName ? "a name longer than 64 characters"
                                                : "more than 64 names") +
                      expected);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

/// `--time`: SLURM's time limit formats (sbatch's --time), with each field that is not the
/// leading one in its range. SLURM itself reads "1:75" as 1 minute 75 seconds; a value like that
/// is more likely a typo than a wish, so it is refused here.
void checkTime(const std::string& value) {
  const std::string expected =
      "; expected minutes, minutes:seconds, hours:minutes:seconds, days-hours, "
      "days-hours:minutes, days-hours:minutes:seconds (digits only) or UNLIMITED";
  auto fail = [&](const std::string& why) {
    throw UserError(shown("--time", value) + ": " + why + expected);
  };
  std::string upper = value;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "UNLIMITED" || upper == "INFINITE") return;  // SLURM compares without case
  if (value.size() > 32) fail("too long");
  // Split into an optional "days-" and up to three ':'-separated fields.
  std::string days_text, rest = value;
  if (const std::size_t dash = value.find('-'); dash != std::string::npos) {
    days_text = value.substr(0, dash);
    rest = value.substr(dash + 1);
    if (!allDigits(days_text)) fail("the days before '-' are not a whole number");
    if (days_text.size() > 9) fail("the days before '-' have more than 9 digits");
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = rest.find(':', start);
    parts.push_back(rest.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() > 3) fail("more than three ':'-separated fields");
  for (const auto& p : parts) {
    if (!allDigits(p)) fail("'" + printable(p) + "' is not a whole number");
    if (p.size() > 9) fail("'" + p + "' has more than 9 digits");
  }
  std::vector<std::int64_t> n;
  for (const auto& p : parts) n.push_back(std::stoll(p));
  std::int64_t seconds = 0;
  auto below = [&](std::int64_t v, std::int64_t limit, const char* what) {
    if (v >= limit) fail(std::string(what) + " must be below " + std::to_string(limit));
  };
  if (!days_text.empty()) {  // days-hours[:minutes[:seconds]]
    const std::int64_t days = std::stoll(days_text);
    below(n[0], 24, "hours after 'days-'");
    if (n.size() > 1) below(n[1], 60, "minutes");
    if (n.size() > 2) below(n[2], 60, "seconds");
    seconds =
        days * 86400 + n[0] * 3600 + (n.size() > 1 ? n[1] * 60 : 0) + (n.size() > 2 ? n[2] : 0);
  } else if (n.size() == 3) {  // hours:minutes:seconds
    below(n[1], 60, "minutes");
    below(n[2], 60, "seconds");
    seconds = n[0] * 3600 + n[1] * 60 + n[2];
  } else {  // minutes[:seconds]
    if (n.size() > 1) below(n[1], 60, "seconds");
    seconds = n[0] * 60 + (n.size() > 1 ? n[1] : 0);
  }
  // SLURM adds the fields up in a signed 32-bit number of seconds.
  if (seconds > 2147483647) fail("longer than SLURM can hold (2147483647 s, about 68 years)");
}

/// `--mem`: sbatch's --mem, a whole number of megabytes or of K, M, G or T (0 asks SLURM for all
/// of a node's memory), at most 1 PiB.
void checkMem(const std::string& value) {
  const std::string expected =
      "; expected a whole number with an optional unit K, M, G or T (e.g. 4G; no unit means "
      "megabytes), at most 1024T";
  std::string digits = value;
  std::uint64_t unit_kib = 1024;  // no unit: megabytes
  if (!value.empty()) {
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(value.back())));
    if (unit == 'K' || unit == 'M' || unit == 'G' || unit == 'T') {
      digits.pop_back();
      unit_kib = unit == 'K' ? 1 : unit == 'M' ? 1u << 10 : unit == 'G' ? 1u << 20 : 1u << 30;
    }
  }
  if (!allDigits(digits)) {
    throw UserError(shown("--mem", value) + ":" + expected.substr(1));
  }
  constexpr std::uint64_t kMaxKiB = std::uint64_t{1} << 40;  // 1 PiB
  if (digits.size() > 16 || std::stoull(digits) > kMaxKiB / unit_kib) {
    throw UserError(shown("--mem", value) + ": more than 1 PiB" + expected);
  }
}

/// The --output pattern of the #SBATCH line for logs in `dir` (made from `out_flag`, the --out
/// given), in double quotes.
///
/// #SBATCH lines are not read by a shell but by sbatch's own argument splitter (src/sbatch/opt.c):
/// single or double quotes group, so a path with spaces works in double quotes (unquoted, sbatch
/// 22.05 rejects the line as an invalid directive); a backslash escapes the next character, inside
/// quotes too; an unquoted '#' starts a comment. A '"' could be written \" there, but a '\' cannot
/// be passed on usefully: one that reaches the --output pattern is dropped and turns off the
/// %A/%a replacement, so every task would write the same file "%A_%a.out" (seen with Slurm
/// 22.05). Rather than rely on escaping rules this narrow (and undocumented for #SBATCH lines), a
/// log folder holding '"' or '\' is refused: such names are rare and easily avoided. A literal
/// '%' is written "%%", sbatch's escape for it (tests/slurm_cluster.sh submits through one).
std::string sbatchOutputPattern(const fs::path& dir, const std::string& out_flag) {
  const std::string d = dir.string();
  refuseControlCharacters("--out", d);
  std::string escaped;
  for (char c : d) {
    if (c == '"' || c == '\\') {
      throw UserError(shown("--out", out_flag) + ": the log folder " + printable(d) +
                      " contains '" + std::string(1, c) +
                      "', which an #SBATCH --output line cannot hold reliably; expected a "
                      "folder path without '\"' or '\\'");
    }
    escaped += c == '%' ? std::string("%%") : std::string(1, c);
  }
  return "\"" + escaped + "/%A_%a.out\"";
}

int submit(const SubmitOptions& o) {
  if (!o.slurm) throw UserError("submit: give --slurm (the only scheduler spikegym submits to)");
  // Every value first, before anything echoes one in a message or a file.
  refuseControlCharacters("experiment file", o.file);
  refuseControlCharacters("--out", o.out);
  for (const auto& kv : o.sets) refuseControlCharacters("--set", kv);
  if (!o.partition.empty()) checkPartition(o.partition);
  if (!o.time.empty()) checkTime(o.time);
  if (!o.mem.empty()) checkMem(o.mem);
  const std::string program = selfPath();
  refuseControlCharacters("the spikegym program's path", program);
  // Absolute forms too: the working directory becomes part of them.
  const std::string file_abs = fs::absolute(o.file).string();
  const std::string out_abs = fs::absolute(o.out).string();
  refuseControlCharacters("experiment file (as an absolute path)", file_abs);
  refuseControlCharacters("--out (as an absolute path)", out_abs);

  const lab::Experiment exp = lab::loadExperiment(o.file, o.sets);  // checks everything first
  // lab::loadExperiment allows only [A-Za-z0-9_.-] in names; checked again because the name is
  // written into #SBATCH lines and comments.
  refuseControlCharacters("name", exp.name);
  const int runs = static_cast<int>(exp.runs.size());
  const int shards = o.shards > 0 ? o.shards : std::min(runs, 32);
  if (shards > runs) {
    throw UserError("--shards " + std::to_string(shards) + ": the sweep has only " +
                    std::to_string(runs) + " runs; use at most that many shards");
  }
  const fs::path root = fs::absolute(fs::path(o.out) / exp.name);
  const fs::path slurm_dir = root / lab::layout::kSlurmDir;
  const std::string output_pattern = sbatchOutputPattern(slurm_dir, o.out);
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# spikegym sweep '" << exp.name << "' (" << runs << " runs) as a SLURM job array: one\n"
    << "# task per shard. Task K runs the runs whose id modulo " << shards << " is K, into\n"
    << "# " << root.string() << "/, exactly as `spikegym run` would; a task that is requeued\n"
    << "# (preempted, time limit) reruns only its unfinished runs. Check progress with\n"
    << "#   spikegym status " << shellQuote(root.string()) << "\n"
    << "# Written by spikegym submit; edit freely (e.g. add #SBATCH --account=...).\n"
    << "#SBATCH --job-name=\"spikegym-" << exp.name << "\"\n"
    << "#SBATCH --array=0-" << shards - 1
    << (o.parallelism > 0 ? "%" + std::to_string(o.parallelism) : "") << "\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n"
    << "#SBATCH --output=" << output_pattern << "\n"
    << "#SBATCH --requeue\n";
  // Checked above to hold only characters that need no quoting.
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (!o.mem.empty()) s << "#SBATCH --mem=" << o.mem << "\n";
  s << "set -euo pipefail\n"
    << "exec " << shellQuote(program) << " run " << shellQuote(file_abs)
    << " \\\n  --shard \"${SLURM_ARRAY_TASK_ID}/" << shards << "\" -j \"${SLURM_CPUS_PER_TASK:-"
    << o.cpus << "}\" \\\n  --out " << shellQuote(out_abs);
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
  writeFileAtomic(lab::layout::shardsFile(root).string(), std::to_string(shards) + "\n");
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
