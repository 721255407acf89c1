// GGUF files (llama.cpp / ggml's model format): reading and writing.
//
// Layout (little-endian; spec: ggml's docs/gguf.md):
//   "GGUF" u32 version, u64 n_tensors, u64 n_kv
//   n_kv x   { string key, u32 value type, value }
//   n_tensors x { string name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset }
//   zero padding to `general.alignment` (default 32), then the data section;
//   each tensor's offset is relative to the data section and aligned.
// A string is a u64 byte length and the bytes (no terminator); an array is a
// u32 element type, a u64 count and the elements.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "liveformer/core/dtype.hpp"
#include "liveformer/core/shape.hpp"
#include "liveformer/core/tensor.hpp"
#include "liveformer/formats/mapped_file.hpp"

namespace lf {

// ---- metadata values -------------------------------------------------------

/// Metadata value types; the numbers are the on-disk ids.
enum class GgufType : std::uint32_t {
  u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7,
  string = 8, array = 9, u64 = 10, i64 = 11, f64 = 12,
};

/// The spec's name of a type ("uint8", "float32", "string", "array", ...);
/// "unknown" for ids outside the enum.
std::string_view gguf_type_name(GgufType type);

struct GgufArray;

namespace detail {
template <class T, class Variant>
struct is_alternative;
template <class T, class... Ts>
struct is_alternative<T, std::variant<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};
}  // namespace detail

/// Elements of an array, one std::vector per element type, in the order of
/// GgufType (so items.index() is the element type's id). Arrays of arrays
/// hold GgufArray elements, each with its own element type.
using GgufArrayItems =
    std::variant<std::vector<std::uint8_t>, std::vector<std::int8_t>, std::vector<std::uint16_t>,
                 std::vector<std::int16_t>, std::vector<std::uint32_t>, std::vector<std::int32_t>,
                 std::vector<float>, std::vector<bool>, std::vector<std::string>, std::vector<GgufArray>,
                 std::vector<std::uint64_t>, std::vector<std::int64_t>, std::vector<double>>;

/// A metadata array: homogeneous elements of one GgufType.
struct GgufArray {
  GgufArrayItems items;

  GgufType element_type() const { return static_cast<GgufType>(items.index()); }
  std::size_t size() const;
  bool operator==(const GgufArray&) const = default;
};

/// One metadata value: a scalar of any GgufType, a string or an array.
/// Build one from the exact C++ type (std::uint32_t{5}, 1.5f, "text",
/// std::vector<std::string>{...}); the type is never guessed from a value.
class GgufValue {
 public:
  /// Alternatives in GgufType order: storage().index() is the type id.
  using Storage = std::variant<std::uint8_t, std::int8_t, std::uint16_t, std::int16_t, std::uint32_t,
                               std::int32_t, float, bool, std::string, GgufArray, std::uint64_t,
                               std::int64_t, double>;

  GgufValue() = default;
  template <class T>
    requires detail::is_alternative<T, Storage>::value && (!std::is_same_v<T, std::string>)
  GgufValue(T value) : v_(std::move(value)) {}
  GgufValue(std::string_view s) : v_(std::string(s)) {}
  GgufValue(const char* s) : v_(std::string(s)) {}
  GgufValue(std::string s) : v_(std::move(s)) {}
  /// An array from a vector of any element type (std::vector<std::string>, ...).
  template <class T>
    requires detail::is_alternative<std::vector<T>, GgufArrayItems>::value
  GgufValue(std::vector<T> items) : v_(GgufArray{GgufArrayItems(std::move(items))}) {}

  GgufType type() const { return static_cast<GgufType>(v_.index()); }
  const Storage& storage() const { return v_; }
  /// The value if it holds exactly T, else null.
  template <class T>
  const T* get_if() const {
    return std::get_if<T>(&v_);
  }
  const GgufArray* array() const { return get_if<GgufArray>(); }
  /// "uint32", "string", "array[float32]", "array[array[int32]]", ...
  std::string type_name() const;

  bool operator==(const GgufValue&) const = default;

 private:
  Storage v_;
};

struct GgufKeyValue {
  std::string key;
  GgufValue value;
};

// ---- ggml tensor types -----------------------------------------------------

/// Storage of a ggml tensor type: `block_bytes` bytes hold `block_size`
/// consecutive elements of the innermost dimension.
struct GgmlTypeInfo {
  std::string_view name;  // "F32", "Q4_0", "Q6_K", ...
  std::uint64_t block_size;
  std::uint64_t block_bytes;
};

