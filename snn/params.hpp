// Parameters of SNN units (neuron models, sources, plasticity rules, the neuromodulator) are
// declared as core ParamTables (core/params.hpp, the one declaration type of spikegym). SNN units
// take numbers only: resolveParams() checks user values given as numbers against a table and
// fills in defaults. Units never parse text; lab/ resolves experiment files against the same
// tables before anything is built.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/params.hpp"

namespace spikegym::snn {

/// Values by name, as numbers (a switch as 1 or 0).
using ParamValues = std::map<std::string, double>;

/// Checks `given` against `table` (unknown names get a did-you-mean, out-of-range values name
/// the range) and fills in defaults. Throws UserError prefixed with `context`.
ParamValues resolveParams(const ParamTable& table, const ParamValues& given,
                          const std::string& context);

/// "name = default  [min, max]  [unit] doc" lines for listings.
std::string describeParams(const ParamTable& table, const std::string& indent);

}  // namespace spikegym::snn
