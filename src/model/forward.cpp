#include "liveformer/model/forward.hpp"

#include <algorithm>
#include <span>

#include "liveformer/core/convert.hpp"
#include "liveformer/ops.hpp"

namespace lf {

namespace {

int resolve(int n) { return n < 1 ? ThreadPool::hardware_threads() : n; }

}  // namespace

Workspace::Workspace(ThreadCounts threads) : threads_{resolve(threads.decode), resolve(threads.prefill)} {
  const int most = std::max(threads_.decode, threads_.prefill);
  if (most > 1) pool_ = std::make_unique<ThreadPool>(most);
}

int Workspace::threads_for(std::int64_t rows) const {
  return rows <= kDecodeRows ? threads_.decode : threads_.prefill;
}

Tensor Workspace::get(int slot, const Shape& shape) {
  if (static_cast<std::size_t>(slot) >= buffers_.size()) buffers_.resize(static_cast<std::size_t>(slot) + 1);
  Tensor& buffer = buffers_[static_cast<std::size_t>(slot)];
  const std::int64_t n = shape.numel();
  if (!buffer.defined() || buffer.numel() < n) buffer = Tensor::empty({std::max<std::int64_t>(n, 1)});
  return buffer.slice(0, 0, n).reshape(shape);
}

namespace {

// Workspace slots, one per activation.
enum Slot : int { kX, kH, kQ, kK, kV, kQkv, kAttn, kGate, kUp, kLastRows, kLogits };

void normalize(const ModelConfig& c, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& out) {
  if (c.arch == Architecture::gpt2)
    layer_norm(x, w, b, c.norm_eps, out);
  else
    rms_norm(x, w, c.norm_eps, out);
}

// op(first, count) over ranges of `rows` rows of `width` values, on the pool
// for a prompt: a norm, an add or an activation over 512 rows on the calling
// thread alone left the other core idle for ~5% of a prefill. Row-wise ops
// compute each row alone (at the same address), so a split changes no bit.
template <class Op>
void by_rows(ThreadPool* pool, int threads, std::int64_t rows, std::int64_t width, const Op& op) {
  constexpr std::int64_t kMinParallelValues = 1 << 15;  // below, waking a thread costs more than it saves
  if (!pool || threads <= 1 || rows < 2 || rows * width < kMinParallelValues) {
    op(std::int64_t{0}, rows);
    return;
  }
  const std::int64_t tasks = std::min<std::int64_t>(rows, 4 * static_cast<std::int64_t>(threads));
  pool->run(tasks, [&](std::int64_t t) {
    const std::int64_t first = rows * t / tasks;
    op(first, rows * (t + 1) / tasks - first);
  }, threads);
}

// Writes f32 rows [n, H, D] (possibly strided views) into a cache slice of
// the cache's type.
void store(const Tensor& src, Tensor& dst) {
  if (dst.dtype() == DType::f32) {
    dst.copy_from(src);
    return;
  }
  const std::int64_t n = src.dim(0), heads = src.dim(1), d = src.dim(2);
  for (std::int64_t t = 0; t < n; ++t)
    for (std::int64_t h = 0; h < heads; ++h)
      quantize_row(dst.dtype(), src.data<float>() + t * src.stride(0) + h * src.stride(1),
                   dst.bytes() + dtype_bytes(dst.dtype(), t * dst.stride(0) + h * dst.stride(1)), d);
}

struct Row {
  std::size_t seq;
  std::int64_t first_row;  // of this sequence in the batch
  std::int64_t n;
  std::int64_t first_pos;  // = cache size before the call
};

}  // namespace

Tensor forward(const Model& model, std::span<const SequenceInput> batch, Workspace& ws, ForwardOutput output) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  const char* op = "forward";

