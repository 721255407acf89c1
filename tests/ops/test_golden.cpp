// liveformer's CPU ops against PyTorch: fixtures in tests/data/golden,
// written by tools/golden/make_golden.py (torch, float64 references).
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <liveformer/ops.hpp>

#include "harness/compare.hpp"
#include "harness/npy.hpp"
#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// One fixture directory: meta.json, float32 inputs, float64 want.npy.
struct Golden {
  std::string name;
  std::filesystem::path dir;
  JsonScalars meta;
  NpyArray want;

  explicit Golden(const std::string& case_name)
      : name(case_name),
        dir(std::filesystem::path(test_data_dir()) / "golden" / case_name),
        meta(JsonScalars::read(dir / "meta.json")),
        want(read_npy(dir / "want.npy")) {
    LF_CHECK(meta.text("case") == case_name, "golden", (dir / "meta.json").string() + " describes another case");
    LF_CHECK(want.type == NpyType::f8, "golden", (dir / "want.npy").string() + " must be float64");
  }

  Tensor input(const std::string& file) const { return load_npy_tensor(dir / (file + ".npy")); }

  // Checks shape and values of `got` against want.npy.
  void compare(const Tensor& got, const std::string& what = "") const {
    INFO("case " << name << (what.empty() ? "" : " (" + what + ")"));
    REQUIRE(got.shape() == want.lf_shape());
    const double err = relative_error(got, want.to_f64());
    CAPTURE(err, kF32Tolerance);
    CHECK(err <= kF32Tolerance);
  }
};

SoftmaxOptions softmax_options(const Golden& g) {
  SoftmaxOptions o;
  o.scale = static_cast<float>(g.meta.number("scale"));
  o.causal = g.meta.boolean("causal");
  if (g.meta.has("causal_offset")) o.causal_offset = g.meta.integer("causal_offset");
  if (std::filesystem::exists(g.dir / "mask.npy")) o.mask = g.input("mask");
  return o;
}

AttentionOptions attention_options(const Golden& g) {
  AttentionOptions o;
  if (g.meta.has("scale")) o.scale = static_cast<float>(g.meta.number("scale"));
  o.causal = g.meta.boolean("causal");
  if (g.meta.has("causal_offset")) o.causal_offset = g.meta.integer("causal_offset");
  if (std::filesystem::exists(g.dir / "mask.npy")) o.mask = g.input("mask");
  return o;
}

}  // namespace

// ---- softmax ---------------------------------------------------------------

TEST_CASE("golden: softmax matches torch", "[ops][golden][softmax]") {
  for (const char* name : {"softmax_7x33", "softmax_large", "softmax_offset", "softmax_mask", "softmax_causal"}) {
    const Golden g(name);
    REQUIRE(g.meta.text("op") == "softmax");
    const Tensor x = g.input("x");
    const SoftmaxOptions o = softmax_options(g);
    Tensor out = Tensor::empty(x.shape());
    softmax(x, out, o);
    g.compare(out);

    // The header allows out == x.
    Tensor inplace = x.clone();
    softmax(inplace, inplace, o);
    g.compare(inplace, "in place");
  }
}

// ---- layer_norm ------------------------------------------------------------

TEST_CASE("golden: layer_norm matches torch, with and without bias", "[ops][golden][norm]") {
  for (const char* name : {"layer_norm_affine", "layer_norm_no_bias"}) {
    const Golden g(name);
    REQUIRE(g.meta.text("op") == "layer_norm");
    const Tensor x = g.input("x");
    const Tensor bias = g.meta.boolean("has_bias") ? g.input("bias") : Tensor{};
    Tensor out = Tensor::empty(x.shape());
    layer_norm(x, g.input("weight"), bias, static_cast<float>(g.meta.number("eps")), out);
    g.compare(out);
  }
}

// ---- gelu --------------------------------------------------------------------

TEST_CASE("golden: gelu matches torch for approximate='tanh' and 'none'", "[ops][golden][activation]") {
  for (const char* name : {"gelu_tanh", "gelu_erf"}) {
    const Golden g(name);
    REQUIRE(g.meta.text("op") == "gelu");
    const std::string approx = g.meta.text("approximate");
    REQUIRE((approx == "tanh" || approx == "none"));
    const Tensor x = g.input("x");
    Tensor out = Tensor::empty(x.shape());
    gelu(x, out, approx == "tanh" ? GeluApprox::Tanh : GeluApprox::Erf);
    g.compare(out);
  }
}

// ---- multi-head attention -----------------------------------------------------

