// The Python module `liveformer`: pybind11 bindings over the C API
// (liveformer/liveformer.h) and nothing else, so Python sees exactly what C
// callers see.
//
// Concurrency: a Model owns one lf_model (read-only, shared) and a small
// pool of lf_context objects. Each call leases a context for its duration,
// so calls from several Python threads run in parallel, each in its own
// context; the pool only saves re-allocating KV caches. A leased context is
// emptied (lf_context_truncate to 0) when returned, so every call computes
// from scratch and gives the same result whatever ran before it.
//
// The GIL is released around every C API call. Python is re-entered only to
// check for Ctrl-C (main thread, at most every 100 ms) and by the consumer
// of a stream; the stream's producer thread never touches Python.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "liveformer/liveformer.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

// ---- errors -------------------------------------------------------------

// A failed C API call: the status and lf_last_error() read on the thread
// that made the call (the message is thread-local). Translated into
// liveformer.Error / liveformer.FileError when it reaches Python.
struct StatusError : std::runtime_error {
  StatusError(lf_status s, const std::string& message) : std::runtime_error(message), status(s) {}
  lf_status status;
};

void check(lf_status status, const char* where) {
  if (status == LF_OK) return;
  std::string message = lf_last_error();
  if (message.empty()) message = std::string(where) + ": " + lf_status_name(status);
  throw StatusError(status, message);
}

// The exception classes, created once at import and owned by the module.
PyObject* g_error = nullptr;
PyObject* g_file_error = nullptr;

void raise_status_error(const StatusError& e) {
  PyObject* type = e.status == LF_ERR_IO ? g_file_error : g_error;
  py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunction(type, "s", e.what()));
  if (!exc) return;  // the constructor failed; its error is already set
  exc.attr("status") = lf_status_name(e.status);
  exc.attr("code") = static_cast<int>(e.status);
  PyErr_SetObject(type, exc.ptr());
}

// ---- small conversions ----------------------------------------------------

// Text from the library is whole UTF-8 characters; "replace" only guards a
// notebook against a library bug turning into a decode error.
py::str to_str(const char* data, size_t len) {
  PyObject* s = PyUnicode_DecodeUTF8(data, static_cast<Py_ssize_t>(len), "replace");
  if (!s) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

// float defaults shown in signatures as 0.8, not 0.800000011920929.
double tidy(float x) { return std::stod(std::to_string(x)); }

bool python_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

unsigned long g_main_thread = 0;  // Python's main thread (where Ctrl-C lands)

// A prompt is text (the model's BOS rule applies) or token ids as given.
using Prompt = std::variant<std::string, std::vector<lf_token>>;

// ---- the model and its context pool ----------------------------------------

class ModelHandle {
 public:
  ModelHandle(const std::filesystem::path& path, const lf_model_params& mp, const lf_context_params& cp)
      : path_(path.string()), ctx_params_(cp) {
    check(lf_model_load(path_.c_str(), &mp, &model_), "lf_model_load");
    lf_status s = lf_model_describe(model_, &desc_);
    if (s == LF_OK) {
      architecture_ = desc_.architecture ? desc_.architecture : "";
      // Create one context now: a bad n_ctx fails at load, not on first use.
      lf_context* ctx = nullptr;
      s = lf_context_create(model_, &ctx_params_, &ctx);
      if (s == LF_OK) {
        n_ctx_ = lf_context_n_ctx(ctx);
        idle_.push_back(ctx);
      }
    }
    if (s != LF_OK) {
      std::string message = lf_last_error();
      lf_model_free(model_);
      throw StatusError(s, message);
    }
  }
  ~ModelHandle() {
    for (lf_context* c : idle_) lf_context_free(c);
    lf_model_free(model_);
  }
  ModelHandle(const ModelHandle&) = delete;
  ModelHandle& operator=(const ModelHandle&) = delete;

  const lf_model* model() const { return model_; }
  const lf_model_desc& desc() const { return desc_; }
  const std::string& architecture() const { return architecture_; }
  const std::string& path() const { return path_; }
  int32_t n_ctx() const { return n_ctx_; }

  lf_context* acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        lf_context* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    lf_context* c = nullptr;
    check(lf_context_create(model_, &ctx_params_, &c), "lf_context_create");
    return c;
  }
  void release(lf_context* c) {
    if (lf_context_truncate(c, 0) == LF_OK) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(c);
        return;
      }
    }
    lf_context_free(c);
  }

 private:
  static constexpr size_t kMaxIdle = 4;  // bounds the memory idle KV caches keep
  std::string path_;
  lf_context_params ctx_params_;
  lf_model* model_ = nullptr;
  lf_model_desc desc_{};
  std::string architecture_;
  std::mutex mutex_;
  std::vector<lf_context*> idle_;
  int32_t n_ctx_ = 0;
};

// A context borrowed from the pool for one call.
class ContextLease {
 public:
  explicit ContextLease(ModelHandle& h) : h_(h), ctx_(h.acquire()) {}
  ~ContextLease() { h_.release(ctx_); }
  ContextLease(const ContextLease&) = delete;
  ContextLease& operator=(const ContextLease&) = delete;
  lf_context* get() const { return ctx_; }

 private:
  ModelHandle& h_;
  lf_context* ctx_;
};

// ---- tokens and text (GIL released by the callers) --------------------------

