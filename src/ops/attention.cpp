// Attention in tiles with an online softmax (FlashAttention's recurrence on
// the CPU): a block of queries meets the keys block by block, keeping only a
// running max, a running sum and an output accumulator per query, so no
// Tq x Tk score matrix is ever formed and memory stays O(block^2) per
// thread whatever the prompt length. Tasks are (head, query block) pairs,
// each writing its own rows of out, so a thread split cannot change any
// result.
#include "liveformer/ops/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "attention_tile.hpp"
#include "checks.hpp"
#include "decode_attention.hpp"
#include "fast_exp.hpp"
#include "liveformer/core/convert.hpp"
#include "liveformer/core/eigen.hpp"
#include "liveformer/ops/weight_matmul.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#include "kv_widen_avx2.hpp"
#endif

namespace lf {
namespace {

constexpr const char* kOp = "scaled_dot_product_attention";
constexpr std::int64_t kQueryBlock = detail::kTileQueries;
constexpr std::int64_t kKeyBlock = detail::kTileKeys;

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
using ConstRowMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

void require_heads(const char* name, const Tensor& t, bool cache_types) {
  LF_CHECK(t.defined(), kOp, std::string(name) + " is undefined");
  const bool cache_type = t.dtype() == DType::f16 || t.dtype() == DType::bf16 || t.dtype() == DType::q8_0;
  LF_CHECK(t.dtype() == DType::f32 || (cache_types && cache_type), kOp,
           std::string(name) + " must be f32" + (cache_types ? " (or f16 / bf16 / q8_0)" : "") + ", got " + t.str());
  detail::require_rank(kOp, name, t, 3);
  LF_CHECK(t.dim(2) <= 1 || t.stride(2) == 1, kOp,
           std::string(name) + " " + t.shape().str() + " must have a contiguous head dimension");
}

// Per-thread scratch, grown once and reused (no allocation per call after
// the first at a given size).
struct Scratch {
  std::vector<float> scores, acc, max, sum, k, v, qt;
  static Scratch& get() {
    thread_local Scratch s;
    return s;
  }
};

#if defined(__x86_64__)
// n rows of d values stored as T (f16 or bf16, row_stride elements apart)
// widened to f32, 8 per instruction. Exact, like to_f32_row, but without
// its per-row dispatch: a tile widens every cached key and value row of a
// head it meets.
template <DType T>
__attribute__((target("avx2,fma,f16c"))) void widen_rows(const std::byte* src, std::int64_t row_bytes, std::int64_t n,
                                                          std::int64_t d, float* dst) {
  for (std::int64_t j = 0; j < n; ++j, src += row_bytes, dst += d) {
    std::int64_t p = 0;
    for (; p + 8 <= d; p += 8) _mm256_storeu_ps(dst + p, detail::kv::load8<T>(src, p));
    for (; p < d; ++p) dst[p] = detail::kv::load1<T>(src, p);
  }
}

// n rows of d q8_0 values (d % 32 == 0, row_bytes apart) dequantized to
// f32, 8 per instruction: the same products d * q as to_f32_row.
__attribute__((target("avx2,fma,f16c"))) void widen_q8_rows(const std::byte* src, std::int64_t row_bytes,
                                                             std::int64_t n, std::int64_t d, float* dst) {
  for (std::int64_t j = 0; j < n; ++j, src += row_bytes) {
    const std::byte* block = src;
    for (std::int64_t p = 0; p < d; p += 32, block += detail::kv::kQ8Block, dst += 32) {
      const __m256 scale = _mm256_set1_ps(detail::kv::q8_scale(block));
      for (int part = 0; part < 4; ++part)
        _mm256_storeu_ps(dst + 8 * part, _mm256_mul_ps(scale, detail::kv::q8_load8(block, part)));
    }
  }
}
#endif

// Rows [j0, j1) of KV head g as an f32 matrix: a view when stored as f32,
// else widened into `buf`.
ConstRowMap kv_block(const Tensor& t, std::int64_t g, std::int64_t j0, std::int64_t j1, std::vector<float>& buf) {
  const std::int64_t n = j1 - j0, d = t.dim(2);
  if (t.dtype() == DType::f32)
    return ConstRowMap(t.data<float>() + j0 * t.stride(0) + g * t.stride(1), n, d, Eigen::OuterStride<>(t.stride(0)));
  if (buf.size() < static_cast<std::size_t>(n * d)) buf.resize(static_cast<std::size_t>(n * d));
  // Strides are in elements; a q8_0 cache's are whole blocks (head_dim % 32 == 0).
  const std::byte* first = t.bytes() + dtype_bytes(t.dtype(), j0 * t.stride(0) + g * t.stride(1));
  const std::int64_t row_bytes = dtype_bytes(t.dtype(), t.stride(0));
#if defined(__x86_64__)
  // Every non-scalar kernel variant implies AVX2 and F16C (LIVEFORMER_ISA=scalar
  // keeps the portable loop below testable).
  if (default_isa() != KernelIsa::scalar && t.dtype() == DType::q8_0) {
    widen_q8_rows(first, row_bytes, n, d, buf.data());
    return ConstRowMap(buf.data(), n, d, Eigen::OuterStride<>(d));
  }
  if (default_isa() != KernelIsa::scalar) {
    if (t.dtype() == DType::bf16) widen_rows<DType::bf16>(first, row_bytes, n, d, buf.data());
    else widen_rows<DType::f16>(first, row_bytes, n, d, buf.data());
    return ConstRowMap(buf.data(), n, d, Eigen::OuterStride<>(d));
  }
#endif
  for (std::int64_t j = 0; j < n; ++j) to_f32_row(t.dtype(), first + j * row_bytes, buf.data() + j * d, d);
  return ConstRowMap(buf.data(), n, d, Eigen::OuterStride<>(d));
}

struct Problem {
  const Tensor& q;
  const Tensor& k;
  const Tensor& v;
  Tensor& out;
  const Tensor& mask;  // broadcast to [Hq, Tq, Tk] or undefined
  float scale;
  bool causal;
  std::int64_t offset;  // query i sees keys j <= i + offset
  std::int64_t tq, tk, hq, group, d, dv, q_blocks;

