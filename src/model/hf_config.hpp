// The JSON files of a Hugging Face model directory, parsed from memory:
// config.json, generation_config.json and tokenizer_config.json's chat
// template. Internal to src/model (load_hf.cpp) and the fuzz targets, which
// feed them hostile text without touching the disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "liveformer/model/config.hpp"
#include "liveformer/model/model.hpp"

namespace lf::detail {

/// What config.json says: the network, and the name and EOS ids it may hold.
struct HfConfig {
  ModelConfig model;                 ///< validated
  std::string name;                  ///< "_name_or_path", may be empty
  std::vector<std::int32_t> eos_ids; ///< "eos_token_id" (an id or a list), may be empty
};

/// Parses config.json text; `source` names the file in errors. Throws
/// lf::Error for malformed JSON, missing or mistyped keys, an unsupported
/// model_type / activation / RoPE scaling, or inconsistent sizes.
HfConfig parse_hf_config(std::string_view text, const std::string& source);

/// What generation_config.json says.
struct HfGenerationConfig {
  std::vector<std::int32_t> eos_ids;
  GenerationDefaults defaults;
};
HfGenerationConfig parse_generation_config(std::string_view text, const std::string& source);

/// The chat template of a tokenizer_config.json: its "chat_template" string,
/// or the "default" entry of a list of named templates; "" when absent.
std::string parse_chat_template_config(std::string_view text, const std::string& source);

/// A file's whole content; throws lf::Error naming it when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace lf::detail
