// GgufWriter -> GgufFile round trips, typed getters and tensor views.
#include <catch2/catch.hpp>

#include "harness/error_of.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unistd.h>

#include "harness/compare.hpp"
#include "test_gguf_sample.hpp"

using Catch::Matchers::Contains;
using lf::DType;
using lf::GgufFile;
using lf::GgufValue;
using lf::GgufWriter;
using lf::Shape;
using lf::Tensor;

namespace {

using lf::test::error_of;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("lf_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && a.nbytes() == b.nbytes() &&
         std::memcmp(a.bytes(), b.bytes(), static_cast<std::size_t>(a.nbytes())) == 0;
}

void check_sample(const GgufFile& f, std::uint64_t alignment) {
  CHECK(f.version() == 3);
  CHECK(f.alignment() == alignment);
  CHECK(f.data_offset() % alignment == 0);

  // Metadata: every key, in order, with its exact type and value.
  const auto want = lf::test::sample_metadata();
  std::size_t skip = alignment == 32 ? 0 : 1;  // the writer puts general.alignment first
  REQUIRE(f.metadata().size() == want.size() + skip);
  if (skip) {
    CHECK(f.metadata()[0].key == "general.alignment");
    CHECK(f.metadata()[0].value == GgufValue(static_cast<std::uint32_t>(alignment)));
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("key " << want[i].key);
    CHECK(f.metadata()[i + skip].key == want[i].key);
    CHECK(f.metadata()[i + skip].value.type() == want[i].value.type());
    CHECK(f.metadata()[i + skip].value == want[i].value);
    REQUIRE(f.find(want[i].key) != nullptr);
    CHECK(*f.find(want[i].key) == want[i].value);
  }

  // Tensors: names, shapes (reversed into GGUF order), types, exact bytes.
  const auto tensors = lf::test::sample_tensors();
  REQUIRE(f.tensors().size() == tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& s = tensors[i];
    INFO("tensor " << s.name);
    const lf::GgufTensorInfo& info = f.tensors()[i];
    CHECK(info.name == s.name);
    CHECK(info.n_dims == s.shape.rank());
    for (int d = 0; d < s.shape.rank(); ++d) CHECK(info.ne[static_cast<std::size_t>(d)] == static_cast<std::uint64_t>(s.shape.back(d)));
    CHECK(info.ggml_type == lf::ggml_type_of(s.dtype));
    CHECK(info.offset % alignment == 0);
    const Tensor t = f.tensor(s.name);
    CHECK(t.shape() == s.shape);
    CHECK(t.dtype() == s.dtype);
    CHECK(same_bytes(t, lf::test::sample_tensor(s.shape, s.dtype, s.seed)));
  }
}

}  // namespace

TEST_CASE("gguf: writer output reads back with every metadata type and tensor dtype", "[gguf]") {
  for (std::uint32_t alignment : {32u, 64u, 8u}) {
    INFO("alignment " << alignment);
    const std::vector<std::byte> bytes = lf::test::sample_writer(alignment).to_bytes();
    check_sample(GgufFile::from_bytes(bytes, "sample.gguf"), alignment);
  }
}

TEST_CASE("gguf: write() to a path equals to_bytes() and opens memory-mapped", "[gguf]") {
  const GgufWriter w = lf::test::sample_writer();
  const std::string path = temp_path("sample.gguf");
  w.write(path);
  const std::vector<std::byte> bytes = w.to_bytes();
  {
    const auto m = lf::MappedFile::open(path);
    REQUIRE(m->size() == bytes.size());
    CHECK(std::memcmp(m->data(), bytes.data(), bytes.size()) == 0);
  }
  Tensor kept;
  {
    const GgufFile f = GgufFile::open(path);
    CHECK(f.path() == path);
    check_sample(f, 32);
    kept = f.tensor("t.f32");
    // Zero-copy: the tensor points into the mapping.
    const auto* base = f.mapping()->data();
    CHECK(kept.bytes() >= base);
    CHECK(kept.bytes() < base + f.file_size());
  }
  std::filesystem::remove(path);
  // The GgufFile is gone and the file deleted; the view keeps the mapping alive.
  CHECK(same_bytes(kept, lf::test::sample_tensor({3, 5}, DType::f32, 1)));
}

