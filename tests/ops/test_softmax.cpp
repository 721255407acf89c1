// softmax: stability, masks, causal offsets, fully masked rows.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

namespace {
const float kInf = std::numeric_limits<float>::infinity();
}

TEST_CASE("softmax matches the reference on odd shapes and scales", "[ops][softmax]") {
  const std::vector<Shape> shapes{{1, 1}, {3, 7}, {7, 33}, {2, 3, 129}, {1}, {4, 2, 3, 5}};
  for (Backend* be : backends())
    for (const Shape& s : shapes)
      for (float scale : {1.0f, 0.125f}) {
        const std::string label = "softmax " + s.str() + " scale " + std::to_string(scale);
        auto rng = rng_for(label);
        const Tensor x = random_tensor(s, rng, -5, 5);
        Tensor out = Tensor::empty(s);
        SoftmaxOptions o;
        o.scale = scale;
        be->softmax(x, out, o);
        check_close(*be, label, out, ref_softmax(to_array(x), scale, nullptr, false, 0), kF32Tolerance);
      }
}

TEST_CASE("softmax does not overflow on logits around +-1e4", "[ops][softmax]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("softmax big");
    Tensor x = random_tensor({5, 33}, rng, -1e4f, 1e4f);
    x.data<float>()[0] = 1e4f;
    x.data<float>()[1] = 1e4f - 1.0f;
    Tensor out = Tensor::empty({5, 33});
    be->softmax(x, out, {});
    check_close(*be, "logits +-1e4", out, ref_softmax(to_array(x), 1.0, nullptr, false, 0), kF32Tolerance);
  }
}

TEST_CASE("softmax applies causal masks with offsets", "[ops][softmax]") {
  for (Backend* be : backends())
    for (std::int64_t offset : {0, 2, -1, -3, 40}) {
      const std::string label = "causal offset " + std::to_string(offset);
      auto rng = rng_for(label);
      const Tensor x = random_tensor({2, 7, 9}, rng, -3, 3);
      Tensor out = Tensor::empty({2, 7, 9});
      SoftmaxOptions o;
      o.causal = true;
      o.causal_offset = offset;
      be->softmax(x, out, o);
      check_close(*be, label, out, ref_softmax(to_array(x), 1.0, nullptr, true, offset), kF32Tolerance);
    }
}

TEST_CASE("softmax adds broadcast masks; fully masked rows give zeros", "[ops][softmax]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("softmax mask");
    const Tensor x = random_tensor({3, 4, 7}, rng, -3, 3);
    for (const Shape& ms : {Shape{4, 7}, Shape{7}, Shape{3, 1, 7}, Shape{3, 4, 7}}) {
      Tensor mask = random_tensor(ms, rng, -2, 2);
      // Knock out some positions entirely, and every position of row 0.
      for (std::int64_t i = 0; i < mask.numel(); i += 3) mask.data<float>()[i] = -kInf;
      for (std::int64_t j = 0; j < 7; ++j) mask.data<float>()[j] = -kInf;
      SoftmaxOptions o;
      o.mask = mask;
      Tensor out = Tensor::empty(x.shape());
      be->softmax(x, out, o);
      const Array ma = to_array(mask);
      check_close(*be, "mask " + ms.str(), out, ref_softmax(to_array(x), 1.0, &ma, false, 0), kF32Tolerance);
      for (std::int64_t j = 0; j < 7; ++j) CHECK(out.data<float>()[j] == 0.0f);  // row 0: zeros, not NaN
    }
    // Causal with an offset that hides everything from the first rows.
    SoftmaxOptions o;
    o.causal = true;
    o.causal_offset = -2;
    Tensor out = Tensor::empty(x.shape());
    be->softmax(x, out, o);
    for (std::int64_t j = 0; j < 7; ++j) CHECK(out.data<float>()[j] == 0.0f);
    check_close(*be, "causal hides rows", out, ref_softmax(to_array(x), 1.0, nullptr, true, -2), kF32Tolerance);
  }
}

TEST_CASE("softmax may run in place", "[ops][softmax]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("softmax in place");
    Tensor x = random_tensor({3, 33}, rng);
    const Array want = ref_softmax(to_array(x), 0.5, nullptr, true, 5);
    SoftmaxOptions o;
    o.scale = 0.5f;
    o.causal = true;
    o.causal_offset = 5;
    be->softmax(x, x, o);
    check_close(*be, "in place", x, want, kF32Tolerance);
  }
}
