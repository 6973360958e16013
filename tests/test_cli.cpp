// End-to-end tests of the `spikegym` program: exit codes, one-line errors, CSV output, and
// bit-for-bit replay of CartPole-v1 against Gymnasium's trajectories (tests/golden/).
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/cli_support.hpp"

using namespace spikegym::testing;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  std::string line;
  while (std::getline(is, line)) out.push_back(line);
  return out;
}

std::vector<std::string> fields(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::istringstream is(line);
  std::string f;
  while (std::getline(is, f, sep)) out.push_back(f);
  if (!line.empty() && line.back() == sep) out.push_back("");
  return out;
}

void requireOneLineError(const CommandResult& r, const std::string& needle) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err).size() == 1);
  CHECK_THAT(r.err, Catch::Contains(needle));
}

}  // namespace

TEST_CASE("every subcommand has --help and exits 0", "[cli]") {
  for (const char* args :
       {"--help", "list --help", "list envs --help", "list rules --help", "list neurons --help",
        "rollout --help", "bench --help", "bench env --help", "bench snn --help", "repro --help",
        "repro distal-reward --help", "repro song2000 --help", "train --help", "list agents --help",
        "show --help", "show network --help"}) {
    const CommandResult r = runSpikegym(args);
    INFO(args);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage"));
  }
}

TEST_CASE("bad command lines exit 2 with one line", "[cli]") {
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --policy random --no-such-flag"),
                      "no-such-flag");
  requireOneLineError(runSpikegym(""), "subcommand");
  requireOneLineError(runSpikegym("rollout --env CartPol-v1 --policy random"),
                      "did you mean 'CartPole-v1'");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --actions 0,x"),
                      "--actions item 2: expected an integer action, got 'x'");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --actions 0,2"),
                      "action 2 at step 2 is outside Discrete(2)");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1"), "exactly one of");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --policy greedy"), "greedy");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --policy random --init-state 0,0"),
                      "initial_state needs 4 values");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --actions-file /nonexistent/a.txt"),
                      "/nonexistent/a.txt: cannot open");
  requireOneLineError(runSpikegym("bench env CartPole-v1 --steps -5"), "--steps");

  const auto dir = scratchDir("actions");
  const auto file = (dir / "acts.txt").string();
  std::FILE* f = std::fopen(file.c_str(), "w");
  std::fputs("# a comment\n0 1 1\n0, one\n", f);
  std::fclose(f);
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --actions-file " + file),
                      file + ":3: expected an integer action, got 'one'");
}

TEST_CASE("list envs shows spaces and limits", "[cli]") {
  const CommandResult r = runSpikegym("list envs");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("CartPole-v1"));
  CHECK_THAT(r.out, Catch::Contains("action_space: Discrete(2)"));
  CHECK_THAT(r.out, Catch::Contains("max_episode_steps: 500"));
  CHECK_THAT(r.out, Catch::Contains("reward_threshold: 475"));
}

TEST_CASE("rollout CSV: header, t=0 reset row, one row per step, stops at the end", "[cli]") {
  const CommandResult r = runSpikegym("rollout --env CartPole-v1 --seed 3 --policy random");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE(rows.size() >= 3);
  CHECK(rows[0] == "t,action,x,x_dot,theta,theta_dot,reward,terminated,truncated");
  const auto first = fields(rows[1], ',');
  REQUIRE(first.size() == 9);
  CHECK(first[0] == "0");
  CHECK(first[1].empty());
  const auto last = fields(rows.back(), ',');
  CHECK(last[0] == std::to_string(rows.size() - 2));
  CHECK((last[7] == "1" || last[8] == "1"));
  for (std::size_t i = 2; i + 1 < rows.size(); ++i) {
    const auto f = fields(rows[i], ',');
    REQUIRE(f[7] == "0");
    REQUIRE(f[8] == "0");
  }
  // The same seed prints the same bytes.
  CHECK(runSpikegym("rollout --env CartPole-v1 --seed 3 --policy random").out == r.out);
  CHECK(runSpikegym("rollout --env CartPole-v1 --seed 4 --policy random").out != r.out);
}

TEST_CASE("rollout --max-steps and --summary", "[cli]") {
  CommandResult r = runSpikegym("rollout --env CartPole-v1 --policy random --max-steps 3");
  CHECK(lines(r.out).size() == 5);  // header, t=0, three steps
  r = runSpikegym("rollout --env CartPole-v1 --policy random --episodes 4 --summary");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == "episode,return,length");
  const auto f = fields(rows[1], ',');
  CHECK(f[1] == f[2]);  // CartPole pays 1 per step
}

