#include "agents/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/params.hpp"

namespace spikegym::agents {

void Checkpoint::write(const std::string& path) const {
  // The header is line-based: a line break inside a field would forge the next line. Values
  // reach here checked by their declarations, so one here is a bug, not user input.
  auto oneLine = [](const std::string& field) {
    if (field.find_first_of("\n\r") != std::string::npos) {
      throw UsageError("Checkpoint::write: a line break in '" + printable(field) + "'");
    }
  };
  oneLine(agent_type);
  oneLine(architecture);
  for (const auto& [key, value] : config) {
    oneLine(key);
    oneLine(value);
    if (key.find('=') != std::string::npos) throw UsageError("Checkpoint::write: '=' in a key");
  }
  for (const auto& [name, values] : sections) oneLine(name);
  std::ostringstream out(std::ios::binary);
  {
    out << "spikegym-checkpoint " << kCheckpointVersion << "\n"
        << "agent " << agent_type << "\n"
        << "architecture " << architecture << "\n";
    for (const auto& [key, value] : config) out << "config " << key << "=" << value << "\n";
    out << "data\n";
    for (const auto& [name, values] : sections) {
      const std::uint64_t n = values.size();
      out << name << "\n";
      out.write(reinterpret_cast<const char*>(&n), sizeof n);
      out.write(reinterpret_cast<const char*>(values.data()),
                static_cast<std::streamsize>(n * sizeof(double)));
    }
    out << "end\n";
  }
  writeFileAtomic(path, out.str());
}

Checkpoint Checkpoint::read(const std::string& path) {
  // Regular files only, bounded: a FIFO would block and /dev/zero would never end.
  std::istringstream in(readRegularFile(path, kMaxCheckpointBytes, "the checkpoint"),
                        std::ios::binary);
  auto fail = [&path](const std::string& what) {
    return UserError(path + ": not a valid spikegym checkpoint: " + what);
  };
  std::string line;
  if (!std::getline(in, line) || line.rfind("spikegym-checkpoint ", 0) != 0) {
    throw fail("expected the header 'spikegym-checkpoint " + std::to_string(kCheckpointVersion) +
               "' on line 1");
  }
  std::int64_t version = 0;
  if (!parseInteger(line.substr(20), version) || version < kOldestCheckpointVersion ||
      version > kCheckpointVersion) {
    throw fail("line 1 is '" + line.substr(0, 60) + "'; this spikegym reads versions " +
               std::to_string(kOldestCheckpointVersion) + " to " +
               std::to_string(kCheckpointVersion));
  }
  Checkpoint ck;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line == "data") break;
    if (line.rfind("agent ", 0) == 0) {
      ck.agent_type = line.substr(6);
    } else if (line.rfind("architecture ", 0) == 0) {
      ck.architecture = line.substr(13);
    } else if (line.rfind("config ", 0) == 0) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) throw fail("line " + std::to_string(line_no) + ": no '='");
      ck.config[line.substr(7, eq - 7)] = line.substr(eq + 1);
    } else {
      throw fail("line " + std::to_string(line_no) + ": unexpected '" + line + "'");
    }
  }
  if (line != "data") throw fail("no 'data' line (file cut short?)");
  const std::uint64_t file_bytes = in.str().size();
  while (std::getline(in, line) && line != "end") {
    std::uint64_t n = 0;
    if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) {
      throw fail("section '" + line + "' is cut short");
    }
    // Never allocate more than the rest of the file can hold.
    const auto at = static_cast<std::uint64_t>(std::max<std::streamoff>(0, in.tellg()));
    if (n > (file_bytes - std::min(file_bytes, at)) / sizeof(double)) {
      throw fail("section '" + line + "' is cut short: it claims " + std::to_string(n) +
                 " values, more than the file holds");
    }
    std::vector<double> values(n);
    if (!in.read(reinterpret_cast<char*>(values.data()),
                 static_cast<std::streamsize>(n * sizeof(double)))) {
      throw fail("section '" + line + "' is cut short");
    }
    for (double v : values) {
      if (!std::isfinite(v)) throw fail("section '" + line + "' holds a non-finite value");
    }
    ck.sections[line] = std::move(values);
  }
  if (line != "end") throw fail("no 'end' marker (file cut short?)");
  return ck;
}

void Checkpoint::expect(const std::string& path, const std::string& type,
                        const std::string& arch) const {
  if (agent_type != type) {
    throw UserError(path + ": checkpoint of agent '" + agent_type + "', expected agent '" + type +
                    "'");
  }
  if (architecture != arch) {
    throw UserError(path + ": checkpoint architecture '" + architecture +
                    "' differs from this agent's '" + arch + "'");
  }
}

const std::vector<double>& Checkpoint::section(const std::string& path, const std::string& name,
                                               std::size_t count) const {
  auto it = sections.find(name);
  if (it == sections.end()) throw UserError(path + ": checkpoint has no section '" + name + "'");
  if (it->second.size() != count) {
    throw UserError(path + ": checkpoint section '" + name + "' has " +
                    std::to_string(it->second.size()) + " values, expected " +
                    std::to_string(count));
  }
  return it->second;
}

std::vector<double> rngToSection(const Rng& rng) {
  std::vector<double> out;
  for (std::uint64_t w : rng.state()) {
    out.push_back(static_cast<double>(w >> 32));
    out.push_back(static_cast<double>(w & 0xFFFFFFFFULL));
  }
  return out;
}

void rngFromSection(Rng& rng, const std::vector<double>& v, const std::string& source) {
  if (v.size() != 8) {
    throw UserError(source + ": checkpoint section 'rng' has " + std::to_string(v.size()) +
                    " values, expected 8");
  }
  for (double half : v) {
    if (!(half >= 0 && half < 4294967296.0 && half == std::floor(half))) {
      throw UserError(source + ": checkpoint section 'rng' holds " + formatNumber(half) +
                      "; expected whole numbers in [0, 2^32)");
    }
  }
  std::array<std::uint64_t, 4> s{};
  for (int i = 0; i < 4; ++i) {
    s[i] = (static_cast<std::uint64_t>(v[2 * i]) << 32) | static_cast<std::uint64_t>(v[2 * i + 1]);
  }
  if (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0) {
    throw UserError(source +
                    ": checkpoint section 'rng' is all zero, a state the generator cannot leave "
                    "(damaged checkpoint)");
  }
  rng.setState(s);
}

std::uint64_t counterFromSection(double value, const std::string& source, const std::string& what) {
  if (!(value >= 0 && value <= 9007199254740992.0 && value == std::floor(value))) {
    throw UserError(source + ": checkpoint counter '" + what + "' is " + formatNumber(value) +
                    "; expected a whole number from 0 to 2^53");
  }
  return static_cast<std::uint64_t>(value);
}

}  // namespace spikegym::agents
