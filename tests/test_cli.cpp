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
