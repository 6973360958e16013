#include "agents/snn_agent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "agents/checkpoint.hpp"
#include "core/error.hpp"
#include "snn/sources.hpp"

namespace spikegym::agents {
namespace {

using Kind = Param::Kind;

const std::string kType = "snn";

/// Snapshot of an Rng as 8 exact doubles (32-bit halves) and back.

/// The agent's defaults for its learning rule's parameters (rule.<name> settings override them).
/// Chosen on CartPole-v1 (BENCHMARKS.md has the runs behind them):
/// - a_minus = 0: the inputs are Poisson and barely correlated with the output spikes, so a
///   depression term would make the eligibility of every active synapse negative on average and
///   invert the sign of learning; with a_minus = 0 the eligibility is a Hebbian pre x post
///   correlation, and the TD error's sign decides.
/// - tau_c = 200 ms (10 env steps of 20 ms): long enough to reach the actions that led to a
///   delayed TD error, short enough not to blame the whole episode (100: 63-101; 400: 130-217;
///   1000: 191-244 at 500 episodes).
/// - eta = 0.15 /s (rstdp; mstdpet keeps 0.2) and w_max = 8 mV: with dopamine tau 10 ms a TD
///   error of 1 moves a fully eligible weight by ~0.0015 mV per step; eta 0.03 never learns,
///   0.5 is unstable. Retuned after the CartPole dynamics fix (issue 8), seeds 1-10: eta 0.1
///   median 303.9, 0.125 306.6, 0.15 318.5 (min 298.8), 0.2 310.0 (one seed collapsed to 96).
snn::ParamValues agentRuleDefaults(const std::string& rule) {
  switch (snn::ruleInfo(rule).kind) {
    case snn::RuleKind::kEligibility:
      // mstdpet keeps Florian's 25 ms eligibility: it is what distinguishes it from rstdp.
      if (rule == "mstdpet") {
        return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"eta", 0.2}, {"w_min", 0.0}, {"w_max", 8.0}};
      }
      return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"tau_c_ms", 200.0},
              {"eta", 0.15},   {"w_min", 0.0},   {"w_max", 8.0}};
    case snn::RuleKind::kMstdp:
      return {{"a_plus", 0.1}, {"a_minus", 0.0}, {"eta", 0.001}, {"w_min", 0.0}, {"w_max", 8.0}};
    case snn::RuleKind::kStdp:
    case snn::RuleKind::kHebbian:
      return {{"w_min", 0.0}, {"w_max", 8.0}};
    case snn::RuleKind::kNone:
      break;
  }
  return {};
}

}  // namespace

