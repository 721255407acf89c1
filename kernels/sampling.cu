// Host launchers of the sampling kernels (launch.hpp).
#include <climits>
#include <string>

#include "sampling.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {
namespace {

std::int64_t first_pass_blocks(std::int64_t vocab) { return (vocab + kTopkChunk - 1) / kTopkChunk; }
std::int64_t sort_blocks(std::int64_t n) { return (n + kTopkSortChunk - 1) / kTopkSortChunk; }

std::int64_t effective_k(std::int64_t vocab, const SampleParams& p) {
  if (p.temperature <= 0.0f) return 1;
  return p.top_k < vocab ? p.top_k : vocab;
}

}  // namespace

std::size_t sample_workspace_bytes(std::int64_t vocab, std::int32_t top_k) {
  const std::int64_t k = top_k < 1 ? 1 : top_k;
  // Rounds: first-pass candidates, then the final k. Sort: two ping-pong
  // buffers of the first level's candidates.
  const std::int64_t entries = k <= kTopkRoundsMaxK ? (first_pass_blocks(vocab) + 1) * k : 2 * sort_blocks(vocab) * k;
  return static_cast<std::size_t>(entries) * (sizeof(float) + sizeof(int));
}

void sample(const float* logits, std::int64_t vocab, const SampleParams& p, void* workspace,
            std::size_t workspace_bytes, std::int32_t* out_id, Stream stream) {
  const char* op = "cuda sample";
  LF_CHECK(vocab >= 1 && vocab <= INT_MAX, op, "vocab must be in [1, 2^31), got " + std::to_string(vocab));
  LF_CHECK(p.temperature <= 0.0f || (p.top_k >= 1 && p.top_k <= kSampleMaxTopK), op,
           "top_k must be in [1, " + std::to_string(kSampleMaxTopK) + "] on the device, got " +
               std::to_string(p.top_k) + " (larger or no top-k: sample on the host)");
  LF_CHECK(p.top_p > 0.0f && p.min_p >= 0.0f && p.min_p <= 1.0f, op, "need top_p > 0 and min_p in [0, 1]");
  LF_CHECK(p.uniform >= 0.0 && p.uniform < 1.0, op, "uniform must be in [0, 1)");
  LF_CHECK(logits && out_id && workspace, op, "null pointer argument");
  const std::int64_t k = effective_k(vocab, p);
  const std::int64_t blocks = first_pass_blocks(vocab);
  LF_CHECK(workspace_bytes >= sample_workspace_bytes(vocab, static_cast<std::int32_t>(k)), op,
           "workspace of " + std::to_string(workspace_bytes) + " bytes is too small, need " +
               std::to_string(sample_workspace_bytes(vocab, static_cast<std::int32_t>(k))));
  const int kk = static_cast<int>(k);
  const float* best_val = nullptr;
  const int* best_id = nullptr;
  if (k <= kTopkRoundsMaxK) {
    auto* cand_val = static_cast<float*>(workspace);
    auto* cand_id = reinterpret_cast<int*>(cand_val + (blocks + 1) * k);
    launch(op, topk_kernel, dim3(static_cast<unsigned>(blocks)), dim3(kTopkThreads), 0, stream, logits,
           static_cast<const int*>(nullptr), static_cast<int>(vocab), kTopkChunk, kk, cand_val, cand_id);
    const int n_cand = static_cast<int>(blocks * k);
    launch(op, topk_kernel, dim3(1), dim3(kTopkThreads), 0, stream, static_cast<const float*>(cand_val),
           static_cast<const int*>(cand_id), n_cand, n_cand, kk, cand_val + blocks * k, cand_id + blocks * k);
    best_val = cand_val + blocks * k;
    best_id = cand_id + blocks * k;
  } else {
    const std::int64_t capacity = sort_blocks(vocab) * k;
    auto* buf_val = static_cast<float*>(workspace);
    auto* buf_id = reinterpret_cast<int*>(buf_val + 2 * capacity);
    const float* in_val = logits;
    const int* in_id = nullptr;
    std::int64_t n = vocab;
    for (int level = 0;; ++level) {
      const std::int64_t level_blocks = sort_blocks(n);
      float* out_val = buf_val + (level % 2) * capacity;
      int* out_id = buf_id + (level % 2) * capacity;
      launch(op, topk_sort_kernel, dim3(static_cast<unsigned>(level_blocks)), dim3(kTopkThreads), 0, stream, in_val,
             in_id, static_cast<int>(n), kk, out_val, out_id);
      in_val = out_val, in_id = out_id;
      if (level_blocks == 1) break;
      n = level_blocks * k;
    }
    best_val = in_val;
    best_id = in_id;
  }
  const SamplePick pick{kk, p.temperature, p.top_p, p.min_p, p.uniform};
  launch(op, sample_pick_kernel, dim3(1), dim3(32), 0, stream, best_val, best_id, pick,
         reinterpret_cast<int*>(out_id));
}

void argmax(const float* logits, std::int64_t vocab, void* workspace, std::size_t workspace_bytes,
            std::int32_t* out_id, Stream stream) {
  SampleParams greedy;
  greedy.temperature = 0.0f;
  sample(logits, vocab, greedy, workspace, workspace_bytes, out_id, stream);
}

}  // namespace lf::kernels
