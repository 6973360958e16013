// Runs the built `spikegym` program for end-to-end tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spikegym::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< standard output
  std::string err;  ///< standard error
};

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fresh scratch folder under the system temp dir, unique per call.
inline std::filesystem::path scratchDir(const std::string& name) {
  static int counter = 0;
  auto dir =
      std::filesystem::temp_directory_path() / ("spikegym_test_" + std::to_string(::getpid()) +
                                                "_" + name + "_" + std::to_string(++counter));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs a shell command, capturing stdout, stderr and the exit code.
inline CommandResult runShell(const std::string& command) {
  const auto dir = scratchDir("cmd");
  const std::string full =
      command + " > '" + (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = readFile(dir / "out");
  r.err = readFile(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

/// Runs `spikegym ARGS`.
inline CommandResult runSpikegym(const std::string& args) {
  return runShell(std::string("'") + SPIKEGYM_BIN + "' " + args);
}

}  // namespace spikegym::testing
