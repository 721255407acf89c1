// The CUDA backend (src/cuda) end to end, on the CPU kernel emulator: the
// same DeviceModel / DeviceContext code and kernel sources as on a GPU,
// with host memory, the CPU GEMM and no graph capture (docs/architecture.md).
// Compared with the CPU path (lf::Generator) on stories260K from ../shared.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <liveformer/core/error.hpp>
#include <liveformer/liveformer.h>
#include <liveformer/runtime/accelerator.hpp>
#include <liveformer/runtime/device.hpp>
#include <liveformer/model/model.hpp>
#include <liveformer/runtime/generator.hpp>

#include "device_context.hpp"
#include "device_memory.hpp"
#include "device_model.hpp"
#include "harness/compare.hpp"

namespace {

using lf::cuda::DeviceContext;
using lf::cuda::DeviceModel;
using lf::cuda::DeviceOptions;

constexpr std::int64_t kContext = 128;
constexpr int kGreedyTokens = 24;
// Relative norm error of the backend's logits against the CPU forward's.
// f32 weights: the same f32 arithmetic in a different order (Eigen GEMM vs
// the CPU's weight kernels, the tiled attention kernel vs the CPU's); about
// 2e-7 measured.
constexpr double kLogitsTolF32 = 1e-5;
// f16 weights: both sides read the same f16 values and widen them; only
// the order of f32 sums differs.
constexpr double kLogitsTolF16 = 1e-5;
// The f16 case runs the matvec kernel, whose warp reductions cost the
// emulator a fiber switch per lane and step: fewer tokens keep it quick.
constexpr int kGreedyTokensF16 = 12;

std::shared_ptr<const lf::Model> load_stories(const lf::LoadOptions& options = {}) {
  const auto path = std::filesystem::path(lf::test::shared_dir()) / "models/stories260K/stories260K.gguf";
  return std::make_shared<const lf::Model>(lf::Model::load(path, options));
}

lf::GenerateOptions greedy(int n) {
  lf::GenerateOptions o;
  o.max_new_tokens = n;
  o.sampling.temperature = 0;
  o.stop_at_eos = false;
  return o;
}

double relative_error(const std::vector<float>& got, std::span<const float> want) {
  std::vector<double> w(want.begin(), want.end());
  return lf::test::relative_error(std::span<const float>(got), std::span<const double>(w));
}

// Greedy decoding through the backend: prompt, then argmax / eval per token.
// Checks each of the first `compare_steps` logits rows against `cpu`, which
// is fed the same tokens.
std::vector<std::int32_t> decode_and_compare(DeviceContext& dev, lf::Generator& cpu,
                                             const std::vector<std::int32_t>& prompt, int compare_steps,
                                             double tolerance, int tokens = kGreedyTokens) {
  std::vector<std::int32_t> out;
  dev.eval(prompt);
  std::span<const float> want = cpu.eval(prompt);
  for (int step = 0; step < tokens; ++step) {
    if (step < compare_steps) {
      const double err = relative_error(dev.logits(), want);
      INFO("step " << step << ": logits relative error " << err);
      CHECK(err <= tolerance);
    }
    const std::int32_t id = dev.argmax();
    out.push_back(id);
    dev.eval(std::span<const std::int32_t>(&id, 1));
    if (step + 1 < compare_steps) want = cpu.eval(std::span<const std::int32_t>(&id, 1));
  }
  return out;
}

#define REQUIRE_STORIES()                                                    \
  if (!lf::test::have_shared()) {                                            \
    LF_SKIP("../shared not found (stories260K model for the backend)"); \
  }

}  // namespace

TEST_CASE("cuda backend: the emulated build is what runs here", "[cuda_backend]") {
  CHECK(lf::cuda::emulated_build());
  CHECK(lf::cuda::require_device().find("emulator") != std::string::npos);
}

