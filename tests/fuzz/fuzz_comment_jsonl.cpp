// Fuzz target: comment-analysis's comment JSON lines, as a live feed from
// strangers delivers them.
//
// The input is the stream's text: comments::CommentFeed reads it in
// batches of 3 (as --batch does), and each kept comment's cleaned text goes
// through the keyword analysis (aspects, question detection and key).
// Bad lines are counted, never thrown.
//
// Checks: every line is accounted for exactly once (blank, bad, kept or
// dropped); a kept comment's cleaned text is non-empty, valid UTF-8,
// trimmed, and cleaning it again changes nothing; line numbers increase.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "comment_analysis/aspects.hpp"
#include "comment_analysis/comments.hpp"
#include "common/utf8.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  comments::CommentFeed feed(in, 10.0);
  std::vector<comments::Comment> kept;
  std::size_t last_line = 0;
  for (std::vector<comments::Comment> batch; feed.next(3, batch); batch.clear()) {
    for (const comments::Comment& c : batch) {
      lf::fuzz::require(c.line > last_line, "comment line numbers do not increase");
      last_line = c.line;
      lf::fuzz::require(!c.clean.empty(), "a kept comment has an empty cleaned text");
      lf::fuzz::require(app::utf8::valid(c.clean), "a cleaned text is not valid UTF-8");
      lf::fuzz::require(app::utf8::trim(c.clean) == c.clean, "a cleaned text is not trimmed");
      lf::fuzz::require(comments::clean_text(c.clean) == c.clean, "cleaning a cleaned text changed it");
      for (std::size_t a : comments::mentioned_aspects(c.clean))
        lf::fuzz::require(a < comments::aspects().size(), "an aspect index is out of range");
      (void)comments::is_question(c.clean);
      (void)comments::question_key(c.clean);
      kept.push_back(c);
    }
  }
  lf::fuzz::require(feed.received() == kept.size() + feed.dropped().size(), "received != kept + dropped");
  lf::fuzz::require(feed.lines() == feed.blank_lines() + feed.bad_lines().size() + feed.received(),
                    "a line is not accounted for exactly once");
  return 0;
}
