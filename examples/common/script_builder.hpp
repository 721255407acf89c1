// script-gen's grounded script: the model's slot-referencing draft, filled
// and verified sentence by sentence (grounded_text), arranged into a host
// script that always has its parts: an opening, the product's name, at
// least three selling points (all when it has fewer), the price (and the
// original price), the promotion and gifts when the product has them, and
// a call to action. A part the draft lacks is written from a short
// template over the product's own fields, so the facts are right whatever
// the model wrote.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fact_sheet.hpp"

namespace app::grounding {

struct GroundedScript {
  std::string text;
  std::vector<std::string> facts;    ///< slot labels used, in order of first use
  std::vector<std::string> dropped;  ///< the draft's rejected sentences, "sentence  <- reason"
  int model_sentences = 0;           ///< sentences kept from the draft
  int template_sentences = 0;        ///< sentences written from templates
};

/// Builds the script from `draft` (the model's text; may be empty). `seed`
/// picks the templates' phrasings, deterministically.
GroundedScript build_script(std::string_view draft, const FactSheet& facts, std::uint64_t seed);

}  // namespace app::grounding
