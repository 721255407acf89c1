// Hostile GGUF input: every failure must be an lf::Error naming the file and
// the problem; nothing may read outside the bytes (the suite also runs under
// AddressSanitizer, and GgufFile::from_bytes copies into an exactly sized
// buffer so any over-read is caught).
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

#include "harness/compare.hpp"
#include "test_gguf_sample.hpp"

using Catch::Matchers::Contains;
using lf::GgufFile;

namespace {

constexpr std::uint64_t k2to62 = 1ull << 62;

// Little-endian byte builder for files laid out by hand from the spec, so
// these tests do not depend on GgufWriter.
struct Bytes {
  std::vector<std::byte> b;
  Bytes& raw(std::string_view s) {
    for (char c : s) b.push_back(static_cast<std::byte>(c));
    return *this;
  }
  template <class T>
  Bytes& put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    b.insert(b.end(), p, p + sizeof v);
    return *this;
  }
  Bytes& u8(std::uint8_t v) { return put(v); }
  Bytes& u32(std::uint32_t v) { return put(v); }
  Bytes& u64(std::uint64_t v) { return put(v); }
  Bytes& str(std::string_view s) { return u64(s.size()).raw(s); }
};

using Kv = std::function<void(Bytes&)>;
Kv kv_string(std::string key, std::string value) {
  return [=](Bytes& b) { b.str(key).u32(8).str(value); };
}
Kv kv_u32(std::string key, std::uint32_t value) {
  return [=](Bytes& b) { b.str(key).u32(4).u32(value); };
}

struct CraftTensor {
  std::string name;
  std::vector<std::uint64_t> ne;  // GGUF order; its length is n_dims
  std::uint32_t type = 0;         // F32
  std::uint64_t offset = 0;
};

// A small, valid file by default: two metadata pairs and two f32 tensors,
// "a" [4] at 0 and "b" [8] at 32, over 64 data bytes holding floats 0..15.
struct Craft {
  std::string magic = "GGUF";
  std::uint32_t version = 3;
  std::optional<std::uint64_t> n_tensors, n_kv;  // override the true counts
  std::vector<Kv> kvs = {kv_string("general.architecture", "test"), kv_u32("test.answer", 42)};
  std::vector<CraftTensor> tensors = {{"a", {4}, 0, 0}, {"b", {8}, 0, 32}};
  std::uint64_t alignment = 32;
  std::uint64_t data_floats = 16;

  std::vector<std::byte> build() const {
    Bytes b;
    b.raw(magic).u32(version).u64(n_tensors.value_or(tensors.size())).u64(n_kv.value_or(kvs.size()));
    for (const Kv& kv : kvs) kv(b);
    for (const CraftTensor& t : tensors) {
      b.str(t.name).u32(static_cast<std::uint32_t>(t.ne.size()));
      for (std::uint64_t d : t.ne) b.u64(d);
      b.u32(t.type).u64(t.offset);
    }
    while (b.b.size() % alignment) b.u8(0);
    for (std::uint64_t i = 0; i < data_floats; ++i) b.put(static_cast<float>(i));
    return b.b;
  }
};