// Defaults: tuned for CartPole-v1 (BENCHMARKS.md has the runs behind each choice). The ones
// that are not obvious:
// - max_rate_hz 250, w_init 1.7-3.4 mV: about 2.5 input spikes arrive per ms; weights near
//   1 mV leave the LIF outputs (16 mV below threshold) nearly silent (1.9 Hz) and decisions to
//   chance. Over seeds 1-10 (v1 dynamics), 200 Hz with 2-4 mV gave median 284.5, 250 Hz with
//   1.7-3.4 mV 311.8; on the fixed dynamics 200 Hz with 1.7-3.4 mV gives 263.4.
//   The optimum sits near a cliff: 250 Hz with 1.75-3.5 or 1.8-3.6 mV, or 275-300 Hz, already
//   collapse on some seeds (BENCHMARKS.md).
// - homeostasis = scaling: TD errors are negative on average early on, so without scaling the
//   output weights sink until the outputs fall silent (0 Hz) and learning stops for good.
// - wta_inhibition = 2 mV: enough that the winning group takes most spikes (so the eligibility
//   follows the action taken); 4 mV, or 32 neurons per group at 2 mV, lets one group silence
//   the other for good.
// - dopamine_tau_ms = 10: the TD error of step t must act mostly on the eligibility of step t,
//   before the next window's pairings pile up (20 ms: 43-104, 5 ms: about the same as 10).
// - epsilon 0.05 -> 0 over 300 episodes: the spiking noise already explores; more epsilon only
//   adds failures (seeds 1-10, eta 0.2: 0.1 median 286.2 with a seed at 113, 0.05 310.0).
const ParamTable& SnnAgent::params() {
  static const ParamTable specs = withEncoderParams({
      {"encoder",
       "population",
       Kind::kChoice,
       0,
       0,
       {"population", "current", "rate"},
       "observation coding: Gaussian receptive fields as Poisson rates or currents, or rate"},
      {"max_rate_hz", "250", Kind::kNumber, 0, 1000, {}, "[Hz] input rate at full activity"},
      {"input_current",
       "30",
       Kind::kNumber,
       0,
       1000,
       {},
       "[mV] current at full activity (encoder=current)"},
      {"hidden", "0", Kind::kInteger, 0, 100000, {}, "hidden LIF neurons (0: none)"},
      {"hidden_p", "0.2", Kind::kNumber, 0, 1, {}, "input->hidden connection probability"},
      {"hidden_w", "4", Kind::kNumber, 0, 100, {}, "[mV] input->hidden weights uniform in [0, w]"},
      {"output_size", "16", Kind::kInteger, 1, 10000, {}, "output neurons per action"},
      {"neuron_model",
       "lif",
       Kind::kText,
       0,
       0,
       {},
       "output neuron model, or model:PRESET (see list neurons); its parameters: neuron.<name>"},
      {"learning_rule", "rstdp", Kind::kText, 0, 0, {}, "plasticity rule (see list rules)"},
      {"w_init_min", "1.7", Kind::kNumber, -1e6, 1e6, {}, "[mV] initial plastic weights: min"},
      {"w_init_max", "3.4", Kind::kNumber, -1e6, 1e6, {}, "[mV] initial plastic weights: max"},
      {"wta_inhibition",
       "2",
       Kind::kNumber,
       0,
       1000,
       {},
       "[mV] lateral inhibition between action groups (0: none)"},
      {"decoder",
       "argmax",
       Kind::kChoice,
       0,
       0,
       {"argmax", "softmax", "first_to_spike"},
       "spike counts -> action"},
      {"temperature", "1", Kind::kNumber, 1e-6, 1e6, {}, "[spikes] softmax temperature"},
      {"epsilon_start",
       "0.05",
       Kind::kNumber,
       0,
       1,
       {},
       "exploration probability at first (seeds 1-10, eta 0.2: 0.1 median 286, 0.05 310)"},
      {"epsilon_end", "0", Kind::kNumber, 0, 1, {}, "exploration probability at the end"},
      {"epsilon_episodes", "300", Kind::kNumber, 1, 1e9, {}, "[episodes] linear decay length"},
      {"explore_current",
       "40",
       Kind::kNumber,
       0,
       1000,
       {},
       "[mV] drive into the explored action's group"},
      {"steps_per_action", "20", Kind::kInteger, 1, 100000, {}, "SNN steps per env step"},
      {"dt_ms", "1", Kind::kNumber, 0.01, 10, {}, "[ms] SNN step"},
      {"dopamine",
       "critic",
       Kind::kChoice,
       0,
       0,
       {"critic", "reward", "reward_baseline"},
       "what drives dopamine: TD error of a linear critic, the reward, or reward - average"},
      {"dopamine_gain", "1", Kind::kNumber, 0, 1e6, {}, "[1] dopamine per unit TD error/reward"},
      {"dopamine_tau_ms", "10", Kind::kNumber, 0, 1e5, {}, "[ms] dopamine decay"},
      {"baseline_window", "100", Kind::kNumber, 1, 1e9, {}, "[steps] reward average window"},
      {"gamma", "0.99", Kind::kNumber, 0, 1, {}, "[1] discount of the critic"},
      {"critic_lr", "0.01", Kind::kNumber, 0, 10, {}, "[1] critic learning rate"},
      {"critic_lambda",
       "0.9",
       Kind::kNumber,
       0,
       1,
       {},
       "[1] critic TD(lambda) trace decay (v1 dynamics, seeds 1-6: 0.8 232-281, 0.95 120-277)"},
      {"homeostasis",
       "scaling",
       Kind::kChoice,
       0,
       0,
       {"none", "scaling"},
       "synaptic scaling of each output neuron's summed input after every episode"},
      {"shaping_terminal_penalty",
       "0",
       Kind::kNumber,
       -1e6,
       0,
       {},
       "reward added when the task terminates (0: no shaping; logged as shaping_total)"},
  });
  return specs;
}

