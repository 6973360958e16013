// SnnAgent ("snn"): a spiking network that acts and learns by reward-modulated plasticity.
//
// One env step = steps_per_action SNN steps of dt_ms. During that window:
//   encoder   the observation sets the input layer: Gaussian receptive fields per observation
//             dimension, as Poisson rates ("population"), as currents into LIF input neurons
//             ("current"), or one on/off neuron pair per dimension with rates proportional to
//             the value ("rate");
//   network   input -> [hidden, fixed random] -> output, one group of output_size neurons per
//             action, optional lateral inhibition between the groups (winner-take-all); the
//             plastic projection into the output uses any rule from snn/ by name;
//   decoder   spike counts per group -> action: argmax, softmax with temperature, or first to
//             spike; epsilon exploration (chosen before the window, and the chosen group is
//             driven by an extra current so that the spikes, and so the eligibility, match the
//             action taken);
//   reward    observe() turns the reward into dopamine: the raw reward (optionally minus a
//             running average), or the TD error of a linear critic on the encoder's features
//             (Fremaux, Sprekeler & Gerstner 2013): delta = r + gamma V(s') - V(s), with
//             V(s') = 0 when the episode terminated and bootstrapped when it was truncated.
// Homeostasis (optional): synaptic scaling keeps each output neuron's summed input weight at its
// initial value after every episode (reward-modulated STDP alone drifts; Skorheim et al. 2014).
#pragma once

#include <memory>
#include <optional>

#include "agents/agent.hpp"
#include "agents/critic.hpp"
#include "agents/decoder.hpp"
#include "agents/encoder.hpp"
#include "agents/network.hpp"
#include "snn/network.hpp"
#include "snn/plasticity.hpp"

namespace spikegym::agents {

class SnnAgent final : public Agent, public AgentView {
 public:
  /// From its resolved definition (resolveAgentDef: the network resolved, flat parameters
  /// expanded); builds the network.
  SnnAgent(const envs::Space& observation_space, const envs::Space& action_space,
           const AgentDef& def, std::uint64_t seed);
  const std::string& type() const override;
  void onEpisodeStart() override;
  envs::Action act(std::span<const double> obs) override;
  void observe(std::span<const double> next_obs, double reward, bool terminated,
               bool truncated) override;
  void observeInfo(const envs::Info& info) override;
  /// Off also freezes the network: every rule and every adaptive threshold (Network::
  /// setPlasticity), so an evaluation changes nothing, whatever the rule.
  void setLearning(bool on) override;
  Diagnostics diagnostics() const override;
  AgentView* view() override { return this; }
  std::string numericalFault() const override;
  void setCounting(bool on) override;
  snn::OpCounts opCounts() const override;
  std::vector<CostPart> costParts() const override;

  // AgentView
  std::vector<std::string> populationNames() const override;
  std::uint32_t populationSize(std::size_t population) const override;
  std::vector<std::string> projectionNames() const override;
  void setRecording(bool on) override;
  void setProbe(std::size_t population, std::uint32_t neuron) override;
  const std::vector<SpikeRecord>& windowSpikes(std::size_t population) const override;
  const std::vector<float>& windowPotential() const override { return window_potential_; }
  std::vector<int> actionCounts() const override { return decoder_->counts(); }
  PopulationRole populationRole(std::size_t population) const override;
  std::vector<LiveParam> liveParams() const override;
  bool setLiveParam(const std::string& name, double value) override;
  snn::Population::PotentialMarks probeMarks() const override;
  int stepsPerAction() const override { return steps_per_action_; }
  std::uint64_t networkStep() const override { return net_->stepCount(); }
  double dtMs() const override;
  WeightGrid weights(std::size_t index) const override;
  double meanEligibility() const override;
  double dopamine() const override;
  double value() const override { return critic_ ? critic_->lastValue() : 0.0; }
  double epsilon() const override;
  Checkpoint checkpoint() const override;
  void restore(const Checkpoint& ck, const std::string& path) override;
  void reseedExploration(std::uint64_t seed) override { rng_.reseed(seed); }

