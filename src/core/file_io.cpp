#include "rirf/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "rirf/error.hpp"

namespace rirf {
namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

void require_regular_file(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  check(!ec && fs::exists(status), "cannot read '" + path + "': no such file");
  check(!fs::is_directory(status), "cannot read '" + path + "': it is a folder, not a file");
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  require_regular_file(path);
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "cannot read '" + path + "': " + errno_text());
  // A pipe (`--plan <(...)`) is read to its end, but a device such as /dev/zero has none: what is
  // not a regular file stops at a bound instead of filling the memory.
  std::error_code ec;
  const bool bounded = !fs::is_regular_file(path, ec);
  constexpr std::size_t kMaxStreamBytes = std::size_t{256} << 20;
  std::vector<std::uint8_t> bytes;
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + in.gcount());
    if (bounded && bytes.size() > kMaxStreamBytes)  // (the message is not built for every chunk)
      throw Error("cannot read '" + path + "': not a regular file, and over 256 MiB without an end");
  }
  check(!in.bad(), "cannot read '" + path + "': read error");
  return bytes;
}

std::string read_file_text(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

void write_file_atomic(const std::string& path, const void* data, std::size_t size) {
  check(!path.empty(), "cannot write: empty output path");
  const fs::path target(path);
  std::error_code ec;
  check(!fs::is_directory(target, ec), "cannot write '" + path + "': it is a folder");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  check(fs::is_directory(dir, ec), "cannot write '" + path + "': folder '" + dir.string() + "' does not exist");

  // A unique temporary name in the same folder, so that rename() is atomic.
  std::random_device rd;
  const std::string tmp = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(rd())))
                              .string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  check(fd >= 0, "cannot write '" + path + "': " + errno_text());
  const auto* p = static_cast<const char*>(data);
  std::size_t left = size;
  bool ok = true;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  const std::string write_error = ok ? "" : errno_text();
  if (::close(fd) != 0 && ok) ok = false;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = write_error.empty() ? errno_text() : write_error;
    ::unlink(tmp.c_str());
    throw Error("cannot write '" + path + "': " + why);
  }
}

void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

void ensure_directory(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  check(!fs::exists(dir, ec), "cannot use '" + dir + "' as a folder: a file of that name exists");
  fs::create_directories(dir, ec);
  check(!ec, "cannot create folder '" + dir + "': " + ec.message());
}

}  // namespace rirf
