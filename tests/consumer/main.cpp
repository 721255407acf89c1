// Calls lf::softmax through an installed liveformer and checks the result,
// and that device cuda is there exactly when the CUDA backend was linked.
#include <cmath>
#include <cstdio>
#include <vector>

#include <liveformer/liveformer.hpp>
#include <liveformer/runtime/accelerator.hpp>

#ifndef EXPECT_CUDA_BACKEND
#define EXPECT_CUDA_BACKEND 0
#endif

int main() {
  const std::vector<float> logits{1.0f, 2.0f, 3.0f};
  lf::Tensor x = lf::Tensor::from(logits, {1, 3});
  lf::Tensor y = lf::Tensor::empty({1, 3});
  lf::softmax(x, y);
  double denom = 0;
  for (float v : logits) denom += std::exp(double(v));
  for (int i = 0; i < 3; ++i) {
    const double expect = std::exp(double(logits[i])) / denom;
    if (std::fabs(y.data<float>()[i] - expect) > 1e-6) {
      std::printf("softmax[%d] = %g, expected %g\n", i, y.data<float>()[i], expect);
      return 1;
    }
  }
  const bool has_cuda = lf::cuda_backend().has_value();
  if (has_cuda != bool(EXPECT_CUDA_BACKEND)) {
    std::printf("CUDA backend %s, expected %s\n", has_cuda ? "present" : "absent",
                EXPECT_CUDA_BACKEND ? "present" : "absent");
    return 1;
  }
  std::printf("liveformer %s: softmax ok, CUDA backend %s\n", LIVEFORMER_VERSION_STRING,
              has_cuda ? "linked" : "not linked");
  return 0;
}
