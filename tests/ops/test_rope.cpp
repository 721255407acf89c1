// RoPE in both layouts, offsets, explicit positions, partial rotation.
#include <catch2/catch.hpp>
#include <numeric>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("rope matches the reference in both layouts", "[ops][rope]") {
  struct Case {
    std::int64_t tokens, heads, dim, rotary, offset;
    float theta;
  };
  const std::vector<Case> cases{{1, 1, 2, 0, 0, 10000.0f},   {7, 3, 8, 0, 5, 10000.0f},
                                {5, 2, 80, 0, 1000, 1e6f},   {3, 4, 64, 32, 17, 10000.0f},
                                {33, 1, 128, 0, 4000, 1e6f}, {9, 8, 16, 0, 0, 500000.0f}};
  for (Backend* be : backends())
    for (const Case& c : cases)
      for (RopeLayout layout : {RopeLayout::Interleaved, RopeLayout::RotateHalf}) {
        const bool inter = layout == RopeLayout::Interleaved;
        const std::string label = std::string("rope ") + (inter ? "interleaved" : "rotate-half") + " T" +
                                  std::to_string(c.tokens) + " H" + std::to_string(c.heads) + " D" +
                                  std::to_string(c.dim) + " offset " + std::to_string(c.offset);
        auto rng = rng_for(label);
        const Tensor x = random_tensor({c.tokens, c.heads, c.dim}, rng);
        RopeOptions o;
        o.layout = layout;
        o.theta = c.theta;
        o.rotary_dim = c.rotary;
        o.position_offset = c.offset;
        Tensor out = Tensor::empty(x.shape());
        be->rope(x, out, o, {});
        std::vector<std::int64_t> pos(static_cast<std::size_t>(c.tokens));
        std::iota(pos.begin(), pos.end(), c.offset);
        // Angles up to ~4000 rad are rounded to f32 before cos/sin, an
        // absolute error ~2e-4 · 2^-24 · 4000: still far below 1e-5.
        check_close(*be, label, out, ref_rope(to_array(x), inter, c.theta, c.rotary, pos), kF32Tolerance);
      }
}

TEST_CASE("rope takes explicit per-token positions and runs in place", "[ops][rope]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("rope positions");
    Tensor x = random_tensor({4, 2, 16}, rng);
    const std::vector<std::int32_t> pos{7, 0, 300, 7};
    const Array want = ref_rope(to_array(x), false, 10000.0, 0, {7, 0, 300, 7});
    RopeOptions o;
    o.layout = RopeLayout::RotateHalf;
    be->rope(x, x, o, pos);
    check_close(*be, "explicit positions", x, want, kF32Tolerance);
  }
}
