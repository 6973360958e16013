// libFuzzer target: a price list file (YAML) as `compare --prices` and `show mlp-cost --prices`
// read it. Anything may be refused with a UserError; nothing may crash, hang or leak.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "lab/cost.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const fs::path file =
      fs::temp_directory_path() / ("spikegym_fuzz_prices_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file, std::ios::binary) << std::string(reinterpret_cast<const char*>(data), size);
  try {
    const spikegym::lab::PriceList list = spikegym::lab::readPriceList(file.string());
    spikegym::snn::OpCounts counts;
    counts.ac = counts.mac = counts.plasticity = counts.neuron_active = counts.neuron_inactive = 7;
    (void)spikegym::lab::energyUj(counts, list);
  } catch (const spikegym::UserError&) {
  }
  return 0;
}
