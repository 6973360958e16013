// lab/: experiment files (expansion, include, overrides, bad input), the sweep runner (results
// on disk, resume, failures, -j invariance) and the run command (kill -9, Ctrl-C).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "agents/agent.hpp"
#include "agents/checkpoint.hpp"
#include "agents/snn_agent.hpp"
#include "core/error.hpp"
#include "envs/registration.hpp"
#include "lab/compare.hpp"
#include "lab/experiment.hpp"
#include "lab/plots.hpp"
#include "lab/presets.hpp"
#include "lab/results.hpp"
#include "lab/runner.hpp"
#include "lab/session.hpp"
#include "lab/stats.hpp"
#include "lab/training.hpp"
#include "tests/cli_support.hpp"

using namespace spikegym;
using namespace spikegym::lab;
namespace fs = std::filesystem;

namespace {

std::string write(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

/// Runs the experiment `yaml` (named e) into dir/r and returns its results folder dir/r/e.
fs::path runExperiment(const fs::path& dir, const std::string& yaml) {
  const std::string file = write(dir, "e.yaml", yaml);
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  return dir / "r" / "e";
}

/// The run folders (those with a run.json) of a results folder.
std::vector<fs::path> runDirs(const fs::path& results) {
  std::vector<fs::path> out;
  for (const auto& d : fs::directory_iterator(results)) {
    if (d.is_directory() && fs::exists(d.path() / "run.json")) out.push_back(d.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The fields of one CSV line (no quoting).
std::vector<std::string> csvSplit(const std::string& text) {
  std::vector<std::string> f;
  std::istringstream fields(text);
  for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
  return f;
}

/// The file without its wall_s column (the only column allowed to differ between runs).
std::string withoutWallClock(const std::string& csv) {
  std::istringstream is(csv);
  std::string line, out;
  while (std::getline(is, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string field;
    while (std::getline(ls, field, ',')) f.push_back(field);
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i != 5) out += f[i] + ",";
    }
    out += "\n";
  }
  return out;
}

/// Every episodes.csv under results/<name>/, by run id, wall clock removed.
std::map<std::string, std::string> allEpisodes(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& d : fs::directory_iterator(root)) {
    if (!d.is_directory()) continue;
    out[d.path().filename().string()] =
        withoutWallClock(testing::readFile(d.path() / "episodes.csv"));
  }
  return out;
}

/// The YAML block of README.md that starts with `head`, as an experiment named `name` on
/// CartPole-v1, written into a scratch folder; returns its path.
std::string readmeAgentBlock(const std::string& head, const std::string& name) {
  const std::string readme = testing::readFile(fs::path(SPIKEGYM_SOURCE_DIR) / "README.md");
  const auto start = readme.find("```yaml\n" + head);
  REQUIRE(start != std::string::npos);
  const auto body = start + 8;
  const std::string yaml = "name: " + name + "\nenv: {id: CartPole-v1}\n" +
                           readme.substr(body, readme.find("```", body) - body);
  return write(testing::scratchDir(name), name + ".yaml", yaml);
}

const char* kTiny = R"(name: tiny
env: {id: CartPole-v1}
agent: {type: snn, output_size: 8}
train: {episodes: 4}
seeds: 2
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdp]
)";

/// The value of `name` in the plasticity block of the run's plastic projection (the flat agent's
/// learning_rule and rule.* written out as its network), or "" without one.
std::string plastic(const RunSpec& run, const std::string& name) {
  const std::string lead = "agent.network.projections.";
  for (const auto& [key, entry] : run.config) {
    const auto at = key.find(".plasticity.rule");
    if (key.rfind(lead, 0) != 0 || at == std::string::npos || entry.text == "none") continue;
    const auto it = run.config.find(key.substr(0, at) + ".plasticity." + name);
    if (it != run.config.end()) return it->second.text;
  }
  return "";
}

}  // namespace

TEST_CASE("config.yaml and the run id hold every parameter a run uses, defaults included",
          "[lab][params]") {
  const auto dir = testing::scratchDir("params");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {});
  const RunSpec& run = exp.runs[0];  // snn, rstdp
  // Every declared parameter of every unit the run uses is in the resolved config: the snn
  // agent's own parameters that stay beside a network, and its flat architecture parameters
  // written out as the network they build (every resolved network value, as the agent itself
  // resolves its flat defaults).
  const agents::AgentInfo& snn = agents::agentInfo("snn");
  std::size_t expected = 0;
  for (const auto& p : snn.params) {
    INFO(p.name);
    const bool replaced = agents::isReplacedByNetwork(snn, p.name);
    CHECK(run.config.count("agent." + p.name) == (replaced ? 0u : 1u));
    CHECK(std::count(run.replaced_keys.begin(), run.replaced_keys.end(), "agent." + p.name) ==
          (replaced ? 1 : 0));
    if (!replaced) ++expected;
  }
  auto env = envs::make("CartPole-v1", 0, {});
  const agents::NetworkDef def =
      *agents::resolveAgentDef("snn", env->observationSpace(), env->actionSpace(),
                               {{"output_size", "8"}})  // kTiny's agent
           .network;
  for (const auto& [key, value] : def.values) {
    INFO(key);
    REQUIRE(run.config.count("agent." + key));
    CHECK(run.config.at("agent." + key).text == value);
  }
  expected += def.values.size();
  for (const auto& p : envs::envSpec("CartPole-v1").params)
    CHECK(run.config.count("env." + p.name));
  expected += envs::envSpec("CartPole-v1").params.size();
  for (const char* k :
       {"train.episodes", "train.eval_every", "train.eval_episodes", "train.checkpoint"}) {
    CHECK(run.config.count(k));
  }
  expected += 4 + 3;  // + name, env.id, agent.type
  CHECK(run.config.size() == expected);
  // The agent's own override of its rule's default is what config.yaml shows.
  const std::string tau_c = "agent.network.projections.input_output.plasticity.tau_c_ms";
  CHECK(run.config.at(tau_c).text == "200");
  CHECK(run.config.at(tau_c).where == "default");
  const std::string yaml = configYaml(run);
  CHECK_THAT(yaml, Catch::Contains("          tau_c_ms: 200\n"));
  CHECK_THAT(yaml, Catch::Contains("          tau_m_ms: 20\n"));  // the output's neuron.*
  CHECK_THAT(yaml, Catch::Contains("  gravity_mps2: 9.8\n"));     // env.*
  // Changing any value, a default included, changes the run id: a changed default can never
  // make an old result look complete.
  std::set<std::string> ids = {run.run_id};
  CHECK(runId(run.config, run.seed) == run.run_id);
  for (const auto& [key, entry] : run.config) {
    // Renaming an experiment keeps its runs; env.id has its own test (a different env).
    if (key == "name" || key == "env.id") continue;
    FlatConfig changed = run.config;
    changed[key].text += "0";
    INFO(key);
    CHECK(ids.insert(runId(changed, run.seed)).second);
  }
}

TEST_CASE("envs take parameters from the experiment file", "[lab][params]") {
  const auto dir = testing::scratchDir("envparams");
  const std::string file = write(dir, "e.yaml", R"(name: e
env: {id: CartPole-v1, force_n: 5, x_threshold_m: 1.2}
agent: {type: random}
train: {episodes: 30}
)");
  const Experiment exp = loadExperiment(file, {});
  CHECK(exp.runs[0].train.env_params.at("force_n") == "5");
  CHECK(exp.runs[0].train.env_params.at("gravity_mps2") == "9.8");
  // A narrower track ends episodes sooner: the parameter reaches the physics.
  auto meanLength = [](const TrainSpec& spec) {
    double total = 0;
    long n = 0;
    runTraining(spec, [&](const EpisodeRow& row) {
      total += static_cast<double>(row.length);
      ++n;
    });
    return total / static_cast<double>(n);
  };
  TrainSpec narrow = exp.runs[0].train, standard = narrow;
  standard.env_params.clear();
  narrow.env_params = {{"x_threshold_m", "0.05"}};
  CHECK(meanLength(narrow) < meanLength(standard));
  // Bad values are errors at their place in the file.
  const std::string bad = write(dir, "bad.yaml", R"(name: bad
env:
  id: CartPole-v1
  tau_s: -1
agent: {type: random}
)");
  CHECK_THROWS_WITH(loadExperiment(bad, {}),
                    Catch::StartsWith(bad + ":4:10: env.tau_s = '-1': expected a number in"));
  // The step of the SNN is the agent's; a neuron model has none of its own.
  CHECK_THROWS_WITH(loadExperiment(file, {"agent.type=snn", "agent.neuron.dt_ms=0.5"}),
                    Catch::Contains("unknown setting 'agent.neuron.dt_ms'"));
}

/// A small snn agent on CartPole-v1 (8 output neurons): fast session tests.
static TrainSpec smallSnnSpec(long episodes, std::uint64_t seed) {
  TrainSpec spec;
  spec.env_id = "CartPole-v1";
  spec.agent_type = "snn";
  spec.agent_params = {{"output_size", "8"}};
  spec.episodes = episodes;
  spec.seed = seed;
  return spec;
}

TEST_CASE("progress checkpoints while training change no episode and load as the agent",
          "[lab][session]") {
  const TrainSpec spec = smallSnnSpec(5, 4);
  auto rows = [](const TrainSpec& s, const std::function<void(long)>& seen = {}) {
    std::vector<double> returns;
    runTraining(s, [&](const EpisodeRow& row) {
      if (seen) seen(row.episode);
      returns.push_back(row.episode_return);
    });
    return returns;
  };
  const auto plain = rows(spec);
  const auto dir = testing::scratchDir("progress_ckpt");
  TrainSpec watched = spec;
  watched.progress_checkpoint = (dir / "progress.ckpt").string();
  watched.progress_checkpoint_every = 2;
  std::vector<bool> present;
  const auto with =
      rows(watched, [&](long) { present.push_back(fs::exists(dir / "progress.ckpt")); });
  CHECK(with == plain);
  // Written after training episodes 2 and 4 (not after the last: agent.ckpt is the run's).
  CHECK(present == std::vector<bool>{false, false, true, true, true});
  auto agent =
      agents::makeAgent("snn", envs::make("CartPole-v1")->observationSpace(),
                        envs::make("CartPole-v1")->actionSpace(), {{"output_size", "8"}}, 1);
  CHECK_NOTHROW(agent->load((dir / "progress.ckpt").string()));
}

TEST_CASE("a Session stepped by hand equals runTraining, and watching it changes nothing",
          "[lab][session]") {
  const TrainSpec spec = smallSnnSpec(6, 3);
  std::vector<EpisodeRow> headless;
  runTraining(spec, [&](const EpisodeRow& row) { headless.push_back(row); });

  // The same run, stepped one env step at a time, with everything a viewer reads read after
  // every step: weights of every projection, eligibility, dopamine, value, diagnostics, spikes.
  Session session(spec);
  agents::AgentView* view = session.agent().view();
  REQUIRE(view != nullptr);
  view->setRecording(true);
  view->setProbe(view->populationNames().size() - 1, 3);
  std::vector<EpisodeRow> watched;
  double checksum = 0;
  std::size_t spikes = 0, potentials = 0;
  while (static_cast<long>(watched.size()) < spec.episodes) {
    const bool ended = session.stepOnce();
    for (std::size_t k = 0; k < view->projectionNames().size(); ++k) {
      for (float w : view->weights(k).values) checksum += std::isnan(w) ? 0.0 : w;
    }
    checksum += view->meanEligibility() + view->dopamine() + view->value() + view->epsilon();
    for (const auto& [name, value] : session.agent().diagnostics()) checksum += value;
    for (std::size_t p = 0; p < view->populationNames().size(); ++p) {
      spikes += view->windowSpikes(p).size();
    }
    potentials += view->windowPotential().size();
    if (ended) watched.push_back(session.lastEpisode());
  }
  session.finish();
  CHECK(checksum != 0);
  CHECK(spikes > 0);
  CHECK(potentials > 0);
  REQUIRE(watched.size() == headless.size());
  for (std::size_t e = 0; e < headless.size(); ++e) {
    INFO("episode " << e);
    CHECK(watched[e].episode == headless[e].episode);
    CHECK(watched[e].length == headless[e].length);
    CHECK(watched[e].episode_return == headless[e].episode_return);
    CHECK(watched[e].metrics == headless[e].metrics);  // exact doubles, weights included
  }
}

TEST_CASE("sweeps expand grid x zip x seeds with stable, distinct run ids", "[lab][sweep]") {
  const auto dir = testing::scratchDir("sweep");
  const std::string file = write(dir, "e.yaml", R"(name: e
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 5}
seeds: [3, 4]
sweep:
  grid:
    agent.gamma: {linspace: [0.9, 0.99, 3]}
    agent.cells_per_dim: {range: [6, 10, 2]}
  zip:
    agent.type: [snn, reinforce]
    agent.learning_rule: [rstdp, null]
)");
  const Experiment exp = loadExperiment(file, {});
  REQUIRE(exp.runs.size() == 3 * 2 * 2 * 2);
  CHECK(exp.swept_paths == std::vector<std::string>{"agent.gamma", "agent.cells_per_dim",
                                                    "agent.type", "agent.learning_rule"});
  std::set<std::string> ids;
  for (const auto& run : exp.runs) ids.insert(run.run_id);
  CHECK(ids.size() == exp.runs.size());
  // First dimension slowest, seeds innermost.
  CHECK(exp.runs[0].swept[0].second == "0.9");
  CHECK(exp.runs[0].swept[1].second == "6");
  CHECK(exp.runs[8].swept[0].second == "0.945");
  CHECK(exp.runs[23].swept[0].second == "0.99");
  CHECK(exp.runs[0].seed == 3);
  CHECK(exp.runs[1].seed == 4);
  for (const auto& run : exp.runs) {
    if (run.train.agent_type == "reinforce") {
      CHECK(run.config.count("agent.learning_rule") == 0);  // null removed the key
    } else {
      // Written out as its network: the plastic projection's rule.
      CHECK(run.train.agent_params.at("network.projections.input_output.plasticity.rule") ==
            "rstdp");
    }
  }
  // Ids are stable across loads and do not depend on the experiment's name.
  CHECK(loadExperiment(file, {}).runs[5].run_id == exp.runs[5].run_id);
  CHECK(loadExperiment(file, {"name=renamed"}).runs[5].run_id == exp.runs[5].run_id);
  CHECK(loadExperiment(file, {"train.episodes=6"}).runs[5].run_id != exp.runs[5].run_id);
}

TEST_CASE("logspace and range shorthands", "[lab][sweep]") {
  const auto dir = testing::scratchDir("shorthand");
  const std::string file = write(dir, "e.yaml", R"(name: e
env: {id: CartPole-v1}
agent: {type: reinforce}
sweep:
  grid:
    agent.lr_policy: {logspace: [-3, -1, 3]}
    train.episodes: {range: [1, 7, 3]}
)");
  const Experiment exp = loadExperiment(file, {});
  REQUIRE(exp.runs.size() == 6);
  std::vector<std::string> lr, episodes;
  for (const auto& run : exp.runs) {
    lr.push_back(run.swept[0].second);
    episodes.push_back(run.swept[1].second);
  }
  CHECK(lr == std::vector<std::string>{"0.001", "0.001", "0.01", "0.01", "0.1", "0.1"});
  CHECK(episodes == std::vector<std::string>{"1", "4", "1", "4", "1", "4"});
  CHECK(exp.runs[1].train.episodes == 4);
}

