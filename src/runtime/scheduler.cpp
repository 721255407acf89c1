#include "liveformer/runtime/scheduler.hpp"

#include <algorithm>

#include "decode_state.hpp"

namespace lf {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

template <class Job>
void notify(Job& job, GenerateResult result, const std::string& error) {
  if (!job.request.on_done) return;
  try {
    job.request.on_done(job.id, std::move(result), error);
  } catch (...) {
    // The caller's callback failed; the scheduler's thread must go on
    // serving everyone else.
  }
}

std::int64_t slot_context(const Model& model, std::int64_t requested) {
  const ModelConfig& c = model.config();
  const std::int64_t trained = c.n_ctx_train > 0 ? c.n_ctx_train : 4096;
  const std::int64_t n = requested > 0 ? requested : std::min<std::int64_t>(trained, 4096);
  // GPT-2 has no position embeddings beyond those it learned.
  LF_CHECK(c.arch != Architecture::gpt2 || n <= c.n_ctx_train, "Scheduler",
           "context length " + std::to_string(n) + " exceeds GPT-2's " + std::to_string(c.n_ctx_train) +
               " learned positions");
  return n;
}

SchedulerOptions checked(SchedulerOptions o) {
  LF_CHECK(o.slots >= 1 && o.slots <= 1024, "Scheduler", "slots must be 1..1024, got " + std::to_string(o.slots));
  LF_CHECK(o.prefill_chunk >= 1, "Scheduler", "prefill_chunk must be positive, got " + std::to_string(o.prefill_chunk));
  LF_CHECK(o.context_length >= 0, "Scheduler", "context length must not be negative");
  return o;
}

}  // namespace

struct Scheduler::Job {
  std::uint64_t id = 0;
  SchedulerRequest request;
};

struct Scheduler::Slot {
  KvCache cache;
  std::vector<std::int32_t> cached;  // the tokens whose K/V the cache holds
  std::unique_ptr<Job> job;          // null: free
  std::unique_ptr<DecodeState> state;
  std::size_t prompt_done = 0;       // prompt tokens in the cache
  std::int32_t next = 0;             // the sampled token to feed next
  std::uint64_t last_used = 0;
  Clock::time_point started, decoding;
  std::size_t fed = 0;               // tokens fed in the current step
  bool prefilling = false;           // ... and whether they were prompt tokens
};

