// The two error channels (STYLE rule 9).
//
// Programmer errors (misuse of an API: step before reset, a duplicate registry id) throw
// UsageError naming the condition. User errors (config, files, flags) throw UserError carrying
// where the bad input was, the key, the value received and what was expected; the CLI prints it
// on one line and exits with kUserErrorExit.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spikegym {

/// Exit code of the CLI for bad user input.
inline constexpr int kUserErrorExit = 2;

/// A mistake in the input a user gave: a flag, a config value, a file.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

/// A user error about one parameter of a unit, named by `key` (its name in the unit's table), so
/// that lab/ can place it at that key's file:line:col without reading the message.
class ParamError : public UserError {
 public:
  ParamError(std::string key, const std::string& message)
      : UserError(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// A misuse of an API by the calling code (a bug in the caller, not bad input).
class UsageError : public std::logic_error {
 public:
  explicit UsageError(const std::string& message) : std::logic_error(message) {}
};

/// `text` as it can be shown inside a one-line message: control characters (bytes below 0x20
/// and 0x7f) escaped as \n, \r, \t or \xNN, and at most `max_chars` bytes of it kept ("..."
/// marks a cut), so a hostile value can neither break the line nor flood the terminal.
inline std::string printable(std::string_view text, std::size_t max_chars = 200) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_chars) out += "...";
  return out;
}

/// Edit distance between two strings (Levenshtein; small inputs only).
inline std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// " (did you mean 'x'?)" for the closest candidate (edit distance under a third of the word's
/// length plus 2, or a name the word starts), else "".
inline std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = word.size() / 3 + 2;
  for (const auto& c : candidates) {
    std::size_t d = editDistance(word, c);
    // A word that is the start of a name ("tau_c" for "tau_c_ms") is a near miss too.
    if (word.size() >= 3 && c.rfind(word, 0) == 0) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

}  // namespace spikegym
