// Declared parameters of SNN units (neuron models, plasticity rules, the neuromodulator).
//
// Every unit declares its parameters once, with default, unit and valid range; `spikegym list`
// prints the declarations, and resolveParams() turns user-given values (already parsed from
// YAML or flags by lab/ or app/) into a complete, checked set. Units never parse text.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace spikegym::snn {

/// One declared parameter. All SNN parameters are numbers.
struct ParamDecl {
  std::string name;      ///< key, with its unit as a suffix where it has one (tau_ms)
  double default_value;  ///< used when the user gives none
  double min;            ///< smallest valid value (inclusive)
  double max;            ///< largest valid value (inclusive)
  std::string doc;       ///< one line: meaning, unit, typical value
};

/// Values given by a user, by name.
using ParamValues = std::map<std::string, double>;

/// Checks `given` against `decls` (unknown names get a did-you-mean, out-of-range values name
/// the range) and fills in defaults. Throws UserError prefixed with `context`.
ParamValues resolveParams(const std::vector<ParamDecl>& decls, const ParamValues& given,
                          const std::string& context);

/// "name = default [min, max]  doc" lines for listings.
std::string describeParams(const std::vector<ParamDecl>& decls, const std::string& indent);

}  // namespace spikegym::snn
