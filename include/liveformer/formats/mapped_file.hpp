// lf::MappedFile: a whole file mapped read-only into memory.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace lf {

/// Read-only bytes of a whole file, memory-mapped (or, for tests and
/// in-memory conversions, copied into an exactly sized heap buffer).
///
/// Always held through a std::shared_ptr so tensors viewing the bytes can
/// keep the mapping alive (pass it as Tensor::wrap's keep_alive). The bytes
/// never change while the object lives; writing through them is undefined
/// (the pages are mapped PROT_READ and writes fault).
///
/// An empty file is valid: size() is 0 and data() is null. Errors (missing
/// file, a directory, no permission) are lf::Error naming the path.
class MappedFile {
 public:
  /// Maps `path`. Throws lf::Error("<path>: ...") on failure.
  static std::shared_ptr<const MappedFile> open(const std::string& path);

  /// Maps the open descriptor `fd` (which stays the caller's to close),
  /// reported as `path`. It must be a regular file. ContainedDirectory opens
  /// and checks the file first, then maps it here.
  static std::shared_ptr<const MappedFile> map_descriptor(int fd, const std::string& path);

  /// A copy of `bytes` in a heap buffer of exactly that size, reported under
  /// `name` in errors. Out-of-bounds reads of it are caught by AddressSanitizer,
  /// which is what the malformed-input tests rely on.
  static std::shared_ptr<const MappedFile> copy_of(std::span<const std::byte> bytes, std::string name);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::span<const std::byte> bytes() const { return {data_, size_}; }
  /// The path given to open(), or the name given to copy_of().
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;

  std::string path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;  // true: munmap on destruction; false: heap buffer (or empty)
};

}  // namespace lf
