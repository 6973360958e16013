// Writing files so that a killed process never leaves a half-written file that looks complete:
// write to a temporary name unique to this process and call, then rename (atomic on POSIX file
// systems). Several processes may write the same path at once; the last rename wins whole.
#pragma once

#include <string>

namespace spikegym {

/// Writes `content` to `path` atomically. Throws UserError naming the path on failure.
void writeFileAtomic(const std::string& path, const std::string& content);
/// The whole file, or "" if it does not exist or cannot be read.
std::string readFileOrEmpty(const std::string& path);

}  // namespace spikegym
