// Checkpoint files: a versioned text header, then named binary sections.
//
//   spikegym-checkpoint 1\n
//   agent <type>\n
//   architecture <fingerprint>\n        (what must match to load: sizes, encoder, rule kind)
//   config <key>=<value>\n ...          (the full resolved configuration, for the record)
//   data\n
//   <name>\n<count:uint64><count doubles>  ... per section, until "end\n"
//
// Written to a temporary file and renamed, so a killed process never leaves half a checkpoint.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agents/config.hpp"
#include "core/rng.hpp"

namespace spikegym::agents {

/// Version written. 2: the network step counter is 64-bit (counters may pass 2^32 steps) and
/// every counter and RNG word is checked on reading; version 1 files (same layout) still read.
inline constexpr int kCheckpointVersion = 2;
/// The oldest version read.
inline constexpr int kOldestCheckpointVersion = 1;

struct Checkpoint {
  std::string agent_type;
  std::string architecture;
  ConfigValues config;
  std::map<std::string, std::vector<double>> sections;

  /// Writes atomically (temp file + rename). Throws UserError if the file cannot be written.
  void write(const std::string& path) const;
  /// Reads a checkpoint; a missing file, one that is not a regular file (a FIFO, /dev/zero) or
  /// is larger than kMaxCheckpointBytes, another format or version, or a truncated file throws
  /// UserError naming the file and what was wrong.
  static Checkpoint read(const std::string& path);
  /// Throws UserError unless this checkpoint is of `type` with `architecture`.
  void expect(const std::string& path, const std::string& type,
              const std::string& architecture) const;
  /// The section `name` with exactly `count` values (UserError otherwise).
  const std::vector<double>& section(const std::string& path, const std::string& name,
                                     std::size_t count) const;
};

/// A generator's state as 8 doubles (exact 32-bit halves) for a checkpoint section, and back.
/// Reading checks every half is a whole number in [0, 2^32) and that the state is not all
/// zero (xoshiro's one forbidden state: it would give zeros forever and hang every rejection
/// loop); UserError naming `source` otherwise.
std::vector<double> rngToSection(const Rng& rng);
void rngFromSection(Rng& rng, const std::vector<double>& section, const std::string& source);
/// A counter stored as a double: a whole number in [0, 2^53], else UserError naming `source`
/// and `what`.
std::uint64_t counterFromSection(double value, const std::string& source, const std::string& what);

}  // namespace spikegym::agents