TEST_CASE("include supplies defaults; the file, then --set, override them", "[lab][include]") {
  const auto dir = testing::scratchDir("include");
  write(dir, "base.yaml", R"(name: base
env: {id: CartPole-v1}
agent: {type: snn, output_size: 8, cells_per_dim: 6}
train: {episodes: 50}
seeds: 4
)");
  const std::string file = write(dir, "child.yaml", R"(include: base.yaml
name: child
agent: {cells_per_dim: 10}
)");
  Experiment exp = loadExperiment(file, {});
  REQUIRE(exp.runs.size() == 4);  // seeds from the base
  CHECK(exp.name == "child");
  CHECK(exp.runs[0].train.agent_params.at("output_size") == "8");     // from the base
  CHECK(exp.runs[0].train.agent_params.at("cells_per_dim") == "10");  // the file wins
  CHECK(exp.runs[0].train.episodes == 50);
  exp = loadExperiment(file, {"agent.cells_per_dim=12", "seeds=2", "train.episodes=7"});
  REQUIRE(exp.runs.size() == 2);
  CHECK(exp.runs[0].train.agent_params.at("cells_per_dim") == "12");
  CHECK(exp.runs[0].train.episodes == 7);
  CHECK_THROWS_WITH(loadExperiment(file, {"agnet.x=1"}), Catch::Contains("did you mean 'agent'"));
  CHECK_THROWS_WITH(loadExperiment(file, {"train.episodes"}), Catch::Contains("path=value"));
}

TEST_CASE("bad experiment files: one clear message with file, line and key", "[lab][bad]") {
  const fs::path corpus = fs::path(SPIKEGYM_SOURCE_DIR) / "tests" / "bad_experiments";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const std::string path = entry.path().string();
    std::ifstream in(path);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    REQUIRE(first.rfind("# expect: ", 0) == 0);
    const std::string expect = first.substr(10);
    DYNAMIC_SECTION(entry.path().filename().string()) {
      try {
        loadExperiment(path, {});
        FAIL("no error for " << path);
      } catch (const UserError& e) {
        const std::string message = e.what();
        INFO(message);
        CHECK_THAT(message, Catch::Contains(expect));
        CHECK_THAT(message, Catch::StartsWith(path));
        if (second.rfind("# line: ", 0) == 0) {
          CHECK_THAT(message, Catch::StartsWith(path + ":" + second.substr(8) + ":"));
        }
        CHECK(message.find('\n') == std::string::npos);
      }
    }
    ++files;
  }
  CHECK(files >= 15);
}

TEST_CASE(
    "a sweep writes manifest, config, episodes, run.json and checkpoints; reruns skip "
    "complete runs",
    "[lab][runner]") {
  const auto dir = testing::scratchDir("runner");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {});
  SweepOptions options;
  options.out_dir = (dir / "results").string();
  options.jobs = 2;
  std::atomic<bool> stop{false};
  SweepResult r = runSweep(exp, options, stop);
  CHECK(r.complete == 4);
  CHECK(r.failed == 0);
  REQUIRE(r.summary.size() == 2);  // one line per cell, each seed's score listed
  CHECK_THAT(r.summary[0],
             Catch::StartsWith("  agent.learning_rule=rstdp: 2 seeds, score by seed"));
  CHECK_THAT(r.summary[1], Catch::Contains("median"));
  const fs::path root = dir / "results" / "tiny";
  const std::string manifest = testing::readFile(root / "manifest.csv");
  CHECK_THAT(manifest, Catch::StartsWith("run_id,status,seed,agent.learning_rule\n"));
  CHECK_THAT(manifest, Catch::Contains(exp.runs[3].run_id + ",complete,2,mstdp"));
  for (const auto& run : exp.runs) {
    const fs::path d = root / run.run_id;
    CHECK(fs::exists(d / "config.yaml"));
    CHECK(fs::exists(d / "agent.ckpt"));
    CHECK(recordedStatus(d.string()) == "complete");
    const std::string csv = testing::readFile(d / "episodes.csv");
    CHECK_THAT(csv, Catch::StartsWith("run_id,seed,episode,return,length,wall_s,truncated,"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
    CHECK_THAT(testing::readFile(d / "config.yaml"),
               Catch::Contains("learning_rule: " + run.swept[0].second));
  }
  // Rerun: nothing to do. Remove one run's record: exactly that one runs again.
  r = runSweep(exp, options, stop);
  CHECK(r.skipped == 4);
  CHECK(r.complete == 0);
  fs::remove(root / exp.runs[2].run_id / "run.json");
  r = runSweep(exp, options, stop);
  CHECK(r.skipped == 3);
  CHECK(r.complete == 1);
}

TEST_CASE("runs made with other env dynamics are never counted as complete", "[lab][runner]") {
  const auto dir = testing::scratchDir("dynamics");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {});
  // The env's dynamics version enters the run id (CartPole-v1 is at 2 since issue 8's fix).
  REQUIRE(envs::envSpec("CartPole-v1").dynamics_version == 2);
  SweepOptions options;
  options.out_dir = (dir / "results").string();
  options.jobs = 1;
  std::atomic<bool> stop{false};
  runSweep(exp, options, stop);
  const fs::path run_json = dir / "results" / "tiny" / exp.runs[0].run_id / "run.json";
  std::string json = testing::readFile(run_json);
  CHECK_THAT(json, Catch::Contains("\"env_dynamics_version\": 2,"));
  // A run.json from before the fix (no version recorded, i.e. version 1) is run again.
  const auto at = json.find("  \"env_dynamics_version\": 2,\n");
  REQUIRE(at != std::string::npos);
  json.erase(at, std::string("  \"env_dynamics_version\": 2,\n").size());
  std::ofstream(run_json) << json;
  const SweepResult r = runSweep(exp, options, stop);
  CHECK(r.skipped == 3);
  CHECK(r.complete == 1);
}

TEST_CASE("results are identical at -j 1 and -j 2 (wall clock aside)", "[lab][determinism]") {
  const auto dir = testing::scratchDir("jobs");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {"train.eval_every=2", "train.eval_episodes=1"});
  std::atomic<bool> stop{false};
  SweepOptions one, two;
  one.out_dir = (dir / "j1").string();
  one.jobs = 1;
  two.out_dir = (dir / "j2").string();
  two.jobs = 2;
  runSweep(exp, one, stop);
  runSweep(exp, two, stop);
  const auto a = allEpisodes(dir / "j1" / "tiny"), b = allEpisodes(dir / "j2" / "tiny");
  CHECK(a.size() == 4);
  CHECK(a == b);
  CHECK(testing::readFile(dir / "j1" / "tiny" / "manifest.csv") ==
        testing::readFile(dir / "j2" / "tiny" / "manifest.csv"));
  // Evaluation episodes are flagged: 4 training + 2 blocks of 1 evaluation episode.
  const std::string csv = a.begin()->second;
  CHECK_THAT(csv, Catch::Contains(",eval,"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);
}

TEST_CASE("a run that fails is recorded; the sweep goes on and reports it", "[lab][runner]") {
  const auto dir = testing::scratchDir("fail");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {});
  const fs::path root = dir / "results" / "tiny";
  fs::create_directories(root);
  std::ofstream(root / exp.runs[1].run_id) << "a file where the run's folder must go";
  SweepOptions options;
  options.out_dir = (dir / "results").string();
  std::atomic<bool> stop{false};
  const SweepResult r = runSweep(exp, options, stop);
  CHECK(r.failed == 1);
  CHECK(r.complete == 3);
  REQUIRE(r.failures.size() == 1);
  CHECK_THAT(r.failures[0], Catch::StartsWith(exp.runs[1].run_id));
  CHECK_THAT(testing::readFile(root / "manifest.csv"),
             Catch::Contains(exp.runs[1].run_id + ",failed"));
  // The command exits 1 and names the failure.
  const auto cmd = testing::runSpikegym("run " + file + " --out " + (dir / "results").string());
  CHECK(cmd.exit_code == 1);
  CHECK_THAT(cmd.err, Catch::Contains("failed: " + exp.runs[1].run_id));
}

TEST_CASE("spikegym run: bad input exits 2 with one line and writes nothing", "[lab][cli]") {
  const auto dir = testing::scratchDir("badcli");
  const fs::path corpus = fs::path(SPIKEGYM_SOURCE_DIR) / "tests" / "bad_experiments";
  const auto r = testing::runSpikegym("run " + (corpus / "unknown_agent_key.yaml").string() +
                                      " --out " + (dir / "results").string());
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains("did you mean 'learning_rule'"));
  CHECK_FALSE(fs::exists(dir / "results"));
  const auto missing = testing::runSpikegym("run " + (dir / "nope.yaml").string());
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("cannot open"));
}

TEST_CASE("spikegym run --dry-run lists the runs and writes nothing", "[lab][cli]") {
  const auto dir = testing::scratchDir("dry");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const auto r =
      testing::runSpikegym("run " + file + " --dry-run --out " + (dir / "results").string());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("4 runs of 'tiny'"));
  CHECK_THAT(r.out, Catch::Contains("run_id,status,seed,agent.learning_rule"));
  CHECK_THAT(r.out, Catch::Contains(",new,2,mstdp"));
  CHECK_FALSE(fs::exists(dir / "results"));
  // After a run: reuse; after damage: rerun.
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "results").string()).exit_code ==
          0);
  const Experiment exp = loadExperiment(file, {});
  std::ofstream(dir / "results" / "tiny" / exp.runs[0].run_id / "episodes.csv") << "hello world\n";
  const auto again =
      testing::runSpikegym("run " + file + " --dry-run --out " + (dir / "results").string());
  CHECK_THAT(again.out, Catch::Contains(exp.runs[0].run_id + ",rerun,1,rstdp"));
  CHECK_THAT(again.out, Catch::Contains(exp.runs[1].run_id + ",reuse,2,rstdp"));
}

TEST_CASE("results never lie: repeated runs and --set on a swept path are refused",
          "[lab][hostile]") {
  const auto dir = testing::scratchDir("never_lie");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  CHECK_THROWS_WITH(loadExperiment(file, {"agent.learning_rule=mstdp"}),
                    Catch::Contains("--set agent.learning_rule: this path is swept"));
  auto refused = [&](const std::string& name, const std::string& body, const std::string& needle) {
    const std::string f = write(dir, name, body);
    INFO(name);
    CHECK_THROWS_WITH(loadExperiment(f, {}), Catch::Contains(needle));
  };
  const std::string head = "name: t\nenv: {id: CartPole-v1}\nagent: {type: snn}\n";
  refused("seeds.yaml", head + "seeds: [1, 1]\n", "seed 1 appears twice");
  refused("grid.yaml", head + "sweep:\n  grid:\n    agent.learning_rule: [rstdp, rstdp]\n",
          "appear twice");
  refused("default.yaml", head + "sweep:\n  grid:\n    agent.output_size: [null, 16]\n",
          "resolve to the same configuration");
  refused("both.yaml",
          head + "sweep:\n  grid:\n    agent.gamma: [0.9, 0.99]\n  zip:\n    agent.gamma: [0.5]\n",
          "is swept twice");
  refused("ulp.yaml",
          head + "sweep:\n  grid:\n    agent.gamma: {range: [1e16, 10000000000000002, 0.5]}\n",
          "below the resolution");
  refused("huge.yaml",
          head +
              "seeds: 1000\nsweep:\n  grid:\n    agent.gamma: {linspace: [0, 1, 1000]}\n    "
              "agent.critic_lr: {linspace: [0, 1, 1000]}\n",
          "at most 100000");
  refused("name.yaml", "name: ../x\nenv: {id: CartPole-v1}\nagent: {type: snn}\n",
          "expected 1 to 100 letters");
}

TEST_CASE("resume reruns runs whose files are damaged, and says which", "[lab][hostile]") {
  const auto dir = testing::scratchDir("damage");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const std::string out = (dir / "results").string();
  REQUIRE(testing::runSpikegym("run " + file + " --out " + out).exit_code == 0);
  const Experiment exp = loadExperiment(file, {});
  const fs::path root = dir / "results" / "tiny";
  // Cut at a row boundary; config.yaml removed; run.json records the --set.
  std::string csv = testing::readFile(root / exp.runs[1].run_id / "episodes.csv");
  csv = csv.substr(0, csv.rfind('\n', csv.size() - 2) + 1);
  std::ofstream(root / exp.runs[1].run_id / "episodes.csv") << csv;
  fs::remove(root / exp.runs[2].run_id / "config.yaml");
  const auto r = testing::runSpikegym("run " + file + " --out " + out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("2 complete now, 2 complete before"));
  CHECK_THAT(r.err, Catch::Contains("run " + exp.runs[1].run_id +
                                    " is damaged (episodes.csv has 3 rows, run.json says 4)"));
  CHECK_THAT(r.err, Catch::Contains("run " + exp.runs[2].run_id + " is damaged (config.yaml"));
  CHECK(fs::exists(root / exp.runs[2].run_id / "config.yaml"));
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "quick").string() +
                               " --set train.episodes=2")
              .exit_code == 0);
  const Experiment quick = loadExperiment(file, {"train.episodes=2"});
  CHECK_THAT(testing::readFile(dir / "quick" / "tiny" / quick.runs[0].run_id / "run.json"),
             Catch::Contains("\"sets\": [\n    \"train.episodes=2\"\n  ]"));
}