std::vector<lf_token> tokenize(const lf_model* m, const std::string& text, bool add_special, bool parse_special) {
  std::vector<lf_token> ids(text.size() + 8);
  int32_t n = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const lf_status s = lf_tokenize(m, text.data(), text.size(), add_special, parse_special, ids.data(),
                                    static_cast<int32_t>(ids.size()), &n);
    if (s == LF_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      ids.resize(static_cast<size_t>(n));
      continue;
    }
    check(s, "lf_tokenize");
    break;
  }
  ids.resize(static_cast<size_t>(n));
  return ids;
}

std::string detokenize(const lf_model* m, const std::vector<lf_token>& ids, bool skip_special) {
  std::string text(ids.size() * 8 + 16, '\0');
  size_t n = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const lf_status s = lf_detokenize(m, ids.data(), static_cast<int32_t>(ids.size()), skip_special, text.data(),
                                      text.size(), &n);
    if (s == LF_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      text.resize(n);
      continue;
    }
    check(s, "lf_detokenize");
    break;
  }
  text.resize(n);
  return text;
}

std::vector<lf_chat_message> chat_messages(const py::handle& messages, std::vector<std::string>& storage) {
  if (py::isinstance<py::str>(messages) || !py::isinstance<py::sequence>(messages))
    throw py::type_error("chat: messages must be a list of {'role': ..., 'content': ...} dicts");
  const auto seq = py::reinterpret_borrow<py::sequence>(messages);
  storage.clear();
  storage.reserve(seq.size() * 2);  // no reallocation: the C structs point into it
  std::vector<lf_chat_message> out;
  size_t i = 0;
  for (const py::handle item : seq) {
    if (!py::isinstance<py::dict>(item))
      throw py::type_error("chat: message " + std::to_string(i) + " is not a dict");
    const auto d = py::reinterpret_borrow<py::dict>(item);
    for (const char* key : {"role", "content"})
      if (!d.contains(key) || !py::isinstance<py::str>(d[key]))
        throw py::value_error("chat: message " + std::to_string(i) + " needs a str '" + key + "'");
    storage.push_back(d["role"].cast<std::string>());
    const char* role = storage.back().c_str();
    storage.push_back(d["content"].cast<std::string>());
    out.push_back({role, storage.back().c_str()});
    ++i;
  }
  return out;
}

std::vector<lf_token> chat_tokenize(const lf_model* m, const std::optional<std::string>& format,
                                    const std::vector<lf_chat_message>& msgs, bool add_generation_prompt) {
  const char* fmt = format ? format->c_str() : nullptr;
  std::vector<lf_token> ids(256);
  int32_t n = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const lf_status s = lf_chat_tokenize(m, fmt, msgs.data(), msgs.size(), add_generation_prompt, ids.data(),
                                         static_cast<int32_t>(ids.size()), &n);
    if (s == LF_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      ids.resize(static_cast<size_t>(n));
      continue;
    }
    check(s, "lf_chat_tokenize");
    break;
  }
  ids.resize(static_cast<size_t>(n));
  return ids;
}

std::string chat_text(const lf_model* m, const std::optional<std::string>& format,
                      const std::vector<lf_chat_message>& msgs, bool add_generation_prompt) {
  const char* fmt = format ? format->c_str() : nullptr;
  std::string text(1024, '\0');
  size_t n = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const lf_status s = lf_chat_apply_template(m, fmt, msgs.data(), msgs.size(), add_generation_prompt,
                                               text.data(), text.size(), &n);
    if (s == LF_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      text.resize(n);
      continue;
    }
    check(s, "lf_chat_apply_template");
    break;
  }
  text.resize(n);
  return text;
}

// ---- generation options --------------------------------------------------------

// The keyword arguments of generate / stream / chat, copied out of Python.
struct GenArgs {
  int32_t max_new_tokens;
  lf_sampling_params sampling;
  std::vector<std::string> stop;
  bool stop_at_eos;

  // The C struct; `ptrs` receives the stop strings' pointers and must live
  // (with this object, unchanged) as long as the struct is used.
  lf_generate_params params(std::vector<const char*>& ptrs) const {
    lf_generate_params p = lf_generate_default_params();
    p.max_new_tokens = max_new_tokens;
    p.sampling = sampling;
    ptrs.clear();
    for (const std::string& s : stop) ptrs.push_back(s.c_str());
    p.stop = ptrs.empty() ? nullptr : ptrs.data();
    p.n_stop = static_cast<int32_t>(ptrs.size());
    p.stop_at_eos = stop_at_eos;
    return p;
  }
};

// stop=None, a str, or a list of str (pybind11 rejects anything else).
using StopArg = std::optional<std::variant<std::string, std::vector<std::string>>>;

std::vector<std::string> stop_strings(const StopArg& stop) {
  if (!stop) return {};
  if (const auto* one = std::get_if<std::string>(&*stop)) return {*one};
  return std::get<std::vector<std::string>>(*stop);
}

GenArgs make_gen_args(int32_t max_new_tokens, float temperature, int32_t top_k, float top_p, float min_p,
                      float repetition_penalty, float presence_penalty, float frequency_penalty,
                      int32_t penalty_last_n, std::optional<std::uint64_t> seed, const StopArg& stop,
                      bool stop_at_eos) {
  GenArgs a;
  a.max_new_tokens = max_new_tokens;
  a.sampling = lf_sampling_default_params();
  a.sampling.temperature = temperature;
  a.sampling.top_k = top_k;
  a.sampling.top_p = top_p;
  a.sampling.min_p = min_p;
  a.sampling.repetition_penalty = repetition_penalty;
  a.sampling.presence_penalty = presence_penalty;
  a.sampling.frequency_penalty = frequency_penalty;
  a.sampling.penalty_last_n = penalty_last_n;
  a.sampling.seed = seed ? *seed : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  a.stop = stop_strings(stop);
  a.stop_at_eos = stop_at_eos;
  return a;
}

