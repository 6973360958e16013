#include "agents/snn_agent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "agents/checkpoint.hpp"
#include "core/error.hpp"
#include "snn/sources.hpp"

namespace spikegym::agents {
namespace {

using Kind = Param::Kind;

const std::string kType = "snn";

}  // namespace

// The agent's defaults for its learning rule's parameters (rule.<name> settings override them;
// snnRuleDefaults() in agents/network.cpp holds the values, shared with network projections).
// Chosen on CartPole-v1 (BENCHMARKS.md has the runs behind them):
// - a_minus = 0: the inputs are Poisson and barely correlated with the output spikes, so a
//   depression term would make the eligibility of every active synapse negative on average and
//   invert the sign of learning; with a_minus = 0 the eligibility is a Hebbian pre x post
//   correlation, and the TD error's sign decides.
// - tau_c = 200 ms (10 env steps of 20 ms): long enough to reach the actions that led to a
//   delayed TD error, short enough not to blame the whole episode (100: 63-101; 400: 130-217;
//   1000: 191-244 at 500 episodes).
// - eta = 0.15 /s (rstdp; mstdpet keeps 0.2) and w_max = 8 mV: with dopamine tau 10 ms a TD
//   error of 1 moves a fully eligible weight by ~0.0015 mV per step; eta 0.03 never learns,
//   0.5 is unstable. Retuned after the CartPole dynamics fix (issue 8), seeds 1-10: eta 0.1
//   median 303.9, 0.125 306.6, 0.15 318.5 (min 298.8), 0.2 310.0 (one seed collapsed to 96).

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
namespace {

/// The flat architecture: encoder, layers, readout and exploration (written out as a network).
ParamTable architectureParams() {
  return {
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
  };
}

/// Reward and learning: what drives dopamine, the critic, homeostasis, shaping.
ParamTable learningParams() {
  return {
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
      {"critic_features",
       "gaussian_rf",
       Kind::kChoice,
       0,
       0,
       {"gaussian_rf", "joint_rf"},
       "critic features: the encoder's receptive fields, or those plus 2-D fields over (x, x_dot) "
       "and (theta, theta_dot) (pairs of consecutive dims)"},
      {"critic_joint_cells",
       "6",
       Kind::kInteger,
       2,
       64,
       {},
       "joint_rf: grid cells per dim of a pair"},
      {"greedy_eval",
       "false",
       Kind::kBool,
       0,
       0,
       {},
       "evaluation episodes (learning off) decide by argmax, also with the softmax decoder"},
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
  };
}

}  // namespace

const ParamTable& SnnAgent::params() {
  static const ParamTable specs = withEncoderParams([] {
    ParamTable t = architectureParams();
    for (Param& p : learningParams()) t.push_back(std::move(p));
    return t;
  }());
  return specs;
}

std::vector<ChildTable> SnnAgent::children(const ConfigValues& own) {
  std::vector<ChildTable> out;
  const std::string& rule = own.at("learning_rule");
  out.push_back(
      {"rule", "learning rule '" + rule + "'", snnRuleTable(rule), snn::ruleInfo(rule).params});
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
                   const AgentDef& def, std::uint64_t seed)
    : config_(def.config),
      def_(*def.network),
      n_actions_(0),
      obs_dims_(static_cast<int>(observation_space.size())),
      group_size_(0),
      steps_per_action_(static_cast<int>(config_.integer("steps_per_action"))),
      shaping_penalty_(config_.number("shaping_terminal_penalty")),
      observation_space_(observation_space),
      rng_(rngStream(seed, "agent:snn")) {
  n_actions_ = static_cast<int>(action_space.n());  // resolveNetwork checked: Discrete
  const PopulationDef& out = def_.population(def_.readout.population);
  group_size_ = out.group_size;
  decoder_ = def_.readout.decode == "label_assignment"
                 ? std::make_unique<Decoder>(Decoder::labelAssignment(
                       n_actions_, static_cast<int>(out.size), def_.readout.assign_every,
                       def_.readout.vote == "proportion"))
                 : std::make_unique<Decoder>(def_.readout.decode, n_actions_, group_size_,
                                             def_.readout.temperature);
  buildNetwork(rngStream(seed, "agent:snn:network").next());
}

namespace {

/// The engine's neuromodulator channel for the network's modulator (none: a silent channel).
snn::NeuromodulatorModel modulatorModel(const NetworkDef& def) {
  snn::NeuromodulatorModel da;
  if (!def.modulator) return da;
  da.tau_ms = def.modulator->tau_ms;
  da.gain = def.modulator->gain;
  const std::string& signal = def.modulator->signal;
  da.baseline = signal == "reward_minus_baseline"
                    ? snn::NeuromodulatorModel::Baseline::kRunningAverage
                    : (signal == "td_error" ? snn::NeuromodulatorModel::Baseline::kCritic
                                            : snn::NeuromodulatorModel::Baseline::kNone);
  da.baseline_window = def.modulator->baseline_window;
  return da;
}

/// The engine's spec of projection `d` (wiring, weights, delays, rule).
snn::ProjectionSpec projectionSpec(const ProjectionDef& d, const NetworkDef& def) {
  snn::ProjectionSpec spec;
  spec.name = d.name;
  if (d.connectivity == "all_to_all") {
    spec.connectivity = snn::ConnectivitySpec::allToAll();
  } else if (d.connectivity == "one_to_one") {
    spec.connectivity = snn::ConnectivitySpec::oneToOne();
  } else if (d.connectivity == "pairwise_bernoulli") {
    spec.connectivity = snn::ConnectivitySpec::fixedProbability(d.p);
  } else if (d.connectivity == "fixed_indegree") {
    spec.connectivity = snn::ConnectivitySpec::fixedInDegree(d.degree);
  } else if (d.connectivity == "fixed_outdegree") {
    spec.connectivity = snn::ConnectivitySpec::fixedOutDegree(d.degree);
  } else {  // between_groups: i -> j iff they are in different groups (lateral inhibition)
    const auto n = def.population(d.source).size;
    const auto g = static_cast<std::uint32_t>(def.population(d.source).group_size);
    snn::Csr csr;
    csr.offsets = {0};
    for (std::uint32_t i = 0; i < n; ++i) {
      for (std::uint32_t j = 0; j < n; ++j) {
        if (j / g != i / g) csr.post.push_back(j);
      }
      csr.offsets.push_back(static_cast<std::uint32_t>(csr.post.size()));
    }
    spec.explicit_synapses = std::move(csr);
  }
  if (d.connectivity != "one_to_one" && d.connectivity != "between_groups") {
    spec.connectivity.allow_autapses = d.allow_autapses;
  }
  spec.w_init_min = d.inhibitory ? -d.w_high : d.w_low;
  spec.w_init_max = d.inhibitory ? -d.w_low : d.w_high;
  spec.delay_min_steps = d.delay_low;
  spec.delay_max_steps = d.delay_high;
  // A window rule's engine part keeps the weights fixed; its learner changes them.
  spec.rule = d.plasticity;
  return spec;
}

}  // namespace

// Each object's stream is keyed by its name, so adding or removing one leaves the others' draws
// unchanged.
void SnnAgent::buildNetwork(std::uint64_t network_seed) {
  signal_ = !def_.modulator                        ? Signal::kNone
            : def_.modulator->signal == "td_error" ? Signal::kTdError
                                                   : Signal::kReward;
  network_seed_ = network_seed;
  // A rebuilt network (restoring a checkpoint of another seed) starts its counters at zero;
  // keep what the old one counted so that opCounts() never goes back.
  if (net_) retired_counts_ = opCounts().since(own_counts_);
  net_ =
      std::make_unique<snn::Network>(config_.number("dt_ms"), network_seed, modulatorModel(def_));
  addPopulations();
  addCritic();
  addProjections();
  if (counting_) setCounting(true);
}

void SnnAgent::addPopulations() {
  encoders_.clear();
  encoder_neurons_ = 0;
  for (const PopulationDef& p : def_.populations) {
    if (!p.encoder) {
      snn::Population& pop = net_->addPopulation(p.neuron_model, p.name, p.size, p.neuron_params);
      if (p.name == def_.readout.population) output_ = &pop;
      continue;
    }
    snn::Population& pop = p.drive == "current"
                               ? net_->addPopulation("lif", p.name, p.size, p.neuron_params)
                               : net_->addPopulation("poisson", p.name, p.size, {{"rate_hz", 0.0}});
    GaussianEncoder enc(observation_space_, std::max(2, p.cells_per_dim), p.rf_width, p.obs_range);
    const std::size_t n =
        p.encoder_model == "gaussian_rf" ? static_cast<std::size_t>(enc.size()) : 0;
    encoders_.push_back(
        {&pop, &p, std::move(enc), std::vector<float>(n, 0.0f), p.drive == "current"});
    encoder_neurons_ += p.size;
  }
}

void SnnAgent::addCritic() {
  critic_.reset();
  critic_encoder_.reset();
  critic_shares_ = -1;
  if (def_.critic) {
    const CriticDef& c = *def_.critic;
    // The critic reads the same receptive fields as an encoder population when their parameters
    // agree (the default network): encode once per observation.
    for (std::size_t i = 0; i < encoders_.size(); ++i) {
      const PopulationDef& p = *encoders_[i].def;
      if (c.features == "gaussian_rf" && p.encoder_model == "gaussian_rf" &&
          p.cells_per_dim == c.cells_per_dim && p.rf_width == c.rf_width &&
          p.obs_range == c.obs_range) {
        critic_shares_ = static_cast<int>(i);
        break;
      }
    }
    critic_encoder_.emplace(observation_space_, c.features, c.cells_per_dim, c.rf_width,
                            c.obs_range, c.joint_cells);
    critic_.emplace(critic_encoder_->size(), c.gamma, c.lr, c.lambda);
    critic_features_.assign(critic_encoder_->size(), 0.0f);
    next_features_.assign(critic_encoder_->size(), 0.0f);
  }
}

void SnnAgent::addProjections() {
  const double dt_ms = config_.number("dt_ms");
  primary_ = nullptr;
  snn::Projection* first_plastic = nullptr;
  snn::Projection* first_into_output = nullptr;
  normalized_.clear();
  learners_.clear();
  for (const ProjectionDef& d : def_.projections) {
    const snn::ProjectionSpec spec = projectionSpec(d, def_);
    snn::Projection& proj =
        net_->connect(net_->population(d.source), net_->population(d.target), spec);
    if (proj.size() == 0) {
      throw NetworkError("network.projections." + d.name,
                         "creates no synapses with this seed (connectivity " + d.connectivity +
                             "); raise its probability or degree");
    }
    const bool into_output = d.target == def_.readout.population;
    if (d.rule != "none" && into_output && !primary_) primary_ = &proj;
    if (d.rule != "none" && !first_plastic) first_plastic = &proj;
    if (into_output && !first_into_output) first_into_output = &proj;
    if (d.normalize) normalized_.push_back({&proj, {}, d.normalize_norm});
    if (const auto& make = snn::ruleInfo(d.rule).make_learner) {
      learners_.push_back(make(proj, d.rule_params, group_size_, dt_ms));
    }
  }
  action_p_.assign(n_actions_, 0.0);
  if (!primary_) primary_ = first_plastic ? first_plastic : first_into_output;
  // Normalization targets: each post neuron's summed input weight (or their norm) as built.
  for (Normalized& nz : normalized_) nz.target = rowMeasures(*nz.projection, nz.l2);
}

std::string SnnAgent::architecture() const {
  std::ostringstream os;
  os << "snn network";
  for (const auto& p : net_->populations()) os << " " << p->name() << "=" << p->size();
  for (const auto& p : net_->projections()) os << " " << p->name() << ":" << p->size();
  os << " critic=" << (critic_ ? critic_->weights().size() : 0);
  return os.str();
}

std::vector<float> SnnAgent::rowMeasures(snn::Projection& proj, bool l2) {
  if (proj.dense()) {
    auto w = proj.weightMatrix();
    std::vector<float> out(static_cast<std::size_t>(w.rows()));
    for (Eigen::Index j = 0; j < w.rows(); ++j) out[j] = l2 ? w.row(j).norm() : w.row(j).sum();
    return out;
  }
  std::vector<float> out(proj.post().size(), 0.0f);
  const auto& w = proj.weights();
  for (std::uint32_t i = 0; i < proj.pre().size(); ++i) {
    for (std::uint32_t s = proj.rowBegin(i); s < proj.rowBegin(i + 1); ++s) {
      out[proj.postOf(s, i)] += l2 ? w[s] * w[s] : w[s];
    }
  }
  if (l2) {
    for (float& x : out) x = std::sqrt(x);
  }
  return out;
}

void SnnAgent::driveInput(std::span<const double> obs) {
  for (EncoderPop& e : encoders_) {
    const PopulationDef& p = *e.def;
    if (e.current) {
      auto& bias = e.population->bias();
      for (std::size_t i = 0; i < bias.size(); ++i) {
        bias[i] = static_cast<float>(p.current_mv) * e.features[i];
      }
      if (counting_) {  // a real value times a gain into each input neuron: a MAC
        own_counts_.mac += static_cast<std::uint64_t>(
            std::count_if(e.features.begin(), e.features.end(), [](float f) { return f != 0; }));
        own_counts_.dense += bias.size();
      }
      continue;
    }
    auto& rates = static_cast<snn::PoissonSource*>(e.population)->rates();
    if (!e.features.empty()) {  // gaussian_rf
      for (std::size_t i = 0; i < rates.size(); ++i) {
        rates[i] = static_cast<float>(p.max_rate_hz) * e.features[i];
      }
      continue;
    }
    if (p.encoder_model == "intensity") {  // one neuron per dimension, low..high -> 0..max
      for (int d = 0; d < e.encoder.dims(); ++d) {
        const double lo = e.encoder.low()[d], hi = e.encoder.high()[d];
        const double x = std::clamp((obs[d] - lo) / (hi - lo), 0.0, 1.0);
        rates[d] = static_cast<float>(p.max_rate_hz * x);
      }
      if (p.mean_rate_hz > 0) {  // scaled to the mean rate asked for (a blank stays blank)
        double sum = 0;
        for (float r : rates) sum += r;
        const double k = sum > 0 ? p.mean_rate_hz * static_cast<double>(rates.size()) / sum : 0;
        for (float& r : rates) r = static_cast<float>(r * k);
      }
      continue;
    }
    // "rate": an on/off pair per dimension, rates proportional to the value within its range.
    for (int d = 0; d < e.encoder.dims(); ++d) {
      const double x = std::clamp(obs[d] / e.encoder.high()[d], -1.0, 1.0);
      rates[2 * d] = static_cast<float>(p.max_rate_hz * std::max(0.0, x));
      rates[2 * d + 1] = static_cast<float>(p.max_rate_hz * std::max(0.0, -x));
    }
  }
}

void SnnAgent::silenceInput() {
  for (EncoderPop& e : encoders_) {
    if (e.current) {
      std::fill(e.population->bias().begin(), e.population->bias().end(), 0.0f);
    } else {
      auto& rates = static_cast<snn::PoissonSource*>(e.population)->rates();
      std::fill(rates.begin(), rates.end(), 0.0f);
    }
  }
}

std::string SnnAgent::numericalFault() const {
  if (critic_ && !std::isfinite(critic_->lastValue()))
    return "non-finite critic value (critic_lr too large?)";
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
  const std::uint64_t step = net_->stepCount() - 1;
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

PopulationRole SnnAgent::populationRole(std::size_t population) const {
  const snn::Population* pop = net_->populations().at(population).get();
  if (pop == output_) {
    return {PopulationRole::Kind::kAction, static_cast<std::uint32_t>(group_size_)};
  }
  for (const EncoderPop& e : encoders_) {
    if (e.population == pop && e.encoder.dims() == obs_dims_ &&
        static_cast<std::uint32_t>(e.encoder.size()) == pop->size()) {
      return {PopulationRole::Kind::kObservation,
              static_cast<std::uint32_t>(e.encoder.cellsPerDim())};
    }
  }
  return {};
}

std::vector<LiveParam> SnnAgent::liveParams() const {
  std::vector<LiveParam> out;
  if (primary_) {
    double eta = primary_->rule().eta;
    for (const auto& learner : learners_) {
      if (&learner->projection() == primary_) eta = learner->eta();
    }
    if (!learners_.empty() || primary_->rule().kind != snn::RuleKind::kNone) {
      out.push_back({"eta", eta, 0, std::max(1.0, 10 * eta), "(the plastic projection's rule)"});
    }
  }
  out.push_back({"dopamine_gain", net_->modulator().model().gain, 0,
                 std::max(5.0, 5 * net_->modulator().model().gain), "[1]"});
  return out;
}

bool SnnAgent::setLiveParam(const std::string& name, double value) {
  if (name == "dopamine_gain") {
    net_->modulator().setGain(value);
    return true;
  }
  if (name != "eta" || !primary_) return false;
  for (auto& learner : learners_) {
    if (&learner->projection() == primary_) {
      learner->setEta(value);
      return true;
    }
  }
  primary_->setEta(value);
  return true;
}

snn::Population::PotentialMarks SnnAgent::probeMarks() const {
  return net_->populations().at(probe_population_)->potentialMarks();
}

WeightGrid SnnAgent::weights(std::size_t index) const {
  const snn::Projection& proj = *net_->projections().at(index);
  WeightGrid grid;
  grid.rows = proj.pre().size();
  grid.cols = proj.post().size();
  const auto& pops = net_->populations();
  for (std::size_t p = 0; p < pops.size(); ++p) {
    if (pops[p].get() == &proj.pre()) grid.pre_population = p;
    if (pops[p].get() == &proj.post()) grid.post_population = p;
  }
  if (proj.rule().kind != snn::RuleKind::kNone) {
    grid.w_min = proj.rule().w_min;
    grid.w_max = proj.rule().w_max;
  }
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
  if (!primary_) return 0.0;
  for (const auto& learner : learners_) {
    if (&learner->projection() == primary_) return learner->meanEligibility();
  }
  const std::vector<float> c = net_->currentEligibility(*primary_);
  if (c.empty()) return 0.0;
  double sum = 0;
  for (float x : c) sum += std::abs(x);
  return sum / static_cast<double>(c.size());
}

double SnnAgent::dopamine() const {
  return net_->modulator().level();
}

double SnnAgent::epsilon() const {
  const ReadoutDef& r = def_.readout;
  const double progress = static_cast<double>(episodes_done_) / r.epsilon_episodes;
  return r.epsilon_end + (r.epsilon_start - r.epsilon_end) * std::max(0.0, 1.0 - progress);
}

void SnnAgent::onEpisodeStart() {
  net_->resetState();
  for (auto& learner : learners_) learner->reset();
  if (critic_) critic_->startEpisode();
  stats_ = {};
}

envs::Action SnnAgent::act(std::span<const double> obs) {
  for (EncoderPop& e : encoders_) {
    if (!e.features.empty()) e.encoder.encode(obs, e.features);
  }
  if (critic_) {
    if (critic_shares_ >= 0) {
      const auto& f = encoders_[critic_shares_].features;
      std::copy(f.begin(), f.end(), critic_features_.begin());
    } else {
      critic_encoder_->encode(obs, critic_features_);
    }
  }
  driveInput(obs);
  const int explore = learning_ && !greedy_ ? decoder_->explore(rng_, epsilon()) : -1;
  const auto drive = static_cast<float>(def_.readout.drive_mv);
  if (explore >= 0) {
    for (int j = 0; j < group_size_; ++j) output_->bias()[explore * group_size_ + j] += drive;
  }
  decoder_->beginWindow();
  if (recording_) {
    for (auto& s : window_spikes_) s.clear();
    window_potential_.clear();
  }
  std::uint64_t in_before = 0;
  for (const EncoderPop& e : encoders_) in_before += e.population->spikeCount();
  for (int t = 0; t < steps_per_action_; ++t) {
    net_->step();
    if (recording_) recordStep();
    decoder_->countSpikes(output_->spikes(), rng_);
    if (learning_) {
      for (auto& learner : learners_) {
        learner->onStep(learner->projection().pre().spikes(),
                        learner->projection().post().spikes());
      }
    }
  }
  std::uint64_t in_after = 0;
  for (const EncoderPop& e : encoders_) in_after += e.population->spikeCount();
  stats_.input_spikes += static_cast<double>(in_after - in_before);
  if (explore >= 0) {
    for (int j = 0; j < group_size_; ++j) output_->bias()[explore * group_size_ + j] -= drive;
  }
  stats_.output_spikes += decoder_->total();
  if (counting_) {  // the readout adds one count per output spike
    own_counts_.ac += static_cast<std::uint64_t>(decoder_->total());
    own_counts_.dense += static_cast<std::uint64_t>(steps_per_action_) * output_->size();
  }
  stats_.steps += 1;
  if (explore >= 0) stats_.explored += 1;
  const int action =
      decoder_->decide(explore, rng_, greedy_ || (!learning_ && def_.readout.greedy_eval));
  if (learning_ && !learners_.empty()) {
    decoder_->softmaxProbabilities(epsilon(), action_p_);
    for (auto& learner : learners_) learner->endWindow(action, action_p_);
  }
  return envs::Action::discrete(action);
}

void SnnAgent::observeInfo(const envs::Info& info) {
  if (decoder_->kind() != DecoderKind::kLabelAssignment) return;
  label_ = -1;
  for (const auto& [key, value] : info.values) {
    if (key == "label") label_ = static_cast<int>(value);
  }
}

void SnnAgent::setLearning(bool on) {
  Agent::setLearning(on);
  net_->setPlasticity(on);
}

void SnnAgent::observe(std::span<const double> next_obs, double reward, bool terminated,
                       bool truncated) {
  stats_.episode_return += reward;
  if (learning_ && decoder_->kind() == DecoderKind::kLabelAssignment) {
    if (label_ < 0) {
      throw UserError(
          "readout decode label_assignment learns from the env's info 'label' (Digits-v0, "
          "FashionMNIST-v0); this env gives none");
    }
    decoder_->learnLabel(label_);
    label_ = -1;
  }
  if (learning_) {
    double r = reward;
    if (terminated && shaping_penalty_ != 0.0) {
      r += shaping_penalty_;
      stats_.shaping += shaping_penalty_;
    }
    double delta = 0;
    if (critic_) {
      std::span<const float> next;  // empty: terminal, V(s') = 0
      if (!terminated) {
        critic_encoder_->encode(next_obs, next_features_);
        next = next_features_;
      }
      delta = critic_->update(critic_features_, next, r);
      stats_.value += critic_->lastValue();
    }
    double delivered = 0;  // the modulator's signal of this step
    if (signal_ == Signal::kTdError) {
      net_->modulator().deliverPredictionError(delta);
      delivered = delta;
    } else if (signal_ == Signal::kReward) {
      const double before = net_->modulator().level();
      net_->modulator().deliverReward(r);
      delivered = net_->modulator().level() - before;
    }
    stats_.dopamine += delivered;
    for (auto& learner : learners_) learner->learn(delivered);
  }
  if (terminated || truncated) endEpisode();
}

void SnnAgent::endEpisode() {
  if (learning_) {
    // Let the last dopamine act on the eligibility: one more window with the input silent.
    // A label-assigning network without a modulator has no reward to wait for (its next
    // episode starts from rest anyway: Network::resetState), so it skips the window.
    silenceInput();
    const bool unrewarded =
        decoder_->kind() == DecoderKind::kLabelAssignment && signal_ == Signal::kNone;
    for (int t = 0; t < (unrewarded ? 0 : steps_per_action_); ++t) net_->step();
    net_->flush();
    double elig = 0;
    const std::vector<float> none;
    const std::vector<float>* c = primary_ ? &primary_->eligibility() : &none;
    for (const auto& learner : learners_) {
      if (&learner->projection() == primary_) c = &learner->eligibility();
    }
    for (float x : *c) elig += std::abs(x);
    stats_.elig_abs = c->empty() ? 0.0 : elig / static_cast<double>(c->size());
    // Synaptic scaling (normalize: keep_initial_row_sum or keep_initial_row_norm).
    for (Normalized& nz : normalized_) {
      snn::Projection& proj = *nz.projection;
      const std::vector<float> now = rowMeasures(proj, nz.l2);
      if (proj.dense()) {
        auto w = proj.weightMatrix();
        for (Eigen::Index j = 0; j < w.rows(); ++j) {
          if (now[j] > 1e-6f) w.row(j) *= nz.target[j] / now[j];
        }
        continue;
      }
      auto& w = proj.weights();
      for (std::uint32_t i = 0; i < proj.pre().size(); ++i) {
        for (std::uint32_t s = proj.rowBegin(i); s < proj.rowBegin(i + 1); ++s) {
          const std::uint32_t j = proj.postOf(s, i);
          if (now[j] > 1e-6f) w[s] *= nz.target[j] / now[j];
        }
      }
    }
    for (auto& learner : learners_) learner->endEpisode(stats_.episode_return);
    ++episodes_done_;
  }
  last_stats_ = stats_;
}

void SnnAgent::setCounting(bool on) {
  counting_ = on;
  net_->setCounting(on);
  if (critic_) critic_->setCounting(on);
}

snn::OpCounts SnnAgent::opCounts() const {
  snn::OpCounts total = net_->counts();
  total += own_counts_;
  total += retired_counts_;
  if (critic_) total += critic_->counts();
  for (const auto& learner : learners_) total += learner->counts();
  return total;
}

std::vector<CostPart> SnnAgent::costParts() const {
  std::vector<CostPart> parts;
  for (const auto& p : net_->populations()) {
    parts.push_back({p->name(), p->integrates() ? "population" : "source", p->size(), 0,
                     p->footprintBytes(), p->counts()});
  }
  for (const auto& proj : net_->projections()) {
    CostPart part{proj->name(),        "projection",           proj->size(),
                  proj->zeroWeights(), proj->footprintBytes(), proj->counts()};
    for (const auto& learner : learners_) {
      if (&learner->projection() == proj.get()) {
        part.bytes += learner->stateBytes();
        part.counts += learner->counts();
      }
    }
    parts.push_back(std::move(part));
  }
  if (critic_) {
    const auto& w = critic_->weights();
    parts.push_back({"critic", "critic", w.size(),
                     static_cast<std::uint64_t>(std::count(w.begin(), w.end(), 0.0)),
                     critic_->bytes(), critic_->counts()});
  }
  return parts;
}

Diagnostics SnnAgent::diagnostics() const {
  // Read-only: after an episode the network was flushed, and mid-episode a flush would move
  // the sweep schedule (and so the rounding of everything after it).
  const std::vector<float> w = primary_ ? net_->currentWeights(*primary_) : std::vector<float>{};
  double mean = 0, sq = 0;
  for (float x : w) mean += x;
  mean /= std::max<double>(1.0, static_cast<double>(w.size()));
  for (float x : w) sq += (x - mean) * (x - mean);
  const double steps = std::max(1.0, last_stats_.steps);
  const double window_s = steps * steps_per_action_ * net_->dtMs() * 1e-3;
  return {
      {"rate_hz_input", last_stats_.input_spikes / window_s / std::max(1u, encoder_neurons_)},
      {"rate_hz_output", last_stats_.output_spikes / window_s / output_->size()},
      {"w_mean", mean},
      {"w_std", std::sqrt(sq / std::max<double>(1.0, static_cast<double>(w.size())))},
      {"elig_abs_mean", last_stats_.elig_abs},
      {"dopamine_mean", last_stats_.dopamine / steps},
      {"value_mean", last_stats_.value / steps},
      {"explore_fraction", last_stats_.explored / steps},
      {"epsilon", epsilon()},
      {"shaping_total", last_stats_.shaping},
  };
}

Checkpoint SnnAgent::checkpoint() const {
  // Read-only: the weights brought up to date in a copy (flush() would sweep the live network
  // and change how later updates round; an evaluation copy must leave training untouched).
  Checkpoint ck;
  ck.agent_type = kType;
  ck.architecture = architecture();
  ck.config = config_.values();
  for (const auto& [key, value] : def_.values) ck.config[key] = value;
  for (const auto& proj : net_->projections()) {
    const std::vector<float> w = net_->currentWeights(*proj);
    ck.sections["weights:" + proj->name()] = std::vector<double>(w.begin(), w.end());
  }
  if (critic_) ck.sections["critic"] = critic_->weights();
  ck.sections["rng"] = rngToSection(rng_);
  ck.sections["counters"] = {static_cast<double>(episodes_done_),
                             static_cast<double>(net_->stepCount()), net_->modulator().baseline(),
                             static_cast<double>(network_seed_ >> 32),
                             static_cast<double>(network_seed_ & 0xFFFFFFFFULL)};
  for (const auto& pop : net_->populations()) {
    std::vector<double> learned = pop->learnedState();
    if (!learned.empty()) ck.sections["learned:" + pop->name()] = std::move(learned);
  }
  if (decoder_->stateSize() > 0) ck.sections["readout"] = decoder_->state();
  std::vector<double> targets;
  for (const Normalized& nz : normalized_)
    targets.insert(targets.end(), nz.target.begin(), nz.target.end());
  if (!targets.empty()) ck.sections["row_sum_target"] = targets;
  // Window learners' own state, one section per kind, learners in projection order.
  for (const auto& learner : learners_) {
    const std::vector<double> state = learner->state();
    auto& section = ck.sections[learner->stateSection()];
    section.insert(section.end(), state.begin(), state.end());
  }
  return ck;
}

void SnnAgent::restore(const Checkpoint& ck, const std::string& path) {
  ck.expect(path, kType, architecture());
  const auto& counters = ck.section(path, "counters", 5);
  // The noise streams are keyed by the network seed: rebuild with the saved one so that the
  // loaded agent continues exactly as the saved one would have.
  const std::uint64_t seed_high = counterFromSection(counters[3], path, "network seed (high)");
  const std::uint64_t seed_low = counterFromSection(counters[4], path, "network seed (low)");
  if (seed_high >= (1ULL << 32) || seed_low >= (1ULL << 32)) {
    throw UserError(path + ": checkpoint counters: the network seed halves must be below 2^32");
  }
  const std::uint64_t saved_seed = (seed_high << 32) | seed_low;
  const long episodes_done = static_cast<long>(counterFromSection(counters[0], path, "episodes"));
  const std::uint64_t step_count = counterFromSection(counters[1], path, "network step");
  if (!std::isfinite(counters[2])) throw UserError(path + ": checkpoint baseline is not finite");
  if (saved_seed != network_seed_) buildNetwork(saved_seed);
  for (const auto& proj : net_->projections()) {
    const auto& w = ck.section(path, "weights:" + proj->name(), proj->size());
    std::copy(w.begin(), w.end(), proj->weights().begin());
  }
  if (critic_) critic_->weights() = ck.section(path, "critic", critic_->weights().size());
  for (const auto& pop : net_->populations()) {
    const std::size_t n = pop->learnedState().size();
    if (n == 0) continue;
    const auto& learned = ck.section(path, "learned:" + pop->name(), n);
    for (double v : learned) {
      if (!std::isfinite(v)) {
        throw UserError(path + ": checkpoint section learned:" + pop->name() +
                        ": a value is not finite");
      }
    }
    pop->setLearnedState(learned);
  }
  if (decoder_->stateSize() > 0) {
    decoder_->setState(ck.section(path, "readout", decoder_->stateSize()), path);
  }
  rngFromSection(rng_, ck.section(path, "rng", 8), path);
  episodes_done_ = episodes_done;
  net_->setStepCount(step_count);
  net_->modulator().setBaseline(counters[2]);
  std::size_t n_targets = 0;
  for (const Normalized& nz : normalized_) n_targets += nz.target.size();
  if (n_targets > 0) {
    const auto& targets = ck.section(path, "row_sum_target", n_targets);
    std::size_t at = 0;
    for (Normalized& nz : normalized_) {
      for (float& t : nz.target) t = static_cast<float>(targets[at++]);
    }
  }
  std::map<std::string, std::size_t> state_sizes, state_at;
  for (const auto& learner : learners_)
    state_sizes[learner->stateSection()] += learner->state().size();
  for (auto& learner : learners_) {
    const std::string name = learner->stateSection();
    const auto& values = ck.section(path, name, state_sizes.at(name));
    const std::size_t n = learner->state().size();
    learner->setState(std::span<const double>(values).subspan(state_at[name], n));
    state_at[name] += n;
  }
  for (auto& p : net_->populations()) p->resetState();
}

namespace {
static const bool kRegistered = registerAgent({
    .name = "snn",
    .summary = "spiking network: encoder -> [hidden] -> output groups per action, "
               "reward-modulated plasticity (default rstdp) with dopamine from a TD critic",
    .params = SnnAgent::params(),
    .children = SnnAgent::children,
    .takes_network = true,
    .replaced_by_network = replacedByNetwork(),
    .expand_flat = defaultNetwork,
    .factory = [](const envs::Space& obs, const envs::Space& act, const AgentDef& def,
                  std::uint64_t seed) -> std::unique_ptr<Agent> {
      return std::make_unique<SnnAgent>(obs, act, def, seed);
    },
});
}  // namespace

}  // namespace spikegym::agents
