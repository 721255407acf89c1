#include "openai/embeddings.hpp"

#include <cstdint>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

#include "common/app_error.hpp"
#include "openai/api_error.hpp"
#include "openai/json_fields.hpp"

namespace lf::serve {

using Json = nlohmann::ordered_json;

namespace {

// Little-endian f32 bytes in standard base64 (RFC 4648, with padding).
std::string base64_floats(const std::vector<float>& v) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * 4, '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((u >> (8 * b)) & 0xff);
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (i + 1 < bytes.size() ? static_cast<std::uint8_t>(bytes[i + 1]) << 8 : 0) |
                            (i + 2 < bytes.size() ? static_cast<std::uint8_t>(bytes[i + 2]) : 0);
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

}  // namespace

void handle_embeddings(ServeContext& ctx, Worker& worker, const http::Request& request, http::Reply reply) {
  const Json body = parse_object(request.body);
  if (!body.contains("input")) throw ApiError(400, "'input' is a required property", "input");
  // "base64": the floats' little-endian bytes, what the openai client asks
  // for by default when numpy is there.
  const std::string format = optional_string(body, "encoding_format", "float");
  if (format != "float" && format != "base64")
    throw ApiError(400, "encoding_format must be \"float\" or \"base64\"", "encoding_format");
  const bool base64 = format == "base64";
  const std::string model_name = optional_string(body, "model", ctx.engine.model_id());
  // input: a string, a list of strings, a list of token ids, or a list of such lists.
  const Json& in = body["input"];
  std::vector<app::Tokens> inputs;
  const auto tokens_of = [&](const Json& v) {
    if (v.is_string()) {
      const std::string text = v.get<std::string>();
      if (text.empty()) throw ApiError(400, "input must not contain empty strings", "input");
      app::Tokens t;
      try {
        t = ctx.engine.model().tokenize(text, true, false);
      } catch (const app::AppError& e) {
        throw ApiError(400, std::string("input: ") + e.what(), "input");
      }
      return t;
    }
    if (v.is_array() && !v.empty() && v[0].is_number_integer()) {
      app::Tokens t;
      for (const Json& x : v) {
        if (!x.is_number_integer() || x.get<std::int64_t>() < 0 || x.get<std::int64_t>() >= ctx.engine.model().desc().vocab_size)
          throw ApiError(400, "input: token ids must be integers inside the vocabulary", "input");
        t.push_back(static_cast<lf_token>(x.get<std::int64_t>()));
      }
      return t;
    }
    throw ApiError(400, "input must be a string, an array of strings, or token ids", "input");
  };
  if (in.is_array() && !in.empty() && (in[0].is_string() || in[0].is_array())) {
    if (in.size() > ctx.settings.max_embedding_inputs)
      throw ApiError(400, "at most " + std::to_string(ctx.settings.max_embedding_inputs) + " inputs per request", "input");
    for (const Json& v : in) inputs.push_back(tokens_of(v));
  } else {
    inputs.push_back(tokens_of(in));
  }
  for (const app::Tokens& t : inputs)
    if (static_cast<std::int64_t>(t.size()) > ctx.engine.n_ctx())
      throw ApiError(400, "an input of " + std::to_string(t.size()) + " tokens exceeds the context length " +
                              std::to_string(ctx.engine.n_ctx()), "input");
  const bool queued = worker.post([&ctx, reply, inputs = std::move(inputs), model_name, base64] {
    try {
      Json data = Json::array();
      std::int64_t tokens = 0;
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!reply.connected()) return;  // nobody is waiting
        const std::vector<float> e = ctx.engine.embed(inputs[i]);
        data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", base64 ? Json(base64_floats(e)) : Json(e)}});
        tokens += static_cast<std::int64_t>(inputs[i].size());
      }
      http::Response out;
      out.body = Json{{"object", "list"},
                      {"data", data},
                      {"model", model_name},
                      {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}
                     .dump(-1, ' ', false, Json::error_handler_t::replace);
      reply.send(std::move(out));
    } catch (const std::exception& e) {
      reply.send(error_response(500, std::string("embedding failed: ") + e.what()));
    }
  });
  if (!queued) {
    http::Response out = error_response(429, "too many embedding requests are waiting; retry shortly");
    out.headers.emplace_back("Retry-After", "1");
    reply.send(std::move(out));
  }
}

http::Response models_response(const ServeContext& ctx) {
  static const std::int64_t started = static_cast<std::int64_t>(std::time(nullptr));
  http::Response out;
  out.body = Json{{"object", "list"},
                  {"data", Json::array({{{"id", ctx.engine.model_id()},
                                         {"object", "model"},
                                         {"created", started},
                                         {"owned_by", "liveformer"},
                                         {"context_length", ctx.engine.n_ctx()}}})}}
                 .dump();
  return out;
}

}  // namespace lf::serve
