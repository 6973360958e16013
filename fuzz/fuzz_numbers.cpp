// libFuzzer target: the number parsers behind every CLI option and parameter value, and the
// parameter checks (Param::check) of every kind.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  double v = 0;
  if (spikegym::parseNumber(text, v)) {
    if (!std::isfinite(v)) __builtin_trap();  // parseNumber promises finite values
    double back = 0;
    if (!spikegym::parseNumber(spikegym::formatNumber(v), back) || back != v) __builtin_trap();
  }
  std::int64_t i = 0;
  spikegym::parseInteger(text, i);
  using Kind = spikegym::Param::Kind;
  static const spikegym::Param params[] = {
      {"x", 1.0, -1.0, 1e6, "[ms] a number"},
      {"n", "3", Kind::kInteger, 1, 100, {}, "an integer"},
      {"c", "a", Kind::kChoice, 0, 0, {"a", "bb", "ccc"}, "a choice"},
      {"b", "true", Kind::kBool, 0, 0, {}, "a flag"},
  };
  for (const auto& p : params) p.check(text);
  return 0;
}
