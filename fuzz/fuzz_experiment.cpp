// libFuzzer target: experiment files (YAML with include, sweeps, seeds, every section).
// Any input must either load or throw UserError: no crash, no hang, bounded memory.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "lab/experiment.hpp"

namespace {
const std::filesystem::path& dir() {
  static const std::filesystem::path d = [] {
    auto p = std::filesystem::temp_directory_path() /
             ("spikegym_fuzz_experiment_" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    // A second file that inputs may include.
    std::ofstream(p / "base.yaml") << "name: base\nenv: {id: CartPole-v1}\nagent: {type: random}\n";
    return p;
  }();
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = dir() / "exp.yaml";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    spikegym::lab::loadExperiment(path.string(), {});
  } catch (const spikegym::UserError&) {
  }
  return 0;
}
