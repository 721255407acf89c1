// matmul_weights and embedding with the read-only block types (K-quants,
// q4_1, q5_0, q5_1, iq4_nl), which go through matmul_dequantized. The
// reference is a double-precision loop over the dequantized weights; the
// dequantizer itself is checked bit for bit against gguf-py in
// tests/core/test_dequantize_blocks.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/thread_pool.hpp>
#include <liveformer/ops/embedding.hpp>
#include <liveformer/ops/packed_matmul.hpp>
#include <liveformer/ops/weight_matmul.hpp>

#include "harness/compare.hpp"
#include "harness/reference.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// Weights and activations meet in f32 (x is not rounded to 8 bits on this
// path), so the only error is f32 rounding of K products and sums; as for
// the f32 kernels (test_weight_matmul.cpp) the bound is kTolerance · κ with
// κ the condition number of the products. A wrong row, block or column
// offset gives errors of order 1.
constexpr double kTolerance = 1e-6;

struct BlockType {
  DType type;
  std::vector<int> scale_offsets;  // byte offsets of the f16 scales in a block
};

const BlockType kTypes[] = {
    {DType::q4_1, {0, 2}}, {DType::q5_0, {0}},      {DType::q5_1, {0, 2}},   {DType::iq4_nl, {0}},
    {DType::q2_k, {80, 82}}, {DType::q3_k, {108}}, {DType::q4_k, {0, 2}}, {DType::q5_k, {0, 2}},
    {DType::q6_k, {208}},
};

// Random payload bytes with small finite f16 scales: every quant pattern,
// including ones a quantizer would not write.
Tensor random_blocks(const BlockType& bt, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  Tensor w = Tensor::empty({n, k}, bt.type);
  auto* p = reinterpret_cast<std::uint8_t*>(w.bytes());
  const std::int64_t bytes = dtype_bytes(bt.type, n * k), bb = dtype_info(bt.type).block_bytes;
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::int64_t i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(byte(rng));
  std::uniform_real_distribution<float> scale(-0.05f, 0.05f);
  for (std::int64_t b = 0; b < bytes / bb; ++b)
    for (int off : bt.scale_offsets) {
      const std::uint16_t h = f32_to_f16(scale(rng));
      std::memcpy(p + b * bb + off, &h, 2);
    }
  return w;
}

// The weights as doubles, through the (golden-checked) dequantizer.
Array dequantized(const Tensor& w) {
  const std::int64_t n = w.dim(0), k = w.dim(1);
  Array a;
  a.shape = {n, k};
  std::vector<float> row(static_cast<std::size_t>(k));
  for (std::int64_t r = 0; r < n; ++r) {
    to_f32_row(w.dtype(), w.bytes() + r * dtype_bytes(w.dtype(), k), row.data(), k);
    a.data.insert(a.data.end(), row.begin(), row.end());
  }
  return a;
}

}  // namespace

TEST_CASE("matmul_weights with read-only block types matches the double reference", "[ops][weight_matmul][dequantize]") {
  for (const BlockType& bt : kTypes) {
    const std::int64_t block = dtype_info(bt.type).block_size;
    for (std::int64_t m : {1, 3, 21, 260})  // 260: more than one chunk of x rows
      for (std::int64_t k : {block, 2 * block, 1024 + block})
        for (std::int64_t n : {1, 7, 33, 130}) {
          const std::string label = std::string(dtype_name(bt.type)) + " M" + std::to_string(m) + " K" +
                                    std::to_string(k) + " N" + std::to_string(n);
          if (m == 260 && n > 33) continue;  // keeps the run short
          auto rng = rng_for(label);
          const Tensor x = random_tensor({m, k}, rng);
          const Tensor w = random_blocks(bt, n, k, rng);
          const Array xa = to_array(x), wa = dequantized(w);
          const Array want = ref_matmul(xa, wa, true);
          const double kappa = ref_matmul_condition(xa, wa, want);
          for (KernelIsa isa : available_isas()) {
            Tensor out = Tensor::empty({m, n});
            matmul_weights(x, w, out, isa);
            const double err = relative_error(out, want.data);
            INFO(label << " " << isa_name(isa) << ": relative error " << err << ", condition " << kappa);
            CHECK(err <= kTolerance * kappa);
          }
        }
  }
}

TEST_CASE("matmul_weights with a K-quant gives the same bits on any number of threads and rows",
          "[ops][weight_matmul][dequantize]") {
  auto rng = rng_for("kquant threads");
  const std::int64_t m = 5, k = 512, n = 300;  // n spans several cache blocks and thread ranges
  const Tensor x = random_tensor({m, k}, rng);
  const Tensor w = random_blocks(kTypes[8], n, k, rng);
  Tensor one = Tensor::empty({m, n}), many = Tensor::empty({m, n}), row = Tensor::empty({1, n});
  matmul_weights(x, w, one);
  ThreadPool pool(3);
  matmul_weights(x, w, many, &pool, 3);
  CHECK(std::memcmp(one.bytes(), many.bytes(), static_cast<std::size_t>(m * n * 4)) == 0);
  // Row 2 alone: batch-invariant.
  matmul_weights(x.slice(0, 2, 1), w, row);
  CHECK(std::memcmp(row.bytes(), one.data<float>() + 2 * n, static_cast<std::size_t>(n * 4)) == 0);
}

TEST_CASE("a K-quant matrix whose rows are not whole super-blocks cannot be made", "[ops][weight_matmul][dequantize]") {
  // 2 x 128 elements would fill one q6_k super-block, but a row is half of one.
  CHECK_THROWS_WITH(Tensor::zeros({2, 128}, DType::q6_k), Catch::Contains("multiple of 256"));
}

TEST_CASE("read-only block types are never packed", "[ops][weight_matmul][dequantize]") {
  for (const BlockType& bt : kTypes) {
    const Tensor w = Tensor::zeros({16, 256}, bt.type);
    CHECK_FALSE(PackedWeights::can_pack(w));
  }
}

TEST_CASE("embedding reads K-quant rows as the dequantizer decodes them", "[ops][embedding][dequantize]") {
  auto rng = rng_for("kquant embedding");
  const Tensor table = random_blocks(kTypes[8], 10, 512, rng);  // q6_k
  const std::vector<std::int32_t> ids{3, 0, 9, 3};
  Tensor out = Tensor::empty({4, 512});
  embedding(table, ids, out);
  const Array all = dequantized(table);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::int64_t j = 0; j < 512; ++j)
      REQUIRE(static_cast<double>(out.data<float>()[static_cast<std::int64_t>(i) * 512 + j]) ==
              all.data[static_cast<std::size_t>(ids[i] * 512 + j)]);
  const std::vector<std::int32_t> bad{10};
  Tensor one = Tensor::empty({1, 512});
  CHECK_THROWS_WITH(embedding(table, bad, one), Catch::Contains("outside the vocabulary"));
}
