// Prefill chunks longer than DeviceContext::kMatvecRows over 16-bit and
// quantized weights: the activations narrowed to f16 / bf16 and a GEMM
// (cublasGemmEx on a GPU, the CPU GEMM here), q8_0 / q4_0 weights
// dequantized to f16 a tile of rows at a time (kernels/dequantize.cuh).
//
// What is compared, per weight type (f16, bf16, q8_0, q4_0) and model
// (stories260K from ../shared when present; the committed tiny Qwen2 with
// q/k/v biases always, and the tiny GPT-2 with its fused QKV for bf16 and
// q8_0), one prompt chunk of 13-17 tokens:
//  1. the prompt's last logits against the CPU forward on the same stored
//     weights (lf::Generator::eval), as a relative norm error. f16/bf16
//     weights: the CPU keeps activations in f32, the device rounds them to
//     f16 (unit roundoff 2^-11) or bf16 (2^-8, 8x coarser): <= 1e-2 for f16
//     as in the 16-bit kernel tests, <= 2e-2 for bf16 (8.5e-3 measured on
//     the tiny Qwen2). q8_0/q4_0: the CPU rounds activations to q8_0 blocks
//     before every product, an error of its own (3.5e-2 measured on the
//     tiny Qwen2 for the device's f32-activation matvec route as well):
//     <= 5e-2.
//  2. the same logits against the device's own matvec route (a context
//     whose chunks have at most kMatvecRows rows: f32 activations, weights
//     as stored): isolates what the GEMM route adds (f16/bf16 activations,
//     q8_0/q4_0 weights rounded to f16): <= 1e-2, bf16 <= 2e-2.
//  3. greedy continuations (4 tokens) after the GEMM prefill against those
//     after the matvec prefill (decode is the same matvec code on both):
//     equal tokens.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <liveformer/model/model.hpp>
#include <liveformer/runtime/generator.hpp>

#include "device_context.hpp"
#include "device_model.hpp"
#include "harness/compare.hpp"

namespace {

using lf::DType;
using lf::cuda::DeviceContext;
using lf::cuda::DeviceModel;

constexpr std::int64_t kContext = 96;
constexpr double kTolRouteVsMatvec = 1e-2;
constexpr double kTolRouteVsMatvecBf16 = 2e-2;
constexpr double kTol16BitVsCpu = 1e-2;
constexpr double kTolBf16VsCpu = 2e-2;
constexpr double kTolQuantVsCpu = 5e-2;
constexpr int kGreedyTokens = 4;
// A small tile bound, so that 64-column weights (128 bytes a row in f16)
// are dequantized 23 rows at a time: several tiles per matrix, a partial
// last one, and tiles that start 16-byte misaligned in the GGUF blocks.
constexpr std::size_t kSmallTileBytes = 3000;

double relative_error(const std::vector<float>& got, std::span<const float> want) {
  std::vector<double> w(want.begin(), want.end());
  return lf::test::relative_error(std::span<const float>(got), std::span<const double>(w));
}

std::vector<std::int32_t> greedy_after_prompt(DeviceContext& dev, int tokens) {
  std::vector<std::int32_t> out;
  for (int i = 0; i < tokens; ++i) {
    const std::int32_t id = dev.argmax();
    out.push_back(id);
    dev.eval(std::span<const std::int32_t>(&id, 1));
  }
  return out;
}

std::shared_ptr<const lf::Model> load(const std::filesystem::path& path, DType type) {
  lf::LoadOptions options;
  options.quantize = type;
  return std::make_shared<const lf::Model>(lf::Model::load(path, options));
}

void check_prefill(const std::filesystem::path& path, DType type, const std::string& text) {
  const auto model = load(path, type);
  const auto device_model = std::make_shared<const DeviceModel>(model);
  const lf::cuda::DeviceMatrix& wq = device_model->layers().at(0).wq;
  REQUIRE(wq.type == type);  // the device multiplies the stored type
  const std::int64_t context = std::min<std::int64_t>(kContext, model->config().n_ctx_train);  // GPT-2: 64
  lf::Generator cpu(model, context);
  const std::vector<std::int32_t> prompt = cpu.tokenize_prompt(text);
  REQUIRE(static_cast<std::int64_t>(prompt.size()) > DeviceContext::kMatvecRows);
  REQUIRE(static_cast<std::int64_t>(prompt.size()) + kGreedyTokens <= context);  // one chunk, GEMM route

  const bool quant = type == DType::q8_0 || type == DType::q4_0;
  DeviceContext gemm_route(device_model, context, 64, kSmallTileBytes);
  if (quant) {
    CHECK(gemm_route.dequant_tile_rows(wq.cols) == static_cast<std::int64_t>(kSmallTileBytes / (2 * wq.cols)));
    CHECK(gemm_route.dequant_tile_rows(wq.cols) < wq.rows);  // more than one tile
  } else {
    CHECK(gemm_route.dequant_tile_rows(wq.cols) == 0);  // no scratch for 16-bit weights
  }
  DeviceContext matvec_route(device_model, context, DeviceContext::kMatvecRows);
  gemm_route.eval(prompt);
  matvec_route.eval(prompt);
  const std::vector<float> got = gemm_route.logits();

  const std::span<const float> cpu_logits = cpu.eval(prompt);
  const double vs_cpu = relative_error(got, cpu_logits);
  const std::vector<float> matvec_logits = matvec_route.logits();
  const double vs_matvec = relative_error(got, matvec_logits);
  INFO(path.filename().string() << " " << lf::dtype_name(type) << ", prompt of " << prompt.size()
                                << " tokens: GEMM route vs CPU " << vs_cpu << ", vs matvec route " << vs_matvec
                                << "; matvec route vs CPU " << relative_error(matvec_logits, cpu_logits));
  const bool bf16 = type == DType::bf16;
  CHECK(vs_cpu <= (quant ? kTolQuantVsCpu : bf16 ? kTolBf16VsCpu : kTol16BitVsCpu));
  CHECK(vs_matvec <= (bf16 ? kTolRouteVsMatvecBf16 : kTolRouteVsMatvec));
  CHECK(vs_matvec > 0.0);  // the routes differ: the GEMM route did run
  CHECK(greedy_after_prompt(gemm_route, kGreedyTokens) == greedy_after_prompt(matvec_route, kGreedyTokens));
}

const std::vector<DType> kTypes{DType::f16, DType::bf16, DType::q8_0, DType::q4_0};

}  // namespace

TEST_CASE("cuda backend prefill GEMM: stories260K with f16, bf16, q8_0 and q4_0 weights",
          "[cuda_backend][prefill][stories]") {
  if (!lf::test::have_shared()) {
    LF_SKIP("../shared not found (stories260K model for the backend)");
  }
  const auto path = std::filesystem::path(lf::test::shared_dir()) / "models/stories260K/stories260K.gguf";
  for (const DType type : kTypes) check_prefill(path, type, "Once upon a time, a little girl named Lily");
}

TEST_CASE("cuda backend prefill GEMM: tiny Qwen2 (q/k/v biases) and GPT-2 (fused QKV, biases) with 16-bit and quantized weights",
          "[cuda_backend][prefill]") {
  const auto models = std::filesystem::path(lf::test::test_data_dir()) / "models";
  for (const DType type : kTypes) check_prefill(models / "qwen2", type, "How much is the red dress?");
  // GPT-2 adds row views of its fused QKV matrix and biases on every
  // projection; one 16-bit and one quantized type cover its two routes (the
  // emulated matvec reference route is slow).
  for (const DType type : {DType::bf16, DType::q8_0}) check_prefill(models / "gpt2", type, "How much is the red dress?");
}