std::vector<ChildTable> SnnAgent::children(const ConfigValues& own) {
  std::vector<ChildTable> out;
  const std::string& rule = own.at("learning_rule");
  ChildTable r{"rule", "learning rule '" + rule + "'", {}, snn::ruleInfo(rule).params};
  r.table = r.base;
  for (const auto& [name, value] : agentRuleDefaults(rule)) {
    for (Param& p : r.table) {
      if (p.name == name) p.default_value = formatNumber(value);
    }
  }
  out.push_back(std::move(r));
  const std::string& neuron = own.at("neuron_model");
  ChildTable n{"neuron", "neuron model '" + neuron + "'", snn::neuronModelTable(neuron), {}};
  n.base = n.table;
  out.push_back(std::move(n));
  return out;
}

const std::string& SnnAgent::type() const {
  return kType;
}

SnnAgent::SnnAgent(const envs::Space& observation_space, const envs::Space& action_space,
                   const ConfigValues& values, std::uint64_t seed)
    : config_(resolveAgentParams(params(), children, values, "agent 'snn'"), "agent 'snn'"),
      n_actions_(0),
      output_size_(static_cast<int>(config_.integer("output_size"))),
      steps_per_action_(static_cast<int>(config_.integer("steps_per_action"))),
      encoder_kind_(config_.text("encoder")),
      dopamine_mode_(config_.text("dopamine")),
      homeostasis_(config_.text("homeostasis")),
      max_rate_hz_(config_.number("max_rate_hz")),
      input_current_(config_.number("input_current")),
      explore_current_(config_.number("explore_current")),
      epsilon_start_(config_.number("epsilon_start")),
      epsilon_end_(config_.number("epsilon_end")),
      epsilon_episodes_(config_.number("epsilon_episodes")),
      shaping_penalty_(config_.number("shaping_terminal_penalty")),
      encoder_(observation_space, config_),
      critic_(encoder_.size(), config_.number("gamma"), config_.number("critic_lr"),
              config_.number("critic_lambda")),
      rng_(rngStream(seed, "agent:snn")) {
  if (action_space.kind() != envs::Space::Kind::kDiscrete) {
    throw UserError("agent 'snn': needs a Discrete action space, got " + action_space.describe());
  }
  n_actions_ = static_cast<int>(action_space.n());
  if (config_.number("w_init_min") > config_.number("w_init_max")) {
    throw UserError("agent 'snn': parameter 'w_init_min' = " + config_.text("w_init_min") +
                    " is above 'w_init_max' = " + config_.text("w_init_max") +
                    "; expected w_init_min <= w_init_max");
  }
  decoder_ = std::make_unique<Decoder>(config_.text("decoder"), n_actions_, output_size_,
                                       config_.number("temperature"));
  buildNetwork(rngStream(seed, "agent:snn:network").next());
  features_.assign(encoder_.size(), 0.0f);
  next_features_.assign(encoder_.size(), 0.0f);
  auto w = plastic_->weightMatrix();
  row_sum_target_.resize(w.rows());
  for (Eigen::Index j = 0; j < w.rows(); ++j) row_sum_target_[j] = w.row(j).sum();
}