// The shared keywords, written once: parameter list, call, and pybind11
// argument descriptions (defaults from lf_generate_default_params()).
#define LF_GEN_PARAMS                                                                                        \
  int32_t max_new_tokens, float temperature, int32_t top_k, float top_p, float min_p, float repetition_penalty, \
      float presence_penalty, float frequency_penalty, int32_t penalty_last_n, std::optional<std::uint64_t> seed, \
      const StopArg &stop, bool stop_at_eos
#define LF_GEN_ARGS                                                                                              \
  make_gen_args(max_new_tokens, temperature, top_k, top_p, min_p, repetition_penalty, presence_penalty,        \
                frequency_penalty, penalty_last_n, seed, stop, stop_at_eos)
#define LF_GEN_KWARGS(d)                                                                                         \
  py::arg("max_new_tokens") = (d).max_new_tokens, py::arg("temperature") = tidy((d).sampling.temperature),     \
  py::arg("top_k") = (d).sampling.top_k, py::arg("top_p") = tidy((d).sampling.top_p),                           \
  py::arg("min_p") = tidy((d).sampling.min_p),                                                                  \
  py::arg("repetition_penalty") = tidy((d).sampling.repetition_penalty),                                        \
  py::arg("presence_penalty") = tidy((d).sampling.presence_penalty),                                            \
  py::arg("frequency_penalty") = tidy((d).sampling.frequency_penalty),                                          \
  py::arg("penalty_last_n") = (d).sampling.penalty_last_n,                                                      \
  py::arg("seed") = std::optional<std::uint64_t>((d).sampling.seed), py::arg("stop") = py::none(),              \
  py::arg("stop_at_eos") = ((d).stop_at_eos != 0)

lf_status run_generate(lf_context* ctx, const Prompt& prompt, const lf_generate_params& p, lf_generate_result* r) {
  if (const auto* text = std::get_if<std::string>(&prompt)) return lf_generate(ctx, text->c_str(), &p, r);
  const auto& ids = std::get<std::vector<lf_token>>(prompt);
  return lf_generate_tokens(ctx, ids.data(), static_cast<int32_t>(ids.size()), &p, r);
}

Prompt checked_prompt(Prompt prompt) {
  if (const auto* text = std::get_if<std::string>(&prompt)) {
    if (text->find('\0') != std::string::npos) throw py::value_error("prompt: text contains a NUL character");
  } else if (std::get<std::vector<lf_token>>(prompt).empty()) {
    throw py::value_error("prompt: the token list is empty");
  }
  return prompt;
}

const char* stop_reason_name(lf_stop_reason r) {
  switch (r) {
    case LF_STOP_MAX_TOKENS: return "max_tokens";
    case LF_STOP_EOS: return "eos";
    case LF_STOP_STRING: return "stop";
    case LF_STOP_CANCELLED: return "cancelled";
    case LF_STOP_CONTEXT_FULL: return "context_full";
  }
  return "unknown";
}

// generate()'s text callback: on the main thread, every 100 ms, takes the
// GIL to let Ctrl-C (KeyboardInterrupt) cancel the generation.
struct InterruptCheck {
  bool enabled = false;
  bool interrupted = false;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();

  static int on_text(const char*, size_t, void* user) {
    auto* self = static_cast<InterruptCheck*>(user);
    if (!self->enabled) return 0;
    const auto now = std::chrono::steady_clock::now();
    if (now - self->last < std::chrono::milliseconds(100)) return 0;
    self->last = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      self->interrupted = true;  // the Python error stays set on this thread
      return 1;
    }
    return 0;
  }
};

// ---- streaming ----------------------------------------------------------------

