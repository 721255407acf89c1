// Comment classification by scoring, not generation: the prompt of
// prompts.py's classify_messages() is the shared prefix and each of the 21
// (intent, sentiment) answers is one continuation; lf_score evaluates the
// prefix once and the 21 continuations as one batch, and the most likely
// answer wins.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "common/model.hpp"
#include "common/prompts.hpp"

namespace comments {

inline constexpr std::size_t kIntentCount = app::prompts::kIntents.size();
inline constexpr std::size_t kSentimentCount = app::prompts::kSentiments.size();
inline constexpr std::size_t kLabelCount = kIntentCount * kSentimentCount;

struct Label {
  int intent = 0;
  int sentiment = 0;
  double confidence = 0;  ///< the winner's share of the 21 answers' probability
  std::array<double, kLabelCount> probs{};  ///< all 21 answers' probabilities, intent-major
};

class Classifier {
 public:
  /// Tokenizes the 21 answers once. `n_ctx` is the contexts' length (long
  /// comments are shortened to fit).
  Classifier(const app::Model& model, std::int32_t n_ctx);

  /// Labels `comment` using `ctx` (one context per thread; the shared
  /// system turn stays cached in it between comments).
  Label classify(app::Context& ctx, const std::string& comment) const;

  bool chat() const { return chat_; }

 private:
  app::Tokens prefix(const std::string& comment) const;

  const app::Model& model_;
  std::int32_t n_ctx_;
  bool chat_;
  app::Tokens answer_start_;            // tokens all 21 answers begin with
  std::vector<app::Tokens> endings_;    // the rest of each answer, intent-major
  std::size_t longest_ending_ = 0;
};

}  // namespace comments
