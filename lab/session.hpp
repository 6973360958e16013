// Session: one env and one agent, stepped one env step at a time, with the episode bookkeeping.
// runTraining() is a loop over a Session, and the viewer drives the same Session one step per
// frame (as Box2D's samples step their world), so a watched run and a headless run are the same
// computation.
//
//   Session s(spec);
//   s.beginEpisode(0, /*eval=*/false);
//   while (!s.stepOnce()) {}        // true on the step that ends the episode
//   const EpisodeRow& row = s.lastEpisode();
#pragma once

#include <memory>
#include <vector>

#include "agents/agent.hpp"
#include "envs/env.hpp"
#include "lab/training.hpp"

namespace spikegym::lab {

/// What the last env step did.
struct StepRecord {
  envs::Action action;
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
};

class Session {
 public:
  /// Builds the env and the agent of `spec` (streams derived from spec.seed) and loads
  /// spec.load_checkpoint when given. Throws UserError for bad specs.
  explicit Session(const TrainSpec& spec);

  /// A session for evaluation episodes: its env and agent are built from the spec with their
  /// own streams ("eval_env", "eval_agent"), the env with its spec's evaluation_params over the
  /// run's (image envs: the test split), no checkpoint is loaded, and learning is off.
  /// Evaluating in it never touches the training session: with evaluation on or off, training
  /// episodes are bit-identical.
  static std::unique_ptr<Session> forEvaluation(const TrainSpec& spec);
  /// Makes this session's agent a copy of `agent` (through its in-memory checkpoint) that
  /// explores from `exploration_seed`.
  void copyAgent(const agents::Agent& agent, std::uint64_t exploration_seed);

  /// Resets the env and starts episode `number` (evaluation: learning off).
  void beginEpisode(long number, bool eval);
  /// One env step: the agent acts, the env steps, the agent observes. Starts the next training
  /// episode first when none is in progress. Returns true when this step ended the episode;
  /// lastEpisode() then holds its row.
  bool stepOnce();

  bool inEpisode() const { return in_episode_; }
  /// The episode in progress (or the last one): its number, steps and return so far.
  long episodeNumber() const { return row_.episode; }
  long episodeSteps() const { return row_.length; }
  double episodeReturn() const { return row_.episode_return; }
  bool evalEpisode() const { return row_.eval; }
  /// Training episodes finished so far.
  long trainingEpisodesDone() const { return training_done_; }
  /// The last step, and the observation the agent will act on next.
  const StepRecord& lastStep() const { return last_; }
  const std::vector<double>& observation() const { return obs_; }
  /// The row of the last finished episode.
  const EpisodeRow& lastEpisode() const { return finished_; }

  const envs::Env& env() const { return *env_; }
  /// The env for a viewer's live controls (envs::Env::setLiveParam); runs never change it.
  envs::Env& env() { return *env_; }
  agents::Agent& agent() { return *agent_; }
  const agents::Agent& agent() const { return *agent_; }

  /// Learning in the training episodes that stepOnce() starts by itself (and now, when an
  /// episode is in progress and not an evaluation one). On by default.
  void setLearning(bool on);
  bool learning() const { return learning_; }

  /// Writes the agent to spec.save_checkpoint (if set) with learning back on.
  void finish();

 private:
  Session(const TrainSpec& spec, const char* env_stream, const char* agent_stream);

  TrainSpec spec_;
  std::unique_ptr<envs::Env> env_;
  std::unique_ptr<agents::Agent> agent_;
  std::vector<double> obs_;
  StepRecord last_;
  EpisodeRow row_, finished_;
  bool in_episode_ = false;
  bool learning_ = true;
  long training_done_ = 0;
  snn::OpCounts episode_counts_;  // the agent's counts when the episode began
};

}  // namespace spikegym::lab