// Builds the network; `network_seed` keys its wiring, initial weights and noise streams.
void SnnAgent::buildNetwork(std::uint64_t network_seed) {
  const double dt_ms = config_.number("dt_ms");

  snn::NeuromodulatorModel da;
  da.tau_ms = config_.number("dopamine_tau_ms");
  da.gain = config_.number("dopamine_gain");
  da.baseline = dopamine_mode_ == "reward_baseline"
                    ? snn::NeuromodulatorModel::Baseline::kRunningAverage
                    : (dopamine_mode_ == "critic" ? snn::NeuromodulatorModel::Baseline::kCritic
                                                  : snn::NeuromodulatorModel::Baseline::kNone);
  da.baseline_window = config_.number("baseline_window");
  network_seed_ = network_seed;
  net_ = std::make_unique<snn::Network>(dt_ms, network_seed, da);

  // Input layer.
  const int dims = encoder_.dims();
  if (encoder_kind_ == "current") {
    input_ = &net_->addPopulation("lif", "input", static_cast<std::uint32_t>(encoder_.size()),
                                  {{"tau_syn_ms", 0.0}});
  } else {
    const int n = encoder_kind_ == "rate" ? 2 * dims : encoder_.size();
    input_ =
        &net_->addPopulation("poisson", "input", static_cast<std::uint32_t>(n), {{"rate_hz", 0.0}});
  }
  // Output layer: one group of output_size neurons per action.
  output_ = &net_->addPopulation(config_.text("neuron_model"), "output",
                                 static_cast<std::uint32_t>(n_actions_ * output_size_),
                                 config_.numbersUnder("neuron."));
  snn::Population* into_output = input_;
  if (const long hidden = config_.integer("hidden"); hidden > 0) {
    snn::Population& h = net_->addPopulation("lif", "hidden", static_cast<std::uint32_t>(hidden));
    snn::ProjectionSpec spec;
    spec.name = "input_hidden";
    spec.connectivity = snn::ConnectivitySpec::fixedProbability(config_.number("hidden_p"));
    spec.w_init_min = 0.0;
    spec.w_init_max = config_.number("hidden_w");
    net_->connect(*input_, h, spec);
    into_output = &h;
  }
  snn::ProjectionSpec plastic;
  plastic.name = into_output->name() + "_output";
  plastic.connectivity = snn::ConnectivitySpec::allToAll();
  plastic.w_init_min = config_.number("w_init_min");
  plastic.w_init_max = config_.number("w_init_max");
  plastic.rule = snn::makeRule(config_.text("learning_rule"), config_.numbersUnder("rule."));
  plastic_ = &net_->connect(*into_output, *output_, plastic);

  if (const double inhibition = config_.number("wta_inhibition"); inhibition > 0) {
    snn::Csr lateral;
    lateral.offsets = {0};
    for (int i = 0; i < n_actions_ * output_size_; ++i) {
      for (int j = 0; j < n_actions_ * output_size_; ++j) {
        if (j / output_size_ != i / output_size_) lateral.post.push_back(j);
      }
      lateral.offsets.push_back(static_cast<std::uint32_t>(lateral.post.size()));
    }
    snn::ProjectionSpec spec;
    spec.name = "lateral_inhibition";
    spec.explicit_synapses = lateral;
    spec.w_init_min = spec.w_init_max = -inhibition;
    net_->connect(*output_, *output_, spec);
  }
}

std::string SnnAgent::architecture() const {
  std::ostringstream os;
  os << "snn input=" << input_->size() << " output=" << n_actions_ << "x" << output_size_
     << " hidden=" << config_.integer("hidden") << " encoder=" << encoder_kind_
     << " rule=" << plastic_->rule().name << " critic=" << critic_.weights().size();
  return os.str();
}

