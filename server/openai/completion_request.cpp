#include "openai/completion_request.hpp"

#include <cmath>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "common/app_error.hpp"
#include "openai/api_error.hpp"
#include "openai/json_fields.hpp"

namespace lf::serve {

namespace {

using Json = nlohmann::ordered_json;

// "content" is a string or, in newer clients, a list of parts of which the
// text ones are joined.
std::string message_content(const Json& content, std::size_t i) {
  const std::string where = "messages[" + std::to_string(i) + "].content";
  if (content.is_null()) return "";
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) throw ApiError(400, where + " must be a string or an array of content parts", where);
  std::string text;
  for (const Json& part : content) {
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
      throw ApiError(400, where + " parts must be objects with a \"type\"", where);
    const std::string type = part["type"].get<std::string>();
    if (type != "text") throw ApiError(400, where + ": content part type \"" + type + "\" is not supported (text only)", where);
    if (!part.contains("text") || !part["text"].is_string())
      throw ApiError(400, where + ": a text part needs a string \"text\"", where);
    text += part["text"].get<std::string>();
  }
  return text;
}

app::Messages chat_messages(const Json& body, const CompletionLimits& limits) {
  if (!body.contains("messages")) throw ApiError(400, "'messages' is a required property", "messages");
  const Json& messages = body["messages"];
  if (!messages.is_array() || messages.empty())
    throw ApiError(400, "'messages' must be a non-empty array", "messages");
  if (messages.size() > limits.max_messages)
    throw ApiError(400, "at most " + std::to_string(limits.max_messages) + " messages", "messages");
  app::Messages conversation;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) throw ApiError(400, where + " must be an object", where);
    if (!m.contains("role") || !m["role"].is_string()) throw ApiError(400, where + ".role must be a string", where + ".role");
    std::string role = m["role"].get<std::string>();
    if (role == "developer") role = "system";  // OpenAI's newer name for it
    if (role != "system" && role != "user" && role != "assistant" && role != "tool")
      throw ApiError(400, where + ".role \"" + role + "\" is not one of system, developer, user, assistant, tool",
                     where + ".role");
    conversation.emplace_back(role, message_content(m.value("content", Json()), i));
  }
  return conversation;
}

void completion_input(const Json& body, PromptInput& in) {
  if (!body.contains("prompt")) throw ApiError(400, "'prompt' is a required property", "prompt");
  const Json& p = body["prompt"];
  // A string, a list of one string, or token ids (a list of integers).
  if (p.is_string()) {
    in.text = p.get<std::string>();
    return;
  }
  if (p.is_array() && p.size() == 1 && p[0].is_string()) {
    in.text = p[0].get<std::string>();
    return;
  }
  if (p.is_array() && !p.empty() && p[0].is_number_integer()) {
    for (const Json& t : p) {
      if (!t.is_number_integer()) throw ApiError(400, "prompt: a token list must hold integers only", "prompt");
      in.ids.push_back(t.is_number_unsigned() && t.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)
                           ? INT64_MAX
                           : t.get<std::int64_t>());
    }
    in.is_ids = true;
    return;
  }
  throw ApiError(400, "'prompt' must be a string, a list of one string, or a list of token ids (n = 1)", "prompt");
}

}  // namespace

CompletionRequest parse_completion_body(const std::string& body_text, bool chat, const CompletionLimits& limits,
                                        PromptInput& prompt) {
  const Json body = parse_object(body_text);
  CompletionRequest r;
  r.chat = chat;
  r.model = optional_string(body, "model", "");
  if (const auto n = optional_integer(body, "n", 1, 1, 1); n != 1) throw ApiError(400, "only n = 1 is supported", "n");
  // max_completion_tokens is the newer name; either may come.
  std::int64_t max_tokens = optional_integer(body, "max_tokens", 0, 1, std::numeric_limits<std::int32_t>::max());
  max_tokens = optional_integer(body, "max_completion_tokens", max_tokens, 1, std::numeric_limits<std::int32_t>::max());
  r.temperature = static_cast<float>(optional_number(body, "temperature", 1.0, 0.0, 2.0));
  r.top_p = static_cast<float>(optional_number(body, "top_p", 1.0, 0.0, 1.0));
  if (r.top_p <= 0.0f) throw ApiError(400, "top_p must be greater than 0", "top_p");
  r.presence_penalty = static_cast<float>(optional_number(body, "presence_penalty", 0.0, -2.0, 2.0));
  r.frequency_penalty = static_cast<float>(optional_number(body, "frequency_penalty", 0.0, -2.0, 2.0));
  if (body.contains("seed") && !body["seed"].is_null()) {
    r.seed = static_cast<std::uint64_t>(optional_integer(body, "seed", 0, std::numeric_limits<std::int64_t>::min(),
                                                         std::numeric_limits<std::int64_t>::max()));
    r.has_seed = true;
  }
  r.stream = optional_bool(body, "stream", false);
  if (body.contains("stream_options") && !body["stream_options"].is_null()) {
    const Json& so = body["stream_options"];
    if (!so.is_object()) throw ApiError(400, "stream_options must be an object", "stream_options");
    r.include_usage = optional_bool(so, "include_usage", false);
  }
  if (body.contains("stop") && !body["stop"].is_null()) {
    const Json& s = body["stop"];
    if (s.is_string()) {
      r.stop.push_back(s.get<std::string>());
    } else if (s.is_array()) {
      if (s.size() > limits.max_stop) throw ApiError(400, "at most " + std::to_string(limits.max_stop) + " stop sequences", "stop");
      for (const Json& x : s) {
        if (!x.is_string()) throw ApiError(400, "stop must be a string or an array of strings", "stop");
        r.stop.push_back(x.get<std::string>());
      }
    } else {
      throw ApiError(400, "stop must be a string or an array of strings", "stop");
    }
    for (const std::string& x : r.stop) {
      if (x.empty()) throw ApiError(400, "stop sequences must not be empty", "stop");
      if (x.size() > limits.max_stop_bytes)
        throw ApiError(400, "a stop sequence is limited to " + std::to_string(limits.max_stop_bytes) + " bytes", "stop");
    }
  }
  if (!chat) r.echo = optional_bool(body, "echo", false);
  r.ignore_eos = optional_bool(body, "ignore_eos", false);
  if (chat)
    prompt.messages = chat_messages(body, limits);
  else
    completion_input(body, prompt);
  r.prompt_text = prompt.text;
  r.max_tokens = static_cast<std::int32_t>(max_tokens);
  return r;
}

