#include "lab/cost.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "core/error.hpp"
#include "core/files.hpp"
#include "lab/experiment_parts.hpp"

namespace spikegym::lab {

const std::vector<PriceList>& builtinPriceLists() {
  static const std::vector<PriceList> lists = {
      {"horowitz45",
       "Horowitz, ISSCC 2014, 45 nm, 32-bit float: AC = add 0.9 pJ, MAC = mult 3.7 + add 0.9; "
       "neuron update = 1 MAC, plasticity update = 2 MACs (our reading)",
       0.9, 4.6, 9.2, 4.6, 4.6},
      {"loihi",
       "Davies et al., IEEE Micro 2018, Table 1: synaptic op 23.6 pJ, synaptic update 120 pJ, "
       "neuron update 81 / 52 pJ (active / inactive); MACs on a host at Horowitz's 4.6 pJ",
       23.6, 4.6, 120.0, 81.0, 52.0},
  };
  return lists;
}

PriceList readPriceList(const std::string& path) {
  const std::string text = readRegularFile(path, 1 << 20, "price list");
  detail::checkYamlText(path, text, "a price list");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw UserError(detail::where(path, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) {
    throw UserError(path +
                    ":1:1: expected a map (name, source, ac_pj, mac_pj, plasticity_pj, "
                    "neuron_active_pj, neuron_inactive_pj)");
  }
  PriceList list;
  std::map<std::string, double*> prices = {{"ac_pj", &list.ac_pj},
                                           {"mac_pj", &list.mac_pj},
                                           {"plasticity_pj", &list.plasticity_pj},
                                           {"neuron_active_pj", &list.neuron_active_pj},
                                           {"neuron_inactive_pj", &list.neuron_inactive_pj}};
  std::vector<std::string> keys = {"name", "source"};
  for (const auto& [key, field] : prices) keys.push_back(key);
  std::map<std::string, bool> seen;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const std::string at = detail::where(path, kv.first.Mark()) + ": " + key;
    if (seen[key]) throw UserError(at + ": given twice");
    seen[key] = true;
    if (!kv.second.IsScalar()) throw UserError(at + ": expected a single value");
    const std::string value = kv.second.Scalar();
    if (key == "name") {
      const bool ok =
          !value.empty() && value.size() <= 32 &&
          value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
      if (!ok) {
        throw UserError(at + ": expected 1 to 32 of a-z, 0-9, _ (it names a column), got '" +
                        value.substr(0, 40) + "'");
      }
      for (const PriceList& builtin : builtinPriceLists()) {
        if (builtin.name == value) {
          throw UserError(at + ": '" + value + "' is a built-in price list; choose another name");
        }
      }
      list.name = value;
    } else if (key == "source") {
      list.source = value;
    } else if (const auto it = prices.find(key); it != prices.end()) {
      double x = 0;
      if (!parseNumber(value, x) || !(x >= 0) || x > 1e9) {
        throw UserError(at + ": expected a price in pJ, a number in [0, 1e9], got '" +
                        value.substr(0, 40) + "'");
      }
      *it->second = x;
    } else {
      throw UserError(at + ": unknown key" + didYouMean(key, keys) + " (expected one of name, " +
                      "source, ac_pj, mac_pj, plasticity_pj, neuron_active_pj, " +
                      "neuron_inactive_pj)");
    }
  }
  for (const std::string& key : keys) {
    if (!seen[key]) throw UserError(path + ": " + key + ": missing (every price list gives it)");
  }
  return list;
}

double energyUj(const snn::OpCounts& c, const PriceList& p) {
  const double pj = static_cast<double>(c.ac) * p.ac_pj + static_cast<double>(c.mac) * p.mac_pj +
                    static_cast<double>(c.plasticity) * p.plasticity_pj +
                    static_cast<double>(c.neuron_active) * p.neuron_active_pj +
                    static_cast<double>(c.neuron_inactive) * p.neuron_inactive_pj;
  return pj * 1e-6;
}

std::vector<std::pair<std::string, double>> costColumns(const snn::OpCounts& counts) {
  std::vector<std::pair<std::string, double>> out;
  for (const snn::OpField& f : snn::kOpFields) {
    out.emplace_back(f.column, static_cast<double>(counts.*f.member));
  }
  out.emplace_back("activation_sparsity", counts.activationSparsity());
  for (const PriceList& p : builtinPriceLists()) {
    out.emplace_back("energy_uj_" + p.name, energyUj(counts, p));
  }
  return out;
}

std::string costValueText(double value) {
  char buf[40];
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", value);
  }
  return buf;
}

