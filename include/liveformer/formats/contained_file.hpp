// lf::ContainedDirectory: files read from a model directory stay inside it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace lf {

class MappedFile;

/// A directory from which only its own regular files can be read. A model
/// directory names the files it is made of (config, tokenizer, chat template,
/// shards); checking those names as text is not enough, because a component
/// may be a symlink. Every open therefore resolves the file after symlinks
/// (the path the kernel opened, from /proc/self/fd) and refuses it unless it
/// lies under the directory's own resolved path; and it refuses anything but
/// a regular file before reading a byte (a FIFO would block, /dev/zero would
/// never end). Files are opened O_NONBLOCK, so even a FIFO that appears
/// between the check and the open cannot hang.
///
/// Errors are lf::Error naming the file: missing (kind io), outside the
/// directory, not a regular file, over its size cap.
class ContainedDirectory {
 public:
  /// `dir` must exist and be a directory; it is resolved once here.
  explicit ContainedDirectory(const std::filesystem::path& dir);

  /// The directory as given (for messages) and as resolved.
  const std::filesystem::path& path() const { return dir_; }
  const std::filesystem::path& resolved() const { return resolved_; }

  /// Whether `name` (relative to the directory) exists, whatever it is:
  /// the caller then opens it and gets a clear error if it may not be read.
  bool has(const std::filesystem::path& name) const;

  /// The whole content of `name`, at most `max_bytes` (else an error that
  /// names the cap).
  std::string read(const std::filesystem::path& name, std::size_t max_bytes) const;

  /// `name` memory-mapped (safetensors shards, indexes).
  std::shared_ptr<const MappedFile> map(const std::filesystem::path& name) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path resolved_;
};

/// Reads the file `path` through ContainedDirectory(path's parent): the file
/// must be a regular file inside the directory that names it, at most
/// `max_bytes`. For loaders given a file path (tokenizer.json, tokenizer.model).
std::string read_contained_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace lf
