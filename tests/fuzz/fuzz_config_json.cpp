// Fuzz target: the JSON files of a Hugging Face model directory.
//
// The first input byte picks the file the rest of the input becomes:
//   0  tokenizer.json         -> Vocabulary::from_tokenizer_json, tokenizer, encode
//   1  tokenizer_config.json  -> next to a valid tokenizer.json (the tiny
//                                Qwen2 reference model's), and its chat template
//   2  config.json            -> parse_hf_config (validated ModelConfig)
//   3  generation_config.json -> parse_generation_config
// Modes 2 and 3 parse from memory, as load_hf_model does after reading the
// file (src/model/hf_config.hpp); loading the weights is the safetensors
// target's job. The tokenizer files are read by path, so modes 0 and 1 go
// through a scratch directory.
//
// Checks: a ModelConfig that parses is self-consistent (sizes positive and
// within the validator's limits), every token id is in range.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "fuzz_common.hpp"
#include "hf_config.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/vocabulary.hpp"

namespace fs = std::filesystem;

namespace {

// One scratch directory per tokenizer mode, filled with the reference files once.
fs::path tokenizer_dir(int mode) {
  const fs::path dir = lf::fuzz::scratch_dir() / ("mode" + std::to_string(mode));
  if (fs::exists(dir)) return dir;
  fs::create_directories(dir);
  const fs::path qwen2 = lf::fuzz::data_dir() / "models/qwen2";
  fs::copy_file(qwen2 / "tokenizer.json", dir / "tokenizer.json");
  if (mode == 1) fs::copy_file(qwen2 / "tokenizer_config.json", dir / "tokenizer_config.json");
  return dir;
}

void fuzz_tokenizer_files(int mode, std::span<const std::uint8_t> text) {
  static const char* const kFiles[] = {"tokenizer.json", "tokenizer_config.json"};
  const fs::path dir = tokenizer_dir(mode);
  lf::fuzz::write_file(dir / kFiles[mode], text);
  if (mode == 1)
    (void)lf::detail::parse_chat_template_config(
        std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "tokenizer_config.json");
  const auto tokenizer = lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(dir / "tokenizer.json"));
  const auto ids = tokenizer->encode("Hello world <|im_end|> 你好 \xF0\x9F\x98\x8D 123", true, true);
  for (std::int32_t id : ids)
    lf::fuzz::require(id >= 0 && static_cast<std::size_t>(id) < tokenizer->vocab_size(), "encode gave an id out of range");
  (void)tokenizer->decode(ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 4;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  try {
    if (mode <= 1) {
      fuzz_tokenizer_files(mode, rest);
    } else if (mode == 2) {
      const lf::detail::HfConfig c = lf::detail::parse_hf_config(text, "config.json");
      const lf::ModelConfig& m = c.model;
      lf::fuzz::require(m.n_embd > 0 && m.n_layers > 0 && m.n_heads > 0 && m.n_kv_heads > 0 && m.head_dim > 0 &&
                            m.vocab_size > 0 && m.n_ff > 0,
                        "a parsed config has a size <= 0");
      lf::fuzz::require(m.n_heads % m.n_kv_heads == 0, "a parsed config has query heads not a multiple of KV heads");
    } else {
      (void)lf::detail::parse_generation_config(text, "generation_config.json");
    }
  } catch (const lf::Error&) {
  }
  return 0;
}