TEST_CASE("gguf: values are float-exact through f32/f16/bf16 and close through q8_0/q4_0", "[gguf]") {
  const GgufFile f = GgufFile::from_bytes(lf::test::sample_writer().to_bytes(), "sample.gguf");
  for (const auto& s : lf::test::sample_tensors()) {
    INFO("tensor " << s.name);
    const std::vector<float> got = lf::test::values(f.tensor(s.name));
    REQUIRE(static_cast<std::int64_t>(got.size()) == s.shape.numel());
    // With amax <= 50/16: q8_0 rounds to half a step of amax/127; q4_0's
    // step is amax/8 and ggml's rounding clamps the far end by up to a step.
    const float tol = s.dtype == DType::q8_0 ? 0.0125f : s.dtype == DType::q4_0 ? 0.4f : 0.0f;
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(std::abs(got[i] - lf::test::sample_value(static_cast<std::int64_t>(i), s.seed)) <= tol);
    }
  }
}

TEST_CASE("gguf: typed getters widen integers and report mismatches", "[gguf]") {
  const GgufFile f = GgufFile::from_bytes(lf::test::sample_writer().to_bytes(), "sample.gguf");
  // Widening and in-range narrowing.
  CHECK(f.get_u32("test.u8") == 200);
  CHECK(f.get_i64("test.u8") == 200);
  CHECK(f.get_i32("test.i8") == -100);
  CHECK(f.get_i64("test.i16") == -30000);
  CHECK(f.get_u32("test.u16") == 60000);
  CHECK(f.get_u32("test.u32") == 4000000000u);
  CHECK(f.get_u64("test.u32") == 4000000000u);
  CHECK(f.get_i64("test.u32") == 4000000000);
  CHECK(f.get_u64("test.u64") == 1099511627783ull);
  CHECK(f.get_i64("test.i64") == -1099511627776ll);
  CHECK(f.get_f32("test.f32") == 1.5f);
  CHECK(f.get_f64("test.f32") == 1.5);
  CHECK(f.get_f64("test.f64") == 0.1);
  CHECK(f.get_f32("test.f64") == 0.1f);
  CHECK(f.get_bool("test.bool"));
  CHECK(f.get_string("test.string") == "h\xc3\xa9llo w\xc3\xb6rld");
  CHECK(f.get_string_array("test.array.string") == std::vector<std::string>{"a", "", "\xc3\xbcn\xc3\xaf"});
  CHECK(f.get_f32_array("test.array.f32") == std::vector<float>{0.5f, -2.25f, 1e-3f});
  CHECK(f.get_f32_array("test.array.f64") == std::vector<float>{0.25f, -std::numeric_limits<float>::infinity()});
  CHECK(f.get_i32_array("test.array.u8") == std::vector<std::int32_t>{1, 2, 255});
  CHECK(f.get_i32_array("test.array.i16") == std::vector<std::int32_t>{-32768, 32767});
  CHECK(f.get_i64_array("test.array.u32") == std::vector<std::int64_t>{7, 4294967295ll});
  CHECK(f.get_f32_array("test.array.empty").empty());

  // Fallbacks apply only to missing keys.
  CHECK(f.get_u32("no.such.key", 7) == 7);
  CHECK(f.get_string("no.such.key", "dflt") == "dflt");
  CHECK(f.get_bool("no.such.key", true));
  CHECK(f.get_u32("test.u8", 7) == 200);
  CHECK_FALSE(f.has("no.such.key"));
  CHECK(f.find("no.such.key") == nullptr);

  // Errors name the file, the key and both types.
  CHECK_THAT(error_of([&] { f.get_u32("no.such.key"); }),
             Contains("sample.gguf: metadata key 'no.such.key' not found"));
  CHECK_THAT(error_of([&] { f.get_u32("test.string"); }),
             Contains("sample.gguf: metadata key 'test.string' is string, expected an integer (uint32)"));
  CHECK_THAT(error_of([&] { f.get_u32("test.i8"); }),
             Contains("metadata key 'test.i8' value -100 (int8) does not fit in uint32"));
  CHECK_THAT(error_of([&] { f.get_i32("test.u32"); }), Contains("value 4000000000 (uint32) does not fit in int32"));
  CHECK_THAT(error_of([&] { f.get_u32("test.u64"); }), Contains("does not fit in uint32"));
  CHECK_THAT(error_of([&] { f.get_u32("test.f32"); }), Contains("is float32, expected an integer (uint32)"));
  CHECK_THAT(error_of([&] { f.get_f32("test.u32"); }), Contains("is uint32, expected a float (float32)"));
  CHECK_THAT(error_of([&] { f.get_bool("test.u8"); }), Contains("is uint8, expected bool"));
  CHECK_THAT(error_of([&] { f.get_string("test.u32"); }), Contains("is uint32, expected string"));
  CHECK_THAT(error_of([&] { f.get_string("test.array.string"); }), Contains("is array[string], expected string"));
  CHECK_THAT(error_of([&] { f.get_string_array("test.array.i32"); }),
             Contains("'test.array.i32' is array[int32], expected array[string]"));
  CHECK_THAT(error_of([&] { f.get_f32_array("test.array.string"); }),
             Contains("is array[string], expected array[float32]"));
  CHECK_THAT(error_of([&] { f.get_i32_array("test.array.u32"); }),
             Contains("'test.array.u32' element 1 value 4294967295 (array[uint32]) does not fit in int32"));
  CHECK_THAT(error_of([&] { f.get_i32_array("test.array.bool"); }), Contains("is array[bool], expected array[int32]"));
  CHECK_THAT(error_of([&] { f.get_i32_array("test.u32"); }), Contains("is uint32, expected array[int32]"));
  CHECK(f.at("test.array.nested").type_name() == "array[array[int32]]");
  CHECK_THAT(error_of([&] { f.tensor("no.such.tensor"); }), Contains("sample.gguf: no tensor named 'no.such.tensor'"));
}