  // Validate everything before touching any cache.
  std::vector<Row> seqs;
  std::vector<std::int32_t> ids, positions;
  std::int64_t total = 0, out_rows = 0;
  for (std::size_t s = 0; s < batch.size(); ++s) {
    const SequenceInput& in = batch[s];
    LF_CHECK(in.cache != nullptr, op, "sequence " + std::to_string(s) + " has no KV cache");
    for (std::size_t t = 0; t < s; ++t)
      LF_CHECK(batch[t].cache != in.cache, op, "sequences " + std::to_string(t) + " and " + std::to_string(s) + " share a KV cache");
    LF_CHECK(in.cache->n_layers() == c.n_layers, op, "KV cache was made for another model");
    const auto n = static_cast<std::int64_t>(in.tokens.size());
    if (n == 0) continue;
    const std::int64_t pos = in.cache->size();
    if (pos + n > in.cache->capacity())
      throw_error(op,
                  "context full: " + std::to_string(pos) + " cached + " + std::to_string(n) +
                      " new tokens exceed the context length " + std::to_string(in.cache->capacity()),
                  ErrorKind::context_full);
    if (c.arch == Architecture::gpt2)
      LF_CHECK(pos + n <= c.n_ctx_train, op,
            "position " + std::to_string(pos + n - 1) + " is beyond GPT-2's " + std::to_string(c.n_ctx_train) +
                " learned positions");
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int32_t id = in.tokens[static_cast<std::size_t>(i)];
      LF_CHECK(id >= 0 && id < c.vocab_size, op,
            "token id " + std::to_string(id) + " outside the vocabulary [0, " + std::to_string(c.vocab_size) + ")");
      ids.push_back(id);
      positions.push_back(static_cast<std::int32_t>(pos + i));
    }
    seqs.push_back({s, total, n, pos});
    total += n;
    out_rows += in.all_logits ? n : 1;
  }
  const std::int64_t out_width = output == ForwardOutput::logits ? c.vocab_size : c.n_embd;
  Tensor logits = ws.get(kLogits, {out_rows, out_width});
  if (total == 0) return logits;

  const std::int64_t e = c.n_embd, hq = c.n_heads, hkv = c.n_kv_heads, d = c.head_dim;
  Tensor x = ws.get(kX, {total, e});
  Tensor h = ws.get(kH, {total, e});
  embedding(w.token_embd, ids, x);
  if (w.position_embd.defined()) {
    Tensor pos_rows = ws.get(kAttn, {total, e});
    embedding(w.position_embd, positions, pos_rows);
    add(x, pos_rows, x);
  }

  ThreadPool* pool = ws.pool();
  const int threads = ws.threads_for(total);
  auto project = [&](const Tensor& in, const Tensor& weight, const Tensor& bias, Tensor& out) {
    linear(in, weight, bias, out, pool, threads, w.packed_for(weight));
  };

  RopeOptions rope_opts;
  rope_opts.layout = c.rope_layout;
  rope_opts.theta = c.rope_theta;
  rope_opts.rotary_dim = c.rotary_dim;
  AttentionOptions attn_opts;
  attn_opts.causal = true;  // offset defaults to the cached length

  // Row-wise steps split by rows (see by_rows).
  auto norm_rows = [&](const Tensor& weight, const Tensor& bias) {
    by_rows(pool, threads, total, e, [&](std::int64_t r0, std::int64_t n) {
      Tensor dst = h.slice(0, r0, n);
      normalize(c, x.slice(0, r0, n), weight, bias, dst);
    });
  };
  auto add_h_to_x = [&] {
    by_rows(pool, threads, total, e, [&](std::int64_t r0, std::int64_t n) {
      Tensor dst = x.slice(0, r0, n);
      add(dst, h.slice(0, r0, n), dst);
    });
  };

  for (std::int64_t l = 0; l < c.n_layers; ++l) {
    const LayerWeights& lw = w.layers[static_cast<std::size_t>(l)];
    norm_rows(lw.attn_norm, lw.attn_norm_bias);

    Tensor q, k, v;
    if (lw.wqkv.defined()) {
      Tensor qkv = ws.get(kQkv, {total, (hq + 2 * hkv) * d});
      project(h, lw.wqkv, lw.bqkv, qkv);
      const Tensor heads = qkv.reshape({total, hq + 2 * hkv, d});
      q = heads.slice(1, 0, hq);
      k = heads.slice(1, hq, hkv);
      v = heads.slice(1, hq + hkv, hkv);
    } else {
      q = ws.get(kQ, {total, hq * d});
      k = ws.get(kK, {total, hkv * d});
      v = ws.get(kV, {total, hkv * d});
      project(h, lw.wq, lw.bq, q);
      project(h, lw.wk, lw.bk, k);
      project(h, lw.wv, lw.bv, v);
      q = q.reshape({total, hq, d});
      k = k.reshape({total, hkv, d});
      v = v.reshape({total, hkv, d});
    }
    if (c.uses_rope()) {
      by_rows(pool, threads, total, (hq + hkv) * d, [&](std::int64_t r0, std::int64_t n) {
        const std::span<const std::int32_t> at(positions.data() + r0, static_cast<std::size_t>(n));
        Tensor qr = q.slice(0, r0, n), kr = k.slice(0, r0, n);
        rope(qr, qr, rope_opts, at);
        rope(kr, kr, rope_opts, at);
      });
    }

    Tensor attn = ws.get(kAttn, {total, hq, d});
    for (const Row& r : seqs) {
      KvCache& cache = *batch[r.seq].cache;
      Tensor ck = cache.keys(l), cv = cache.values(l);
      Tensor dst_k = ck.slice(0, r.first_pos, r.n), dst_v = cv.slice(0, r.first_pos, r.n);
      store(k.slice(0, r.first_row, r.n), dst_k);
      store(v.slice(0, r.first_row, r.n), dst_v);
      Tensor out = attn.slice(0, r.first_row, r.n);
      scaled_dot_product_attention(q.slice(0, r.first_row, r.n), ck.slice(0, 0, r.first_pos + r.n),
                                   cv.slice(0, 0, r.first_pos + r.n), out, attn_opts, pool, threads);
    }
    project(attn.reshape({total, hq * d}), lw.wo, lw.bo, h);
    add_h_to_x();

    norm_rows(lw.ffn_norm, lw.ffn_norm_bias);
    Tensor up = ws.get(kUp, {total, c.n_ff});
    project(h, lw.w_up, lw.b_up, up);
    if (lw.w_gate.defined()) {
      Tensor gate = ws.get(kGate, {total, c.n_ff});
      project(h, lw.w_gate, Tensor(), gate);
      by_rows(pool, threads, total, c.n_ff, [&](std::int64_t r0, std::int64_t n) {
        Tensor dst = up.slice(0, r0, n);
        swiglu(gate.slice(0, r0, n), dst, dst);
      });
    } else {
      by_rows(pool, threads, total, c.n_ff, [&](std::int64_t r0, std::int64_t n) {
        Tensor dst = up.slice(0, r0, n);
        gelu(dst, dst, GeluApprox::Tanh);
      });
    }
    project(up, lw.w_down, lw.b_down, h);
    add_h_to_x();
  }

  // Only the rows whose logits were asked for go through the output head.
  Tensor rows = ws.get(kLastRows, {out_rows, e});
  std::int64_t next = 0;
  for (const Row& r : seqs) {
    const bool all = batch[r.seq].all_logits;
    const std::int64_t first = all ? r.first_row : r.first_row + r.n - 1, count = all ? r.n : 1;
    Tensor dst = rows.slice(0, next, count);
    dst.copy_from(x.slice(0, first, count));
    next += count;
  }
  normalize(c, rows, w.output_norm, w.output_norm_bias, output == ForwardOutput::hidden ? logits : rows);
  if (output == ForwardOutput::logits) linear(rows, w.output, Tensor(), logits, pool, ws.threads_for(out_rows), w.packed_for(w.output));

  for (const Row& r : seqs) batch[r.seq].cache->advance(r.n);
  return logits;
}

Tensor forward(const Model& model, KvCache& cache, std::span<const std::int32_t> tokens, Workspace& ws,
               bool all_logits) {
  const SequenceInput in{&cache, tokens, all_logits};
  return forward(model, std::span<const SequenceInput>(&in, 1), ws);
}

}  // namespace lf
