// Every op rejects bad arguments with an lf::Error naming the op and shapes.
#include <catch2/catch.hpp>

#include "harness/backend.hpp"

using namespace lf;
using namespace lf::test;
using Catch::Contains;

TEST_CASE("matmul and linear reject mismatched shapes", "[ops][errors]") {
  for (Backend* be : backends()) {
    Tensor out = Tensor::empty({3, 4});
    CHECK_THROWS_AS(be->matmul(Tensor::empty({3, 5}), Tensor::empty({4, 6}), out, true), Error);
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}), Tensor::empty({4, 6}), out, true),
                      Contains("matmul") && Contains("[3,5]") && Contains("[4,6]"));
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}), Tensor::empty({4, 5}), out, false), Contains("matmul"));
    Tensor wrong = Tensor::empty({3, 5});
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}), Tensor::empty({4, 5}), wrong, true),
                      Contains("out must be [3,4]") && Contains("[3,5]"));
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}), Tensor::empty({2, 4, 5}), out, true),
                      Contains("b must have rank 2") && Contains("[2,4,5]"));
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}), Tensor::empty({5, 4}).transpose(0, 1), out, true),
                      Contains("b [4,5] must be contiguous"));
    CHECK_THROWS_WITH(be->matmul(Tensor::empty({3, 5}, DType::f16), Tensor::empty({4, 5}), out, true),
                      Contains("a must be f32") && Contains("f16[3,5]"));
    CHECK_THROWS_WITH(be->linear(Tensor::empty({3, 5}), Tensor::empty({4, 5}), Tensor::empty({5}), out),
                      Contains("linear") && Contains("bias must be [4]") && Contains("[5]"));
  }
}

TEST_CASE("softmax rejects bad masks and shapes", "[ops][errors]") {
  for (Backend* be : backends()) {
    Tensor x = Tensor::zeros({2, 3, 7}), out = Tensor::empty({2, 3, 7});
    SoftmaxOptions o;
    o.mask = Tensor::zeros({4, 7});
    CHECK_THROWS_WITH(be->softmax(x, out, o),
                      Contains("softmax") && Contains("mask shape [4,7]") && Contains("[2,3,7]"));
    o.mask = Tensor::zeros({1, 2, 3, 7});
    CHECK_THROWS_WITH(be->softmax(x, out, o), Contains("softmax") && Contains("[1,2,3,7]"));
    Tensor small = Tensor::empty({2, 3, 6});
    CHECK_THROWS_WITH(be->softmax(x, small, {}), Contains("softmax") && Contains("[2,3,7]") && Contains("[2,3,6]"));
    CHECK_THROWS_WITH(be->softmax(Tensor::zeros({7, 3}).transpose(0, 1), out, {}),
                      Contains("softmax") && Contains("x [3,7] must be contiguous"));
  }
}

TEST_CASE("norms and activations reject mismatched parameters", "[ops][errors]") {
  for (Backend* be : backends()) {
    Tensor x = Tensor::zeros({2, 8}), out = Tensor::empty({2, 8});
    CHECK_THROWS_WITH(be->layer_norm(x, Tensor::zeros({7}), Tensor(), 1e-5f, out),
                      Contains("layer_norm") && Contains("weight must be [8]") && Contains("[7]"));
    CHECK_THROWS_WITH(be->layer_norm(x, Tensor::zeros({8}), Tensor::zeros({9}), 1e-5f, out),
                      Contains("layer_norm") && Contains("bias must be [8]"));
    CHECK_THROWS_WITH(be->rms_norm(x, Tensor::zeros({2, 8}), 1e-5f, out), Contains("rms_norm") && Contains("[2,8]"));
    Tensor other = Tensor::empty({8, 2});
    CHECK_THROWS_WITH(be->gelu(x, other, GeluApprox::Tanh), Contains("gelu") && Contains("[2,8]") && Contains("[8,2]"));
    CHECK_THROWS_WITH(be->silu(x, other), Contains("silu"));
    CHECK_THROWS_WITH(be->swiglu(x, Tensor::zeros({2, 9}), out), Contains("swiglu") && Contains("[2,9]"));
    CHECK_THROWS_WITH(be->add(x, Tensor::zeros({3}), out), Contains("add") && Contains("[2,8]") && Contains("[3]"));
    CHECK_THROWS_WITH(be->mul(x, Tensor::zeros({8}), other), Contains("mul") && Contains("out must be [2,8]"));
    // Writing into a broadcast operand would read back its own results.
    Tensor row = Tensor::zeros({8});
    Tensor full = Tensor::zeros({2, 8});
    CHECK_THROWS_WITH(be->add(full, row, row), Contains("add"));
  }
}