TEST_CASE("cuda backend: stories260K greedy from BOS equals the CPU generator", "[cuda_backend][stories]") {
  REQUIRE_STORIES();
  const auto model = load_stories();
  lf::Generator cpu(model, kContext);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("");
  const lf::GenerateResult want = cpu.generate(prompt, greedy(kGreedyTokens));
  REQUIRE(want.tokens.size() == static_cast<std::size_t>(kGreedyTokens));

  const auto device_model = std::make_shared<const DeviceModel>(model);
  DeviceContext dev(device_model, kContext);
  lf::Generator cpu_logits(model, kContext);
  const std::vector<std::int32_t> got = decode_and_compare(dev, cpu_logits, prompt, 4, kLogitsTolF32);
  CHECK(got == want.tokens);
  CHECK(dev.size() == static_cast<std::int64_t>(prompt.size()) + kGreedyTokens);
}

TEST_CASE("cuda backend: a prompt in several chunks, then greedy, equals the CPU", "[cuda_backend][stories]") {
  REQUIRE_STORIES();
  const auto model = load_stories();
  lf::Generator cpu(model, kContext);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("Once upon a time, a little girl named Lily");
  REQUIRE(prompt.size() > 8);
  const lf::GenerateResult want = cpu.generate(prompt, greedy(kGreedyTokens));

  // Chunks of 3 tokens: prefill kernels (tq > 1, causal offsets) over a
  // partly filled cache, and the last chunk shorter than the others.
  const auto device_model = std::make_shared<const DeviceModel>(model);
  DeviceContext dev(device_model, kContext, /*max_batch=*/3);
  lf::Generator cpu_logits(model, kContext);
  const std::vector<std::int32_t> got = decode_and_compare(dev, cpu_logits, prompt, 3, kLogitsTolF32);
  CHECK(got == want.tokens);
}

TEST_CASE("cuda backend: f16 device weights (matvec kernel) equal the CPU with f16 weights",
          "[cuda_backend][stories]") {
  REQUIRE_STORIES();
  lf::LoadOptions f16;
  f16.quantize = lf::DType::f16;
  const auto cpu_model = load_stories(f16);
  lf::Generator cpu(cpu_model, kContext);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("Once upon a time");
  const lf::GenerateResult want = cpu.generate(prompt, greedy(kGreedyTokensF16));

  // The device converts the f32 file's matrices to f16 itself; the CPU
  // model converted them at load time: the same f16 values.
  DeviceOptions options;
  options.weight_type = lf::DType::f16;
  const auto device_model = std::make_shared<const DeviceModel>(load_stories(), options);
  CHECK(device_model->layers().at(0).wq.type == lf::DType::f16);
  DeviceContext dev(device_model, kContext, 4);
  lf::Generator cpu_logits(cpu_model, kContext);
  const std::vector<std::int32_t> got = decode_and_compare(dev, cpu_logits, prompt, 3, kLogitsTolF16, kGreedyTokensF16);
  CHECK(got == want.tokens);
}

TEST_CASE("cuda backend: sampling on the device with lf::Sampler's draws equals the CPU generator",
          "[cuda_backend][stories][sample]") {
  REQUIRE_STORIES();
  const auto model = load_stories();
  lf::GenerateOptions o = greedy(kGreedyTokens);
  o.sampling.temperature = 0.9f;
  o.sampling.top_k = 40;
  o.sampling.top_p = 0.95f;
  o.sampling.min_p = 0.05f;
  o.sampling.penalty_last_n = 0;
  o.sampling.seed = 1234;
  lf::Generator cpu(model, kContext);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("Once upon a time");
  const lf::GenerateResult want = cpu.generate(prompt, o);

  DeviceContext dev(std::make_shared<const DeviceModel>(model), kContext);
  std::mt19937_64 rng(o.sampling.seed);  // lf::Sampler's generator, one draw per token
  dev.eval(prompt);
  std::vector<std::int32_t> got;
  for (int i = 0; i < kGreedyTokens; ++i) {
    const double uniform = static_cast<double>(rng() >> 11) * 0x1p-53;
    const std::int32_t id = dev.sample(o.sampling, uniform);
    got.push_back(id);
    dev.eval(std::span<const std::int32_t>(&id, 1));
  }
  CHECK(got == want.tokens);
  // Not greedy: the draws changed something.
  CHECK(got != cpu.generate(prompt, greedy(kGreedyTokens)).tokens);

  lf::SamplingParams penalised = o.sampling;
  penalised.repetition_penalty = 1.1f;
  CHECK_THROWS_WITH(dev.sample(penalised, 0.5), Catch::Contains("no penalties"));
  lf::SamplingParams wide = o.sampling;
  wide.top_k = 0;
  CHECK_THROWS_WITH(dev.sample(wide, 0.5), Catch::Contains("top_k in [1, 128]"));
}