  /// Declared parameters.
  static const ParamTable& params();
  /// The rule and output-neuron tables that `own` (resolved own values) selects.
  static std::vector<ChildTable> children(const ConfigValues& own);
  snn::Network& network() { return *net_; }
  /// The projection diagnostics and the viewer's eligibility describe: the first plastic
  /// projection into the readout (by name), else the first plastic one, else the first into
  /// the readout (the default network: the plastic projection into the output layer).
  snn::Projection& plastic() { return *primary_; }
  /// The resolved network this agent built.
  const NetworkDef& definition() const { return def_; }

 private:
  /// An encoder population and how the observation drives it.
  struct EncoderPop {
    snn::Population* population;
    const PopulationDef* def;
    GaussianEncoder encoder;
    std::vector<float> features;  // activities of the last observation (gaussian_rf only)
    bool current;                 // drive: current (LIF input neurons), else Poisson rates
  };
  /// A projection whose post neurons keep their summed input weight (normalize).
  struct Normalized {
    snn::Projection* projection;
    std::vector<float> target;  // per post neuron
    bool l2;                    // the target is each row's Euclidean norm, not its sum
  };

  /// Builds the network of def_ (populations, critic, projections); `network_seed` keys its
  /// wiring, initial weights and noise streams.
  void buildNetwork(std::uint64_t network_seed);
  void addPopulations();  // encoder populations with their encoders, neuron populations
  void addCritic();       // the TD critic and its feature map (shared with an encoder if equal)
  void addProjections();  // projections, window learners, normalization targets
  /// Sets the encoder populations from `obs` (their features must already hold its encoding).
  void driveInput(std::span<const double> obs);
  /// Each post neuron's input weights measured: their sum, or (l2) their Euclidean norm.
  static std::vector<float> rowMeasures(snn::Projection& proj, bool l2);
  /// Silences the encoder populations (the window after an episode's last reward).
  void silenceInput();
  void endEpisode();
  std::string architecture() const;

  Config config_;
  NetworkDef def_;
  int n_actions_;
  int obs_dims_;
  int group_size_;
  int steps_per_action_;
  double shaping_penalty_;
  const envs::Space observation_space_;
  std::optional<CriticFeatures> critic_encoder_;  // the critic's feature map
  std::optional<TdLambdaCritic> critic_;
  int critic_shares_ = -1;  // index into encoders_ whose features the critic reads, or -1
  std::unique_ptr<Decoder> decoder_;
  int label_ = -1;  // the info label of the step observe() gets next (label_assignment)
  std::uint64_t network_seed_ = 0;
  std::unique_ptr<snn::Network> net_;
  std::vector<EncoderPop> encoders_;
  std::uint32_t encoder_neurons_ = 0;
  snn::Population* output_ = nullptr;
  snn::Projection* primary_ = nullptr;
  std::vector<Normalized> normalized_;
  /// What the modulator carries, decided once when the network is built.
  enum class Signal { kNone, kReward, kTdError } signal_ = Signal::kNone;
  std::vector<std::unique_ptr<snn::WindowLearner>> learners_;  // window rules, projection order
  std::vector<double> action_p_;  // the readout's action probabilities of the last window
  Rng rng_;
  std::vector<float> critic_features_, next_features_;  // critic features of s and s'
  long episodes_done_ = 0;
  snn::OpCounts own_counts_;      // the agent's own operations: current encoders, readout counting
  snn::OpCounts retired_counts_;  // what networks replaced by restore() had counted
  // Per-episode accumulators for diagnostics.
  struct EpisodeStats {
    double steps = 0, input_spikes = 0, output_spikes = 0, dopamine = 0, value = 0, explored = 0,
           shaping = 0, elig_abs = 0, episode_return = 0;
  } stats_, last_stats_;
  // Recording for viewers (AgentView); nothing is recorded while recording_ is false.
  bool recording_ = false;
  std::size_t probe_population_ = 0;
  std::uint32_t probe_neuron_ = 0;
  std::vector<std::vector<SpikeRecord>> window_spikes_;  // per population
  std::vector<float> window_potential_;
  void recordStep();
};

}  // namespace spikegym::agents
