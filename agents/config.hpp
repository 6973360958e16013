// Agent parameters: declared once per agent type (name, default, kind, range or choices, doc),
// given by users as text key=value pairs (from --set now, from YAML through lab/ later), checked
// and converted here. Keys under a declared prefix ("rule.", "neuron.") pass through to the unit
// that owns them (a plasticity rule, a neuron model), which checks them itself.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace spikegym::agents {

/// One declared agent parameter.
struct ParamSpec {
  enum class Kind { kNumber, kInteger, kChoice, kText };
  std::string name;
  std::string default_value;  ///< as text
  Kind kind = Kind::kNumber;
  double min = -1e300;  ///< numbers and integers: inclusive range
  double max = 1e300;
  std::vector<std::string> choices;  ///< kChoice
  std::string doc;                   ///< meaning with unit, one line
};

/// Text values by key, as the user gave them.
using ConfigValues = std::map<std::string, std::string>;

/// Checked parameters of one agent: every declared key has a value.
class Config {
 public:
  /// Checks `given` against `specs`; keys that start with one of `pass_through_prefixes` are
  /// kept for the owning unit. Throws UserError naming `context`, the key, the value, what was
  /// expected, and a did-you-mean for unknown keys.
  Config(const std::vector<ParamSpec>& specs, const ConfigValues& given,
         const std::vector<std::string>& pass_through_prefixes, const std::string& context);

  double number(const std::string& key) const;
  long integer(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  /// Pass-through keys under `prefix`, with the prefix removed, as numbers.
  std::map<std::string, double> numbersUnder(const std::string& prefix) const;
  /// Every resolved value as text, sorted by key (for checkpoints and logs).
  const ConfigValues& values() const { return values_; }

 private:
  ConfigValues values_;
  std::string context_;
};

/// Parses a whole string as a finite number; false if it is not one.
bool parseNumber(const std::string& text, double& out);
/// "name = default  [range or choices]  doc" lines for listings.
std::string describeSpecs(const std::vector<ParamSpec>& specs, const std::string& indent);

}  // namespace spikegym::agents
