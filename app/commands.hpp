// Each subcommand of the `spikegym` program lives in its own file and adds itself to the CLI
// through one of these functions (called from main.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "core/params.hpp"

namespace spikegym::app {

/// A whole number in [lo, hi] written as one (no "2.7", "nan", "-1" for a count or a seed);
/// CLI11's Range alone lets NaN through and converts silently.
inline CLI::Validator wholeNumber(std::int64_t lo, std::int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::int64_t v = 0;
        if (!parseInteger(text, v)) return "expected a whole number, got '" + text + "'";
        if (v < lo || v > hi) {
          return "expected a whole number from " + std::to_string(lo) + " to " +
                 std::to_string(hi) + ", got " + text;
        }
        return "";
      },
      "INT in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

/// A finite number in [lo, hi] (no "nan", "inf").
inline CLI::Validator finiteNumber(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double v = 0;
        if (!parseNumber(text, v)) return "expected a finite number, got '" + text + "'";
        if (v < lo || v > hi) {
          return "expected a number from " + formatNumber(lo) + " to " + formatNumber(hi) +
                 ", got " + text;
        }
        return "";
      },
      "NUMBER in [" + formatNumber(lo) + ", " + formatNumber(hi) + "]");
}

/// The largest seed a user may give (seeds travel through YAML as doubles in places).
inline constexpr std::int64_t kMaxSeed = 9'000'000'000'000'000;

/// `spikegym list envs|...`
void addListCommand(CLI::App& app);
/// `spikegym rollout --env ID ...`
void addRolloutCommand(CLI::App& app);
/// `spikegym bench env ID ...`
void addBenchCommand(CLI::App& app);
/// `spikegym repro distal-reward|song2000`
void addReproCommand(CLI::App& app);
/// `spikegym train --env ID --agent TYPE ...`
void addTrainCommand(CLI::App& app);
/// `spikegym run FILE.yaml ...`; sets `exit_code` (1 failed runs, 130 interrupted).
void addRunCommand(CLI::App& app, int& exit_code);
/// `spikegym compare RESULTS_DIR...`: rank groups of runs with statistics over seeds.
void addCompareCommand(CLI::App& app);
/// `spikegym view ...`: the SFML viewer (a one-line error when built without it).
void addViewCommand(CLI::App& app);
/// `spikegym submit FILE.yaml --slurm ...`; sets `exit_code` (1 when sbatch fails).
void addSubmitCommand(CLI::App& app, int& exit_code);
/// `spikegym show network FILE.yaml`: the resolved network as YAML.
void addShowCommand(CLI::App& app);
/// `spikegym status results/<name>`: counts of run statuses per shard.
void addStatusCommand(CLI::App& app);

}  // namespace spikegym::app
