#include "lab/session.hpp"

#include "core/rng.hpp"
#include "envs/registration.hpp"

namespace spikegym::lab {

Session::Session(const TrainSpec& spec) : Session(spec, "env", "agent") {
  if (!spec.load_checkpoint.empty()) agent_->load(spec.load_checkpoint);
}

Session::Session(const TrainSpec& spec, const char* env_stream, const char* agent_stream)
    : spec_(spec) {
  env_ = envs::make(spec.env_id, rngStream(spec.seed, env_stream).next(), spec.env_params);
  const std::uint64_t agent_seed = rngStream(spec.seed, agent_stream).next();
  agent_ = spec.agent ? agents::makeAgent(*spec.agent, env_->observationSpace(),
                                          env_->actionSpace(), agent_seed)
                      : agents::makeAgent(spec.agent_type, env_->observationSpace(),
                                          env_->actionSpace(), spec.agent_params, agent_seed);
  agent_->setCounting(spec.count_ops);
}

std::unique_ptr<Session> Session::forEvaluation(const TrainSpec& spec) {
  TrainSpec eval = spec;
  // The env's evaluation settings over the run's (image envs: the test split).
  for (const auto& [name, value] : envs::envSpec(spec.env_id).evaluation_params) {
    eval.env_params[name] = value;
  }
  eval.load_checkpoint.clear();
  eval.save_checkpoint.clear();
  std::unique_ptr<Session> s(new Session(eval, "eval_env", "eval_agent"));
  s->learning_ = false;
  return s;
}

void Session::copyAgent(const agents::Agent& agent, std::uint64_t exploration_seed) {
  agent_->restore(agent.checkpoint(), "the training agent");
  agent_->reseedExploration(exploration_seed);
  agent_->setLearning(false);
}

void Session::beginEpisode(long number, bool eval) {
  const envs::ResetResult start = env_->reset();
  obs_.assign(start.obs.begin(), start.obs.end());
  agent_->setLearning(!eval);
  agent_->onEpisodeStart();
  row_ = EpisodeRow{};
  episode_counts_ = agent_->opCounts();
  row_.episode = number;
  row_.eval = eval;
  last_ = StepRecord{};
  in_episode_ = true;
}

bool Session::stepOnce() {
  if (!in_episode_) {
    beginEpisode(training_done_, false);
    if (!learning_) agent_->setLearning(false);
  }
  const envs::Action action = agent_->act(obs_);
  const envs::StepResult r = env_->step(action);
  row_.episode_return += r.reward;
  ++row_.length;
  last_ = {action, r.reward, r.terminated, r.truncated};
  agent_->observeInfo(*r.info);
  agent_->observe(r.obs, r.reward, r.terminated, r.truncated);
  obs_.assign(r.obs.begin(), r.obs.end());
  const std::string fault = agent_->numericalFault();
  if (!r.terminated && !r.truncated && fault.empty()) return false;
  row_.truncated = r.truncated || !fault.empty();
  row_.truncation_reason =
      fault.empty() ? r.info->truncation_reason : "numerical fault in the agent: " + fault;
  row_.metrics = r.info->values;
  for (auto& d : agent_->diagnostics()) row_.metrics.push_back(std::move(d));
  if (spec_.count_ops) row_.cost = agent_->opCounts().since(episode_counts_);
  in_episode_ = false;
  if (!row_.eval) ++training_done_;
  finished_ = row_;
  return true;
}

void Session::setLearning(bool on) {
  learning_ = on;
  if (in_episode_ && !row_.eval) agent_->setLearning(on);
}

void Session::finish() {
  agent_->setLearning(true);
  if (!spec_.save_checkpoint.empty()) agent_->save(spec_.save_checkpoint);
}

}  // namespace spikegym::lab
