#include "liveformer/model/model.hpp"

#include <array>
#include <fstream>
#include <string_view>

#include "liveformer/core/error.hpp"

namespace lf {

Model::Model(ModelConfig config, ModelWeights weights, std::shared_ptr<const Tokenizer> tokenizer, ModelInfo info)
    : config_(std::move(config)), weights_(std::move(weights)), tokenizer_(std::move(tokenizer)), info_(std::move(info)) {
  LF_CHECK(tokenizer_ != nullptr, info_.path.c_str(), "model has no tokenizer");
  LF_CHECK(static_cast<std::int64_t>(tokenizer_->vocab_size()) <= config_.vocab_size, info_.path.c_str(),
        "tokenizer has " + std::to_string(tokenizer_->vocab_size()) + " tokens but the model only " +
            std::to_string(config_.vocab_size) + " embeddings");
  validate_special_ids();
}

// Every loader ends here, so every special-token id from every source
// (GGUF's eos/eot/bos/unk/pad keys, config.json and generation_config.json's
// eos_token_id, tokenizer_config.json, a tokenizer.model) is range-checked
// once, before anything indexes the vocabulary or the embedding rows with it.
// The tokenizer's size bounds both: it is at most the number of embeddings.
void Model::validate_special_ids() const {
  const auto n = static_cast<std::int64_t>(tokenizer_->vocab_size());
  const auto check = [&](std::int64_t id, const std::string& what) {
    LF_CHECK(id >= 0 && id < n, info_.path.c_str(),
             what + " id " + std::to_string(id) + " outside the vocabulary (the tokenizer has " + std::to_string(n) +
                 " tokens: ids 0 to " + std::to_string(n - 1) + ")");
  };
  for (const std::int32_t id : info_.eos_ids) check(id, "eos token");
  const Vocabulary& v = tokenizer_->vocabulary();
  const std::pair<std::int32_t, const char*> named[] = {
      {v.bos_id, "bos"}, {v.eos_id, "eos"}, {v.unk_id, "unk"}, {v.pad_id, "pad"}};
  for (const auto& [id, what] : named)
    if (id != -1) check(id, std::string(what) + " token");
}

namespace {

bool starts_with_gguf_magic(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::array<char, 4> magic{};
  return f.read(magic.data(), 4) && std::string(magic.data(), 4) == "GGUF";
}

Model load_by_format(const std::filesystem::path& path, const LoadOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw_error(path.string(), "no such file or directory", ErrorKind::io);
  if (std::filesystem::is_directory(status)) {
    LF_CHECK(std::filesystem::exists(path / "config.json"), path.string().c_str(),
          "directory has no config.json (expected a Hugging Face model directory)");
    return load_hf_model(path, options);
  }
  // Reading a FIFO would wait for a writer, /dev/zero never ends.
  LF_CHECK(std::filesystem::is_regular_file(status), path.string().c_str(), "is not a regular file or a directory");
  if (path.extension() == ".gguf" || starts_with_gguf_magic(path)) return load_gguf_model(path, options);
  if (path.filename() == "config.json") return load_hf_model(path.parent_path(), options);
  throw_error(path.string(), "unrecognised model format (expected a .gguf file or a Hugging Face directory)");
}

// Packs every matrix the forward pass multiplies by (the output head too,
// even when it shares token_embd's storage: the embedding reads the stored
// rows, the head the packed copy).
void pack_matrices(ModelWeights& w) {
  auto add = [&](const Tensor& t) {
    if (PackedWeights::can_pack(t) && !w.packed.count(t.bytes()))
      w.packed.emplace(t.bytes(), std::make_shared<const PackedWeights>(PackedWeights::pack(t)));
  };
  for (const LayerWeights& l : w.layers)
    for (const Tensor* t : {&l.wqkv, &l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) add(*t);
  add(w.output);
}

}  // namespace

Model Model::load(const std::filesystem::path& path, const LoadOptions& options) {
  try {
    Model model = load_by_format(path, options);
    if (options.pack) pack_matrices(model.weights_);
    return model;
  } catch (const Error& e) {
    // Parts that do not know the file (a tokenizer's regex, its merges)
    // report without a path; with many models loaded, say which one.
    if (std::string_view(e.what()).find(path.string()) != std::string_view::npos) throw;
    throw_error(path.string(), e.what(), e.kind());
  }
}

}  // namespace lf
