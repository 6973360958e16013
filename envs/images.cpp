#include "envs/images.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "envs/registration.hpp"

namespace spikegym::envs {
namespace {

/// Registers an image env: dataset `dataset` (loadImageSet) at `default_path` (`what` says
/// what it is); evaluation episodes show the test split.
bool registerImageEnv(const std::string& id, const std::string& summary, const std::string& dataset,
                      const std::string& default_path, const std::string& what) {
  using Kind = Param::Kind;
  return registerEnv({
      .id = id,
      .summary = summary,
      .max_episode_steps = 0,  // one step per episode: no time limit
      .reward_threshold = std::nullopt,
      .dynamics_version = 1,
      .params =
          {{"split", "train", Kind::kChoice, 0, 0, {"train", "test"}, "which images episodes show"},
           {"data_path", default_path, Kind::kText, 0, 0, {}, what}},
      .factory = [dataset](std::uint64_t seed, const ParamText& p) -> std::unique_ptr<Env> {
        return std::make_unique<ImageClassification>(
            loadImageSet(dataset, p.at("split"), p.at("data_path")), seed);
      },
      .evaluation_params = {{"split", "test"}},
  });
}

static const bool kDigits = registerImageEnv(
    "Digits-v0", "classify 8 x 8 handwritten digits (UCI, scikit-learn's copy), one per episode",
    "digits", "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
    "scikit-learn's digits.csv(.gz) (Debian python3-sklearn)");
static const bool kFashion = registerImageEnv(
    "FashionMNIST-v0",
    "classify 28 x 28 Fashion-MNIST images (10 kinds of clothing), one per episode",
    "fashion-mnist", "/usr/share/datasets/fashion-mnist",
    "folder of Fashion-MNIST's IDX files (Debian dataset-fashion-mnist)");

Space pixelSpace(const ImageSet& set) {
  const std::size_t n = set.pixelsPerImage();
  return Space::box(std::vector<double>(n, 0.0), std::vector<double>(n, 1.0),
                    {static_cast<int>(n)});
}

std::vector<std::string> pixelNames(const ImageSet& set) {
  std::vector<std::string> names;
  for (int r = 0; r < set.rows; ++r) {
    for (int c = 0; c < set.cols; ++c) {
      // Appended piecewise: GCC 12 warns (-Wrestrict) on "p" + std::to_string(...).
      std::string name = "p";
      name += std::to_string(r);
      name += '_';
      name += std::to_string(c);
      names.push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace

ImageClassification::ImageClassification(std::shared_ptr<const ImageSet> images, std::uint64_t seed)
    : Env(pixelSpace(*images), Space::discrete(images->classes), pixelNames(*images)),
      images_(std::move(images)),
      rng_(rngStream(seed, "images")),
      obs_(images_->pixelsPerImage(), 0.0) {
  if (images_->size() == 0) throw UserError("image env: the dataset split has no images");
  info_.values = {{"label", 0.0}, {"answer", 0.0}, {"correct", 0.0}};
}

void ImageClassification::show(std::size_t index) {
  index_ = index;
  const std::size_t n = images_->pixelsPerImage();
  const std::uint8_t* p = images_->pixels.data() + index * n;
  for (std::size_t i = 0; i < n; ++i) obs_[i] = p[i] / images_->max_value;
}

ResetResult ImageClassification::doReset(std::optional<std::uint64_t> seed,
                                         const ResetOptions& options) {
  if (seed) {
    rng_ = rngStream(*seed, "images");
    order_.clear();
    next_ = 0;
  }
  if (options.initial_state) {
    const auto& s = *options.initial_state;
    if (s.size() != 1 || !(s[0] >= 0) || s[0] >= static_cast<double>(images_->size()) ||
        s[0] != static_cast<double>(static_cast<std::size_t>(s[0]))) {
      throw UserError("image env reset: initial_state is {image index} in [0, " +
                      std::to_string(images_->size()) + ")");
    }
    show(static_cast<std::size_t>(s[0]));
  } else {
    if (next_ == order_.size()) {  // a new epoch: a fresh shuffle (Fisher-Yates)
      order_.resize(images_->size());
      for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
      for (std::size_t i = order_.size(); i-- > 1;) std::swap(order_[i], order_[rng_.below(i + 1)]);
      next_ = 0;
    }
    show(order_[next_++]);
  }
  answer_ = -1;
  info_.values[0].second = label();
  info_.values[1].second = -1;
  info_.values[2].second = 0;
  return {obs_, &info_};
}

StepResult ImageClassification::doStep(const Action& action) {
  answer_ = static_cast<int>(action.index);
  const bool correct = answer_ == label();
  info_.values[1].second = answer_;
  info_.values[2].second = correct ? 1.0 : 0.0;
  return {obs_, correct ? 1.0 : 0.0, true, false, &info_};
}

void ImageClassification::draw(DrawSink& sink) const {
  // One square per pixel, 1 world unit wide, row 0 at the top; the answer below.
  const ImageSet& s = *images_;
  const std::uint8_t* p = s.pixels.data() + index_ * s.pixelsPerImage();
  for (int r = 0; r < s.rows; ++r) {
    for (int c = 0; c < s.cols; ++c) {
      const auto v = static_cast<std::uint8_t>(255.0 * p[r * s.cols + c] / s.max_value);
      const double x = c, y = s.rows - 1 - r;
      const Vec2 quad[4] = {{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}};
      sink.polygon(quad, Color{v, v, v, 255}, Color{v, v, v, 255});
    }
  }
  std::string text = "label ";
  text += std::to_string(label());
  if (answer_ >= 0) {
    text += answer_ == label() ? ", answer right" : ", answered ";
    if (answer_ != label()) text += std::to_string(answer_);
  }
  sink.text({0.0, -1.5}, text, Color{20, 20, 20, 255}, 0.08 * s.rows);
}

std::pair<Vec2, Vec2> ImageClassification::drawBounds() const {
  // Room above the image for the viewer's title lines, below it for the answer (its text is
  // 0.08 rows tall, so the room grows with the image: -2.5 for 8 rows, -4.5 for 28).
  const double below = -1.7 - 0.1 * images_->rows;
  return {{-0.5, below}, {images_->cols + 0.5, 1.45 * images_->rows + 0.5}};
}

}  // namespace spikegym::envs
