#include "lab/training.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"
#include "lab/experiment.hpp"
#include "lab/presets.hpp"
#include "lab/session.hpp"

namespace spikegym::lab {

TrainSpec resolveTrainRequest(const TrainRequest& request, std::vector<std::string>& notes) {
  TrainSpec spec = request.spec;
  std::vector<std::string> sets = request.sets;
  std::string preset = request.preset;
  if (!request.config.empty()) {
    // Everything resolved (a network definition included), as `run` would for its first cell.
    // The sets go into the file before resolution, so that derived values (sizes) follow them.
    std::vector<std::string> overrides;
    for (const auto& kv : sets) overrides.push_back(kv.rfind("env.", 0) == 0 ? kv : "agent." + kv);
    sets.clear();
    if (!preset.empty()) overrides.push_back("agent.preset=" + preset);
    preset.clear();
    const Experiment exp = loadExperiment(request.config, overrides);
    notes.insert(notes.end(), exp.notes.begin(), exp.notes.end());
    const TrainSpec& cell = exp.runs.front().train;
    spec.env_id = cell.env_id;
    spec.env_params = cell.env_params;
    spec.agent_type = cell.agent_type;
    spec.agent_params = cell.agent_params;
    if (!request.episodes_given) spec.episodes = cell.episodes;
  }
  // A preset (given, or set as preset=NAME / agent.preset=NAME): its agent values first, every
  // set on top, as `agent: {preset: NAME, ...}` in a file.
  for (const auto& kv : sets) {
    if (kv.rfind("preset=", 0) == 0) preset = kv.substr(7);
    if (kv.rfind("agent.preset=", 0) == 0) preset = kv.substr(13);
  }
  if (!preset.empty()) {
    const Preset& p = findPreset(preset);
    for (const auto& [path, entry] : p.values) {
      if (path == "type") {
        spec.agent_type = entry.text;
      } else {
        spec.agent_params[path] = entry.text;
      }
    }
  }
  if (const std::string note = presetNote(preset, spec.env_id, spec.agent_type);
      !note.empty() && request.config.empty()) {
    notes.push_back(note);
  }
  for (const auto& kv : sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UserError("--set '" + kv + "': expected key=value, e.g. --set learning_rule=mstdp");
    }
    const std::string key = kv.substr(0, eq);
    if (key == "preset" || key == "agent.preset") continue;
    if (key.rfind("env.", 0) == 0) {
      spec.env_params[key.substr(4)] = kv.substr(eq + 1);
    } else {
      spec.agent_params[key] = kv.substr(eq + 1);
    }
  }
  return spec;
}

TrainingResult runTraining(const TrainSpec& spec,
                           const std::function<void(const EpisodeRow&)>& on_episode) {
  Session session(spec);
  // Evaluation runs in a session of its own, on a copy of the agent, with its own env and
  // exploration streams: evaluating never changes the training episodes.
  std::unique_ptr<Session> evaluator;
  auto episode = [&](Session& s, long number, bool eval, long eval_index) {
    if (spec.stop && spec.stop->load()) throw Interrupted{};
    s.beginEpisode(number, eval);
    while (!s.stepOnce()) {
    }
    lab::EpisodeRow row = s.lastEpisode();
    row.eval_index = eval_index;
    on_episode(row);
    const std::string& reason = s.lastEpisode().truncation_reason;
    if (reason.rfind("numerical fault", 0) == 0) {
      throw UserError("episode " + std::to_string(number) + ": " + reason);
    }
  };
  for (long e = 0; e < spec.episodes; ++e) {
    episode(session, e, false, -1);
    if (!spec.progress_checkpoint.empty() && spec.progress_checkpoint_every > 0 &&
        (e + 1) % spec.progress_checkpoint_every == 0 && e + 1 < spec.episodes) {
      session.agent().save(spec.progress_checkpoint);
    }
    if (spec.eval_every > 0 && (e + 1) % spec.eval_every == 0 && spec.eval_episodes > 0) {
      if (!evaluator) evaluator = Session::forEvaluation(spec);
      evaluator->copyAgent(
          session.agent(),
          rngStream(spec.seed, "eval_exploration:" + std::to_string(e + 1)).next());
      for (long k = 0; k < spec.eval_episodes; ++k) episode(*evaluator, e + 1, true, k);
    }
  }
  session.finish();
  return {session.agent().costParts()};
}

}  // namespace spikegym::lab
