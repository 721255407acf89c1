#include "liveformer/runtime/generator.hpp"

#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <chrono>

#include "decode_state.hpp"
#include "liveformer/runtime/prefix_cache.hpp"

namespace lf {

const char* stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::max_tokens: return "max_tokens";
    case StopReason::eos: return "eos";
    case StopReason::stop_string: return "stop_string";
    case StopReason::cancelled: return "cancelled";
    case StopReason::context_full: return "context_full";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::span<const float> row(const Tensor& logits, std::int64_t r) {
  const std::int64_t v = logits.dim(1);
  return {logits.data<float>() + r * v, static_cast<std::size_t>(v)};
}

// The sampling parameters as a device sees them: penalties switched off
// where penalty_last_n already does (lf::Sampler ignores them then).
SamplingParams device_sampling(SamplingParams p) {
  if (p.penalty_last_n == 0) {
    p.repetition_penalty = 1.0f;
    p.presence_penalty = 0.0f;
    p.frequency_penalty = 0.0f;
  }
  return p;
}

}  // namespace

namespace {

std::int64_t checked_context(const Model& model, std::int64_t context_length) {
  const ModelConfig& c = model.config();
  // GPT-2 has no position embeddings beyond those it learned.
  LF_CHECK(c.arch != Architecture::gpt2 || context_length <= c.n_ctx_train, "Generator",
           "context length " + std::to_string(context_length) + " exceeds GPT-2's " + std::to_string(c.n_ctx_train) +
               " learned positions");
  return context_length;
}

}  // namespace

std::int64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page : 0;
}

void require_kv_budget(const Model& model, std::int64_t context_length, DType kv_type, std::int64_t budget_bytes) {
  if (budget_bytes < 0) return;
  const bool by_default = budget_bytes == 0;
  if (by_default) budget_bytes = physical_memory_bytes() / 2;
  if (budget_bytes == 0) return;  // memory size unknown
  const std::int64_t need = KvCache::bytes_for(model.config(), context_length, kv_type);
  auto gib = [](double b) {
    char s[32];
    std::snprintf(s, sizeof s, "%.2f GiB", b / (1024.0 * 1024.0 * 1024.0));
    return std::string(s);
  };
  if (need < 0 || need > budget_bytes)
    throw_error("context",
                "a KV cache of " + std::to_string(context_length) + " tokens (" + std::string(dtype_name(kv_type)) +
                    ") needs " + (need < 0 ? std::string("more than 2^63 bytes") : gib(static_cast<double>(need))) +
                    ", over the memory budget of " + gib(static_cast<double>(budget_bytes)) +
                    (by_default ? " (half of this machine's memory)" : "") +
                    "; use a shorter context, an f16 KV cache, or a larger budget");
}

Generator::Generator(std::shared_ptr<const Model> model, std::int64_t context_length, ThreadCounts threads,
                     DType kv_type)
    : model_(std::move(model)),
      cache_(std::in_place, model_->config(), checked_context(*model_, context_length), kv_type),
      workspace_(threads) {}

Generator::Generator(std::shared_ptr<const AcceleratorModel> device_model, std::int64_t context_length)
    : model_(device_model ? device_model->host_model() : nullptr), device_model_(std::move(device_model)) {
  LF_CHECK(device_model_ != nullptr && model_ != nullptr, "Generator", "no device model");
  LF_CHECK(context_length > 0, "Generator", "context length must be positive, got " + std::to_string(context_length));
  device_ = device_model_->open(checked_context(*model_, context_length));
}

std::int64_t Generator::context_length() const { return device_ ? device_->capacity() : cache_->capacity(); }

std::span<const float> Generator::last_logits() const {
  return last_logits_.defined() ? std::span<const float>(last_logits_.data<float>(), static_cast<std::size_t>(last_logits_.numel()))
                                : std::span<const float>();
}

void Generator::require_cpu(const char* call) const {
  if (!device_) return;
  throw_error(call,
              "not available on device cuda (" + device_model_->device_name() +
                  "): its forward pass returns logits, not hidden states; use a context on device cpu for it",
              ErrorKind::unsupported);
}

