// liveformer_cuda_check MODEL [N] [f16|bf16]: greedy decoding of N tokens
// (default 64) from BOS through the CUDA backend and through the CPU
// Generator; prints the device, both speeds, whether the tokens agree and
// the first step's logits error. Exit status 0 only when the tokens agree.
// Meant for a GPU machine (the real build); the emulated build runs the
// same code on the CPU kernel emulator. With TF32 or f16/bf16 weights the
// GPU's logits differ slightly from the CPU's, so a near-tie may flip a
// token: the report shows where.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <liveformer/core/error.hpp>
#include <liveformer/runtime/generator.hpp>

#include "device_context.hpp"
#include "device_model.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double relative_error(const std::vector<float>& got, std::span<const float> want) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double d = static_cast<double>(got[i]) - want[i];
    num += d * d;
    den += static_cast<double>(want[i]) * want[i];
  }
  return std::sqrt(num / (den > 0 ? den : 1e-300));
}

int run(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s MODEL [N_TOKENS] [f16|bf16]\n", argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 64;
  if (n < 1) throw lf::Error("N_TOKENS must be positive");
  lf::cuda::DeviceOptions options;
  if (argc > 3) {
    const std::string t = argv[3];
    if (t != "f16" && t != "bf16") throw lf::Error("weight type must be f16 or bf16, got " + t);
    options.weight_type = t == "f16" ? lf::DType::f16 : lf::DType::bf16;
  }
  const auto model = std::make_shared<const lf::Model>(lf::Model::load(argv[1]));
  const std::int64_t context = std::min<std::int64_t>(model->config().n_ctx_train, n + 16);

  lf::Generator cpu(model, context);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("");
  lf::GenerateOptions greedy;
  greedy.max_new_tokens = n;
  greedy.sampling.temperature = 0;
  greedy.stop_at_eos = false;
  auto t0 = std::chrono::steady_clock::now();
  const lf::GenerateResult want = cpu.generate(prompt, greedy);
  const double cpu_s = seconds_since(t0);

  const auto device_model = std::make_shared<const lf::cuda::DeviceModel>(model, options);
  lf::cuda::DeviceContext dev(device_model, context);
  lf::Generator first(model, context);
  dev.eval(prompt);
  const double err = relative_error(dev.logits(), first.eval(prompt));
  std::vector<std::int32_t> got;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const std::int32_t id = dev.argmax();
    got.push_back(id);
    if (i + 1 < n) dev.eval(std::span<const std::int32_t>(&id, 1));
  }
  const double dev_s = seconds_since(t0);

  std::size_t agree = 0;
  while (agree < got.size() && agree < want.tokens.size() && got[agree] == want.tokens[agree]) ++agree;
  std::printf("device: %s (weights %zu MiB, context %zu MiB)\n", device_model->device_name().c_str(),
              device_model->bytes() >> 20, dev.bytes() >> 20);
  std::printf("cpu:    %d tokens in %.3f s (%.1f tokens/s)\n", n, cpu_s, n / cpu_s);
  std::printf("device: %d tokens in %.3f s (%.1f tokens/s), %d graph instantiations\n", n, dev_s, n / dev_s,
              dev.graph_instantiations());
  std::printf("first logits relative error: %.3g; tokens agree: %zu of %d\n", err, agree, n);
  return agree == static_cast<std::size_t>(n) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
