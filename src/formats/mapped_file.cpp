#include "liveformer/formats/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "liveformer/core/error.hpp"

namespace lf {

namespace {

constexpr std::align_val_t kCopyAlignment{64};  // like owning tensors' storage

[[noreturn]] void fail_errno(const std::string& path, const std::string& what) {
  throw_error(path, what + ": " + std::strerror(errno), ErrorKind::io);
}

// Closes the descriptor on every path out of open(); the mapping outlives it.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  FdGuard fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (fd.fd < 0) fail_errno(path, "cannot open");
  return map_descriptor(fd.fd, path);
}

std::shared_ptr<const MappedFile> MappedFile::map_descriptor(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(path, "cannot stat");
  LF_CHECK(!S_ISDIR(st.st_mode), path.c_str(), "is a directory, not a file");
  LF_CHECK(S_ISREG(st.st_mode), path.c_str(), "is not a regular file");

  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = static_cast<std::size_t>(st.st_size);
  if (f->size_ == 0) return f;  // mmap rejects length 0; an empty file is simply empty

  void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) fail_errno(path, "cannot mmap " + std::to_string(f->size_) + " bytes");
  f->data_ = static_cast<const std::byte*>(p);
  f->mapped_ = true;
  return f;
}

std::shared_ptr<const MappedFile> MappedFile::copy_of(std::span<const std::byte> bytes, std::string name) {
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = std::move(name);
  f->size_ = bytes.size();
  if (!bytes.empty()) {
    // Exact size, no slack: a read one byte past the end is a heap overflow.
    auto* p = static_cast<std::byte*>(::operator new(bytes.size(), kCopyAlignment));
    std::memcpy(p, bytes.data(), bytes.size());
    f->data_ = p;
  }
  return f;
}

MappedFile::~MappedFile() {
  if (data_ == nullptr) return;
  if (mapped_) {
    ::munmap(const_cast<std::byte*>(data_), size_);
  } else {
    ::operator delete(const_cast<std::byte*>(data_), kCopyAlignment);
  }
}

}  // namespace lf
