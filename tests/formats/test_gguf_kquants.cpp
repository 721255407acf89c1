// GGUF tensors of the read-only block types (K-quants, q4_1, q5_0, q5_1,
// iq4_nl): they load as Tensors of their own dtype, decode as the
// dequantizer does, and malformed ones give errors, not crashes.
#include <catch2/catch.hpp>

#include "harness/error_of.hpp"
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/formats/gguf.hpp>

using Catch::Matchers::Contains;
using lf::DType;
using lf::GgufFile;
using lf::GgufWriter;

namespace {

using lf::test::error_of;

// Random bytes: decoding is defined for any payload (scales may be NaN here).
std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> b(n);
  for (auto& x : b) x = static_cast<std::byte>(rng() & 0xff);
  return b;
}

// Offset of the first occurrence of `needle` in `hay` (it must be there).
std::size_t find_bytes(const std::vector<std::byte>& hay, const void* needle, std::size_t n) {
  for (std::size_t i = 0; i + n <= hay.size(); ++i)
    if (std::memcmp(hay.data() + i, needle, n) == 0) return i;
  FAIL("pattern not found");
  return 0;
}

}  // namespace

TEST_CASE("gguf: K-quant and legacy block tensors load with their own dtype", "[gguf][dequantize]") {
  struct Case {
    std::uint32_t ggml;
    DType dtype;
  };
  const Case cases[] = {{3, DType::q4_1},  {6, DType::q5_0},  {7, DType::q5_1},  {20, DType::iq4_nl}, {10, DType::q2_k},
                        {11, DType::q3_k}, {12, DType::q4_k}, {13, DType::q5_k}, {14, DType::q6_k}};
  for (const Case& c : cases) {
    INFO(lf::dtype_name(c.dtype));
    REQUIRE(lf::dtype_from_ggml(c.ggml) == c.dtype);
    CHECK(lf::ggml_type_of(c.dtype) == c.ggml);
    const lf::DTypeInfo info = lf::dtype_info(c.dtype);
    const lf::GgmlTypeInfo* ginfo = lf::ggml_type_info(c.ggml);
    REQUIRE(ginfo != nullptr);
    CHECK(static_cast<std::int64_t>(ginfo->block_size) == info.block_size);
    CHECK(static_cast<std::int64_t>(ginfo->block_bytes) == info.block_bytes);
    const std::uint64_t ne[] = {static_cast<std::uint64_t>(2 * info.block_size), 3};
    const std::vector<std::byte> data = random_bytes(static_cast<std::size_t>(6 * info.block_bytes), c.ggml);
    GgufWriter w;
    w.add_raw_tensor("m", c.ggml, ne, data);
    const GgufFile f = GgufFile::from_bytes(w.to_bytes(), "kq.gguf");
    const lf::Tensor t = f.tensor("m");
    CHECK(t.dtype() == c.dtype);
    CHECK(t.shape() == lf::Shape{3, 2 * info.block_size});
    REQUIRE(std::memcmp(t.bytes(), data.data(), data.size()) == 0);
    // Widening goes through the same dequantizer, bit for bit.
    const lf::Tensor wide = t.to_f32();
    std::vector<float> want(static_cast<std::size_t>(6 * info.block_size));
    lf::to_f32_row(c.dtype, data.data(), want.data(), static_cast<std::int64_t>(want.size()));
    CHECK(std::memcmp(wide.bytes(), want.data(), want.size() * 4) == 0);
  }
}

TEST_CASE("gguf: a K-quant tensor whose rows are not whole super-blocks is refused", "[gguf][dequantize]") {
  // Two Q6_K super-blocks as [2, 256]; then ne[0] is patched to 128 (and
  // ne[1] to 4), keeping the byte size: a row would be half a super-block.
  const std::uint64_t ne[] = {256, 2};
  const std::vector<std::byte> data = random_bytes(420, 1);  // the writer keeps a view of it
  GgufWriter w;
  w.add_raw_tensor("m", lf::kGgmlQ6_K, ne, data);
  std::vector<std::byte> bytes = w.to_bytes();
  const std::size_t at = find_bytes(bytes, ne, sizeof ne);
  const std::uint64_t bad[] = {128, 4};
  std::memcpy(bytes.data() + at, bad, sizeof bad);
  CHECK_THAT(error_of([&] { GgufFile::from_bytes(bytes, "half.gguf"); }),
             Contains("ne[0] = 128 is not a multiple of the Q6_K block size 256"));
}

TEST_CASE("gguf: a truncated K-quant tensor is refused", "[gguf][dequantize]") {
  const std::uint64_t ne[] = {256, 4};
  const std::vector<std::byte> data = random_bytes(4 * 144, 2);  // the writer keeps a view of it
  GgufWriter w;
  w.add_raw_tensor("m", lf::kGgmlQ4_K, ne, data);
  std::vector<std::byte> bytes = w.to_bytes();
  bytes.resize(bytes.size() - 100);
  CHECK_THAT(error_of([&] { GgufFile::from_bytes(bytes, "cut.gguf").tensor("m"); }), Contains("cut.gguf"));
  CHECK_THAT(error_of([&] { GgufFile::from_bytes(bytes, "cut.gguf").tensor("m"); }), Contains("past the end"));
}
