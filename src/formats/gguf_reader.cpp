// GGUF parsing: turns mapped bytes into a validated lf::GgufFile.
//
// Every read goes through GgufParser::need(), which checks the bytes left
// before anything is touched, and every count is checked against the bytes
// it would need before memory is reserved for it, so hostile files fail with
// an lf::Error instead of reading past the mapping or allocating wildly.
#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "liveformer/formats/gguf.hpp"

namespace lf {

static_assert(std::endian::native == std::endian::little,
              "the GGUF reader copies little-endian fields directly into host integers");

namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr std::uint64_t kMaxInt64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
// Smallest encodings, used to reject counts that cannot fit in the bytes left.
constexpr std::uint64_t kMinKeyValueBytes = 8 + 4 + 1;          // empty key, type, uint8 value
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, 1 dim, type, offset
constexpr std::uint64_t kArrayHeaderBytes = 4 + 8;               // element type, count

std::string num(std::uint64_t v) { return std::to_string(v); }

bool is_known_value_type(std::uint32_t t) { return t <= static_cast<std::uint32_t>(GgufType::f64); }

// Encoded size of a fixed-size value type; 0 for strings and arrays.
std::uint64_t fixed_size(GgufType t) {
  switch (t) {
    case GgufType::u8: case GgufType::i8: case GgufType::boolean: return 1;
    case GgufType::u16: case GgufType::i16: return 2;
    case GgufType::u32: case GgufType::i32: case GgufType::f32: return 4;
    case GgufType::u64: case GgufType::i64: case GgufType::f64: return 8;
    case GgufType::string: case GgufType::array: return 0;
  }
  return 0;
}

std::uint64_t min_encoded_size(GgufType t) {
  if (t == GgufType::string) return 8;
  if (t == GgufType::array) return kArrayHeaderBytes;
  return fixed_size(t);
}

std::uint64_t align_up(std::uint64_t x, std::uint64_t alignment) {
  return (x + alignment - 1) / alignment * alignment;  // x <= file size and alignment <= 2^31: no overflow
}

std::string dims_str(const GgufTensorInfo& t) {
  std::string s = "[";
  for (int i = 0; i < t.n_dims; ++i) {
    if (i) s += ',';
    s += num(t.ne[static_cast<std::size_t>(i)]);
  }
  return s + "]";
}

}  // namespace

class GgufParser {
 public:
  explicit GgufParser(std::shared_ptr<const MappedFile> file)
      : file_(std::move(file)), data_(file_->data()), size_(file_->size()) {}

  GgufFile run() {
    GgufFile out;
    out.file_ = file_;
    read_header(out);
    read_metadata(out);
    read_alignment(out);
    read_tensor_infos(out);
    place_tensor_data(out);
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw_error(file_->path(), what); }

  // Prefix naming what is being read ("metadata key 'x'"), plus the element
  // indices of the arrays being read; only formatted when a read fails.
  std::string where() const {
    std::string s = context_;
    for (std::uint64_t i : element_path_) s += " element " + num(i);
    return s.empty() ? std::string() : s + ": ";
  }

  std::uint64_t remaining() const { return size_ - pos_; }

  void need(std::uint64_t n, const char* item) const {
    if (n > remaining()) {
      fail(where() + item + " at offset " + num(pos_) + " needs " + num(n) + " bytes, but the file ends at " +
           num(size_));
    }
  }

  template <class T>
  T read(const char* item) {
    need(sizeof(T), item);
    T v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string read_string(const char* item) {
    const std::uint64_t start = pos_;
    const auto len = read<std::uint64_t>(item);
    if (len > remaining()) {
      fail(where() + item + " length " + num(len) + " at offset " + num(start) +
           " extends past the end of the file (size " + num(size_) + ")");
    }
    std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<std::size_t>(len));
    pos_ += len;
    return s;
  }

  GgufType read_value_type(const char* item) {
    const std::uint64_t start = pos_;
    const auto t = read<std::uint32_t>(item);
    if (!is_known_value_type(t)) {
      fail(where() + "unknown value type " + num(t) + " at offset " + num(start) + " (known: 0..12)");
    }
    return static_cast<GgufType>(t);
  }

