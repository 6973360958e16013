// Image classification as one-step episodes: Digits-v0 and FashionMNIST-v0.
//
// ## Description
// Each episode shows one image; the agent answers with a class. Any agent of the RL loop can
// learn from it (the label is the reward signal: Mozafari et al. 2018 read reward-modulated
// STDP this way); accuracy is the mean return.
//
// ## Action space
// Discrete(10): the class.
//
// ## Observation space
// Box(rows x cols) in [0, 1]: the pixels row by row, divided by the dataset's full scale
// (Digits: 8 x 8, 0-16 in the file; Fashion-MNIST: 28 x 28, 0-255).
//
// ## Rewards
// 1 for the right class, 0 otherwise.
//
// ## Starting state
// The next image of the split in an order shuffled once per pass (epoch) from the env's own
// stream: every image once per epoch. ResetOptions::initial_state = {index} shows image `index`.
//
// ## Episode end
// terminated after the one step. info: label, answer, correct (1 or 0).
//
// ## Arguments
// split: train or test (evaluation episodes use the test split: EnvSpec::evaluation_params);
// data_path: the dataset's file (Digits: scikit-learn's digits.csv.gz) or folder (Fashion-MNIST's
// four IDX files), from the Debian packages python3-sklearn and dataset-fashion-mnist.
// Digits' split is scikit-learn's order cut 80/20: train = the first 1437 images, test = the
// last 360. Fashion-MNIST's is its files' own (60,000 / 10,000).
//
// ## Version history
// v0 (spikegym 0.1): first version.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "envs/datasets.hpp"
#include "envs/env.hpp"

namespace spikegym::envs {

class ImageClassification final : public Env {
 public:
  ImageClassification(std::shared_ptr<const ImageSet> images, std::uint64_t seed);
  std::vector<double> state() const override { return {static_cast<double>(index_)}; }
  void draw(DrawSink& sink) const override;
  std::pair<Vec2, Vec2> drawBounds() const override;
  const ImageSet& images() const { return *images_; }
  /// The label of the image shown now.
  int label() const { return images_->labels[index_]; }

 protected:
  ResetResult doReset(std::optional<std::uint64_t> seed, const ResetOptions& options) override;
  StepResult doStep(const Action& action) override;

 private:
  void show(std::size_t index);
  std::shared_ptr<const ImageSet> images_;
  Rng rng_;
  std::vector<std::uint32_t> order_;  // this epoch's order of the images
  std::size_t next_ = 0;              // position in order_ of the next image
  std::size_t index_ = 0;             // the image shown
  int answer_ = -1;
  std::vector<double> obs_;
  Info info_;
};

}  // namespace spikegym::envs
