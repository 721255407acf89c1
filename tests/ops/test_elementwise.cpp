// add / mul with broadcasting and strided operands.
#include <catch2/catch.hpp>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("add and mul broadcast like numpy", "[ops][elementwise]") {
  const std::vector<std::pair<Shape, Shape>> cases{
      {{3, 7}, {3, 7}}, {{3, 7}, {7}}, {{2, 3, 7}, {3, 1}}, {{1, 7}, {3, 1}}, {{5}, {2, 1, 5}}, {{4, 1, 3, 1}, {2, 1, 6}},
      {{129}, {1}}};
  for (Backend* be : backends())
    for (const auto& [sa, sb] : cases) {
      const std::string label = sa.str() + " op " + sb.str();
      auto rng = rng_for(label);
      const Tensor a = random_tensor(sa, rng), b = random_tensor(sb, rng);
      Tensor out = Tensor::empty(broadcast_shapes(sa, sb, "test"));
      be->add(a, b, out);
      check_close(*be, "add " + label, out, ref_add(to_array(a), to_array(b)), kF32Tolerance);
      be->mul(a, b, out);
      check_close(*be, "mul " + label, out, ref_mul(to_array(a), to_array(b)), kF32Tolerance);
    }
}

TEST_CASE("add reads strided views and may write into its first operand", "[ops][elementwise]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("add strided");
    const Tensor base = random_tensor({7, 5}, rng);
    const Tensor t = base.transpose(0, 1);  // [5, 7], not contiguous
    Tensor a = random_tensor({5, 7}, rng);
    const Array want = ref_add(to_array(a), to_array(t));
    be->add(a, t, a);
    check_close(*be, "residual add of a transposed view", a, want, kF32Tolerance);
  }
}
