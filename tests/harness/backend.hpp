// The backends under test. Every op test runs each case on every backend
// listed by backends() and compares it with the double-precision reference
// (reference.hpp), like ggml's test-backend-ops. The CPU backend forwards to
// lf:: ops; the CUDA backend, run through the kernel emulator, registers
// itself here too, so both are held to the same cases and tolerances.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <liveformer/ops.hpp>

namespace lf::test {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;

  virtual void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool transpose_b) = 0;
  virtual void linear(const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) = 0;
  virtual void softmax(const Tensor& x, Tensor& out, const SoftmaxOptions& options) = 0;
  virtual void layer_norm(const Tensor& x, const Tensor& w, const Tensor& b, float eps, Tensor& out) = 0;
  virtual void rms_norm(const Tensor& x, const Tensor& w, float eps, Tensor& out) = 0;
  virtual void gelu(const Tensor& x, Tensor& out, GeluApprox approx) = 0;
  virtual void silu(const Tensor& x, Tensor& out) = 0;
  virtual void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) = 0;
  virtual void add(const Tensor& a, const Tensor& b, Tensor& out) = 0;
  virtual void mul(const Tensor& a, const Tensor& b, Tensor& out) = 0;
  virtual void embedding(const Tensor& table, std::span<const std::int32_t> ids, Tensor& out) = 0;
  virtual void rope(const Tensor& x, Tensor& out, const RopeOptions& options,
                    std::span<const std::int32_t> positions) = 0;
  virtual void attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out,
                         const AttentionOptions& options) = 0;
  virtual void multi_head_attention(const Tensor& x, const AttentionWeights& w,
                                    const MultiHeadAttentionConfig& config, Tensor& out) = 0;
};

/// Every backend compiled into this test build (the CPU backend first).
const std::vector<Backend*>& backends();

}  // namespace lf::test
