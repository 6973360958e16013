#include "snn/params.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace spikegym::snn {

ParamValues resolveParams(const std::vector<ParamDecl>& decls, const ParamValues& given,
                          const std::string& context) {
  std::vector<std::string> names;
  for (const auto& d : decls) names.push_back(d.name);
  for (const auto& [name, value] : given) {
    bool known = false;
    for (const auto& d : decls) known = known || d.name == name;
    if (!known) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UserError(context + ": unknown parameter '" + name + "'" + didYouMean(name, names) +
                      "; expected one of: " + (list.empty() ? "(none)" : list));
    }
  }
  ParamValues out;
  for (const auto& d : decls) {
    auto it = given.find(d.name);
    const double v = it == given.end() ? d.default_value : it->second;
    if (!std::isfinite(v) || v < d.min || v > d.max) {
      std::ostringstream os;
      os << context << ": parameter '" << d.name << "' = " << v << " is out of range; expected "
         << d.min << " <= " << d.name << " <= " << d.max << " (" << d.doc << ")";
      throw UserError(os.str());
    }
    out[d.name] = v;
  }
  return out;
}

std::string describeParams(const std::vector<ParamDecl>& decls, const std::string& indent) {
  std::ostringstream os;
  for (const auto& d : decls) {
    os << indent << d.name << " = " << d.default_value << "  [" << d.min << ", " << d.max << "]  "
       << d.doc << "\n";
  }
  return os.str();
}

}  // namespace spikegym::snn
