#include "snn/params.hpp"

namespace spikegym::snn {

ParamValues resolveParams(const ParamTable& table, const ParamValues& given,
                          const std::string& context) {
  ParamText text;
  for (const auto& [name, value] : given) text[name] = formatNumber(value);
  // formatNumber round-trips exactly, so the numbers that come back are the ones given.
  return numbersOf(resolveTable(table, text, context));
}

std::string describeParams(const ParamTable& table, const std::string& indent) {
  return describeTable(table, indent);
}

}  // namespace spikegym::snn
