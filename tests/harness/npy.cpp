#include "harness/npy.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

namespace lf::test {
namespace {

// Elements are copied byte for byte, so the host must match the files.
static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian host");

constexpr std::string_view kMagic = "\x93NUMPY";

std::int64_t item_size(NpyType t) { return t == NpyType::f4 || t == NpyType::i4 ? 4 : 8; }

[[noreturn]] void fail(const std::string& name, const std::string& what) { throw_error("npy", name + ": " + what); }

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  bool has_descr = false, has_fortran = false, has_shape = false;
};

// The header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// This parses exactly the subset NumPy writes: string keys; values that are
// strings, True/False or tuples of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  Header parse() {
    Header h;
    expect('{');
    while (!consume('}')) {
      const std::string key = string();
      expect(':');
      if (key == "descr") {
        h.descr = string();
        h.has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        h.has_fortran = true;
      } else if (key == "shape") {
        h.shape = tuple();
        h.has_shape = true;
      } else {
        error("unexpected header key '" + key + "'");
      }
      if (!consume(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (pos_ != s_.size()) error("trailing characters after the header dict");
    if (!h.has_descr || !h.has_fortran || !h.has_shape)
      error("header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) error(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
  }
  std::string string() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"'))
      error("expected a quoted string at offset " + std::to_string(pos_));
    const char quote = s_[pos_++];
    const std::size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) error("unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    error("expected True or False at offset " + std::to_string(pos_));
  }
  std::vector<std::int64_t> tuple() {
    std::vector<std::int64_t> dims;
    expect('(');
    while (!consume(')')) {
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9')
        error("expected a non-negative integer in 'shape' at offset " + std::to_string(pos_));
      std::int64_t v = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        const int digit = s_[pos_++] - '0';
        if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10) error("dimension in 'shape' overflows");
        v = v * 10 + digit;
      }
      dims.push_back(v);
      if (!consume(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
  [[noreturn]] void error(const std::string& what) { fail(name_, "bad header: " + what); }

  std::string_view s_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

NpyType parse_descr(const std::string& descr, const std::string& name) {
  if (descr == "<f4") return NpyType::f4;
  if (descr == "<f8") return NpyType::f8;
  if (descr == "<i4") return NpyType::i4;
  if (descr == "<i8") return NpyType::i8;
  fail(name, "unsupported dtype '" + descr + "' (supported: <f4, <f8, <i4, <i8; little-endian only)");
}

std::uint32_t read_le(std::span<const std::byte> b, std::size_t at, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint32_t>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

template <class T>
T element(const std::vector<std::byte>& bytes, std::int64_t i) {
  T v;
  std::memcpy(&v, bytes.data() + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
  return v;
}

std::vector<std::byte> read_file(const std::filesystem::path& path, const char* who) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw_error(who, "cannot open " + path.string());
  const std::streamsize size = in.tellg();
  in.seekg(0);
  std::vector<std::byte> data(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(data.data()), size)) throw_error(who, "error reading " + path.string());
  return data;
}

}  // namespace

// ---- NpyArray -----------------------------------------------------------

std::int64_t NpyArray::numel() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

Shape NpyArray::lf_shape() const {
  LF_CHECK(shape.size() <= static_cast<std::size_t>(kMaxDims), "npy",
        "rank " + std::to_string(shape.size()) + " array does not fit lf::Shape (at most 4 dimensions)");
  Shape s;
  for (std::int64_t d : shape) s.push_back(d);
  return s;
}

Tensor NpyArray::to_tensor() const {
  LF_CHECK(type == NpyType::f4, "npy", "to_tensor needs a '<f4' array, this one has " +
                                        std::to_string(item_size(type)) + "-byte elements of another type");
  Tensor t = Tensor::empty(lf_shape());
  if (!bytes.empty()) std::memcpy(t.data<float>(), bytes.data(), bytes.size());
  return t;
}

std::vector<double> NpyArray::to_f64() const {
  const std::int64_t n = numel();
  std::vector<double> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double v = 0;
    switch (type) {
      case NpyType::f4: v = element<float>(bytes, i); break;
      case NpyType::f8: v = element<double>(bytes, i); break;
      case NpyType::i4: v = element<std::int32_t>(bytes, i); break;
      case NpyType::i8: v = static_cast<double>(element<std::int64_t>(bytes, i)); break;
    }
    out[static_cast<std::size_t>(i)] = v;
  }
  return out;
}

std::vector<std::int64_t> NpyArray::to_i64() const {
  LF_CHECK(type == NpyType::i4 || type == NpyType::i8, "npy", "to_i64 needs an integer ('<i4' or '<i8') array");
  const std::int64_t n = numel();
  std::vector<std::int64_t> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    out[static_cast<std::size_t>(i)] =
        type == NpyType::i4 ? element<std::int32_t>(bytes, i) : element<std::int64_t>(bytes, i);
  return out;
}

// ---- parsing ------------------------------------------------------------

NpyArray parse_npy(std::span<const std::byte> file, const std::string& name) {
  // Layout: magic (6) | major (1) | minor (1) | header length (2 bytes in
  // 1.0, 4 in 2.0/3.0, little-endian) | header | data.
  if (file.size() < 10 || std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0)
    fail(name, "not a .npy file (missing \\x93NUMPY magic)");
  const int major = std::to_integer<int>(file[6]);
  const int minor = std::to_integer<int>(file[7]);
  if (major < 1 || major > 3 || minor != 0)
    fail(name, "unsupported format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (supported: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (file.size() < 8 + len_bytes) fail(name, "truncated before the header length");
  const std::size_t header_len = read_le(file, 8, static_cast<int>(len_bytes));
  const std::size_t data_offset = 8 + len_bytes + header_len;
  if (file.size() < data_offset)
    fail(name, "truncated header: needs " + std::to_string(header_len) + " bytes, file has " +
                   std::to_string(file.size() - 8 - len_bytes));
  // 1.0/2.0 headers are latin-1, 3.0 UTF-8; the keys and values we accept
  // are ASCII either way.
  const std::string_view text(reinterpret_cast<const char*>(file.data()) + 8 + len_bytes, header_len);
  const Header h = HeaderParser(text, name).parse();

  NpyArray a;
  a.type = parse_descr(h.descr, name);
  if (h.fortran_order) fail(name, "Fortran-order arrays are not supported (save with C order)");
  a.shape = h.shape;
  std::int64_t n = 1;
  for (std::int64_t d : a.shape) {
    if (d != 0 && n > std::numeric_limits<std::int64_t>::max() / 8 / d) fail(name, "element count overflows");
    n *= d;
  }
  const std::uint64_t want = static_cast<std::uint64_t>(n * item_size(a.type));
  const std::uint64_t have = file.size() - data_offset;
  if (have < want)
    fail(name, "truncated data: " + h.descr + " shape of " + std::to_string(n) + " elements needs " +
                   std::to_string(want) + " bytes, file has " + std::to_string(have));
  if (have > want) fail(name, std::to_string(have - want) + " unexpected bytes after the data");
  a.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(data_offset), file.end());
  return a;
}

NpyArray read_npy(const std::filesystem::path& path) {
  const std::vector<std::byte> data = read_file(path, "npy");
  return parse_npy(data, path.string());
}

Tensor load_npy_tensor(const std::filesystem::path& path) { return read_npy(path).to_tensor(); }

std::vector<double> load_npy_f64(const std::filesystem::path& path) { return read_npy(path).to_f64(); }

// ---- JsonScalars --------------------------------------------------------

JsonScalars JsonScalars::read(const std::filesystem::path& path) {
  const std::vector<std::byte> data = read_file(path, "json");
  return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), path.string());
}

JsonScalars JsonScalars::parse(std::string_view text, const std::string& name) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw_error("json", name + ": " + e.what());
  }
  LF_CHECK(j.is_object(), "json", name + ": top level is not an object");
  JsonScalars out;
  out.name_ = name;
  for (const auto& [key, v] : j.items()) {
    if (v.is_boolean()) {
      out.values_[key] = v.get<bool>();
    } else if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
      out.values_[key] = v.get<double>();
    } else if (v.is_number_integer()) {
      out.values_[key] = v.get<std::int64_t>();
    } else if (v.is_number_float()) {
      out.values_[key] = v.get<double>();
    } else if (v.is_string()) {
      out.values_[key] = v.get<std::string>();
    }  // null, arrays and objects: not scalars, left out
  }
  return out;
}

const JsonScalars::Value& JsonScalars::at(const std::string& key, const char* wanted) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw_error("json", name_ + ": no " + wanted + " member '" + key + "'");
  return it->second;
}

double JsonScalars::number(const std::string& key) const {
  const Value& v = at(key, "number");
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw_error("json", name_ + ": member '" + key + "' is not a number");
}

std::int64_t JsonScalars::integer(const std::string& key) const {
  const Value& v = at(key, "integer");
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  throw_error("json", name_ + ": member '" + key + "' is not an integer");
}

bool JsonScalars::boolean(const std::string& key) const {
  const Value& v = at(key, "boolean");
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  throw_error("json", name_ + ": member '" + key + "' is not a boolean");
}

const std::string& JsonScalars::text(const std::string& key) const {
  const Value& v = at(key, "string");
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw_error("json", name_ + ": member '" + key + "' is not a string");
}

}  // namespace lf::test