  bool read_bool() {
    const std::uint64_t start = pos_;
    const auto b = read<std::uint8_t>("bool");
    if (b > 1) fail(where() + "bool value " + num(b) + " at offset " + num(start) + " is neither 0 nor 1");
    return b == 1;
  }

  GgufValue read_value(GgufType type, int depth) {
    switch (type) {
      case GgufType::u8: return read<std::uint8_t>("uint8");
      case GgufType::i8: return read<std::int8_t>("int8");
      case GgufType::u16: return read<std::uint16_t>("uint16");
      case GgufType::i16: return read<std::int16_t>("int16");
      case GgufType::u32: return read<std::uint32_t>("uint32");
      case GgufType::i32: return read<std::int32_t>("int32");
      case GgufType::f32: return read<float>("float32");
      case GgufType::boolean: return read_bool();
      case GgufType::string: return read_string("string");
      case GgufType::array: return read_array(depth + 1);
      case GgufType::u64: return read<std::uint64_t>("uint64");
      case GgufType::i64: return read<std::int64_t>("int64");
      case GgufType::f64: return read<double>("float64");
    }
    fail(where() + "unknown value type " + num(static_cast<std::uint32_t>(type)));
  }

  // Fixed-size elements: one bounds check, one copy.
  template <class T>
  std::vector<T> read_fixed_elements(std::uint64_t count) {
    std::vector<T> v(static_cast<std::size_t>(count));
    if (count) std::memcpy(v.data(), data_ + pos_, static_cast<std::size_t>(count) * sizeof(T));
    pos_ += count * sizeof(T);
    return v;
  }

  // Variable-size elements, each read with its index on the element path.
  template <class T, class ReadOne>
  std::vector<T> read_elements(std::uint64_t count, ReadOne read_one) {
    std::vector<T> v;
    v.reserve(static_cast<std::size_t>(count));  // count was bounded by the bytes left
    element_path_.push_back(0);
    for (std::uint64_t i = 0; i < count; ++i) {
      element_path_.back() = i;
      v.push_back(read_one());
    }
    element_path_.pop_back();
    return v;
  }

  GgufArray read_array(int depth) {
    if (depth > GgufFile::kMaxArrayDepth) {
      fail(where() + "arrays nested deeper than " + std::to_string(GgufFile::kMaxArrayDepth) + " levels");
    }
    const std::uint64_t start = pos_;
    const GgufType type = read_value_type("array element type");
    const auto count = read<std::uint64_t>("array length");
    const std::uint64_t min_size = min_encoded_size(type);
    if (count > remaining() / min_size) {
      fail(where() + "array of " + num(count) + " " + std::string(gguf_type_name(type)) + " elements at offset " +
           num(start) + " cannot fit in the " + num(remaining()) + " bytes left (file size " + num(size_) + ")");
    }
    switch (type) {
      case GgufType::u8: return {read_fixed_elements<std::uint8_t>(count)};
      case GgufType::i8: return {read_fixed_elements<std::int8_t>(count)};
      case GgufType::u16: return {read_fixed_elements<std::uint16_t>(count)};
      case GgufType::i16: return {read_fixed_elements<std::int16_t>(count)};
      case GgufType::u32: return {read_fixed_elements<std::uint32_t>(count)};
      case GgufType::i32: return {read_fixed_elements<std::int32_t>(count)};
      case GgufType::f32: return {read_fixed_elements<float>(count)};
      case GgufType::u64: return {read_fixed_elements<std::uint64_t>(count)};
      case GgufType::i64: return {read_fixed_elements<std::int64_t>(count)};
      case GgufType::f64: return {read_fixed_elements<double>(count)};
      case GgufType::boolean: return {read_elements<bool>(count, [&] { return read_bool(); })};
      case GgufType::string:
        return {read_elements<std::string>(count, [&] { return read_string("string"); })};
      case GgufType::array: return {read_elements<GgufArray>(count, [&] { return read_array(depth + 1); })};
    }
    fail(where() + "unknown array element type");
  }

