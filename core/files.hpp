// Files that a killed process never leaves half-written, and files read from outside that can
// never hang or exhaust memory.
//
// Writing: write to a temporary name unique to this process and call, then rename (atomic on
// POSIX file systems). Several processes may write the same path at once; the last rename wins.
//
// Reading: every file spikegym reads back (experiment YAML, run.json, config.yaml, episodes.csv,
// manifest.csv, slurm/shards, checkpoints) goes through readRegularFile: regular files only (a
// FIFO, a device such as /dev/zero or a folder is refused, and opening never blocks), a symlink
// loop is an error, and at most `max_bytes` bytes are read, so a damaged or hostile file in a
// shared results folder costs a one-line error, not a hang or gigabytes of memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace spikegym {

/// Writes `content` to `path` atomically. Throws UserError naming the path on failure.
void writeFileAtomic(const std::string& path, const std::string& content);

/// Size limits of the files spikegym reads [bytes].
inline constexpr std::size_t kMaxTextFileBytes = 64ull << 20;    ///< YAML, JSON, CSV headers
inline constexpr std::size_t kMaxEpisodesCsvBytes = 1ull << 30;  ///< episodes.csv
inline constexpr std::size_t kMaxCheckpointBytes = 1ull << 30;   ///< agent.ckpt

/// The whole of regular file `path`, at most `max_bytes`; `what` names it in messages
/// ("run.json"). Throws UserError naming the path when it is missing, not a regular file (a
/// folder, FIFO or device), a symlink loop, unreadable, or larger than `max_bytes`.
std::string readRegularFile(const std::string& path, std::size_t max_bytes,
                            const std::string& what);
/// As readRegularFile, but nullopt when nothing exists at `path` (a dangling symlink counts as
/// nothing); every other problem still throws.
std::optional<std::string> readRegularFileIfExists(const std::string& path, std::size_t max_bytes,
                                                   const std::string& what);
/// The whole file, or "" if it does not exist, is not a regular file, is larger than
/// kMaxTextFileBytes or cannot be read. For optional files whose absence is not an error.
std::string readFileOrEmpty(const std::string& path);

}  // namespace spikegym