// model.stream(): a C++ thread generates and hands pieces over a bounded
// queue; the Python iterator takes them with the GIL released while it
// waits. Closing (explicitly, with `with`, or by dropping the iterator, as
// breaking out of a for loop does) cancels the generation and joins the
// thread. The bound means an abandoned stream stops within a few tokens.
class Stream {
 public:
  Stream(std::shared_ptr<ModelHandle> model, Prompt prompt, GenArgs args)
      : model_(std::move(model)), prompt_(std::move(prompt)), args_(std::move(args)) {
    worker_ = std::thread([this] { run(); });
  }
  ~Stream() {
    // Never wait for the worker holding the GIL when it can be released:
    // the worker may still be evaluating a long prompt.
    if (Py_IsInitialized() && !python_finalizing() && PyGILState_Check()) {
      py::gil_scoped_release nogil;
      stop_worker();
    } else {
      stop_worker();
    }
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  py::str next() {
    for (;;) {
      std::string piece;
      bool got = false;
      bool finished = false;
      {
        py::gil_scoped_release nogil;
        std::unique_lock<std::mutex> lock(mutex_);
        have_item_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !pieces_.empty() || done_; });
        if (!pieces_.empty()) {
          piece = std::move(pieces_.front());
          pieces_.pop_front();
          got = true;
          have_room_.notify_one();
        } else if (done_) {
          finished = true;
        }
      }
      if (got) return to_str(piece.data(), piece.size());
      if (finished) {
        {
          py::gil_scoped_release nogil;
          join_worker();
        }
        bool report = false;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          report = status_ != LF_OK && !error_reported_;
          error_reported_ = true;  // raised once; later calls just end
        }
        if (report) throw StatusError(status_, error_);
        throw py::stop_iteration();
      }
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C while waiting
    }
  }

  void close() {
    py::gil_scoped_release nogil;
    stop_worker();
    std::lock_guard<std::mutex> lock(mutex_);
    error_reported_ = true;  // a closed stream just ends, even after a failure
  }

  // The run's statistics once it has ended (None while it runs).
  py::object stop_reason() const {
    const auto r = finished_result();
    return r ? py::object(py::str(stop_reason_name(r->stop_reason))) : py::none();
  }
  py::object n_tokens() const {
    const auto r = finished_result();
    return r ? py::object(py::int_(r->n_tokens)) : py::none();
  }
  py::object n_prompt_tokens() const {
    const auto r = finished_result();
    return r ? py::object(py::int_(r->n_prompt_tokens)) : py::none();
  }
  py::object generate_seconds() const {
    const auto r = finished_result();
    return r ? py::object(py::float_(r->generate_seconds)) : py::none();
  }

 private:
  static constexpr size_t kQueueCapacity = 16;

  std::optional<lf_generate_result> finished_result() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!done_) return std::nullopt;
    return result_;
  }

  void stop_worker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancel_ = true;
      pieces_.clear();
    }
    have_room_.notify_all();
    join_worker();
  }

  // next() and close() may race from two Python threads; join only once.
  void join_worker() {
    std::lock_guard<std::mutex> lock(join_mutex_);
    if (worker_.joinable()) worker_.join();
  }

  static int on_text(const char* piece, size_t len, void* user) {
    auto* self = static_cast<Stream*>(user);
    std::unique_lock<std::mutex> lock(self->mutex_);
    self->have_room_.wait(lock, [&] { return self->cancel_ || self->pieces_.size() < kQueueCapacity; });
    if (self->cancel_) return 1;
    self->pieces_.emplace_back(piece, len);
    self->have_item_.notify_one();
    return 0;
  }

  void run() {
    lf_status status = LF_OK;
    std::string error;
    lf_generate_result result{};
    try {
      std::vector<const char*> ptrs;
      lf_generate_params p = args_.params(ptrs);
      p.on_text = &Stream::on_text;
      p.user_data = this;
      ContextLease lease(*model_);
      status = run_generate(lease.get(), prompt_, p, &result);
      if (status != LF_OK) error = lf_last_error();
    } catch (const StatusError& e) {
      status = e.status;
      error = e.what();
    } catch (const std::exception& e) {
      status = LF_ERR_INTERNAL;
      error = std::string("stream: ") + e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      status_ = status;
      error_ = error;
      result_ = result;
      result_.text = nullptr;  // freed below; only the statistics are kept
      done_ = true;
    }
    have_item_.notify_all();
    lf_generate_result_free(&result);
  }

  std::shared_ptr<ModelHandle> model_;  // keeps the model alive while generating
  Prompt prompt_;
  GenArgs args_;
  mutable std::mutex mutex_;
  std::mutex join_mutex_;
  std::condition_variable have_item_, have_room_;
  std::deque<std::string> pieces_;
  bool cancel_ = false;
  bool done_ = false;
  bool error_reported_ = false;
  lf_status status_ = LF_OK;
  std::string error_;
  lf_generate_result result_{};
  std::thread worker_;  // last: starts after every member above exists
};

// ---- one generation's outcome ------------------------------------------------

// What Python needs of an lf_generate_result, copied out so the result can
// be freed at once (and read without the GIL).
struct Generated {
  std::string text;
  int32_t n_prompt_tokens = 0;
  int32_t n_tokens = 0;
  lf_stop_reason stop_reason = LF_STOP_MAX_TOKENS;

  static Generated from(const lf_generate_result& r) {
    return {std::string(r.text ? r.text : "", r.text ? r.text_len : 0), r.n_prompt_tokens, r.n_tokens, r.stop_reason};
  }
};

// The names Python's layer builds return_dict and OpenAI-shaped answers from.
py::dict generated_dict(const Generated& g) {
  py::dict d;
  d["text"] = to_str(g.text.data(), g.text.size());
  d["stop_reason"] = stop_reason_name(g.stop_reason);
  d["prompt_tokens"] = g.n_prompt_tokens;
  d["completion_tokens"] = g.n_tokens;
  return d;
}

// ---- numpy output ---------------------------------------------------------------

// A float32 numpy array [rows, cols] holding `data`, made through numpy's
// Python API and filled through the buffer protocol: no compile-time numpy
// dependency, so any numpy version works.
py::object float_array(const std::vector<float>& data, py::ssize_t rows, py::ssize_t cols) {
  py::object arr = py::module_::import("numpy").attr("empty")(py::make_tuple(rows, cols), "dtype"_a = "float32");
  const py::buffer_info info = py::reinterpret_borrow<py::buffer>(arr).request(true);
  if (info.itemsize != static_cast<py::ssize_t>(sizeof(float)) || info.size != rows * cols)
    throw std::runtime_error("numpy.empty returned an unexpected buffer");
  if (!data.empty()) std::memcpy(info.ptr, data.data(), data.size() * sizeof(float));
  return arr;
}

// ---- the Python-facing Model ------------------------------------------------------