  void read_header(GgufFile& out) {
    context_ = "header";
    if (size_ < 4) fail("file of " + num(size_) + " bytes is too small to be a GGUF file");
    const auto magic = read<std::uint32_t>("magic");
    if (magic != kMagic) {
      std::string shown;
      for (int i = 0; i < 4; ++i) {
        const auto c = static_cast<unsigned char>(data_[i]);
        if (c >= 0x20 && c < 0x7f) {
          shown += static_cast<char>(c);
        } else {
          shown += "\\x";
          shown += hex(c).substr(6);
        }
      }
      fail("not a GGUF file: the magic is \"" + shown + "\", expected \"GGUF\"");
    }
    const auto version = read<std::uint32_t>("version");
    const std::uint32_t swapped = (version >> 24) | ((version >> 8) & 0xff00u) | ((version << 8) & 0xff0000u) |
                                  (version << 24);  // std::byteswap is C++23
    if (version > 0xffff && swapped >= 1 && swapped <= 3) {
      fail("the header looks big-endian (version field 0x" + hex(version) +
           " is version " + num(swapped) + " byte-swapped); only little-endian GGUF files are supported");
    }
    if (version == 1) {
      fail("GGUF version 1 is not supported (only versions 2 and 3); re-convert the model with a current "
           "converter");
    }
    if (version != 2 && version != 3) {
      fail("GGUF version " + num(version) + " is not supported (only versions 2 and 3)");
    }
    out.version_ = version;
    const auto n_tensors = read<std::uint64_t>("tensor count");
    n_kv_ = read<std::uint64_t>("metadata count");
    if (n_kv_ > remaining() / kMinKeyValueBytes) {
      fail("metadata count " + num(n_kv_) + " cannot fit in the " + num(remaining()) +
           " bytes after the header (each key-value pair needs at least " + num(kMinKeyValueBytes) + ")");
    }
    if (n_tensors > remaining() / kMinTensorInfoBytes) {
      fail("tensor count " + num(n_tensors) + " cannot fit in the " + num(remaining()) +
           " bytes after the header (each tensor info needs at least " + num(kMinTensorInfoBytes) + ")");
    }
    n_tensors_ = n_tensors;
  }

  static std::string hex(std::uint32_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
    return s;
  }

  void read_metadata(GgufFile& out) {
    out.kv_.reserve(static_cast<std::size_t>(n_kv_));
    for (std::uint64_t i = 0; i < n_kv_; ++i) {
      context_ = "metadata pair #" + num(i);
      std::string key = read_string("key");
      context_ = "metadata key '" + key + "'";
      if (out.kv_index_.count(key)) fail("duplicate metadata key '" + key + "'");
      const GgufType type = read_value_type("value type");
      GgufValue value = read_value(type, 0);
      out.kv_index_.emplace(key, out.kv_.size());
      out.kv_.push_back({std::move(key), std::move(value)});
    }
    context_.clear();
  }

  void read_alignment(GgufFile& out) {
    const GgufValue* v = out.find("general.alignment");
    if (!v) return;
    // The spec says uint32; any integer type whose value fits is accepted.
    const std::uint64_t a = out.get_u32("general.alignment");
    if (a == 0 || !std::has_single_bit(a)) fail("general.alignment " + num(a) + " is not a power of two");
    out.alignment_ = a;
  }

  void read_tensor_infos(GgufFile& out) {
    out.tensors_.reserve(static_cast<std::size_t>(n_tensors_));
    for (std::uint64_t i = 0; i < n_tensors_; ++i) {
      context_ = "tensor info #" + num(i);
      GgufTensorInfo t;
      t.name = read_string("tensor name");
      context_ = "tensor '" + t.name + "'";
      if (out.tensor_index_.count(t.name)) fail("duplicate tensor name '" + t.name + "'");
      const auto n_dims = read<std::uint32_t>("n_dims");
      if (n_dims < 1 || n_dims > 4) fail(where() + "n_dims " + num(n_dims) + " is outside 1..4");
      t.n_dims = static_cast<int>(n_dims);
      for (std::uint32_t d = 0; d < n_dims; ++d) {
        t.ne[d] = read<std::uint64_t>("dimension");
        if (t.ne[d] > kMaxInt64) fail(where() + "dimension ne[" + num(d) + "] = " + num(t.ne[d]) + " exceeds 2^63-1");
      }
      const std::uint64_t type_at = pos_;
      t.ggml_type = read<std::uint32_t>("ggml type");
      const GgmlTypeInfo* info = ggml_type_info(t.ggml_type);
      if (!info) fail(where() + "unknown ggml type " + num(t.ggml_type) + " at offset " + num(type_at));
      t.offset = read<std::uint64_t>("data offset");
      t.n_bytes = byte_size(t, *info);
      out.tensor_index_.emplace(t.name, out.tensors_.size());
      out.tensors_.push_back(std::move(t));
    }
    context_.clear();
  }

