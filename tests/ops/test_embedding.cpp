// embedding lookup from tables of every storage type.
#include <catch2/catch.hpp>

#include <liveformer/core/convert.hpp>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("embedding gathers rows of f32, f16, bf16, q8_0 and q4_0 tables", "[ops][embedding]") {
  for (Backend* be : backends())
    for (DType type : {DType::f32, DType::f16, DType::bf16, DType::q8_0, DType::q4_0}) {
      const std::string label = "embedding " + std::string(dtype_name(type));
      auto rng = rng_for(label);
      const std::int64_t vocab = 37, dim = 64;
      const Tensor values = random_tensor({vocab, dim}, rng);
      Tensor table = Tensor::empty({vocab, dim}, type);
      for (std::int64_t r = 0; r < vocab; ++r)
        from_f32_row(type, values.data<float>() + r * dim, table.bytes() + dtype_bytes(type, dim) * r, dim);
      const std::vector<std::int32_t> ids{0, 36, 5, 5, 17};
      Tensor out = Tensor::empty({5, dim});
      be->embedding(table, ids, out);
      // The reference decodes the stored bytes itself, so only the gather and
      // the decoding are under test; both are exact up to f32 rounding.
      check_close(*be, label, out, ref_embedding(ref_decode(table), ids), 1e-7);
    }
}

TEST_CASE("embedding rejects ids outside the vocabulary", "[ops][embedding]") {
  for (Backend* be : backends()) {
    const Tensor table = Tensor::zeros({10, 4});
    Tensor out = Tensor::empty({1, 4});
    const std::vector<std::int32_t> bad{10}, negative{-1};
    CHECK_THROWS_WITH(be->embedding(table, bad, out), Catch::Contains("token id 10 outside the vocabulary [0, 10)"));
    CHECK_THROWS_WITH(be->embedding(table, negative, out), Catch::Contains("token id -1"));
  }
}