std::string error_of(const std::vector<std::byte>& bytes, const std::string& name = "crafted.gguf") {
  try {
    GgufFile::from_bytes(bytes, name);
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string error_of(const Craft& c) { return error_of(c.build()); }

}  // namespace

TEST_CASE("gguf malformed: the hand-built baseline is valid", "[gguf][malformed]") {
  const Craft c;
  const GgufFile f = GgufFile::from_bytes(c.build(), "crafted.gguf");
  // 24-byte header, pairs of 8+20+4+8+4 and 8+11+4+4 bytes, two tensor
  // infos of 8+1+4+8+4+8 bytes: 161, padded to 192.
  CHECK(f.data_offset() == 192);
  CHECK(f.get_string("general.architecture") == "test");
  CHECK(f.get_u32("test.answer") == 42);
  const lf::Tensor b = f.tensor("b");
  REQUIRE(b.shape() == lf::Shape{8});
  for (int i = 0; i < 8; ++i) CHECK(b.data<float>()[i] == static_cast<float>(8 + i));
}

TEST_CASE("gguf malformed: header", "[gguf][malformed]") {
  Craft c;
  c.magic = "GGUX";
  CHECK_THAT(error_of(c), Contains("crafted.gguf: not a GGUF file: the magic is \"GGUX\""));
  c.magic = std::string("\x7f" "ELF", 4);
  CHECK_THAT(error_of(c), Contains("the magic is \"\\x7fELF\""));
  c.magic = "GGUF";

  c.version = 1;
  CHECK_THAT(error_of(c), Contains("crafted.gguf: GGUF version 1 is not supported"));
  c.version = 4;
  CHECK_THAT(error_of(c), Contains("crafted.gguf: GGUF version 4 is not supported (only versions 2 and 3)"));
  c.version = 0x03000000;  // version 3 written big-endian
  CHECK_THAT(error_of(c), Contains("looks big-endian") && Contains("only little-endian"));
  c.version = 2;
  CHECK(error_of(c) == "(no error)");
  c.version = 3;

  c.n_tensors = k2to62;
  CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor count 4611686018427387904 cannot fit"));
  c.n_tensors.reset();
  c.n_kv = k2to62;
  CHECK_THAT(error_of(c), Contains("crafted.gguf: metadata count 4611686018427387904 cannot fit"));

  CHECK_THAT(error_of(std::vector<std::byte>{}), Contains("crafted.gguf: file of 0 bytes is too small"));
}

TEST_CASE("gguf malformed: metadata", "[gguf][malformed]") {
  SECTION("key length past the end") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.u64(1000).raw("abc"); }};
    CHECK_THAT(error_of(c), Contains("crafted.gguf: metadata pair #0: key length 1000 at offset 24 extends past the "
                                     "end of the file"));
  }
  SECTION("string value length past the end") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.str("k").u32(8).u64(k2to62).raw("xy"); }};
    CHECK_THAT(error_of(c), Contains("metadata key 'k': string length 4611686018427387904 at offset 37 extends past"));
  }
  SECTION("unknown value types") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.str("k").u32(13).u32(0); }};
    CHECK_THAT(error_of(c), Contains("crafted.gguf: metadata key 'k': unknown value type 13"));
    c.kvs = {[](Bytes& b) { b.str("k").u32(9).u32(0xffffffff).u64(0); }};
    CHECK_THAT(error_of(c), Contains("metadata key 'k': unknown value type 4294967295"));
  }
  SECTION("array length past the end") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.str("k").u32(9).u32(4).u64(k2to62).u32(1); }};
    CHECK_THAT(error_of(c), Contains("metadata key 'k': array of 4611686018427387904 uint32 elements") &&
                                Contains("cannot fit"));
  }
  SECTION("string element past the end") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.str("k").u32(9).u32(8).u64(2).str("ok").u64(500).raw("x"); }};
    CHECK_THAT(error_of(c), Contains("metadata key 'k' element 1: string length 500"));
  }
  SECTION("array nesting depth") {
    const auto nested = [](int depth) {
      return [depth](Bytes& b) {
        b.str("k").u32(9);
        for (int i = 1; i < depth; ++i) b.u32(9).u64(1);  // an array holding one array
        b.u32(4).u64(1).u32(7);                           // innermost: one uint32
      };
    };
    Craft c;
    c.kvs = {nested(GgufFile::kMaxArrayDepth)};
    CHECK(error_of(c) == "(no error)");
    c.kvs = {nested(GgufFile::kMaxArrayDepth + 1)};
    CHECK_THAT(error_of(c), Contains("metadata key 'k' element 0 element 0") &&
                                Contains("arrays nested deeper than 8 levels"));
  }
  SECTION("bool other than 0 or 1") {
    Craft c;
    c.kvs = {[](Bytes& b) { b.str("k").u32(7).u8(2); }};
    CHECK_THAT(error_of(c), Contains("metadata key 'k': bool value 2 at offset 37 is neither 0 nor 1"));
  }
  SECTION("duplicate keys") {
    Craft c;
    c.kvs.push_back(kv_u32("general.architecture", 1));
    CHECK_THAT(error_of(c), Contains("crafted.gguf: duplicate metadata key 'general.architecture'"));
  }
  SECTION("alignment") {
    Craft c;
    c.kvs.push_back(kv_u32("general.alignment", 48));
    CHECK_THAT(error_of(c), Contains("crafted.gguf: general.alignment 48 is not a power of two"));
    c.kvs.back() = kv_u32("general.alignment", 0);
    CHECK_THAT(error_of(c), Contains("general.alignment 0 is not a power of two"));
    c.kvs.back() = kv_string("general.alignment", "32");
    CHECK_THAT(error_of(c), Contains("metadata key 'general.alignment' is string, expected an integer"));
    c.kvs.back() = kv_u32("general.alignment", 16);
    c.alignment = 16;
    CHECK(error_of(c) == "(no error)");
  }
}