TEST_CASE("golden: multi_head_attention matches torch's multi_head_attention_forward", "[ops][golden][attention]") {
  const Golden g("mha_causal");
  REQUIRE(g.meta.text("op") == "multi_head_attention");
  const Tensor x = g.input("x");
  // torch's in_proj_weight is [3E, E] with rows q, k, v: the fused layout.
  AttentionWeights w;
  w.qkv = g.input("in_proj_weight");
  w.qkv_bias = g.input("in_proj_bias");
  w.o = g.input("out_proj_weight");
  w.o_bias = g.input("out_proj_bias");
  MultiHeadAttentionConfig config;
  config.n_heads = g.meta.integer("num_heads");
  config.n_kv_heads = g.meta.integer("num_kv_heads");
  config.head_dim = g.meta.integer("head_dim");
  config.attention.causal = g.meta.boolean("causal");
  Tensor out = Tensor::empty({x.dim(0), w.o.dim(0)});
  multi_head_attention(x, w, config, out);
  g.compare(out);
}

// ---- scaled dot-product attention -------------------------------------------------

TEST_CASE("golden: scaled_dot_product_attention matches torch (GQA, decode, offsets, masks)",
          "[ops][golden][attention]") {
  for (const char* name : {"sdpa_gqa_causal", "sdpa_decode", "sdpa_prefill_offset", "sdpa_mask"}) {
    const Golden g(name);
    REQUIRE(g.meta.text("op") == "scaled_dot_product_attention");
    const Tensor q = g.input("q"), k = g.input("k"), v = g.input("v");
    REQUIRE(q.dim(1) == g.meta.integer("num_heads"));
    REQUIRE(k.dim(1) == g.meta.integer("num_kv_heads"));
    const AttentionOptions o = attention_options(g);
    Tensor out = Tensor::empty({q.dim(0), q.dim(1), v.dim(2)});
    scaled_dot_product_attention(q, k, v, out, o);
    g.compare(out);

    if (o.causal) {
      // The fixtures' offset is Tk - Tq, which the header documents as the
      // default: leaving it out must not change the result.
      REQUIRE(*o.causal_offset == k.dim(0) - q.dim(0));
      AttentionOptions implicit = o;
      implicit.causal_offset.reset();
      Tensor out2 = Tensor::empty(out.shape());
      scaled_dot_product_attention(q, k, v, out2, implicit);
      g.compare(out2, "default causal_offset");
    }
  }
}

TEST_CASE("golden: scaled_dot_product_attention reads strided q/k/v views of a fused buffer",
          "[ops][golden][attention]") {
  // As after a fused QKV projection: [T, Hq + 2 Hkv, D], heads sliced out.
  const Golden g("sdpa_gqa_causal");
  const Tensor q = g.input("q"), k = g.input("k"), v = g.input("v");
  const std::int64_t hq = q.dim(1), hkv = k.dim(1);
  const std::int64_t tokens = q.dim(0), d = q.dim(2), row = (hq + 2 * hkv) * d;
  Tensor fused = Tensor::empty({tokens, hq + 2 * hkv, d});
  float* f = fused.data<float>();
  for (std::int64_t t = 0; t < tokens; ++t) {  // copy_from needs a contiguous destination
    std::memcpy(f + t * row, q.data<float>() + t * hq * d, sizeof(float) * hq * d);
    std::memcpy(f + t * row + hq * d, k.data<float>() + t * hkv * d, sizeof(float) * hkv * d);
    std::memcpy(f + t * row + (hq + hkv) * d, v.data<float>() + t * hkv * d, sizeof(float) * hkv * d);
  }
  const Tensor qv = fused.slice(1, 0, hq), kv = fused.slice(1, hq, hkv), vv = fused.slice(1, hq + hkv, hkv);
  REQUIRE_FALSE(qv.is_contiguous());
  REQUIRE(kv.stride(0) == row);
  Tensor out = Tensor::empty({q.dim(0), hq, v.dim(2)});
  scaled_dot_product_attention(qv, kv, vv, out, attention_options(g));
  g.compare(out, "strided views");
}

// ---- the .npy / meta.json readers themselves --------------------------------------

