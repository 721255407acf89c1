// What `generate` and `chat` share: the options that load a model and shape
// its generation, and the model, generator and options they lead to.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "liveformer/liveformer.hpp"
#include "liveformer/runtime/device.hpp"

namespace lf::cli {

/// -n -1: no limit of its own; generation ends at the end of the text or
/// when the context is full.
inline constexpr std::int32_t kUntilEnd = -1;

struct GenerationArgs {
  std::string command;  ///< "generate" or "chat", for messages
  std::string model_path;
  std::int32_t max_new_tokens = 128;  ///< or kUntilEnd
  std::optional<float> temperature, top_p, min_p, repeat_penalty;
  std::optional<std::int32_t> top_k;
  std::int32_t repeat_last_n = SamplingParams{}.penalty_last_n;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> stop;
  bool stop_at_eos = true;
  std::optional<std::int64_t> context;   ///< --ctx; 0: the model's trained context
  std::optional<std::string> system;     ///< --system TEXT
  std::string chat_template;             ///< --chat-template NAME; empty: the model's
  bool verbose_prompt = false;           ///< --verbose-prompt: show the prompt on stderr
  LoadOptions load;
  ThreadCounts threads;
  DType kv_type = DType::f32;
  Device device = Device::cpu;
};

/// Reads the options generate and chat share (everything but the prompt).
GenerationArgs read_generation_args(Args& args, const std::string& command, std::int32_t default_max_new_tokens);

struct GenerationSession {
  std::shared_ptr<const Model> model;
  std::unique_ptr<Generator> generator;
  /// Sampling resolved (the model's defaults under the command line's) and
  /// seeded; max_new_tokens is the whole context for -n -1; no on_text.
  GenerateOptions options;
};

/// Loads the model and opens a generator on it. The context follows --ctx
/// (0: the trained context, said on stderr; beyond it: a warning). When
/// sampling without --seed, picks a random seed.
GenerationSession open_generation(const GenerationArgs& args);

/// When sampling, prints "seed: N" on stderr so the run can be repeated
/// (after the command's own checks, so a refused run prints one line).
void print_seed(const GenerationSession& session);

/// The chat template for --system / chat: --chat-template's format, else
/// the one the model's own template is recognised as. Throws an error that
/// names --chat-template when there is none.
ChatTemplate chat_template_for(const Model& model, const GenerationArgs& args);

/// Throws (naming --ctx) unless `n_prompt` tokens fit the generator's context.
void require_prompt_fits(std::size_t n_prompt, const Generator& generator);

}  // namespace lf::cli
