#include "comment_analysis/comments.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "common/utf8.hpp"

namespace comments {

namespace {

// Why `line` is not a comment, or "" (and `c` filled) if it is one.
std::string parse_line(const std::string& line, Comment& c) {
  app::Json j;
  try {
    j = app::Json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    const std::string what = e.what();
    const auto close = what.find("] ");
    return "invalid JSON: " + (close == std::string::npos ? what : what.substr(close + 2));
  }
  if (!j.is_object()) return "expected a JSON object, got " + app::json_type_name(j);
  const auto text = j.find("text");
  if (text == j.end()) return "field 'text' is missing";
  if (!text->is_string()) return "field 'text' must be a string, got " + app::json_type_name(*text);
  const auto t = j.find("t");
  if (t == j.end()) return "field 't' is missing";
  if (!t->is_number()) return "field 't' must be a number of seconds, got " + app::json_type_name(*t);
  c.t = t->get<double>();
  if (!std::isfinite(c.t)) return "field 't' is not finite";
  if (const auto user = j.find("user"); user != j.end() && !user->is_null()) {
    if (user->is_string())
      c.user = user->get<std::string>();
    else if (user->is_number())
      c.user = user->dump();  // numeric user ids
    else
      return "field 'user' must be a string, got " + app::json_type_name(*user);
  }
  c.text = text->get<std::string>();
  return "";
}

}  // namespace

std::string clean_text(std::string_view text) {
  // One pass can make a new run where collapsed runs meet: "1}}}}}␡}}}}}␡}}}}}␡}}}}}"
  // gives "1}}} }}} }}} }}}", whose unit "}}} " now repeats 4 times (found by
  // fuzz_comment_jsonl). Passing again until nothing changes makes cleaning
  // a cleaned text a no-op; a pass that changes the text shortens it, and the
  // cap only bounds the work a hostile comment can ask for.
  std::string s = app::utf8::squeeze_spaces(text);
  for (int pass = 0; pass < 32; ++pass) {
    std::string next = app::utf8::collapse_repeats(s, 3);
    if (next.size() == s.size()) break;
    s = std::move(next);
  }
  return s;
}

void CommentFeed::bad(std::string why) {
  ++bad_count_;
  if (bad_.size() < kMaxListed) bad_.push_back({lines_, std::move(why)});
}

void CommentFeed::drop(Comment c, const char* reason) {
  ++(std::string_view(reason) == "empty" ? dropped_empty_ : dropped_duplicates_);
  if (dropped_.size() < kMaxListed) dropped_.push_back({std::move(c), reason});
}

bool CommentFeed::accept(std::string line, bool overlong, Comment& out, Comment* repeat) {
  ++lines_;
  if (overlong) {
    bad("line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    return false;
  }
  if (lines_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte-order mark
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > kMaxLineBytes) {
    bad("line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    return false;
  }
  if (!app::utf8::valid(line)) {
    bad("invalid UTF-8");
    return false;
  }
  if (app::utf8::trim(line).empty()) {
    ++blank_;
    return false;
  }
  Comment c;
  c.line = lines_;
  if (std::string why = parse_line(line, c); !why.empty()) {
    bad(std::move(why));
    return false;
  }
  ++received_;
  c.clean = clean_text(c.text);
  if (c.clean.empty()) {
    drop(std::move(c), "empty");
    return false;
  }
  if (c.user) {
    // Forget repeats older than the window now and then: a long live
    // stream must not remember every comment ever made.
    if (last_kept_.size() > 200000)
      std::erase_if(last_kept_, [&](const auto& kv) { return c.t - kv.second > window_s_; });
    const auto key = std::make_pair(*c.user, c.clean);
    const auto it = last_kept_.find(key);
    if (it != last_kept_.end() && std::abs(c.t - it->second) <= window_s_) {
      if (repeat) {
        *repeat = c;
        repeat->duplicate = true;
      }
      drop(std::move(c), "duplicate");
      return false;
    }
    last_kept_[key] = c.t;
  }
  out = std::move(c);
  return true;
}

bool CommentFeed::next(std::size_t max, std::vector<Comment>& out) {
  std::size_t added = 0;
  std::string line;
  while (in_ && added < max && std::getline(*in_, line)) {
    Comment c;
    if (accept(std::move(line), false, c)) {
      out.push_back(std::move(c));
      ++added;
    }
  }
  return added > 0;
}

}  // namespace comments
