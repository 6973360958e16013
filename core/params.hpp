// The one way to declare parameters: every unit (neuron model, source, plasticity rule,
// neuromodulator, agent, env, the train block) lists its parameters as a ParamTable: name, kind,
// default, range or choices, unit and one line of doc. `spikegym list` prints the tables; lab/
// resolves an experiment against them once (every value checked, every default filled in, each
// value's file:line:col kept for errors); units receive checked values and never parse YAML.
//
// Values travel as text (what the user wrote, or the default's canonical text) so that a resolved
// configuration can be written to config.yaml and hashed into a run id exactly; numbers use the
// shortest text that reads back as the same double (formatNumber).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spikegym {

/// One declared parameter.
struct Param {
  enum class Kind { kNumber, kInteger, kChoice, kText, kBool };
  std::string name;           ///< key; units as a suffix where they fit (tau_ms, force_n)
  std::string default_value;  ///< as text (numbers in formatNumber's form)
  Kind kind = Kind::kNumber;
  double min = -1e300;  ///< numbers and integers: inclusive range
  double max = 1e300;
  std::vector<std::string> choices;  ///< kChoice
  std::string unit;                  ///< e.g. "ms", "mV", "Hz", "1" (dimensionless); "" if none
  std::string doc;                   ///< one line: meaning, typical value

  Param() = default;
  /// A number; a leading "[unit] " in `doc` becomes `unit`.
  Param(std::string name, double default_value, double min, double max, std::string doc);
  /// Any kind, default as text; a leading "[unit] " in `doc` becomes `unit`.
  Param(std::string name, std::string default_value, Kind kind, double min, double max,
        std::vector<std::string> choices, std::string doc);

  /// Checks one value; returns "" when valid, else what was expected ("a number in [0, 1]").
  std::string check(const std::string& value) const;
  /// "[min, max]", "{a|b}", "true|false" or "" (text).
  std::string rangeText() const;
};

using ParamTable = std::vector<Param>;

/// The parameter `name` in `table`, or nullptr.
const Param* findParam(const ParamTable& table, const std::string& name);

/// "name = default  range  [unit] doc" lines for listings. `base`, when given, is the table the
/// defaults were overridden from: changed defaults show "(<base_label> default X)".
std::string describeTable(const ParamTable& table, const std::string& indent,
                          const ParamTable* base = nullptr, const std::string& base_label = "");

/// Parses a whole string as a finite number; false if it is not one (the one number parser).
bool parseNumber(const std::string& text, double& out);
/// Parses a whole string as an integer; false if it is not one.
bool parseInteger(const std::string& text, std::int64_t& out);
/// The shortest text that reads back as the same double ("0.1", "20", "1e-05").
std::string formatNumber(double v);

/// Text values by name, checked against a table (every declared name present).
using ParamText = std::map<std::string, std::string>;

/// Checks `given` against `table`: unknown names (with a did-you-mean), bad values; fills in
/// defaults. Errors throw UserError "<context>: parameter 'name' = 'value': expected ...".
ParamText resolveTable(const ParamTable& table, const ParamText& given, const std::string& context);

/// Numbers of a resolved set (non-numeric values are skipped).
std::map<std::string, double> numbersOf(const ParamText& values);

}  // namespace spikegym