Tensor Generator::extend(std::span<const std::int32_t> tokens, bool all_logits, bool to_host) {
  if (!device_) return forward(*model_, *cache_, tokens, workspace_, all_logits);
  const std::int64_t vocab = model_->config().vocab_size;
  if (!all_logits) {
    device_->eval(tokens);
    if (!to_host) return {};
    const std::vector<float> logits = device_->logits();
    return Tensor::from(logits, {1, vocab});
  }
  // The device keeps the last token's logits only: one step per token.
  const std::int64_t start = device_->size(), n = static_cast<std::int64_t>(tokens.size());
  Tensor out = Tensor::empty({n, vocab});
  try {
    for (std::int64_t i = 0; i < n; ++i) {
      device_->eval(tokens.subspan(static_cast<std::size_t>(i), 1));
      const std::vector<float> logits = device_->logits();
      std::copy(logits.begin(), logits.end(), out.data<float>() + i * vocab);
    }
  } catch (...) {
    device_->truncate(start);  // as the CPU: a failed call changes nothing
    throw;
  }
  return out;
}

std::vector<std::int32_t> Generator::tokenize_prompt(std::string_view prompt) const {
  const Tokenizer& tok = model_->tokenizer();
  std::vector<std::int32_t> ids = tok.encode(prompt, /*add_special=*/true);
  const std::int32_t bos = tok.vocabulary().bos_id;
  if (ids.empty() && bos >= 0) ids.push_back(bos);  // nothing to condition on: start from BOS
  LF_CHECK(!ids.empty(), "generate", "empty prompt and the model has no BOS token");
  return ids;
}

std::int64_t Generator::reuse_prefix(std::span<const std::int32_t> tokens, std::int64_t max_keep) {
  // cached_ always mirrors the cache; truncating both together keeps it so
  // even when the forward pass that follows throws.
  const std::int64_t keep = common_prefix_length(cached_, tokens, max_keep);
  truncate(keep);
  return keep;
}

std::int64_t Generator::prefill(std::span<const std::int32_t> tokens, bool all_logits, Tensor& logits, bool to_host) {
  const auto n = static_cast<std::int64_t>(tokens.size());
  LF_CHECK(n > 0, "generate", "the prompt has no tokens");
  if (n > context_length())
    throw_error("generate",
                "prompt of " + std::to_string(n) + " tokens does not fit the context length " +
                    std::to_string(context_length()),
                ErrorKind::context_full);
  // Recompute at least the last token: its logits are needed.
  const std::int64_t keep = reuse_prefix(tokens, all_logits ? 0 : n - 1);
  logits = extend(tokens.subspan(static_cast<std::size_t>(keep)), all_logits, to_host);
  cached_.assign(tokens.begin(), tokens.end());
  return keep;
}

GenerateResult Generator::generate(std::string_view prompt, const GenerateOptions& options) {
  const std::vector<std::int32_t> ids = tokenize_prompt(prompt);
  return generate(std::span<const std::int32_t>(ids), options);
}

GenerateResult Generator::generate(std::span<const std::int32_t> prompt, const GenerateOptions& options) {
  options.sampling.validate();  // before any work: a bad parameter is the caller's error
  const auto t0 = Clock::now();
  // On a device, the token is picked there unless the host needs the logits.
  const SamplingParams on_device = device_sampling(options.sampling);
  const bool device_picks = device_ && !options.logprobs && device_->can_sample(on_device);
  Tensor logits;
  const std::int64_t reused = prefill(prompt, false, logits, !device_picks);
  DecodeState seq(*model_, options, prompt);
  seq.result().prompt_tokens = static_cast<std::int64_t>(prompt.size());
  seq.result().reused_prompt_tokens = reused;
  seq.result().prompt_seconds = seconds_since(t0);

  const auto t1 = Clock::now();
  while (!seq.done()) {
    if (device_picks)
      seq.step_on(*device_, on_device);
    else
      seq.step(row(logits, 0));
    if (seq.done()) break;
    if (static_cast<std::int64_t>(cached_.size()) >= context_length()) {
      seq.finish(StopReason::context_full);
      break;
    }
    const std::int32_t next = seq.last_token();
    logits = extend(std::span<const std::int32_t>(&next, 1), false, !device_picks);
    cached_.push_back(next);
  }
  seq.result().generate_seconds = seconds_since(t1);
  return std::move(seq.result());
}