Scheduler::Scheduler(std::shared_ptr<const Model> model, SchedulerOptions options)
    : model_(std::move(model)),
      options_(checked(options)),
      context_length_(slot_context(*model_, options_.context_length)),
      workspace_(options_.threads),
      prefix_cache_(model_->config(), options_.kv_type, options_.prefix_cache_bytes) {
  require_kv_budget(*model_, context_length_ * options_.slots, options_.kv_type, 0);
  for (int i = 0; i < options_.slots; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->cache = KvCache(model_->config(), context_length_, options_.kv_type);
    slots_.push_back(std::move(slot));
  }
  stats_.slots = options_.slots;
  stats_.kv_bytes_allocated = slots_.front()->cache.bytes() * options_.slots;
  thread_ = std::thread([this] { run(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    accepting_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Scheduler::submit(SchedulerRequest request) {
  LF_CHECK(!request.prompt.empty(), "generate", "the prompt has no tokens");
  const std::int64_t vocab = model_->config().vocab_size;
  for (std::int32_t id : request.prompt)
    LF_CHECK(id >= 0 && id < vocab, "generate",
             "token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(vocab));
  if (static_cast<std::int64_t>(request.prompt.size()) > context_length_)
    throw_error("generate",
                "prompt of " + std::to_string(request.prompt.size()) + " tokens does not fit the context length " +
                    std::to_string(context_length_),
                ErrorKind::context_full);
  request.options.sampling.validate();
  for (const std::string& s : request.options.stop) LF_CHECK(!s.empty(), "generate", "stop strings must not be empty");
  std::unique_lock<std::mutex> lock(mutex_);
  if (!accepting_) {
    ++stats_.rejected;
    throw_error("generate", "the server is shutting down", ErrorKind::busy);
  }
  // max_queue counts requests that must wait: those that will find a free
  // slot at the next step are not waiting.
  const std::size_t free_slots = static_cast<std::size_t>(std::max(0, options_.slots - stats_.active));
  if (queue_.size() >= options_.max_queue + free_slots) {
    ++stats_.rejected;
    throw_error("generate", "the queue is full (" + std::to_string(options_.max_queue) + " requests waiting)",
                ErrorKind::busy);
  }
  auto job = std::make_unique<Job>();
  job->id = next_id_++;
  job->request = std::move(request);
  const std::uint64_t id = job->id;
  queue_.push_back(std::move(job));
  stats_.queued = queue_.size();
  lock.unlock();
  wake_.notify_all();
  return id;
}

void Scheduler::cancel(std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_requests_.push_back(id);
  }
  wake_.notify_all();
}

void Scheduler::drain(std::chrono::milliseconds grace) {
  std::unique_lock<std::mutex> lock(mutex_);
  accepting_ = false;
  const auto idle = [this] { return queue_.empty() && stats_.active == 0; };
  if (idle_.wait_for(lock, grace, idle)) return;
  for (const auto& job : queue_) cancel_requests_.push_back(job->id);
  for (const auto& slot : slots_)
    if (slot->job) cancel_requests_.push_back(slot->job->id);
  wake_.notify_all();
  idle_.wait(lock, idle);
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SchedulerStats s = stats_;
  s.queued = queue_.size();
  return s;
}

void Scheduler::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::uint64_t clock = 0;  // orders slots by last use
  while (true) {
    // Cancellations: queued jobs leave the queue, running ones are flagged.
    std::vector<std::unique_ptr<Job>> dropped;
    std::vector<std::uint64_t> cancels;
    cancels.swap(cancel_requests_);
    if (stopping_) {
      for (const auto& slot : slots_)
        if (slot->job) cancels.push_back(slot->job->id);
      for (auto& job : queue_) dropped.push_back(std::move(job));
      queue_.clear();
    }
    const auto now = Clock::now();
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (now >= (*it)->request.deadline) {
        dropped.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    for (std::uint64_t id : cancels) {
      auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& j) { return j->id == id; });
      if (it != queue_.end()) {
        dropped.push_back(std::move(*it));
        queue_.erase(it);
      }
    }
    // Admission: each queued job takes the free slot whose cache shares the
    // longest prefix with its prompt (ties: the least recently used slot).
    std::vector<std::pair<Slot*, std::int64_t>> admitted;  // and the prefix its cache shares
    while (!queue_.empty()) {
      const auto& prompt = queue_.front()->request.prompt;
      const auto limit = static_cast<std::int64_t>(prompt.size()) - 1;  // the last token is always recomputed
      Slot* best = nullptr;
      std::int64_t best_match = -1;
      for (const auto& slot : slots_) {
        if (slot->job) continue;
        const std::int64_t k = common_prefix_length(slot->cached, prompt, limit);
        if (k > best_match || (k == best_match && slot->last_used < best->last_used)) best = slot.get(), best_match = k;
      }
      if (!best) break;
      best->job = std::move(queue_.front());
      queue_.pop_front();
      best->last_used = ++clock;
      admitted.emplace_back(best, best_match);
    }
    stats_.cancelled += dropped.size();  // ended before they reached a slot
    int active = 0;
    for (const auto& slot : slots_) active += slot->job ? 1 : 0;
    stats_.active = active;
    stats_.queued = queue_.size();
    if (active == 0 && queue_.empty() && dropped.empty()) {
      idle_.notify_all();
      if (stopping_) return;
      wake_.wait(lock);
      continue;
    }
    lock.unlock();

    for (auto& job : dropped) {
      GenerateResult r;
      r.stop_reason = StopReason::cancelled;
      r.prompt_tokens = static_cast<std::int64_t>(job->request.prompt.size());
      notify(*job, std::move(r), "");
    }
    std::uint64_t hits = 0, misses = 0, reused_total = 0;
    for (auto [slot, keep] : admitted) {
      const auto& prompt = slot->job->request.prompt;
      const auto limit = static_cast<std::int64_t>(prompt.size()) - 1;
      // The prefix cache serves only what is longer than the slot's own.
      if (const std::int64_t restored = prefix_cache_.restore(prompt, limit, slot->cache, keep); restored > 0)
        keep = restored;
      else
        slot->cache.truncate(keep);
      slot->cached.assign(prompt.begin(), prompt.begin() + keep);
      slot->prompt_done = static_cast<std::size_t>(keep);
      slot->state = std::make_unique<DecodeState>(*model_, slot->job->request.options, std::span<const std::int32_t>(prompt));
      slot->state->result().prompt_tokens = static_cast<std::int64_t>(prompt.size());
      slot->state->result().reused_prompt_tokens = keep;
      slot->started = Clock::now();
      (keep > 0 ? hits : misses) += 1;
      reused_total += static_cast<std::uint64_t>(keep);
      // Nothing to generate (max_new_tokens <= 0): done without evaluating the prompt.
      if (slot->state->done()) finish(*slot, "");
    }
    // Running jobs that were cancelled or ran past their deadline end now.
    for (const auto& slot : slots_) {
      if (!slot->job) continue;
      const bool cancelled = std::find(cancels.begin(), cancels.end(), slot->job->id) != cancels.end();
      if (cancelled || now >= slot->job->request.deadline) {
        slot->state->finish(StopReason::cancelled);
        finish(*slot, "");
      }
    }
    const auto t0 = Clock::now();
    std::uint64_t prefill_rows = 0, decode_rows = 0;
    std::string error;
    try {
      step();
    } catch (const std::exception& e) {
      error = e.what();
    }
    const double seconds = seconds_since(t0);
    for (const auto& slot : slots_) {
      if (!slot->job || slot->fed == 0) continue;
      (slot->prefilling ? prefill_rows : decode_rows) += slot->fed;
      if (!error.empty()) {
        // forward() changed no cache; start the slot afresh to be safe.
        slot->cache.clear();
        slot->cached.clear();
        finish(*slot, error);
      } else if (slot->state->done()) {
        finish(*slot, "");
      }
    }
    lock.lock();
    stats_.prefix_hits += hits;
    stats_.prefix_misses += misses;
    stats_.reused_tokens += reused_total;
    stats_.prefix_cache_bytes = prefix_cache_.bytes();
    std::int64_t in_use = 0;
    for (const auto& slot : slots_)
      if (slot->job) in_use += KvCache::bytes_for(model_->config(), slot->cache.size(), options_.kv_type);
    stats_.kv_bytes_in_use = in_use;
    if (prefill_rows + decode_rows > 0) {
      ++stats_.steps;
      stats_.prefill_tokens += prefill_rows;
      stats_.decode_tokens += decode_rows;
      const double share = seconds / static_cast<double>(prefill_rows + decode_rows);
      stats_.prefill_seconds += share * static_cast<double>(prefill_rows);
      stats_.decode_seconds += share * static_cast<double>(decode_rows);
    }
  }
}

void Scheduler::step() {
  std::vector<SequenceInput> batch;
  std::vector<Slot*> fed;
  std::int64_t budget = options_.prefill_chunk;
  for (const auto& slot : slots_) {
    slot->fed = 0;
    if (!slot->job) continue;
    slot->prefilling = slot->prompt_done < slot->job->request.prompt.size();
    const auto& prompt = slot->job->request.prompt;
    if (slot->prompt_done < prompt.size()) {
      const auto take = std::min<std::int64_t>(budget, static_cast<std::int64_t>(prompt.size() - slot->prompt_done));
      if (take == 0) continue;  // waits for the next step's budget
      budget -= take;
      slot->fed = static_cast<std::size_t>(take);
      batch.push_back({&slot->cache, std::span<const std::int32_t>(prompt).subspan(slot->prompt_done, slot->fed), false});
    } else {
      slot->fed = 1;
      batch.push_back({&slot->cache, std::span<const std::int32_t>(&slot->next, 1), false});
    }
    fed.push_back(slot.get());
  }
  if (batch.empty()) return;
  const Tensor logits = forward(*model_, batch, workspace_);
  const std::int64_t vocab = logits.dim(1);
  for (std::size_t i = 0; i < fed.size(); ++i) {
    Slot& slot = *fed[i];
    const auto& prompt = slot.job->request.prompt;
    const std::span<const float> row(logits.data<float>() + static_cast<std::int64_t>(i) * vocab, static_cast<std::size_t>(vocab));
    if (slot.prompt_done < prompt.size()) {
      slot.cached.insert(slot.cached.end(), prompt.begin() + static_cast<std::ptrdiff_t>(slot.prompt_done),
                         prompt.begin() + static_cast<std::ptrdiff_t>(slot.prompt_done + slot.fed));
      slot.prompt_done += slot.fed;
      if (slot.prompt_done < prompt.size()) continue;  // more chunks to come
      prefix_cache_.insert(prompt, slot.cache);
      slot.state->result().prompt_seconds = seconds_since(slot.started);
      slot.decoding = Clock::now();
    } else {
      slot.cached.push_back(slot.next);
    }
    slot.state->step(row);
    if (slot.state->done()) continue;
    if (slot.cache.size() >= slot.cache.capacity()) {
      slot.state->finish(StopReason::context_full);
      continue;
    }
    slot.next = slot.state->last_token();
  }
}

void Scheduler::finish(Slot& slot, const std::string& error) {
  GenerateResult result = std::move(slot.state->result());
  if (slot.prompt_done == slot.job->request.prompt.size())
    result.generate_seconds = seconds_since(slot.decoding);
  else
    result.prompt_seconds = seconds_since(slot.started);
  slot.state.reset();
  std::unique_ptr<Job> job;
  {
    // Under the lock: drain() reads the slots' jobs, and stats() must not
    // count a request as active once its on_done may have run.
    std::lock_guard<std::mutex> lock(mutex_);
    job = std::move(slot.job);
    --stats_.active;
    if (!error.empty())
      ++stats_.failed;
    else if (result.stop_reason == StopReason::cancelled)
      ++stats_.cancelled;
    else
      ++stats_.completed;
  }
  notify(*job, std::move(result), error);
}

}  // namespace lf