namespace {

/// One trajectory of tests/golden/cartpole_v1.csv: the start, the actions, Gymnasium's states.
struct GoldenCase {
  std::string name;
  std::vector<std::vector<std::string>> rows;  // t, action, x, x_dot, theta, theta_dot, terminated
};

std::vector<GoldenCase> readGoldenCartPole() {
  std::ifstream in(std::string(SPIKEGYM_SOURCE_DIR) + "/tests/golden/cartpole_v1.csv");
  REQUIRE(in);
  std::vector<GoldenCase> cases;
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "case,t,action,x,x_dot,theta,theta_dot,terminated");
  while (std::getline(in, line)) {
    auto f = fields(line, ',');
    REQUIRE(f.size() == 8);
    if (cases.empty() || cases.back().name != f[0]) cases.push_back({f[0], {}});
    cases.back().rows.emplace_back(f.begin() + 1, f.end());
  }
  return cases;
}

}  // namespace

TEST_CASE("rollout replays Gymnasium's CartPole-v1 trajectories bit for bit", "[cli][cartpole]") {
  // tests/golden/cartpole_v1.csv holds Gymnasium's trajectories, not ours: starts from NumPy's
  // reset(seed) draws, steps from the expressions of Gymnasium's cartpole.py on NumPy float64,
  // anchored to one step computed by Gymnasium itself (tests/golden/make_cartpole_golden.py says
  // how). Every printed double must equal Gymnasium's, and every episode must end on its step.
  const auto cases = readGoldenCartPole();
  REQUIRE(cases.size() == 14);
  std::size_t steps = 0, terminated = 0;
  for (const GoldenCase& c : cases) {
    INFO("case " << c.name);
    const auto& start = c.rows.front();
    std::string init = start[2] + "," + start[3] + "," + start[4] + "," + start[5];
    std::string actions;
    for (std::size_t t = 1; t < c.rows.size(); ++t) actions += (t > 1 ? "," : "") + c.rows[t][1];
    const CommandResult ours =
        runSpikegym("rollout --env CartPole-v1 --init-state=" + init + " --actions " + actions);
    REQUIRE(ours.exit_code == 0);
    const auto our_rows = lines(ours.out);
    REQUIRE(our_rows.size() == c.rows.size() + 1);  // + header
    for (std::size_t t = 0; t < c.rows.size(); ++t) {
      const auto o = fields(our_rows[t + 1], ',');
      const auto& e = c.rows[t];
      for (int k = 0; k < 4; ++k) {
        INFO("step " << t << " variable " << k << ": ours " << o[2 + k] << " Gymnasium "
                     << e[2 + k]);
        REQUIRE(std::strtod(o[2 + k].c_str(), nullptr) == std::strtod(e[2 + k].c_str(), nullptr));
        // The text is Python's repr of the same double (shortest round trip).
        REQUIRE(o[2 + k] == e[2 + k]);
      }
      REQUIRE(o[7] == e[6]);
    }
    steps += c.rows.size() - 1;
    terminated += c.rows.back()[6] == "1";
  }
  CHECK(steps == 1260);
  CHECK(terminated == 12);  // the two controller runs last the full 500 steps
}

TEST_CASE("list rules and list neurons print every unit with parameters and units", "[cli]") {
  const CommandResult rules = runSpikegym("list rules");
  CHECK(rules.exit_code == 0);
  for (const char* name : {"none", "stdp", "hebbian", "mstdp", "mstdpet", "rstdp"}) {
    CHECK_THAT("\n" + rules.out, Catch::Contains(std::string("\n") + name + "  "));
  }
  CHECK_THAT(rules.out, Catch::Contains("tau_c_ms = 1000"));
  const CommandResult neurons = runSpikegym("list neurons");
  CHECK(neurons.exit_code == 0);
  CHECK_THAT(neurons.out, Catch::Contains("preset izhikevich:FS: a=0.1"));
  CHECK_THAT(neurons.out, Catch::Contains("tau_m_ms = 20"));
}