class Model {
 public:
  Model(const std::filesystem::path& path, int32_t n_ctx, const std::string& device, int32_t n_threads,
        bool check_finite, const std::optional<std::string>& quantize, const std::string& kv_type) {
    lf_model_params mp = lf_model_default_params();
    mp.device = device.c_str();
    mp.n_threads = n_threads;
    mp.check_finite = check_finite;
    mp.quantize = quantize ? quantize->c_str() : nullptr;
    lf_context_params cp = lf_context_default_params();
    cp.n_ctx = n_ctx;
    if (kv_type == "f32") cp.kv_type = LF_KV_F32;
    else if (kv_type == "f16") cp.kv_type = LF_KV_F16;
    else if (kv_type == "bf16") cp.kv_type = LF_KV_BF16;
    else if (kv_type == "q8_0") cp.kv_type = LF_KV_Q8_0;
    else
      throw StatusError(LF_ERR_INVALID_ARGUMENT,
                        "kv_type must be 'f32', 'f16', 'bf16' or 'q8_0', not '" + kv_type + "'");
    py::gil_scoped_release nogil;
    h_ = std::make_shared<ModelHandle>(path, mp, cp);
    path_ = h_->path();
  }

  const ModelHandle& handle() const { return *live(); }
  const std::string& path() const { return path_; }
  bool closed() const { return !h_; }

  // Drops this object's hold on the model: it is freed now, or when the last
  // call or stream still running on another thread ends (each holds its own
  // reference, so closing never pulls the weights from under them).
  void close() { h_.reset(); }

  std::vector<lf_token> tokenize(const std::string& text, bool add_special, bool parse_special) const {
    const std::shared_ptr<ModelHandle> h = live();
    py::gil_scoped_release nogil;
    return ::tokenize(h->model(), text, add_special, parse_special);
  }

  py::str detokenize(const std::vector<lf_token>& ids, bool skip_special) const {
    const std::shared_ptr<ModelHandle> h = live();
    std::string text;
    {
      py::gil_scoped_release nogil;
      text = ::detokenize(h->model(), ids, skip_special);
    }
    return to_str(text.data(), text.size());
  }

  py::str generate(Prompt prompt, const GenArgs& args) const {
    const Generated g = generate_one(std::move(prompt), args);
    return to_str(g.text.data(), g.text.size());
  }

  // generate() with the run's statistics: the dict generated_dict() makes.
  py::dict generate_detailed(Prompt prompt, const GenArgs& args) const {
    return generated_dict(generate_one(std::move(prompt), args));
  }

  // Several token prompts through lf_generate_batch (one forward pass per
  // step for all of them); one dict per prompt, in order. No Ctrl-C checks:
  // the batch API takes no text callback.
  py::list generate_batch(const std::vector<std::vector<lf_token>>& prompts, const GenArgs& args) const {
    const std::shared_ptr<ModelHandle> h = live();
    for (const auto& ids : prompts)
      if (ids.empty()) throw py::value_error("prompt: a prompt of the batch has no tokens");
    std::vector<Generated> done;
    {
      py::gil_scoped_release nogil;
      std::vector<const char*> ptrs;
      const lf_generate_params p = args.params(ptrs);
      std::vector<const lf_token*> starts;
      std::vector<int32_t> lengths;
      for (const auto& ids : prompts) {
        starts.push_back(ids.data());
        lengths.push_back(static_cast<int32_t>(ids.size()));
      }
      std::vector<lf_generate_result> results(prompts.size());
      ContextLease lease(*h);
      const lf_status s = prompts.empty() ? LF_OK
                                          : lf_generate_batch(lease.get(), starts.data(), lengths.data(),
                                                              static_cast<int32_t>(prompts.size()), &p, results.data());
      const std::string error = s == LF_OK ? "" : lf_last_error();
      if (s == LF_OK)
        for (lf_generate_result& r : results) {
          done.push_back(Generated::from(r));
          lf_generate_result_free(&r);
        }
      if (s != LF_OK)
        throw StatusError(s, error.empty() ? std::string("lf_generate_batch: ") + lf_status_name(s) : error);
    }
    py::list out;
    for (const Generated& g : done) out.append(generated_dict(g));
    return out;
  }

  std::unique_ptr<Stream> stream(Prompt prompt, GenArgs args) const {
    const std::shared_ptr<ModelHandle> h = live();
    return std::make_unique<Stream>(h, checked_prompt(std::move(prompt)), std::move(args));
  }

  py::str chat(const py::handle& messages, const std::optional<std::string>& format, const GenArgs& args) const {
    const std::shared_ptr<ModelHandle> h = live();
    std::vector<std::string> storage;
    const auto msgs = chat_messages(messages, storage);
    std::vector<lf_token> ids;
    {
      py::gil_scoped_release nogil;
      ids = chat_tokenize(h->model(), format, msgs, true);
    }
    return generate(std::move(ids), args);
  }

  py::object apply_chat_template(const py::handle& messages, const std::optional<std::string>& format,
                                 bool add_generation_prompt, bool tokenize) const {
    const std::shared_ptr<ModelHandle> h = live();
    std::vector<std::string> storage;
    const auto msgs = chat_messages(messages, storage);
    if (tokenize) {
      std::vector<lf_token> ids;
      {
        py::gil_scoped_release nogil;
        ids = chat_tokenize(h->model(), format, msgs, add_generation_prompt);
      }
      return py::cast(ids);
    }
    std::string text;
    {
      py::gil_scoped_release nogil;
      text = chat_text(h->model(), format, msgs, add_generation_prompt);
    }
    return to_str(text.data(), text.size());
  }

