// Host launcher of the attention kernels (launch.hpp): picks the head-dim
// instance, the block size and the number of key splits.
#include <climits>
#include <string>

#include "attention.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {
namespace {

// Enough blocks to keep an H100's 132 SMs busy (two waves).
constexpr long long kTargetBlocks = 2 * 132;
// Splitting pays only when each split still has a few tiles of keys.
constexpr long long kMinKeysPerSplit = 256;

struct Plan {
  int warps, splits, keys_per_split;
};

template <int kMaxD>
Plan plan(const AttentionParams& p, const AttentionShape& s, bool have_workspace) {
  using Tile = AttentionTile<kMaxD>;
  const long long rows = static_cast<long long>(s.tq) * (s.hq / s.hkv);
  long long warps = (rows + kAttentionRowsPerWarp - 1) / kAttentionRowsPerWarp;
  if (warps > Tile::max_warps) warps = Tile::max_warps;
  const long long row_tiles = (rows + warps * kAttentionRowsPerWarp - 1) / (warps * kAttentionRowsPerWarp);
  long long splits = 1;
  if (p.num_splits > 0) {
    splits = p.num_splits;
  } else if (have_workspace) {
    const long long blocks = row_tiles * s.hkv;
    if (blocks < kTargetBlocks) splits = (kTargetBlocks + blocks - 1) / blocks;
    const long long max_splits = (s.tk + kMinKeysPerSplit - 1) / kMinKeysPerSplit;
    if (splits > max_splits) splits = max_splits;
  }
  if (splits < 1) splits = 1;
  // Whole key tiles per split, then drop splits that would be empty.
  long long per_split = (s.tk + splits - 1) / splits;
  per_split = (per_split + Tile::keys - 1) / Tile::keys * Tile::keys;
  splits = (s.tk + per_split - 1) / per_split;
  return {static_cast<int>(warps), static_cast<int>(splits), static_cast<int>(per_split)};
}

template <class T, int kMaxD>
void run(const char* op, const float* q, const void* k, const void* v, float* out, float* workspace,
         std::size_t workspace_bytes, const AttentionParams& p, AttentionShape s, Stream stream) {
  const Plan pl = plan<kMaxD>(p, s, workspace != nullptr);
  s.splits = pl.splits;
  s.keys_per_split = pl.keys_per_split;
  if (s.splits > 1) {
    const std::size_t need = attention_workspace_bytes(s.tq, s.hq, s.dv, s.splits);
    LF_CHECK(workspace && workspace_bytes >= need, op,
             std::to_string(s.splits) + " key splits need a workspace of " + std::to_string(need) + " bytes, got " +
                 std::to_string(workspace ? workspace_bytes : 0));
  }
  const long long rows = static_cast<long long>(s.tq) * (s.hq / s.hkv);
  const long long block_rows = static_cast<long long>(pl.warps) * kAttentionRowsPerWarp;
  const dim3 grid(static_cast<unsigned>((rows + block_rows - 1) / block_rows), static_cast<unsigned>(s.hkv),
                  static_cast<unsigned>(s.splits));
  const std::size_t shared = static_cast<std::size_t>(attention_shared_floats<kMaxD>(pl.warps, s.d, s.dv)) * 4;
  launch(op, attention_kernel<T, kMaxD>, grid, dim3(32u * static_cast<unsigned>(pl.warps)), shared, stream, q,
         static_cast<const T*>(k), static_cast<const T*>(v), out, workspace, s);
  if (s.splits > 1)
    launch(op, attention_combine_kernel, dim3(static_cast<unsigned>(static_cast<long long>(s.tq) * s.hq)),
           dim3(row_block_threads(s.dv, 128)), 0, stream, workspace, out, s);
}

template <class T>
void dispatch_dim(const char* op, const float* q, const void* k, const void* v, float* out, float* workspace,
                  std::size_t workspace_bytes, const AttentionParams& p, const AttentionShape& s, Stream stream) {
  const int widest = s.d > s.dv ? s.d : s.dv;
  if (widest <= 64) return run<T, 64>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
  if (widest <= 80) return run<T, 80>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
  if (widest <= 128) return run<T, 128>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
  return run<T, 256>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
}

}  // namespace

std::size_t attention_workspace_bytes(std::int64_t tq, std::int64_t hq, std::int64_t dv, std::int64_t splits) {
  return static_cast<std::size_t>(splits * tq * hq * (dv + 2)) * sizeof(float);
}

void attention(const float* q, const void* k, const void* v, DType kv_type, float* out, const AttentionParams& p,
               float* workspace, std::size_t workspace_bytes, Stream stream) {
  const char* op = "cuda attention";
  LF_CHECK(p.tq >= 0 && p.tq <= INT_MAX && p.tk >= 0 && p.tk <= INT_MAX, op,
           "tq and tk must be in [0, 2^31), got " + std::to_string(p.tq) + " and " + std::to_string(p.tk));
  LF_CHECK(p.hq >= 1 && p.hkv >= 1 && p.hq % p.hkv == 0 && p.hq <= 65535, op,
           "hkv must divide hq (both >= 1, hq < 65536), got hq " + std::to_string(p.hq) + ", hkv " +
               std::to_string(p.hkv));
  LF_CHECK(p.d >= 1 && p.d <= 256 && p.dv >= 1 && p.dv <= 256, op,
           "head dims must be in [1, 256], got d " + std::to_string(p.d) + ", dv " + std::to_string(p.dv));
  LF_CHECK(p.q_stride >= p.hq * p.d && p.k_stride >= p.hkv * p.d && p.v_stride >= p.hkv * p.dv, op,
           "token strides must cover a token's heads");
  LF_CHECK(p.tq * p.hq <= INT_MAX && p.num_splits >= 0, op, "tq·hq must be < 2^31 and num_splits >= 0");
  LF_CHECK(q && k && v && out, op, "null pointer argument");
  if (p.tq == 0) return;
  AttentionShape s{static_cast<int>(p.tq), static_cast<int>(p.tk), static_cast<int>(p.hq), static_cast<int>(p.hkv),
                   static_cast<int>(p.d), static_cast<int>(p.dv), p.q_stride, p.k_stride, p.v_stride, p.scale,
                   p.causal, p.causal_offset, p.mask, p.mask_h_stride, p.mask_q_stride, p.mask_k_stride, 0, 1};
  if (p.tk == 0) {  // no keys: every query sees nothing
    s.tk = 1;
    s.keys_per_split = 1;
    s.causal = true;
    s.causal_offset = -static_cast<long long>(p.tq) - 1;
  }
  switch (kv_type) {
    case DType::f32: return dispatch_dim<float>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
    case DType::f16: return dispatch_dim<__half>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
    case DType::bf16:
      return dispatch_dim<__nv_bfloat16>(op, q, k, v, out, workspace, workspace_bytes, p, s, stream);
    default:
      throw_error(op, "K/V dtype " + std::string(dtype_name(kv_type)) + " is not supported (f32, f16, bf16)");
  }
}

}  // namespace lf::kernels