namespace {

/// Starts `spikegym ARGS` in the background; returns its pid.
pid_t spawnSpikegym(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* f = std::fopen(log.c_str(), "w");
    dup2(fileno(f), STDOUT_FILENO);
    dup2(fileno(f), STDERR_FILENO);
    std::vector<char*> argv = {const_cast<char*>(SPIKEGYM_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SPIKEGYM_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

/// Waits until at least `n` runs under `root` are complete (or 60 s pass).
void waitForComplete(const fs::path& root, int n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    int complete = 0;
    if (fs::exists(root)) {
      for (const auto& d : fs::directory_iterator(root)) {
        complete += d.is_directory() && recordedStatus(d.path().string()) == "complete";
      }
    }
    if (complete >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

const char* kKillable = R"(name: killable
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 120}
seeds: 3
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdpet]
)";

}  // namespace

TEST_CASE("kill -9 part way, rerun: the results equal an uninterrupted sweep's", "[lab][resume]") {
  const auto dir = testing::scratchDir("kill");
  const std::string file = write(dir, "k.yaml", kKillable);
  const fs::path killed = dir / "killed", clean = dir / "clean";
  const pid_t pid = spawnSpikegym({"run", file, "-j", "1", "--out", killed.string()}, dir / "log1");
  waitForComplete(killed / "killable", 2);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  int complete = 0, total = 0;
  for (const auto& d : fs::directory_iterator(killed / "killable")) {
    if (!d.is_directory()) continue;
    ++total;
    const bool done = recordedStatus(d.path().string()) == "complete";
    complete += done;
    // A run that was cut off has no episodes.csv that could pass for a finished one.
    if (!done) CHECK_FALSE(fs::exists(d.path() / "episodes.csv"));
  }
  INFO("complete when killed: " << complete << " of " << total << " started");
  CHECK(complete >= 2);
  const auto rerun = testing::runSpikegym("run " + file + " -j 2 --out " + killed.string());
  CHECK(rerun.exit_code == 0);
  CHECK_THAT(rerun.out, Catch::Contains(std::to_string(complete) + " complete before"));
  REQUIRE(testing::runSpikegym("run " + file + " -j 2 --out " + clean.string()).exit_code == 0);
  const auto a = allEpisodes(killed / "killable"), b = allEpisodes(clean / "killable");
  CHECK(a.size() == 6);
  CHECK(a == b);
}

TEST_CASE("Ctrl-C marks runs in flight interrupted; the rerun finishes them", "[lab][resume]") {
  const auto dir = testing::scratchDir("sigint");
  const std::string file = write(dir, "k.yaml", kKillable);
  const fs::path out = dir / "out";
  const pid_t pid = spawnSpikegym({"run", file, "-j", "1", "--out", out.string()}, dir / "log");
  waitForComplete(out / "killable", 1);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  std::set<std::string> statuses;
  for (const auto& d : fs::directory_iterator(out / "killable")) {
    if (d.is_directory()) statuses.insert(recordedStatus(d.path().string()));
  }
  CHECK(statuses.count("running") == 0);  // nothing left looking like it is still going
  const auto rerun = testing::runSpikegym("run " + file + " --out " + out.string());
  CHECK(rerun.exit_code == 0);
  CHECK_THAT(testing::readFile(out / "killable" / "manifest.csv"), !Catch::Contains("interrupted"));
}

TEST_CASE("a complete run whose episodes.csv was damaged is run again", "[lab][runner]") {
  const auto dir = testing::scratchDir("damaged");
  const std::string file = write(dir, "tiny.yaml", kTiny);
  const Experiment exp = loadExperiment(file, {});
  SweepOptions options;
  options.out_dir = (dir / "results").string();
  std::atomic<bool> stop{false};
  runSweep(exp, options, stop);
  const fs::path csv = dir / "results" / "tiny" / exp.runs[0].run_id / "episodes.csv";
  std::ofstream(csv) << "run_id,seed,episode,return\nx,1,0,not-a-number\n";
  const SweepResult r = runSweep(exp, options, stop);
  CHECK(r.skipped == 3);
  CHECK(r.complete == 1);
  CHECK_THAT(testing::readFile(csv), Catch::StartsWith("run_id,seed,episode,return,length"));
}

TEST_CASE("the experiment file example in README.md loads", "[lab][docs]") {
  const std::string readme = testing::readFile(fs::path(SPIKEGYM_SOURCE_DIR) / "README.md");
  const auto start = readme.find("```yaml\nname: my_sweep");
  REQUIRE(start != std::string::npos);
  const auto body = start + 8;
  const std::string yaml = readme.substr(body, readme.find("```", body) - body);
  const auto dir = testing::scratchDir("readme");
  const Experiment exp = loadExperiment(write(dir, "example.yaml", yaml), {});
  CHECK(exp.runs.size() == 120);  // the README says 2 x 3 x 2 cells x 10 seeds
}

TEST_CASE("two processes writing disjoint runs into one folder lose nothing", "[lab][results]") {
  // The same experiment split by seed between two files (as shards would split it), started at
  // once into one results folder. The manifest is rebuilt from the run folders, so whichever
  // process writes it last lists both processes' runs.
  const auto dir = testing::scratchDir("concurrent");
  const std::string body = R"(env: {id: CartPole-v1}
agent: {type: snn, output_size: 8}
train: {episodes: 15}
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdp]
)";
  const std::string a = write(dir, "a.yaml", "name: shared\nseeds: [1, 2, 3]\n" + body);
  const std::string b = write(dir, "b.yaml", "name: shared\nseeds: [4, 5, 6]\n" + body);
  const fs::path out = dir / "out";
  const pid_t pa = spawnSpikegym({"run", a, "-j", "1", "--out", out.string()}, dir / "log_a");
  const pid_t pb = spawnSpikegym({"run", b, "-j", "1", "--out", out.string()}, dir / "log_b");
  int sa = 0, sb = 0;
  waitpid(pa, &sa, 0);
  waitpid(pb, &sb, 0);
  CHECK(WEXITSTATUS(sa) == 0);
  CHECK(WEXITSTATUS(sb) == 0);
  const std::string manifest = testing::readFile(out / "shared" / "manifest.csv");
  INFO(manifest);
  CHECK(std::count(manifest.begin(), manifest.end(), '\n') == 1 + 12);
  const Experiment ea = loadExperiment(a, {}), eb = loadExperiment(b, {});
  for (const Experiment* e : {&ea, &eb}) {
    for (const RunSpec& run : e->runs) {
      CHECK_THAT(manifest, Catch::Contains(run.run_id + ",complete," + std::to_string(run.seed) +
                                           "," + run.swept[0].second + "\n"));
    }
  }
  // Rerunning either file finds its own runs complete and keeps listing the other's.
  const auto rerun = testing::runSpikegym("run " + a + " --out " + out.string());
  CHECK(rerun.exit_code == 0);
  const std::string after = testing::readFile(out / "shared" / "manifest.csv");
  CHECK(std::count(after.begin(), after.end(), '\n') == 1 + 12);
  CHECK(std::count(after.begin(), after.end(), 'c') ==
        std::count(manifest.begin(), manifest.end(), 'c'));
}

TEST_CASE("experiments/foraging_rules.yaml runs every agent on Foraging-v0", "[lab][foraging]") {
  const auto dir = testing::scratchDir("foraging_rules");
  const Experiment exp =
      loadExperiment(std::string(SPIKEGYM_SOURCE_DIR) + "/experiments/foraging_rules.yaml",
                     {"train.episodes=2", "seeds=1"});
  REQUIRE(exp.runs.size() == 6);
  SweepOptions options;
  options.out_dir = dir.string();
  options.jobs = 2;
  std::atomic<bool> stop{false};
  const SweepResult r = runSweep(exp, options, stop);
  CHECK(r.complete == 6);
  CHECK(r.failed == 0);
  // The env's counts are columns of episodes.csv.
  const std::string csv =
      testing::readFile(dir / "foraging_rules" / exp.runs[0].run_id / "episodes.csv");
  CHECK_THAT(csv, Catch::Contains(",food_eaten,poison_eaten,wall_hits,"));
}

// ---- lab/stats and compare ----

TEST_CASE("statistics over runs against hand-computed values", "[lab][stats]") {
  // IQM: scipy.stats.trim_mean(x, 0.25) drops floor(n/4) values from each end.
  const std::vector<double> eight = {8, 1, 7, 2, 6, 3, 5, 4};  // middle four: 3 4 5 6
  CHECK(iqm(eight) == 4.5);
  const std::vector<double> ten = {10, 1, 2, 100, 3, 4, 5, 6, 7, 8};  // drop 1 2 and 10 100
  CHECK(iqm(ten) == Approx(33.0 / 6.0));
  CHECK(iqm(std::vector<double>{3.0}) == 3.0);
  // P(X > Y) with ties counted half: X = {1, 2, 3}, Y = {2, 2, 4}:
  // 1 beats nothing; 2 ties twice (0.5 + 0.5); 3 beats both 2s; U = 3 of 9 pairs.
  CHECK(probabilityOfImprovement(std::vector<double>{1, 2, 3}, std::vector<double>{2, 2, 4}) ==
        Approx(1.0 / 3.0));
  CHECK(probabilityOfImprovement(std::vector<double>{5, 6}, std::vector<double>{1, 2}) == 1.0);
  // Welch's t-test, the textbook example of Wikipedia's "Welch's t-test" (example 1): t = -2.46,
  // df = 25.0, p = 0.021. Worked out from the published equations in plain Python (t, df) and by
  // Simpson integration of Student's density (p): t = -2.45535639828601, df = 24.98852929023142,
  // p = 0.02137800146286674.
  const std::vector<double> a1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                                  21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> a2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                                  24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  const WelchT w = welchT(a1, a2);
  CHECK(w.t == Approx(-2.45535639828601).epsilon(1e-12));
  CHECK(w.df == Approx(24.98852929023142).epsilon(1e-12));
  CHECK(welchPValue(a1, a2) == Approx(0.02137800146286674).epsilon(1e-7));
  // Student's t: P(|T| > 2.228) = 0.05 at 10 degrees of freedom (printed tables).
  CHECK(studentTwoSidedP(2.228138851986, 10) == Approx(0.05).epsilon(1e-6));
  CHECK(studentQuantile(0.975, 10) == Approx(2.228138851986).epsilon(1e-6));
  CHECK(std::isnan(welchPValue(std::vector<double>{1.0}, a2)));
}

TEST_CASE("bootstrap intervals are reproducible and cover at about the nominal rate",
          "[lab][stats]") {
  const std::vector<double> x = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
  const Interval a = bootstrapIqm(x, {}, 2000, 7), b = bootstrapIqm(x, {}, 2000, 7);
  CHECK(a.low == b.low);
  CHECK(a.high == b.high);
  CHECK(a.low <= iqm(x));
  CHECK(a.high >= iqm(x));
  CHECK(bootstrapIqm(x, {}, 2000, 8).low != a.low);  // another seed, another draw
  // Coverage: samples of 20 from a normal distribution with IQM 0 (its median); the 95%
  // interval should hold the true value in about 95% of 400 repetitions (percentile intervals
  // run a little narrow for small samples; binomial sd at 400 is 1.1 points).
  Rng rng(123);
  int covered = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> sample(20);
    for (double& v : sample) v = rng.normal();
    const Interval ci = bootstrapIqm(sample, {}, 1000, 1000 + t);
    covered += ci.low <= 0.0 && 0.0 <= ci.high;
  }
  INFO("coverage " << covered << " of " << trials);
  CHECK(covered >= 0.89 * trials);
  CHECK(covered <= 0.99 * trials);
  // Stratified: with two strata the interval is still reproducible and brackets the IQM.
  const std::vector<int> strata = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const Interval s = bootstrapIqm(x, strata, 2000, 7);
  CHECK(s.low <= iqm(x));
  CHECK(s.high >= iqm(x));
  const Interval p =
      bootstrapImprovement(std::vector<double>{5, 6, 7}, std::vector<double>{1, 2, 3}, 1000, 3);
  CHECK(p.low == 1.0);
  CHECK(p.high == 1.0);
}

TEST_CASE("interval estimates: median, IQM, mean and optimality gap with bootstrap CIs",
          "[lab][stats]") {
  // Point estimates by hand: sorted 1 1 2 3 3 4 5 5 5 6 8 9; median (4 + 5) / 2 = 4.5; IQM
  // drops 3 from each end: (3 3 4 5 5 5) / 6 = 25 / 6; mean 52 / 12; gap below 5 (rliable's
  // gamma - min(score, gamma)): (4 4 3 2 2 1 0 ...) / 12 = 16 / 12.
  const std::vector<double> x = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
  const Aggregates a = bootstrapAggregates(x, {}, 5.0, 2000, 7);
  CHECK(a.median.value == 4.5);
  CHECK(a.iqm.value == Approx(25.0 / 6.0));
  CHECK(a.mean.value == Approx(52.0 / 12.0));
  REQUIRE(a.optimality_gap);
  CHECK(a.optimality_gap->value == Approx(16.0 / 12.0));
  CHECK_FALSE(bootstrapAggregates(x, {}, std::nullopt, 100, 7).optimality_gap);
  // Every interval brackets its estimate, lies within what a resample can give, and repeats.
  for (const Estimate* e : {&a.median, &a.iqm, &a.mean, &*a.optimality_gap}) {
    CHECK(e->ci.low <= e->value);
    CHECK(e->ci.high >= e->value);
  }
  CHECK(a.median.ci.low >= 1.0);
  CHECK(a.median.ci.high <= 9.0);
  CHECK(a.optimality_gap->ci.low >= 0.0);
  CHECK(bootstrapAggregates(x, {}, 5.0, 2000, 7).mean.ci.low == a.mean.ci.low);
  // The IQM's interval is the one bootstrapIqm gives from its own stream: close, not equal.
  const Interval iqm_ci = bootstrapIqm(x, {}, 2000, 7);
  CHECK(a.iqm.ci.low == Approx(iqm_ci.low).margin(0.5));
  CHECK(a.iqm.ci.high == Approx(iqm_ci.high).margin(0.5));
  // Equal scores: every interval is that score.
  const Aggregates flat = bootstrapAggregates(std::vector<double>(5, 2.0), {}, 1.0, 200, 3);
  CHECK(flat.median.ci.low == 2.0);
  CHECK(flat.mean.ci.high == 2.0);
  CHECK(flat.optimality_gap->ci.high == 0.0);
  // Curve bands: a bootstrap interval of a mean never leaves the values' range (a t interval on
  // three runs of CartPole ran from -450 to 1040 for returns in [0, 500]).
  const std::vector<double> three = {10, 480, 500};
  const Interval m = bootstrapMean(three, 2000, 5);
  CHECK(m.low >= 10.0);
  CHECK(m.high <= 500.0);
  CHECK(m.low < m.high);
}

TEST_CASE("compare: from a tiny sweep to summary.csv, pairs.csv and figures", "[lab][compare]") {
  const auto dir = testing::scratchDir("compare");
  const std::string file = write(dir, "c.yaml", R"(name: c
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 6}
seeds: 5
sweep:
  zip:
    agent.type: [snn, random]
    agent.learning_rule: [rstdp, null]
    agent.output_size: [8, null]
)");
  const auto run = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
  REQUIRE(run.exit_code == 0);
  const std::string results = (dir / "r" / "c").string();
  const auto cmd = testing::runSpikegym("compare " + results + " --reps 500 --plots svg,png");
  INFO(cmd.err);
  REQUIRE(cmd.exit_code == 0);
  CHECK_THAT(cmd.out,
             Catch::Contains("groups by agent.type agent.learning_rule agent.output_size"));
  // Group names leave out nulls ("random", not "random null null"); summary.csv keeps them.
  CHECK_THAT(cmd.out, Catch::Contains("snn rstdp 8") && Catch::Contains("random "));
  CHECK(cmd.out.find("random null") == std::string::npos);
  const fs::path out = fs::path(results) / "compare";
  const std::string summary = testing::readFile(out / "summary.csv");
  CHECK_THAT(summary, Catch::StartsWith("group,agent.type,agent.learning_rule,agent.output_size,"
                                        "n_runs,n_censored,"
                                        "mean,std,median,iqm,iqm_ci_low,iqm_ci_high,"
                                        "frac_solved,colour\n"));
  CHECK(std::count(summary.begin(), summary.end(), '\n') == 3);
  // Each group's colour in the figures, for a user's own plots: two groups, two colours.
  CHECK_THAT(summary, Catch::Contains(",#0072b2\n") && Catch::Contains(",#d55e00\n"));
  CHECK_THAT(testing::readFile(out / "pairs.csv"),
             Catch::StartsWith("group_a,group_b,prob_improvement,ci_low,ci_high,welch_p\n"));
  const std::string curves = testing::readFile(out / "curves.csv");
  CHECK(std::count(curves.begin(), curves.end(), '\n') == 1 + 2 * 6);
  for (const char* f : {"curves", "scores", "profile", "improvement", "intervals"}) {
    for (const char* ext : {"svg", "png"}) {
      const fs::path p = out / (std::string(f) + "." + ext);
      INFO(p);
      CHECK(fs::exists(p));
      CHECK(fs::file_size(p) > 1000);
    }
    // SVG text is text, editable in Inkscape or a journal's tools (not glyph outlines), and the
    // title names the env and the runs per group.
    const std::string svg = testing::readFile(out / (std::string(f) + ".svg"));
    INFO(f);
    CHECK_THAT(svg, Catch::Contains("<text"));
    // (PLplot's svg driver writes each character as an XML reference: "CartP".)
    CHECK_THAT(svg, Catch::Contains("<tspan") && Catch::Contains("&#x43;&#x61;&#x72;&#x74;&#x50;"));
  }
  // The same inputs give the same intervals.
  const std::string again =
      (testing::runSpikegym("compare " + results + " --reps 500 --plots none"),
       testing::readFile(out / "summary.csv"));
  CHECK(again == summary);
  // Other scores and metrics.
  CHECK(testing::runSpikegym("compare " + results + " --score auc --plots none").exit_code == 0);
  const auto thr = testing::runSpikegym("compare " + results +
                                        " --score threshold:1000 --plots none --by agent.type");
  CHECK(thr.exit_code == 0);
  CHECK_THAT(thr.out, Catch::Contains("censored"));
  CHECK(testing::runSpikegym("compare " + results + " --metric length --plots none").exit_code ==
        0);
}