TEST_CASE("rope rejects bad ranks, odd rotary dims and position counts", "[ops][errors]") {
  for (Backend* be : backends()) {
    Tensor x = Tensor::zeros({3, 2, 8}), out = Tensor::empty({3, 2, 8});
    Tensor flat = Tensor::zeros({3, 16});
    CHECK_THROWS_WITH(be->rope(flat, flat, {}, {}), Contains("rope") && Contains("rank 3") && Contains("[3,16]"));
    RopeOptions o;
    o.rotary_dim = 5;
    CHECK_THROWS_WITH(be->rope(x, out, o, {}), Contains("rope") && Contains("rotary_dim 5") && Contains("[3,2,8]"));
    o.rotary_dim = 10;
    CHECK_THROWS_WITH(be->rope(x, out, o, {}), Contains("rotary_dim 10"));
    const std::vector<std::int32_t> two{0, 1};
    CHECK_THROWS_WITH(be->rope(x, out, {}, two), Contains("2 positions for 3 tokens"));
  }
}

TEST_CASE("attention rejects head counts that do not divide and mismatched tensors", "[ops][errors]") {
  for (Backend* be : backends()) {
    Tensor out = Tensor::empty({4, 6, 8});
    CHECK_THROWS_WITH(be->attention(Tensor::zeros({4, 6, 8}), Tensor::zeros({5, 4, 8}), Tensor::zeros({5, 4, 8}), out, {}),
                      Contains("scaled_dot_product_attention") && Contains("kv heads must divide") &&
                          Contains("q [4,6,8]") && Contains("k [5,4,8]"));
    CHECK_THROWS_WITH(be->attention(Tensor::zeros({4, 6, 8}), Tensor::zeros({5, 2, 7}), Tensor::zeros({5, 2, 8}), out, {}),
                      Contains("head_dim differ"));
    CHECK_THROWS_WITH(be->attention(Tensor::zeros({4, 6, 8}), Tensor::zeros({5, 2, 8}), Tensor::zeros({6, 2, 8}), out, {}),
                      Contains("k and v must agree"));
    CHECK_THROWS_WITH(be->attention(Tensor::zeros({4, 48}), Tensor::zeros({5, 2, 8}), Tensor::zeros({5, 2, 8}), out, {}),
                      Contains("q must have rank 3") && Contains("[4,48]"));
    AttentionOptions o;
    o.mask = Tensor::zeros({3, 5});
    CHECK_THROWS_WITH(be->attention(Tensor::zeros({4, 6, 8}), Tensor::zeros({5, 2, 8}), Tensor::zeros({5, 2, 8}), out, o),
                      Contains("mask [3,5] does not broadcast to [6,4,5]"));
    // A view whose head dimension is strided cannot feed the GEMM.
    const Tensor strided = Tensor::zeros({4, 8, 6}).transpose(1, 2);
    CHECK_THROWS_WITH(be->attention(strided, Tensor::zeros({5, 2, 8}), Tensor::zeros({5, 2, 8}), out, {}),
                      Contains("contiguous head dimension"));
  }
}

TEST_CASE("multi_head_attention rejects inconsistent configurations", "[ops][errors]") {
  for (Backend* be : backends()) {
    const Tensor x = Tensor::zeros({3, 12});
    Tensor out = Tensor::empty({3, 12});
    AttentionWeights w;
    w.qkv = Tensor::zeros({36, 12});
    w.o = Tensor::zeros({12, 12});
    MultiHeadAttentionConfig c;
    c.n_heads = 5;
    CHECK_THROWS_WITH(be->multi_head_attention(x, w, c, out),
                      Contains("multi_head_attention") && Contains("width 12") && Contains("n_heads 5"));
    c.n_heads = 4;
    c.n_kv_heads = 3;
    CHECK_THROWS_WITH(be->multi_head_attention(x, w, c, out), Contains("n_kv_heads 3 must divide n_heads 4"));
    c.n_kv_heads = 2;
    CHECK_THROWS_WITH(be->multi_head_attention(x, w, c, out), Contains("qkv must be [24,12]") && Contains("[36,12]"));
    c.n_kv_heads = 4;
    w.q = Tensor::zeros({12, 12});
    CHECK_THROWS_WITH(be->multi_head_attention(x, w, c, out), Contains("either the fused qkv"));
    w.q = Tensor();
    w.o = Tensor();
    CHECK_THROWS_WITH(be->multi_head_attention(x, w, c, out), Contains("output projection o is missing"));
  }
}
