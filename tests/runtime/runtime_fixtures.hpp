// Shared pieces of the runtime tests: the models they load, the golden
// prompts of the tiny reference models, and independent reference
// computations (UTF-8 validation, log-softmax of a fresh forward pass).
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <liveformer/model/forward.hpp>
#include <liveformer/model/kv_cache.hpp>
#include <liveformer/model/model.hpp>

#include "harness/compare.hpp"

namespace lf::test::runtime {

/// A golden case of tests/data/models/<model>/golden/prompts.json.
struct Golden {
  std::string name, text;
  std::vector<std::int32_t> input_ids;
  std::vector<std::int32_t> greedy_20;  ///< transformers' greedy continuation (EOS disabled)
};

inline std::filesystem::path tiny_model_dir(const std::string& model) {
  return std::filesystem::path(test_data_dir()) / "models" / model;
}

inline std::vector<Golden> goldens(const std::string& model) {
  std::ifstream in(tiny_model_dir(model) / "golden" / "prompts.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<Golden> out;
  for (const auto& p : j.at("prompts"))
    out.push_back({p.at("name").get<std::string>(), p.at("text").get<std::string>(),
                   p.at("input_ids").get<std::vector<std::int32_t>>(),
                   p.at("greedy_20").get<std::vector<std::int32_t>>()});
  return out;
}

inline Golden golden(const std::string& model, const std::string& name) {
  for (auto& g : goldens(model))
    if (g.name == name) return g;
  throw std::runtime_error("no golden prompt " + name);
}

/// Models are loaded once per test program (loading is not what is tested).
inline std::shared_ptr<const Model> load_cached(const std::filesystem::path& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Model>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[path.string()];
  if (!slot) slot = std::make_shared<const Model>(Model::load(path));
  return slot;
}

inline std::shared_ptr<const Model> tiny_model(const std::string& name) { return load_cached(tiny_model_dir(name)); }

inline std::filesystem::path stories_path() {
  return std::filesystem::path(shared_dir()) / "models" / "stories260K" / "stories260K.gguf";
}
/// nullptr when ../shared is absent.
inline std::shared_ptr<const Model> stories_model() {
  if (!have_shared()) return nullptr;
  return load_cached(stories_path());
}
inline std::string stories_reference_text() {
  std::ifstream in(std::filesystem::path(shared_dir()) / "models" / "stories260K" / "greedy-200-from-bos.txt",
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The same network and tokenizer with other EOS ids, so a test can make
/// any token the end of sequence.
inline std::shared_ptr<const Model> with_eos(const std::shared_ptr<const Model>& base, std::vector<std::int32_t> eos) {
  ModelInfo info = base->info();
  info.eos_ids = std::move(eos);
  return std::make_shared<const Model>(base->config(), base->weights(),
                                       std::shared_ptr<const Tokenizer>(base, &base->tokenizer()), std::move(info));
}

/// Strict UTF-8 check written from RFC 3629's grammar (independent of
/// liveformer's utf8.hpp): no overlongs, no surrogates, nothing above
/// U+10FFFF, no truncated sequences.
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b <= 0x7F) {
      i += 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      if (!cont(1)) return false;
      i += 2;
    } else if (b == 0xE0) {
      if (!cont(1, 0xA0, 0xBF) || !cont(2)) return false;
      i += 3;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      if (!cont(1) || !cont(2)) return false;
      i += 3;
    } else if (b == 0xED) {
      if (!cont(1, 0x80, 0x9F) || !cont(2)) return false;
      i += 3;
    } else if (b == 0xF0) {
      if (!cont(1, 0x90, 0xBF) || !cont(2) || !cont(3)) return false;
      i += 4;
    } else if (b >= 0xF1 && b <= 0xF3) {
      if (!cont(1) || !cont(2) || !cont(3)) return false;
      i += 4;
    } else if (b == 0xF4) {
      if (!cont(1, 0x80, 0x8F) || !cont(2) || !cont(3)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

/// log softmax(row)[id] in long double.
inline double log_softmax_at(std::span<const float> row, std::int32_t id) {
  float mx = row[0];
  for (float v : row) mx = std::max(mx, v);
  long double z = 0;
  for (float v : row) z += std::exp(static_cast<long double>(v) - mx);
  return static_cast<double>(static_cast<long double>(row[static_cast<std::size_t>(id)]) - mx - std::log(z));
}

/// Logits for every position of `tokens`, from one forward pass over a
/// fresh cache: the reference the generator's incremental decoding must
/// agree with. Row r predicts tokens[r + 1].
inline std::vector<std::vector<float>> full_logits(const Model& model, const std::vector<std::int32_t>& tokens) {
  KvCache cache(model.config(), static_cast<std::int64_t>(tokens.size()));
  Workspace ws;
  const Tensor logits = forward(model, cache, tokens, ws, /*all_logits=*/true);
  const std::int64_t v = logits.dim(1);
  std::vector<std::vector<float>> out;
  for (std::int64_t r = 0; r < logits.dim(0); ++r)
    out.emplace_back(logits.data<float>() + r * v, logits.data<float>() + (r + 1) * v);
  return out;
}

/// Log-probabilities of tokens[first..] given everything before them.
inline std::vector<double> reference_logprobs(const Model& model, const std::vector<std::int32_t>& tokens,
                                              std::size_t first) {
  const auto rows = full_logits(model, tokens);
  std::vector<double> out;
  for (std::size_t i = first; i < tokens.size(); ++i) out.push_back(log_softmax_at(rows[i - 1], tokens[i]));
  return out;
}

template <class A, class B>
std::vector<std::int32_t> concat(const A& a, const B& b) {
  std::vector<std::int32_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace lf::test::runtime
