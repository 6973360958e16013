// `spikegym compare`: score each run of one or more results folders, group runs by configuration
// paths, and compare the groups with statistics over runs (lab/stats): mean, std, median, IQM
// with a stratified bootstrap CI, the fraction of runs that reach the env's reward threshold,
// pairwise probability of improvement with a bootstrap CI and Welch's t-test. Writes
// summary.csv, pairs.csv, curves.csv and figures (lab/plots). Runs with cost columns
// (lab/cost.hpp) also give each group's cost per episode and energy under every price list:
// cost.csv, a cost table and the Pareto figure (score vs energy per episode). Runs of a
// classification env (episodes.csv has 'label' and 'answer') also give each group's per-class
// test accuracy and confusion matrix: classes.csv, confusion.csv, a per-class table and the
// confusion figure.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lab/cost.hpp"
#include "lab/stats.hpp"
#include "snn/ops.hpp"

namespace spikegym::lab {

struct CompareOptions {
  std::vector<std::string> dirs;   ///< results/<name> folders
  std::vector<std::string> by;     ///< config paths to group by; empty: the swept paths
  std::string metric = "return";   ///< a numeric column of episodes.csv
  std::string score = "last:100";  ///< last:K | auc | threshold:X | eval
  int reps = 10000;                ///< bootstrap resamples
  std::uint64_t seed = 1;          ///< bootstrap generator seed
  std::string out;                 ///< output folder; "" = <first dir>/compare
  std::vector<std::string> plots = {"svg", "png"};  ///< formats; empty: none
  int smooth_episodes = 10;  ///< [episodes] trailing window of the plotted learning curves
  /// The learning curves' x axis: "episodes" (training episode) or "steps" (env steps taken in
  /// training; episodes differ in length, so agents that fail fast look slower by episodes).
  std::string x = "episodes";
  /// Price list files (YAML, lab/cost.hpp) priced beside the built-in ones.
  std::vector<std::string> prices;
  /// The price list of the Pareto figure's energy axis (built-in or from `prices`).
  std::string energy = "loihi";
};

/// One run as compare sees it.
struct RunScore {
  std::string dir, run_id, env_id, git_commit;
  int dynamics_version = 1;
  std::string group;                      ///< the --by values, space-separated
  std::vector<std::string> group_values;  ///< per --by path
  std::vector<std::string> label_values;  ///< per --by path: the sweep's value where swept (names)
  std::vector<double> train;              ///< metric per training episode
  std::vector<double> train_steps;        ///< [env steps] taken by the end of each training episode
  double score = 0;                       ///< by the score rule
  bool censored = false;                  ///< threshold never reached (score = episodes + 1)
  bool solved = false;                    ///< trailing-100 mean return reached the threshold
  bool has_threshold = false;             ///< the env declares a reward threshold
  /// What the run cost over the cost window of its training episodes (CompareResult), and over
  /// its evaluation episodes (learning off): summed when read, no per-episode costs are kept.
  struct Cost {
    snn::OpCounts total;       ///< priced counts summed over the episodes
    double steps = 0;          ///< [env steps] summed
    std::size_t episodes = 0;  ///< 0: no cost columns (or no such episodes)
  } cost, eval_cost;
  /// A classification env's test: the true class and the answer per episode of the run's last
  /// evaluation block (the trained agent); empty when episodes.csv has no 'label' and 'answer'
  /// columns or the run did not evaluate.
  std::vector<int> test_labels, test_answers;
};

/// Per class, what a group's trained agents answer (classification envs): each run's last
/// evaluation block, the runs' per-class accuracies averaged, their answers summed into one
/// confusion matrix.
struct GroupClasses {
  std::string group;
  int n = 0;        ///< runs with a test block
  int classes = 0;  ///< labels and answers are 0..classes-1 (the largest met, over all groups)
  /// Per class: the mean over runs of each run's accuracy on that class's test images, with a
  /// 95% percentile-bootstrap interval (NaN: no run had an image of the class).
  std::vector<Estimate> accuracy;
  std::vector<double> images;  ///< per class: test images per run (mean over runs)
  /// [label * classes + answer]: answers summed over the runs' test blocks.
  std::vector<std::uint64_t> confusion;
  double overall = 0;  ///< the mean over runs of each run's test accuracy
};

/// What a group's runs cost per training episode over the cost window (the episodes the score
/// reads with last:K, else every training episode): per run the mean over the window, then the
/// mean over runs with a 95% percentile-bootstrap interval. Groups whose runs evaluate have a
/// second entry over every evaluation episode (learning off: the cost of acting alone).
struct GroupCost {
  std::string group;
  bool evaluation = false;  ///< over the evaluation episodes (learning off): what acting costs
  int n = 0;                ///< runs with cost columns
  Estimate ac, mac, plasticity, neuron_updates, steps;  ///< [ops or env steps] per episode
  std::vector<Estimate> energy_uj;     ///< [uJ] per episode, one per CompareResult::prices
  std::vector<double> energy_nj_step;  ///< [nJ] per env step (window energy / window steps)
  /// [ops per env step] AC, MAC, plasticity: each run's window totals / window steps, mean over
  /// runs.
  std::array<double, 3> per_step{};
};

struct GroupSummary {
  std::string name;
  std::vector<std::string> values;  ///< per --by path
  std::vector<std::size_t> runs;    ///< indices into CompareResult::runs
  int n = 0, censored = 0;
  double mean = 0, std = 0, median = 0, iqm = 0, iqm_low = 0, iqm_high = 0;
  double frac_solved = 0;  ///< NaN when no run's env declares a threshold
  /// Palette index (plots.hpp) of the group in every figure of the call; -1: not drawn.
  int colour = -1;
};

struct PairSummary {
  std::string a, b;
  double prob_improvement = 0, low = 0, high = 0, welch_p = 0;
};

struct CompareResult {
  std::vector<std::string> by;
  std::vector<RunScore> runs;
  std::vector<GroupSummary> groups;  ///< best first
  std::vector<PairSummary> pairs;    ///< every ordered pair of groups, best first
  std::vector<std::string> warnings;
  bool lower_is_better = false;  ///< threshold scores
  std::string out_dir;
  std::vector<PriceList> prices;  ///< built-in lists, then the --prices files
  std::vector<GroupCost> costs;   ///< groups with cost columns, in the groups' order
  std::string cost_window;        ///< e.g. "last 100 training episodes"
  /// Groups whose runs have a classification test (in the groups' order); empty otherwise.
  std::vector<GroupClasses> classes;
};

/// Reads, scores and compares; writes the CSV files and figures. Bad input (missing folders,
/// no finished runs, damaged CSV, unknown --by path or --metric column) throws UserError naming
/// the file and line.
CompareResult compare(const CompareOptions& options);

/// The palette index of each drawn group: its place among the drawn groups' names sorted,
/// `lines` (told apart by colour alone: curves, profiles) before `rows` (named: scores), modulo
/// the palette's size. The same groups keep their colours however they rank and whichever
/// folder listed them first; a group missing from one call can shift the others.
std::map<std::string, int> groupColours(const std::vector<std::string>& lines,
                                        const std::vector<std::string>& rows);

/// The per-class table (groups as rows, a class a column; "" when no group has classes).
std::string classTable(const CompareResult& result, bool markdown);

/// The result as an aligned text table (markdown: a Markdown table).
std::string compareTable(const CompareResult& result, bool markdown);

}  // namespace spikegym::lab