TEST_CASE("compare: bad input is one line naming the file, exit 2", "[lab][compare]") {
  const auto dir = testing::scratchDir("compare_bad");
  auto expectError = [](const std::string& args, const std::string& needle) {
    const auto r = testing::runSpikegym("compare " + args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains(needle));
  };
  expectError((dir / "nowhere").string(), "no such results folder");
  fs::create_directories(dir / "empty");
  expectError((dir / "empty").string(), "no complete runs");
  const std::string file = write(dir, "c.yaml", R"(name: c
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 3}
seeds: 2
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const fs::path results = dir / "r" / "c";
  expectError(results.string() + " --metric retrun --plots none", "did you mean 'return'");
  expectError(results.string() + " --by agent.typ --plots none", "did you mean 'agent.type'");
  expectError(results.string() + " --score best --plots none", "expected last:K");
  expectError(results.string() + " --score eval --plots none", "no evaluation episodes");
  // A damaged episodes.csv: a non-numeric value in the return column of a row.
  std::string id;
  for (const auto& d : fs::directory_iterator(results)) {
    if (d.is_directory()) id = d.path().filename().string();
  }
  const fs::path csv = results / id / "episodes.csv";
  std::string text = testing::readFile(csv);
  const auto second_row = text.find('\n', text.find('\n') + 1) + 1;
  std::size_t at = second_row;
  for (int comma = 0; comma < 3; ++comma) at = text.find(',', at) + 1;  // run_id,seed,episode,
  text.replace(at, 1, "x");
  std::ofstream(csv) << text;
  // One damaged run in a shared folder stops nobody: it is left out, said in one line.
  const auto left = testing::runSpikegym("compare " + results.string() + " --plots none");
  CHECK(left.exit_code == 0);
  CHECK_THAT(left.err, Catch::Contains("left out 1 runs that are not complete: 1 damaged"));
  CHECK_THAT(left.out, Catch::Contains("(all runs)"));
  // status names the damaged run and why, in one line.
  const auto st = testing::runSpikegym("status " + results.string());
  CHECK(st.exit_code == 0);
  CHECK_THAT(st.out, Catch::Contains("damaged " + id + ": episodes.csv does not read back: "));
  CHECK_THAT(st.out, Catch::Contains("column 'return'"));
}

TEST_CASE("three --shard processes at once into one folder equal one process", "[lab][shard]") {
  const auto dir = testing::scratchDir("shards");
  const std::string file = write(dir, "s.yaml", R"(name: sharded
env: {id: CartPole-v1}
agent: {type: snn, output_size: 8}
train: {episodes: 6}
seeds: 4
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdp]
)");
  // Stable assignment: a run's shard is its id modulo N, whatever else the sweep holds.
  const Experiment exp = loadExperiment(file, {});
  const Experiment more = loadExperiment(file, {"seeds=6"});
  for (const RunSpec& r : exp.runs) {
    for (const RunSpec& m : more.runs) {
      if (m.run_id == r.run_id) CHECK(shardOf(m.run_id, 3) == shardOf(r.run_id, 3));
    }
  }
  const fs::path together = dir / "together", alone = dir / "alone";
  std::vector<pid_t> pids;
  for (int k = 0; k < 3; ++k) {
    pids.push_back(spawnSpikegym(
        {"run", file, "-j", "1", "--out", together.string(), "--shard", std::to_string(k) + "/3"},
        dir / ("log" + std::to_string(k))));
  }
  for (pid_t p : pids) {
    int status = 0;
    waitpid(p, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
  }
  REQUIRE(testing::runSpikegym("run " + file + " -j 1 --out " + alone.string()).exit_code == 0);
  const auto a = allEpisodes(together / "sharded"), b = allEpisodes(alone / "sharded");
  CHECK(a.size() == 8);
  CHECK(a == b);
  CHECK(testing::readFile(together / "sharded" / "manifest.csv") ==
        testing::readFile(alone / "sharded" / "manifest.csv"));
  // SLURM's variables pick the shard when no --shard is given; bad shards are one-line errors.
  const auto env_run = testing::runShell("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 " +
                                         std::string(SPIKEGYM_BIN) + " run " + file + " --out " +
                                         (dir / "env").string());
  CHECK(env_run.exit_code == 0);
  CHECK_THAT(env_run.err, Catch::Contains("shard 1 of 3"));
  const auto bad = testing::runSpikegym("run " + file + " --shard 3/3");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("expected K/N with 0 <= K < N"));
  // status counts per shard.
  const auto st = testing::runSpikegym("status " + (together / "sharded").string() + " --shards 3");
  CHECK(st.exit_code == 0);
  // The "all" row: 8 complete, nothing else, 8 in total.
  const std::string all = st.out.substr(st.out.find("\nall") + 1);
  std::istringstream fields(all.substr(0, all.find('\n')));
  std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
  CHECK(f == std::vector<std::string>{"all", "8", "0", "0", "0", "0", "0", "0", "8"});
}

TEST_CASE("hostile corpus: every file is refused with one clear line and exit 2",
          "[lab][hostile]") {
  // tests/hostile/: one hostile input per file. Line 1 "# expect: <text>" is what the error
  // must say; "# args: ..." lines add command-line arguments. Each must answer quickly.
  const fs::path corpus = fs::path(SPIKEGYM_SOURCE_DIR) / "tests" / "hostile";
  const auto scratch = testing::scratchDir("hostile");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    std::ifstream in(entry.path());
    std::string line, expect, args;
    while (std::getline(in, line)) {
      if (line.rfind("# expect: ", 0) == 0) expect = line.substr(10);
      if (line.rfind("# args: ", 0) == 0)
        args += " '" + line.substr(8, line.find(' ', 8) - 8) + "' '" +
                line.substr(line.find(' ', 8) + 1) + "'";
    }
    REQUIRE_FALSE(expect.empty());
    DYNAMIC_SECTION(entry.path().filename().string()) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto r =
          testing::runShell(std::string(SPIKEGYM_BIN) + " run '" + entry.path().string() +
                            "' -j 1 --out '" + scratch.string() + "'" + args);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK_THAT(r.err, Catch::StartsWith("spikegym: error: "));
      CHECK_THAT(r.err, Catch::Contains(expect));
      CHECK(seconds < 2.0);
    }
    ++files;
  }
  CHECK(files >= 60);
  CHECK(fs::is_empty(scratch));  // nothing written for any of them
}

TEST_CASE("a numerical fault ends the episode and fails the run with its reason",
          "[lab][hostile]") {
  // critic_lr 10 makes the TD critic diverge within a few episodes: the run must not go on
  // training on NaN. The episodes up to the fault stay in episodes.csv; run.json says why.
  const auto dir = testing::scratchDir("nan");
  const std::string file = write(dir, "nan.yaml", R"(name: nan
env: {id: CartPole-v1}
agent: {type: snn, critic_lr: 10}
train: {episodes: 60}
)");
  const auto r = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
  CHECK(r.exit_code == 1);
  const Experiment exp = loadExperiment(file, {});
  const fs::path run = dir / "r" / "nan" / exp.runs[0].run_id;
  const std::string json = testing::readFile(run / "run.json");
  CHECK_THAT(json, Catch::Contains("\"status\": \"failed\""));
  CHECK_THAT(json, Catch::Contains("numerical fault in the agent: non-finite critic value"));
  const std::string csv = testing::readFile(run / "episodes.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') > 2);
  CHECK_THAT(csv, !Catch::Contains("nan"));  // nothing after the fault was trained or logged
}

TEST_CASE("fuzz findings stay fixed", "[lab][hostile][fuzz]") {
  // tests/fuzz_regressions/: inputs the libFuzzer targets found (fuzz/run.sh).
  const fs::path dir = fs::path(SPIKEGYM_SOURCE_DIR) / "tests" / "fuzz_regressions";
  const auto scratch = testing::scratchDir("fuzz_regressions");
  // yaml-cpp 0.7 looped for minutes on this non-UTF-8 file: refused before parsing now.
  const auto t0 = std::chrono::steady_clock::now();
  const auto yaml = testing::runSpikegym("run " + (dir / "experiment-timeout-1.yaml").string() +
                                         " --dry-run --out " + scratch.string());
  CHECK(yaml.exit_code == 2);
  CHECK_THAT(yaml.err, Catch::Contains("not plain UTF-8 text"));
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 2.0);
  // ... and forever on a ',' where a document's next token should start.
  const auto comma = testing::runSpikegym("run " + (dir / "experiment-timeout-2.yaml").string() +
                                          " --dry-run --out " + scratch.string());
  CHECK(comma.exit_code == 2);
  CHECK_THAT(comma.err, Catch::Contains(":2: a line starts with ','"));
  // ... and on a ',' hidden behind a directive line and a lone \r.
  const auto directive =
      testing::runSpikegym("run " + (dir / "experiment-timeout-3.yaml").string() +
                           " --dry-run --out " + scratch.string());
  CHECK(directive.exit_code == 2);
  CHECK_THAT(directive.err, Catch::Contains("a YAML directive"));
  // A checkpoint section that claimed 1.4e9 values made the reader allocate 11 GB.
  const auto ckpt = testing::runSpikegym("train --agent reinforce --episodes 1 --load " +
                                         (dir / "checkpoint-oom-1.ckpt").string());
  CHECK(ckpt.exit_code == 2);
  CHECK_THAT(ckpt.err, Catch::Contains("more than the file holds"));
}

TEST_CASE("the default network written out as YAML is the flat agent: one run id, same results",
          "[lab][network]") {
  // `show network` on a flat experiment, pasted as the agent block of another: one run id and
  // episodes.csv equal byte for byte (the wall clock aside). The flat form is written out as its
  // network before hashing, so both are one configuration.
  const auto dir = testing::scratchDir("network_cmp");
  const std::string head = "name: cmp\nenv: {id: CartPole-v1}\ntrain: {episodes: 12}\nseeds: [3]\n";
  const std::string flat =
      write(dir, "flat.yaml", head + "agent: {type: snn, hidden: 10, decoder: softmax}\n");
  const auto shown = testing::runSpikegym("show network '" + flat + "'");
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("    populations:\n      hidden:"));
  CHECK_THAT(shown.out, Catch::Contains("        size: 48\n"));  // derived: 4 dims x 12
  const std::string net = write(dir, "net.yaml", head + shown.out);
  const Experiment flat_exp = loadExperiment(flat, {}), net_exp = loadExperiment(net, {});
  CHECK(flat_exp.runs[0].run_id == net_exp.runs[0].run_id);
  CHECK(configYaml(flat_exp.runs[0]) == configYaml(net_exp.runs[0]));
  for (const auto& [file, out] : {std::pair{flat, "a"}, std::pair{net, "b"}}) {
    const auto r =
        testing::runSpikegym("run '" + file + "' -j 1 --out '" + (dir / out).string() + "'");
    REQUIRE(r.exit_code == 0);
  }
  const auto a = allEpisodes(dir / "a" / "cmp");
  REQUIRE(a.size() == 1);
  CHECK(std::count(a.begin()->second.begin(), a.begin()->second.end(), '\n') == 13);
  CHECK(a == allEpisodes(dir / "b" / "cmp"));
  // The flat keys stay settings: a sweep over one names its cells by what the sweep gave, and
  // null removes one from an included file.
  const std::string swept = write(dir, "swept.yaml", head + R"(agent: {type: snn, hidden: null}
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdp]
)");
  const Experiment sw = loadExperiment(swept, {});
  REQUIRE(sw.runs.size() == 2);
  CHECK(sw.runs[1].swept ==
        std::vector<std::pair<std::string, std::string>>{{"agent.learning_rule", "mstdp"}});
  CHECK(sw.runs[0].run_id != sw.runs[1].run_id);
  // Only the snn agent has a network.
  const std::string other = write(dir, "other.yaml", head + "agent: {type: reinforce}\n");
  const auto r = testing::runSpikegym("show network '" + other + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("only the snn agent has a network"));
}

TEST_CASE("network values sweep by name, structural ablations included", "[lab][network]") {
  const auto dir = testing::scratchDir("network_sweep");
  const std::string file = write(dir, "net.yaml", R"(name: netsweep
env: {id: CartPole-v1}
agent:
  type: snn
  network:
    populations:
      obs: {encoder: {model: gaussian_rf, cells_per_dim: 6}}
      out: {groups: {size: 4}}
    projections:
      obs_out: {source: obs, target: out, weight: 2, plasticity: {rule: rstdp, modulator: da}}
      inh: {source: out, target: out, receptor_type: inhibitory, weight: 1,
            connectivity: {rule: between_groups}}
    modulators: {da: {signal: reward}}
    readout: {population: out}
train: {episodes: 2}
seeds: 1
sweep:
  grid:
    agent.network.populations.obs.encoder.cells_per_dim: [6, 8]
    agent.network.projections.inh.enabled: [true, false]
)");
  const Experiment exp = loadExperiment(file, {});
  REQUIRE(exp.runs.size() == 4);
  // Sizes are derived per cell; the disabled projection stays in the config, marked.
  CHECK(exp.runs[0].config.at("agent.network.populations.obs.size").text == "24");
  CHECK(exp.runs[2].config.at("agent.network.populations.obs.size").text == "32");
  CHECK(exp.runs[1].config.at("agent.network.projections.inh.enabled").text == "false");
  CHECK(exp.runs[0].config.at("agent.network.projections.obs_out.plasticity.tau_c_ms").text ==
        "200");
  // The flat architecture keys are gone from the resolved config: the network holds them.
  CHECK(exp.runs[0].config.count("agent.hidden") == 0);
  CHECK(exp.runs[0].config.count("agent.dt_ms") == 1);
  std::set<std::string> ids;
  for (const auto& r : exp.runs) ids.insert(r.run_id);
  CHECK(ids.size() == 4);
  std::atomic<bool> stop{false};
  SweepOptions o;
  o.out_dir = (dir / "out").string();
  o.jobs = 1;
  runSweep(exp, o, stop);
  CHECK(allEpisodes(dir / "out" / "netsweep").size() == 4);
  // A resolved config.yaml loads back to the same run id.
  const RunSpec back =
      loadRunConfig((dir / "out" / "netsweep" / exp.runs[3].run_id / "config.yaml").string());
  CHECK(back.run_id == exp.runs[3].run_id);
}

TEST_CASE("the network example in README.md and experiments/cartpole_network.yaml load",
          "[lab][docs][network]") {
  const Experiment exp =
      loadExperiment(readmeAgentBlock("agent:\n  type: snn\n  network:", "readme_net"), {});
  CHECK(exp.runs.size() == 2);  // the ablation: two cells, one seed
  CHECK(exp.runs[0].config.at("agent.network.populations.obs.size").text == "48");
  const Experiment shipped = loadExperiment(
      (fs::path(SPIKEGYM_SOURCE_DIR) / "experiments" / "cartpole_network.yaml").string(), {});
  CHECK(shipped.runs.size() == 20);
}

TEST_CASE("the feedback_rstdp preset in README.md and experiments/cartpole_solve*.yaml load",
          "[lab][docs][feedback]") {
  const Experiment exp = loadExperiment(
      readmeAgentBlock("agent:\n  type: snn\n  learning_rule: feedback_rstdp", "readme_preset"),
      {});
  REQUIRE(exp.runs.size() == 1);
  CHECK(plastic(exp.runs[0], "performance_target") == "500");
  CHECK(plastic(exp.runs[0], "eta") == "0.002");
  const fs::path experiments = fs::path(SPIKEGYM_SOURCE_DIR) / "experiments";
  CHECK(loadExperiment((experiments / "cartpole_solve.yaml").string(), {}).runs.size() == 30);
  CHECK(loadExperiment((experiments / "cartpole_solve_ablation.yaml").string(), {}).runs.size() ==
        50);
}

