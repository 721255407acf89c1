// SafetensorsFile: reading files written by the reference implementation
// (tests/data/safetensors, tools/reference/make_safetensors_fixtures.py) and
// by the test writer; f32/f16/bf16 values, metadata, zero-copy views.
#include <catch2/catch.hpp>

#include <cstring>

#include <liveformer/formats/safetensors.hpp>

#include "harness/compare.hpp"
#include "test_safetensors_writer.hpp"

using Catch::Matchers::Contains;
using lf::SafetensorsFile;
namespace st = lf::test::st;

namespace {

std::string fixture(const std::string& name) { return lf::test::test_data_dir() + "/safetensors/" + name; }

// Decodes element i from raw little-endian bytes, independently of Tensor.
double decode(const std::string& dtype, const std::byte* p, std::int64_t i) {
  if (dtype == "F32") {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= static_cast<std::uint32_t>(p[i * 4 + b]) << (8 * b);
    return std::bit_cast<float>(bits);
  }
  const std::uint16_t h = static_cast<std::uint16_t>(static_cast<unsigned>(p[i * 2]) |
                                                     (static_cast<unsigned>(p[i * 2 + 1]) << 8));
  return dtype == "F16" ? lf::f16_to_f32(h) : lf::bf16_to_f32(h);
}

// Checks that `t` holds value(i, seed) for every i, reading through
// Tensor::to_f32 (the path models use).
void check_values(const lf::Tensor& t, int seed) {
  const std::vector<float> got = lf::test::values(t);
  REQUIRE(static_cast<std::int64_t>(got.size()) == t.numel());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    REQUIRE(got[i] == st::value(static_cast<std::int64_t>(i), seed));
  }
}

}  // namespace

TEST_CASE("safetensors: reference file lists every tensor and its metadata", "[safetensors]") {
  const SafetensorsFile f = SafetensorsFile::open(fixture("basic.safetensors"));
  CHECK(f.metadata().size() == 2);
  CHECK(f.metadata().at("format") == "pt");
  CHECK(f.metadata().at("source") == "liveformer fixture");
  // The reference writer pads the header so the data section is 8-aligned.
  CHECK(f.data_offset() % 8 == 0);

  struct Want {
    std::string name, dtype;
    std::vector<std::int64_t> dims;
  };
  const std::vector<Want> want = {
      {"w.f32", "F32", {3, 5}},       {"w.f16", "F16", {2, 4}}, {"w.bf16", "BF16", {7}},
      {"w.4d", "F32", {2, 1, 3, 2}},  {"scalar", "F32", {}},    {"empty", "F32", {0, 3}},
      {"ids", "I64", {4}},            {"bytes", "U8", {3}},     {"w.5d", "F32", {1, 2, 1, 2, 1}},
  };
  REQUIRE(f.tensors().size() == want.size());
  for (const Want& w : want) {
    INFO(w.name);
    const lf::SafetensorsTensorInfo* info = f.find(w.name);
    REQUIRE(info);
    CHECK(f.has(w.name));
    CHECK(info->dtype == w.dtype);
    CHECK(info->dims == w.dims);
    std::uint64_t numel = 1;
    for (auto d : w.dims) numel *= static_cast<std::uint64_t>(d);
    CHECK(info->n_bytes() == numel * static_cast<std::uint64_t>(lf::safetensors_dtype_bits(w.dtype)) / 8);
  }
  CHECK_FALSE(f.has("missing"));
  CHECK(f.find("missing") == nullptr);
  // Listed in data order, back to back from 0 to the end of the file.
  std::uint64_t pos = 0;
  for (const auto& info : f.tensors()) {
    CHECK(info.begin == pos);
    pos = info.end;
  }
  CHECK(f.data_offset() + pos == f.file_size());
}

TEST_CASE("safetensors: reference f32, f16 and bf16 tensors load with their values", "[safetensors]") {
  const SafetensorsFile f = SafetensorsFile::open(fixture("basic.safetensors"));
  const struct {
    const char* name;
    lf::DType dtype;
    lf::Shape shape;
    int seed;
  } cases[] = {
      {"w.f32", lf::DType::f32, {3, 5}, 1},        {"w.f16", lf::DType::f16, {2, 4}, 2},
      {"w.bf16", lf::DType::bf16, {7}, 3},         {"w.4d", lf::DType::f32, {2, 1, 3, 2}, 4},
      {"scalar", lf::DType::f32, lf::Shape{}, 5},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const lf::Tensor t = f.tensor(c.name);
    CHECK(t.dtype() == c.dtype);
    CHECK(t.shape() == c.shape);
    CHECK(t.is_contiguous());
    check_values(t, c.seed);
    // The raw bytes decode to the same values without going through Tensor.
    const lf::SafetensorsTensorInfo& info = *f.find(c.name);
    const auto raw = f.tensor_bytes(info);
    for (std::int64_t i = 0; i < t.numel(); ++i) CHECK(decode(info.dtype, raw.data(), i) == st::value(i, c.seed));
  }
  const lf::Tensor empty = f.tensor("empty");
  CHECK(empty.shape() == lf::Shape{0, 3});
  CHECK(empty.numel() == 0);

  // Non-float dtypes are listed and their bytes readable, but not loadable.
  const auto ids = f.tensor_bytes(*f.find("ids"));
  REQUIRE(ids.size() == 32);
  std::int64_t id2 = 0;
  std::memcpy(&id2, ids.data() + 16, 8);
  CHECK(id2 == 30);
  CHECK_THROWS_WITH(f.tensor("ids"), Contains("basic.safetensors: tensor 'ids' has unsupported dtype I64"));
  CHECK_THROWS_WITH(f.tensor("bytes"), Contains("unsupported dtype U8"));
  CHECK_THROWS_WITH(f.tensor("w.5d"), Contains("tensor 'w.5d' has rank 5 (shape [1,2,1,2,1])"));
  CHECK_THROWS_WITH(f.tensor("nope"), Contains("basic.safetensors: no tensor named 'nope'"));
}