void resolve_prompt(CompletionRequest& r, const PromptInput& in, const app::Model& model, const CompletionLimits& limits) {
  const bool chat = r.chat;
  try {
    if (chat) {
      if (!model.has_chat_template())
        throw ApiError(400, "this model has no chat template; use /v1/completions with a prompt", "messages");
      r.prompt = model.chat_tokenize(in.messages, true);
    } else if (in.is_ids) {
      for (std::int64_t id : in.ids) {
        if (id < 0 || id >= model.desc().vocab_size)
          throw ApiError(400, "prompt: token id " + std::to_string(id) + " is outside the vocabulary", "prompt");
        r.prompt.push_back(static_cast<lf_token>(id));
      }
    } else {
      r.prompt = model.tokenize(in.text, true, false);
      if (r.prompt.empty()) throw ApiError(400, "the prompt is empty and the model has no BOS token", "prompt");
    }
  } catch (const app::AppError& e) {
    throw ApiError(400, std::string(chat ? "messages: " : "prompt: ") + e.what(), chat ? "messages" : "prompt");
  }
  const auto n_prompt = static_cast<std::int64_t>(r.prompt.size());
  if (n_prompt >= limits.n_ctx)
    throw ApiError(400,
                   "This model's maximum context length is " + std::to_string(limits.n_ctx) +
                       " tokens. However, your " + (chat ? "messages" : "prompt") + " resulted in " +
                       std::to_string(n_prompt) + " tokens.",
                   chat ? "messages" : "prompt", "invalid_request_error");
  const std::int64_t room = limits.n_ctx - n_prompt;
  std::int64_t max_tokens = r.max_tokens;
  if (max_tokens == 0) max_tokens = std::min<std::int64_t>(limits.default_max_tokens, room);
  // A max_tokens past the context is not an error (OpenAI counts it
  // against the window); generation ends at the context, finish "length".
  r.max_tokens = static_cast<std::int32_t>(std::min<std::int64_t>(max_tokens, room));
}

CompletionRequest parse_completion(const std::string& body, bool chat, const app::Model& model,
                                   const CompletionLimits& limits) {
  PromptInput in;
  CompletionRequest r = parse_completion_body(body, chat, limits, in);
  resolve_prompt(r, in, model, limits);
  return r;
}

lf_generate_params generate_params(const CompletionRequest& r, std::vector<const char*>& stop_ptrs) {
  lf_generate_params g = lf_generate_default_params();
  g.max_new_tokens = r.max_tokens;
  g.sampling = lf_sampling_default_params();
  g.sampling.temperature = r.temperature;
  // OpenAI's sampling has no top-k or min-p: switch ours off.
  g.sampling.top_k = 0;
  g.sampling.min_p = 0;
  g.sampling.top_p = r.top_p;
  g.sampling.presence_penalty = r.presence_penalty;
  g.sampling.frequency_penalty = r.frequency_penalty;
  g.sampling.penalty_last_n = (r.presence_penalty != 0 || r.frequency_penalty != 0) ? -1 : 0;
  // Without a seed a request samples differently each time, as OpenAI's do.
  static thread_local std::mt19937_64 fresh(std::random_device{}());
  g.sampling.seed = r.has_seed ? r.seed : fresh();
  stop_ptrs.clear();
  for (const std::string& s : r.stop) stop_ptrs.push_back(s.c_str());
  g.stop = stop_ptrs.empty() ? nullptr : stop_ptrs.data();
  g.n_stop = static_cast<int32_t>(stop_ptrs.size());
  g.stop_at_eos = r.ignore_eos ? 0 : 1;
  return g;
}

}  // namespace lf::serve