void SnnAgent::driveInput(std::span<const double> obs) {
  if (encoder_kind_ == "current") {
    auto& bias = input_->bias();
    for (std::size_t i = 0; i < bias.size(); ++i) {
      bias[i] = static_cast<float>(input_current_) * features_[i];
    }
    return;
  }
  auto& rates = static_cast<snn::PoissonSource*>(input_)->rates();
  if (encoder_kind_ == "population") {
    for (std::size_t i = 0; i < rates.size(); ++i) {
      rates[i] = static_cast<float>(max_rate_hz_) * features_[i];
    }
    return;
  }
  // "rate": an on/off pair per dimension, rates proportional to the value within its range.
  for (int d = 0; d < encoder_.dims(); ++d) {
    const double x = std::clamp(obs[d] / encoder_.high()[d], -1.0, 1.0);
    rates[2 * d] = static_cast<float>(max_rate_hz_ * std::max(0.0, x));
    rates[2 * d + 1] = static_cast<float>(max_rate_hz_ * std::max(0.0, -x));
  }
}

void SnnAgent::silenceInput() {
  if (encoder_kind_ == "current") {
    std::fill(input_->bias().begin(), input_->bias().end(), 0.0f);
  } else {
    auto& rates = static_cast<snn::PoissonSource*>(input_)->rates();
    std::fill(rates.begin(), rates.end(), 0.0f);
  }
}

std::string SnnAgent::numericalFault() const {
  if (!std::isfinite(critic_.lastValue())) return "non-finite critic value (critic_lr too large?)";
  if (!std::isfinite(net_->modulator().level())) return "non-finite dopamine level";
  return "";
}

std::vector<std::string> SnnAgent::populationNames() const {
  std::vector<std::string> out;
  for (const auto& p : net_->populations()) out.push_back(p->name());
  return out;
}

std::uint32_t SnnAgent::populationSize(std::size_t population) const {
  return net_->populations().at(population)->size();
}

std::vector<std::string> SnnAgent::projectionNames() const {
  std::vector<std::string> out;
  for (const auto& p : net_->projections()) out.push_back(p->name());
  return out;
}

void SnnAgent::setRecording(bool on) {
  recording_ = on;
  window_spikes_.assign(net_->populations().size(), {});
  window_potential_.clear();
}

void SnnAgent::setProbe(std::size_t population, std::uint32_t neuron) {
  probe_population_ = std::min(population, net_->populations().size() - 1);
  probe_neuron_ = std::min(neuron, net_->populations()[probe_population_]->size() - 1);
  window_potential_.clear();
}

void SnnAgent::recordStep() {
  const auto& pops = net_->populations();
  const std::uint32_t step = net_->stepCount() - 1;
  for (std::size_t p = 0; p < pops.size(); ++p) {
    for (std::uint32_t i : pops[p]->spikes()) window_spikes_[p].push_back({step, i});
  }
  const auto& v = pops[probe_population_]->potentials();
  if (probe_neuron_ < v.size()) window_potential_.push_back(v[probe_neuron_]);
}

const std::vector<SpikeRecord>& SnnAgent::windowSpikes(std::size_t population) const {
  static const std::vector<SpikeRecord> none;
  return population < window_spikes_.size() ? window_spikes_[population] : none;
}

double SnnAgent::dtMs() const {
  return net_->dtMs();
}

WeightGrid SnnAgent::weights(std::size_t index) const {
  const snn::Projection& proj = *net_->projections().at(index);
  WeightGrid grid;
  grid.rows = proj.pre().size();
  grid.cols = proj.post().size();
  grid.values.assign(static_cast<std::size_t>(grid.rows) * grid.cols,
                     std::numeric_limits<float>::quiet_NaN());
  const std::vector<float> w = net_->currentWeights(proj);
  for (std::uint32_t i = 0; i < grid.rows; ++i) {
    for (std::uint32_t s = proj.rowBegin(i); s < proj.rowBegin(i + 1); ++s) {
      grid.values[static_cast<std::size_t>(i) * grid.cols + proj.postOf(s, i)] = w[s];
    }
  }
  return grid;
}