namespace {

// A .npy file in memory: `header` is the dict literal; padded as NumPy does.
std::vector<std::byte> npy_file(int major, std::string header, const std::vector<std::byte>& data) {
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  while ((10 + len_bytes - 2 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<std::byte> f;
  for (char c : std::string("\x93NUMPY")) f.push_back(static_cast<std::byte>(c));
  f.push_back(static_cast<std::byte>(major));
  f.push_back(std::byte{0});
  for (std::size_t i = 0; i < len_bytes; ++i) f.push_back(static_cast<std::byte>((header.size() >> (8 * i)) & 0xff));
  for (char c : header) f.push_back(static_cast<std::byte>(c));
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

template <class T>
std::vector<std::byte> raw(const std::vector<T>& values) {
  std::vector<std::byte> b(values.size() * sizeof(T));
  std::memcpy(b.data(), values.data(), b.size());
  return b;
}

}  // namespace

TEST_CASE("npy reader parses the formats NumPy writes", "[golden][npy]") {
  SECTION("1.0, <f4, 2-d") {
    const NpyArray a = parse_npy(
        npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", raw<float>({1, 2, 3, 4, 5, 6.5f})),
        "mem");
    CHECK(a.shape == std::vector<std::int64_t>{2, 3});
    const Tensor t = a.to_tensor();
    CHECK(t.shape() == Shape({2, 3}));
    CHECK(t.data<float>()[5] == 6.5f);
  }
  SECTION("2.0, <i8, 0-d") {
    const NpyArray a = parse_npy(npy_file(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                                          raw<std::int64_t>({-7})),
                                 "mem");
    CHECK(a.shape.empty());
    CHECK(a.to_i64() == std::vector<std::int64_t>{-7});
    CHECK(a.to_f64() == std::vector<double>{-7.0});
  }
  SECTION("3.0, <f8 and <i4, 1-d with a trailing comma") {
    const NpyArray d = parse_npy(
        npy_file(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", raw<double>({0.1, -2.5})), "mem");
    CHECK(d.to_f64() == std::vector<double>{0.1, -2.5});
    CHECK_THROWS_AS(d.to_tensor(), Error);  // no silent f64 -> f32 narrowing
    const NpyArray i = parse_npy(
        npy_file(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", raw<std::int32_t>({1, -2, 3})),
        "mem");
    CHECK(i.to_i64() == std::vector<std::int64_t>{1, -2, 3});
  }
  SECTION("a committed fixture") {
    const NpyArray a = read_npy(std::filesystem::path(test_data_dir()) / "golden" / "softmax_7x33" / "x.npy");
    CHECK(a.type == NpyType::f4);
    CHECK(a.shape == std::vector<std::int64_t>{7, 33});
  }
}

TEST_CASE("npy reader rejects what it does not support with lf::Error", "[golden][npy]") {
  using Catch::Matchers::Contains;
  const std::vector<std::byte> six_floats = raw<float>({1, 2, 3, 4, 5, 6});
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", six_floats),
                              "big.npy"),
                    Contains("big.npy") && Contains("'>f4'"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", six_floats),
                              "m"),
                    Contains("unsupported dtype '<f2'"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", six_floats),
                              "m"),
                    Contains("Fortran"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", six_floats),
                              "m"),
                    Contains("truncated data"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", six_floats),
                              "m"),
                    Contains("unexpected bytes"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f4', 'shape': (6,), }", six_floats), "m"),
                    Contains("bad header"));
  CHECK_THROWS_WITH(parse_npy(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", six_floats),
                              "m"),
                    Contains("bad header"));
  std::vector<std::byte> v4 = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", six_floats);
  v4[6] = std::byte{4};
  CHECK_THROWS_WITH(parse_npy(v4, "m"), Contains("version 4.0"));
  std::vector<std::byte> cut = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", six_floats);
  cut.resize(40);  // inside the header
  CHECK_THROWS_WITH(parse_npy(cut, "m"), Contains("truncated header"));
  CHECK_THROWS_WITH(parse_npy(raw<float>({1, 2, 3, 4}), "m"), Contains("magic"));
  CHECK_THROWS_AS(read_npy("/nonexistent/x.npy"), Error);
  const NpyArray five_d = parse_npy(
      npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 1, 3), }", six_floats), "m");
  CHECK_THROWS_WITH(five_d.to_tensor(), Contains("rank 5"));
}

TEST_CASE("meta.json reader returns typed scalars and names missing keys", "[golden][json]") {
  using Catch::Matchers::Contains;
  const JsonScalars m = JsonScalars::parse(
      R"({"eps": 1e-5, "num_heads": 4, "causal": true, "op": "gelu", "rows": [1, 2], "none": null})", "meta.json");
  CHECK(m.number("eps") == 1e-5);
  CHECK(m.integer("num_heads") == 4);
  CHECK(m.number("num_heads") == 4.0);
  CHECK(m.boolean("causal"));
  CHECK(m.text("op") == "gelu");
  CHECK_FALSE(m.has("rows"));
  CHECK_FALSE(m.has("none"));
  CHECK_THROWS_WITH(m.integer("eps"), Contains("meta.json") && Contains("'eps'"));
  CHECK_THROWS_WITH(m.number("scale"), Contains("no number member 'scale'"));
  CHECK_THROWS_WITH(m.text("causal"), Contains("not a string"));
  CHECK_THROWS_AS(JsonScalars::parse("{\"a\": ", "bad.json"), Error);
  CHECK_THROWS_AS(JsonScalars::parse("[1, 2]", "list.json"), Error);
}
