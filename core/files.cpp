#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace spikegym {

void writeFileAtomic(const std::string& path, const std::string& content) {
  // Unique per process and call: two writers of one path never share a temporary file.
  static std::atomic<unsigned long> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(path + ": cannot write");
    out << content;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw UserError(path + ": writing failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw UserError(path + ": cannot rename the temporary file: " + ec.message());
  }
}

namespace {

/// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string sizeText(std::size_t bytes) {
  return bytes < (1u << 20) ? std::to_string(bytes) + " bytes"
                            : std::to_string(bytes >> 20) + " MB";
}

}  // namespace

std::optional<std::string> readRegularFileIfExists(const std::string& path, std::size_t max_bytes,
                                                   const std::string& what) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    const int err = errno;
    if (err == ENOENT) return std::nullopt;
    if (err == ELOOP) throw UserError(path + ": " + what + " is a symlink loop");
    throw UserError(path + ": cannot open " + what + " (" + std::strerror(err) + ")");
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    throw UserError(path + ": cannot read " + what + " (" + std::strerror(errno) + ")");
  }
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISDIR(st.st_mode)    ? "a folder"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "something else";
    throw UserError(path + ": " + what + " is " + kind + ", not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw UserError(path + ": " + what + " is " + sizeText(static_cast<std::size_t>(st.st_size)) +
                    ", longer than " + sizeText(max_bytes) + " (damaged?)");
  }
  // A regular file opened with O_NONBLOCK reads as usual. Read at most max_bytes + 1: a file
  // that grows while it is read is still bounded.
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() > max_bytes) {
        throw UserError(path + ": " + what + " is longer than " + sizeText(max_bytes) +
                        " (damaged?)");
      }
      out.resize(std::min(max_bytes + 1, std::max<std::size_t>(4096, out.size() * 2)));
    }
    const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw UserError(path + ": cannot read " + what + " (" + std::strerror(errno) + ")");
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

std::string readRegularFile(const std::string& path, std::size_t max_bytes,
                            const std::string& what) {
  auto text = readRegularFileIfExists(path, max_bytes, what);
  if (!text) throw UserError(path + ": cannot open " + what + ": no such file");
  return std::move(*text);
}

std::string readFileOrEmpty(const std::string& path) {
  try {
    return readRegularFileIfExists(path, kMaxTextFileBytes, "file").value_or("");
  } catch (const UserError&) {
    return "";
  }
}

}  // namespace spikegym
