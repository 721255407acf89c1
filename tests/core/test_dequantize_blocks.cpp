// Dequantization of the read-only ggml block types (legacy 32-blocks and
// K-quants) against gguf-py's reference decoder, bit for bit. The golden
// files come from tools/golden/make_kquant_golden.py (tests/data/dequantize).
#include <catch2/catch.hpp>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/dtype.hpp>
#include <liveformer/core/error.hpp>

#include "harness/compare.hpp"

using namespace lf;

namespace {

std::vector<std::byte> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

}  // namespace

TEST_CASE("read-only block types decode exactly as gguf-py's reference", "[core][convert][dequantize]") {
  const DType type = GENERATE(DType::q4_1, DType::q5_0, DType::q5_1, DType::iq4_nl, DType::q2_k, DType::q3_k,
                              DType::q4_k, DType::q5_k, DType::q6_k);
  const std::string name(dtype_name(type));
  INFO(name);
  const std::string dir = test::test_data_dir() + "/dequantize/";
  const std::vector<std::byte> blocks = read_file(dir + name + ".blocks");
  const std::vector<std::byte> want_bytes = read_file(dir + name + ".want");
  const DTypeInfo info = dtype_info(type);
  REQUIRE(blocks.size() % static_cast<std::size_t>(info.block_bytes) == 0);
  const auto n = static_cast<std::int64_t>(blocks.size()) / info.block_bytes * info.block_size;
  REQUIRE(want_bytes.size() == static_cast<std::size_t>(n) * 4);
  REQUIRE(n >= 5 * info.block_size);

  std::vector<float> got(static_cast<std::size_t>(n));
  to_f32_row(type, blocks.data(), got.data(), n);
  std::int64_t mismatches = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint32_t want;
    std::memcpy(&want, want_bytes.data() + 4 * i, 4);
    if (std::bit_cast<std::uint32_t>(got[static_cast<std::size_t>(i)]) != want) {
      if (mismatches++ < 5)
        UNSCOPED_INFO("element " << i << ": got " << got[static_cast<std::size_t>(i)] << ", want "
                                 << std::bit_cast<float>(want));
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("read-only block types: rows not whole blocks and writing are refused", "[core][convert][dequantize]") {
  std::vector<std::byte> src(210 * 2);
  std::vector<float> dst(512);
  CHECK_THROWS_WITH(to_f32_row(DType::q6_k, src.data(), dst.data(), 300), Catch::Contains("block size 256"));
  CHECK_THROWS_WITH(from_f32_row(DType::q4_k, dst.data(), src.data(), 256),
                    Catch::Contains("cannot write") && Catch::Contains("q4_k"));
  CHECK(dtype_writable(DType::q8_0));
  CHECK_FALSE(dtype_writable(DType::q6_k));
  // Names that select a target type (--type, --quantize) cover writable types only.
  CHECK_FALSE(dtype_from_name("q4_k").has_value());
  CHECK(dtype_from_name("q4_0") == DType::q4_0);
}
