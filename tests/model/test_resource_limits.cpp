// Resource limits: a KV cache larger than the memory budget is refused
// before anything is allocated (lf::require_kv_budget, which the C API's
// kv_budget_bytes and the CLI use), with a message that says what to do.
// (Files whose tensors run past their end: tests/data/bad/, test_bad_corpus;
// prompts longer than the context: tests/runtime/test_generator_tiny.cpp.)
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>

#include <liveformer/model/kv_cache.hpp>
#include <liveformer/model/model.hpp>
#include <liveformer/runtime/generator.hpp>

#include "harness/compare.hpp"

using Catch::Contains;

namespace {

const lf::Model& tiny_qwen2() {
  static const lf::Model model = lf::Model::load(std::filesystem::path(lf::test::test_data_dir()) / "models" / "qwen2");
  return model;
}

}  // namespace

TEST_CASE("resource limits: the KV budget is exact and its message actionable", "[model][limits]") {
  const lf::Model& model = tiny_qwen2();
  const lf::ModelConfig& c = model.config();
  // The size, computed here from the config: K and V, every layer, every kv head.
  const std::int64_t per_token = 2 * c.n_layers * c.n_kv_heads * c.head_dim * 4;
  REQUIRE(lf::KvCache::bytes_for(c, 100, lf::DType::f32) == 100 * per_token);
  REQUIRE(lf::KvCache::bytes_for(c, 100, lf::DType::f16) == 100 * per_token / 2);

  CHECK_NOTHROW(lf::require_kv_budget(model, 100, lf::DType::f32, 100 * per_token));
  CHECK_THROWS_AS(lf::require_kv_budget(model, 100, lf::DType::f32, 100 * per_token - 1), lf::Error);
  CHECK_THROWS_WITH(lf::require_kv_budget(model, 100, lf::DType::f32, 100 * per_token - 1),
                    Contains("a KV cache of 100 tokens (f32) needs") && Contains("over the memory budget of") &&
                        Contains("use a shorter context, an f16 KV cache, or a larger budget"));
  // f16 halves the need, so the same budget fits twice the tokens.
  CHECK_NOTHROW(lf::require_kv_budget(model, 200, lf::DType::f16, 100 * per_token));
  CHECK_THROWS_WITH(lf::require_kv_budget(model, 201, lf::DType::f16, 100 * per_token), Contains("(f16)"));
}

TEST_CASE("resource limits: default budget, no limit, and sizes past 2^63", "[model][limits]") {
  const lf::Model& model = tiny_qwen2();
  const std::int64_t memory = lf::physical_memory_bytes();
  REQUIRE(memory > 0);  // Linux reports it
  const std::int64_t per_token = lf::KvCache::bytes_for(model.config(), 1, lf::DType::f32);
  // Budget 0 is half of the machine's memory: a context one token beyond it is refused.
  const std::int64_t fits = (memory / 2) / per_token;
  CHECK_NOTHROW(lf::require_kv_budget(model, fits, lf::DType::f32, 0));
  CHECK_THROWS_WITH(lf::require_kv_budget(model, fits + 1, lf::DType::f32, 0),
                    Contains("(half of this machine's memory)"));
  // A byte count that overflows int64 is refused by any budget, and named so.
  CHECK_THROWS_WITH(lf::require_kv_budget(model, INT64_MAX / 2, lf::DType::f32, INT64_MAX),
                    Contains("needs more than 2^63 bytes"));
  // A negative budget means no limit: the check passes even for absurd sizes
  // (the allocation itself would then fail with its own error).
  CHECK_NOTHROW(lf::require_kv_budget(model, INT64_MAX / 2, lf::DType::f32, -1));
}