TEST_CASE("repro distal-reward prints one CSV row per simulated second", "[cli]") {
  const CommandResult r = runSpikegym("repro distal-reward --sim-s 3 --seed 2");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == "t_s,w_rewarded,w_exc_mean,w_exc_p99,firing_rate_hz,dopamine_pulses");
  CHECK(fields(rows[3], ',')[0] == "3");
  CHECK(runSpikegym("repro distal-reward --sim-s 3 --seed 2").out == r.out);
  requireOneLineError(runSpikegym("repro distal-reward --sim-s -1"), "--sim-s");
  requireOneLineError(runSpikegym("repro song2001"),
                      "unknown command 'song2001' for 'repro' (did you mean 'song2000'?)");
  requireOneLineError(runSpikegym("lsit envs"), "did you mean 'list'");
}

TEST_CASE("train prints a header and one CSV row per episode; bad settings exit 2", "[cli]") {
  const CommandResult r = runSpikegym("train --env CartPole-v1 --agent snn --episodes 3 --seed 4");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE(rows.size() == 4);
  CHECK_THAT(rows[0], Catch::StartsWith("episode,return,length,truncated,cart_out_of_bounds,"
                                        "pole_fell,rate_hz_input,"));
  CHECK_THAT(rows[0], Catch::Contains("w_mean") && Catch::Contains("dopamine_mean"));
  CHECK(fields(rows[3], ',')[0] == "2");
  CHECK(fields(rows[1], ',').size() == fields(rows[0], ',').size());
  CHECK(runSpikegym("train --episodes 3 --seed 4").out == r.out);  // defaults, deterministic
  requireOneLineError(runSpikegym("train --episodes 2 --set learning_rule=rstpd"),
                      "did you mean 'rstdp'");
  requireOneLineError(runSpikegym("train --episodes 2 --set output_size"), "key=value");
  requireOneLineError(runSpikegym("train --agent snnn"), "did you mean 'snn'");
  const CommandResult agents = runSpikegym("list agents");
  CHECK_THAT(agents.out, Catch::Contains("reinforce") && Catch::Contains("learning_rule = rstdp"));
  // Effective defaults of the nested units, with the agent's overrides marked as such.
  CHECK_THAT(agents.out,
             Catch::Contains("    rule.tau_c_ms = 200 (rule default 1000)  [1, 100000]"));
  CHECK_THAT(agents.out, Catch::Contains("    neuron.tau_m_ms = 20  [0.1, 1000]  [ms]"));
  // env.<name> reaches the env; a bad one names the key.
  CHECK(runSpikegym("train --episodes 3 --seed 4 --set env.force_n=1").out != r.out);
  requireOneLineError(runSpikegym("train --episodes 2 --set env.force=1"),
                      "did you mean 'force_n'");
  requireOneLineError(runSpikegym("train --episodes 2 --set neuron.dt_ms=0.5"),
                      "unknown parameter 'dt_ms'");
}

TEST_CASE("train --save then --load continues from the checkpoint", "[cli]") {
  const auto dir = scratchDir("ckpt");
  const std::string ck = (dir / "agent.ckpt").string();
  REQUIRE(runSpikegym("train --agent reinforce --episodes 5 --save " + ck).exit_code == 0);
  const CommandResult loaded = runSpikegym("train --agent reinforce --episodes 2 --load " + ck);
  CHECK(loaded.exit_code == 0);
  requireOneLineError(runSpikegym("train --agent snn --episodes 1 --load " + ck),
                      "checkpoint of agent 'reinforce'");
}

TEST_CASE("bench env prints steps_per_s as its last line", "[cli]") {
  const CommandResult r = runSpikegym("bench env CartPole-v1 --steps 100000");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE_FALSE(rows.empty());
  CHECK_THAT(rows.back(), Catch::StartsWith("steps_per_s: "));
  CHECK(std::stod(rows.back().substr(13)) > 0);
}

TEST_CASE("bench env --bare steps CartPole-v1's own trajectories without the API", "[cli]") {
  // The bare loop is the reference for the env's cost only if it does the same work: the same
  // actions, starts and dynamics give the same episodes and the same sum of every x.
  auto field = [](const std::string& out, const std::string& key) {
    for (const std::string& row : lines(out)) {
      if (row.rfind(key + ": ", 0) == 0) return row.substr(key.size() + 2);
    }
    return std::string("missing");
  };
  const CommandResult env = runSpikegym("bench env CartPole-v1 --steps 200000 --seed 4");
  const CommandResult bare = runSpikegym("bench env CartPole-v1 --steps 200000 --seed 4 --bare");
  REQUIRE(env.exit_code == 0);
  REQUIRE(bare.exit_code == 0);
  CHECK(std::stol(field(bare.out, "episodes")) > 1000);
  CHECK(field(bare.out, "episodes") == field(env.out, "episodes"));
  CHECK(field(bare.out, "checksum") == field(env.out, "checksum"));
  requireOneLineError(runSpikegym("bench env Foraging-v0 --bare --steps 10"),
                      "only CartPole-v1 has a bare loop");
}