/// ggml type ids liveformer loads as Tensors.
inline constexpr std::uint32_t kGgmlF32 = 0, kGgmlF16 = 1, kGgmlQ4_0 = 2, kGgmlQ8_0 = 8, kGgmlBF16 = 30;
/// Read-only ggml types (see DType): legacy 32-blocks and K-quants.
inline constexpr std::uint32_t kGgmlQ4_1 = 3, kGgmlQ5_0 = 6, kGgmlQ5_1 = 7, kGgmlQ2_K = 10, kGgmlQ3_K = 11,
                               kGgmlQ4_K = 12, kGgmlQ5_K = 13, kGgmlQ6_K = 14, kGgmlIQ4_NL = 20;

/// Layout of a known ggml type id (all of ggml's, loadable or not), or null
/// for an unknown id.
const GgmlTypeInfo* ggml_type_info(std::uint32_t id);
/// "Q6_K", or "unknown" for an unknown id.
std::string_view ggml_type_name(std::uint32_t id);
/// The DType of a ggml type id, if liveformer supports it.
std::optional<DType> dtype_from_ggml(std::uint32_t id);
/// The ggml type id of a DType.
std::uint32_t ggml_type_of(DType dtype);

// ---- reading ---------------------------------------------------------------

/// Where and what one tensor is in a GGUF file.
struct GgufTensorInfo {
  std::string name;
  int n_dims = 0;                       // 1..4
  std::array<std::uint64_t, 4> ne{};    // GGUF order: ne[0] is the innermost dimension
  std::uint32_t ggml_type = 0;
  std::uint64_t offset = 0;             // from the start of the data section
  std::uint64_t n_bytes = 0;

  /// Dimensions in liveformer order (outermost first): ne reversed.
  Shape shape() const;
  /// The DType if liveformer can load this tensor.
  std::optional<DType> dtype() const { return dtype_from_ggml(ggml_type); }
};

/// A parsed, memory-mapped GGUF file (versions 2 and 3, little-endian).
///
/// Parsing validates everything before anything is exposed: every length and
/// count is checked against the bytes left, tensor shapes (1..4 dims; 0-sized
/// dims are allowed and give empty tensors), element counts and byte sizes
/// for overflow, and tensor data ranges for alignment, bounds and overlap.
/// Duplicate keys or tensor names, unknown value types and unknown ggml type
/// ids are errors; arrays may nest up to kMaxArrayDepth levels. Failures
/// throw lf::Error("<path>: <problem>").
///
/// Tensors are zero-copy views of the mapping (which they keep alive) and
/// must be treated as read-only. A GgufFile is cheap to move; copying it
/// duplicates the parsed metadata (the mapping is shared). Const access is
/// thread-safe.
class GgufFile {
 public:
  static constexpr int kMaxArrayDepth = 8;
  static constexpr std::uint64_t kDefaultAlignment = 32;

  /// Maps and parses `path`.
  static GgufFile open(const std::string& path);
  /// Parses a copy of `bytes`, naming it `name` in errors.
  static GgufFile from_bytes(std::span<const std::byte> bytes, std::string name);
  /// Parses bytes already loaded.
  static GgufFile parse(std::shared_ptr<const MappedFile> file);

  const std::string& path() const { return file_->path(); }
  std::uint32_t version() const { return version_; }
  std::uint64_t alignment() const { return alignment_; }
  /// Absolute file offset of the data section.
  std::uint64_t data_offset() const { return data_offset_; }
  std::uint64_t file_size() const { return file_->size(); }
  const std::shared_ptr<const MappedFile>& mapping() const { return file_; }

  // ---- metadata ----
  /// All key-value pairs in file order.
  const std::vector<GgufKeyValue>& metadata() const { return kv_; }
  const GgufValue* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  /// The value of `key`; throws if it is missing.
  const GgufValue& at(std::string_view key) const;

