// POST /v1/chat/completions and /v1/completions: the request body parsed and
// checked (OpenAI's field names, types and ranges), the prompt tokenized.
// Unknown fields are ignored, as OpenAI does; a wrong type or value is an
// ApiError 400 naming the field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <liveformer/liveformer.h>

#include "common/model.hpp"

namespace lf::serve {

struct CompletionRequest {
  bool chat = false;
  std::string model;               ///< as the client named it (echoed back)
  app::Tokens prompt;
  std::int32_t max_tokens = 0;     ///< resolved: never past the context
  float temperature = 1.0f;        ///< OpenAI's default
  float top_p = 1.0f;
  float presence_penalty = 0, frequency_penalty = 0;
  std::uint64_t seed = 0;
  bool has_seed = false;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;      ///< stream_options.include_usage
  bool echo = false;               ///< /v1/completions: prepend the prompt text
  bool ignore_eos = false;         ///< extension (as llama.cpp's server): generate past EOS
  std::string prompt_text;         ///< for echo
};

/// The body's prompt before tokenizing: chat messages, text, or token ids.
struct PromptInput {
  app::Messages messages;          ///< chat
  std::string text;                ///< completions: a string prompt
  std::vector<std::int64_t> ids;   ///< completions: token ids (range checked against the vocabulary later)
  bool is_ids = false;
};

struct CompletionLimits {
  std::int32_t n_ctx = 0;          ///< a slot's context length
  std::int32_t default_max_tokens = 256;
  std::size_t max_stop = 4;        ///< OpenAI allows up to 4 stop sequences
  std::size_t max_stop_bytes = 256;
  std::size_t max_messages = 1024;
};

/// Reads every field of the body (no model needed): throws ApiError (400)
/// on a malformed body or field. `r.prompt` stays empty and max_tokens is
/// the requested one (0: none named) until resolve_prompt().
CompletionRequest parse_completion_body(const std::string& body, bool chat, const CompletionLimits& limits,
                                        PromptInput& prompt);
/// Tokenizes the prompt with `model` and fits max_tokens to the context:
/// ApiError 400 when the prompt does not fit (with its token count and the
/// limit), a token id outside the vocabulary, or no chat template.
void resolve_prompt(CompletionRequest& r, const PromptInput& prompt, const app::Model& model, const CompletionLimits& limits);
/// Both steps.
CompletionRequest parse_completion(const std::string& body, bool chat, const app::Model& model,
                                   const CompletionLimits& limits);

/// lf_generate_params for the request (stop strings point into `r`).
lf_generate_params generate_params(const CompletionRequest& r, std::vector<const char*>& stop_ptrs);

}  // namespace lf::serve
