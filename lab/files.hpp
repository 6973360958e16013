// Writing result files so that a killed process never leaves a half-written file that looks
// complete: write to <path>.tmp, then rename (atomic on POSIX file systems).
#pragma once

#include <string>

namespace spikegym::lab {

/// Writes `content` to `path` atomically. Throws UserError naming the path on failure.
void writeFileAtomic(const std::string& path, const std::string& content);
/// The whole file, or "" if it does not exist.
std::string readFileOrEmpty(const std::string& path);
/// `text` as a JSON string literal.
std::string jsonString(const std::string& text);
/// Quotes a CSV field when it holds a comma, quote or newline.
std::string csvField(const std::string& text);

}  // namespace spikegym::lab
