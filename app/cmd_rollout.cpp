// `spikegym rollout`: steps one env with a given action list, an action file or a random policy
// and prints every step as CSV (or one summary row per episode with --summary).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"
#include "envs/registration.hpp"

namespace spikegym::app {
namespace {

struct RolloutOptions {
  std::string env_id;
  std::uint64_t seed = 0;
  std::string init_state;    // comma-separated, empty = random start
  std::string actions;       // comma-separated, empty = not given
  std::string actions_file;  // path, empty = not given
  std::string policy;        // "random" or empty
  long max_steps = -1;       // -1 = until the episode ends
  int episodes = 1;
  bool summary = false;
};

/// Parses a whole token as a number (core's parsers); `where` names the source for the error.
template <typename T>
T parseToken(const std::string& token, const std::string& where, const char* expected) {
  T value{};
  bool ok;
  if constexpr (std::is_same_v<T, double>) {
    ok = parseNumber(token, value);
  } else {
    ok = parseInteger(token, value);
  }
  if (!ok) throw UserError(where + ": expected " + expected + ", got '" + token + "'");
  return value;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream is(text);
  while (std::getline(is, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t\r");
    out.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
  }
  return out;
}

std::vector<std::int64_t> actionsFromList(const std::string& text) {
  std::vector<std::int64_t> out;
  int i = 0;
  for (const auto& tok : splitList(text)) {
    out.push_back(parseToken<std::int64_t>(tok, "--actions item " + std::to_string(++i),
                                           "an integer action"));
  }
  return out;
}

/// An action file holds integers separated by commas, spaces or newlines; '#' starts a comment.
std::vector<std::int64_t> actionsFromFile(const std::string& path) {
  // Regular files only, bounded (a FIFO or /dev/zero would hang or fill memory).
  std::istringstream in(readRegularFile(path, kMaxTextFileBytes, "the --actions-file"));
  std::vector<std::int64_t> out;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    line = line.substr(0, line.find('#'));
    for (char& c : line) {
      if (c == ',' || c == '\t' || c == '\r') c = ' ';
    }
    std::istringstream is(line);
    std::string tok;
    while (is >> tok) {
      out.push_back(
          parseToken<std::int64_t>(tok, path + ":" + std::to_string(line_no), "an integer action"));
    }
  }
  return out;
}

void appendNumber(std::string& out, double v) {
  // The shortest text that reads back as the same double (what Python's repr prints).
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void rollout(const RolloutOptions& o) {
  const int sources = !o.actions.empty() + !o.actions_file.empty() + !o.policy.empty();
  if (sources != 1) {
    throw UserError("rollout: give exactly one of --actions, --actions-file, --policy random");
  }
  if (o.episodes > 1 && !o.summary) {
    throw UserError("rollout: --episodes " + std::to_string(o.episodes) +
                    " needs --summary (per-step CSV covers one episode)");
  }
  std::vector<std::int64_t> script;
  if (!o.actions.empty()) script = actionsFromList(o.actions);
  if (!o.actions_file.empty()) script = actionsFromFile(o.actions_file);

  envs::ResetOptions reset_options;
  if (!o.init_state.empty()) {
    std::vector<double> state;
    int i = 0;
    for (const auto& tok : splitList(o.init_state)) {
      state.push_back(
          parseToken<double>(tok, "--init-state item " + std::to_string(++i), "a number"));
    }
    reset_options.initial_state = std::move(state);
  }

  std::unique_ptr<envs::Env> env = envs::make(o.env_id, o.seed);
  if (env->actionSpace().kind() != envs::Space::Kind::kDiscrete) {
    throw UserError("rollout: env " + o.env_id +
                    " has a Box action space; rollout drives "
                    "Discrete action spaces only");
  }
  Rng policy_rng = rngStream(o.seed, "policy");
  envs::Action action;
  std::string out;
  if (o.summary) {
    out = "episode,return,length\n";
  } else {
    out = "t,action";
    for (const auto& name : env->observationNames()) out += "," + name;
    out += ",reward,terminated,truncated\n";
  }
  std::size_t next_scripted = 0;
  for (int episode = 0; episode < o.episodes; ++episode) {
    envs::ResetResult start = episode == 0 ? env->reset(o.seed, reset_options) : env->reset();
    if (!o.summary) {
      out += "0,";
      for (double x : start.obs) out += ",", appendNumber(out, x);
      out += ",,0,0\n";
    }
    double episode_return = 0.0;
    long t = 0;
    while (o.max_steps < 0 || t < o.max_steps) {
      if (!o.policy.empty()) {
        env->actionSpace().sample(policy_rng, action);
      } else if (next_scripted < script.size()) {
        action.index = script[next_scripted++];
      } else {
        break;  // the scripted actions ran out before the episode ended
      }
      if (!env->actionSpace().contains(action)) {
        throw UserError("rollout: action " + std::to_string(action.index) + " at step " +
                        std::to_string(t + 1) + " is outside " + env->actionSpace().describe());
      }
      const envs::StepResult r = env->step(action);
      ++t;
      episode_return += r.reward;
      if (!o.summary) {
        out += std::to_string(t) + "," + std::to_string(action.index);
        for (double x : r.obs) out += ",", appendNumber(out, x);
        out += ",";
        appendNumber(out, r.reward);
        out += r.terminated ? ",1" : ",0";
        out += r.truncated ? ",1\n" : ",0\n";
      }
      if (r.terminated || r.truncated) break;
    }
    if (o.summary) {
      out += std::to_string(episode) + ",";
      appendNumber(out, episode_return);
      out += "," + std::to_string(t) + "\n";
    }
  }
  std::cout << out;
}

}  // namespace

void addRolloutCommand(CLI::App& app) {
  auto o = std::make_shared<RolloutOptions>();
  CLI::App* cmd = app.add_subcommand(
      "rollout",
      "Step an env and print CSV: t,action,<observation>,reward,terminated,truncated "
      "(t=0 is the reset observation)");
  cmd->add_option("--env", o->env_id, "Env id, e.g. CartPole-v1 (see `spikegym list envs`)")
      ->required();
  cmd->add_option("--seed", o->seed, "Seed of the env's reset and of the random policy")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  cmd->add_option("--init-state", o->init_state,
                  "Initial state, comma-separated, in the env's state layout (CartPole: "
                  "x,x_dot,theta,theta_dot); replaces the seeded random start");
  cmd->add_option("--actions", o->actions, "Comma-separated action list, e.g. 0,1,1,0");
  cmd->add_option("--actions-file", o->actions_file,
                  "File of actions separated by commas, spaces or newlines ('#' comments)");
  cmd->add_option("--policy", o->policy, "Policy that picks the actions")
      ->check(CLI::IsMember({"random"}));
  cmd->add_option("--max-steps", o->max_steps, "Stop after this many steps (default: episode end)")
      ->check(wholeNumber(1, 1000000000000));
  cmd->add_option("--episodes", o->episodes, "Episodes to run (more than 1 needs --summary)")
      ->check(wholeNumber(1, 100000000))
      ->capture_default_str();
  cmd->add_flag("--summary", o->summary, "Print episode,return,length per episode instead");
  cmd->callback([o] { rollout(*o); });
}

}  // namespace spikegym::app
