// Reading fixtures that Python wrote: .npy arrays and meta.json scalars.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <liveformer/core/tensor.hpp>

namespace lf::test {

/// Element types the .npy reader accepts: little-endian '<f4', '<f8',
/// '<i4', '<i8'.
enum class NpyType { f4, f8, i4, i8 };

/// One array from a .npy file (format 1.0, 2.0 or 3.0, C order only).
struct NpyArray {
  NpyType type = NpyType::f4;
  std::vector<std::int64_t> shape;  // outermost first; empty for a 0-d array
  std::vector<std::byte> bytes;     // the elements, little-endian, C order

  std::int64_t numel() const;
  /// The shape as an lf::Shape; throws lf::Error above rank 4.
  Shape lf_shape() const;
  /// An owning f32 tensor; '<f4' only (no silent narrowing of f8).
  Tensor to_tensor() const;
  /// The elements widened to double (any type).
  std::vector<double> to_f64() const;
  /// The elements as int64; integer types only.
  std::vector<std::int64_t> to_i64() const;
};

/// Parses a whole .npy file held in memory. `name` (usually the path) goes
/// into error messages. Throws lf::Error for a bad magic string, an
/// unsupported version or dtype, Fortran order, a malformed header, or data
/// that is truncated or followed by extra bytes.
NpyArray parse_npy(std::span<const std::byte> file, const std::string& name);

/// Reads and parses a .npy file.
NpyArray read_npy(const std::filesystem::path& path);

/// read_npy(path).to_tensor() and read_npy(path).to_f64().
Tensor load_npy_tensor(const std::filesystem::path& path);
std::vector<double> load_npy_f64(const std::filesystem::path& path);

/// The top-level scalar members (booleans, numbers, strings) of a JSON
/// object, e.g. a fixture's meta.json. Null, array and object members are
/// treated as absent. Accessors throw lf::Error naming the file and key when
/// the key is missing or holds another type.
class JsonScalars {
 public:
  static JsonScalars read(const std::filesystem::path& path);
  static JsonScalars parse(std::string_view text, const std::string& name);

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  /// Any number (integers are widened).
  double number(const std::string& key) const;
  /// An integer; a JSON number with a fraction or exponent is an error.
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  const std::string& text(const std::string& key) const;

 private:
  using Value = std::variant<bool, std::int64_t, double, std::string>;
  const Value& at(const std::string& key, const char* wanted) const;

  std::string name_;
  std::map<std::string, Value> values_;
};

}  // namespace lf::test
