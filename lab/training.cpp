#include "lab/training.hpp"

#include "core/error.hpp"
#include "lab/session.hpp"

namespace spikegym::lab {

void runTraining(const TrainSpec& spec, const std::function<void(const EpisodeRow&)>& on_episode) {
  Session session(spec);
  auto episode = [&](long number, bool eval, long eval_index) {
    if (spec.stop && spec.stop->load()) throw Interrupted{};
    session.beginEpisode(number, eval);
    while (!session.stepOnce()) {
    }
    lab::EpisodeRow row = session.lastEpisode();
    row.eval_index = eval_index;
    on_episode(row);
    const std::string& reason = session.lastEpisode().truncation_reason;
    if (reason.rfind("numerical fault", 0) == 0) {
      throw UserError("episode " + std::to_string(number) + ": " + reason);
    }
  };
  for (long e = 0; e < spec.episodes; ++e) {
    episode(e, false, -1);
    if (spec.eval_every > 0 && (e + 1) % spec.eval_every == 0) {
      for (long k = 0; k < spec.eval_episodes; ++k) episode(e + 1, true, k);
    }
  }
  session.finish();
}

}  // namespace spikegym::lab