std::vector<GenerateResult> Generator::generate_batch(const std::vector<std::vector<std::int32_t>>& prompts,
                                                      const GenerateOptions& options) {
  options.sampling.validate();
  for (const auto& p : prompts) {
    LF_CHECK(!p.empty(), "generate_batch", "every prompt needs at least one token");
    LF_CHECK(static_cast<std::int64_t>(p.size()) <= context_length(), "generate_batch",
          "prompt of " + std::to_string(p.size()) + " tokens does not fit the context length " +
              std::to_string(context_length()));
  }
  return decode_batch(prompts, std::vector<std::int64_t>(prompts.size(), 0), options);
}

std::vector<GenerateResult> Generator::generate_batch_from_cache(const std::vector<std::vector<std::int32_t>>& prompts,
                                                                 const GenerateOptions& options) {
  options.sampling.validate();
  std::vector<std::int64_t> keep;
  for (const auto& p : prompts) {
    LF_CHECK(!p.empty(), "generate_batch", "every prompt needs at least one token");
    if (static_cast<std::int64_t>(p.size()) > context_length())
      throw_error("generate_batch",
                  "prompt of " + std::to_string(p.size()) + " tokens does not fit the context length " +
                      std::to_string(context_length()),
                  ErrorKind::context_full);
    // As prefill() does: the last prompt token is always recomputed, its logits are needed.
    keep.push_back(common_prefix_length(cached_, p, static_cast<std::int64_t>(p.size()) - 1));
  }
  return decode_batch(prompts, keep, options);
}

std::vector<GenerateResult> Generator::decode_batch(const std::vector<std::vector<std::int32_t>>& prompts,
                                                    const std::vector<std::int64_t>& keep,
                                                    const GenerateOptions& options) {
  if (device_) {
    // One prompt after another, each on a scratch device sequence sized as
    // the caches below and starting from a device copy of its keep[i]
    // cached positions: each result is generate() of that prompt on a
    // fork(), as on the CPU; this generator's sequence is only read.
    std::vector<GenerateResult> out;
    const std::int64_t max_new = std::max<std::int64_t>(options.max_new_tokens, 0);
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      const auto len = static_cast<std::int64_t>(prompts[i].size());
      Generator scratch(device_model_, std::min(context_length(), len + max_new));
      scratch.device_->copy_prefix(*device_, keep[i]);
      scratch.cached_.assign(cached_.begin(), cached_.begin() + keep[i]);
      out.push_back(scratch.generate(std::span<const std::int32_t>(prompts[i]), options));
    }
    return out;
  }
  const std::size_t n = prompts.size();
  const auto t0 = Clock::now();
  // Each sequence gets its own cache, sized for its prompt and answer only:
  // a sequence stops at max_new_tokens before feeding its last token, so
  // prompt + max_new_tokens positions reach the same results as the whole
  // context length. This generator's own cache is only read.
  std::vector<KvCache> caches;
  caches.reserve(n);
  std::vector<std::unique_ptr<DecodeState>> seqs;
  std::vector<SequenceInput> batch;
  const std::int64_t max_new = std::max<std::int64_t>(options.max_new_tokens, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto len = static_cast<std::int64_t>(prompts[i].size());
    caches.emplace_back(model_->config(), std::min(cache_->capacity(), len + max_new), cache_->dtype());
    if (keep[i] > 0) caches.back().copy_prefix(*cache_, keep[i]);
    seqs.push_back(std::make_unique<DecodeState>(*model_, options, prompts[i]));
    seqs.back()->result().prompt_tokens = len;
    seqs.back()->result().reused_prompt_tokens = keep[i];
  }
  for (std::size_t i = 0; i < n; ++i)
    batch.push_back({&caches[i], std::span<const std::int32_t>(prompts[i]).subspan(static_cast<std::size_t>(keep[i])), false});
  Tensor logits = forward(*model_, batch, workspace_);
  const double prompt_seconds = seconds_since(t0);
  const auto t1 = Clock::now();
  std::vector<std::size_t> rows(n);  // logits row of each live sequence
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;

  std::vector<std::int32_t> next(n);
  while (true) {
    batch.clear();
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < n; ++i) {
      DecodeState& s = *seqs[i];
      if (s.done()) continue;
      s.step(row(logits, static_cast<std::int64_t>(rows[i])));
      if (s.done()) continue;
      if (caches[i].size() >= cache_->capacity()) {
        s.finish(StopReason::context_full);
        continue;
      }
      next[i] = s.last_token();
      live.push_back(i);
    }
    if (live.empty()) break;
    for (std::size_t j = 0; j < live.size(); ++j) {
      batch.push_back({&caches[live[j]], std::span<const std::int32_t>(&next[live[j]], 1), false});
      rows[live[j]] = j;
    }
    logits = forward(*model_, batch, workspace_);
  }
  const double generate_seconds = seconds_since(t1);
  std::vector<GenerateResult> out;
  for (auto& s : seqs) {
    s->result().prompt_seconds = prompt_seconds;
    s->result().generate_seconds = generate_seconds;
    out.push_back(std::move(s->result()));
  }
  return out;
}

