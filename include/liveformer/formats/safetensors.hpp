// Hugging Face safetensors files: single files and sharded sets.
//
// Layout (little-endian; spec: github.com/huggingface/safetensors README):
//   u64 N, then N bytes of UTF-8 JSON (a header), then the data section:
//   { "__metadata__": { "key": "value", ... },          (optional, strings only)
//     "tensor name": { "dtype": "F32", "shape": [5, 6],
//                      "data_offsets": [begin, end] }, ... }
// `data_offsets` are byte offsets relative to the first byte after the
// header; tensors are stored row-major, outermost dimension first.
//
// A sharded model is several such files plus model.safetensors.index.json:
//   { "metadata": { "total_size": 123 },
//     "weight_map": { "tensor name": "model-00001-of-00002.safetensors", ... } }
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "liveformer/core/dtype.hpp"
#include "liveformer/core/shape.hpp"
#include "liveformer/core/tensor.hpp"
#include "liveformer/formats/mapped_file.hpp"
#include "liveformer/formats/tensor_source.hpp"

namespace lf {

// ---- element types ---------------------------------------------------------

/// The DType of a safetensors dtype string ("F32", "F16", "BF16"), if
/// liveformer loads it as a Tensor.
std::optional<DType> dtype_from_safetensors(std::string_view dtype);

/// Bits per element of any dtype the safetensors spec defines ("BOOL", "U8",
/// "I64", "F8_E4M3", "F4", ...), or 0 for a string it does not define.
int safetensors_dtype_bits(std::string_view dtype);

// ---- one file ----------------------------------------------------------------

/// One tensor's entry in a safetensors header.
struct SafetensorsTensorInfo {
  std::string name;
  std::string dtype;                // as written: "F32", "BF16", "I64", ...
  std::vector<std::int64_t> dims;   // outermost first; any rank (0 is a scalar)
  std::uint64_t begin = 0;          // data_offsets, relative to the data section
  std::uint64_t end = 0;

  std::uint64_t n_bytes() const { return end - begin; }
  int rank() const { return static_cast<int>(dims.size()); }
  /// "[5,6]" (any rank, for messages).
  std::string shape_str() const;
};

/// A parsed, memory-mapped .safetensors file.
///
/// Parsing validates the whole header before anything is exposed: the
/// header length (at most kMaxHeaderBytes and within the file), JSON syntax,
/// duplicate keys at any level, the type of every field, dtype strings,
/// shapes (non-negative integers), element-count and byte-size overflow,
/// data_offsets (two non-negative integers, begin <= end, within the data
/// section, equal to numel x element size) and overlap between tensors.
/// Gaps between tensors and trailing bytes are tolerated. Every failure is
/// an lf::Error("<path>: <problem>").
///
/// Tensors of every spec dtype are listed; only F32, F16 and BF16 of rank
/// 0..4 load as Tensors (tensor_bytes() gives any tensor's raw bytes).
/// Tensors are zero-copy views that keep the mapping alive (copied only if
/// the data is misaligned for its element type) and must be treated as
/// read-only.
class SafetensorsFile {
 public:
  /// Larger headers are rejected as hostile (the reference implementation's
  /// limit, too).
  static constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

  /// Maps and parses `path`.
  static SafetensorsFile open(const std::string& path);
  /// Parses a copy of `bytes`, naming it `name` in errors.
  static SafetensorsFile from_bytes(std::span<const std::byte> bytes, std::string name);
  /// Parses bytes already loaded.
  static SafetensorsFile parse(std::shared_ptr<const MappedFile> file);

  const std::string& path() const { return file_->path(); }
  std::uint64_t file_size() const { return file_->size(); }
  /// Absolute file offset of the data section (8 + header length).
  std::uint64_t data_offset() const { return data_offset_; }
  const std::shared_ptr<const MappedFile>& mapping() const { return file_; }

  /// The "__metadata__" strings (empty if the file has none).
  const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }

  /// All tensors, ordered by data offset (then name).
  const std::vector<SafetensorsTensorInfo>& tensors() const { return tensors_; }
  const SafetensorsTensorInfo* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  /// The tensor as a Tensor. Throws for a missing name, an unsupported dtype
  /// or a rank above 4.
  Tensor tensor(std::string_view name) const;
  Tensor tensor(const SafetensorsTensorInfo& info) const;
  /// The raw bytes of any tensor, whatever its dtype.
  std::span<const std::byte> tensor_bytes(const SafetensorsTensorInfo& info) const;

 private:
  friend class SafetensorsParser;
  SafetensorsFile() = default;
  [[noreturn]] void fail(const std::string& what) const;

  std::shared_ptr<const MappedFile> file_;
  std::uint64_t data_offset_ = 0;
  std::map<std::string, std::string, std::less<>> metadata_;
  std::vector<SafetensorsTensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// ---- a whole model -------------------------------------------------------------

/// All of a model's tensors, from one model.safetensors or from the shards
/// listed in a model.safetensors.index.json.
///
/// For an index, every shard is opened once; the weight map must name only
/// relative shard paths inside the index's directory (no absolute paths, no
/// '..' components), every tensor it lists must be in the shard it names,
/// and no tensor may be in two shards. Tensors present in a shard but absent
/// from the weight map are still served. Errors name the index or the file.
class SafetensorsSet final : public TensorSource {
 public:
  /// Looks in `dir` for model.safetensors.index.json, then model.safetensors;
  /// throws listing both when neither exists.
  static SafetensorsSet open_directory(const std::string& dir);
  /// A single .safetensors file.
  static SafetensorsSet open_file(const std::string& path);
  /// A sharded set from its index file; shards are found next to it.
  static SafetensorsSet open_index(const std::string& index_path);

  /// The file or index this set was opened from.
  const std::string& path() const { return path_; }
  /// Each shard once, sorted by file name (one file: just that file).
  const std::vector<SafetensorsFile>& shards() const { return shards_; }
  /// A single file's "__metadata__", or an index's "metadata" object with
  /// string values as-is and other values as compact JSON ("total_size" ->
  /// "123").
  const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }

  /// The entry of `name` and the shard holding it, or null.
  const SafetensorsTensorInfo* find(std::string_view name) const;
  const SafetensorsFile* shard_of(std::string_view name) const;

  // TensorSource
  /// Sorted by name.
  std::vector<std::string> tensor_names() const override;
  bool has_tensor(std::string_view name) const override { return find(name) != nullptr; }
  Tensor tensor(std::string_view name) const override;
  std::string describe() const override { return path_; }

 private:
  // Indices, not pointers, so that copies of the set stay valid.
  struct Location {
    std::size_t shard;
    std::size_t tensor;  // into shards_[shard].tensors()
  };
  SafetensorsSet() = default;
  void add_shard_tensors(std::size_t shard);

  std::string path_;
  std::vector<SafetensorsFile> shards_;
  std::map<std::string, std::string, std::less<>> metadata_;
  std::map<std::string, Location, std::less<>> where_;
};

}  // namespace lf