TEST_CASE("gguf: zero-sized dimensions give empty tensors", "[gguf]") {
  GgufWriter w;
  w.add_tensor("empty", Tensor::empty({0, 4}, DType::f32));
  w.add_tensor("after", lf::test::sample_tensor({4}, DType::f32, 1));
  const GgufFile f = GgufFile::from_bytes(w.to_bytes(), "empty.gguf");
  CHECK(f.tensor("empty").shape() == Shape{0, 4});
  CHECK(f.tensor("empty").numel() == 0);
  CHECK(f.tensors()[0].n_bytes == 0);
  CHECK(same_bytes(f.tensor("after"), lf::test::sample_tensor({4}, DType::f32, 1)));
}

TEST_CASE("gguf: strided tensors are written contiguously", "[gguf]") {
  const Tensor base = lf::test::sample_tensor({3, 4}, DType::f32, 9);
  GgufWriter w;
  w.add_tensor("t", base.transpose(0, 1));
  const GgufFile f = GgufFile::from_bytes(w.to_bytes(), "strided.gguf");
  const Tensor t = f.tensor("t");
  REQUIRE(t.shape() == Shape{4, 3});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) CHECK(t.data<float>()[i * 3 + j] == base.data<float>()[j * 4 + i]);
}

TEST_CASE("gguf: raw tensors of types liveformer cannot load are listed, not loaded", "[gguf]") {
  // One IQ2_XXS block (256 elements, 66 bytes) of arbitrary bytes.
  std::vector<std::byte> iq2(66, std::byte{0x5a});
  const std::uint64_t ne[] = {256};
  GgufWriter w;
  w.add_raw_tensor("iq2", 16, ne, iq2);
  w.add_tensor("f", lf::test::sample_tensor({2}, DType::f32, 1));
  const GgufFile f = GgufFile::from_bytes(w.to_bytes(), "raw.gguf");
  const lf::GgufTensorInfo* info = f.find_tensor("iq2");
  REQUIRE(info != nullptr);
  CHECK(info->ggml_type == 16);
  CHECK(lf::ggml_type_name(info->ggml_type) == "IQ2_XXS");
  CHECK_FALSE(info->dtype().has_value());
  CHECK(info->n_bytes == 66);
  const auto raw = f.tensor_bytes(*info);
  CHECK(std::equal(raw.begin(), raw.end(), iq2.begin(), iq2.end()));
  CHECK_THAT(error_of([&] { f.tensor("iq2"); }),
             Contains("raw.gguf: tensor 'iq2' has unsupported tensor type IQ2_XXS (ggml type 16)"));
  CHECK(f.tensor("f").numel() == 2);
}

