// Live-stream comments: reading JSON lines {"t": seconds, "user"?: str,
// "text": str} from a file or a live feed, cleaning them, and dropping
// empty ones and one user's exact repeats.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace comments {

struct Comment {
  std::size_t line = 0;  ///< 1-based line of the input
  double t = 0;          ///< seconds
  std::optional<std::string> user;
  std::string text;   ///< as received
  std::string clean;  ///< after clean_text()
  // Filled by the pipeline (rules, spam, clusters, the classifier).
  std::string norm;   ///< normalize(clean)
  int intent = -1;
  int sentiment = -1;
  double confidence = 0;
  const char* source = "model";  ///< who picked the intent: "rules", "model" or "both"
  bool spam = false;
  std::string spam_reason;
  std::size_t cluster = 0;
  bool question = false;
  bool duplicate = false;  ///< a dropped repeat, labelled only to be printed (--jsonl, --live)
};

struct Dropped {
  Comment comment;
  std::string reason;  ///< "empty" or "duplicate"
};

struct BadLine {
  std::size_t line = 0;
  std::string reason;
};

/// Trims, turns runs of white space and control characters into one space,
/// and collapses a character (or a unit of up to 4) repeated more than 3
/// times to 3: "  哈哈哈哈哈哈 " -> "哈哈哈", "好看好看好看好看" -> "好看好看好看"
/// (again until nothing changes, so clean_text(clean_text(s)) == clean_text(s)).
std::string clean_text(std::string_view text);

/// Reads comments line by line. A line that is not a JSON object with a
/// string "text" and a finite number "t" (and, if present, a string or
/// number "user") is recorded as bad and skipped; blank lines are ignored.
/// A comment that is empty after cleaning is dropped, and so is one whose
/// cleaned text equals that user's last kept comment within `window`
/// seconds (comments without a user are never treated as repeats).
class CommentFeed {
 public:
  CommentFeed(std::istream& in, double window_s) : in_(&in), window_s_(window_s) {}
  /// A feed that is given its lines with accept().
  explicit CommentFeed(double window_s) : window_s_(window_s) {}

  /// Appends up to `max` kept comments to `out`; returns false once the
  /// input has ended and nothing was appended.
  bool next(std::size_t max, std::vector<Comment>& out);

  /// Takes one input line (without its newline; `overlong`: it was cut
  /// while reading, so it is a bad line). Returns true and fills `out` if
  /// the line is a kept comment. Lines with invalid UTF-8 are bad lines.
  /// A dropped repeat is copied to `*repeat` (if given) with `duplicate`
  /// set, so a caller can still print it with its original's labels.
  bool accept(std::string line, bool overlong, Comment& out, Comment* repeat = nullptr);

  std::size_t lines() const { return lines_; }
  std::size_t blank_lines() const { return blank_; }
  std::size_t received() const { return received_; }  ///< valid comments, kept or dropped
  /// The first kMaxListed bad lines and drops (a hostile stream cannot
  /// grow them without bound); the counts below count them all.
  const std::vector<BadLine>& bad_lines() const { return bad_; }
  const std::vector<Dropped>& dropped() const { return dropped_; }
  std::size_t bad_count() const { return bad_count_; }
  std::size_t dropped_empty() const { return dropped_empty_; }
  std::size_t dropped_duplicates() const { return dropped_duplicates_; }
  static constexpr std::size_t kMaxListed = 10000;
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;  ///< longer lines are bad lines

 private:
  std::istream* in_ = nullptr;
  double window_s_;
  std::size_t lines_ = 0;
  std::size_t blank_ = 0;
  std::size_t received_ = 0;
  void bad(std::string why);
  void drop(Comment c, const char* reason);

  std::vector<BadLine> bad_;
  std::vector<Dropped> dropped_;
  std::size_t bad_count_ = 0, dropped_empty_ = 0, dropped_duplicates_ = 0;
  // (user, cleaned text) -> time of the last kept comment.
  std::map<std::pair<std::string, std::string>, double> last_kept_;
};

}  // namespace comments