TEST_CASE("a mistyped option gets a did-you-mean", "[cli]") {
  requireOneLineError(runSpikegym("train --sed 3"),
                      "unknown option '--sed' (did you mean '--seed'?)");
  requireOneLineError(runSpikegym("compare x --metrc y"), "did you mean '--metric'?");
  requireOneLineError(runSpikegym("bench snn --sim-s nan"), "--sim-s: expected a whole number");
  requireOneLineError(runSpikegym("rollout --env CartPole-v1 --seed -1 --policy random"),
                      "expected a whole number from 0");
}

TEST_CASE("train --save to a place that cannot be written fails before training", "[cli]") {
  requireOneLineError(runSpikegym("train --episodes 100000 --save /nonexistent/dir/x.ckpt"),
                      "--save /nonexistent/dir/x.ckpt: cannot write there");
}

TEST_CASE("train --config takes env and agent (a network) from an experiment file", "[cli]") {
  const std::string file = std::string(SPIKEGYM_SOURCE_DIR) + "/experiments/cartpole_network.yaml";
  const CommandResult r = runSpikegym("train --config '" + file +
                                      "' --episodes 2 --set network.populations.hid.size=20");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(lines(r.out).size() == 3);  // header + 2 episodes
  requireOneLineError(runSpikegym("train --config '" + file + "' --set hidden=5"),
                      "replaced by agent.network");
  requireOneLineError(runSpikegym("train --config '" + file + "' --env CartPole-v1"), "excludes");
}

