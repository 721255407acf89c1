#include "liveformer/runtime/generator.hpp"

#include <algorithm>
#include <chrono>

#include "liveformer/formats/tokenizer_stream.hpp"

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

// The per-sequence end of decoding: sampling, EOS, detokenization, stop
// strings and streaming.
class Sequence {
 public:
  Sequence(const Model& model, const GenerateOptions& options, std::span<const std::int32_t> prompt)
      : model_(model), options_(options), sampler_(options.sampling), detok_(model.tokenizer()),
        history_(prompt.begin(), prompt.end()) {
    // Prime the detokenizer with the prompt so that the first generated
    // piece gets SentencePiece's space handling right (no text is emitted).
    for (std::int32_t id : prompt) detok_.push(id);
    detok_.finish();
    for (const std::string& s : options.stop) {
      LF_CHECK(!s.empty(), "generate", "stop strings must not be empty");
      longest_stop_ = std::max(longest_stop_, s.size());
    }
    if (options_.max_new_tokens <= 0) finish(StopReason::max_tokens);
  }

  bool done() const { return done_; }
  std::int32_t last_token() const { return history_.back(); }
  GenerateResult& result() { return result_; }

  /// Samples from `logits` and takes the token. Returns false when done.
  void step(std::span<const float> logits) {
    const std::int32_t id = sampler_.sample(logits, history_);
    history_.push_back(id);
    result_.tokens.push_back(id);
    if (options_.logprobs) result_.logprobs.push_back(Sampler::log_prob(logits, id));
    const auto& eos = model_.info().eos_ids;
    if (options_.stop_at_eos && std::find(eos.begin(), eos.end(), id) != eos.end()) {
      finish(StopReason::eos);
      return;
    }
    text_ += detok_.push(id);
    if (release(false)) return;
    if (static_cast<std::int32_t>(result_.tokens.size()) >= options_.max_new_tokens) finish(StopReason::max_tokens);
  }

  void finish(StopReason reason) {
    if (done_) return;
    done_ = true;
    result_.stop_reason = reason;
    if (reason != StopReason::stop_string && reason != StopReason::cancelled) {
      text_ += detok_.finish();
      release(true);
    }
  }

 private:
  // Streams text that can no longer turn into a stop string. Returns true
  // if the sequence ended (stop string or cancellation).
  bool release(bool final) {
    std::size_t safe = text_.size();
    if (longest_stop_ > 0) {
      const std::size_t from = emitted_ > longest_stop_ ? emitted_ - longest_stop_ : 0;
      std::size_t hit = std::string::npos;
      for (const std::string& s : options_.stop) hit = std::min(hit, text_.find(s, from));
      if (hit != std::string::npos) {
        emit(hit);
        done_ = true;
        result_.stop_reason = StopReason::stop_string;
        return true;
      }
      // Hold back the longest tail that is a proper prefix of a stop string.
      if (!final)
        for (const std::string& s : options_.stop)
          for (std::size_t len = std::min(s.size() - 1, text_.size()); len > 0; --len)
            if (text_.compare(text_.size() - len, len, s, 0, len) == 0) {
              safe = std::min(safe, text_.size() - len);
              break;
            }
    }
    return emit(safe);
  }

  // Emits text_[emitted_, end). Held-back text is whole UTF-8 characters
  // already (the detokenizer only releases complete ones, and stop strings
  // are valid UTF-8), so cutting at a stop-string prefix keeps it whole.
  bool emit(std::size_t end) {
    if (end <= emitted_) return false;
    const std::string_view piece(text_.data() + emitted_, end - emitted_);
    result_.text.append(piece);
    emitted_ = end;
    if (options_.on_text && !options_.on_text(piece)) {
      done_ = true;
      result_.stop_reason = StopReason::cancelled;
      return true;
    }
    return false;
  }

  const Model& model_;
  const GenerateOptions& options_;
  Sampler sampler_;
  StreamingDetokenizer detok_;
  std::vector<std::int32_t> history_;
  std::string text_;
  std::size_t emitted_ = 0;
  std::size_t longest_stop_ = 0;
  bool done_ = false;
  GenerateResult result_;
};

std::span<const float> row(const Tensor& logits, std::int64_t r) {
  const std::int64_t v = logits.dim(1);
  return {logits.data<float>() + r * v, static_cast<std::size_t>(v)};
}

}  // namespace