  // Typed getters. Integer getters accept any integer type whose value fits
  // the result (uint8 -> uint32, a non-negative int64 -> uint32, ...); float
  // getters accept float32 and float64. A missing key (for the overloads
  // without a fallback), a wrong type or a value out of range throws with
  // the key and both types in the message.
  std::uint32_t get_u32(std::string_view key) const;
  std::uint32_t get_u32(std::string_view key, std::uint32_t fallback) const;
  std::uint64_t get_u64(std::string_view key) const;
  std::uint64_t get_u64(std::string_view key, std::uint64_t fallback) const;
  std::int32_t get_i32(std::string_view key) const;
  std::int32_t get_i32(std::string_view key, std::int32_t fallback) const;
  std::int64_t get_i64(std::string_view key) const;
  std::int64_t get_i64(std::string_view key, std::int64_t fallback) const;
  float get_f32(std::string_view key) const;
  float get_f32(std::string_view key, float fallback) const;
  double get_f64(std::string_view key) const;
  double get_f64(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key) const;
  bool get_bool(std::string_view key, bool fallback) const;
  const std::string& get_string(std::string_view key) const;
  std::string get_string(std::string_view key, std::string_view fallback) const;
  const std::vector<std::string>& get_string_array(std::string_view key) const;
  /// float32 or float64 arrays.
  std::vector<float> get_f32_array(std::string_view key) const;
  /// Arrays of any integer type, every element range-checked.
  std::vector<std::int32_t> get_i32_array(std::string_view key) const;
  std::vector<std::int64_t> get_i64_array(std::string_view key) const;

  // ---- tensors ----
  /// All tensor infos in file order (including types that cannot be loaded).
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* find_tensor(std::string_view name) const;
  /// The tensor as a zero-copy view (copied only if the file's alignment
  /// leaves the data misaligned for its element type). Throws for a missing
  /// name or a type liveformer does not support.
  Tensor tensor(std::string_view name) const;
  Tensor tensor(const GgufTensorInfo& info) const;
  /// The raw bytes of any tensor, whatever its type.
  std::span<const std::byte> tensor_bytes(const GgufTensorInfo& info) const;

 private:
  friend class GgufParser;
  GgufFile() = default;
  [[noreturn]] void fail(const std::string& what) const;
  const GgufValue& require(std::string_view key) const;

  std::shared_ptr<const MappedFile> file_;
  std::uint32_t version_ = 0;
  std::uint64_t alignment_ = kDefaultAlignment;
  std::uint64_t data_offset_ = 0;
  std::vector<GgufKeyValue> kv_;
  std::map<std::string, std::size_t, std::less<>> kv_index_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> tensor_index_;
};

// ---- writing ---------------------------------------------------------------

/// Builds a GGUF version 3 file. Metadata keeps insertion order; tensors are
/// laid out in insertion order, each at an aligned offset.
///
///   GgufWriter w;
///   w.set("general.architecture", "llama");
///   w.set("llama.block_count", std::uint32_t{5});
///   w.add_tensor("token_embd.weight", embeddings);  // shape [vocab, dim]
///   w.write("model.gguf");
class GgufWriter {
 public:
  /// `alignment` must be a power of two; a value other than 32 is recorded
  /// as `general.alignment` (uint32), as the spec requires.
  explicit GgufWriter(std::uint32_t alignment = 32);

  /// Adds `key`, or replaces its value keeping its position. Setting
  /// "general.alignment" directly is an error: pass it to the constructor.
  void set(std::string key, GgufValue value);
  /// Adds a tensor of any DType and rank 1..4; it is written with its
  /// dimensions reversed (GGUF's ne[0] is the innermost). The tensor's
  /// storage is shared, not copied, until write().
  void add_tensor(std::string name, const Tensor& tensor);
  /// Adds raw data of any ggml type with GGUF-order dimensions `ne`. `data`
  /// must stay valid until the last write (keep_alive is held until then).
  void add_raw_tensor(std::string name, std::uint32_t ggml_type, std::span<const std::uint64_t> ne,
                      std::span<const std::byte> data, std::shared_ptr<const void> keep_alive = {});

  std::uint32_t alignment() const { return alignment_; }
  /// The whole file in memory.
  std::vector<std::byte> to_bytes() const;
  /// Writes the file to `path` (streamed: tensor data is not copied first).
  void write(const std::string& path) const;

 private:
  struct PendingTensor {
    std::string name;
    int n_dims;
    std::array<std::uint64_t, 4> ne;
    std::uint32_t ggml_type;
    Tensor tensor;                    // when added from a Tensor
    std::span<const std::byte> raw;   // when added as raw bytes
    std::shared_ptr<const void> keep_alive;
  };
  template <class Sink>
  void emit(Sink& sink) const;
  void check_new_tensor_name(const std::string& name) const;

  std::uint32_t alignment_;
  std::vector<GgufKeyValue> kv_;
  std::vector<PendingTensor> tensors_;
};

}  // namespace lf