  static void fit(std::vector<float>& b, std::int64_t n) {
    if (b.size() < static_cast<std::size_t>(n)) b.resize(static_cast<std::size_t>(n));
  }

  // Keys any query of the block [i0, i0 + bq) may see.
  std::int64_t key_end(std::int64_t i0, std::int64_t bq) const {
    return causal ? std::clamp<std::int64_t>(i0 + bq - 1 + offset + 1, 0, tk) : tk;
  }

  void run(std::int64_t task) const {
    const std::int64_t h = task / q_blocks, i0 = task % q_blocks * kQueryBlock;
    const std::int64_t bq = std::min(kQueryBlock, tq - i0), g = h / group;
#if defined(__x86_64__)
    if (default_isa() == KernelIsa::avx512) return run_avx512(h, i0, bq, g);
#endif
    Scratch& s = Scratch::get();
    fit(s.scores, bq * kKeyBlock);
    fit(s.acc, bq * dv);
    fit(s.max, bq);
    fit(s.sum, bq);
    const ConstRowMap qb(q.data<float>() + i0 * q.stride(0) + h * q.stride(1), bq, d, Eigen::OuterStride<>(q.stride(0)));
    RowMap acc(s.acc.data(), bq, dv, Eigen::OuterStride<>(dv));
    acc.setZero();
    float* m = s.max.data();
    float* l = s.sum.data();
    std::fill(m, m + bq, -std::numeric_limits<float>::infinity());
    std::fill(l, l + bq, 0.0f);

    const std::int64_t keys = key_end(i0, bq);
    for (std::int64_t j0 = 0; j0 < keys; j0 += kKeyBlock) {
      const std::int64_t j1 = std::min(keys, j0 + kKeyBlock), bk = j1 - j0;
      const ConstRowMap kb = kv_block(k, g, j0, j1, s.k);
      RowMap sc(s.scores.data(), bq, bk, Eigen::OuterStride<>(bk));
      sc.noalias() = qb * kb.transpose();
      for (std::int64_t r = 0; r < bq; ++r) {
        const std::int64_t i = i0 + r;
        float* row = s.scores.data() + r * bk;
        // Keys this query may see in the block: [j0, visible).
        const std::int64_t visible = causal ? std::clamp<std::int64_t>(i + offset + 1, j0, j1) : j1;
        const float* mask_row = mask.defined() ? mask.data<float>() + h * mask.stride(0) + i * mask.stride(1) : nullptr;
        float block_max = -std::numeric_limits<float>::infinity();
        for (std::int64_t c = 0; c < bk; ++c) {
          float x = -std::numeric_limits<float>::infinity();
          if (j0 + c < visible) {
            x = row[c] * scale;
            if (mask_row) x += mask_row[(j0 + c) * mask.stride(2)];
          }
          row[c] = x;
          block_max = std::max(block_max, x);
        }
        const float new_max = std::max(m[r], block_max);
        if (new_max == -std::numeric_limits<float>::infinity()) {  // nothing visible yet
          std::fill(row, row + bk, 0.0f);
          continue;
        }
        const float correction = std::exp(m[r] - new_max);  // 0 when m was -inf
        const float block_sum = detail::exp_shifted_sum(row, bk, new_max);
        l[r] = l[r] * correction + block_sum;
        if (correction != 1.0f) acc.row(r) *= correction;
        m[r] = new_max;
      }
      const ConstRowMap vb = kv_block(v, g, j0, j1, s.v);
      acc.noalias() += sc * vb;
    }
    for (std::int64_t r = 0; r < bq; ++r) {
      float* o = out.data<float>() + ((i0 + r) * hq + h) * dv;
      const float inv = l[r] > 0 ? 1.0f / l[r] : 0.0f;  // a query that sees no key gets zeros
      for (std::int64_t c = 0; c < dv; ++c) o[c] = acc(r, c) * inv;
    }
  }

#if defined(__x86_64__)
  void run_avx512(std::int64_t h, std::int64_t i0, std::int64_t bq, std::int64_t g) const {
    Scratch& s = Scratch::get();
    fit(s.qt, d * kQueryBlock);
    fit(s.scores, kKeyBlock * kQueryBlock);
    fit(s.acc, kQueryBlock * dv);
    detail::AttentionTile t;
    t.bq = bq;
    t.d = d;
    t.dv = dv;
    t.scale = scale;
    // Query i0 + r sees key j iff j <= i0 + r + offset; without causality
    // every key (limit past the last one for any r).
    t.visible_limit = causal ? i0 + offset + 1 : tk + 1;
    if (mask.defined()) {
      t.mask = mask.data<float>() + h * mask.stride(0) + i0 * mask.stride(1);
      t.mask_q = mask.stride(1);
      t.mask_k = mask.stride(2);
    }
    t.qt = s.qt.data();
    t.scores = s.scores.data();
    t.acc = s.acc.data();
    detail::attention_tile_begin_avx512(t, q.data<float>() + i0 * q.stride(0) + h * q.stride(1), q.stride(0));
    const std::int64_t keys = key_end(i0, bq);
    for (std::int64_t j0 = 0; j0 < keys; j0 += kKeyBlock) {
      const std::int64_t j1 = std::min(keys, j0 + kKeyBlock);
      const ConstRowMap kb = kv_block(k, g, j0, j1, s.k), vb = kv_block(v, g, j0, j1, s.v);
      detail::attention_tile_add_keys_avx512(t, j0, j1 - j0, kb.data(), kb.outerStride(), vb.data(), vb.outerStride());
    }
    detail::attention_tile_finish_avx512(t, out.data<float>() + (i0 * hq + h) * dv, hq * dv);
  }
#endif
};

#if defined(__x86_64__)
// One query per head against the first n keys, in chunks of keys (each
// chunk all heads, in memory order; see decode_attention_avx2.cpp) merged
// as an online softmax. The chunks depend on n alone, not on the threads,
// so a split cannot change a result.
void decode_step(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, std::int64_t n, float scale,
                 ThreadPool* pool, int threads) {
  const std::int64_t hq = q.dim(1), hkv = k.dim(1), d = q.dim(2), dv = v.dim(2);
  float* o = out.data<float>();
  if (n == 0) {  // a query that sees no key gets zeros
    std::fill(o, o + hq * dv, 0.0f);
    return;
  }
  const DType kt = k.dtype();
  const detail::DecodeProblem p{q.data<float>(), q.stride(1),
                                k.bytes(), dtype_bytes(kt, k.stride(0)), dtype_bytes(kt, k.stride(1)),
                                v.bytes(), dtype_bytes(kt, v.stride(0)), dtype_bytes(kt, v.stride(1)),
                                n, hq, hkv, d, dv, scale};
  // At least 64 keys a chunk (a chunk's merge costs a head's dv floats), at
  // most 64 chunks.
  const std::int64_t chunk = std::max<std::int64_t>(64, ((n + 63) / 64 + 3) / 4 * 4);
  const std::int64_t chunks = (n + chunk - 1) / chunk;
  thread_local std::vector<float> state;  // per chunk: max[hq], sum[hq], acc[hq * dv]
  const std::int64_t per_chunk = hq * (2 + dv);
  if (state.size() < static_cast<std::size_t>(chunks * per_chunk)) state.resize(static_cast<std::size_t>(chunks * per_chunk));
  float* st = state.data();
  // Tasks: (chunk, range of KV heads). With few chunks (shallow caches) the
  // heads are split too, so both cores work from the first tokens on; a
  // head's values do not depend on the range it is computed in.
  const std::int64_t head_parts = chunks >= 4 ? 1 : std::min<std::int64_t>(hkv, 4 / chunks);
  auto run = [&](std::int64_t t) {
    thread_local std::vector<float> scores;
    if (scores.size() < static_cast<std::size_t>(hq * chunk)) scores.resize(static_cast<std::size_t>(hq * chunk));
    const std::int64_t c = t / head_parts, part = t % head_parts;
    float* cs = st + c * per_chunk;
    detail::decode_attention_chunk_avx2(kt, p, c * chunk, std::min(n, (c + 1) * chunk), hkv * part / head_parts,
                                        hkv * (part + 1) / head_parts, cs, cs + hq, cs + 2 * hq, scores.data());
  };
  const std::int64_t tasks = chunks * head_parts;
  // Waking the other thread costs about a microsecond (it spins between
  // the products of a step).
  constexpr std::int64_t kMinParallelMacs = 1 << 15;
  if (!pool || tasks == 1 || hq * n * d < kMinParallelMacs) {
    for (std::int64_t t = 0; t < tasks; ++t) run(t);
  } else {
    pool->run(tasks, run, threads);
  }
  for (std::int64_t h = 0; h < hq; ++h) {
    float m = -std::numeric_limits<float>::infinity();
    for (std::int64_t c = 0; c < chunks; ++c) m = std::max(m, st[c * per_chunk + h]);
    float total = 0;
    float* oh = o + h * dv;
    std::fill(oh, oh + dv, 0.0f);
    for (std::int64_t c = 0; c < chunks; ++c) {
      const float* cs = st + c * per_chunk;
      const float w = std::exp(cs[h] - m);
      total += w * cs[hq + h];
      const float* acc = cs + 2 * hq + h * dv;
      for (std::int64_t i = 0; i < dv; ++i) oh[i] += w * acc[i];
    }
    const float inv = 1.0f / total;
    for (std::int64_t i = 0; i < dv; ++i) oh[i] *= inv;
  }
}
#endif

}  // namespace

void scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out,
                                  const AttentionOptions& options, ThreadPool* pool, int threads) {
  require_heads("q", q, false);
  require_heads("k", k, true);
  require_heads("v", v, true);
  detail::require_f32_contiguous(kOp, "out", out);
  const std::int64_t tq = q.dim(0), hq = q.dim(1), d = q.dim(2);
  const std::int64_t tk = k.dim(0), hkv = k.dim(1), dv = v.dim(2);
  // Built only when a check fails (LF_CHECK evaluates its message lazily):
  // this op runs per layer per token.
  const auto shapes = [&] { return " (q " + q.shape().str() + ", k " + k.shape().str() + ", v " + v.shape().str() + ")"; };
  LF_CHECK(d > 0, kOp, "head_dim must be positive" + shapes());
  LF_CHECK(k.dim(2) == d, kOp, "q and k head_dim differ" + shapes());
  LF_CHECK(v.dim(0) == tk && v.dim(1) == hkv, kOp, "k and v must agree on tokens and heads" + shapes());
  LF_CHECK(hkv > 0 && hq % hkv == 0, kOp, "kv heads must divide query heads" + shapes());
  const Shape expect{tq, hq, dv};
  LF_CHECK(out.shape() == expect, kOp, "out must be " + expect.str() + ", got " + out.shape().str() + shapes());
  if (out.numel() == 0) return;

  Tensor mask;
  if (options.mask.defined()) {
    detail::require_f32(kOp, "mask", options.mask);
    const Shape full{hq, tq, tk};
    LF_CHECK(options.mask.rank() <= 3, kOp, "mask " + options.mask.shape().str() + " does not broadcast to " + full.str());
    try {
      mask = options.mask.broadcast_to(full);
    } catch (const Error&) {
      throw_error(kOp, "mask " + options.mask.shape().str() + " does not broadcast to " + full.str());
    }
  }

  const float scale = options.scale.value_or(1.0f / std::sqrt(static_cast<float>(d)));
  const std::int64_t offset = options.causal_offset.value_or(tk - tq);
#if defined(__x86_64__)
  // One query per head without a mask (a decode step): straight from the
  // cache, no widened copy, no Eigen calls per 128 keys.
  if (tq == 1 && !mask.defined() && k.dtype() == v.dtype() && default_isa() != KernelIsa::scalar) {
    decode_step(q, k, v, out, options.causal ? std::clamp<std::int64_t>(offset + 1, 0, tk) : tk, scale, pool, threads);
    return;
  }
#endif

  const std::int64_t q_blocks = (tq + kQueryBlock - 1) / kQueryBlock;
  const Problem p{q, k, v, out, mask, scale, options.causal, offset, tq, tk, hq, hq / hkv, d, dv, q_blocks};
  const std::int64_t tasks = hq * q_blocks;
  // Waking threads costs a few microseconds: small problems stay on this one.
  constexpr std::int64_t kMinParallelMacs = 1 << 17;
  if (!pool || tasks == 1 || hq * tq * tk * d < kMinParallelMacs) {
    for (std::int64_t t = 0; t < tasks; ++t) p.run(t);
  } else {
    pool->run(tasks, [&p](std::int64_t t) { p.run(t); }, threads);
  }
}

}  // namespace lf
