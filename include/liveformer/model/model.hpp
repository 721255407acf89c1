// lf::Model: a loaded model (config, weights, tokenizer, chat metadata).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/model/config.hpp"
#include "liveformer/model/weights.hpp"

namespace lf {

struct LoadOptions {
  /// Scan every weight for NaN / Inf and refuse the model if one is found.
  bool check_finite = true;
  /// Convert the projection matrices to this type while loading (q8_0,
  /// q4_0, f16, bf16 or f32); a matrix whose rows are not whole blocks
  /// keeps its type. Embeddings and norms are never converted.
  std::optional<DType> quantize;
  /// Keep, besides each projection matrix (f32, f16, bf16, q8_0, q4_0), a
  /// copy rearranged for the AVX-512 kernels (PackedWeights; made only where
  /// the CPU has AVX-512 VNNI): faster prefill for the price of the
  /// matrices' size in memory again. Tools that only rewrite the file turn
  /// it off; the CLI's --no-pack too.
  bool pack = true;
};

/// Sampling defaults a model ships with (Hugging Face generation_config.json).
struct GenerationDefaults {
  std::optional<bool> do_sample;  ///< false: greedy
  std::optional<float> temperature, top_p, repetition_penalty;
  std::optional<std::int32_t> top_k;
};

/// What the model files say about generation, beyond the network.
struct ModelInfo {
  std::string path;
  std::string format;           ///< "gguf" or "hf"
  std::string name;             ///< general.name / _name_or_path, if any
  std::string chat_template;    ///< Jinja source from the model files, may be empty
  std::vector<std::int32_t> eos_ids;  ///< generation stops at any of these
  std::string weight_type;      ///< storage type of the files' matrices ("f32", "f16", ...)
  std::string loaded_type;      ///< type of the matrices in memory (differs after quantize-on-load)
  GenerationDefaults generation;
};

/// A model loaded from a GGUF file or a Hugging Face directory. Immutable
/// after loading, so one Model may serve many contexts on many threads.
/// Weights stay memory-mapped where their type is used as stored (f32);
/// other types are converted to f32 at load time for now.
class Model {
 public:
  /// Detects the format from `path`: a file ending in .gguf (or starting
  /// with the GGUF magic) or a directory with config.json.
  static Model load(const std::filesystem::path& path, const LoadOptions& options = {});

  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  /// The tokenizer as shared with copies of this model.
  const std::shared_ptr<const Tokenizer>& shared_tokenizer() const { return tokenizer_; }
  const ModelInfo& info() const { return info_; }

  /// Assembles a model from parts (used by the loaders and by tests).
  Model(ModelConfig config, ModelWeights weights, std::shared_ptr<const Tokenizer> tokenizer, ModelInfo info);

 private:
  /// Throws lf::Error unless every special-token id is a token of the tokenizer.
  void validate_special_ids() const;

  ModelConfig config_;
  ModelWeights weights_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  ModelInfo info_;
};

/// Loaders for one format each (Model::load dispatches to them).
Model load_gguf_model(const std::filesystem::path& file, const LoadOptions& options);
Model load_hf_model(const std::filesystem::path& directory, const LoadOptions& options);

}  // namespace lf
