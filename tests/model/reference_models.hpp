// The tiny Hugging Face reference models in tests/data/models and their
// golden outputs (written by tools/reference/make_tiny_models.py).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <liveformer/model/forward.hpp>

#include "harness/compare.hpp"
#include "harness/npy.hpp"

namespace lf::test {

struct GoldenPrompt {
  std::string name;
  std::vector<std::int32_t> input_ids;
  std::vector<std::int32_t> greedy_20;  ///< transformers' greedy continuation
  std::filesystem::path logits;         ///< [T, vocab] float32 .npy
};

inline std::filesystem::path reference_model_dir(const std::string& model) {
  return std::filesystem::path(test_data_dir()) / "models" / model;
}

inline std::vector<GoldenPrompt> golden_prompts(const std::string& model) {
  const auto dir = reference_model_dir(model) / "golden";
  std::ifstream in(dir / "prompts.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<GoldenPrompt> out;
  for (const auto& p : j.at("prompts"))
    out.push_back({p.at("name").get<std::string>(), p.at("input_ids").get<std::vector<std::int32_t>>(),
                   p.at("greedy_20").get<std::vector<std::int32_t>>(), dir / p.at("logits").get<std::string>()});
  return out;
}

inline const std::vector<std::string>& reference_model_names() {
  static const std::vector<std::string> names{"gpt2", "llama", "qwen2"};
  return names;
}

/// Logits of every position of `ids` from one prefill.
inline Tensor full_logits(const Model& m, const std::vector<std::int32_t>& ids) {
  KvCache cache(m.config(), static_cast<std::int64_t>(ids.size()) + 8);
  Workspace ws;
  return forward(m, cache, ids, ws, /*all_logits=*/true).clone();
}

}  // namespace lf::test
