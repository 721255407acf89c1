// matmul / linear against the double-precision reference.
#include <catch2/catch.hpp>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("matmul matches the reference for odd shapes, both B layouts", "[ops][matmul]") {
  const std::vector<std::array<std::int64_t, 3>> shapes{{1, 1, 1},  {3, 7, 5},  {33, 129, 7},
                                                        {1, 80, 129}, {17, 64, 33}, {7, 3, 1}};
  for (Backend* be : backends())
    for (const auto& [m, k, n] : shapes)
      for (bool tb : {true, false}) {
        const std::string label = "matmul M" + std::to_string(m) + " K" + std::to_string(k) + " N" +
                                  std::to_string(n) + (tb ? " b^T" : " b");
        auto rng = rng_for(label);
        const Tensor a = random_tensor({m, k}, rng);
        const Tensor b = tb ? random_tensor({n, k}, rng) : random_tensor({k, n}, rng);
        Tensor out = Tensor::empty({m, n});
        be->matmul(a, b, out, tb);
        check_close(*be, label, out, ref_matmul(to_array(a), to_array(b), tb), kF32Tolerance);
      }
}

TEST_CASE("matmul flattens leading dimensions and accepts strided rows", "[ops][matmul]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("matmul batched");
    const Tensor a = random_tensor({2, 3, 33}, rng);
    const Tensor b = random_tensor({7, 33}, rng);
    Tensor out = Tensor::empty({2, 3, 7});
    be->matmul(a, b, out, true);
    check_close(*be, "rank-3 a", out, ref_matmul(to_array(a), to_array(b), true), kF32Tolerance);

    // Columns 5..37 of a wider matrix: rows strided by 40.
    const Tensor wide = random_tensor({9, 40}, rng);
    const Tensor view = wide.slice(1, 5, 33);
    REQUIRE_FALSE(view.is_contiguous());
    Tensor out2 = Tensor::empty({9, 7});
    be->matmul(view, b, out2, true);
    check_close(*be, "strided a", out2, ref_matmul(to_array(view), to_array(b), true), kF32Tolerance);
  }
}

TEST_CASE("matmul with K = 0 gives zeros and M = 0 gives nothing", "[ops][matmul]") {
  for (Backend* be : backends()) {
    Tensor out = Tensor::empty({3, 4});
    for (std::int64_t i = 0; i < out.numel(); ++i) out.data<float>()[i] = 42.0f;
    be->matmul(Tensor::empty({3, 0}), Tensor::empty({4, 0}), out, true);
    for (std::int64_t i = 0; i < out.numel(); ++i) CHECK(out.data<float>()[i] == 0.0f);
    Tensor none = Tensor::empty({0, 4});
    be->matmul(Tensor::empty({0, 5}), Tensor::zeros({4, 5}), none, true);
    CHECK(none.numel() == 0);
  }
}

TEST_CASE("linear adds the bias to every row", "[ops][matmul]") {
  for (Backend* be : backends())
    for (std::int64_t n : {1, 7, 129}) {
      const std::string label = "linear N" + std::to_string(n);
      auto rng = rng_for(label);
      const Tensor x = random_tensor({5, 33}, rng), w = random_tensor({n, 33}, rng), b = random_tensor({n}, rng);
      Tensor out = Tensor::empty({5, n});
      be->linear(x, w, b, out);
      const Array ba = to_array(b);
      check_close(*be, label, out, ref_linear(to_array(x), to_array(w), &ba), kF32Tolerance);
      be->linear(x, w, Tensor(), out);
      check_close(*be, label + " no bias", out, ref_linear(to_array(x), to_array(w), nullptr), kF32Tolerance);
    }
}
