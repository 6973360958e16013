// A registry of plug-in units by name (envs by versioned id, neuron models, agents). Units add
// themselves in one line at file scope; a duplicate name is a programmer error (UsageError), an
// unknown name a user error (UserError with a did-you-mean and the list of known names).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace spikegym {

template <typename Info>
class Registry {
 public:
  /// `kind` names the units in messages ("env id", "agent", "neuron model").
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  /// Adds a unit; returns true (for `static const bool kRegistered = ...add(...)`).
  bool add(const std::string& name, Info info) {
    if (!units_.emplace(name, std::move(info)).second) {
      throw UsageError("registry: " + kind_ + " '" + name + "' is registered twice");
    }
    return true;
  }

  /// The unit `name`; an unknown name throws UserError.
  const Info& get(const std::string& name) const {
    auto it = units_.find(name);
    if (it == units_.end()) {
      std::vector<std::string> names;
      std::string list;
      for (const auto& [n, info] : units_) {
        names.push_back(n);
        list += (list.empty() ? "" : ", ") + n;
      }
      throw UserError("unknown " + kind_ + " '" + name + "'" + didYouMean(name, names) +
                      "; expected one of: " + list);
    }
    return it->second;
  }

  /// Every unit, sorted by name.
  std::vector<const Info*> all() const {
    std::vector<const Info*> out;
    for (const auto& [name, info] : units_) out.push_back(&info);
    return out;
  }

 private:
  std::string kind_;
  std::map<std::string, Info> units_;
};

}  // namespace spikegym
