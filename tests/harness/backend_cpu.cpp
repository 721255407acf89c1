// The CPU backend: liveformer's own lf:: ops.
#include "harness/backend.hpp"

namespace lf::test {
namespace {

class CpuBackend final : public Backend {
 public:
  std::string name() const override { return "cpu"; }
  void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool tb) override { lf::matmul(a, b, out, tb); }
  void linear(const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) override {
    lf::linear(x, w, bias, out);
  }
  void softmax(const Tensor& x, Tensor& out, const SoftmaxOptions& o) override { lf::softmax(x, out, o); }
  void layer_norm(const Tensor& x, const Tensor& w, const Tensor& b, float eps, Tensor& out) override {
    lf::layer_norm(x, w, b, eps, out);
  }
  void rms_norm(const Tensor& x, const Tensor& w, float eps, Tensor& out) override { lf::rms_norm(x, w, eps, out); }
  void gelu(const Tensor& x, Tensor& out, GeluApprox a) override { lf::gelu(x, out, a); }
  void silu(const Tensor& x, Tensor& out) override { lf::silu(x, out); }
  void swiglu(const Tensor& g, const Tensor& u, Tensor& out) override { lf::swiglu(g, u, out); }
  void add(const Tensor& a, const Tensor& b, Tensor& out) override { lf::add(a, b, out); }
  void mul(const Tensor& a, const Tensor& b, Tensor& out) override { lf::mul(a, b, out); }
  void embedding(const Tensor& table, std::span<const std::int32_t> ids, Tensor& out) override {
    lf::embedding(table, ids, out);
  }
  void rope(const Tensor& x, Tensor& out, const RopeOptions& o, std::span<const std::int32_t> pos) override {
    lf::rope(x, out, o, pos);
  }
  void attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out,
                 const AttentionOptions& o) override {
    lf::scaled_dot_product_attention(q, k, v, out, o);
  }
  void multi_head_attention(const Tensor& x, const AttentionWeights& w, const MultiHeadAttentionConfig& c,
                            Tensor& out) override {
    lf::multi_head_attention(x, w, c, out);
  }
};

}  // namespace

const std::vector<Backend*>& backends() {
  static CpuBackend cpu;
  static const std::vector<Backend*> all{&cpu};
  return all;
}

}  // namespace lf::test