// ---- Trust the results: every run counted once, damaged and stale runs left out and rerun,
// ---- one damaged file never stops run, status or compare for everybody.

namespace {

/// The numbers of the "all" row of `spikegym status DIR`, by column name.
std::map<std::string, int> statusCounts(const fs::path& dir) {
  const auto r = testing::runSpikegym("status '" + dir.string() + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string header, line;
  std::getline(lines, header);
  std::istringstream hs(header);
  std::vector<std::string> names{std::istream_iterator<std::string>(hs), {}};
  std::map<std::string, int> out;
  while (std::getline(lines, line)) {
    if (line.rfind("all", 0) != 0) continue;
    std::istringstream fs_(line);
    std::vector<std::string> f{std::istream_iterator<std::string>(fs_), {}};
    for (std::size_t i = 1; i < f.size() && i < names.size(); ++i) out[names[i]] = std::stoi(f[i]);
  }
  return out;
}

/// A finished sweep of the random agent on CartPole-v1 (`seeds` runs of `episodes` episodes) in
/// a scratch folder: the experiment file, its results folder and each run's folder.
struct FinishedSweep {
  fs::path dir, root;
  std::string file;
  Experiment exp;
  FinishedSweep(const std::string& name, int episodes, int seeds) {
    dir = testing::scratchDir(name);
    file = write(dir, "t.yaml",
                 "name: t\nenv: {id: CartPole-v1}\nagent: {type: random}\ntrain: {episodes: " +
                     std::to_string(episodes) + "}\nseeds: " + std::to_string(seeds) + "\n");
    REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
    root = dir / "r" / "t";
    exp = loadExperiment(file, {});
  }
  fs::path runDir(int i) const { return root / exp.runs[static_cast<std::size_t>(i)].run_id; }
};

/// Replaces the `column`-th field (0-based) of data row `row` (1-based) of a CSV file.
void setCell(const fs::path& csv, int row, int column, const std::string& value) {
  std::string text = testing::readFile(csv);
  std::size_t at = 0;
  for (int r = 0; r < row; ++r) at = text.find('\n', at) + 1;
  for (int c = 0; c < column; ++c) at = text.find(',', at) + 1;
  const std::size_t end = text.find_first_of(",\n", at);
  text.replace(at, end - at, value);
  std::ofstream(csv, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("results: each run counted once; damaged, cut-short and stale runs left out",
          "[lab][hostile][results]") {
  const FinishedSweep sweep("trust", 5, 8);
  const fs::path &dir = sweep.dir, &root = sweep.root;
  const std::string& file = sweep.file;
  auto runDir = [&](int i) { return sweep.runDir(i); };

  // The same folder twice (and through ./ and a trailing slash) counts each run once.
  const auto twice = testing::runSpikegym("compare '" + root.string() + "' '" +
                                          (dir / "r" / "." / "t").string() + "/' --plots none");
  CHECK(twice.exit_code == 0);
  CHECK_THAT(twice.out, Catch::Contains("(all runs)") && Catch::Contains("  8  "));
  CHECK_THAT(twice.err, Catch::Contains("counted 8 runs named twice"));

  // One run per class of damage.
  // 0: cut short, consistently (run.json agrees with the shorter episodes.csv).
  {
    std::string csv = testing::readFile(runDir(0) / "episodes.csv");
    csv = csv.substr(0, csv.rfind('\n', csv.size() - 2) + 1);
    std::ofstream(runDir(0) / "episodes.csv", std::ios::trunc) << csv;
    std::string json = testing::readFile(runDir(0) / "run.json");
    const auto at = json.find("\"episodes\": 5");
    REQUIRE(at != std::string::npos);
    json.replace(at, 13, "\"episodes\": 4");
    std::ofstream(runDir(0) / "run.json", std::ios::trunc) << json;
  }
  setCell(runDir(1) / "episodes.csv", 2, 3, "");       // 1: an empty return
  setCell(runDir(2) / "episodes.csv", 3, 3, "1e400");  // 2: a return that is not finite
  {                                                    // 3: run.json nested 200,000 deep
    std::ofstream(runDir(3) / "run.json", std::ios::trunc)
        << "{\"status\": \"complete\", \"x\": " << std::string(200000, '[')
        << std::string(200000, ']') << "}";
  }
  fs::remove(runDir(4) / "agent.ckpt");  // 4: its checkpoint is gone
  {                                      // 5: its checkpoint is cut short
    std::string ck = testing::readFile(runDir(5) / "agent.ckpt");
    std::ofstream(runDir(5) / "agent.ckpt", std::ios::trunc) << ck.substr(0, ck.size() / 2);
  }
  // 6: stale: a run folder whose config.yaml resolves to another id (made by other
  // definitions); 7 stays intact.
  fs::rename(runDir(6), root / "00000000deadbeef");

  const auto c = testing::runSpikegym("compare '" + root.string() + "' --plots none");
  INFO(c.err);
  CHECK(c.exit_code == 0);
  CHECK_THAT(c.out, Catch::Contains("(all runs)") && Catch::Contains("  1  "));
  CHECK_THAT(c.err, Catch::Contains("left out 7 runs that are not complete: 6 damaged, 1 stale"));
  CHECK(std::count(c.err.begin(), c.err.end(), '\n') == 2);  // that line and "fewer than 5"

  // status says the same as resume decides.
  auto counts = statusCounts(root);
  CHECK(counts["complete"] == 1);
  CHECK(counts["damaged"] == 6);
  CHECK(counts["stale"] == 1);
  const auto dry =
      testing::runSpikegym("run " + file + " --out " + (dir / "r").string() + " --dry-run");
  CHECK(std::count(dry.out.begin(), dry.out.end(), '\n') - 2 == 8);
  CHECK(dry.out.find(",reuse,") != std::string::npos);
  std::size_t reuse = 0;
  for (std::size_t at = 0; (at = dry.out.find(",reuse,", at)) != std::string::npos; ++at) ++reuse;
  CHECK(reuse == 1);
  const auto again = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("7 complete now, 1 complete before"));
  counts = statusCounts(root);
  CHECK(counts["complete"] == 8);
  CHECK(counts["stale"] == 1);  // the renamed folder stays stale: it is not one of the runs
}

TEST_CASE("results: files that are not regular files never hang or stop a command",
          "[lab][hostile][results]") {
  const FinishedSweep sweep("irregular", 3, 6);
  const fs::path &dir = sweep.dir, &root = sweep.root;
  const std::string& file = sweep.file;
  auto runDir = [&](int i) { return sweep.runDir(i); };
  fs::remove(runDir(0) / "run.json");
  REQUIRE(::mkfifo((runDir(0) / "run.json").c_str(), 0644) == 0);  // a FIFO
  fs::remove(runDir(1) / "run.json");
  fs::create_symlink("/dev/zero", runDir(1) / "run.json");  // endless
  fs::remove(runDir(2) / "config.yaml");
  fs::create_directory(runDir(2) / "config.yaml");  // a folder
  fs::remove(runDir(3) / "episodes.csv");
  fs::create_symlink("episodes.csv", runDir(3) / "episodes.csv");  // a symlink loop
  fs::remove(runDir(4) / "agent.ckpt");
  REQUIRE(::mkfifo((runDir(4) / "agent.ckpt").c_str(), 0644) == 0);
  for (const std::string& command :
       {"status '" + root.string() + "'", "compare '" + root.string() + "' --plots none",
        "run " + file + " --out " + (dir / "r").string() + " --dry-run"}) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = testing::runShell("timeout 20 " + std::string(SPIKEGYM_BIN) + " " + command);
    INFO(command << "\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 10);
  }
  auto counts = statusCounts(root);
  CHECK(counts["complete"] == 1);
  CHECK(counts["damaged"] == 5);
  // A checkpoint that is a FIFO or /dev/zero: --load is refused with one line, exit 2.
  for (const fs::path& p : {runDir(4) / "agent.ckpt", fs::path("/dev/zero")}) {
    const auto r = testing::runShell(
        "timeout 20 " + std::string(SPIKEGYM_BIN) +
        " train --env CartPole-v1 --agent random --episodes 1 --load '" + p.string() + "'");
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains("not a regular file"));
  }
  // Resume reruns every damaged run and replaces the odd files.
  const auto again = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(statusCounts(root)["complete"] == 6);
}

TEST_CASE("results: a run claimed by another process is neither run twice nor demoted",
          "[lab][results]") {
  const auto dir = testing::scratchDir("claim");
  const std::string file = write(dir, "t.yaml", R"(name: t
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 3}
seeds: 3
)");
  const Experiment exp = loadExperiment(file, {});
  const Results results((dir / "r").string(), "t");
  {
    // This process holds run 0, as a second `spikegym run` of the same sweep would.
    const Results::Claim held = results.claimRun(exp.runs[0].run_id);
    REQUIRE(held.held());
    CHECK_FALSE(results.claimRun(exp.runs[0].run_id).held());
    const auto r = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
    CHECK(r.exit_code == 0);
    CHECK_FALSE(fs::exists(results.runDir(exp.runs[0].run_id) / "run.json"));
    CHECK(results.assess(exp.runs[1].run_id, &exp.runs[1]).complete());
  }
  // Released: the next run completes it, and a further run demotes nothing.
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const std::string before = testing::readFile(results.runDir(exp.runs[0].run_id) / "run.json");
  const auto third = testing::runSpikegym("run " + file + " --out " + (dir / "r").string());
  CHECK_THAT(third.out, Catch::Contains("0 complete now, 3 complete before"));
  CHECK(testing::readFile(results.runDir(exp.runs[0].run_id) / "run.json") == before);
}

TEST_CASE("evaluation never changes training: eval on or off, the same training episodes",
          "[lab][eval]") {
  // Every agent type, CartPole and Foraging: evaluation runs on a copy of the agent with its
  // own env and exploration streams.
  for (const std::string& env : {std::string("CartPole-v1"), std::string("Foraging-v0")}) {
    for (const std::string& agent : {std::string("snn"), std::string("reinforce")}) {
      INFO(env << " " << agent);
      TrainSpec plain;
      plain.env_id = env;
      plain.agent_type = agent;
      plain.episodes = env == "Foraging-v0" ? 4 : 12;
      plain.seed = 3;
      TrainSpec evaluated = plain;
      evaluated.eval_every = 2;
      evaluated.eval_episodes = 2;
      std::vector<std::vector<double>> a, b;
      std::vector<double> eval_returns, eval_again;
      auto record = [](std::vector<std::vector<double>>& out, std::vector<double>& evals) {
        return [&out, &evals](const EpisodeRow& row) {
          if (row.eval) {
            evals.push_back(row.episode_return);
            return;
          }
          std::vector<double> v = {row.episode_return, static_cast<double>(row.length)};
          for (const auto& [k, x] : row.metrics) v.push_back(x);
          out.push_back(v);
        };
      };
      std::vector<double> unused;
      runTraining(plain, record(a, unused));
      runTraining(evaluated, record(b, eval_returns));
      CHECK(a == b);  // bit-identical, diagnostics included
      CHECK(eval_returns.size() == static_cast<std::size_t>(plain.episodes));
      std::vector<std::vector<double>> c;
      runTraining(evaluated, record(c, eval_again));
      CHECK(eval_again == eval_returns);  // evaluation itself is deterministic
    }
  }
}

TEST_CASE("compare: options checked before anything is written; many groups, no empty figure",
          "[lab][compare][hostile]") {
  const auto dir = testing::scratchDir("compare_many");
  const std::string file = write(dir, "m.yaml", R"(name: m
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 2}
sweep:
  grid:
    env.force_n: {linspace: [5, 15, 36]}
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const fs::path root = dir / "r" / "m";
  // A typo in --plots: nothing written, not even the CSVs.
  const auto typo = testing::runSpikegym("compare '" + root.string() + "' --plots svg,pgn");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("did you mean 'png'"));
  CHECK_FALSE(fs::exists(root / "compare"));
  // 36 groups: pairs of neighbours only (said), figures of the best 20 (said), none empty.
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = testing::runSpikegym("compare '" + root.string() +
                                      "' --plots png --reps 200 --smooth 100000");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 30);
  CHECK_THAT(r.err, Catch::Contains("36 groups: more than 30"));
  CHECK_THAT(r.err, Catch::Contains("figures show the best 20 of 36 groups"));
  const std::string pairs = testing::readFile(root / "compare" / "pairs.csv");
  CHECK(std::count(pairs.begin(), pairs.end(), '\n') == 1 + 2 * 35);
  for (const auto& entry : fs::directory_iterator(root / "compare")) {
    INFO(entry.path());
    CHECK(fs::file_size(entry.path()) > 0);
    CHECK(entry.path().string().find(".tmp.") == std::string::npos);
  }
  CHECK(fs::exists(root / "compare" / "improvement.png"));
}

TEST_CASE("golden hash: short fixed runs give the same returns and weights on every commit",
          "[lab][golden]") {
  // Box2D's HelloWorld check: any change of results across commits shows here. The hash covers
  // every training and evaluation row (return, length, truncation, every env metric and agent
  // diagnostic, as exact bits) and every section of the final checkpoint (weights, critic, RNG,
  // counters). A change that is meant to change results updates the value and says why in
  // BENCHMARKS.md; the values printed on failure are what this build computes.
  struct Golden {
    std::string name, env;
    agents::ConfigValues agent;
    long episodes;
    std::uint64_t expected;
  };
  const std::vector<Golden> cases = {
      {"CartPole-v1 snn rstdp", "CartPole-v1", {}, 30, 0x356a2e619035dd09ULL},
      {"CartPole-v1 snn feedback_rstdp (the solving preset)",
       "CartPole-v1",
       {{"learning_rule", "feedback_rstdp"},
        {"decoder", "softmax"},
        {"temperature", "15"},
        {"epsilon_start", "0"},
        {"homeostasis", "none"},
        {"critic_features", "joint_rf"},
        {"rule.performance_target", "500"},
        {"greedy_eval", "true"}},
       30,
       0x577bd62d1b554ffcULL},
      {"Foraging-v0 snn rstdp",
       "Foraging-v0",
       {{"encoder", "rate"},
        {"max_rate_hz", "400"},
        {"w_init_min", "2.5"},
        {"w_init_max", "5"},
        {"rule.tau_c_ms", "1000"},
        {"rule.eta", "0.5"}},
       3,
       0xf9ee71b8d6eeb3e1ULL},
  };
  const auto dir = testing::scratchDir("golden");
  for (const Golden& g : cases) {
    for (const bool count_ops : {true, false}) {  // counting only reads: the same hash
      TrainSpec spec;
      spec.count_ops = count_ops;
      spec.env_id = g.env;
      spec.agent_type = "snn";
      spec.agent_params = g.agent;
      spec.episodes = g.episodes;
      spec.seed = 7;
      spec.eval_every = 10;
      spec.eval_episodes = 1;
      spec.save_checkpoint = (dir / "golden.ckpt").string();
      std::uint64_t h = 0xCBF29CE484222325ULL;
      auto mix = [&h](double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        for (int b = 0; b < 8; ++b) {
          h ^= (bits >> (8 * b)) & 0xFF;
          h *= 0x100000001B3ULL;
        }
      };
      runTraining(spec, [&](const EpisodeRow& row) {
        mix(static_cast<double>(row.episode));
        mix(row.eval ? 1.0 : 0.0);
        mix(row.episode_return);
        mix(static_cast<double>(row.length));
        mix(row.truncated ? 1.0 : 0.0);
        for (const auto& [name, value] : row.metrics) mix(value);
      });
      const agents::Checkpoint ck = agents::Checkpoint::read(spec.save_checkpoint);
      for (const auto& [name, values] : ck.sections) {
        for (char c : name) mix(static_cast<double>(c));
        for (double v : values) mix(v);
      }
      std::printf("golden hash %s (counting %s): 0x%016llx\n", g.name.c_str(),
                  count_ops ? "on" : "off", static_cast<unsigned long long>(h));
      INFO(g.name << " (counting " << (count_ops ? "on" : "off") << "): this build gives 0x"
                  << std::hex << h);
      CHECK(h == g.expected);
    }
  }
}