TEST_CASE("gguf malformed: tensor infos", "[gguf][malformed]") {
  Craft c;
  SECTION("n_dims 0 and 5") {
    c.tensors[0].ne = {};
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor 'a': n_dims 0 is outside 1..4"));
    c.tensors[0].ne = {1, 1, 1, 1, 4};
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor 'a': n_dims 5 is outside 1..4"));
  }
  SECTION("unknown ggml types") {
    c.tensors[1].type = 99;
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor 'b': unknown ggml type 99"));
    c.tensors[1].type = 4;  // retired Q4_2
    CHECK_THAT(error_of(c), Contains("tensor 'b': unknown ggml type 4"));
  }
  SECTION("element count and size overflow") {
    c.tensors[1].ne = {1ull << 32, 1ull << 32};
    CHECK_THAT(error_of(c), Contains("tensor 'b': element count of dims [4294967296,4294967296] overflows int64"));
    c.tensors[1].ne = {k2to62};
    CHECK_THAT(error_of(c), Contains("tensor 'b': byte size of dims [4611686018427387904] as F32 overflows int64"));
    c.tensors[1].ne = {1ull << 63};
    CHECK_THAT(error_of(c), Contains("tensor 'b': dimension ne[0] = 9223372036854775808 exceeds 2^63-1"));
  }
  SECTION("rows that are not whole blocks") {
    c.tensors[1].type = lf::kGgmlQ8_0;
    c.tensors[1].ne = {16};
    CHECK_THAT(error_of(c), Contains("tensor 'b': ne[0] = 16 is not a multiple of the Q8_0 block size 32"));
  }
  SECTION("duplicate names") {
    c.tensors[1].name = "a";
    CHECK_THAT(error_of(c), Contains("crafted.gguf: duplicate tensor name 'a'"));
  }
  SECTION("a count larger than the infos present") {
    c.n_tensors = 3;  // the third "info" is read from the zero padding
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor '': n_dims 0 is outside 1..4"));
    std::vector<std::byte> bytes = c.build();
    bytes.resize(161);  // end right after the second info
    CHECK_THAT(error_of(bytes),
               Contains("crafted.gguf: tensor info #2: tensor name at offset 161 needs 8 bytes, but the file ends at 161"));
  }
}

