// Each subcommand of the `spikegym` program lives in its own file and adds itself to the CLI
// through one of these functions (called from main.cpp).
#pragma once

#include <CLI/CLI.hpp>

namespace spikegym::app {

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
/// `spikegym status results/<name>`: counts of run statuses per shard.
void addStatusCommand(CLI::App& app);

}  // namespace spikegym::app
