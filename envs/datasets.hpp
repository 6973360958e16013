// Image datasets read from the files Debian ships, with bounded, checked input.
//
//   IDX (MNIST's format; Fashion-MNIST in dataset-fashion-mnist,
//   /usr/share/datasets/fashion-mnist):
//     images: big-endian u32 magic 0x00000803, count, rows, cols, then count x rows x cols
//     bytes (0-255, row-major); labels: magic 0x00000801, count, then count bytes. Gzip or not
//     (zlib reads both).
//   UCI handwritten digits as scikit-learn ships them (python3-sklearn,
//     sklearn/datasets/data/digits.csv.gz): 1797 lines of 65 integers, 64 pixels of an 8 x 8
//     image (0-16) then the label (0-9).
//
// Every header field, count and value is checked against the file's size and the format's
// ranges before anything is allocated (at most kMaxDatasetBytes decompressed), so a damaged or
// hostile file is one UserError naming the file and what is wrong, never a crash or a huge
// allocation. Loaded sets are immutable and shared: loadImageSet() reads each file once per
// process (an env per run must not re-read 47 MB).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spikegym::envs {

/// [bytes] The most a dataset file may hold once decompressed (Fashion-MNIST's training images
/// are 47 MB).
inline constexpr std::size_t kMaxDatasetBytes = 256ull << 20;

/// Labelled grey images, all of one size.
struct ImageSet {
  int rows = 0, cols = 0;
  int classes = 10;
  double max_value = 255;            ///< the pixels' full scale (255 for IDX, 16 for digits)
  std::vector<std::uint8_t> pixels;  ///< size() x rows x cols, row-major
  std::vector<std::uint8_t> labels;  ///< size(), each < classes
  std::size_t size() const { return labels.size(); }
  std::size_t pixelsPerImage() const { return static_cast<std::size_t>(rows) * cols; }
};

/// An IDX image file and its label file (gzip or plain), checked.
ImageSet readIdx(const std::string& images_path, const std::string& labels_path);
/// scikit-learn's digits.csv(.gz), checked.
ImageSet readDigitsCsv(const std::string& path);
/// The first `begin`..`end` images of `set` (a split).
ImageSet sliceImages(const ImageSet& set, std::size_t begin, std::size_t end);

/// A named dataset split, read once per process and shared: "fashion-mnist" (train 60,000 /
/// test 10,000, the files' own split) from folder `path`, or "digits" (train = the first
/// 1437 images, test = the last 360: scikit-learn's order, an 80/20 split without shuffling)
/// from file `path`.
std::shared_ptr<const ImageSet> loadImageSet(const std::string& dataset, const std::string& split,
                                             const std::string& path);

}  // namespace spikegym::envs