TEST_CASE("safetensors: tensors are zero-copy views that keep the mapping alive", "[safetensors]") {
  lf::Tensor t;
  {
    const SafetensorsFile f = SafetensorsFile::open(fixture("basic.safetensors"));
    t = f.tensor("w.f32");
    const std::byte* begin = f.mapping()->data();
    CHECK(t.bytes() == begin + f.data_offset() + f.find("w.f32")->begin);
  }
  // The file object is gone; the tensor still owns the mapping.
  check_values(t, 1);

  // Same for an exactly sized heap copy (AddressSanitizer would catch a
  // use after free here).
  lf::Tensor h;
  {
    const auto bytes = st::load(fixture("basic.safetensors"));
    h = SafetensorsFile::from_bytes(bytes, "copy.safetensors").tensor("w.bf16");
  }
  check_values(h, 3);
}

TEST_CASE("safetensors: files from the test writer round-trip", "[safetensors]") {
  const std::vector<st::Entry> entries = {
      {"a.f32", "F32", {2, 3, 4}, st::encode("F32", st::values(24, 11))},
      {"b.f16", "F16", {5, 3}, st::encode("F16", st::values(15, 12))},
      {"c.bf16", "BF16", {1, 1, 2, 9}, st::encode("BF16", st::values(18, 13))},
      {"d.scalar", "BF16", {}, st::encode("BF16", st::values(1, 14))},
  };
  const std::map<std::string, std::string> meta = {{"k", "v"}, {"quote\"d", "x\\y"}};
  const int seeds[] = {11, 12, 13, 14};
  const lf::Shape shapes[] = {{2, 3, 4}, {5, 3}, {1, 1, 2, 9}, lf::Shape{}};

  SECTION("from memory, aligned and (pad_to 1) possibly misaligned data") {
    for (std::size_t pad : {std::size_t{8}, std::size_t{1}}) {
      const SafetensorsFile f = SafetensorsFile::from_bytes(st::write(entries, meta, pad), "mem.safetensors");
      CHECK(f.metadata().at("k") == "v");
      CHECK(f.metadata().at("quote\"d") == "x\\y");
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const lf::Tensor t = f.tensor(entries[i].name);
        CHECK(t.shape() == shapes[i]);
        check_values(t, seeds[i]);
      }
    }
  }
  SECTION("a misaligned f32 tensor is copied, not handed out misaligned") {
    // Header of odd length and a 2-byte f16 first: "a.f32" starts at an
    // address that is not a multiple of 4.
    std::vector<st::Entry> odd = {{"h", "F16", {1}, st::encode("F16", {1.0f})}, entries[0]};
    const SafetensorsFile f = SafetensorsFile::from_bytes(st::write(odd, {}, 1), "odd.safetensors");
    const auto raw = f.tensor_bytes(*f.find("a.f32"));
    const lf::Tensor t = f.tensor("a.f32");
    CHECK(reinterpret_cast<std::uintptr_t>(t.bytes()) % 4 == 0);
    if (reinterpret_cast<std::uintptr_t>(raw.data()) % 4 != 0) CHECK(t.bytes() != raw.data());
    check_values(t, 11);
  }
  SECTION("from a file on disk") {
    st::TempDir dir;
    st::save(dir / "rt.safetensors", st::write(entries, meta));
    const SafetensorsFile f = SafetensorsFile::open(dir / "rt.safetensors");
    CHECK(f.path() == dir / "rt.safetensors");
    for (std::size_t i = 0; i < entries.size(); ++i) check_values(f.tensor(entries[i].name), seeds[i]);
  }
  SECTION("an empty header object is a file with no tensors") {
    const SafetensorsFile f = SafetensorsFile::from_bytes(st::file_bytes("{}", {}), "none.safetensors");
    CHECK(f.tensors().empty());
    CHECK(f.metadata().empty());
  }
}

TEST_CASE("safetensors: dtype names", "[safetensors]") {
  CHECK(lf::dtype_from_safetensors("F32") == lf::DType::f32);
  CHECK(lf::dtype_from_safetensors("F16") == lf::DType::f16);
  CHECK(lf::dtype_from_safetensors("BF16") == lf::DType::bf16);
  CHECK_FALSE(lf::dtype_from_safetensors("F64"));
  CHECK_FALSE(lf::dtype_from_safetensors("f32"));  // case matters
  CHECK(lf::safetensors_dtype_bits("F64") == 64);
  CHECK(lf::safetensors_dtype_bits("BOOL") == 8);
  CHECK(lf::safetensors_dtype_bits("F8_E4M3") == 8);
  CHECK(lf::safetensors_dtype_bits("F4") == 4);
  CHECK(lf::safetensors_dtype_bits("Q4_0") == 0);
}
