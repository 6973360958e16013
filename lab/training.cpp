#include "lab/training.hpp"

#include "core/rng.hpp"
#include "envs/registry.hpp"

namespace spikegym::lab {

void runTraining(const TrainSpec& spec, const std::function<void(const EpisodeRow&)>& on_episode) {
  auto env = envs::make(spec.env_id, rngStream(spec.seed, "env").next(), spec.env_params);
  auto agent = agents::makeAgent(spec.agent_type, env->observationSpace(), env->actionSpace(),
                                 spec.agent_params, rngStream(spec.seed, "agent").next());
  if (!spec.load_checkpoint.empty()) agent->load(spec.load_checkpoint);
  std::vector<double> obs;
  auto episode = [&](long number, bool eval) {
    if (spec.stop && spec.stop->load()) throw Interrupted{};
    envs::ResetResult start = env->reset();
    obs.assign(start.obs.begin(), start.obs.end());
    agent->setLearning(!eval);
    agent->onEpisodeStart();
    EpisodeRow row;
    row.episode = number;
    row.eval = eval;
    while (true) {
      const envs::Action action = agent->act(obs);
      const envs::StepResult r = env->step(action);
      row.episode_return += r.reward;
      ++row.length;
      agent->observe(r.obs, r.reward, r.terminated, r.truncated);
      if (r.terminated || r.truncated) {
        row.truncated = r.truncated;
        row.truncation_reason = r.info->truncation_reason;
        row.metrics = r.info->values;
        break;
      }
      obs.assign(r.obs.begin(), r.obs.end());
    }
    for (auto& d : agent->diagnostics()) row.metrics.push_back(std::move(d));
    on_episode(row);
  };
  for (long e = 0; e < spec.episodes; ++e) {
    episode(e, false);
    if (spec.eval_every > 0 && (e + 1) % spec.eval_every == 0) {
      for (long k = 0; k < spec.eval_episodes; ++k) episode(e + 1, true);
    }
  }
  agent->setLearning(true);
  if (!spec.save_checkpoint.empty()) agent->save(spec.save_checkpoint);
}

}  // namespace spikegym::lab
