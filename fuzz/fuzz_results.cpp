// libFuzzer target: a results folder's files as resume and compare read them (episodes.csv,
// run.json, config.yaml). The input is split at the first two NUL bytes into the three files.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "lab/compare.hpp"
#include "lab/experiment.hpp"
#include "lab/results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const fs::path root =
      fs::temp_directory_path() / ("spikegym_fuzz_results_" + std::to_string(::getpid()));
  static const spikegym::lab::RunSpec run = [] {
    fs::create_directories(root);
    std::ofstream(root / "e.yaml") << "name: e\nenv: {id: CartPole-v1}\nagent: {type: random}\n";
    return spikegym::lab::loadExperiment((root / "e.yaml").string(), {}).runs.front();
  }();
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto a = input.find('\0');
  const auto b = a == std::string::npos ? a : input.find('\0', a + 1);
  const fs::path dir = root / "out" / "e" / run.run_id;
  fs::create_directories(dir);
  std::ofstream(dir / "episodes.csv", std::ios::binary) << input.substr(0, a);
  std::ofstream(dir / "run.json", std::ios::binary)
      << (a == std::string::npos ? ""
                                 : input.substr(a + 1, b == std::string::npos ? b : b - a - 1));
  std::ofstream(dir / "config.yaml", std::ios::binary)
      << (b == std::string::npos ? "" : input.substr(b + 1));
  std::ofstream(root / "out" / "e" / "manifest.csv") << "run_id,status,seed\n";
  const spikegym::lab::Results results((root / "out").string(), "e");
  results.assess(run.run_id, &run);     // resume's view
  results.assess(run.run_id, nullptr);  // status's and compare's view
  try {
    spikegym::lab::CompareOptions o;
    o.dirs = {(root / "out" / "e").string()};
    o.reps = 20;
    o.plots = {};
    o.out = (root / "cmp").string();
    spikegym::lab::compare(o);
  } catch (const spikegym::UserError&) {
  }
  return 0;
}
