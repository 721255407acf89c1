// lf::limits: the caps on what a model file, a prompt or a caller controls.
// One place, so docs/reliability.md can list them and tests can reach them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lf::limits {

/// JSON containers may nest this deep in any JSON liveformer parses
/// (config.json, generation_config.json, tokenizer.json,
/// tokenizer_config.json, safetensors indexes). Real files need at most 6.
inline constexpr int kMaxJsonDepth = 64;

/// config.json, generation_config.json, tokenizer_config.json,
/// chat_template.jinja: a few KB in practice (tokenizer_config.json of
/// models with many added tokens reaches ~1 MB).
inline constexpr std::size_t kMaxSmallFileBytes = std::size_t{16} << 20;

/// tokenizer.json, tokenizer.model, encoder.json, vocab.bpe: Gemma's
/// 256k-token tokenizer.json is ~33 MB, the largest in common use.
inline constexpr std::size_t kMaxTokenizerFileBytes = std::size_t{128} << 20;

/// Token ids in tokenizer.json and encoder.json may leave gaps, but the
/// highest id is below 2 x (ids listed) + kTokenIdSlack, so memory follows
/// the file's size, not an id it names.
inline constexpr std::int64_t kTokenIdSlack = 1024;

}  // namespace lf::limits
