// Reading a model directory's files without leaving it (ContainedDirectory).
#include "liveformer/formats/contained_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "liveformer/core/error.hpp"
#include "liveformer/formats/mapped_file.hpp"

namespace lf {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail_errno(const std::string& path, const std::string& what) {
  throw_error(path, what + ": " + std::strerror(errno), ErrorKind::io);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string describe_mode(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The path the kernel actually opened: symlinks, '..' and bind tricks all
// resolved. Falls back to realpath() where /proc is not mounted.
fs::path opened_path(int fd, const std::string& path) {
  char buf[PATH_MAX + 1];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), buf, PATH_MAX);
  if (n > 0) return fs::path(std::string(buf, static_cast<std::size_t>(n)));
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) fail_errno(path, "cannot resolve");
  fs::path out(r);
  std::free(r);
  return out;
}

bool is_under(const fs::path& file, const fs::path& dir) {
  const std::string f = file.string(), d = dir.string();
  if (d == "/") return true;
  return f.size() > d.size() && f.compare(0, d.size(), d) == 0 && f[d.size()] == '/';
}

// Opens `name` under the directory, checked: a regular file whose resolved
// path is inside `resolved`. Returns the descriptor and fills `st`.
int open_checked(const fs::path& dir, const fs::path& resolved, const fs::path& name, struct stat& st) {
  const std::string path = (dir / name).string();
  // Refuse before opening what is not a regular file: even opening a device
  // can have effects. (The fstat below catches a swap after this check.)
  struct stat pre {};
  if (::stat(path.c_str(), &pre) != 0) fail_errno(path, "cannot open");
  if (!S_ISREG(pre.st_mode)) throw_error(path, "is " + describe_mode(pre.st_mode) + ", expected a regular file");
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (fd.fd < 0) fail_errno(path, "cannot open");
  if (::fstat(fd.fd, &st) != 0) fail_errno(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) throw_error(path, "is " + describe_mode(st.st_mode) + ", expected a regular file");
  const fs::path real = opened_path(fd.fd, path);
  if (!is_under(real, resolved))
    throw_error(path, "resolves to '" + real.string() + "', outside the model directory '" + resolved.string() +
                          "' (files a model names must stay inside its directory, symlinks included)");
  const int out = fd.fd;
  fd.fd = -1;
  return out;
}

}  // namespace

ContainedDirectory::ContainedDirectory(const fs::path& dir) : dir_(dir.empty() ? fs::path(".") : dir) {
  char* r = ::realpath(dir_.string().c_str(), nullptr);
  if (r == nullptr) fail_errno(dir_.string(), "cannot open directory");
  resolved_ = fs::path(r);
  std::free(r);
  std::error_code ec;
  if (!fs::is_directory(resolved_, ec)) throw_error(dir_.string(), "is not a directory");
}

bool ContainedDirectory::has(const fs::path& name) const {
  std::error_code ec;
  return fs::exists(fs::symlink_status(dir_ / name, ec));
}

std::string ContainedDirectory::read(const fs::path& name, std::size_t max_bytes) const {
  struct stat st {};
  Fd fd{open_checked(dir_, resolved_, name, st)};
  const std::string path = (dir_ / name).string();
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    throw_error(path, "is " + std::to_string(st.st_size) + " bytes, over the limit of " + std::to_string(max_bytes) +
                          " for this file");
  std::string out(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  // Read what fstat promised and no more: a file that grows meanwhile is cut
  // at its size then, one that shrinks ends early.
  while (got < out.size()) {
    const ssize_t n = ::read(fd.fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path, "read error");
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

std::shared_ptr<const MappedFile> ContainedDirectory::map(const fs::path& name) const {
  struct stat st {};
  Fd fd{open_checked(dir_, resolved_, name, st)};
  return MappedFile::map_descriptor(fd.fd, (dir_ / name).string());
}

std::string read_contained_file(const fs::path& path, std::size_t max_bytes) {
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return ContainedDirectory(parent).read(path.filename(), max_bytes);
}

}  // namespace lf
