// Independent double-precision reference implementations of every op:
// plain loops over logical values, written from the math, sharing no code
// with the library (they never call lf:: ops).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include <liveformer/core/tensor.hpp>

namespace lf::test {

/// Logical values of a tensor in row-major order, in double.
struct Array {
  std::vector<std::int64_t> shape;
  std::vector<double> data;
  std::int64_t dim(int i) const { return shape[static_cast<std::size_t>(i < 0 ? i + int(shape.size()) : i)]; }
};

Array to_array(const Tensor& t);
/// numpy-style broadcast of `a` to `shape`.
Array ref_broadcast(const Array& a, const std::vector<std::int64_t>& shape);

Array ref_matmul(const Array& a, const Array& b, bool transpose_b);
/// ‖|x|·|w|ᵀ‖ / ‖x·wᵀ‖ (at least 1), with want = x·wᵀ: the condition number
/// of the products. f32 rounding errors scale with sum |x|·|w|, not with
/// the result, so tolerances of x·wᵀ are stated relative to it.
double ref_matmul_condition(const Array& x, const Array& w, const Array& want);
Array ref_linear(const Array& x, const Array& w, const Array* bias);
Array ref_softmax(const Array& x, double scale, const Array* mask, bool causal, std::int64_t causal_offset);
Array ref_layer_norm(const Array& x, const Array& w, const Array* b, double eps);
Array ref_rms_norm(const Array& x, const Array& w, double eps);
Array ref_gelu_tanh(const Array& x);
Array ref_gelu_erf(const Array& x);
Array ref_silu(const Array& x);
Array ref_swiglu(const Array& gate, const Array& up);
Array ref_add(const Array& a, const Array& b);
Array ref_mul(const Array& a, const Array& b);
/// Rows `ids` of a table whose values were already decoded.
Array ref_embedding(const Array& table, const std::vector<std::int32_t>& ids);
/// Decodes raw rows of a q8_0 / q4_0 / f16 / bf16 table (GGUF layouts).
Array ref_decode(const Tensor& table);
Array ref_rope(const Array& x, bool interleaved, double theta, std::int64_t rotary_dim,
               const std::vector<std::int64_t>& positions);
/// q [Tq,Hq,D], k [Tk,Hkv,D], v [Tk,Hkv,Dv]; mask broadcastable to [Hq,Tq,Tk].
Array ref_attention(const Array& q, const Array& k, const Array& v, double scale, bool causal,
                    std::int64_t causal_offset, const Array* mask);

// ---- inputs --------------------------------------------------------------
/// Uniform random f32 tensor in [lo, hi).
Tensor random_tensor(const Shape& shape, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f);
/// A generator seeded from Catch's --rng-seed and a case label, so each case
/// gets its own stream and a failure reproduces with the printed seed.
std::mt19937 rng_for(const std::string& label);

}  // namespace lf::test
