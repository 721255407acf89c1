// liveformer_cuda_check MODEL [N] [f16|bf16|q8_0|q4_0] [PROMPT]: greedy
// decoding of N tokens (default 64) from BOS through the CUDA backend and
// through the CPU Generator; prints the device, both speeds, whether the
// tokens agree and the first step's logits error. Exit status 0 only when
// the tokens agree. f16/bf16: the device converts f32 matrices; q8_0/q4_0:
// the model is quantized at load (the CPU then uses the same weights).
// PROMPT > 0 also times a prefill of that many token ids in one chunk (the
// GEMM route, docs/cuda.md "Backend notes") and compares its logits with
// the CPU's.
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

// A prompt of `count` token ids (spread over the vocabulary) in one chunk,
// evaluated twice (the first run warms cuBLAS up); the second is timed up to
// its logits on the host. Prints the speed and the logits' error vs the CPU.
void time_prefill(const std::shared_ptr<const lf::Model>& model,
                  const std::shared_ptr<const lf::cuda::DeviceModel>& device_model, int count) {
  const lf::ModelConfig& c = model->config();
  const std::int64_t p = std::min<std::int64_t>(count, c.n_ctx_train);
  std::vector<std::int32_t> prompt(static_cast<std::size_t>(p));
  for (std::int64_t i = 0; i < p; ++i)
    prompt[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7919 + 1) % c.vocab_size);
  lf::cuda::DeviceContext dev(device_model, p, p);
  dev.eval(prompt);
  (void)dev.logits();
  dev.truncate(0);
  const auto t0 = std::chrono::steady_clock::now();
  dev.eval(prompt);
  const std::vector<float> logits = dev.logits();
  const double dev_s = seconds_since(t0);
  lf::Generator cpu(model, p);
  const double err = relative_error(logits, cpu.eval(prompt));
  std::printf("prefill: %lld tokens in one chunk in %.3f ms (%.0f tokens/s); last logits relative error %.3g\n",
              static_cast<long long>(p), dev_s * 1e3, static_cast<double>(p) / dev_s, err);
}

int run(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: %s MODEL [N_TOKENS] [f16|bf16|q8_0|q4_0] [PROMPT_TOKENS]\n", argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 64;
  if (n < 1) throw lf::Error("N_TOKENS must be positive");
  lf::cuda::DeviceOptions options;
  lf::LoadOptions load;
  if (argc > 3) {
    const std::string t = argv[3];
    if (t == "f16" || t == "bf16")
      options.weight_type = t == "f16" ? lf::DType::f16 : lf::DType::bf16;
    else if (t == "q8_0" || t == "q4_0")
      load.quantize = t == "q8_0" ? lf::DType::q8_0 : lf::DType::q4_0;
    else
      throw lf::Error("weight type must be f16, bf16, q8_0 or q4_0, got " + t);
  }
  const int prompt_tokens = argc > 4 ? std::atoi(argv[4]) : 0;
  if (prompt_tokens < 0) throw lf::Error("PROMPT_TOKENS must be >= 0");
  const auto model = std::make_shared<const lf::Model>(lf::Model::load(argv[1], load));
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
  if (prompt_tokens > 0) time_prefill(model, device_model, prompt_tokens);
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
