#include "common/fact_sheet.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/utf8.hpp"

namespace app::grounding {

namespace {

// Other names a model (or a viewer) may use for a slot label.
constexpr std::array<std::pair<const char*, const char*>, 22> kAliases{{
    {"名称", "商品"},   {"品名", "商品"},   {"商品名", "商品"}, {"产品", "商品"},   {"价钱", "价格"},
    {"现价", "价格"},   {"到手价", "价格"}, {"直播价", "价格"}, {"售价", "价格"},   {"活动", "优惠"},
    {"促销", "优惠"},   {"福利", "优惠"},   {"快递", "发货"},   {"物流", "发货"},   {"退换", "售后"},
    {"color", "颜色"},  {"colour", "颜色"}, {"size", "尺码"},   {"尺寸", "尺码"},   {"material", "材质"},
    {"面料", "材质"},   {"适用人群", "人群"}}};

}  // namespace

FactSheet::FactSheet(const Product& product) : product_(product), lines_(product_lines(product_)) {
  std::string values;
  for (const ProductLine& l : lines_) {
    text_ += normalize(l.label + "：" + l.value) + "\n";
    values += normalize(l.value) + "\n";
  }
  // Numbers and sizes from the values only: the label 卖点1 backs no "1".
  text32_ = utf8::decode(text_);
  numbers_ = find_numbers(values);
  sizes_ = find_sizes(values);
}

const ProductLine* FactSheet::find(std::string_view label) const {
  for (const ProductLine& l : lines_)
    if (l.label == label) return &l;
  for (const auto& [alias, real] : kAliases)
    if (label == alias)
      for (const ProductLine& l : lines_)
        if (l.label == real) return &l;
  return nullptr;
}

std::vector<const ProductLine*> FactSheet::selling_points() const {
  std::vector<const ProductLine*> out;
  for (const ProductLine& l : lines_)
    if (l.key == "selling_points") out.push_back(&l);
  return out;
}

const ProductLine* FactSheet::find_label_containing(const std::vector<std::string>& words) const {
  for (const ProductLine& l : lines_) {
    const std::string label = normalize(l.label);
    for (const std::string& w : words)
      if (label.find(w) != std::string::npos) return &l;
  }
  return nullptr;
}

bool FactSheet::supports(const FactSpan& span) const {
  switch (span.kind) {
    case SpanKind::number:
      return std::any_of(numbers_.begin(), numbers_.end(),
                         [&](double v) { return std::fabs(v - span.value) <= 1e-9 * std::max(1.0, std::fabs(v)); });
    case SpanKind::size:
      if (std::find(sizes_.begin(), sizes_.end(), span.text) != sizes_.end()) return true;
      // "38" of "38码" is also backed by the number 38 in a size line.
      return span.text.find_first_not_of("0123456789") == std::string::npos &&
             std::any_of(numbers_.begin(), numbers_.end(), [&](double v) { return v == std::stod(span.text); });
    case SpanKind::colour: {
      if (text_.find(span.text) != std::string::npos) return true;
      // "黑色" is backed by a product colour "曜石黑"; a one-character stem
      // only by the same character followed by 色 in the product.
      const std::string stem = colour_stem(span.text);
      if (stem.size() > 3) return text_.find(stem) != std::string::npos;
      for (const std::string& c : find_colours(text_, false))
        if (c.find(stem) != std::string::npos) return true;
      // A product colour written as a bare character: 颜色：黑、白.
      for (const ProductLine& l : lines_)
        for (const std::string& item : l.items)
          if (const std::string n = normalize(item); n == stem || n == span.text) return true;
      return false;
    }
    case SpanKind::courier:
    case SpanKind::place:
      return text_.find(span.text) != std::string::npos;
    case SpanKind::claim:
      for (const std::string& w : claim_words(span.group))
        if (text_.find(w) != std::string::npos) return true;
      return false;
  }
  return false;
}

}  // namespace app::grounding
