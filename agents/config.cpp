#include "agents/config.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace spikegym::agents {

bool parseNumber(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(out);
}

Config::Config(const std::vector<ParamSpec>& specs, const ConfigValues& given,
               const std::vector<std::string>& pass_through_prefixes, const std::string& context)
    : context_(context) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& [key, value] : given) {
    bool passes = false;
    for (const auto& prefix : pass_through_prefixes) passes = passes || key.rfind(prefix, 0) == 0;
    if (passes) {
      double v;
      if (!parseNumber(value, v)) {
        throw UserError(context + ": parameter '" + key + "' = '" + value + "': expected a number");
      }
      values_[key] = value;
      continue;
    }
    bool known = false;
    for (const auto& n : names) known = known || n == key;
    if (!known) {
      std::vector<std::string> candidates = names;
      for (const auto& p : pass_through_prefixes) candidates.push_back(p + "...");
      throw UserError(context + ": unknown parameter '" + key + "'" + didYouMean(key, names) +
                      " (see `spikegym list agents`)");
    }
  }
  for (const auto& s : specs) {
    auto it = given.find(s.name);
    const std::string value = it == given.end() ? s.default_value : it->second;
    const std::string where = context + ": parameter '" + s.name + "' = '" + value + "'";
    double v = 0;
    switch (s.kind) {
      case ParamSpec::Kind::kNumber:
      case ParamSpec::Kind::kInteger: {
        if (!parseNumber(value, v)) {
          throw UserError(where + ": expected " +
                          (s.kind == ParamSpec::Kind::kInteger ? "an integer" : "a number"));
        }
        if (s.kind == ParamSpec::Kind::kInteger && v != std::floor(v)) {
          throw UserError(where + ": expected an integer");
        }
        if (v < s.min || v > s.max) {
          std::ostringstream os;
          os << where << ": out of range; expected " << s.min << " <= " << s.name << " <= " << s.max
             << " (" << s.doc << ")";
          throw UserError(os.str());
        }
        break;
      }
      case ParamSpec::Kind::kChoice: {
        bool ok = false;
        std::string list;
        for (const auto& c : s.choices) {
          ok = ok || c == value;
          list += (list.empty() ? "" : ", ") + c;
        }
        if (!ok) {
          throw UserError(where + didYouMean(value, s.choices) + ": expected one of: " + list);
        }
        break;
      }
      case ParamSpec::Kind::kText:
        break;
    }
    values_[s.name] = value;
  }
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

std::string describeSpecs(const std::vector<ParamSpec>& specs, const std::string& indent) {
  std::ostringstream os;
  for (const auto& s : specs) {
    os << indent << s.name << " = " << s.default_value << "  ";
    if (s.kind == ParamSpec::Kind::kChoice) {
      os << "{";
      for (std::size_t i = 0; i < s.choices.size(); ++i) os << (i ? "|" : "") << s.choices[i];
      os << "}";
    } else if (s.kind != ParamSpec::Kind::kText) {
      os << "[" << s.min << ", " << s.max << "]";
    }
    os << "  " << s.doc << "\n";
  }
  return os.str();
}

}  // namespace spikegym::agents
