#include "lab/training.hpp"

#include "core/rng.hpp"
#include "envs/registry.hpp"

namespace spikegym::lab {

void runTraining(const TrainSpec& spec,
                 const std::function<void(const EpisodeRow&)>& on_episode) {
  auto env = envs::make(spec.env_id, rngStream(spec.seed, "env").next());
  auto agent = agents::makeAgent(spec.agent_type, env->observationSpace(), env->actionSpace(),
                                 spec.agent_params, rngStream(spec.seed, "agent").next());
  if (!spec.load_checkpoint.empty()) agent->load(spec.load_checkpoint);
  std::vector<double> obs;
  for (long episode = 0; episode < spec.episodes; ++episode) {
    envs::ResetResult start = env->reset();
    obs.assign(start.obs.begin(), start.obs.end());
    agent->onEpisodeStart();
    EpisodeRow row;
    row.episode = episode;
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
  }
  if (!spec.save_checkpoint.empty()) agent->save(spec.save_checkpoint);
}

}  // namespace spikegym::lab
