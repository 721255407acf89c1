#include "reply.hpp"

#include "event_stream.hpp"
#include "http_session.hpp"
#include "wire.hpp"

namespace lf::http {

Reply::State::~State() {
  if (!claim()) return;
  detail::post_to(*gate, session, [seq = seq](detail::HttpSession& s) {
    s.deliver(seq, detail::error_response(500, "the request was dropped without an answer"));
  });
}

void Reply::send(Response response) const {
  if (!state_ || !state_->claim()) return;  // answered already: the first answer stands
  detail::post_to(*state_->gate, state_->session,
                  [seq = state_->seq, r = std::move(response)](detail::HttpSession& s) mutable {
                    s.deliver(seq, std::move(r));
                  });
}

std::shared_ptr<EventStream> Reply::start_events(std::vector<std::pair<std::string, std::string>> headers) const {
  if (!state_) return nullptr;
  auto shared = std::make_shared<detail::StreamShared>(state_->stream_limit, state_->chunked);
  auto stream = std::make_shared<detail::EventStreamImpl>(state_->gate, state_->session, shared);
  // A second answer gets a stream that is dead from the start, rather
  // than a null the producer might not check.
  if (!state_->claim()) {
    shared->kill_quietly();
    return stream;
  }
  const bool posted = detail::post_to(
      *state_->gate, state_->session,
      [seq = state_->seq, h = std::move(headers), shared](detail::HttpSession& s) mutable {
        s.begin_stream(seq, std::move(h), shared);
      });
  if (!posted) shared->kill_quietly();
  return stream;
}

bool Reply::connected() const { return state_ && state_->connected->load(); }

}  // namespace lf::http
