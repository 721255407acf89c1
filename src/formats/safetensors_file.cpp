// Parsing and validating one .safetensors file; tensors as zero-copy views.
#include <algorithm>
#include <cstring>
#include <limits>
#include <tuple>

#include "liveformer/formats/safetensors.hpp"
#include "safetensors_json.hpp"

namespace lf {

using nlohmann::json;
using safetensors_detail::json_excerpt;
using safetensors_detail::json_kind;

namespace {

std::string range_str(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// Byte by byte, so the result does not depend on the host's endianness or
// on the pointer's alignment.
std::uint64_t read_u64_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

std::string SafetensorsTensorInfo::shape_str() const {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

// Fills a SafetensorsFile from its mapping, validating as it goes.
class SafetensorsParser {
 public:
  explicit SafetensorsParser(SafetensorsFile& file) : f_(file) {}

  void run() {
    const std::uint64_t size = f_.file_size();
    if (size < 8) {
      f_.fail("file is " + std::to_string(size) + " bytes, too short for the 8-byte header length");
    }
    const std::uint64_t n = read_u64_le(f_.file_->data());
    if (n > SafetensorsFile::kMaxHeaderBytes) {
      f_.fail("header length " + std::to_string(n) + " exceeds the limit of " +
              std::to_string(SafetensorsFile::kMaxHeaderBytes) + " bytes");
    }
    if (n > size - 8) {
      f_.fail("header length " + std::to_string(n) + " exceeds the " + std::to_string(size - 8) +
              " bytes after it (file size " + std::to_string(size) + ")");
    }
    if (n == 0) f_.fail("header is empty (length 0)");
    f_.data_offset_ = 8 + n;
    data_size_ = size - f_.data_offset_;

    const std::string_view text(reinterpret_cast<const char*>(f_.file_->data() + 8), static_cast<std::size_t>(n));
    const json header = safetensors_detail::parse_strict_json(text, f_.path(), "header");
    if (!header.is_object()) f_.fail("header is " + json_kind(header) + ", expected a JSON object");

    for (const auto& [key, value] : header.items()) {
      if (key == "__metadata__") {
        parse_metadata(value);
      } else {
        f_.tensors_.push_back(parse_tensor(key, value));
      }
    }
    std::sort(f_.tensors_.begin(), f_.tensors_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
    });
    check_overlaps();
    for (std::size_t i = 0; i < f_.tensors_.size(); ++i) f_.index_.emplace(f_.tensors_[i].name, i);
  }

 private:
  void parse_metadata(const json& value) {
    if (!value.is_object()) f_.fail("__metadata__ is " + json_kind(value) + ", expected an object of strings");
    for (const auto& [key, v] : value.items()) {
      if (!v.is_string()) {
        f_.fail("__metadata__ value of '" + key + "' is " + json_kind(v) + " (" + json_excerpt(v) +
                "), expected a string");
      }
      f_.metadata_.emplace(key, v.get<std::string>());
    }
  }

  SafetensorsTensorInfo parse_tensor(const std::string& name, const json& entry) {
    const std::string what = "tensor '" + name + "'";
    if (!entry.is_object()) f_.fail(what + " entry is " + json_kind(entry) + ", expected an object");
    auto field = [&](const char* key) -> const json& {
      const auto it = entry.find(key);
      if (it == entry.end()) f_.fail(what + " has no \"" + key + "\" field");
      return *it;
    };
    SafetensorsTensorInfo info;
    info.name = name;

    const json& dtype = field("dtype");
    if (!dtype.is_string()) f_.fail(what + " dtype is " + json_kind(dtype) + ", expected a string");
    info.dtype = dtype.get<std::string>();
    const int bits = safetensors_dtype_bits(info.dtype);
    if (bits == 0) f_.fail(what + " has unknown dtype '" + info.dtype + "'");

    const json& shape = field("shape");
    if (!shape.is_array()) {
      f_.fail(what + " shape " + json_excerpt(shape) + " is " + json_kind(shape) + ", expected an array of integers");
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const json& d = shape[i];
      if (d.is_number_unsigned()) {
        const auto v = d.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          f_.fail(what + " shape " + json_excerpt(shape) + " has dimension " + std::to_string(v) + ", too large");
        }
        info.dims.push_back(static_cast<std::int64_t>(v));
      } else if (d.is_number_integer()) {
        f_.fail(what + " shape " + json_excerpt(shape) + " has negative dimension " +
                std::to_string(d.get<std::int64_t>()));
      } else {
        f_.fail(what + " shape " + json_excerpt(shape) + " entry " + std::to_string(i) + " is " + json_kind(d) +
                ", expected a non-negative integer");
      }
    }

    const json& offsets = field("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2) {
      f_.fail(what + " data_offsets " + json_excerpt(offsets) + " is not a pair [begin, end]");
    }
    for (const json& o : offsets) {
      if (o.is_number_unsigned()) continue;
      if (o.is_number_integer()) f_.fail(what + " data_offsets " + json_excerpt(offsets) + " has a negative offset");
      f_.fail(what + " data_offsets " + json_excerpt(offsets) + " has " + json_kind(o) +
              ", expected non-negative integers");
    }
    info.begin = offsets[0].get<std::uint64_t>();
    info.end = offsets[1].get<std::uint64_t>();
    const std::string range = range_str(info.begin, info.end);
    if (info.begin > info.end) f_.fail(what + " data_offsets " + range + " are reversed (begin > end)");
    if (info.end > data_size_) {
      f_.fail(what + " data_offsets " + range + " extend past the end of the data section (" +
              std::to_string(data_size_) + " bytes)");
    }

    // numel x bits, overflow-checked; a zero dimension makes any others moot.
    std::uint64_t numel = 1;
    const bool empty = std::find(info.dims.begin(), info.dims.end(), 0) != info.dims.end();
    if (empty) numel = 0;
    for (std::int64_t d : info.dims) {
      if (empty) break;
      const auto u = static_cast<std::uint64_t>(d);
      if (numel > std::numeric_limits<std::uint64_t>::max() / u) {
        f_.fail(what + " shape " + info.shape_str() + " has more elements than fit in 64 bits");
      }
      numel *= u;
    }
    const auto ubits = static_cast<std::uint64_t>(bits);
    if (numel > std::numeric_limits<std::uint64_t>::max() / ubits) {
      f_.fail(what + " " + info.dtype + " shape " + info.shape_str() + " has more bits than fit in 64 bits");
    }
    if (numel * ubits % 8 != 0) {
      f_.fail(what + " " + info.dtype + " shape " + info.shape_str() + " is not a whole number of bytes");
    }
    const std::uint64_t bytes = numel * ubits / 8;
    if (info.n_bytes() != bytes) {
      f_.fail(what + " data_offsets " + range + " do not match dtype " + info.dtype + " shape " + info.shape_str() +
              " (" + std::to_string(bytes) + " bytes)");
    }
    return info;
  }

  // Tensors are sorted by begin; each non-empty one must start at or after
  // the furthest end reached so far.
  void check_overlaps() {
    const SafetensorsTensorInfo* reach = nullptr;
    for (const SafetensorsTensorInfo& t : f_.tensors_) {
      if (t.n_bytes() == 0) continue;
      if (reach && t.begin < reach->end) {
        f_.fail("tensors '" + reach->name + "' " + range_str(reach->begin, reach->end) + " and '" + t.name + "' " +
                range_str(t.begin, t.end) + " overlap");
      }
      if (!reach || t.end > reach->end) reach = &t;
    }
  }

  SafetensorsFile& f_;
  std::uint64_t data_size_ = 0;
};

SafetensorsFile SafetensorsFile::open(const std::string& path) { return parse(MappedFile::open(path)); }

SafetensorsFile SafetensorsFile::from_bytes(std::span<const std::byte> bytes, std::string name) {
  return parse(MappedFile::copy_of(bytes, std::move(name)));
}

SafetensorsFile SafetensorsFile::parse(std::shared_ptr<const MappedFile> file) {
  LF_CHECK(file != nullptr, "SafetensorsFile::parse", "null file");
  SafetensorsFile f;
  f.file_ = std::move(file);
  SafetensorsParser(f).run();
  return f;
}

void SafetensorsFile::fail(const std::string& what) const { throw_error(path(), what); }

const SafetensorsTensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

std::span<const std::byte> SafetensorsFile::tensor_bytes(const SafetensorsTensorInfo& info) const {
  // Re-checked because `info` may be a caller's copy rather than one of ours.
  const std::uint64_t data_size = file_size() - data_offset_;
  if (info.begin > info.end || info.end > data_size) {
    fail("tensor '" + info.name + "' data_offsets " + range_str(info.begin, info.end) +
         " are outside the data section (" + std::to_string(data_size) + " bytes)");
  }
  return {file_->data() + data_offset_ + info.begin, static_cast<std::size_t>(info.n_bytes())};
}

Tensor SafetensorsFile::tensor(std::string_view name) const {
  const SafetensorsTensorInfo* info = find(name);
  if (!info) fail("no tensor named '" + std::string(name) + "'");
  return tensor(*info);
}

Tensor SafetensorsFile::tensor(const SafetensorsTensorInfo& info) const {
  const std::optional<DType> dtype = dtype_from_safetensors(info.dtype);
  if (!dtype) {
    fail("tensor '" + info.name + "' has unsupported dtype " + info.dtype +
         "; liveformer loads F32, F16 and BF16 as tensors");
  }
  if (info.rank() > kMaxDims) {
    fail("tensor '" + info.name + "' has rank " + std::to_string(info.rank()) + " (shape " + info.shape_str() +
         "); liveformer tensors have at most " + std::to_string(kMaxDims) + " dimensions");
  }
  Shape shape;
  for (std::int64_t d : info.dims) shape.push_back(d);
  const std::span<const std::byte> bytes = tensor_bytes(info);
  const std::int64_t need_bytes = dtype_bytes(*dtype, shape.numel());
  if (static_cast<std::uint64_t>(need_bytes) != bytes.size()) {
    fail("tensor '" + info.name + "' has " + std::to_string(bytes.size()) + " bytes, but " + info.dtype + " " +
         shape.str() + " needs " + std::to_string(need_bytes));
  }
  // Writers align each tensor to its element size, but the format does not
  // require it: copy rather than hand out a misaligned float pointer.
  const std::size_t align = static_cast<std::size_t>(dtype_bytes(*dtype, 1));
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % align != 0) {
    Tensor copy = Tensor::empty(shape, *dtype);
    if (!bytes.empty()) std::memcpy(copy.bytes(), bytes.data(), bytes.size());
    return copy;
  }
  // Read-only by contract: the mapping is PROT_READ (see MappedFile).
  return Tensor::wrap(const_cast<std::byte*>(bytes.data()), shape, *dtype, file_);
}

}  // namespace lf