Generator::Generator(std::shared_ptr<const Model> model, std::int64_t context_length)
    : model_(std::move(model)), cache_(model_->config(), context_length) {}

std::vector<std::int32_t> Generator::tokenize_prompt(std::string_view prompt) const {
  const Tokenizer& tok = model_->tokenizer();
  std::vector<std::int32_t> ids = tok.encode(prompt, /*add_special=*/true);
  const std::int32_t bos = tok.vocabulary().bos_id;
  if (ids.empty() && bos >= 0) ids.push_back(bos);  // nothing to condition on: start from BOS
  LF_CHECK(!ids.empty(), "generate", "empty prompt and the model has no BOS token");
  return ids;
}

std::int64_t Generator::prefill(std::span<const std::int32_t> tokens, bool all_logits, Tensor& logits) {
  const auto n = static_cast<std::int64_t>(tokens.size());
  LF_CHECK(n > 0, "generate", "the prompt has no tokens");
  if (n > cache_.capacity())
    throw_error("generate",
                "prompt of " + std::to_string(n) + " tokens does not fit the context length " +
                    std::to_string(cache_.capacity()),
                ErrorKind::context_full);
  // Reuse the longest cached prefix, but recompute at least the last token:
  // its logits are needed.
  std::int64_t keep = 0;
  const auto limit = std::min<std::int64_t>(static_cast<std::int64_t>(cached_.size()), all_logits ? 0 : n - 1);
  while (keep < limit && cached_[static_cast<std::size_t>(keep)] == tokens[static_cast<std::size_t>(keep)]) ++keep;
  cache_.truncate(std::min<std::int64_t>(keep, cache_.size()));
  cached_.resize(static_cast<std::size_t>(cache_.size()));
  logits = forward(*model_, cache_, tokens.subspan(static_cast<std::size_t>(keep)), workspace_, all_logits);
  cached_.assign(tokens.begin(), tokens.end());
  return keep;
}

GenerateResult Generator::generate(std::string_view prompt, const GenerateOptions& options) {
  const std::vector<std::int32_t> ids = tokenize_prompt(prompt);
  return generate(std::span<const std::int32_t>(ids), options);
}

GenerateResult Generator::generate(std::span<const std::int32_t> prompt, const GenerateOptions& options) {
  const auto t0 = Clock::now();
  Tensor logits;
  const std::int64_t reused = prefill(prompt, false, logits);
  Sequence seq(*model_, options, prompt);
  seq.result().prompt_tokens = static_cast<std::int64_t>(prompt.size());
  seq.result().reused_prompt_tokens = reused;
  seq.result().prompt_seconds = seconds_since(t0);

  const auto t1 = Clock::now();
  while (!seq.done()) {
    seq.step(row(logits, 0));
    if (seq.done()) break;
    if (cache_.size() >= cache_.capacity()) {
      seq.finish(StopReason::context_full);
      break;
    }
    const std::int32_t next = seq.last_token();
    logits = forward(*model_, cache_, std::span<const std::int32_t>(&next, 1), workspace_);
    cached_.push_back(next);
  }
  seq.result().generate_seconds = seconds_since(t1);
  return std::move(seq.result());
}

std::vector<GenerateResult> Generator::generate_batch(const std::vector<std::vector<std::int32_t>>& prompts,
                                                      const GenerateOptions& options) {
  const std::size_t n = prompts.size();
  // Each sequence needs its own cache; this generator's own cache is left
  // as it was (the batch does not disturb its prefix cache).
  std::vector<KvCache> caches;
  caches.reserve(n);
  std::vector<std::unique_ptr<Sequence>> seqs;
  std::vector<SequenceInput> batch;
  for (const auto& p : prompts) {
    LF_CHECK(!p.empty(), "generate_batch", "every prompt needs at least one token");
    LF_CHECK(static_cast<std::int64_t>(p.size()) <= cache_.capacity(), "generate_batch",
          "prompt of " + std::to_string(p.size()) + " tokens does not fit the context length " +
              std::to_string(cache_.capacity()));
    caches.emplace_back(model_->config(), cache_.capacity());
    seqs.push_back(std::make_unique<Sequence>(*model_, options, p));
    seqs.back()->result().prompt_tokens = static_cast<std::int64_t>(p.size());
  }
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) batch.push_back({&caches[i], prompts[i], false});
  Workspace ws;
  Tensor logits = forward(*model_, batch, ws);
  std::vector<std::size_t> rows(n);  // logits row of each live sequence
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;

  std::vector<std::int32_t> next(n);
  while (true) {
    batch.clear();
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < n; ++i) {
      Sequence& s = *seqs[i];
      if (s.done()) continue;
      s.step(row(logits, static_cast<std::int64_t>(rows[i])));
      if (s.done()) continue;
      if (caches[i].size() >= caches[i].capacity()) {
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
    logits = forward(*model_, batch, ws);
  }
  const double elapsed = seconds_since(t0);
  std::vector<GenerateResult> out;
  for (auto& s : seqs) {
    s->result().generate_seconds = elapsed;
    out.push_back(std::move(s->result()));
  }
  return out;
}

