// End to end on a GGUF whose matrices are K-quants (Q4_K / Q5_K / Q6_K,
// tests/data/models/llama_kquant, made by tools/golden/make_kquant_model.py):
// it loads, runs, and gives the logits of an F32 twin that holds the same
// dequantized values. The twin is made here, tensor by tensor, through the
// dequantizer that tests/core checks bit for bit against gguf-py.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <liveformer/formats/gguf.hpp>
#include <liveformer/model/forward.hpp>
#include <liveformer/model/convert.hpp>
#include <liveformer/model/kv_cache.hpp>
#include <liveformer/model/model.hpp>

#include "harness/compare.hpp"
#include "model/test_load_errors_fixture.hpp"

using namespace lf;
namespace fs = std::filesystem;

namespace {

fs::path kquant_model() { return fs::path(test::test_data_dir()) / "models" / "llama_kquant" / "model.gguf"; }

// The same file with every tensor widened to F32 (metadata copied as is).
void write_f32_twin(const fs::path& from, const fs::path& to) {
  const GgufFile f = GgufFile::open(from.string());
  GgufWriter w;
  for (const GgufKeyValue& kv : f.metadata()) w.set(kv.key, kv.value);
  for (const GgufTensorInfo& info : f.tensors()) w.add_tensor(info.name, f.tensor(info).to_f32());
  w.write(to.string());
}

// Logits [T, vocab] of one prefill over `ids`.
Tensor prefill_logits(const Model& m, const std::vector<std::int32_t>& ids) {
  KvCache cache(m.config(), static_cast<std::int64_t>(ids.size()));
  Workspace ws;
  return forward(m, cache, ids, ws, /*all_logits=*/true).clone();
}

const std::vector<std::int32_t> kIds{0, 17, 250, 3, 99, 401, 42, 7};

}  // namespace

TEST_CASE("a K-quant GGUF loads, keeps its types and matches its F32 twin", "[model][dequantize]") {
  test::TempDir dir;
  write_f32_twin(kquant_model(), dir / "twin.gguf");
  for (bool pack : {false, true}) {
    INFO("pack " << pack);
    LoadOptions options;
    options.pack = pack;
    const Model kq = Model::load(kquant_model(), options);
    const Model f32 = Model::load(dir / "twin.gguf", options);
    CHECK(kq.weights().token_embd.dtype() == DType::q6_k);
    CHECK(kq.weights().layers[0].wq.dtype() == DType::q4_k);
    CHECK(kq.weights().layers[0].wk.dtype() == DType::q5_k);
    CHECK(kq.weights().output.dtype() == DType::q6_k);
    CHECK(kq.info().weight_type == "mixed");

    const Tensor a = prefill_logits(kq, kIds), b = prefill_logits(f32, kIds);
    REQUIRE(a.shape() == b.shape());
    const float* pa = a.data<float>();
    const float* pb = b.data<float>();
    double max_diff = 0, max_abs = 0;
    for (std::int64_t i = 0; i < a.numel(); ++i) {
      REQUIRE(std::isfinite(pa[i]));
      max_diff = std::max(max_diff, std::abs(static_cast<double>(pa[i]) - pb[i]));
      max_abs = std::max(max_abs, std::abs(static_cast<double>(pb[i])));
    }
    INFO("max |logit difference| " << max_diff << ", max |logit| " << max_abs);
    REQUIRE(max_abs > 0.1);
    if (!pack) {
      // Unpacked, both run the same f32 kernel on the same values.
      CHECK(std::memcmp(pa, pb, static_cast<std::size_t>(a.numel()) * 4) == 0);
    } else {
      // The twin's packed f32 kernel sums in another order: f32 rounding only.
      CHECK(max_diff <= 1e-5 * max_abs);
    }
  }
}

TEST_CASE("a K-quant GGUF with a NaN super-block scale is refused when check_finite is on",
          "[model][dequantize]") {
  test::TempDir dir;
  std::vector<std::byte> bytes = test::read_bytes(kquant_model());
  // token_embd is Q6_K: its first super-block's f16 d sits at byte 208.
  const GgufFile f = GgufFile::open(kquant_model().string());
  const GgufTensorInfo* info = f.find_tensor("token_embd.weight");
  REQUIRE(info != nullptr);
  const auto first = f.tensor_bytes(*info);
  const auto at = static_cast<std::size_t>(
      std::search(bytes.begin(), bytes.end(), first.begin(), first.begin() + 210) - bytes.begin());
  REQUIRE(at + 210 <= bytes.size());
  const std::uint16_t nan = 0x7e00;
  std::memcpy(bytes.data() + at + 208, &nan, 2);
  test::write_bytes(dir / "nan.gguf", bytes);

  try {
    (void)Model::load(dir / "nan.gguf");
    FAIL("a NaN scale was accepted");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("token_embd.weight") && Catch::Contains("non-finite"));
  }
  LoadOptions unchecked;
  unchecked.check_finite = false;
  CHECK_NOTHROW(Model::load(dir / "nan.gguf", unchecked));
}

TEST_CASE("a K-quant model converts to writable types, and writing K-quants is refused", "[model][dequantize]") {
  test::TempDir dir;
  const Model kq = Model::load(kquant_model());
  CHECK_THROWS_WITH(write_gguf(kq, dir / "out.gguf", DType::q4_k),
                    Catch::Contains("cannot write them yet") && Catch::Contains("q4_k"));
  CHECK_FALSE(fs::exists(dir / "out.gguf"));
  LoadOptions to_q6;
  to_q6.quantize = DType::q6_k;
  CHECK_THROWS_WITH(Model::load(kquant_model(), to_q6), Catch::Contains("cannot quantize to q6_k"));

  // Re-encoded as q8_0 (through the dequantizer), the model still runs and
  // stays close: q8_0 rounds each weight to 1/254 of its block's range.
  write_gguf(kq, dir / "q8.gguf", DType::q8_0);
  const Model q8 = Model::load(dir / "q8.gguf");
  CHECK(q8.weights().layers[0].wq.dtype() == DType::q8_0);
  const Tensor a = prefill_logits(kq, kIds), b = prefill_logits(q8, kIds);
  double max_diff = 0, max_abs = 0;
  for (std::int64_t i = 0; i < a.numel(); ++i) {
    max_diff = std::max(max_diff, std::abs(static_cast<double>(a.data<float>()[i]) - b.data<float>()[i]));
    max_abs = std::max(max_abs, std::abs(static_cast<double>(a.data<float>()[i])));
  }
  INFO("max |logit difference| " << max_diff << ", max |logit| " << max_abs);
  CHECK(max_diff <= 0.05 * max_abs);
}
