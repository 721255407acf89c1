// Calls lf::softmax through an installed liveformer and checks the result.
#include <cmath>
#include <cstdio>
#include <vector>

#include <liveformer/liveformer.hpp>

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
  std::printf("liveformer %s: softmax ok\n", LIVEFORMER_VERSION_STRING);
  return 0;
}
