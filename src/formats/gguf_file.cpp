// lf::GgufFile accessors: typed metadata getters and tensor views.
#include <cstring>
#include <string>
#include <utility>

#include "liveformer/formats/gguf.hpp"

namespace lf {

namespace {

template <class T>
constexpr std::string_view cpp_type_name() {
  if constexpr (std::is_same_v<T, std::uint32_t>) return "uint32";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, float>) return "float32";
  else return "float64";
}

template <class T>
constexpr bool is_gguf_integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <class T>
std::string value_str(T v) {
  if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) return std::to_string(int{v});
  else return std::to_string(v);
}

// Outcome of converting one stored number to the requested C++ type.
enum class Conv { ok, wrong_type, out_of_range };

// Integers widen or narrow to any integer type whose range holds the value;
// floating types convert between float32 and float64 only.
template <class Out, class In>
Conv convert(const In& in, Out& out, std::string& shown) {
  if constexpr (is_gguf_integer<Out> && is_gguf_integer<In>) {
    if (!std::in_range<Out>(in)) {
      shown = value_str(in);
      return Conv::out_of_range;
    }
    out = static_cast<Out>(in);
    return Conv::ok;
  } else if constexpr (std::is_floating_point_v<Out> && std::is_floating_point_v<In>) {
    out = static_cast<Out>(in);
    return Conv::ok;
  } else {
    return Conv::wrong_type;
  }
}

template <class Out>
constexpr std::string_view expected_kind() {
  if constexpr (is_gguf_integer<Out>) return "an integer";
  else return "a float";
}

}  // namespace

void GgufFile::fail(const std::string& what) const { throw_error(path(), what); }

const GgufValue* GgufFile::find(std::string_view key) const {
  const auto it = kv_index_.find(key);
  return it == kv_index_.end() ? nullptr : &kv_[it->second].value;
}

const GgufValue& GgufFile::require(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) fail("metadata key '" + std::string(key) + "' not found");
  return *v;
}

const GgufValue& GgufFile::at(std::string_view key) const { return require(key); }

namespace {

template <class Out>
Out get_number(const GgufFile& f, std::string_view key, const GgufValue& v) {
  Out out{};
  std::string shown;
  const Conv c = std::visit(
      [&](const auto& x) -> Conv {
        using In = std::decay_t<decltype(x)>;
        if constexpr (std::is_arithmetic_v<In>) return convert<Out>(x, out, shown);
        else return Conv::wrong_type;
      },
      v.storage());
  if (c == Conv::wrong_type) {
    throw_error(f.path(), "metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected " +
                              std::string(expected_kind<Out>()) + " (" + std::string(cpp_type_name<Out>()) + ")");
  }
  if (c == Conv::out_of_range) {
    throw_error(f.path(), "metadata key '" + std::string(key) + "' value " + shown + " (" + v.type_name() +
                              ") does not fit in " + std::string(cpp_type_name<Out>()));
  }
  return out;
}

template <class Out>
std::vector<Out> get_number_array(const GgufFile& f, std::string_view key, const GgufValue& v) {
  const GgufArray* a = v.array();
  const std::string want = "array[" + std::string(cpp_type_name<Out>()) + "]";
  if (!a) throw_error(f.path(), "metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected " + want);
  std::vector<Out> out;
  std::visit(
      [&](const auto& items) {
        using In = typename std::decay_t<decltype(items)>::value_type;
        if constexpr (std::is_arithmetic_v<In> && !std::is_same_v<In, bool>) {
          out.resize(items.size());
          std::string shown;
          for (std::size_t i = 0; i < items.size(); ++i) {
            const Conv c = convert<Out>(static_cast<In>(items[i]), out[i], shown);
            if (c == Conv::out_of_range) {
              throw_error(f.path(), "metadata key '" + std::string(key) + "' element " + std::to_string(i) +
                                        " value " + shown + " (" + v.type_name() + ") does not fit in " +
                                        std::string(cpp_type_name<Out>()));
            }
            if (c == Conv::wrong_type) {
              throw_error(f.path(), "metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected " +
                                        want);
            }
          }
        } else {
          throw_error(f.path(), "metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected " + want);
        }
      },
      a->items);
  return out;
}

}  // namespace

#define LF_GGUF_NUMBER_GETTER(Name, Type)                                         \
  Type GgufFile::Name(std::string_view key) const {                               \
    return get_number<Type>(*this, key, require(key));                            \
  }                                                                               \
  Type GgufFile::Name(std::string_view key, Type fallback) const {                \
    const GgufValue* v = find(key);                                               \
    return v ? get_number<Type>(*this, key, *v) : fallback;                       \
  }