double SnnAgent::meanEligibility() const {
  const std::vector<float> c = net_->currentEligibility(*plastic_);
  if (c.empty()) return 0.0;
  double sum = 0;
  for (float x : c) sum += std::abs(x);
  return sum / static_cast<double>(c.size());
}

double SnnAgent::dopamine() const {
  return net_->modulator().level();
}

double SnnAgent::epsilon() const {
  const double progress = static_cast<double>(episodes_done_) / epsilon_episodes_;
  return epsilon_end_ + (epsilon_start_ - epsilon_end_) * std::max(0.0, 1.0 - progress);
}

void SnnAgent::onEpisodeStart() {
  net_->resetState();
  critic_.startEpisode();
  stats_ = {};
}

envs::Action SnnAgent::act(std::span<const double> obs) {
  encoder_.encode(obs, features_);
  driveInput(obs);
  const int explore = learning_ ? decoder_->explore(rng_, epsilon()) : -1;
  if (explore >= 0) {
    for (int j = 0; j < output_size_; ++j) {
      output_->bias()[explore * output_size_ + j] += static_cast<float>(explore_current_);
    }
  }
  decoder_->beginWindow();
  if (recording_) {
    for (auto& s : window_spikes_) s.clear();
    window_potential_.clear();
  }
  const std::uint64_t in_before = input_->spikeCount();
  for (int t = 0; t < steps_per_action_; ++t) {
    net_->step();
    if (recording_) recordStep();
    decoder_->countSpikes(output_->spikes(), rng_);
  }
  stats_.input_spikes += static_cast<double>(input_->spikeCount() - in_before);
  if (explore >= 0) {
    for (int j = 0; j < output_size_; ++j) {
      output_->bias()[explore * output_size_ + j] -= static_cast<float>(explore_current_);
    }
  }
  stats_.output_spikes += decoder_->total();
  stats_.steps += 1;
  if (explore >= 0) stats_.explored += 1;
  return envs::Action::discrete(decoder_->decide(explore, rng_));
}

void SnnAgent::observe(std::span<const double> next_obs, double reward, bool terminated,
                       bool truncated) {
  if (learning_) {
    double r = reward;
    if (terminated && shaping_penalty_ != 0.0) {
      r += shaping_penalty_;
      stats_.shaping += shaping_penalty_;
    }
    if (dopamine_mode_ == "critic") {
      std::span<const float> next;  // empty: terminal, V(s') = 0
      if (!terminated) {
        encoder_.encode(next_obs, next_features_);
        next = next_features_;
      }
      const double delta = critic_.update(features_, next, r);
      net_->modulator().deliverPredictionError(delta);
      stats_.dopamine += delta;
      stats_.value += critic_.lastValue();
    } else {
      const double before = net_->modulator().level();
      net_->modulator().deliverReward(r);
      stats_.dopamine += net_->modulator().level() - before;
    }
  }
  if (terminated || truncated) endEpisode();
}

void SnnAgent::endEpisode() {
  if (learning_) {
    // Let the last dopamine act on the eligibility: one more window with the input silent.
    silenceInput();
    for (int t = 0; t < steps_per_action_; ++t) net_->step();
    net_->flush();
    double elig = 0;
    for (float c : plastic_->eligibility()) elig += std::abs(c);
    stats_.elig_abs = plastic_->eligibility().empty()
                          ? 0.0
                          : elig / static_cast<double>(plastic_->eligibility().size());
    if (homeostasis_ == "scaling") {
      auto w = plastic_->weightMatrix();
      for (Eigen::Index j = 0; j < w.rows(); ++j) {
        const float sum = w.row(j).sum();
        if (sum > 1e-6f) w.row(j) *= row_sum_target_[j] / sum;
      }
    }
    ++episodes_done_;
  }
  last_stats_ = stats_;
}

