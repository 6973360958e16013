#include "core/params.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace spikegym {
namespace {

/// Splits a leading "[unit] " off `doc`.
void splitUnit(std::string& doc, std::string& unit) {
  if (doc.size() > 2 && doc[0] == '[') {
    const auto close = doc.find(']');
    if (close != std::string::npos) {
      unit = doc.substr(1, close - 1);
      doc = doc.substr(close + 1);
      if (!doc.empty() && doc[0] == ' ') doc.erase(0, 1);
    }
  }
}

std::string rangeNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

Param::Param(std::string name_, double default_, double min_, double max_, std::string doc_)
    : name(std::move(name_)),
      default_value(formatNumber(default_)),
      kind(Kind::kNumber),
      min(min_),
      max(max_),
      doc(std::move(doc_)) {
  splitUnit(doc, unit);
}

Param::Param(std::string name_, std::string default_, Kind kind_, double min_, double max_,
             std::vector<std::string> choices_, std::string doc_)
    : name(std::move(name_)),
      default_value(std::move(default_)),
      kind(kind_),
      min(min_),
      max(max_),
      choices(std::move(choices_)),
      doc(std::move(doc_)) {
  splitUnit(doc, unit);
}

std::string Param::rangeText() const {
  switch (kind) {
    case Kind::kNumber:
    case Kind::kInteger: {
      std::string out = "[";
      out += rangeNumber(min);
      out += ", ";
      out += rangeNumber(max);
      out += ']';
      return out;
    }
    case Kind::kChoice: {
      std::string out = "{";
      for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i) out += '|';
        out += choices[i];
      }
      out += '}';
      return out;
    }
    case Kind::kBool:
      return "true|false";
    case Kind::kText:
      break;
  }
  return "";
}

std::string Param::check(const std::string& value) const {
  double v = 0;
  switch (kind) {
    case Kind::kNumber:
    case Kind::kInteger: {
      const char* what = kind == Kind::kInteger ? "an integer" : "a number";
      if (!parseNumber(value, v)) return what;
      if (kind == Kind::kInteger && v != std::floor(v)) return "an integer";
      if (v < min || v > max) {
        return std::string(what) + " in " + rangeText() + " (out of range" +
               (doc.empty() ? "" : ": " + doc) + ")";
      }
      return "";
    }
    case Kind::kChoice:
      for (const auto& c : choices) {
        if (c == value) return "";
      }
      {
        std::string list;
        for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
        return "one of: " + list + didYouMean(value, choices);
      }
    case Kind::kBool:
      return value == "true" || value == "false" ? "" : "true or false";
    case Kind::kText:
      return "";
  }
  return "";
}

const Param* findParam(const ParamTable& table, const std::string& name) {
  for (const auto& p : table) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string describeTable(const ParamTable& table, const std::string& indent,
                          const ParamTable* base, const std::string& base_label) {
  std::ostringstream os;
  for (const auto& p : table) {
    os << indent << p.name << " = " << p.default_value;
    if (base) {
      const Param* b = findParam(*base, p.name);
      if (b && b->default_value != p.default_value) {
        os << " (" << base_label << " default " << b->default_value << ")";
      }
    }
    os << "  " << p.rangeText() << "  ";
    if (!p.unit.empty()) os << "[" << p.unit << "] ";
    os << p.doc << "\n";
  }
  return os.str();
}

bool parseNumber(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(out);
}

bool parseInteger(const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

std::string formatNumber(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

ParamText resolveTable(const ParamTable& table, const ParamText& given,
                       const std::string& context) {
  std::vector<std::string> names;
  for (const auto& p : table) names.push_back(p.name);
  for (const auto& [name, value] : given) {
    if (!findParam(table, name)) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UserError(context + ": unknown parameter '" + name + "'" + didYouMean(name, names) +
                      "; expected one of: " + (list.empty() ? "(none)" : list));
    }
  }
  ParamText out;
  for (const auto& p : table) {
    auto it = given.find(p.name);
    const std::string& value = it == given.end() ? p.default_value : it->second;
    if (const std::string expected = p.check(value); !expected.empty()) {
      throw UserError(context + ": parameter '" + p.name + "' = '" + value + "': expected " +
                      expected);
    }
    out[p.name] = value;
  }
  return out;
}

std::map<std::string, double> numbersOf(const ParamText& values) {
  std::map<std::string, double> out;
  for (const auto& [name, text] : values) {
    double v = 0;
    if (parseNumber(text, v)) out[name] = v;
  }
  return out;
}

}  // namespace spikegym