LF_GGUF_NUMBER_GETTER(get_u32, std::uint32_t)
LF_GGUF_NUMBER_GETTER(get_u64, std::uint64_t)
LF_GGUF_NUMBER_GETTER(get_i32, std::int32_t)
LF_GGUF_NUMBER_GETTER(get_i64, std::int64_t)
LF_GGUF_NUMBER_GETTER(get_f32, float)
LF_GGUF_NUMBER_GETTER(get_f64, double)
#undef LF_GGUF_NUMBER_GETTER

bool GgufFile::get_bool(std::string_view key) const {
  const GgufValue& v = require(key);
  const bool* b = v.get_if<bool>();
  if (!b) fail("metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected bool");
  return *b;
}

bool GgufFile::get_bool(std::string_view key, bool fallback) const { return has(key) ? get_bool(key) : fallback; }

const std::string& GgufFile::get_string(std::string_view key) const {
  const GgufValue& v = require(key);
  const std::string* s = v.get_if<std::string>();
  if (!s) fail("metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected string");
  return *s;
}

std::string GgufFile::get_string(std::string_view key, std::string_view fallback) const {
  return has(key) ? get_string(key) : std::string(fallback);
}

const std::vector<std::string>& GgufFile::get_string_array(std::string_view key) const {
  const GgufValue& v = require(key);
  const GgufArray* a = v.array();
  const auto* items = a ? std::get_if<std::vector<std::string>>(&a->items) : nullptr;
  if (!items) fail("metadata key '" + std::string(key) + "' is " + v.type_name() + ", expected array[string]");
  return *items;
}

std::vector<float> GgufFile::get_f32_array(std::string_view key) const {
  return get_number_array<float>(*this, key, require(key));
}

std::vector<std::int32_t> GgufFile::get_i32_array(std::string_view key) const {
  return get_number_array<std::int32_t>(*this, key, require(key));
}

std::vector<std::int64_t> GgufFile::get_i64_array(std::string_view key) const {
  return get_number_array<std::int64_t>(*this, key, require(key));
}

// ---- tensors ----

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
  const auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

std::span<const std::byte> GgufFile::tensor_bytes(const GgufTensorInfo& info) const {
  // Re-checked because `info` may be a caller's copy rather than one of ours.
  const std::uint64_t avail = file_size() >= data_offset_ ? file_size() - data_offset_ : 0;
  if (info.offset > avail || info.n_bytes > avail - info.offset) {
    fail("tensor '" + info.name + "' data [offset " + std::to_string(info.offset) + ", size " +
         std::to_string(info.n_bytes) + ") extends past the end of the file (size " + std::to_string(file_size()) +
         ")");
  }
  return {file_->data() + data_offset_ + info.offset, static_cast<std::size_t>(info.n_bytes)};
}

Tensor GgufFile::tensor(std::string_view name) const {
  const GgufTensorInfo* info = find_tensor(name);
  if (!info) fail("no tensor named '" + std::string(name) + "'");
  return tensor(*info);
}

Tensor GgufFile::tensor(const GgufTensorInfo& info) const {
  const std::optional<DType> dtype = info.dtype();
  if (!dtype) {
    fail("tensor '" + info.name + "' has unsupported tensor type " + std::string(ggml_type_name(info.ggml_type)) +
         " (ggml type " + std::to_string(info.ggml_type) + "); liveformer loads F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K");
  }
  const Shape shape = info.shape();
  const std::span<const std::byte> bytes = tensor_bytes(info);
  if (static_cast<std::uint64_t>(dtype_bytes(*dtype, shape.numel())) != bytes.size()) {
    fail("tensor '" + info.name + "' has " + std::to_string(bytes.size()) + " bytes, but " + shape.str() + " " +
         std::string(dtype_name(*dtype)) + " needs " + std::to_string(dtype_bytes(*dtype, shape.numel())));
  }
  // f32 needs 4-byte and the 16-bit types (and block scales) 2-byte alignment;
  // a file with a smaller general.alignment can break that, so copy then.
  const std::size_t need = *dtype == DType::f32 ? 4 : 2;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % need != 0) {
    Tensor copy = Tensor::empty(shape, *dtype);
    if (!bytes.empty()) std::memcpy(copy.bytes(), bytes.data(), bytes.size());
    return copy;
  }
  // Read-only by contract: the mapping is PROT_READ (see MappedFile).
  return Tensor::wrap(const_cast<std::byte*>(bytes.data()), shape, *dtype, file_);
}

}  // namespace lf
