// Fixtures for the model-loading error tests: a temporary directory, a tiny
// valid llama-architecture GGUF model built with lf::GgufWriter (variants
// drop or reshape tensors, or poison one with NaN), and byte-level patching
// of written files.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

#include <liveformer/core/error.hpp>
#include <liveformer/core/tensor.hpp>
#include <liveformer/formats/gguf.hpp>

namespace lf::test {

/// A fresh directory under the system temp dir, removed with its contents
/// when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("liveformer_load_errors_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  LF_CHECK(in.good(), p.string().c_str(), "test fixture: cannot open");
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

inline void write_bytes(const std::filesystem::path& p, std::span<const std::byte> bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  LF_CHECK(out.good(), p.string().c_str(), "test fixture: cannot write");
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  write_bytes(p, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

/// Overwrites a little-endian integer at `offset`.
template <class T>
void poke(std::vector<std::byte>& bytes, std::size_t offset, T value) {
  LF_CHECK(offset + sizeof(T) <= bytes.size(), "poke", "offset past the end of the test file");
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

/// Offset of the tensor-info record of `name` in GGUF bytes: the position
/// just after its name (where n_dims starts). The name is searched with its
/// u64 length prefix, so "output.weight" does not match "attn_output.weight".
inline std::size_t gguf_tensor_info_offset(const std::vector<std::byte>& bytes, const std::string& name) {
  std::vector<std::byte> needle(8 + name.size());
  const std::uint64_t len = name.size();
  std::memcpy(needle.data(), &len, 8);
  std::memcpy(needle.data() + 8, name.data(), name.size());
  const auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  LF_CHECK(it != bytes.end(), "gguf_tensor_info_offset", "tensor '" + name + "' not found in the test file");
  return static_cast<std::size_t>(it - bytes.begin()) + needle.size();
}

/// The tiny model's hyperparameters (chosen so GQA, 2 layers and a separate
/// output matrix are all exercised).
struct TinyLlama {
  static constexpr std::int64_t kVocab = 8, kEmbd = 8, kLayers = 2, kHeads = 2, kKvHeads = 1, kHeadDim = 4,
                                kFf = 16, kCtx = 32;
  static constexpr float kEps = 1e-5f;

  /// SentencePiece pieces: ids 0..2 are <unk>, <s>, </s>; "▁a" and "▁b" let
  /// "a b" encode as two tokens.
  static std::vector<std::string> tokens() {
    return {"<unk>", "<s>", "</s>", "\xE2\x96\x81", "a", "b", "\xE2\x96\x81" "a", "\xE2\x96\x81" "b"};
  }
};

/// How a tiny GGUF model deviates from the valid one.
struct TinyGgufVariant {
  std::set<std::string> omit_keys;             ///< metadata keys left out
  std::set<std::string> omit_tensors;          ///< tensors left out
  std::map<std::string, Shape> tensor_shapes;  ///< tensors written with another shape
  std::string nan_tensor;                      ///< tensor whose element 3 is NaN
};

/// Deterministic weight values in about [-0.5, 0.5] (norm weights near 1).
inline Tensor tiny_weight(const std::string& name, const Shape& shape, bool is_norm) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data<float>();
  std::uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    h = h * 1664525u + 1013904223u;
    const float u = static_cast<float>(h >> 8) / 16777216.0f - 0.5f;  // [-0.5, 0.5)
    p[i] = is_norm ? 1.0f + 0.2f * u : u;
  }
  return t;
}

/// The metadata and tensors of the valid tiny model, with `variant`'s
/// changes. The returned writer can be changed further (set() replaces a key).
inline GgufWriter tiny_llama_writer(const TinyGgufVariant& variant = {}) {
  using M = TinyLlama;
  GgufWriter w;
  auto set = [&](const std::string& key, GgufValue v) {
    if (!variant.omit_keys.count(key)) w.set(key, std::move(v));
  };
  set("general.architecture", "llama");
  set("general.name", "tiny-llama-test");
  set("llama.embedding_length", static_cast<std::uint32_t>(M::kEmbd));
  set("llama.block_count", static_cast<std::uint32_t>(M::kLayers));
  set("llama.attention.head_count", static_cast<std::uint32_t>(M::kHeads));
  set("llama.attention.head_count_kv", static_cast<std::uint32_t>(M::kKvHeads));
  set("llama.feed_forward_length", static_cast<std::uint32_t>(M::kFf));
  set("llama.context_length", static_cast<std::uint32_t>(M::kCtx));
  set("llama.attention.layer_norm_rms_epsilon", M::kEps);
  set("llama.rope.freq_base", 10000.0f);
  set("llama.rope.dimension_count", static_cast<std::uint32_t>(M::kHeadDim));
  set("tokenizer.ggml.model", "llama");
  const std::vector<std::string> tokens = M::tokens();
  set("tokenizer.ggml.tokens", tokens);
  set("tokenizer.ggml.scores", std::vector<float>{0.0f, 0.0f, 0.0f, -1.0f, -2.0f, -3.0f, -0.5f, -0.6f});
  // llama.cpp token types: 2 unknown, 3 control, 1 normal.
  set("tokenizer.ggml.token_type", std::vector<std::int32_t>{2, 3, 3, 1, 1, 1, 1, 1});
  set("tokenizer.ggml.bos_token_id", std::uint32_t{1});
  set("tokenizer.ggml.eos_token_id", std::uint32_t{2});
  set("tokenizer.ggml.unknown_token_id", std::uint32_t{0});

  auto add = [&](const std::string& name, Shape shape, bool is_norm = false) {
    if (variant.omit_tensors.count(name)) return;
    if (const auto it = variant.tensor_shapes.find(name); it != variant.tensor_shapes.end()) shape = it->second;
    Tensor t = tiny_weight(name, shape, is_norm);
    if (name == variant.nan_tensor) t.data<float>()[3] = std::numeric_limits<float>::quiet_NaN();
    w.add_tensor(name, t);
  };
  const std::int64_t e = M::kEmbd, qd = M::kHeads * M::kHeadDim, kvd = M::kKvHeads * M::kHeadDim, ff = M::kFf;
  add("token_embd.weight", {M::kVocab, e});
  for (std::int64_t i = 0; i < M::kLayers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    add(b + "attn_norm.weight", {e}, true);
    add(b + "attn_q.weight", {qd, e});
    add(b + "attn_k.weight", {kvd, e});
    add(b + "attn_v.weight", {kvd, e});
    add(b + "attn_output.weight", {e, qd});
    add(b + "ffn_norm.weight", {e}, true);
    add(b + "ffn_gate.weight", {ff, e});
    add(b + "ffn_up.weight", {ff, e});
    add(b + "ffn_down.weight", {e, ff});
  }
  add("output_norm.weight", {e}, true);
  add("output.weight", {M::kVocab, e});
  return w;
}

/// Writes the tiny model (with `variant`) to `dir/name` and returns the path.
inline std::filesystem::path write_tiny_llama(const TempDir& dir, const std::string& name,
                                              const TinyGgufVariant& variant = {}) {
  const auto path = dir / name;
  tiny_llama_writer(variant).write(path.string());
  return path;
}

}  // namespace lf::test