namespace {

/// A single-quoted word for the shell that runSpikegym uses (a newline inside stays literal).
std::string sq(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// `s` with control characters as \xNN, for test messages.
std::string visible(const std::string& s) {
  std::string out;
  char buf[8];
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// A small sweep (2 runs) written to a fresh scratch folder; returns the file's path.
std::string writeSubmitSweep() {
  const auto file = scratchDir("submit") / "sweep.yaml";
  std::ofstream(file) << "name: submit_check\nenv: {id: CartPole-v1}\n"
                         "agent: {type: snn, output_size: 8}\ntrain: {episodes: 2}\nseeds: 2\n";
  return file.string();
}

}  // namespace

TEST_CASE("submit --slurm refuses hostile or malformed values before writing a script",
          "[cli][submit]") {
  const std::string file = writeSubmitSweep();
  const std::string base = "submit " + sq(file) + " --slurm --dry-run ";
  const std::string marker = (scratchDir("marker") / "pwned").string();
  const std::string inject = "\ntouch " + marker;
  struct Bad {
    std::string args;    // after the base command
    std::string needle;  // the message names the flag and shows the value escaped
  };
  const std::vector<Bad> bad = {
      // A newline in every value that reaches the script (it would start a shell line).
      {"--partition " + sq("debug" + inject), "--partition 'debug\\ntouch "},
      {"--time " + sq("10" + inject), "--time '10\\ntouch "},
      {"--mem " + sq("4G" + inject), "--mem '4G\\ntouch "},
      {"--out " + sq("res" + inject), "--out 'res\\ntouch "},
      {"--set " + sq("train.episodes=3" + inject), "--set 'train.episodes=3\\ntouch "},
      // Other control characters, shown escaped.
      {"--partition " + sq("deb\x01ug"), "--partition 'deb\\x01ug'"},
      {"--out " + sq("res\x1b[2Jults"), "--out 'res\\x1b[2Jults'"},
      {"--set " + sq("train.episodes=3\x7f"), "--set 'train.episodes=3\\x7f'"},
      {"--time " + sq("1\t0"), "--time '1\\t0'"},
      {"--set " + sq("train.episodes=3\r"), "control character '\\r'"},
      // Time formats SLURM does not take, or fields out of range.
      {"--time 25:00:00:00", "--time '25:00:00:00'"},
      {"--time 1-24:00:00", "--time '1-24:00:00': hours after 'days-' must be below 24"},
      {"--time 1:60", "--time '1:60': seconds must be below 60"},
      {"--time 10:60:00", "--time '10:60:00': minutes must be below 60"},
      {"--time 1-2:3:60", "--time '1-2:3:60'"},
      {"--time 2h", "--time '2h'"},
      {"--time 1-", "--time '1-'"},
      {"--time -1", "--time '-1'"},
      {"--time 1:", "--time '1:'"},
      {"--time 999999999999", "--time '999999999999'"},
      {"--time 99999-00", "--time '99999-00': longer than SLURM can hold"},
      // Memory: digits and one unit only, bounded.
      {"--mem 4X", "--mem '4X'"},
      {"--mem -1G", "--mem '-1G'"},
      {"--mem G", "--mem 'G'"},
      {"--mem 4GB", "--mem '4GB'"},
      {"--mem " + sq("4 G"), "--mem '4 G'"},
      {"--mem 1.5G", "--mem '1.5G'"},
      {"--mem 1025T", "--mem '1025T': more than 1 PiB"},
      {"--mem 99999999999999999999", "--mem '99999999999999999999'"},
      // Partitions: names of [A-Za-z0-9_.-], comma-separated.
      {"--partition " + sq("debug gpu"), "--partition 'debug gpu': the character ' '"},
      {"--partition " + sq("debug;touch x"), "--partition 'debug;touch x': the character ';'"},
      {"--partition " + sq("debug,"), "--partition 'debug,': an empty partition name"},
      {"--partition " + sq("$(id)"), "--partition '$(id)'"},
      {"--partition " + std::string(65, 'p'), "a name longer than 64 characters"},
      // Paths an #SBATCH line cannot hold reliably.
      {"--out " + sq("res\"ults"), "--out '"},
      {"--out " + sq("res\\ults"), "--out '"},
  };
  for (const Bad& b : bad) {
    INFO("args: " << visible(b.args));
    requireOneLineError(runSpikegym(base + b.args), b.needle);
  }
  // The experiment file's own path is written into the script too.
  requireOneLineError(runSpikegym("submit " + sq(file + inject) + " --slurm --dry-run"),
                      "experiment file '" + file + "\\ntouch ");
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("submit --slurm takes SLURM's formats and quotes every path in the script",
          "[cli][submit]") {
  const std::string file = writeSubmitSweep();
  const auto out = scratchDir("submit_out") / "with space" / "100%";
  const std::string base = "submit " + sq(file) + " --slurm --dry-run --out " + sq(out.string());
  for (const char* args :
       {"--partition debug,gpu --time 1-02:03:04 --mem 4G", "--time 90 --mem 4096",
        "--time UNLIMITED --mem 0", "--time infinite", "--time 10:30 --mem 512K", "--time 1-2",
        "--time 1-2:30", "--time 48:00:00 --mem 1024T", "--partition a.b_c-D"}) {
    const CommandResult r = runSpikegym(base + " " + args);
    INFO(args << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    // #SBATCH lines: double quotes (sbatch's own splitter, not a shell); '%' doubled.
    const std::string logs = out.string();
    CHECK_THAT(r.out, Catch::Contains("#SBATCH --output=\"" + logs.substr(0, logs.size() - 1) +
                                      "%%/submit_check/slurm/%A_%a.out\"\n"));
    CHECK_THAT(r.out, Catch::Contains("#SBATCH --job-name=\"spikegym-submit_check\"\n"));
    // Shell lines: single quotes.
    CHECK_THAT(r.out, Catch::Contains(" run '" + file + "'"));
    CHECK_THAT(r.out, Catch::Contains("--out '" + out.string() + "'"));
  }
  const CommandResult r =
      runSpikegym(base + " --partition debug,gpu --time 1-02:03:04 --mem 4G --set seeds=3");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("#SBATCH --partition=debug,gpu\n#SBATCH --time=1-02:03:04\n"
                                    "#SBATCH --mem=4G\n"));
  CHECK_THAT(r.out, Catch::Contains("--set 'seeds=3'"));
}

TEST_CASE("status reads only a small prefix of slurm/shards and refuses a bad count",
          "[cli][status]") {
  const auto root = scratchDir("status") / "sweep";
  std::filesystem::create_directories(root / "slurm");
  std::ofstream(root / "manifest.csv") << "id,seed\n";
  const auto shards = root / "slurm" / "shards";
  const std::string status = "status " + sq(root.string());
  std::ofstream(shards) << "3\n";
  CommandResult r = runSpikegym(status);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("2/3"));
  for (const char* text : {"0\n", "100001\n", "-2\n", "3x\n", "", "1\n2\n", "3\ntouch x\n"}) {
    std::ofstream(shards, std::ios::trunc) << text;
    INFO("shards file: " << visible(text));
    requireOneLineError(runSpikegym(status), shards.string() + ": ");
  }
  // A huge file (sparse: no disk used) is refused after reading 65 bytes, not read whole.
  std::ofstream(shards, std::ios::trunc) << "3\n";
  std::filesystem::resize_file(shards, 3900ull << 20);
  requireOneLineError(runSpikegym(status), "longer than 64 bytes");
  std::filesystem::remove(shards);
  std::filesystem::create_directory(shards);
  requireOneLineError(runSpikegym(status), "not a regular file");
  std::filesystem::remove(shards);
  CHECK(runSpikegym(status).exit_code == 0);  // no file: one shard
}

TEST_CASE("show network --cost, show mlp-cost, train --no-cost and bench snn --count",
          "[cli][cost]") {
  // The solving preset's network (presets/cartpole_solve.yaml, defaults): 4 dimensions x 12
  // receptive fields = 48 Poisson inputs, 2 actions x 16 LIF outputs = 32 neurons; input ->
  // output all to all = 48 x 32 = 1536 synapses, lateral inhibition between the two groups
  // = 2 x 16 x 16 = 512; a critic on 48 + 2 x 6 x 6 = 120 joint features.
  const CommandResult net = runSpikegym("show network " + std::string(SPIKEGYM_SOURCE_DIR) +
                                        "/experiments/cartpole_solve.yaml --cost");
  INFO(net.err);
  REQUIRE(net.exit_code == 0);
  CHECK_THAT(net.out, Catch::Contains("32 neurons (sources not counted), 2048 synapses"));
  CHECK_THAT(net.out, Catch::Contains("input_output") && Catch::Contains("1536"));
  CHECK_THAT(net.out, Catch::Contains("critic") && Catch::Contains("120"));
  // A REINFORCE cell: no network, a policy of 2 x 48 weights.
  const CommandResult policy = runSpikegym("show network " + std::string(SPIKEGYM_SOURCE_DIR) +
                                           "/experiments/cartpole_solve.yaml --cost --cell 3");
  REQUIRE(policy.exit_code == 0);
  CHECK_THAT(policy.out, Catch::Contains("policy") && Catch::Contains("96"));
  // MLP 4-64-64-2: 4480 MACs per step (4 x 64 + 64 x 64 + 64 x 2), 500 steps: 2,240,000;
  // horowitz45: 4480 x 4.6 + 130 x 0.9 = 20725 pJ per step.
  const CommandResult mlp = runSpikegym("show mlp-cost 4,64,64,2 --steps 500");
  REQUIRE(mlp.exit_code == 0);
  CHECK_THAT(mlp.out, Catch::Contains("4480 MACs, 130 ACs") && Catch::Contains("2240000 MACs") &&
                          Catch::Contains("0.0207 uJ per step"));
  requireOneLineError(runSpikegym("show mlp-cost 4,,2"), "expected sizes like 4,64,64,2");
  // Counting off: the same episodes, no cost columns.
  const CommandResult on = runSpikegym("train --episodes 3 --seed 2");
  const CommandResult off = runSpikegym("train --episodes 3 --seed 2 --no-cost");
  REQUIRE(on.exit_code == 0);
  REQUIRE(off.exit_code == 0);
  CHECK_THAT(on.out, Catch::Contains(",syn_ac,syn_mac,syn_dense,plasticity_ops,"));
  CHECK(off.out.find("syn_ac") == std::string::npos);
  const auto a = lines(on.out), b = lines(off.out);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 1; i < a.size(); ++i) CHECK_THAT(a[i], Catch::StartsWith(b[i]));
  const CommandResult bench = runSpikegym("bench snn --sim-s 2 --count");
  REQUIRE(bench.exit_code == 0);
  CHECK_THAT(bench.out, Catch::Contains("energy_uj_per_sim_s_loihi: "));
}