  // Bytes of a tensor's data, rejecting shapes whose element count or size
  // does not fit in int64 and rows that are not whole blocks.
  std::uint64_t byte_size(const GgufTensorInfo& t, const GgmlTypeInfo& info) const {
    std::uint64_t n = 1;
    for (int d = 0; d < t.n_dims; ++d) {
      const std::uint64_t ne = t.ne[static_cast<std::size_t>(d)];
      if (ne != 0 && n > kMaxInt64 / ne) fail(where() + "element count of dims " + dims_str(t) + " overflows int64");
      n *= ne;
    }
    if (t.ne[0] % info.block_size != 0) {
      fail(where() + "ne[0] = " + num(t.ne[0]) + " is not a multiple of the " + std::string(info.name) +
           " block size " + num(info.block_size));
    }
    const std::uint64_t blocks = n / info.block_size;
    if (blocks > kMaxInt64 / info.block_bytes) {
      fail(where() + "byte size of dims " + dims_str(t) + " as " + std::string(info.name) + " overflows int64");
    }
    return blocks * info.block_bytes;
  }

  void place_tensor_data(GgufFile& out) {
    out.data_offset_ = align_up(pos_, out.alignment_);
    if (out.tensors_.empty()) return;  // vocabulary-only files may end without padding
    if (out.data_offset_ > size_) {
      fail("the data section would start at offset " + num(out.data_offset_) +
           ", past the end of the file (size " + num(size_) + ")");
    }
    const std::uint64_t avail = size_ - out.data_offset_;
    for (const GgufTensorInfo& t : out.tensors_) {
      const std::string name = "tensor '" + t.name + "'";
      if (t.offset % out.alignment_ != 0) {
        fail(name + " data offset " + num(t.offset) + " is not a multiple of the alignment " + num(out.alignment_));
      }
      if (t.offset > avail || t.n_bytes > avail - t.offset) {
        fail(name + " data [offset " + num(t.offset) + ", size " + num(t.n_bytes) + ") in the data section at " +
             num(out.data_offset_) + " extends past the end of the file (size " + num(size_) + ")");
      }
    }
    // Sorted by offset, each non-empty tensor must end before the next starts.
    std::vector<std::size_t> order(out.tensors_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return out.tensors_[a].offset < out.tensors_[b].offset; });
    const GgufTensorInfo* prev = nullptr;
    for (std::size_t i : order) {
      const GgufTensorInfo& t = out.tensors_[i];
      if (t.n_bytes == 0) continue;
      if (prev && prev->offset + prev->n_bytes > t.offset) {
        fail("tensors '" + prev->name + "' [" + num(prev->offset) + ", " + num(prev->offset + prev->n_bytes) +
             ") and '" + t.name + "' [" + num(t.offset) + ", " + num(t.offset + t.n_bytes) + ") overlap");
      }
      prev = &t;
    }
  }

  std::shared_ptr<const MappedFile> file_;
  const std::byte* data_;
  std::uint64_t size_;
  std::uint64_t pos_ = 0;
  std::uint64_t n_kv_ = 0;
  std::uint64_t n_tensors_ = 0;
  std::string context_;
  std::vector<std::uint64_t> element_path_;
};

GgufFile GgufFile::parse(std::shared_ptr<const MappedFile> file) {
  LF_CHECK(file != nullptr, "GgufFile::parse", "null file");
  return GgufParser(std::move(file)).run();
}

GgufFile GgufFile::open(const std::string& path) { return parse(MappedFile::open(path)); }

GgufFile GgufFile::from_bytes(std::span<const std::byte> bytes, std::string name) {
  return parse(MappedFile::copy_of(bytes, std::move(name)));
}

}  // namespace lf
