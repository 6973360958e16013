// `spikegym compare RESULTS_DIR...`: scores every finished run, groups them, ranks the groups
// with IQM and bootstrap CIs, and writes summary.csv, pairs.csv, curves.csv (cost.csv,
// classes.csv and confusion.csv when the runs have them) and figures.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "lab/compare.hpp"
#include "lab/plots.hpp"

namespace spikegym::app {
namespace {

struct CompareCli {
  lab::CompareOptions options;
  std::string by;
  std::string plots = "svg,png";
  bool markdown = false;
};

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void compareCommand(CompareCli& c) {
  c.options.by = splitCommas(c.by);
  c.options.plots = c.plots == "none" ? std::vector<std::string>{} : splitCommas(c.plots);
  const lab::CompareResult r = lab::compare(c.options);
  for (const auto& w : r.warnings) std::fprintf(stderr, "spikegym: warning: %s\n", w.c_str());
  std::fputs(lab::compareTable(r, c.markdown).c_str(), stdout);
  // What this call wrote: the tables, cost.csv when runs had cost columns, the figures drawn.
  std::string figures;
  if (!c.options.plots.empty()) {
    for (const std::string& name : lab::figureNames()) {
      const bool drawn = std::filesystem::exists(std::filesystem::path(r.out_dir) /
                                                 (name + "." + c.options.plots.front()));
      if (drawn) figures += (figures.empty() ? "" : ", ") + name;
    }
  }
  std::printf("%swrote %s/summary.csv, pairs.csv, curves.csv%s%s%s\n", c.markdown ? "\n" : "",
              r.out_dir.c_str(), r.costs.empty() ? "" : ", cost.csv",
              r.classes.empty() ? "" : ", classes.csv, confusion.csv",
              figures.empty() ? "" : (" and figures (" + figures + ")").c_str());
}

}  // namespace

void addCompareCommand(CLI::App& app) {
  auto c = std::make_shared<CompareCli>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Rank groups of runs (e.g. learning rules) across seeds: IQM with 95% bootstrap CIs, "
      "probability of improvement, Welch's t-test; CSV tables and figures");
  cmd->add_option("dirs", c->options.dirs, "Results folders (results/<name>) to read")->required();
  cmd->add_option("--by", c->by,
                  "Config paths to group by, comma-separated (default: the swept paths)");
  cmd->add_option("--metric", c->options.metric, "Column of episodes.csv to score")
      ->capture_default_str();
  cmd->add_option("--score", c->options.score,
                  "last:K (mean of the last K training episodes) | auc (mean of all) | "
                  "threshold:X (first episode whose trailing-100 mean reaches X) | eval")
      ->capture_default_str();
  cmd->add_option("--reps", c->options.reps, "Bootstrap resamples")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  cmd->add_option("--seed", c->options.seed, "Seed of the bootstrap")
      ->check(wholeNumber(0, kMaxSeed))
      ->capture_default_str();
  cmd->add_option("--out", c->options.out, "Output folder (default: <first dir>/compare)");
  cmd->add_option("--smooth", c->options.smooth_episodes,
                  "[episodes] trailing window of the plotted learning curves")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--x", c->options.x,
                  "Learning curves' x axis: episodes (training episode) or steps (env steps)")
      ->capture_default_str();
  cmd->add_option("--prices", c->options.prices,
                  "A price list YAML file (name, source, ac_pj, mac_pj, plasticity_pj, "
                  "neuron_active_pj, neuron_inactive_pj) priced beside horowitz45 and loihi "
                  "(repeatable)");
  cmd->add_option("--energy", c->options.energy,
                  "The price list of the Pareto figure's energy axis")
      ->capture_default_str();
  cmd->add_flag("--markdown", c->markdown, "Print the table as Markdown");
  cmd->add_option("--plots", c->plots, "Figure formats: svg,png,pdf or none")
      ->capture_default_str();
  cmd->callback([c] { compareCommand(*c); });
}

}  // namespace spikegym::app