  py::object score(const Prompt& prefix, const std::vector<Prompt>& continuations, bool per_token) const {
    const std::shared_ptr<ModelHandle> h = live();
    const size_t n = continuations.size();
    if (n == 0) return py::list();  // nothing to score (the C API wants a totals array)
    std::vector<double> totals(n);
    std::vector<std::vector<double>> per(n);
    {
      py::gil_scoped_release nogil;
      const std::vector<lf_token> pre = ids_of(*h, prefix, true);
      std::vector<std::vector<lf_token>> conts;
      std::vector<const lf_token*> ptrs;
      std::vector<int32_t> lengths;
      for (const Prompt& c : continuations) {
        conts.push_back(ids_of(*h, c, false));
        ptrs.push_back(conts.back().data());
        lengths.push_back(static_cast<int32_t>(conts.back().size()));
      }
      size_t total_len = 0;
      for (int32_t len : lengths) total_len += static_cast<size_t>(std::max(len, 0));
      std::vector<double> flat(total_len);
      ContextLease lease(*h);
      check(lf_score(lease.get(), pre.data(), static_cast<int32_t>(pre.size()), ptrs.data(), lengths.data(),
                     static_cast<int32_t>(n), totals.data(), per_token ? flat.data() : nullptr),
            "lf_score");
      size_t at = 0;
      for (size_t i = 0; per_token && i < n; ++i) {
        per[i].assign(flat.begin() + static_cast<std::ptrdiff_t>(at),
                      flat.begin() + static_cast<std::ptrdiff_t>(at + static_cast<size_t>(lengths[i])));
        at += static_cast<size_t>(lengths[i]);
      }
    }
    return per_token ? py::cast(per) : py::cast(totals);
  }

  py::object embed(const py::object& texts, const std::string& pooling) const {
    const std::shared_ptr<ModelHandle> h = live();
    lf_pooling pool;
    if (pooling == "mean") {
      pool = LF_POOL_MEAN;
    } else if (pooling == "last") {
      pool = LF_POOL_LAST;
    } else {
      throw py::value_error("embed: pooling must be 'mean' or 'last', not '" + pooling + "'");
    }
    std::vector<Prompt> items;
    if (py::isinstance<py::str>(texts)) {
      items.emplace_back(texts.cast<std::string>());
    } else {
      try {
        items = texts.cast<std::vector<Prompt>>();
      } catch (const py::cast_error&) {
        throw py::type_error("embed: texts must be a str or a list of str / list[int]");
      }
    }
    const int32_t width = h->desc().n_embd;
    std::vector<float> out(items.size() * static_cast<size_t>(width));
    {
      py::gil_scoped_release nogil;
      ContextLease lease(*h);
      for (size_t i = 0; i < items.size(); ++i) {
        const std::vector<lf_token> ids = ids_of(*h, items[i], true);
        check(lf_embed(lease.get(), ids.data(), static_cast<int32_t>(ids.size()), pool,
                       out.data() + i * static_cast<size_t>(width), width),
              "lf_embed");
      }
    }
    return float_array(out, static_cast<py::ssize_t>(items.size()), width);
  }

  py::object logits(const Prompt& tokens) const {
    const std::shared_ptr<ModelHandle> h = live();
    const int32_t vocab = h->desc().vocab_size;
    std::vector<float> out;
    size_t n = 0;
    {
      py::gil_scoped_release nogil;
      const std::vector<lf_token> ids = ids_of(*h, tokens, true);
      n = ids.size();
      out.resize(n * static_cast<size_t>(vocab));
      ContextLease lease(*h);
      // lf_eval keeps only the last token's logits, so feed one token at a
      // time: n forward passes of one token each, row i after token i.
      for (size_t i = 0; i < n; ++i) {
        check(lf_eval(lease.get(), &ids[i], 1), "lf_eval");
        const float* row = lf_context_logits(lease.get());
        if (!row) throw StatusError(LF_ERR_INTERNAL, "logits: lf_context_logits returned NULL after lf_eval");
        std::memcpy(out.data() + i * static_cast<size_t>(vocab), row, static_cast<size_t>(vocab) * sizeof(float));
      }
    }
    return float_array(out, static_cast<py::ssize_t>(n), vocab);
  }

 private:
  // One generation on a leased context; on the main thread Ctrl-C cancels it.
  Generated generate_one(Prompt prompt, const GenArgs& args) const {
    const std::shared_ptr<ModelHandle> h = live();
    prompt = checked_prompt(std::move(prompt));
    std::vector<const char*> ptrs;
    lf_generate_params p = args.params(ptrs);
    InterruptCheck interrupt;
    interrupt.enabled = PyThread_get_thread_ident() == g_main_thread;
    p.on_text = &InterruptCheck::on_text;
    p.user_data = &interrupt;
    lf_generate_result r{};
    {
      py::gil_scoped_release nogil;
      ContextLease lease(*h);
      check(run_generate(lease.get(), prompt, p, &r), "lf_generate");
    }
    std::unique_ptr<lf_generate_result, void (*)(lf_generate_result*)> owner(&r, lf_generate_result_free);
    if (interrupt.interrupted) throw py::error_already_set();
    // A Ctrl-C that came after the last check (a generation shorter than the
    // check interval) still surfaces here, as KeyboardInterrupt from this call.
    if (interrupt.enabled && PyErr_CheckSignals() != 0) throw py::error_already_set();
    return Generated::from(r);
  }

  // Token ids of a prompt-like argument (text tokenized without parsing
  // control tokens; add_special for prefixes). GIL must be released.
  static std::vector<lf_token> ids_of(const ModelHandle& h, const Prompt& p, bool add_special) {
    if (const auto* text = std::get_if<std::string>(&p)) return ::tokenize(h.model(), *text, add_special, false);
    return std::get<std::vector<lf_token>>(p);
  }