TEST_CASE("cuda backend: bad tokens and a full context are errors that change nothing", "[cuda_backend][stories]") {
  REQUIRE_STORIES();
  const auto model = load_stories();
  const auto device_model = std::make_shared<const DeviceModel>(model);
  DeviceContext dev(device_model, 4);
  CHECK_THROWS_WITH(dev.logits(), Catch::Contains("no logits"));
  const std::int32_t vocab = static_cast<std::int32_t>(model->config().vocab_size);
  const std::vector<std::int32_t> bad{1, vocab};
  CHECK_THROWS_WITH(dev.eval(bad), Catch::Contains("outside the vocabulary"));
  CHECK(dev.size() == 0);
  const std::vector<std::int32_t> three{1, 2, 3};
  dev.eval(three);
  try {
    dev.eval(three);
    FAIL("a full context was accepted");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::context_full);
    CHECK(std::string(e.what()).find("context full") != std::string::npos);
  }
  CHECK(dev.size() == 3);
  // Rewinding and re-running gives the same logits as the first time.
  const std::vector<float> first = dev.logits();
  dev.truncate(0);
  dev.eval(three);
  CHECK(dev.logits() == first);
}

TEST_CASE("cuda backend: Qwen2 (q/k/v biases, NeoX RoPE, tied head) greedy equals the CPU generator",
          "[cuda_backend][qwen2]") {
  // The committed tiny Qwen2 (tests/data/models/qwen2): no ../shared needed.
  const auto model = std::make_shared<const lf::Model>(
      lf::Model::load(std::filesystem::path(lf::test::test_data_dir()) / "models/qwen2"));
  REQUIRE(model->config().arch == lf::Architecture::qwen2);
  REQUIRE(model->weights().layers.at(0).bq.defined());
  lf::Generator cpu(model, kContext);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("Hello, live room! How much is the red dress?");
  REQUIRE(prompt.size() > 5);
  const lf::GenerateResult want = cpu.generate(prompt, greedy(kGreedyTokens));

  // Chunks of 5 tokens: the bias is repeated over 5 rows by doubling copies.
  const auto device_model = std::make_shared<const DeviceModel>(model);
  CHECK(device_model->layers().at(0).bq.data != nullptr);
  DeviceContext dev(device_model, kContext, 5);
  lf::Generator cpu_logits(model, kContext);
  const std::vector<std::int32_t> got = decode_and_compare(dev, cpu_logits, prompt, 3, kLogitsTolF32);
  CHECK(got == want.tokens);
}