Diagnostics SnnAgent::diagnostics() const {
  // Read-only: after an episode the network was flushed, and mid-episode a flush would move
  // the sweep schedule (and so the rounding of everything after it).
  const std::vector<float> w = net_->currentWeights(*plastic_);
  double mean = 0, sq = 0;
  for (float x : w) mean += x;
  mean /= static_cast<double>(w.size());
  for (float x : w) sq += (x - mean) * (x - mean);
  const double steps = std::max(1.0, last_stats_.steps);
  const double window_s = steps * steps_per_action_ * net_->dtMs() * 1e-3;
  return {
      {"rate_hz_input", last_stats_.input_spikes / window_s / input_->size()},
      {"rate_hz_output", last_stats_.output_spikes / window_s / output_->size()},
      {"w_mean", mean},
      {"w_std", std::sqrt(sq / static_cast<double>(w.size()))},
      {"elig_abs_mean", last_stats_.elig_abs},
      {"dopamine_mean", last_stats_.dopamine / steps},
      {"value_mean", last_stats_.value / steps},
      {"explore_fraction", last_stats_.explored / steps},
      {"epsilon", epsilon()},
      {"shaping_total", last_stats_.shaping},
  };
}

void SnnAgent::save(const std::string& path) const {
  net_->flush();
  Checkpoint ck;
  ck.agent_type = kType;
  ck.architecture = architecture();
  ck.config = config_.values();
  for (const auto& proj : net_->projections()) {
    ck.sections["weights:" + proj->name()] =
        std::vector<double>(proj->weights().begin(), proj->weights().end());
  }
  ck.sections["critic"] = critic_.weights();
  ck.sections["rng"] = rngToSection(rng_);
  ck.sections["counters"] = {static_cast<double>(episodes_done_),
                             static_cast<double>(net_->stepCount()), net_->modulator().baseline(),
                             static_cast<double>(network_seed_ >> 32),
                             static_cast<double>(network_seed_ & 0xFFFFFFFFULL)};
  ck.sections["row_sum_target"] =
      std::vector<double>(row_sum_target_.begin(), row_sum_target_.end());
  ck.write(path);
}

void SnnAgent::load(const std::string& path) {
  const Checkpoint ck = Checkpoint::read(path);
  ck.expect(path, kType, architecture());
  const auto& counters = ck.section(path, "counters", 5);
  // The noise streams are keyed by the network seed: rebuild with the saved one so that the
  // loaded agent continues exactly as the saved one would have.
  const std::uint64_t saved_seed =
      (static_cast<std::uint64_t>(counters[3]) << 32) | static_cast<std::uint64_t>(counters[4]);
  if (saved_seed != network_seed_) buildNetwork(saved_seed);
  for (const auto& proj : net_->projections()) {
    const auto& w = ck.section(path, "weights:" + proj->name(), proj->size());
    std::copy(w.begin(), w.end(), proj->weights().begin());
  }
  critic_.weights() = ck.section(path, "critic", critic_.weights().size());
  rngFromSection(rng_, ck.section(path, "rng", 8));
  episodes_done_ = static_cast<long>(counters[0]);
  net_->setStepCount(static_cast<std::uint32_t>(counters[1]));
  net_->modulator().setBaseline(counters[2]);
  const auto& targets = ck.section(path, "row_sum_target", row_sum_target_.size());
  std::copy(targets.begin(), targets.end(), row_sum_target_.begin());
  for (auto& p : net_->populations()) p->resetState();
}

namespace {
static const bool kRegistered = registerAgent({
    .name = "snn",
    .summary = "spiking network: encoder -> [hidden] -> output groups per action, "
               "reward-modulated plasticity (default rstdp) with dopamine from a TD critic",
    .params = SnnAgent::params(),
    .children = SnnAgent::children,
    .factory = [](const envs::Space& obs, const envs::Space& act, const ConfigValues& p,
                  std::uint64_t seed) -> std::unique_ptr<Agent> {
      return std::make_unique<SnnAgent>(obs, act, p, seed);
    },
});
}  // namespace

}  // namespace spikegym::agents
