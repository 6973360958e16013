#include "snn/params.hpp"

namespace spikegym::snn {

ParamValues resolveParams(const ParamTable& table, const ParamValues& given,
                          const std::string& context) {
  // A switch (Param::Kind::kBool) travels as 1 or 0.
  auto isBool = [&table](const std::string& name) {
    const Param* p = findParam(table, name);
    return p && p->kind == Param::Kind::kBool;
  };
  ParamText text;
  for (const auto& [name, value] : given) {
    if (isBool(name) && (value == 0.0 || value == 1.0)) {
      text[name] = value == 1.0 ? "true" : "false";
    } else {
      text[name] = formatNumber(value);  // round-trips exactly: the numbers given come back
    }
  }
  ParamValues out;
  for (const auto& [name, value] : resolveTable(table, text, context)) {
    if (isBool(name)) {
      out[name] = value == "true" ? 1.0 : 0.0;
    } else if (double v = 0; parseNumber(value, v)) {
      out[name] = v;
    }
  }
  return out;
}

std::string describeParams(const ParamTable& table, const std::string& indent) {
  return describeTable(table, indent);
}

}  // namespace spikegym::snn