std::vector<double> Generator::score(std::span<const std::int32_t> prefix, std::span<const std::int32_t> continuation) {
  LF_CHECK(!prefix.empty(), "score", "the prefix needs at least one token (e.g. BOS)");
  std::vector<std::int32_t> all(prefix.begin(), prefix.end());
  all.insert(all.end(), continuation.begin(), continuation.end());
  LF_CHECK(static_cast<std::int64_t>(all.size()) <= cache_.capacity(), "score",
        std::to_string(all.size()) + " tokens do not fit the context length " + std::to_string(cache_.capacity()));
  // Reuse the cached part of the prefix; logits are needed from the last
  // prefix token on.
  std::int64_t keep = 0;
  const auto limit = std::min<std::int64_t>(static_cast<std::int64_t>(cached_.size()), static_cast<std::int64_t>(prefix.size()) - 1);
  while (keep < limit && cached_[static_cast<std::size_t>(keep)] == all[static_cast<std::size_t>(keep)]) ++keep;
  cache_.truncate(std::min<std::int64_t>(keep, cache_.size()));
  const std::span<const std::int32_t> rest(all.data() + keep, all.size() - static_cast<std::size_t>(keep));
  const Tensor logits = forward(*model_, cache_, rest, workspace_, /*all_logits=*/true);
  cached_ = all;
  std::vector<double> out;
  const std::int64_t first = static_cast<std::int64_t>(prefix.size()) - 1 - keep;  // row predicting continuation[0]
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
  LF_CHECK(prefix.size() + longest <= static_cast<std::size_t>(cache_.capacity()), "score",
           std::to_string(prefix.size()) + " prefix + " + std::to_string(longest) +
               " continuation tokens do not fit the context length " + std::to_string(cache_.capacity()));
  std::vector<std::vector<double>> out(continuations.size());
  if (continuations.empty()) return out;

  // The prefix, once: its last logits predict every continuation's first token.
  Tensor prefix_logits;
  prefill(prefix, false, prefix_logits);
  prefix_logits = prefix_logits.clone();

  // Each continuation extends a copy of the prefix's cache; all run together.
  const auto n_prefix = static_cast<std::int64_t>(prefix.size());
  std::vector<KvCache> caches;
  caches.reserve(continuations.size());
  std::vector<SequenceInput> batch;
  for (const auto& c : continuations) {
    caches.emplace_back(model_->config(), n_prefix + static_cast<std::int64_t>(c.size()));
    caches.back().copy_prefix(cache_, n_prefix);
  }
  for (std::size_t i = 0; i < continuations.size(); ++i) batch.push_back({&caches[i], continuations[i], true});
  Workspace ws;
  const Tensor logits = forward(*model_, batch, ws);
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
  last_logits_ = forward(*model_, cache_, tokens, workspace_).clone();
  cached_.insert(cached_.end(), tokens.begin(), tokens.end());
  return row(last_logits_, 0);
}

std::vector<float> Generator::embed(std::span<const std::int32_t> tokens, Pooling pooling) {
  LF_CHECK(!tokens.empty(), "embed", "no tokens to embed");
  KvCache scratch(model_->config(), static_cast<std::int64_t>(tokens.size()));
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
  Generator copy(model_, cache_.capacity());
  copy.cache_.copy_prefix(cache_, cache_.size());
  copy.cached_ = cached_;
  return copy;
}

void Generator::truncate(std::int64_t n) {
  cache_.truncate(n);
  cached_.resize(static_cast<std::size_t>(n));
}

}  // namespace lf
