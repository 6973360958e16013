// The `spikegym` program: parses the command line and hands over to one subcommand.
// Exit codes: 0 success, 2 bad input (one line on stderr), 1 any other failure.
#include <cstdio>
#include <exception>
#include <iostream>

#include "agents/network.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "core/version.hpp"

namespace {

/// CLI11 reports a mistyped subcommand as "A subcommand is required"; name it instead, with a
/// did-you-mean. Walks the words before the first option down the subcommand tree.
void checkSubcommands(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return;
    const auto subs = current->get_subcommands({});
    if (subs.empty()) return;  // a leaf command: the rest are its own arguments
    std::vector<std::string> names;
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) next = sub;
    }
    if (!next) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw spikegym::UserError("unknown command '" + word + "' for '" + current->get_name() + "'" +
                                spikegym::didYouMean(word, names) + "; expected one of: " + list);
    }
    current = next;
  }
}

/// CLI11's message in spikegym's words, with a did-you-mean for a mistyped option.
std::string explainParseError(CLI::App& app, const CLI::ParseError& e) {
  std::string what = e.what();
  if (what.find("At Most 1 required but received") != std::string::npos) {
    return "give one subcommand at a time (see --help)";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr) return what;
  // The deepest subcommand that was parsed holds the options the user meant.
  CLI::App* current = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (CLI::App* sub : current->get_subcommands()) {
      current = sub;
      deeper = true;
      break;
    }
  }
  std::vector<std::string> names;
  for (const CLI::Option* opt : current->get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  }
  std::string out = what;
  for (const std::string& extra : current->remaining()) {
    if (extra.rfind("--", 0) != 0) continue;
    const std::string word = extra.substr(0, extra.find('='));
    const std::string hint = spikegym::didYouMean(word, names);
    if (!hint.empty()) out = "unknown option '" + word + "'" + hint;
    break;
  }
  return out;
}

/// --max-network-mb N, anywhere on the command line (any subcommand that builds networks):
/// raises (or lowers) the size past which a network definition is refused before it is
/// allocated. Taken out of argv before CLI11 parses the rest.
void takeNetworkLimit(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    std::string value;
    if (word == "--max-network-mb") {
      if (i + 1 >= argc) throw spikegym::UserError("--max-network-mb: expected a number of MB");
      value = argv[++i];
    } else if (word.rfind("--max-network-mb=", 0) == 0) {
      value = word.substr(17);
    } else {
      argv[out++] = argv[i];
      continue;
    }
    std::int64_t mb = 0;
    if (!spikegym::parseInteger(value, mb) || mb < 1 || mb > 16 * 1024 * 1024) {
      throw spikegym::UserError("--max-network-mb '" + value.substr(0, 40) +
                                "': expected a whole number of MB from 1 to 16777216");
    }
    spikegym::agents::setNetworkMemoryLimit(static_cast<std::uint64_t>(mb) << 20);
  }
  argc = out;
  argv[argc] = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "spikegym: spiking neural networks that learn by reward-modulated plasticity "
      "in gym-style environments",
      "spikegym"};
  app.set_version_flag("--version",
                       std::string(spikegym::version()) + " (" + spikegym::gitCommit() + ")");
  app.require_subcommand(1);
  spikegym::app::addListCommand(app);
  spikegym::app::addRolloutCommand(app);
  spikegym::app::addBenchCommand(app);
  spikegym::app::addReproCommand(app);
  spikegym::app::addTrainCommand(app);
  int exit_code = 0;
  spikegym::app::addRunCommand(app, exit_code);
  spikegym::app::addCompareCommand(app);
  spikegym::app::addViewCommand(app);
  spikegym::app::addSubmitCommand(app, exit_code);
  spikegym::app::addStatusCommand(app);
  spikegym::app::addShowCommand(app);
  try {
    takeNetworkLimit(argc, argv);
    checkSubcommands(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "spikegym: error: " << explainParseError(app, e)
              << " (run with --help for usage)\n";
    return spikegym::kUserErrorExit;
  } catch (const spikegym::UserError& e) {
    std::cerr << "spikegym: error: " << e.what() << "\n";
    return spikegym::kUserErrorExit;
  } catch (const std::exception& e) {
    std::cerr << "spikegym: internal error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
