// Generator: prompt in, text out, with a KV cache, sampling and streaming.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "liveformer/model/forward.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/accelerator.hpp"
#include "liveformer/runtime/sampler.hpp"

namespace lf {

enum class StopReason {
  max_tokens,    ///< max_new_tokens generated
  eos,           ///< the model produced an end-of-sequence token
  stop_string,   ///< a stop string appeared (it is not part of the text)
  cancelled,     ///< the streaming callback asked to stop
  context_full,  ///< the context length was reached
};
const char* stop_reason_name(StopReason r);

struct GenerateOptions {
  std::int32_t max_new_tokens = 128;
  SamplingParams sampling;
  /// Generation ends before any of these strings; they never reach the
  /// output, even when split across tokens.
  std::vector<std::string> stop;
  bool stop_at_eos = true;   ///< stop at the model's EOS ids
  bool logprobs = false;     ///< record each generated token's log-probability
  /// Called with each new piece of text, always whole UTF-8 characters.
  /// Return false to cancel.
  std::function<bool(std::string_view piece)> on_text;
};

struct GenerateResult {
  std::string text;                   ///< everything streamed, stop string excluded
  std::vector<std::int32_t> tokens;   ///< generated ids (EOS / stop tokens included)
  std::vector<double> logprobs;       ///< per generated token, when asked for
  StopReason stop_reason = StopReason::max_tokens;
  std::int64_t prompt_tokens = 0;
  std::int64_t reused_prompt_tokens = 0;  ///< prefix found in the cache, not recomputed
  double prompt_seconds = 0;
  double generate_seconds = 0;
};

/// Physical memory of this machine in bytes (0 if unknown).
std::int64_t physical_memory_bytes();

/// Throws lf::Error (kind invalid) when a KV cache of `context_length`
/// positions of `kv_type` for `model` would take more than `budget_bytes`
/// (0: half of physical_memory_bytes(); negative: no limit). Contexts check
/// this before allocating, so an absurd context length is a clear error
/// rather than an out-of-memory kill.
void require_kv_budget(const Model& model, std::int64_t context_length, DType kv_type, std::int64_t budget_bytes);

/// One sequence's decoding state over a shared, read-only Model: a KV cache
/// of `context_length` positions, a workspace, and the tokens the cache
/// holds. A later prompt that starts with the same tokens reuses them
/// (prefix caching). A Generator is used by one thread at a time.
///
/// Over an AcceleratorModel (device cuda) the cache lives on the device and
/// generate() prefills and decodes there: the same loop, stop strings, EOS,
/// streaming, cancellation, context_full and prefix reuse as on the CPU.
/// The token is sampled on the device (only its id comes back) unless the
/// options need the logits on the host (penalties, logprobs, top_k outside
/// the device's 1..128), where they are copied back for lf::Sampler; either
/// way the random draws are the CPU's, so a seed gives the same tokens.
/// eval(), score() and score_batch() run on the device too (one token per
/// step where per-token logits are needed); fork() copies the cache on the
/// device; generate_batch() and generate_batch_from_cache() run the prompts
/// one after another, each on a scratch device sequence (with a device copy
/// of its cached prefix). embed() throws lf::Error (kind unsupported): the
/// device's forward pass returns logits, not hidden states.
class Generator {
 public:
  /// `threads`: how many threads its forward passes use (its own pool);
  /// kv_type: the KV cache's element type (f32, f16, bf16, or q8_0 where head_dim % 32 == 0).
  Generator(std::shared_ptr<const Model> model, std::int64_t context_length, ThreadCounts threads = {},
            DType kv_type = DType::f32);
  /// A generator whose sequence runs on the device (an f32 KV cache of
  /// `context_length` positions there).
  Generator(std::shared_ptr<const AcceleratorModel> device_model, std::int64_t context_length);

  /// Tokenizes `prompt` with the model's rule for BOS (and SentencePiece's
  /// leading space), then generates. An empty prompt starts from BOS.
  GenerateResult generate(std::string_view prompt, const GenerateOptions& options);
  /// Generates after the given prompt tokens (at least one).
  GenerateResult generate(std::span<const std::int32_t> prompt, const GenerateOptions& options);

