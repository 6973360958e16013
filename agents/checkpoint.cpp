#include "agents/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"

namespace spikegym::agents {

void Checkpoint::write(const std::string& path) const {
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open the checkpoint");
  auto fail = [&path](const std::string& what) {
    return UserError(path + ": not a valid spikegym checkpoint: " + what);
  };
  std::string line;
  if (!std::getline(in, line) || line.rfind("spikegym-checkpoint ", 0) != 0) {
    throw fail("expected the header 'spikegym-checkpoint " + std::to_string(kCheckpointVersion) +
               "' on line 1");
  }
  if (line != "spikegym-checkpoint " + std::to_string(kCheckpointVersion)) {
    throw fail("line 1 is '" + line + "'; this spikegym reads version " +
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
  std::error_code ec;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, ec);
  while (std::getline(in, line) && line != "end") {
    std::uint64_t n = 0;
    if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) {
      throw fail("section '" + line + "' is cut short");
    }
    // Never allocate more than the rest of the file can hold.
    const auto at = static_cast<std::uint64_t>(std::max<std::streamoff>(0, in.tellg()));
    if (ec || n > (file_bytes - std::min(file_bytes, at)) / sizeof(double)) {
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

void rngFromSection(Rng& rng, const std::vector<double>& v) {
  std::array<std::uint64_t, 4> s{};
  for (int i = 0; i < 4; ++i) {
    s[i] = (static_cast<std::uint64_t>(v[2 * i]) << 32) | static_cast<std::uint64_t>(v[2 * i + 1]);
  }
  rng.setState(s);
}

}  // namespace spikegym::agents