TEST_CASE("gguf malformed: tensor data placement", "[gguf][malformed]") {
  Craft c;
  SECTION("offset out of range") {
    c.tensors[1].offset = 1024;
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor 'b' data [offset 1024, size 32) in the data section at 192 "
                                     "extends past the end of the file (size 256)"));
    c.tensors[1].offset = 0xffffffffffffffe0ull;  // offset + size wraps around
    CHECK_THAT(error_of(c), Contains("tensor 'b' data [offset 18446744073709551584, size 32)") &&
                                Contains("extends past the end"));
  }
  SECTION("data cut short") {
    c.data_floats = 12;  // "b" needs floats 8..15
    CHECK_THAT(error_of(c), Contains("tensor 'b' data [offset 32, size 32)") && Contains("extends past the end"));
  }
  SECTION("misaligned offset") {
    c.tensors[1].offset = 16;
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensor 'b' data offset 16 is not a multiple of the alignment 32"));
  }
  SECTION("overlapping tensors") {
    c.tensors[0].ne = {12};  // "a" now covers [0, 48), into "b" at 32
    CHECK_THAT(error_of(c), Contains("crafted.gguf: tensors 'a' [0, 48) and 'b' [32, 64) overlap"));
    c.tensors[0].ne = {4};
    c.tensors[1].offset = 0;
    CHECK_THAT(error_of(c), Contains("overlap"));
  }
  SECTION("empty tensors may share offsets") {
    c.tensors.push_back({"e", {0, 3}, 0, 32});
    CHECK(error_of(c) == "(no error)");
  }
}

TEST_CASE("gguf malformed: every truncation of a valid file fails cleanly", "[gguf][malformed]") {
  const std::vector<std::byte> full = lf::test::sample_writer().to_bytes();
  const GgufFile f = GgufFile::from_bytes(full, "full.gguf");
  std::uint64_t data_end = 0;
  for (const auto& t : f.tensors()) data_end = std::max(data_end, f.data_offset() + t.offset + t.n_bytes);
  REQUIRE(data_end <= full.size());

  int failures = 0;
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    const std::string err = error_of(cut, "truncated.gguf");
    if (n < data_end) {
      // Anything else than an lf::Error escapes error_of and fails the test.
      if (err.rfind("truncated.gguf: ", 0) != 0) FAIL("cut at " << n << ": " << err);
      ++failures;
    } else {
      // Only the last tensor's trailing padding is missing: still valid.
      if (err != "(no error)") FAIL("cut at " << n << " (after the data): " << err);
    }
  }
  CHECK(failures == static_cast<int>(data_end));

  // The same through the mmap path, at a few cuts.
  const std::string path =
      (std::filesystem::temp_directory_path() / ("lf_test_" + std::to_string(::getpid()) + "_cut.gguf")).string();
  for (std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{23}, std::size_t{100},
                        static_cast<std::size_t>(f.data_offset()), static_cast<std::size_t>(data_end - 1)}) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(full.data()), static_cast<std::streamsize>(n));
    }
    try {
      GgufFile::open(path);
      FAIL("cut at " << n << " loaded");
    } catch (const lf::Error& e) {
      CHECK_THAT(std::string(e.what()), Contains(path + ": "));
    }
  }
  std::filesystem::remove(path);
}

TEST_CASE("gguf malformed: corrupting any header byte never crashes", "[gguf][malformed]") {
  const std::vector<std::byte> full = lf::test::sample_writer().to_bytes();
  const GgufFile f = GgufFile::from_bytes(full, "full.gguf");
  int rejected = 0, accepted = 0;
  for (std::size_t pos = 0; pos < f.data_offset(); ++pos) {
    for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<std::byte> bad = full;
      bad[pos] ^= std::byte{mask};
      // Only lf::Error may come out; loading a tensor must stay in bounds too.
      try {
        const GgufFile g = GgufFile::from_bytes(bad, "flipped.gguf");
        for (const auto& t : g.tensors()) {
          if (t.dtype()) (void)lf::test::values(g.tensor(t));
        }
        ++accepted;
      } catch (const lf::Error&) {
        ++rejected;
      }
    }
  }
  INFO("accepted " << accepted << ", rejected " << rejected);
  CHECK(rejected > 0);
}