TEST_CASE("presets expand to exactly the settings they stand for (same run ids)",
          "[lab][presets]") {
  const fs::path experiments = fs::path(SPIKEGYM_SOURCE_DIR) / "experiments";
  const auto dir = testing::scratchDir("presets");
  // cartpole_solve = the first cell of experiments/cartpole_solve.yaml; foraging_rstdp = the
  // first cell of experiments/foraging_rules.yaml: the same resolved values, the same run ids.
  struct Pair {
    std::string preset, file, train;
  };
  for (const Pair& p : {Pair{"cartpole_solve", "cartpole_solve.yaml",
                             "{episodes: 1000, eval_every: 100, eval_episodes: 10}"},
                        Pair{"foraging_rstdp", "foraging_rules.yaml", "{episodes: 300}"}}) {
    INFO(p.preset);
    const Experiment written = loadExperiment((experiments / p.file).string(), {});
    const std::string env = written.runs.front().config.at("env.id").text;
    const std::string file =
        write(dir, p.preset + ".yaml",
              "name: " + p.preset + "\nenv: {id: " + env + "}\nagent: {preset: " + p.preset +
                  "}\ntrain: " + p.train + "\nseeds: 10\n");
    const Experiment named = loadExperiment(file, {});
    REQUIRE(named.runs.size() == 10);
    for (std::size_t i = 0; i < 10; ++i) CHECK(named.runs[i].run_id == written.runs[i].run_id);
    CHECK(named.notes.empty());
  }
  // Overridable key by key; --set agent.preset too; a sweep over presets.
  const std::string file = write(dir, "over.yaml", R"(name: over
env: {id: CartPole-v1}
agent: {preset: cartpole_solve, temperature: 12}
sweep:
  grid:
    agent.rule.eta: [0.001, 0.002]
)");
  const Experiment over = loadExperiment(file, {});
  CHECK(over.runs[0].config.at("agent.network.readout.temperature").text == "12");
  CHECK(plastic(over.runs[0], "rule") == "feedback_rstdp");
  CHECK(over.runs[0].config.count("agent.preset") == 0);  // the values are hashed, not the name
  const std::string plain =
      write(dir, "plain.yaml", "name: plain\nenv: {id: Foraging-v0}\nagent: {type: snn}\n");
  const Experiment set = loadExperiment(plain, {"agent.preset=foraging_rstdp"});
  CHECK(set.runs[0].config.at("agent.network.populations.input.encoder.model").text == "rate");
  CHECK(set.notes.empty());
  const Experiment bare = loadExperiment(plain, {});
  REQUIRE(bare.notes.size() == 1);
  CHECK_THAT(bare.notes[0], Catch::Contains("use agent: {preset: foraging_rstdp}"));
  const std::string swept = write(dir, "swept.yaml", R"(name: swept
env: {id: CartPole-v1}
agent: {type: snn}
sweep:
  grid:
    agent.preset: [cartpole_solve, rstdp_default]
)");
  const Experiment both = loadExperiment(swept, {});
  REQUIRE(both.runs.size() == 2);
  CHECK(plastic(both.runs[0], "rule") == "feedback_rstdp");
  CHECK(plastic(both.runs[1], "rule") == "rstdp");
  // Every shipped preset resolves on every env it was tuned on, and the CLI lists and shows it.
  const auto list = testing::runSpikegym("list presets");
  CHECK(list.exit_code == 0);
  for (const Preset& p : presets()) {
    CHECK_THAT(list.out, Catch::Contains(p.name));
    for (const auto& env : p.tuned_on) CHECK_NOTHROW(resolvePreset(p.name, env));
    const auto show = testing::runSpikegym("show preset " + p.name);
    CHECK(show.exit_code == 0);
    CHECK_THAT(show.out, Catch::Contains("agent:\n"));
  }
  CHECK(fs::exists(fs::path(SPIKEGYM_SOURCE_DIR) / "presets" / "cartpole_solve.yaml"));
  // train --preset equals train with the same values given one by one.
  const auto a =
      testing::runSpikegym("train --env CartPole-v1 --preset cartpole_solve --episodes 3");
  const auto b = testing::runSpikegym(
      "train --env CartPole-v1 --agent snn --episodes 3 --set learning_rule=feedback_rstdp "
      "--set decoder=softmax --set temperature=15 --set epsilon_start=0 --set homeostasis=none "
      "--set critic_features=joint_rf --set rule.performance_target=500 --set greedy_eval=true");
  CHECK(a.exit_code == 0);
  CHECK(a.out == b.out);
  const auto c = testing::runSpikegym(
      "train --env CartPole-v1 --agent snn --episodes 3 --set agent.preset=cartpole_solve");
  CHECK(c.out == a.out);
}

TEST_CASE("compare: says what a wrong path is and what to pass; clears what it owns",
          "[lab][compare]") {
  const auto dir = testing::scratchDir("compare_paths");
  const std::string file = write(dir, "p.yaml", R"(name: p
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 2}
seeds: 5
)");
  const fs::path results = dir / "results";
  REQUIRE(testing::runShell("cd '" + dir.string() + "' && '" + SPIKEGYM_BIN + "' run p.yaml")
              .exit_code == 0);
  auto one = [&](const std::string& args, const std::string& needle) {
    const auto r = testing::runShell("cd '" + dir.string() + "' && '" + SPIKEGYM_BIN +
                                     "' compare " + args + " --plots none");
    INFO(args << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains(needle));
  };
  one("results", "a folder of 1 experiments' results (p); pass one or more of them");
  std::string run_id;
  for (const auto& d : fs::directory_iterator(results / "p")) {
    if (d.is_directory() && d.path().filename() != "compare") run_id = d.path().filename();
  }
  one("results/p/" + run_id, "one run's folder; compare takes a whole sweep");
  one("p.yaml.missing", "no such results folder");
  write(dir, "other.yaml", "name: other\nenv: {id: CartPole-v1}\nagent: {type: random}\n");
  one("other.yaml", "run it first: spikegym run other.yaml");
  // An experiment file stands for its results folder.
  const auto byfile = testing::runShell("cd '" + dir.string() + "' && '" + SPIKEGYM_BIN +
                                        "' compare p.yaml --plots png --score auc");
  CHECK(byfile.exit_code == 0);
  CHECK(fs::exists(results / "p" / "compare" / "curves.png"));
  CHECK_THAT(testing::readFile(results / "p" / "compare" / "options.txt"),
             Catch::Contains("--score auc"));
  // A second call without figures leaves none of the first call's behind.
  REQUIRE(testing::runShell("cd '" + dir.string() + "' && '" + SPIKEGYM_BIN +
                            "' compare results/p --plots none")
              .exit_code == 0);
  CHECK_FALSE(fs::exists(results / "p" / "compare" / "curves.png"));
  CHECK_THAT(testing::readFile(results / "p" / "compare" / "options.txt"),
             Catch::Contains("--score last:100"));
#ifdef SPIKEGYM_HAVE_VIEWER
  // view counts cells from 1, as show network does.
  const auto cell = testing::runShell("cd '" + dir.string() + "' && '" + SPIKEGYM_BIN +
                                      "' view p.yaml --cell 2 --frames 1 --screenshot x.png");
  CHECK(cell.exit_code == 2);
  CHECK_THAT(cell.err, Catch::Contains("has 1 cells (1 .. 1)"));
#endif
}

TEST_CASE("compare: group names are short, distinct and leave out what does not vary",
          "[lab][compare]") {
  // experiments/cartpole_solve.yaml zips nine paths: its groups would be named by nine values,
  // most of them null. Here: the same sweep, 2 episodes, 5 seeds.
  const auto dir = testing::scratchDir("compare_names");
  const fs::path exp = fs::path(SPIKEGYM_SOURCE_DIR) / "experiments" / "cartpole_solve.yaml";
  REQUIRE(testing::runSpikegym("run '" + exp.string() + "' --out '" + (dir / "r").string() +
                               "' --set train.episodes=2 --set train.eval_every=0 --set seeds=5")
              .exit_code == 0);
  const auto r = testing::runSpikegym("compare '" + (dir / "r" / "cartpole_solve").string() +
                                      "' --plots none --reps 100");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::string summary =
      testing::readFile(dir / "r" / "cartpole_solve" / "compare" / "summary.csv");
  std::istringstream lines(summary);
  std::string line;
  std::getline(lines, line);  // header: group, then one column per swept path (the legend)
  CHECK(std::count(line.begin(), line.end(), ',') >= 9);
  std::set<std::string> names;
  while (std::getline(lines, line)) {
    const std::string name = line.substr(0, line.find(','));
    CHECK(name.size() <= 40);
    CHECK(name.find("null") == std::string::npos);
    CHECK(names.insert(name).second);
  }
  CHECK(names.size() == 3);
  CHECK(names.count("reinforce") == 1);
}

TEST_CASE("compare: learning-curve bands stay within what the runs did", "[lab][compare]") {
  // Two seeds: a 95% t interval is mean +- 12.7 x sd / sqrt(2), far outside [0, 500] for
  // CartPole returns; the band is clipped to the runs' own range at each episode.
  const auto dir = testing::scratchDir("compare_bands");
  const std::string file = write(dir, "b.yaml", R"(name: b
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 8}
seeds: 2
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  REQUIRE(testing::runSpikegym("compare " + (dir / "r" / "b").string() + " --plots none --smooth 1")
              .exit_code == 0);
  std::vector<std::vector<double>> returns(2);
  int run = 0;
  for (const auto& d : fs::directory_iterator(dir / "r" / "b")) {
    if (!d.is_directory() || d.path().filename() == "compare") continue;
    std::istringstream csv(testing::readFile(d.path() / "episodes.csv"));
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line)) {
      std::istringstream f(line);
      std::string cell;
      for (int c = 0; c < 4; ++c) std::getline(f, cell, ',');
      returns[run].push_back(std::stod(cell));
    }
    ++run;
  }
  REQUIRE(run == 2);
  std::istringstream curves(testing::readFile(dir / "r" / "b" / "compare" / "curves.csv"));
  std::string line;
  std::getline(curves, line);
  int rows = 0, clipped = 0;
  while (std::getline(curves, line)) {
    std::vector<std::string> f;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) f.push_back(cell);
    const std::size_t e = std::stoul(f[1]) - 1;
    const double lo = std::stod(f[4]), hi = std::stod(f[5]);
    const double a = returns[0][e], b = returns[1][e];
    CHECK(lo >= std::min(a, b));
    CHECK(hi <= std::max(a, b));
    CHECK(lo <= std::stod(f[3]));
    CHECK(std::stod(f[3]) <= hi);
    clipped += a != b;
    ++rows;
  }
  CHECK(rows == 8);
  CHECK(clipped > 0);  // runs that differ: the unclipped t band would lie outside them
}

TEST_CASE("compare: a group keeps its colour whatever its rank or the order it was found in",
          "[lab][compare]") {
  const std::vector<std::string> lines = {"snn cartpole_solve", "reinforce", "snn rstdp_default"};
  const auto colours = lab::groupColours(lines, lines);
  // Each line its own colour (lines are told apart by colour alone).
  std::set<int> distinct;
  for (const auto& [name, c] : colours) distinct.insert(c);
  CHECK(distinct.size() == lines.size());
  // Every reordering (another ranking, another folder first) gives every group the same colour.
  std::vector<std::string> order = lines;
  std::sort(order.begin(), order.end());
  do {
    CHECK(lab::groupColours(order, order) == colours);
  } while (std::next_permutation(order.begin(), order.end()));
  // Rows past the lines take the colours after them; eight lines use the whole palette once.
  std::vector<std::string> eight, twelve;
  for (int i = 0; i < 12; ++i) {
    std::string name = "g";  // (appended, not "g" + ...: GCC 12's -Wrestrict false positive)
    name += std::to_string(i + 10);
    (i < 8 ? eight : twelve).push_back(name);
  }
  twelve.insert(twelve.begin(), eight.begin(), eight.end());
  const auto many = lab::groupColours(eight, twelve);
  std::set<int> used;
  for (const auto& name : eight) used.insert(many.at(name));
  CHECK(used.size() == static_cast<std::size_t>(lab::paletteSize()));
  CHECK(many.size() == 12);
}

TEST_CASE("compare --x steps: curves over env steps, every point averages every run",
          "[lab][compare]") {
  const auto dir = testing::scratchDir("compare_steps");
  const std::string file = write(dir, "s.yaml", R"(name: s
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 12}
seeds: 3
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const fs::path results = dir / "r" / "s";
  const auto cmd = testing::runSpikegym("compare " + results.string() +
                                        " --plots svg --smooth 1 --x steps --reps 200");
  INFO(cmd.err);
  REQUIRE(cmd.exit_code == 0);
  // Per run: the env steps at each training episode's end, and its return.
  std::vector<std::vector<std::pair<double, double>>> runs;
  for (const auto& d : fs::directory_iterator(results)) {
    if (!d.is_directory() || d.path().filename() == "compare") continue;
    std::istringstream csv(testing::readFile(d.path() / "episodes.csv"));
    std::string line;
    std::getline(csv, line);
    REQUIRE_THAT(line, Catch::StartsWith("run_id,seed,episode,return,length,"));
    double steps = 0;
    runs.emplace_back();
    while (std::getline(csv, line)) {
      std::vector<std::string> f;
      std::istringstream in(line);
      for (std::string cell; std::getline(in, cell, ',');) f.push_back(cell);
      steps += std::stod(f[4]);
      runs.back().emplace_back(steps, std::stod(f[3]));
    }
  }
  REQUIRE(runs.size() == 3);
  double shortest = INFINITY;
  for (const auto& r : runs) shortest = std::min(shortest, r.back().first);
  std::istringstream curves(testing::readFile(results / "compare" / "curves.csv"));
  std::string line;
  std::getline(curves, line);
  CHECK(line == "group,env_step,n_runs,mean,ci_low,ci_high");
  double last_x = 0;
  int rows = 0;
  while (std::getline(curves, line)) {
    std::vector<std::string> f;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) f.push_back(cell);
    const double x = std::stod(f[1]);
    CHECK(x > last_x);
    CHECK(x <= shortest);
    CHECK(f[2] == "3");
    // By hand: each run's return of the last episode it finished by step x (--smooth 1).
    double sum = 0;
    for (const auto& r : runs) {
      double value = NAN;
      for (const auto& [end, ret] : r) {
        if (end <= x) value = ret;
      }
      sum += value;
    }
    CHECK(std::stod(f[3]) == Approx(sum / 3).epsilon(1e-12));
    last_x = x;
    ++rows;
  }
  CHECK(rows > 100);
  CHECK(rows <= 500);
  CHECK(last_x == shortest);
  CHECK_THAT(testing::readFile(results / "compare" / "options.txt"), Catch::Contains("--x steps"));
  // The figure's x axis says what it is.
  CHECK_THAT(
      testing::readFile(results / "compare" / "curves.svg"),
      Catch::Contains("&#x65;&#x6e;&#x76;&#x20;&#x73;&#x74;&#x65;&#x70;&#x73;"));  // "env steps"
  const auto bad = testing::runSpikegym("compare " + results.string() + " --x step");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--x: unknown axis 'step'") && Catch::Contains("steps"));
}