std::vector<double> Generator::score(std::span<const std::int32_t> prefix, std::span<const std::int32_t> continuation) {
  LF_CHECK(!prefix.empty(), "score", "the prefix needs at least one token (e.g. BOS)");
  std::vector<std::int32_t> all(prefix.begin(), prefix.end());
  all.insert(all.end(), continuation.begin(), continuation.end());
  LF_CHECK(static_cast<std::int64_t>(all.size()) <= context_length(), "score",
        std::to_string(all.size()) + " tokens do not fit the context length " + std::to_string(context_length()));
  // Reuse the cached part of the prefix; logits are needed from the last
  // prefix token on.
  const std::int64_t keep = reuse_prefix(all, static_cast<std::int64_t>(prefix.size()) - 1);
  std::span<const std::int32_t> rest(all.data() + keep, all.size() - static_cast<std::size_t>(keep));
  std::int64_t first = static_cast<std::int64_t>(prefix.size()) - 1 - keep;  // row predicting continuation[0]
  if (device_ && first > 0) {
    // The device steps token by token for per-token logits: the prefix
    // tokens whose logits nobody reads go in one piece first. (A failed
    // extend() leaves the device as it was, like the CPU's forward.)
    extend(rest.first(static_cast<std::size_t>(first)), false, false);
    cached_.insert(cached_.end(), rest.begin(), rest.begin() + first);  // mirrors the cache, should the rest fail
    rest = rest.subspan(static_cast<std::size_t>(first));
    first = 0;
  }
  const Tensor logits = extend(rest, /*all_logits=*/true);
  cached_ = all;
  std::vector<double> out;
  for (std::size_t i = 0; i < continuation.size(); ++i)
    out.push_back(Sampler::log_prob(row(logits, first + static_cast<std::int64_t>(i)), continuation[i]));
  return out;
}

}  // namespace lf

