#include "rooms/room_routes.hpp"

#include <chrono>
#include <vector>

#include "common/app_error.hpp"
#include "common/grounded_answer.hpp"
#include "common/script_builder.hpp"
#include "common/utf8.hpp"
#include "openai/api_error.hpp"
#include "openai/json_fields.hpp"

namespace lf::serve {

namespace {

using Json = app::Json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxQuestionChars = 2000;

http::Response json_response(const Json& j, int status = 200) {
  http::Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string::npos ? path.size() : j;
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return parts;
}

void require_method(const http::Request& r, const char* method) {
  if (r.method != method) throw ApiError(405, "use " + std::string(method) + " for " + r.path);
}

std::shared_ptr<Room> existing(RoomRegistry& rooms, const std::string& id) {
  auto room = rooms.find(id);
  if (!room) throw ApiError(404, "no room '" + id + "'; PUT /v1/rooms/" + id + "/product opens it");
  return room;
}

std::shared_ptr<const RoomProduct> product_of(const Room& room) {
  auto p = room.product();
  if (!p) throw ApiError(409, "room '" + room.id() + "' has no product yet; PUT /v1/rooms/" + room.id() + "/product first");
  return p;
}

void put_product(ServeContext& ctx, RoomRegistry& rooms, const std::string& id, const http::Request& request,
                 http::Reply& reply) {
  const Json body = parse_object(request.body);
  auto rp = std::make_shared<RoomProduct>();
  try {
    rp->product = app::parse_product(body, "product");
  } catch (const app::AppError& e) {
    throw ApiError(400, e.what());
  }
  rp->json = body;
  rp->json.erase("qa");  // evaluation files carry their questions; not product facts
  rp->facts = std::make_shared<const app::grounding::FactSheet>(rp->product);
  std::string model_note;
  try {
    rp->qa = std::make_shared<const app::prompts::QaPrompt>(
        app::prompts::fit_qa_prompt(ctx.engine.model(), rp->product, ctx.engine.n_ctx()));
  } catch (const app::AppError& e) {
    model_note = e.what();  // answers then come from the product's lines alone
  }
  auto room = rooms.open(id);
  if (!room)
    throw ApiError(429, "this server keeps at most " + std::to_string(ctx.settings.max_rooms) +
                            " rooms; DELETE one first");
  const auto old = room->product();
  rp->version = old ? old->version + 1 : 1;
  room->set_product(rp);
  Json out = {{"room", id}, {"product", rp->product.name}, {"version", rp->version},
              {"facts", rp->facts->lines().size()}, {"prompt_tokens", rp->qa ? rp->qa->prefix().size() : 0}};
  if (!model_note.empty()) out["model"] = "answers from the product only: " + model_note;
  reply.send(json_response(out, old ? 200 : 201));
}

// A question answered: the model's answer through the scheduler (the room's
// product prompt is shared by every question, so the prefix cache serves
// it), then grounded in the product. When the scheduler is busy or the
// model cannot take the product, the grounded template answer stands alone.
struct AskPending {
  explicit AskPending(http::Reply r) : reply(std::move(r)) {}
  http::Reply reply;
  std::shared_ptr<Room> room;
  std::shared_ptr<const RoomProduct> product;
  Json line;
  Clock::time_point t0;
};

double ms_since(Clock::time_point t) {
  return std::round(std::chrono::duration<double, std::milli>(Clock::now() - t).count() * 10) / 10;
}

void finish_ask(AskPending& p, const std::string& model_answer) {
  p.line["answer"] = app::utf8::trim(model_answer);
  app::grounding::ground_answer(p.line, *p.product->facts);
  p.line["latency_ms"] = ms_since(p.t0);
  p.room->record_answer(p.line);
  p.reply.send(json_response(p.line));
}

void ask_done(uint64_t, lf_status status, const lf_generate_result* r, const char*, void* user) {
  std::unique_ptr<AskPending> p(static_cast<AskPending*>(user));
  try {
    p->line["model_status"] = status == LF_OK && r->stop_reason != LF_STOP_CANCELLED ? "ok" : "failed";
    finish_ask(*p, status == LF_OK && r->stop_reason != LF_STOP_CANCELLED ? std::string(r->text, r->text_len) : "");
  } catch (const std::exception& e) {
    p->reply.send(error_response(500, e.what()));
  }
}

void ask(ServeContext& ctx, const std::shared_ptr<Room>& room, const http::Request& request, http::Reply& reply) {
  const Json body = parse_object(request.body);
  const std::string question = optional_string(body, "question", "");
  if (app::utf8::trim(question).empty()) throw ApiError(400, "'question' must be a non-empty string", "question");
  if (app::utf8::length(question) > kMaxQuestionChars)
    throw ApiError(400, "a question is limited to " + std::to_string(kMaxQuestionChars) + " characters", "question");
  auto p = std::make_unique<AskPending>(reply);
  p->room = room;
  p->product = product_of(*room);
  p->t0 = Clock::now();
  p->line = {{"question", question}};
  if (body.contains("user") && (body["user"].is_string() || body["user"].is_number())) p->line["user"] = body["user"];
  const bool use_model = optional_bool(body, "model", true);
  if (!use_model || !p->product->qa || ctx.draining) {
    p->line["model_status"] = !use_model ? "off" : ctx.draining ? "shutting down" : "product too long for the model";
    finish_ask(*p, "");
    return;
  }
  const app::Tokens prompt = p->product->qa->full(question);
  static const char* stop_chat[] = {app::prompts::kImEnd};
  static const char* stop_plain[] = {"\n"};
  lf_request_params rp = lf_request_default_params();
  rp.generate.max_new_tokens = 96;
  rp.generate.sampling.temperature = 0;
  rp.generate.stop = p->product->qa->chat() ? stop_chat : stop_plain;
  rp.generate.n_stop = 1;
  rp.timeout_ms = ctx.settings.request_timeout_ms;
  rp.on_done = ask_done;
  rp.done_user_data = p.get();
  uint64_t id = 0;
  if (static_cast<std::int32_t>(prompt.size()) >= ctx.engine.n_ctx() ||
      lf_scheduler_submit(ctx.engine.scheduler(), prompt.data(), static_cast<int32_t>(prompt.size()), &rp, &id) != LF_OK) {
    p->line["model_status"] = "busy";
    finish_ask(*p, "");
    return;
  }
  p.release();  // ask_done owns it
}

struct ScriptPending {
  explicit ScriptPending(http::Reply r) : reply(std::move(r)) {}
  http::Reply reply;
  std::shared_ptr<const RoomProduct> product;
  std::uint64_t seed = 1;
  std::size_t prompt_tokens = 0;
  Clock::time_point t0;
};

void script_done(uint64_t, lf_status status, const lf_generate_result* r, const char* error, void* user) {
  std::unique_ptr<ScriptPending> p(static_cast<ScriptPending*>(user));
  try {
    if (status != LF_OK) {
      p->reply.send(error_response(500, std::string("generation failed: ") + (error ? error : "")));
      return;
    }
    const std::string draft(r->text, r->text_len);
    const app::grounding::GroundedScript g = app::grounding::build_script(draft, *p->product->facts, p->seed);
    Json used = Json::array();
    for (const std::string& label : g.facts)
      if (const app::ProductLine* line = p->product->facts->find(label)) used.push_back({{"field", label}, {"value", line->value}});
    p->reply.send(json_response({{"script", g.text},
                                 {"facts", used},
                                 {"draft", draft},
                                 {"dropped", g.dropped},
                                 {"model_sentences", g.model_sentences},
                                 {"template_sentences", g.template_sentences},
                                 {"tokens", r->n_tokens},
                                 {"prompt_tokens", p->prompt_tokens},
                                 {"stop_reason", r->stop_reason == LF_STOP_CANCELLED ? "cancelled" : "end"},
                                 {"latency_ms", ms_since(p->t0)}}));
  } catch (const std::exception& e) {
    p->reply.send(error_response(500, e.what()));
  }
}

void script(ServeContext& ctx, const std::shared_ptr<Room>& room, const http::Request& request, http::Reply& reply) {
  const Json body = request.body.empty() ? Json::object() : parse_object(request.body);
  auto p = std::make_unique<ScriptPending>(reply);
  p->product = product_of(*room);
  p->t0 = Clock::now();
  const std::string req = optional_string(body, "request", app::prompts::kDefaultScriptRequest);
  if (app::utf8::length(req) > kMaxQuestionChars) throw ApiError(400, "'request' is too long", "request");
  p->seed = static_cast<std::uint64_t>(optional_integer(body, "seed", 1, 0, INT64_MAX));
  const auto max_tokens = static_cast<int>(optional_integer(body, "max_tokens", 400, 1, 4096));
  const double temperature = optional_number(body, "temperature", 0.7, 0, 2);
  app::Tokens prompt;
  try {
    prompt = app::prompts::fit_script_prompt(ctx.engine.model(), p->product->product, req, ctx.engine.n_ctx(),
                                             std::min(max_tokens, 160));
  } catch (const app::AppError& e) {
    throw ApiError(400, e.what());
  }
  if (ctx.draining) throw ApiError(503, "the server is shutting down");
  p->prompt_tokens = prompt.size();
  static const char* stop[] = {app::prompts::kImEnd};
  lf_request_params rp = lf_request_default_params();
  rp.generate.max_new_tokens = std::min<int>(max_tokens, ctx.engine.n_ctx() - static_cast<int>(prompt.size()));
  rp.generate.sampling.temperature = static_cast<float>(temperature);
  rp.generate.sampling.top_p = 0.9f;
  rp.generate.sampling.repetition_penalty = 1.1f;
  rp.generate.sampling.penalty_last_n = 64;
  rp.generate.sampling.seed = p->seed;
  if (ctx.engine.model().has_chat_template()) {
    rp.generate.stop = stop;
    rp.generate.n_stop = 1;
  }
  rp.timeout_ms = ctx.settings.request_timeout_ms;
  rp.on_done = script_done;
  rp.done_user_data = p.get();
  uint64_t id = 0;
  const lf_status st =
      lf_scheduler_submit(ctx.engine.scheduler(), prompt.data(), static_cast<int32_t>(prompt.size()), &rp, &id);
  if (st == LF_ERR_BUSY) {
    http::Response out = error_response(429, "too many requests are waiting; retry shortly");
    out.headers.emplace_back("Retry-After", "1");
    reply.send(std::move(out));
    return;
  }
  if (st != LF_OK) throw ApiError(500, lf_last_error());
  p.release();
}

void post_comments(RoomRegistry& rooms, const std::shared_ptr<Room>& room, const http::Request& request,
                   http::Reply& reply) {
  std::vector<std::string> errors;
  const std::size_t n = room->push_comments(request.body, errors);
  rooms.notify();
  Json out = {{"accepted", n}, {"errors", errors}};
  reply.send(json_response(out, n > 0 || errors.empty() ? 202 : 400));
}

}  // namespace

bool handle_room_route(ServeContext& ctx, RoomRegistry& rooms, const http::Request& request, http::Reply& reply) {
  const std::vector<std::string> parts = split_path(request.path);
  if (parts.size() == 2 && parts[0] == "rooms") {  // the dashboard page
    require_method(request, "GET");
    if (!valid_room_id(parts[1])) throw ApiError(400, "room ids are 1 to 64 of A-Z a-z 0-9 _ -");
    existing(rooms, parts[1]);
    http::Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = dashboard_html(parts[1]);
    reply.send(std::move(r));
    return true;
  }
  if (parts.size() < 2 || parts[0] != "v1" || parts[1] != "rooms") return false;
  if (parts.size() == 2) {
    require_method(request, "GET");
    Json list = Json::array();
    for (const auto& room : rooms.all()) {
      const auto p = room->product();
      list.push_back({{"room", room->id()}, {"product", p ? Json(p->product.name) : Json(nullptr)}, {"received", room->counters().received}});
    }
    reply.send(json_response({{"object", "list"}, {"data", list}}));
    return true;
  }
  const std::string& id = parts[2];
  if (!valid_room_id(id)) throw ApiError(400, "room ids are 1 to 64 of A-Z a-z 0-9 _ -");
  if (parts.size() == 3) {
    require_method(request, "DELETE");
    if (!rooms.close(id)) throw ApiError(404, "no room '" + id + "'");
    reply.send(json_response({{"room", id}, {"deleted", true}}));
    return true;
  }
  if (parts.size() != 4) return false;
  const std::string& action = parts[3];
  if (action == "product") {
    if (request.method == "PUT") {
      put_product(ctx, rooms, id, request, reply);
      return true;
    }
    require_method(request, "GET");
    reply.send(json_response(product_of(*existing(rooms, id))->json));
    return true;
  }
  if (action == "ask") {
    require_method(request, "POST");
    ask(ctx, existing(rooms, id), request, reply);
    return true;
  }
  if (action == "script") {
    require_method(request, "POST");
    script(ctx, existing(rooms, id), request, reply);
    return true;
  }
  if (action == "comments") {
    require_method(request, "POST");
    post_comments(rooms, existing(rooms, id), request, reply);
    return true;
  }
  if (action == "report") {
    require_method(request, "GET");
    reply.send(json_response(existing(rooms, id)->report()));
    return true;
  }
  if (action == "events") {
    require_method(request, "GET");
    auto room = existing(rooms, id);
    auto stream = reply.start_events();
    if (!room->add_dashboard(stream)) {
      stream->send(error_body(429, "this room has too many dashboards open"));
      stream->end();
    }
    return true;
  }
  return false;
}

http::WebSocketHandlers room_socket(RoomRegistry& rooms, const http::Request& request, http::Response& refuse) {
  const std::vector<std::string> parts = split_path(request.path);
  if (parts.size() != 4 || parts[0] != "v1" || parts[1] != "rooms" || parts[3] != "comments") {
    refuse = error_response(404, "no WebSocket at " + request.path + " (rooms take comments at /v1/rooms/{room}/comments)");
    return {};
  }
  if (!valid_room_id(parts[2])) {
    refuse = error_response(400, "room ids are 1 to 64 of A-Z a-z 0-9 _ -");
    return {};
  }
  auto room = rooms.find(parts[2]);
  if (!room) {
    refuse = error_response(404, "no room '" + parts[2] + "'; PUT /v1/rooms/" + parts[2] + "/product opens it");
    return {};
  }
  http::WebSocketHandlers h;
  std::weak_ptr<Room> weak = room;
  // Every socket of the room gets its output (labels, summaries, alerts,
  // answers) from the handshake on, whether it sends comments or only listens.
  h.on_open = [weak](const std::shared_ptr<http::WebSocket>& ws) {
    auto room = weak.lock();
    if (!room || !room->add_comment_socket(ws)) {
      ws->send(error_body(room ? 429 : 404, room ? "this room has too many sockets open" : "the room was closed"));
      ws->close();
    }
  };
  h.on_message = [weak, &rooms](const std::shared_ptr<http::WebSocket>& ws, std::string message) {
    auto room = weak.lock();
    if (!room) {
      ws->send(error_body(404, "the room was closed"));
      ws->close();
      return;
    }
    std::vector<std::string> errors;
    room->push_comments(message, errors);
    rooms.notify();
    if (!errors.empty()) ws->send(Json{{"type", "error"}, {"errors", errors}}.dump(-1, ' ', false, Json::error_handler_t::replace));
  };
  h.on_close = [](const std::shared_ptr<http::WebSocket>&) {};
  return h;
}

}  // namespace lf::serve