  // The model for one call, held by the call so that close() on another
  // thread cannot free it midway. Called with the GIL held (close() takes it too).
  std::shared_ptr<ModelHandle> live() const {
    if (!h_)
      throw StatusError(LF_ERR_INVALID_ARGUMENT,
                        "the model is closed (Model.close() or the end of its with block); load it again to use it");
    return h_;
  }

  std::shared_ptr<ModelHandle> h_;
  std::string path_;
};

py::object optional_id(lf_token id) { return id < 0 ? py::none() : py::object(py::int_(id)); }

// The sampling keywords are documented once, on liveformer.Model.generate
// (python/liveformer/_model.py), which users call; _core points there.
const char* kGenerateKeywords = R"(

Sampling keywords: as liveformer.Model.generate documents them.)";

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = R"(liveformer: Transformer inference for live-stream e-commerce.

    model = liveformer.Model("path/to/model.gguf")   # or a Hugging Face directory
    model.generate("Hello", max_new_tokens=32, temperature=0)
    for piece in model.stream("Hello"): print(piece, end="")

Errors from the library raise liveformer.Error (a RuntimeError); a missing or
unreadable model file raises liveformer.FileError (also a FileNotFoundError).
Both carry .status (a short name) and .code (the C API's lf_status).)";
  m.attr("__version__") = lf_version();
  m.attr("API_VERSION") = LF_API_VERSION;

  g_error = PyErr_NewExceptionWithDoc("liveformer.Error",
                                      "A liveformer C API call failed; .status and .code name the lf_status.",
                                      PyExc_RuntimeError, nullptr);
  if (!g_error) throw py::error_already_set();
  const py::tuple file_bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_FileNotFoundError));
  g_file_error = PyErr_NewExceptionWithDoc("liveformer.FileError",
                                           "A model path is missing or unreadable (LF_ERR_IO).", file_bases.ptr(),
                                           nullptr);
  if (!g_file_error) throw py::error_already_set();
  m.attr("Error") = py::handle(g_error);
  m.attr("FileError") = py::handle(g_file_error);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      raise_status_error(e);
    }
  });
  g_main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();

  const lf_generate_params d = lf_generate_default_params();
  m.def(
      "generate_defaults",
      [d] {
        py::dict out;
        out["max_new_tokens"] = d.max_new_tokens;
        out["temperature"] = tidy(d.sampling.temperature);
        out["top_k"] = d.sampling.top_k;
        out["top_p"] = tidy(d.sampling.top_p);
        out["min_p"] = tidy(d.sampling.min_p);
        out["repetition_penalty"] = tidy(d.sampling.repetition_penalty);
        out["presence_penalty"] = tidy(d.sampling.presence_penalty);
        out["frequency_penalty"] = tidy(d.sampling.frequency_penalty);
        out["penalty_last_n"] = d.sampling.penalty_last_n;
        out["seed"] = d.sampling.seed;
        out["stop_at_eos"] = d.stop_at_eos != 0;
        return out;
      },
      "lf_generate_default_params() as keyword defaults (the Python layer's signatures use them).");

  py::class_<Stream>(m, "Stream", R"(Iterator over generated text pieces (whole UTF-8 characters).

Generation runs in a background thread. Breaking out of a for loop drops the
iterator, which cancels the generation; close() (or a `with` block) does the
same explicitly. After the end, stop_reason ("max_tokens", "eos", "stop",
"cancelled", "context_full"), n_tokens, n_prompt_tokens and generate_seconds
describe the run (None while it is running).)")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", &Stream::next)
      .def("close", &Stream::close, "Cancels the generation (if running) and waits for its thread.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Stream& s, const py::args&) { s.close(); })
      .def_property_readonly("stop_reason", &Stream::stop_reason)
      .def_property_readonly("n_tokens", &Stream::n_tokens)
      .def_property_readonly("n_prompt_tokens", &Stream::n_prompt_tokens)
      .def_property_readonly("generate_seconds", &Stream::generate_seconds);

  py::class_<Model>(m, "Model", R"(A loaded model (GGUF file or Hugging Face directory).

The model is read-only and safe to use from several threads at once: each
call borrows its own decoding context from a small pool (a new one is made
when all are busy; up to 4 idle ones are kept) and empties it afterwards, so
results never depend on earlier calls. The GIL is released while computing.)")
      .def(py::init<const std::filesystem::path&, int32_t, const std::string&, int32_t, bool,
                    const std::optional<std::string>&, const std::string&>(),
           py::arg("path"), py::kw_only(), py::arg("n_ctx") = 0, py::arg("device") = "cpu", py::arg("n_threads") = 0,
           py::arg("check_finite") = true, py::arg("quantize") = py::none(), py::arg("kv_type") = "f32",
           R"(Loads a model. n_ctx: context length of each decoding context (0: the
trained length, at most 4096); device: "cpu", "cuda" or "auto"; n_threads:
threads per decoding context, 0 for all cores; check_finite: refuse weights
holding NaN/Inf; quantize: None (matrices as stored) or "q8_0", "q4_0",
"f16", "bf16", "f32" to convert the matrices while loading; kv_type: the
KV cache's type, "f32", "f16" or "bf16" (half the memory) or "q8_0" (0.27x;
needs a head_dim that is a multiple of 32).
Raises liveformer.FileError when the path is missing, liveformer.Error otherwise.)")
      .def_property_readonly("path", &Model::path)
      .def_property_readonly("closed", &Model::closed)
      .def("close", &Model::close, "Releases the model (when no call or stream on another thread still uses it).")
      .def_property_readonly("architecture", [](const Model& s) { return s.handle().architecture(); })
      .def_property_readonly("vocab_size", [](const Model& s) { return s.handle().desc().vocab_size; })
      .def_property_readonly("n_embd", [](const Model& s) { return s.handle().desc().n_embd; })
      .def_property_readonly("n_layers", [](const Model& s) { return s.handle().desc().n_layers; })
      .def_property_readonly("n_ctx_train", [](const Model& s) { return s.handle().desc().n_ctx_train; })
      .def_property_readonly("n_ctx", [](const Model& s) { return s.handle().n_ctx(); },
                             "Context length of each decoding context.")
      .def_property_readonly("bos_id", [](const Model& s) { return optional_id(s.handle().desc().bos); })
      .def_property_readonly("eos_id", [](const Model& s) { return optional_id(s.handle().desc().eos); })
      .def("__repr__",
           [](const Model& s) {
             return "<liveformer.Model " + s.handle().architecture() + " vocab_size=" +
                    std::to_string(s.handle().desc().vocab_size) + " n_embd=" +
                    std::to_string(s.handle().desc().n_embd) + " path='" + s.handle().path() + "'>";
           })
      .def("tokenize", &Model::tokenize, py::arg("text"), py::arg("add_special") = false,
           py::arg("parse_special") = false,
           R"(Token ids of text. add_special: add BOS/EOS as the model does; parse_special:
recognise control tokens written in the text (keep False for untrusted text).)")
      .def("detokenize", &Model::detokenize, py::arg("ids"), py::arg("skip_special") = false,
           "Text of token ids (an incomplete trailing character becomes U+FFFD).")
      .def(
          "generate",
          [](const Model& s, Prompt prompt, LF_GEN_PARAMS) { return s.generate(std::move(prompt), LF_GEN_ARGS); },
          py::arg("prompt"), py::kw_only(), LF_GEN_KWARGS(d),
          (std::string(R"(Generates text after prompt and returns it (the prompt is not included).

prompt: a str (tokenized with the model's BOS rule; "" starts from BOS) or a
list of token ids used as given. Ctrl-C cancels a long generation.)") + kGenerateKeywords)
              .c_str())
      .def(
          "generate_detailed",
          [](const Model& s, Prompt prompt, LF_GEN_PARAMS) {
            return s.generate_detailed(std::move(prompt), LF_GEN_ARGS);
          },
          py::arg("prompt"), py::kw_only(), LF_GEN_KWARGS(d),
          "generate() returning {'text', 'stop_reason', 'prompt_tokens', 'completion_tokens'}.")
      .def(
          "generate_batch",
          [](const Model& s, const std::vector<std::vector<lf_token>>& prompts, LF_GEN_PARAMS) {
            return s.generate_batch(prompts, LF_GEN_ARGS);
          },
          py::arg("prompts"), py::kw_only(), LF_GEN_KWARGS(d),
          "Token prompts generated together (lf_generate_batch); one generate_detailed() dict each.")
      .def(
          "stream",
          [](const Model& s, Prompt prompt, LF_GEN_PARAMS) { return s.stream(std::move(prompt), LF_GEN_ARGS); },
          py::arg("prompt"), py::kw_only(), LF_GEN_KWARGS(d),
          (std::string(R"(Like generate(), but returns an iterator (liveformer.Stream) of text pieces
as they are produced; "".join(pieces) equals generate()'s text.)") + kGenerateKeywords)
              .c_str())
      .def(
          "chat",
          [](const Model& s, const py::handle& messages, const std::optional<std::string>& format, LF_GEN_PARAMS) {
            return s.chat(messages, format, LF_GEN_ARGS);
          },
          py::arg("messages"), py::kw_only(), py::arg("template") = py::none(), LF_GEN_KWARGS(d),
          (std::string(R"(The assistant's reply to messages, a list of {"role": ..., "content": ...}
dicts. template: None for the model's own chat template, or "chatml",
"llama2", "zephyr". Message text is never parsed for control tokens.)") + kGenerateKeywords)
              .c_str())
      .def("apply_chat_template", &Model::apply_chat_template, py::arg("messages"), py::kw_only(),
           py::arg("template") = py::none(), py::arg("add_generation_prompt") = false, py::arg("tokenize") = true,
           R"(The conversation rendered with the chat template: token ids (tokenize=True)
or text. add_generation_prompt ends it where the assistant's answer begins.)")
      .def("score", &Model::score, py::arg("prefix"), py::arg("continuations"), py::kw_only(),
           py::arg("per_token") = false,
           R"(Log-likelihood (natural log) of each continuation after prefix.

prefix: str (tokenized with add_special=True) or token ids; continuations: a
list of str (each tokenized alone, without special tokens) or token id lists.
Returns a list of floats, or with per_token=True one list of per-token
log-probabilities per continuation. The prefix is evaluated once and the
continuations run as one batch.)")
      .def("embed", &Model::embed, py::arg("texts"), py::arg("pooling") = "mean",
           R"(Embeddings: numpy float32 array [len(texts), n_embd] of final hidden
states (after the output norm) pooled over each text's tokens ("mean" or
"last"). texts: a list of str (tokenized with add_special=True) or token
id lists; a single str gives one row.)")
      .def("logits", &Model::logits, py::arg("tokens"),
           R"(Next-token logits after each prefix of tokens: numpy float32 array
[len(tokens), vocab_size], row i after tokens[0..i]. A str is tokenized with
add_special=True. Runs one single-token forward pass per token (the C API
keeps only the last token's logits), so it is meant for short inputs.)");
}
