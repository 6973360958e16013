#include "agents/config.hpp"

#include <cmath>

#include "core/error.hpp"

namespace spikegym::agents {

ConfigValues resolveAgentParams(const ParamTable& table, const ChildrenFn& children,
                                const ConfigValues& given, const std::string& context) {
  // Own keys first: the children's tables depend on the resolved own values.
  ConfigValues own, nested;
  for (const auto& [key, value] : given) {
    (key.find('.') == std::string::npos ? own : nested)[key] = value;
  }
  ConfigValues out;
  try {
    out = resolveTable(table, own, context);
  } catch (const UserError& e) {
    throw UserError(std::string(e.what()) + " (see `spikegym list agents`)");
  }
  const std::vector<ChildTable> kids = children ? children(out) : std::vector<ChildTable>{};
  std::vector<std::string> prefixes;
  for (const auto& k : kids) prefixes.push_back(k.prefix);
  for (const auto& [key, value] : nested) {
    const std::string prefix = key.substr(0, key.find('.'));
    bool known = false;
    for (const auto& p : prefixes) known = known || p == prefix;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& p : table) names.push_back(p.name);
      for (const auto& p : prefixes) names.push_back(p + "." + key.substr(key.find('.') + 1));
      throw UserError(context + ": unknown parameter '" + key + "'" + didYouMean(key, names) +
                      " (see `spikegym list agents`)");
    }
  }
  for (const auto& kid : kids) {
    ConfigValues mine;
    const std::string lead = kid.prefix + ".";
    for (const auto& [key, value] : nested) {
      if (key.rfind(lead, 0) == 0) mine[key.substr(lead.size())] = value;
    }
    for (const auto& [name, value] : resolveTable(kid.table, mine, context + ": " + kid.label)) {
      out[lead + name] = value;
    }
  }
  return out;
}

double Config::number(const std::string& key) const {
  double v = 0;
  parseNumber(text(key), v);
  return v;
}

long Config::integer(const std::string& key) const {
  return std::lround(number(key));
}

const std::string& Config::text(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw UsageError(context_ + ": no parameter '" + key + "' declared");
  return it->second;
}

std::map<std::string, double> Config::numbersUnder(const std::string& prefix) const {
  std::map<std::string, double> out;
  for (const auto& [key, value] : values_) {
    if (key.rfind(prefix, 0) == 0) {
      double v = 0;
      parseNumber(value, v);
      out[key.substr(prefix.size())] = v;
    }
  }
  return out;
}

}  // namespace spikegym::agents