PartTotals totalsOf(const std::vector<agents::CostPart>& parts) {
  PartTotals t;
  for (const agents::CostPart& p : parts) {
    t.bytes += p.bytes;
    if (p.kind == "population") {
      t.neurons += p.units;
    } else if (p.kind == "projection") {
      t.synapses += p.units;
      t.zero_weights += p.zero;
    } else if (p.kind != "source") {
      t.real_weights += p.units;
    }
  }
  return t;
}

CostSections runCostSections(const snn::OpCounts& training, long training_episodes,
                             const snn::OpCounts& evaluation, long evaluation_episodes,
                             const std::vector<agents::CostPart>& parts) {
  CostSections sections;
  auto totals = [&sections](const char* name, const snn::OpCounts& counts, long episodes) {
    auto values = costColumns(counts);
    values.insert(values.begin(), {"episodes", static_cast<double>(episodes)});
    sections.emplace_back(name, std::move(values));
  };
  totals("training", training, training_episodes);
  if (evaluation_episodes > 0) totals("evaluation", evaluation, evaluation_episodes);
  std::vector<std::pair<std::string, double>> sparsity;
  for (const agents::CostPart& p : parts) {
    if (p.kind == "population" || p.kind == "source") {
      sparsity.emplace_back(p.name, p.counts.activationSparsity());
    }
  }
  const PartTotals t = totalsOf(parts);
  sections.emplace_back("static", std::vector<std::pair<std::string, double>>{
                                      {"neurons", static_cast<double>(t.neurons)},
                                      {"synapses", static_cast<double>(t.synapses)},
                                      {"zero_weights", static_cast<double>(t.zero_weights)},
                                      {"connection_sparsity", t.connectionSparsity()},
                                      {"real_valued_weights", static_cast<double>(t.real_weights)},
                                      {"footprint_bytes", static_cast<double>(t.bytes)}});
  if (!sparsity.empty()) sections.emplace_back("activation_sparsity", std::move(sparsity));
  return sections;
}

std::string costPartsTable(const std::vector<agents::CostPart>& parts) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %-10s %12s %12s %10s %12s\n", "part", "kind", "units",
                "zero", "sparsity", "bytes");
  out += line;
  for (const agents::CostPart& p : parts) {
    const bool weighted = p.kind != "population" && p.kind != "source";
    char sparsity[32] = "-";
    if (weighted && p.units > 0) {
      std::snprintf(sparsity, sizeof sparsity, "%.3f",
                    static_cast<double>(p.zero) / static_cast<double>(p.units));
    }
    std::snprintf(line, sizeof line, "%-22s %-10s %12llu %12s %10s %12zu\n",
                  p.name.substr(0, 22).c_str(), p.kind.c_str(),
                  static_cast<unsigned long long>(p.units),
                  weighted ? std::to_string(p.zero).c_str() : "-", sparsity, p.bytes);
    out += line;
  }
  const PartTotals t = totalsOf(parts);
  std::snprintf(line, sizeof line,
                "total: %llu neurons (sources not counted), %llu synapses, connection sparsity "
                "%.3f, footprint %zu bytes (%.1f KiB)\n",
                static_cast<unsigned long long>(t.neurons),
                static_cast<unsigned long long>(t.synapses), t.connectionSparsity(), t.bytes,
                static_cast<double>(t.bytes) / 1024.0);
  return out + line;
}

snn::OpCounts mlpCountsPerStep(const std::vector<int>& layers) {
  snn::OpCounts c;
  for (std::size_t l = 1; l < layers.size(); ++l) {
    const auto macs = static_cast<std::uint64_t>(layers[l - 1]) * layers[l];
    c.mac += macs;
    c.ac += static_cast<std::uint64_t>(layers[l]);  // one bias add per unit (ReLU not counted)
    c.dense += macs + static_cast<std::uint64_t>(layers[l]);
  }
  return c;
}

std::size_t mlpBytes(const std::vector<int>& layers) {
  std::size_t params = 0;
  for (std::size_t l = 1; l < layers.size(); ++l) {
    params += static_cast<std::size_t>(layers[l - 1]) * layers[l] + layers[l];
  }
  return params * sizeof(float);
}

}  // namespace spikegym::lab