TEST_CASE("gguf: writer rejects bad input", "[gguf]") {
  GgufWriter w;
  w.add_tensor("a", Tensor::zeros({2}));
  CHECK_THAT(error_of([&] { w.add_tensor("a", Tensor::zeros({2})); }), Contains("duplicate tensor name 'a'"));
  CHECK_THAT(error_of([&] { w.add_tensor("s", Tensor::zeros({})); }), Contains("tensor 's' has rank 0"));
  CHECK_THAT(error_of([] { GgufWriter bad(48); }), Contains("alignment 48 is not a power of two"));
  CHECK_THAT(error_of([&] { w.set("general.alignment", GgufValue("x")); }), Contains("general.alignment must be uint32"));
  const std::uint64_t ne[] = {33};
  std::vector<std::byte> data(34);
  CHECK_THAT(error_of([&] { w.add_raw_tensor("q", lf::kGgmlQ8_0, ne, data); }), Contains("not a multiple of the Q8_0 block size 32"));
  CHECK_THAT(error_of([&] { w.add_raw_tensor("q", 99, ne, data); }), Contains("unknown ggml type 99"));
  const std::uint64_t ne32[] = {32};
  CHECK_THAT(error_of([&] { w.add_raw_tensor("q", lf::kGgmlQ8_0, ne32, std::span(data).first(10)); }),
             Contains("10 bytes given, Q8_0 data of this shape needs 34"));

  // set() replaces in place; general.alignment becomes the layout's alignment.
  w.set("k", GgufValue(std::uint32_t{1}));
  w.set("j", GgufValue(std::uint32_t{2}));
  w.set("k", GgufValue("now a string"));
  w.set("general.alignment", GgufValue(std::uint32_t{128}));
  const GgufFile f = GgufFile::from_bytes(w.to_bytes(), "w.gguf");
  CHECK(f.alignment() == 128);
  REQUIRE(f.metadata().size() == 3);
  CHECK(f.metadata()[1].key == "k");
  CHECK(f.get_string("k") == "now a string");
  CHECK(f.data_offset() % 128 == 0);
}

// Writes the sample where tools/reference/check_gguf_writer.py can read it:
//   LIVEFORMER_GGUF_SAMPLE_OUT=/tmp/sample.gguf test_formats "[gguf-sample]"
TEST_CASE("gguf: write the sample for the gguf-py cross-check", "[gguf][gguf-sample]") {
  const char* out = std::getenv("LIVEFORMER_GGUF_SAMPLE_OUT");
  if (!out || !*out) {
    SUCCEED("LIVEFORMER_GGUF_SAMPLE_OUT not set; nothing to write");
    return;
  }
  lf::test::sample_writer().write(out);
  check_sample(GgufFile::open(out), 32);
}
