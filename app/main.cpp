// The `spikegym` program: parses the command line and hands over to one subcommand.
// Exit codes: 0 success, 2 bad input (one line on stderr), 1 any other failure.
#include <cstdio>
#include <exception>
#include <iostream>

#include "app/commands.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"spikegym: spiking neural networks that learn by reward-modulated plasticity "
               "in gym-style environments",
               "spikegym"};
  app.set_version_flag("--version", std::string(SPIKEGYM_VERSION) + " (" SPIKEGYM_GIT_COMMIT ")");
  app.require_subcommand(1);
  spikegym::app::addListCommand(app);
  spikegym::app::addRolloutCommand(app);
  spikegym::app::addBenchCommand(app);
  spikegym::app::addReproCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "spikegym: error: " << e.what() << " (run with --help for usage)\n";
    return spikegym::kUserErrorExit;
  } catch (const spikegym::UserError& e) {
    std::cerr << "spikegym: error: " << e.what() << "\n";
    return spikegym::kUserErrorExit;
  } catch (const std::exception& e) {
    std::cerr << "spikegym: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
