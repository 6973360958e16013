// Agent parameters. Each agent type declares a ParamTable (core/params.hpp); units nested in an
// agent (the snn agent's learning rule and output neuron model) are children whose table
// depends on the agent's own values (learning_rule picks the rule's table) and is set under
// "<prefix>." keys (rule.tau_c_ms). The agent may override a child's defaults; listings show
// both. resolveAgentParams() is the one resolution, used by makeAgent() and by lab/ (which
// does the same checks key by key to point at file:line:col).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/params.hpp"

namespace spikegym::agents {

/// Text values by key, as the user gave them (or resolved: every declared key present).
using ConfigValues = ParamText;

/// The parameter table of a unit nested in an agent.
struct ChildTable {
  std::string prefix;  ///< keys are "<prefix>.<name>", e.g. "rule"
  std::string label;   ///< for messages and listings, e.g. "learning rule 'rstdp'"
  ParamTable table;    ///< the unit's table with the agent's default overrides applied
  ParamTable base;     ///< the unit's own table (its own defaults)
};

/// The children an agent's resolved own values select.
using ChildrenFn = std::function<std::vector<ChildTable>(const ConfigValues& own)>;

/// Checks `given` against `table`, then against the children the resolved values select;
/// returns every declared value (children's as "<prefix>.<name>"). Throws UserError naming
/// `context`, the key, the value, what was expected, and a did-you-mean for unknown keys.
ConfigValues resolveAgentParams(const ParamTable& table, const ChildrenFn& children,
                                const ConfigValues& given, const std::string& context);

/// Typed read access to resolved parameters.
class Config {
 public:
  Config(ConfigValues resolved, std::string context)
      : values_(std::move(resolved)), context_(std::move(context)) {}

  double number(const std::string& key) const;
  long integer(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  /// Keys under `prefix` ("rule."), with the prefix removed, as numbers.
  std::map<std::string, double> numbersUnder(const std::string& prefix) const;
  /// Every resolved value as text, sorted by key (for checkpoints and logs).
  const ConfigValues& values() const { return values_; }

 private:
  ConfigValues values_;
  std::string context_;
};

}  // namespace spikegym::agents
