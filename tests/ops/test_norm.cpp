// layer_norm and rms_norm against the reference.
#include <catch2/catch.hpp>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("layer_norm with and without bias", "[ops][norm]") {
  for (Backend* be : backends())
    for (std::int64_t d : {1, 3, 7, 33, 80, 129})
      for (bool bias : {true, false}) {
        const std::string label = "layer_norm D" + std::to_string(d) + (bias ? " bias" : "");
        auto rng = rng_for(label);
        const Tensor x = random_tensor({5, d}, rng, -2, 2);
        const Tensor w = random_tensor({d}, rng, 0.5f, 1.5f), b = random_tensor({d}, rng);
        Tensor out = Tensor::empty({5, d});
        be->layer_norm(x, w, bias ? b : Tensor(), 1e-5f, out);
        const Array ba = to_array(b);
        check_close(*be, label, out, ref_layer_norm(to_array(x), to_array(w), bias ? &ba : nullptr, 1e-5),
                    kF32Tolerance);
      }
}

TEST_CASE("layer_norm stays accurate when the mean dwarfs the spread", "[ops][norm]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("layer_norm offset");
    Tensor x = random_tensor({4, 129}, rng, -1, 1);
    for (std::int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] += 100.0f;
    const Tensor w = random_tensor({129}, rng, 0.5f, 1.5f);
    Tensor out = Tensor::empty({4, 129});
    be->layer_norm(x, w, Tensor(), 1e-5f, out);
    check_close(*be, "mean 100", out, ref_layer_norm(to_array(x), to_array(w), nullptr, 1e-5), kF32Tolerance);
  }
}

TEST_CASE("rms_norm matches the reference, in place too", "[ops][norm]") {
  for (Backend* be : backends())
    for (std::int64_t d : {1, 3, 7, 33, 64, 80, 129}) {
      const std::string label = "rms_norm D" + std::to_string(d);
      auto rng = rng_for(label);
      Tensor x = random_tensor({2, 3, d}, rng, -3, 3);
      const Tensor w = random_tensor({d}, rng, 0.5f, 1.5f);
      const Array want = ref_rms_norm(to_array(x), to_array(w), 1e-6);
      Tensor out = Tensor::empty(x.shape());
      be->rms_norm(x, w, 1e-6f, out);
      check_close(*be, label, out, want, kF32Tolerance);
      be->rms_norm(x, w, 1e-6f, x);
      check_close(*be, label + " in place", x, want, kF32Tolerance);
    }
}
