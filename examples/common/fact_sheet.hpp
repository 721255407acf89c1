// A product's facts, as the grounded apps use them: the slot lines of the
// prompt (product_lines), slot lookup by label, and the support check of
// the verifier: is a fact-like span of generated text in the product?
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fact_lexicon.hpp"
#include "common/product.hpp"

namespace app::grounding {

class FactSheet {
 public:
  explicit FactSheet(const Product& product);

  const Product& product() const { return product_; }
  const std::vector<ProductLine>& lines() const { return lines_; }
  /// The line whose label is `label`, or one of its aliases (名称 for 商品,
  /// 价钱 for 价格, color for 颜色 ...); nullptr when there is none.
  const ProductLine* find(std::string_view label) const;
  /// Lines of the product's selling points (卖点1, 卖点2, ...), in order.
  std::vector<const ProductLine*> selling_points() const;
  /// The first line whose label contains one of `words` (normalized match).
  const ProductLine* find_label_containing(const std::vector<std::string>& words) const;

  /// True when `span` (from find_fact_spans) is backed by the product's own
  /// text: the same number, size, colour (or its stem in a product colour),
  /// courier, or a word of the same claim group.
  bool supports(const FactSpan& span) const;

  /// Every label and value, normalized, one line each.
  const std::string& text() const { return text_; }
  /// text() as code points, decoded once (the verifier's bigram lookups).
  const std::u32string& text32() const { return text32_; }

 private:
  Product product_;
  std::vector<ProductLine> lines_;
  std::string text_;
  std::u32string text32_;
  std::vector<double> numbers_;
  std::vector<std::string> sizes_;
};

}  // namespace app::grounding
