// Fuzz target: what liveformer serve reads from a client's request body.
//
// The first byte picks the reader, the rest is the body:
//   0: POST /v1/chat/completions   (parse_completion_body, chat)
//   1: POST /v1/completions        (parse_completion_body)
//   2: a room's comment message    (Room::push_comments, then labelling
//                                   with the rules and the room's report)
// ApiError is the expected outcome for a bad request; any other exception,
// a sanitizer report or a broken invariant is a bug.
//
// Checks: a parsed request has its fields in OpenAI's ranges and at most 4
// non-empty stop strings; every comment a room accepts is counted exactly
// once after labelling; the report serialises.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "openai/api_error.hpp"
#include "openai/completion_request.hpp"
#include "rooms/room.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 3;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (mode < 2) {
    lf::serve::CompletionLimits limits;
    limits.n_ctx = 512;
    lf::serve::PromptInput prompt;
    try {
      const lf::serve::CompletionRequest r = lf::serve::parse_completion_body(body, mode == 0, limits, prompt);
      lf::fuzz::require(r.temperature >= 0 && r.temperature <= 2 && r.top_p > 0 && r.top_p <= 1, "sampling out of range");
      lf::fuzz::require(std::fabs(r.presence_penalty) <= 2 && std::fabs(r.frequency_penalty) <= 2, "penalty out of range");
      lf::fuzz::require(r.max_tokens >= 0, "negative max_tokens");
      lf::fuzz::require(r.stop.size() <= limits.max_stop, "too many stop strings");
      for (const std::string& s : r.stop) lf::fuzz::require(!s.empty() && s.size() <= limits.max_stop_bytes, "bad stop string");
      lf::fuzz::require(mode == 0 ? !prompt.messages.empty() : (prompt.is_ids ? !prompt.ids.empty() : true), "no prompt");
      std::vector<const char*> ptrs;
      const lf_generate_params g = lf::serve::generate_params(r, ptrs);
      lf::fuzz::require(g.n_stop == static_cast<int32_t>(r.stop.size()), "stop strings lost");
    } catch (const lf::serve::ApiError& e) {
      lf::fuzz::require(e.status == 400, "a body error that is not 400");
      (void)lf::serve::error_body(e.status, e.what(), e.param);
    }
    return 0;
  }
  lf::serve::RoomLimits limits;
  limits.max_pending = 64;
  lf::serve::Room room("fuzz", limits);
  std::vector<std::string> errors;
  const std::size_t accepted = room.push_comments(body, errors);
  while (room.process(16, nullptr, nullptr) > 0) {
  }
  const lf::serve::Room::Counters c = room.counters();
  lf::fuzz::require(c.received == accepted, "received count differs from accepted");
  lf::fuzz::require(c.labelled + c.dropped_backpressure + c.duplicates + c.bad + c.empty == c.received,
                    "a comment is counted wrongly");
  (void)room.report().dump(-1, ' ', false, app::Json::error_handler_t::replace);
  return 0;
}
