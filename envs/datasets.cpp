#include "envs/datasets.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <map>
#include <mutex>
#include <tuple>

#include "core/error.hpp"

namespace spikegym::envs {
namespace {

/// The whole of `path` decompressed (gzip or plain: zlib reads both), at most kMaxDatasetBytes.
std::string readMaybeGz(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw UserError(path + ": cannot open the " + what +
                    " (missing? the Debian package that ships it: README 'Images')");
  }
  if (!S_ISREG(st.st_mode)) throw UserError(path + ": the " + what + " is not a regular file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw UserError(path + ": cannot open the " + what);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      gzclose(f);
      throw UserError(path + ": damaged " + what + " (gzip data does not decompress)");
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxDatasetBytes) {
      gzclose(f);
      throw UserError(path + ": the " + what + " holds more than " +
                      std::to_string(kMaxDatasetBytes >> 20) + " MB; not a dataset spikegym reads");
    }
  }
  gzclose(f);
  return out;
}

std::uint32_t bigEndian(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

}  // namespace

ImageSet readIdx(const std::string& images_path, const std::string& labels_path) {
  const std::string images = readMaybeGz(images_path, "IDX image file");
  const std::string labels = readMaybeGz(labels_path, "IDX label file");
  auto damaged = [](const std::string& path, const std::string& why) {
    return UserError(path + ": damaged IDX file: " + why);
  };
  if (images.size() < 16) throw damaged(images_path, "shorter than its 16-byte header");
  if (bigEndian(images, 0) != 0x00000803) {
    throw damaged(images_path, "magic number is not 0x00000803 (unsigned bytes, 3 dimensions)");
  }
  const std::uint32_t count = bigEndian(images, 4), rows = bigEndian(images, 8),
                      cols = bigEndian(images, 12);
  if (rows < 1 || rows > 1024 || cols < 1 || cols > 1024) {
    throw damaged(images_path, "image size " + std::to_string(rows) + " x " + std::to_string(cols) +
                                   " outside 1..1024");
  }
  const std::uint64_t expected = 16 + static_cast<std::uint64_t>(count) * rows * cols;
  if (images.size() != expected) {
    throw damaged(images_path, "its header promises " + std::to_string(count) + " images of " +
                                   std::to_string(rows) + " x " + std::to_string(cols) + " (" +
                                   std::to_string(expected) + " bytes), the file holds " +
                                   std::to_string(images.size()));
  }
  if (labels.size() < 8) throw damaged(labels_path, "shorter than its 8-byte header");
  if (bigEndian(labels, 0) != 0x00000801) {
    throw damaged(labels_path, "magic number is not 0x00000801 (unsigned bytes, 1 dimension)");
  }
  if (bigEndian(labels, 4) != count || labels.size() != 8 + static_cast<std::size_t>(count)) {
    throw damaged(labels_path, "it has " + std::to_string(labels.size() - 8) + " labels for the " +
                                   std::to_string(count) + " images of " + images_path);
  }
  ImageSet set;
  set.rows = static_cast<int>(rows);
  set.cols = static_cast<int>(cols);
  set.max_value = 255;
  set.pixels.assign(images.begin() + 16, images.end());
  set.labels.assign(labels.begin() + 8, labels.end());
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    if (set.labels[i] >= set.classes) {
      throw damaged(labels_path, "label " + std::to_string(set.labels[i]) + " of image " +
                                     std::to_string(i) + " is not a class 0..9");
    }
  }
  return set;
}

ImageSet readDigitsCsv(const std::string& path) {
  const std::string text = readMaybeGz(path, "digits file");
  ImageSet set;
  set.rows = set.cols = 8;
  set.max_value = 16;
  std::size_t line = 1, at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::size_t field = 0, i = at;
    while (i < end) {
      int value = 0, digits = 0;
      while (i < end && text[i] >= '0' && text[i] <= '9' && digits < 3) {
        value = 10 * value + (text[i] - '0');
        ++i;
        ++digits;
      }
      // scikit-learn writes "0.0"-style values in some versions: a zero fraction is allowed.
      if (i < end && text[i] == '.') {
        ++i;
        while (i < end && text[i] == '0') ++i;
      }
      const bool last = field == 64;
      if (digits == 0 || (i < end && text[i] != (last ? '\r' : ',')) || field > 64 ||
          value > (last ? 9 : 16)) {
        throw UserError(path + ":" + std::to_string(line) + ": damaged digits file: field " +
                        std::to_string(field + 1) + " is not " +
                        (last ? "a label 0..9" : "a pixel 0..16") +
                        " (expected 65 comma-separated integers per line)");
      }
      (last ? set.labels : set.pixels).push_back(static_cast<std::uint8_t>(value));
      ++field;
      ++i;  // the comma (or \r, or the end)
    }
    if (field != 65) {
      throw UserError(path + ":" + std::to_string(line) + ": damaged digits file: " +
                      std::to_string(field) + " fields, expected 65 (64 pixels and a label)");
    }
    if (set.labels.size() > 100000) throw UserError(path + ": more than 100,000 digits");
    at = end + 1;
    ++line;
  }
  if (set.labels.empty()) throw UserError(path + ": damaged digits file: no images");
  return set;
}

ImageSet sliceImages(const ImageSet& set, std::size_t begin, std::size_t end) {
  ImageSet out;
  out.rows = set.rows;
  out.cols = set.cols;
  out.classes = set.classes;
  out.max_value = set.max_value;
  const std::size_t n = set.pixelsPerImage();
  out.pixels.assign(set.pixels.begin() + static_cast<std::ptrdiff_t>(begin * n),
                    set.pixels.begin() + static_cast<std::ptrdiff_t>(end * n));
  out.labels.assign(set.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                    set.labels.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

std::shared_ptr<const ImageSet> loadImageSet(const std::string& dataset, const std::string& split,
                                             const std::string& path) {
  static std::mutex mutex;
  static std::map<std::tuple<std::string, std::string, std::string>,
                  std::shared_ptr<const ImageSet>>
      cache;
  const std::lock_guard<std::mutex> lock(mutex);  // runs start in parallel (-j N)
  auto& slot = cache[{dataset, split, path}];
  if (slot) return slot;
  if (dataset == "fashion-mnist") {
    const std::string prefix = path + (split == "train" ? "/train" : "/t10k");
    slot = std::make_shared<const ImageSet>(
        readIdx(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz"));
  } else if (dataset == "digits") {
    const ImageSet all = readDigitsCsv(path);
    const std::size_t train = all.size() * 4 / 5;  // 1437 of 1797
    slot = std::make_shared<const ImageSet>(split == "train" ? sliceImages(all, 0, train)
                                                             : sliceImages(all, train, all.size()));
  } else {
    throw UsageError("loadImageSet: unknown dataset '" + dataset + "'");
  }
  return slot;
}

}  // namespace spikegym::envs