namespace {

/// A text element of an SVG that PLplot's svg driver wrote: its box on the page [px], from the
/// text's transform, anchor and font size and the font's own advance widths.
struct TextBox {
  std::string text;
  double x0, y0, x1, y1;
};

/// [em] Advance widths of DejaVu Sans (the sans-serif of fonts-dejavu-core, which the Makefile
/// installs and fontconfig picks for PLplot), characters 32..126: read from the hmtx table of
/// /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (2.37), units per em 2048. Anything else
/// (the minus sign U+2212) is 1716 units.
double advanceEm(char c) {
  static constexpr int kUnits[95] = {
      651,  821,  942,  1716, 1303, 1946, 1597, 563,  799,  799,  1024, 1716, 651,  739,
      651,  690,  1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690,  690,
      1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604,
      604,  1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025,
      1403, 1251, 1403, 799,  690,  799,  1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260,
      721,  1300, 1298, 569,  569,  1186, 569,  1995, 1298, 1253, 1300, 1300, 842,  1067,
      803,  1298, 1212, 1675, 1212, 1212, 1075, 1303, 690,  1303, 1716};
  const int code = static_cast<unsigned char>(c);
  return (code >= 32 && code < 127 ? kUnits[code - 32] : 1716) / 2048.0;
}

std::vector<TextBox> svgTextBoxes(const std::string& svg) {
  auto attribute = [](const std::string& element, const std::string& name) {
    const std::size_t at = element.find(" " + name + "=\"");
    if (at == std::string::npos) return std::string();
    const std::size_t begin = at + name.size() + 3;
    return element.substr(begin, element.find('"', begin) - begin);
  };
  std::vector<TextBox> boxes;
  for (std::size_t at = svg.find("<text"); at != std::string::npos;
       at = svg.find("<text", at + 1)) {
    const std::size_t end = svg.find("</text>", at);
    const std::string element = svg.substr(at, end - at);
    // The characters: XML references (&#x43;) inside the tspan.
    std::string text;
    for (std::size_t k = element.find("&#x"); k != std::string::npos;
         k = element.find("&#x", k + 1)) {
      const int code = std::stoi(element.substr(k + 3), nullptr, 16);
      text += code < 127 ? static_cast<char>(code) : '\x7f';  // (a minus sign, a dash)
    }
    const double size = std::stod(attribute(element, "font-size"));
    double m[6];
    std::istringstream matrix(attribute(element, "transform").substr(7));  // "matrix("
    for (double& v : m) matrix >> v;
    double width = 0;
    for (char c : text) width += advanceEm(c) * size;
    const std::string anchor = attribute(element, "text-anchor");
    const double x = std::stod(attribute(element, "x")) - (anchor == "middle" ? 0.5 * width
                                                           : anchor == "end"  ? width
                                                                              : 0.0);
    const double y = std::stod(attribute(element, "y"));
    // The glyphs' box in the text's own frame (y down): ascent 0.76, descent 0.24 of the size.
    TextBox box{text, INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (double lx : {x, x + width}) {
      for (double ly : {y - 0.76 * size, y + 0.24 * size}) {
        const double px = m[0] * lx + m[2] * ly + m[4], py = m[1] * lx + m[3] * ly + m[5];
        box.x0 = std::min(box.x0, px), box.x1 = std::max(box.x1, px);
        box.y0 = std::min(box.y0, py), box.y1 = std::max(box.y1, py);
      }
    }
    // A lone non-ASCII character is a plotted symbol (the svg driver draws PLplot's point
    // symbols as glyphs): data, not a label.
    if (!text.empty() && text != "\x7f") boxes.push_back(box);
  }
  return boxes;
}

/// A figure set like compare's, `groups` groups with names of `name_chars` characters.
lab::FigureSet syntheticFigures(int groups, std::size_t name_chars) {
  lab::FigureSet f;
  f.metric = "return";
  f.score_label = "last:100 of return";
  f.context = "CartPole-v1, n = 3 runs per group";
  f.threshold = 475;
  std::vector<std::string> names;
  for (int g = 0; g < groups; ++g) {
    std::string name = "snn rule_" + std::to_string(g) + " ";
    while (name.size() < name_chars) name += "abcdefghijklmnopqrstuvwxyz"[name.size() % 26];
    names.push_back(name.substr(0, name_chars));
  }
  for (int g = 0; g < groups; ++g) {
    const std::vector<double> scores = {100.0 + 20 * g, 300.0 + 10 * g, 500.0};
    lab::Curve c{names[g], {}, {}, {}, {}, g % lab::paletteSize()};
    for (int e = 1; e <= 200; ++e) {
      c.x.push_back(e);
      c.y.push_back(std::min(500.0, 2.5 * e + g));
      c.low.push_back(std::max(0.0, c.y.back() - 40));
      c.high.push_back(std::min(500.0, c.y.back() + 40));
    }
    if (g < 8) f.curves.push_back(c);  // compare draws the best 8 as lines
    f.scores.push_back({names[g], scores, 300, 100, 500, g % lab::paletteSize()});
    std::vector<double> taus;
    for (int t = 0; t <= 100; ++t) taus.push_back(5 * t);
    if (g < 8)
      f.profiles.push_back(
          {names[g], lab::performanceProfile(scores, taus, 200, 1), g % lab::paletteSize()});
    f.intervals.push_back(
        {names[g], lab::bootstrapAggregates(scores, std::vector<int>{0, 0, 0}, 500.0, 200, 1),
         g % lab::paletteSize()});
    if (g > 0) f.pairs.push_back({names[g - 1] + "  >  " + names[g], 0.6, 0.3, 0.9});
    // Energies over four decades, one group at 0 uJ (a random agent).
    const double uj = g == 3 ? 0.0 : std::pow(10.0, g % 5 - 1.0) * 1.7;
    if (g < 8) {
      f.pareto.push_back({names[g], uj, 0.8 * uj, 1.2 * uj, 300, 100, 500, g % lab::paletteSize()});
    }
  }
  f.pareto_x_label = "energy per episode [uJ], loihi prices";
  f.pareto_window = "the last 100 training episodes";
  // Confusion matrices: 10 classes (the image envs), mostly right, some answers spread.
  f.confusion_groups = groups;
  for (int g = 0; g < std::min(groups, lab::kMaxConfusionPanels); ++g) {
    lab::ConfusionPanel c{names[g], 10, {}, 3, 0.85};  // 3 runs, as the context says
    for (int l = 0; l < 10; ++l) {
      for (int a = 0; a < 10; ++a) {
        c.fraction.push_back(l == a ? 0.82 : (a + l + g) % 3 == 0 ? 0.05 : 0.0);
      }
    }
    f.confusions.push_back(std::move(c));
  }
  return f;
}

}  // namespace

TEST_CASE("figures: every label lies inside its figure and no two labels overlap",
          "[lab][compare]") {
  // From the SVG PLplot writes (every title, tick label, axis label, legend entry and row name
  // is a <text>): one group, a few, long names (40 characters, compare's longest), and 20 groups.
  const auto dir = testing::scratchDir("figure_layout");
  for (const auto& [groups, chars] :
       std::vector<std::pair<int, std::size_t>>{{1, 12}, {2, 40}, {3, 20}, {8, 40}, {20, 40}}) {
    const fs::path out = dir / (std::to_string(groups) + "x" + std::to_string(chars));
    fs::create_directories(out);
    lab::writeFigures(syntheticFigures(groups, chars), out.string(), "svg");
    if (std::getenv("SPIKEGYM_KEEP_FIGURES")) {
      lab::writeFigures(syntheticFigures(groups, chars), out.string(), "png");
    }
    for (const std::string& name : lab::figureNames()) {
      const fs::path file = out / (name + ".svg");
      if (!fs::exists(file)) continue;  // improvement: no pairs of one group
      const std::string svg = testing::readFile(file);
      const std::size_t vb = svg.find("viewBox=\"0 0 ");
      REQUIRE(vb != std::string::npos);
      std::istringstream size(svg.substr(vb + 13));
      double width = 0, height = 0;
      size >> width >> height;
      const auto boxes = svgTextBoxes(svg);
      INFO(file.string());
      CHECK(boxes.size() >= 4);
      if (name == "confusion") {  // each panel names its classes on both axes
        const auto nines = std::count_if(boxes.begin(), boxes.end(),
                                         [](const TextBox& b) { return b.text == "9"; });
        CHECK(nines == 2 * std::min(groups, lab::kMaxConfusionPanels));
      }
      for (const TextBox& b : boxes) {
        INFO("'" << b.text << "' at [" << b.x0 << ", " << b.x1 << "] x [" << b.y0 << ", " << b.y1
                 << "] on " << width << " x " << height);
        CHECK(b.x0 >= 0);
        CHECK(b.x1 <= width);
        CHECK(b.y0 >= 0);
        CHECK(b.y1 <= height);
      }
      for (std::size_t i = 0; i < boxes.size(); ++i) {
        for (std::size_t j = i + 1; j < boxes.size(); ++j) {
          const TextBox &a = boxes[i], &b = boxes[j];
          // 1 px of slack: neighbouring tick labels touch in the estimate.
          const bool overlap =
              a.x0 + 1 < b.x1 && b.x0 + 1 < a.x1 && a.y0 + 1 < b.y1 && b.y0 + 1 < a.y1;
          INFO("'" << a.text << "' and '" << b.text << "'");
          CHECK_FALSE(overlap);
        }
      }
    }
  }
}

namespace {

/// A CSV file without quoted fields as rows of named cells.
std::vector<std::map<std::string, std::string>> csvRows(const fs::path& file) {
  std::istringstream in(testing::readFile(file));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string c; std::getline(header, c, ',');) names.push_back(c);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::map<std::string, std::string> row;
    std::size_t i = 0;
    for (std::string c; std::getline(cells, c, ',') && i < names.size(); ++i) row[names[i]] = c;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("cost: prices by hand, the MLP reference and price lists from YAML", "[lab][cost]") {
  // By hand: 10 AC, 2 MAC, 3 plasticity updates, 4 active and 5 inactive neuron updates.
  //   horowitz45: 10 x 0.9 + 2 x 4.6 + 3 x 9.2 + 4 x 4.6 + 5 x 4.6 = 87.2 pJ
  //   loihi:      10 x 23.6 + 2 x 4.6 + 3 x 120 + 4 x 81 + 5 x 52 = 1189.2 pJ
  snn::OpCounts c;
  c.ac = 10;
  c.mac = 2;
  c.plasticity = 3;
  c.neuron_active = 4;
  c.neuron_inactive = 5;
  REQUIRE(builtinPriceLists().size() == 2);
  CHECK(energyUj(c, builtinPriceLists()[0]) == Approx(87.2e-6));
  CHECK(energyUj(c, builtinPriceLists()[1]) == Approx(1189.2e-6));
  // MLP 4-64-64-2: 4 x 64 + 64 x 64 + 64 x 2 = 4480 MACs, 64 + 64 + 2 = 130 bias adds; weights
  // and biases 4480 + 130 = 4610 floats = 18440 bytes.
  const snn::OpCounts mlp = mlpCountsPerStep({4, 64, 64, 2});
  CHECK(mlp.mac == 4480);
  CHECK(mlp.ac == 130);
  CHECK(mlpBytes({4, 64, 64, 2}) == 18440);

  const auto dir = testing::scratchDir("prices");
  const PriceList mine = readPriceList(write(dir, "mine.yaml",
                                             "name: mychip\nsource: a datasheet\nac_pj: 1\n"
                                             "mac_pj: 2\nplasticity_pj: 3\nneuron_active_pj: 4\n"
                                             "neuron_inactive_pj: 5\n"));
  CHECK(energyUj(c, mine) == Approx((10 + 4 + 9 + 16 + 25) * 1e-6));
  struct Bad {
    std::string text, says;
  };
  for (const Bad& b : {
           Bad{"name: x\nsource: s\nac_pj: 1\nmac_pj: 2\nplasticity_pj: 3\nneuron_active_pj: 4\n",
               "neuron_inactive_pj: missing"},
           Bad{"name: x\nsource: s\nac_pj: 1\nmac_pj: 2\nplastcity_pj: 3\n",
               "bad.yaml:5:1: plastcity_pj: unknown key (did you mean 'plasticity_pj'?)"},
           Bad{"name: x\nac_pj: -1\n", "bad.yaml:2:1: ac_pj: expected a price in pJ"},
           Bad{"name: loihi\n", "'loihi' is a built-in price list"},
           Bad{"name: 'a b'\n", "expected 1 to 32 of a-z, 0-9, _"},
           Bad{"[1, 2]\n", "bad.yaml:1:1: expected a map"},
           // Text yaml-cpp 0.7 hangs on is refused before it parses (the experiment loader's
           // checks, shared).
           Bad{"name: x\n%YAML 1.2\n", "bad.yaml:2: a line starts with '%'"},
           Bad{"name: \xff\n", "bad.yaml:1: not plain UTF-8 text"},
       }) {
    INFO(b.text);
    const std::string file = write(dir, "bad.yaml", b.text);
    try {
      readPriceList(file);
      FAIL("accepted");
    } catch (const UserError& e) {
      CHECK_THAT(e.what(), Catch::Contains(b.says));
    }
  }
}

TEST_CASE("cost: episodes.csv counts by hand, run.json totals, compare's table and Pareto figure",
          "[lab][cost]") {
  const auto dir = testing::scratchDir("cost");
  const std::string file = write(dir, "c.yaml", R"(name: c
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 4, eval_every: 2, eval_episodes: 1}
seeds: 3
sweep:
  grid:
    agent.type: [snn, reinforce, random]
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const fs::path root = dir / "r" / "c";
  // Per run: the mean over its 4 episodes of each energy column, by agent type.
  std::map<std::string, std::vector<std::vector<double>>> energy;  // type -> runs -> lists
  for (const auto& id : runFolders(root)) {
    auto rows = csvRows(root / id / "episodes.csv");
    REQUIRE(rows.size() == 6);  // 4 training, 2 evaluation
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [](const auto& row) { return row.at("eval") == "1"; }),
               rows.end());
    REQUIRE(rows.size() == 4);
    const std::string config = testing::readFile(root / id / "config.yaml");
    const std::string type = config.find("type: reinforce") != std::string::npos ? "reinforce"
                             : config.find("type: random") != std::string::npos  ? "random"
                                                                                 : "snn";
    INFO(type << " " << id);
    double sum_ac = 0, e_h = 0, e_l = 0;
    for (const auto& row : rows) {
      const double n = std::stod(row.at("length"));
      const double ac = std::stod(row.at("syn_ac")), mac = std::stod(row.at("syn_mac"));
      const double pl = std::stod(row.at("plasticity_ops"));
      const double na = std::stod(row.at("neuron_active")),
                   ni = std::stod(row.at("neuron_inactive"));
      sum_ac += ac;
      // The energy columns are the price lists applied to the counts (lab/cost.hpp).
      CHECK(std::stod(row.at("energy_uj_horowitz45")) ==
            Approx((ac * 0.9 + mac * 4.6 + pl * 9.2 + (na + ni) * 4.6) * 1e-6));
      CHECK(std::stod(row.at("energy_uj_loihi")) ==
            Approx((ac * 23.6 + mac * 4.6 + pl * 120 + na * 81 + ni * 52) * 1e-6));
      e_h += std::stod(row.at("energy_uj_horowitz45")) / 4;
      e_l += std::stod(row.at("energy_uj_loihi")) / 4;
      if (type == "random") {
        CHECK(ac + mac + pl + na + ni == 0);
      } else if (type == "reinforce") {
        // 12 cells x 4 dimensions = 48 features, 2 actions. Per step, learning (all weights):
        // baseline value and update 2 x 48, logits and gradient step 2 x 2 x 48 = 288 MACs;
        // acting: 2 x 48 dense, effective only where a weight is non-zero (none in episode 0).
        CHECK(ac == 0);
        CHECK(pl == 0);
        if (row.at("episode") == "0") {
          CHECK(mac == 288 * n);
          CHECK(std::stod(row.at("syn_dense")) == (288 + 96) * n);
        }
      } else {
        CHECK(ac > 0);
        CHECK(pl > 0);
        CHECK(na > 0);
        const double sparsity = std::stod(row.at("activation_sparsity"));
        CHECK(sparsity ==
              Approx(1.0 - std::stod(row.at("spikes")) / std::stod(row.at("neuron_steps"))));
      }
    }
    energy[type].push_back({e_h, e_l});
    // run.json's training totals are the sums of the rows.
    const std::string json = testing::readFile(root / id / "run.json");
    char want[64];
    std::snprintf(want, sizeof want, "\"syn_ac\": %.0f", sum_ac);
    CHECK_THAT(json, Catch::Contains("\"cost\"") && Catch::Contains(want) &&
                         Catch::Contains("\"footprint_bytes\""));
  }
  REQUIRE(energy.size() == 3);

