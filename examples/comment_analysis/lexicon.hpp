// The rule layer's vocabulary: cue words of live-stream comments (written
// from knowledge of Chinese danmaku: slang, emoji, typos and homophones),
// each with the intent and sentiment it points to. Patterns are in
// normalize()d form (simplified, lower case, ASCII punctuation).
#pragma once

#include <cstdint>
#include <vector>

namespace comments {

// Label indexes, in app::prompts::kIntents / kSentiments order.
enum Intent : int { kPrice = 0, kSpec, kShipping, kPurchase, kPraise, kComplaint, kOther, kNoIntent = -1 };
enum Sentiment : int { kPositive = 0, kNeutral, kNegative, kNoSentiment = -1 };

// What a cue is, beyond its labels (bit flags).
enum CueKind : std::uint8_t {
  kPlain = 0,
  kEvaluative = 1,  ///< an opinion word a negator flips: 好看 -> 不好看
  kDefect = 2,      ///< a product defect: a complaint when stated, a spec question when asked (会掉色吗)
  kGrievance = 4,   ///< a complaint even as a question (怎么还没发货?)
  kRise = 8,        ///< a price rise or loss, the target of sarcasm (涨价)
};

struct Cue {
  const char* text;
  int intent;        ///< Intent or kNoIntent
  double intent_w;   ///< evidence weight (1 = one clear cue)
  int sentiment;     ///< Sentiment or kNoSentiment
  double sentiment_w;
  std::uint8_t kind;
};

/// Every cue, in no particular order (the matcher prefers longer ones).
const std::vector<Cue>& cues();

/// Words that negate the evaluative cue right after them (不, 没, 不太 ...).
const std::vector<const char*>& negators();

/// Sarcasm markers (呵呵, 真是, 真行 ...): with a rise or a defect nearby
/// they turn praise words into a complaint.
const std::vector<const char*>& sarcasm_markers();

/// Question cues (吗, 多少, 几, 啥, 咋, ?, ...).
const std::vector<const char*>& question_cues();

/// Addressing and filler words that do not change what a comment asks
/// (主播, 宝宝, 姐妹, 请问, 这个 ...), stripped when folding near-duplicates.
const std::vector<const char*>& filler_words();

}  // namespace comments