TEST_CASE("cuda backend: GPT-2 (learned positions, LayerNorm, fused QKV, GELU, biases) greedy equals the CPU",
          "[cuda_backend][gpt2]") {
  // The committed tiny GPT-2 (tests/data/models/gpt2): no ../shared needed.
  const auto model = std::make_shared<const lf::Model>(
      lf::Model::load(std::filesystem::path(lf::test::test_data_dir()) / "models/gpt2"));
  REQUIRE(model->config().arch == lf::Architecture::gpt2);
  REQUIRE(model->weights().layers.at(0).wqkv.defined());
  const std::int64_t context = std::min<std::int64_t>(kContext, model->config().n_ctx_train);
  REQUIRE(context >= 40);
  lf::Generator cpu(model, context);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt("Hello, live room! How much is the red dress?");
  REQUIRE(prompt.size() > 5);
  const lf::GenerateResult want = cpu.generate(prompt, greedy(kGreedyTokens));

  const auto device_model = std::make_shared<const DeviceModel>(model);
  CHECK(device_model->position_embd().data != nullptr);
  CHECK(device_model->layers().at(0).w_gate.data == nullptr);
  DeviceContext dev(device_model, context, 5);
  lf::Generator cpu_logits(model, context);
  const std::vector<std::int32_t> got = decode_and_compare(dev, cpu_logits, prompt, 3, kLogitsTolF32);
  CHECK(got == want.tokens);
}

// Whether device cuda is served here without the tests' emulator: a
// LIVEFORMER_CUDA build carries the real backend, which needs a GPU.
bool cuda_served_natively() {
  const std::optional<lf::AcceleratorBackend> backend = lf::cuda_backend();
  return backend && (!backend->needs_gpu || lf::probe_cuda().usable);
}

TEST_CASE("device selection: cpu, auto and cuda resolve as documented", "[cuda_backend][device]") {
  CHECK(lf::device_from_name("cpu") == lf::Device::cpu);
  CHECK(lf::device_from_name("cuda") == lf::Device::cuda);
  CHECK(lf::device_from_name("auto") == lf::Device::auto_select);
  CHECK_FALSE(lf::device_from_name("gpu").has_value());
  CHECK(lf::resolve_device(lf::Device::cpu) == lf::Device::cpu);
  const lf::CudaProbe& probe = lf::probe_cuda();
  CHECK_FALSE(probe.message.empty());
  if (cuda_served_natively()) {  // a GPU and a LIVEFORMER_CUDA build
    CHECK(lf::resolve_device(lf::Device::auto_select) == lf::Device::cuda);
    CHECK(lf::resolve_device(lf::Device::cuda) == lf::Device::cuda);
    return;
  }
  // auto falls back to the CPU; cuda says why it cannot be served: the
  // driver's (or loader's) message without a GPU, else the missing backend.
  CHECK(lf::resolve_device(lf::Device::auto_select) == lf::Device::cpu);
  try {
    lf::resolve_device(lf::Device::cuda);
    FAIL("device cuda was accepted");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::unsupported);
    const std::string what = e.what();
    CHECK(what.rfind("device cuda: ", 0) == 0);
    CHECK(what.find(probe.message) != std::string::npos);
    CHECK(what.find(probe.usable ? "has no CUDA backend" : "no usable GPU") != std::string::npos);
    CHECK(what.find("use device cpu") != std::string::npos);
  }
}

TEST_CASE("device selection through the C API: cuda is LF_ERR_UNSUPPORTED with the reason, auto loads",
          "[cuda_backend][device]") {
  if (cuda_served_natively()) {
    LF_SKIP("device cuda is served here (a GPU and a LIVEFORMER_CUDA build)");
  }
  const std::string dir = (std::filesystem::path(lf::test::test_data_dir()) / "models/llama").string();
  lf_model_params params = lf_model_default_params();
  lf_model* model = nullptr;
  params.device = "cuda";
  CHECK(lf_model_load(dir.c_str(), &params, &model) == LF_ERR_UNSUPPORTED);
  CHECK(model == nullptr);
  CHECK(std::string(lf_last_error()).find("device cuda: ") != std::string::npos);
  CHECK(std::string(lf_last_error()).find(lf::probe_cuda().message) != std::string::npos);
  params.device = "auto";
  REQUIRE(lf_model_load(dir.c_str(), &params, &model) == LF_OK);
  lf_model_free(model);
}