namespace lf {

std::vector<std::vector<double>> Generator::score_batch(std::span<const std::int32_t> prefix,
                                                        const std::vector<std::vector<std::int32_t>>& continuations) {
  LF_CHECK(!prefix.empty(), "score", "the prefix needs at least one token (e.g. BOS)");
  std::size_t longest = 0;
  for (const auto& c : continuations) {
    LF_CHECK(!c.empty(), "score", "every continuation needs at least one token");
    longest = std::max(longest, c.size());
  }
  LF_CHECK(prefix.size() + longest <= static_cast<std::size_t>(context_length()), "score",
           std::to_string(prefix.size()) + " prefix + " + std::to_string(longest) +
               " continuation tokens do not fit the context length " + std::to_string(context_length()));
  std::vector<std::vector<double>> out(continuations.size());
  if (continuations.empty()) return out;

  // The prefix, once: its last logits predict every continuation's first token.
  Tensor prefix_logits;
  prefill(prefix, false, prefix_logits);
  prefix_logits = prefix_logits.clone();
  const auto n_prefix = static_cast<std::int64_t>(prefix.size());

  if (device_) {
    // Each continuation extends the prefix in place, token by token, and is
    // cut off again (cheaper than a device copy of the prefix per continuation).
    for (std::size_t i = 0; i < continuations.size(); ++i) {
      const auto& c = continuations[i];
      out[i].push_back(Sampler::log_prob(row(prefix_logits, 0), c[0]));
      try {
        if (c.size() > 1) {
          const Tensor logits = extend(std::span<const std::int32_t>(c).first(c.size() - 1), true);
          for (std::size_t t = 1; t < c.size(); ++t)
            out[i].push_back(Sampler::log_prob(row(logits, static_cast<std::int64_t>(t) - 1), c[t]));
        }
      } catch (...) {
        device_->truncate(n_prefix);
        throw;
      }
      device_->truncate(n_prefix);
    }
    return out;
  }

  // Each continuation extends a copy of the prefix's cache; all run together.
  std::vector<KvCache> caches;
  caches.reserve(continuations.size());
  std::vector<SequenceInput> batch;
  for (const auto& c : continuations) {
    caches.emplace_back(model_->config(), n_prefix + static_cast<std::int64_t>(c.size()), cache_->dtype());
    caches.back().copy_prefix(*cache_, n_prefix);
  }
  for (std::size_t i = 0; i < continuations.size(); ++i) batch.push_back({&caches[i], continuations[i], true});
  const Tensor logits = forward(*model_, batch, workspace_);
  std::int64_t row_index = 0;
  for (std::size_t i = 0; i < continuations.size(); ++i) {
    const auto& c = continuations[i];
    out[i].push_back(Sampler::log_prob(row(prefix_logits, 0), c[0]));
    for (std::size_t t = 1; t < c.size(); ++t)
      out[i].push_back(Sampler::log_prob(row(logits, row_index + static_cast<std::int64_t>(t) - 1), c[t]));
    row_index += static_cast<std::int64_t>(c.size());
  }
  return out;
}

std::span<const float> Generator::eval(std::span<const std::int32_t> tokens) {
  LF_CHECK(!tokens.empty(), "eval", "no tokens to evaluate");
  last_logits_ = extend(tokens).clone();
  cached_.insert(cached_.end(), tokens.begin(), tokens.end());
  return row(last_logits_, 0);
}

std::vector<float> Generator::embed(std::span<const std::int32_t> tokens, Pooling pooling) {
  require_cpu("embed");
  LF_CHECK(!tokens.empty(), "embed", "no tokens to embed");
  // The context's limits hold here too: its length (which its KV budget
  // was checked for) bounds the scratch cache and the work.
  if (static_cast<std::int64_t>(tokens.size()) > context_length())
    throw_error("embed",
                std::to_string(tokens.size()) + " tokens do not fit the context length " +
                    std::to_string(context_length()),
                ErrorKind::context_full);
  KvCache scratch(model_->config(), static_cast<std::int64_t>(tokens.size()), cache_->dtype());
  const SequenceInput in{&scratch, tokens, pooling == Pooling::mean};
  const Tensor hidden = forward(*model_, std::span<const SequenceInput>(&in, 1), workspace_, ForwardOutput::hidden);
  const std::int64_t rows = hidden.dim(0), width = hidden.dim(1);
  std::vector<float> out(static_cast<std::size_t>(width), 0.0f);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < width; ++j) out[static_cast<std::size_t>(j)] += hidden.data<float>()[r * width + j];
  for (float& v : out) v /= static_cast<float>(rows);
  return out;
}

Generator Generator::fork() const {
  if (device_) {
    Generator copy(device_model_, context_length());
    copy.device_->copy_prefix(*device_, device_->size());
    copy.cached_ = cached_;
    return copy;
  }
  Generator copy(model_, cache_->capacity(), workspace_.threads(), cache_->dtype());
  copy.cache_->copy_prefix(*cache_, cache_->size());
  copy.cached_ = cached_;
  return copy;
}

void Generator::truncate(std::int64_t n) {
  if (device_)
    device_->truncate(n);
  else
    cache_->truncate(n);
  cached_.resize(static_cast<std::size_t>(n));
}

}  // namespace lf