  const auto cmd = testing::runSpikegym("compare " + root.string() +
                                        " --reps 300 --plots svg,png --energy horowitz45");
  INFO(cmd.err);
  REQUIRE(cmd.exit_code == 0);
  CHECK_THAT(cmd.out,
             Catch::Contains("What it costs per episode") && Catch::Contains("reinforce (eval)"));
  const auto cost = csvRows(root / "compare" / "cost.csv");
  REQUIRE(cost.size() == 6);  // 3 groups, training and evaluation
  for (const auto& row : cost) {
    if (row.at("episodes") == "evaluation") {
      // Learning off: no plasticity by the window rule or REINFORCE, nothing for random.
      if (row.at("group") != "snn") CHECK(std::stod(row.at("plasticity_ops")) == 0);
      if (row.at("group") == "random") CHECK(std::stod(row.at("energy_uj_loihi")) == 0);
      continue;
    }
    const std::vector<std::vector<double>>& runs = energy.at(row.at("group"));
    double h = 0, l = 0;
    for (const auto& r : runs) h += r[0] / 3, l += r[1] / 3;
    INFO(row.at("group"));
    CHECK(std::stod(row.at("energy_uj_horowitz45")) == Approx(h));
    CHECK(std::stod(row.at("energy_uj_loihi")) == Approx(l));
    CHECK(std::stod(row.at("energy_uj_loihi_ci_low")) <= l + 1e-12);
    CHECK(std::stod(row.at("energy_uj_loihi_ci_high")) >= l - 1e-12);
  }
  for (const char* ext : {"pareto.svg", "pareto.png"}) {
    INFO(ext);
    CHECK(fs::file_size(root / "compare" / ext) > 1000);
  }
  CHECK_THAT(testing::readFile(root / "compare" / "options.txt"),
             Catch::Contains("--energy horowitz45"));
  // A user's price list adds its columns; a wrong --energy is one line, exit 2.
  write(dir, "mine.yaml",
        "name: mychip\nsource: s\nac_pj: 1\nmac_pj: 1\nplasticity_pj: 1\nneuron_active_pj: 1\n"
        "neuron_inactive_pj: 1\n");
  const auto mine = testing::runSpikegym("compare " + root.string() + " --plots none --prices " +
                                         (dir / "mine.yaml").string() + " --energy mychip");
  CHECK(mine.exit_code == 0);
  CHECK_THAT(testing::readFile(root / "compare" / "cost.csv"), Catch::Contains("energy_uj_mychip"));
  const auto bad = testing::runSpikegym("compare " + root.string() + " --energy loihy");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--energy: no price list 'loihy'") &&
                          Catch::Contains("did you mean 'loihi'"));
  // A count that is not a whole number >= 0 is damage: the run is left out, said in one line.
  const fs::path damaged = root / runFolders(root).front() / "episodes.csv";
  std::string text = testing::readFile(damaged);
  const std::size_t column = [&] {
    const std::string header = text.substr(0, text.find('\n'));
    return static_cast<std::size_t>(
        std::count(header.begin(), header.begin() + header.find(",syn_ac,") + 1, ','));
  }();
  std::size_t at = text.find('\n') + 1;
  for (std::size_t c = 0; c < column; ++c) at = text.find(',', at) + 1;
  text.replace(at, text.find(',', at) - at, "-5");
  std::ofstream(damaged) << text;
  const auto left_out = testing::runSpikegym("compare " + root.string() + " --plots none");
  CHECK(left_out.exit_code == 0);
  CHECK_THAT(left_out.err, Catch::Contains("1 damaged"));
}

TEST_CASE("image envs: training shows the training split, evaluation the test split",
          "[lab][images]") {
  // A digits file of 10 images: the first 8 (the training split, 80%) are labelled 1, the last
  // 2 (the test split) are labelled 2. Every row's label then says which split it came from.
  const auto dir = testing::scratchDir("image_split");
  std::string csv;
  for (int i = 0; i < 10; ++i) {
    for (int p = 0; p < 64; ++p) csv += std::to_string((i + p) % 17) + ",";
    csv += i < 8 ? "1\n" : "2\n";
  }
  const std::string file = write(dir, "digits.csv", csv);
  TrainSpec spec;
  spec.env_id = "Digits-v0";
  spec.env_params = {{"data_path", file}};
  spec.agent_type = "random";
  spec.episodes = 16;
  spec.eval_every = 8;
  spec.eval_episodes = 4;
  int train_rows = 0, eval_rows = 0;
  runTraining(spec, [&](const EpisodeRow& row) {
    const auto label = std::find_if(row.metrics.begin(), row.metrics.end(),
                                    [](const auto& m) { return m.first == "label"; });
    REQUIRE(label != row.metrics.end());
    CHECK(label->second == (row.eval ? 2.0 : 1.0));
    ++(row.eval ? eval_rows : train_rows);
  });
  CHECK(train_rows == 16);
  CHECK(eval_rows == 8);
}

TEST_CASE("the Diehl & Cook preset learns digits from 200 images far above chance",
          "[lab][images]") {
  // 200 training images, then 100 test images with learning off. Chance is 0.10 (binomial sd
  // 0.03 over 100 images); seeds 1-10 of this run reach 0.48-0.72 (seed 1: 0.54), so 0.35 is a
  // margin of 8 sd over chance that a network learning nothing cannot pass.
  const auto dir = testing::scratchDir("dc_digits");
  const std::string file = write(dir, "dc.yaml", R"(name: dc
env: {id: Digits-v0}
agent: {type: snn, preset: digits_diehl_cook, network: {readout: {assign_every: 200}}}
train: {episodes: 200, eval_every: 200, eval_episodes: 100}
seeds: 1
)");
  const Experiment exp = loadExperiment(file, {});
  REQUIRE(exp.runs.size() == 1);
  double correct = 0;
  int eval_rows = 0;
  TrainSpec spec = exp.runs[0].train;  // the run's evaluation plan, as the runner sets it
  spec.eval_every = exp.runs[0].eval_every;
  spec.eval_episodes = exp.runs[0].eval_episodes;
  runTraining(spec, [&](const EpisodeRow& row) {
    if (!row.eval) return;
    ++eval_rows;
    correct += row.episode_return;
    REQUIRE(row.cost);
    CHECK(row.cost->plasticity == 0);  // frozen while tested
  });
  CHECK(eval_rows == 100);
  CHECK(correct / eval_rows >= 0.35);
}

TEST_CASE("compare --score eval:last scores the last evaluation block only", "[lab][compare]") {
  const auto dir = testing::scratchDir("compare_eval_last");
  const std::string file = write(dir, "e.yaml", R"(name: e
env: {id: CartPole-v1}
agent: {type: random}
train: {episodes: 4, eval_every: 2, eval_episodes: 3}
seeds: 1
)");
  REQUIRE(testing::runSpikegym("run " + file + " --out " + (dir / "r").string()).exit_code == 0);
  const fs::path results = dir / "r" / "e";
  std::string id;
  for (const auto& d : fs::directory_iterator(results)) {
    if (d.is_directory() && d.path().filename() != "compare") id = d.path().filename().string();
  }
  // The evaluation returns by hand from episodes.csv (return: column 4, eval: column 8): two
  // blocks of 3, after 2 and 4 training episodes.
  std::istringstream csv(testing::readFile(results / id / "episodes.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<double> eval;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    if (f.at(7) == "1") eval.push_back(std::stod(f.at(3)));
  }
  REQUIRE(eval.size() == 6);
  const double all = (eval[0] + eval[1] + eval[2] + eval[3] + eval[4] + eval[5]) / 6;
  const double last = (eval[3] + eval[4] + eval[5]) / 3;
  auto mean = [&](const std::string& score) {
    const auto r =
        testing::runSpikegym("compare " + results.string() + " --score " + score + " --plots none");
    REQUIRE(r.exit_code == 0);
    std::istringstream s(testing::readFile(results / "compare" / "summary.csv"));
    std::string header, row;
    std::getline(s, header);
    std::getline(s, row);
    auto split = [](const std::string& text) {
      std::vector<std::string> f;
      std::istringstream fields(text);
      for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
      return f;
    };
    const auto names = split(header), values = split(row);
    const auto at = std::find(names.begin(), names.end(), "mean");
    REQUIRE(at != names.end());
    return std::stod(values.at(static_cast<std::size_t>(at - names.begin())));
  };
  CHECK(mean("eval") == Approx(all));
  CHECK(mean("eval:last") == Approx(last));
}

TEST_CASE(
    "compare gives per-class test accuracy and a confusion matrix from the last evaluation block",
    "[lab][compare]") {
  const auto dir = testing::scratchDir("compare_classes");
  const fs::path results = runExperiment(dir, R"(name: e
env: {id: Digits-v0}
agent: {type: random}
train: {episodes: 6, eval_every: 3, eval_episodes: 40}
seeds: 2
)");
  // By hand from each run's episodes.csv: the rows of the last evaluation block (eval = 1,
  // episode = 6: after all 6 training episodes), counted per (label, answer).
  std::map<std::pair<int, int>, int> counts;
  std::map<int, std::vector<double>> per_run_accuracy;  // class -> each run's accuracy
  int runs = 0;
  for (const fs::path& d : runDirs(results)) {
    ++runs;
    std::istringstream csv(testing::readFile(d / "episodes.csv"));
    std::string line;
    std::getline(csv, line);
    const auto names = csvSplit(line);
    auto col = [&](const char* name) {
      const auto at = std::find(names.begin(), names.end(), name);
      REQUIRE(at != names.end());
      return static_cast<std::size_t>(at - names.begin());
    };
    const std::size_t eval = col("eval"), episode = col("episode"), label = col("label"),
                      answer = col("answer");
    std::map<int, std::pair<int, int>> right_seen;
    int block = 0;
    while (std::getline(csv, line)) {
      const auto f = csvSplit(line);
      if (f.at(eval) != "1" || f.at(episode) != "6") continue;
      ++block;
      const int l = std::stoi(f.at(label)), a = std::stoi(f.at(answer));
      ++counts[{l, a}];
      right_seen[l].first += l == a;
      ++right_seen[l].second;
    }
    REQUIRE(block == 40);
    for (const auto& [l, rs] : right_seen) {
      per_run_accuracy[l].push_back(static_cast<double>(rs.first) / rs.second);
    }
  }
  REQUIRE(runs == 2);
  const auto r = testing::runSpikegym("compare " + results.string() + " --score eval:last");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Per class") != std::string::npos);
  CHECK(fs::exists(results / "compare" / "confusion.png"));
  // confusion.csv: every (label, answer) of both runs, summed; the rest 0.
  std::istringstream confusion(testing::readFile(results / "compare" / "confusion.csv"));
  std::string line;
  std::getline(confusion, line);
  CHECK(line == "group,label,answer,count,fraction_of_label");
  int rows = 0, total = 0;
  while (std::getline(confusion, line)) {
    const auto f = csvSplit(line);
    const int l = std::stoi(f.at(1)), a = std::stoi(f.at(2)), n = std::stoi(f.at(3));
    const auto it = counts.find({l, a});
    CHECK(n == (it == counts.end() ? 0 : it->second));
    total += n;
    ++rows;
  }
  CHECK(rows == 100);  // 10 classes x 10 answers, one group
  CHECK(total == 80);
  // classes.csv: per class, the mean over runs of each run's accuracy on the class.
  std::istringstream classes(testing::readFile(results / "compare" / "classes.csv"));
  std::getline(classes, line);
  CHECK(line == "group,class,n_runs,images_per_run,accuracy,ci_low,ci_high");
  while (std::getline(classes, line)) {
    const auto f = csvSplit(line);
    const int c = std::stoi(f.at(1));
    const auto& acc = per_run_accuracy[c];
    if (acc.empty()) {
      CHECK(f.at(4).empty());
      continue;
    }
    double sum = 0;
    for (double v : acc) sum += v;
    CHECK(std::stod(f.at(4)) == Approx(sum / static_cast<double>(acc.size())));
    CHECK(std::stod(f.at(5)) <= std::stod(f.at(4)));
    CHECK(std::stod(f.at(6)) >= std::stod(f.at(4)));
  }
}

TEST_CASE(
    "episodes.csv: a label or answer that is not a class number is refused and the run left out",
    "[lab][compare]") {
  const std::string header =
      "run_id,seed,episode,return,length,wall_s,truncated,eval,eval_episode,label,answer,correct\n";
  const std::string train = "a,1,0,0,1,0,0,0,,3,3,1\n";
  const EpisodeSeries good =
      parseEpisodes("e.csv", header + train + "a,1,1,1,1,0,0,1,0,7,2,0\n", "return");
  REQUIRE(good.eval_labels == std::vector<int>{7});
  REQUIRE(good.eval_answers == std::vector<int>{2});
  CHECK(good.train.size() == 1);
  for (const std::string bad : {"1.5", "-1", "1000", "x", ""}) {
    for (int column = 0; column < 2; ++column) {
      const std::string row = column == 0 ? "a,1,1,1,1,0,0,1,0," + bad + ",2,0\n"
                                          : "a,1,1,1,1,0,0,1,0,7," + bad + ",0\n";
      const std::string name = column == 0 ? "label" : "answer";
      try {
        parseEpisodes("e.csv", header + train + row, "return");
        FAIL("accepted " + name + " '" + bad + "'");
      } catch (const UserError& e) {
        const std::string what = e.what();
        CHECK(what.find("e.csv:3: column '" + name + "'") != std::string::npos);
      }
    }
  }
  // A run whose episodes.csv names no class is not a classification run: no test block.
  const EpisodeSeries plain =
      parseEpisodes("p.csv", "run_id,seed,episode,return,eval\na,1,0,5,0\na,1,1,4,1\n", "return");
  CHECK(plain.eval_labels.empty());
  // And compare leaves a run with a damaged label out, said (exit 2 when it was the only one).
  const auto dir = testing::scratchDir("compare_bad_label");
  const fs::path results = runExperiment(dir, R"(name: e
env: {id: Digits-v0}
agent: {type: random}
train: {episodes: 2, eval_every: 2, eval_episodes: 3}
seeds: 1
)");
  const fs::path episodes = runDirs(results).at(0) / "episodes.csv";
  std::string text = testing::readFile(episodes);
  const auto last = text.rfind('\n', text.size() - 2) + 1;
  std::string row = text.substr(last);
  // label is the 10th column of an image env's rows
  std::size_t at = 0;
  for (int i = 0; i < 9; ++i) at = row.find(',', at) + 1;
  row.replace(at, row.find(',', at) - at, "1.5");
  text = text.substr(0, last) + row;
  { std::ofstream(episodes) << text; }
  const auto r = testing::runSpikegym("compare " + results.string() + " --plots none");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("1 damaged") != std::string::npos);
}
