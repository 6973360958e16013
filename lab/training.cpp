#include "lab/training.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"
#include "lab/session.hpp"

namespace spikegym::lab {

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