  /// Several independent prompts decoded together: one forward pass per
  /// step for all live sequences. Results equal generating each alone.
  std::vector<GenerateResult> generate_batch(const std::vector<std::vector<std::int32_t>>& prompts,
                                             const GenerateOptions& options);
  /// generate_batch() where each prompt first takes, from a copy of this
  /// generator's cache, the longest cached prefix it shares (at most all
  /// but its last token), so a shared prompt prefix evaluated once is not
  /// recomputed per sequence. Each result equals generate() of that prompt
  /// on a fork() of this generator; this generator's cache is left as it was.
  std::vector<GenerateResult> generate_batch_from_cache(const std::vector<std::vector<std::int32_t>>& prompts,
                                                        const GenerateOptions& options);

  /// Log-probabilities of each token of `continuation` after `prefix`
  /// (prefix must be non-empty). Reuses cached prefix tokens.
  std::vector<double> score(std::span<const std::int32_t> prefix, std::span<const std::int32_t> continuation);

  /// score() for several continuations of one prefix: the prefix is
  /// evaluated once (and stays cached), the continuations run as one batch.
  std::vector<std::vector<double>> score_batch(std::span<const std::int32_t> prefix,
                                               const std::vector<std::vector<std::int32_t>>& continuations);

  /// Appends `tokens` to the cache and returns the last token's logits
  /// [vocab] (valid until the next call).
  std::span<const float> eval(std::span<const std::int32_t> tokens);
  /// eval()'s last result (empty before the first call).
  std::span<const float> last_logits() const;

  enum class Pooling { mean, last };
  /// Pooled final hidden states of `tokens` [n_embd], computed in a scratch
  /// cache (this generator's state is untouched).
  std::vector<float> embed(std::span<const std::int32_t> tokens, Pooling pooling);

  /// A new generator over the same model with a copy of this one's cache
  /// and token history (to reuse a prefix from several threads or turns),
  /// with its own thread pool of the same size.
  Generator fork() const;
  /// Keeps the first `n` cached tokens.
  void truncate(std::int64_t n);

  /// The prompt's token ids as generate(string) would compute them.
  std::vector<std::int32_t> tokenize_prompt(std::string_view prompt) const;

  const Model& model() const { return *model_; }
  /// The device model this generator runs on; null on the CPU.
  const AcceleratorModel* accelerator() const { return device_model_.get(); }
  std::int64_t context_length() const;
  ThreadCounts threads() const { return workspace_.threads(); }
  DType kv_type() const { return cache_ ? cache_->dtype() : DType::f32; }
  /// Tokens whose K/V the cache holds.
  const std::vector<std::int32_t>& cached_tokens() const { return cached_; }

 private:
  // Keeps the longest cached prefix of `tokens` (at most max_keep tokens)
  // and drops the rest; returns its length.
  std::int64_t reuse_prefix(std::span<const std::int32_t> tokens, std::int64_t max_keep);
  // Brings the cache to hold `tokens` (reusing a common prefix) and returns
  // the logits after the last one. Returns the reused prefix length.
  // to_host false (a device that picks the token itself): no logits come back.
  std::int64_t prefill(std::span<const std::int32_t> tokens, bool all_logits, Tensor& logits, bool to_host = true);
  // The batched decoding loop: prompts[i] on its own cache, which starts
  // from the first keep[i] positions of this generator's cache.
  std::vector<GenerateResult> decode_batch(const std::vector<std::vector<std::int32_t>>& prompts,
                                           const std::vector<std::int64_t>& keep, const GenerateOptions& options);

  // Appends `tokens` to the cache (CPU or device) and brings their
  // logits: the last token's ([1, vocab]) or, with all_logits, every one's.
  // On a device with to_host false, none come back (an empty tensor).
  Tensor extend(std::span<const std::int32_t> tokens, bool all_logits = false, bool to_host = true);
  // Throws lf::Error (kind unsupported) for a call the device does not run.
  void require_cpu(const char* call) const;

  std::shared_ptr<const Model> model_;
  std::optional<KvCache> cache_;  // the CPU's; none on a device
  std::shared_ptr<const AcceleratorModel> device_model_;
  std::unique_ptr<AcceleratorSequence> device_;  // the device's sequence
  Workspace workspace_;
  std::vector<std::int32_t> cached_;
  Tensor last_logits_;  // eval()'s result
};

}  // namespace lf
