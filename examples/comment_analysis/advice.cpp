#include "comment_analysis/advice.hpp"

#include <string>

#include "comment_analysis/aspects.hpp"
#include "comment_analysis/lexicon.hpp"

namespace comments {

namespace {

struct Attribute {
  std::string id, label, value;  // value "" when the product does not say
};

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

// The product's value for a spec aspect: a spec whose key is the aspect id
// or its Chinese label (size / 尺码), or a free-form key the text names.
std::string spec_value(const app::Product& p, const std::string& aspect, const std::string& label, const std::string& text) {
  for (const auto& [k, v] : p.specs)
    if (k == aspect || k == label || (!k.empty() && text.find(k) != std::string::npos)) return v;
  if (aspect == "capacity")
    for (const auto& [k, v] : p.specs)
      if (k == "weight" || k == "重量") return v;
  return "";
}

// What the cluster asks about, and what the product says about it.
Attribute attribute_of(const Cluster& c, const app::Product* p) {
  const std::string text = c.text();
  const auto& list = aspects();
  for (std::size_t a : mentioned_aspects(text)) {
    const Aspect& as = list[a];
    Attribute at{as.id, as.label, ""};
    if (!p) return at;
    const std::string id = as.id;
    if (id == "price") {
      at.value = app::format_price(p->price) + "元";
      if (p->original_price) at.value += "（原价" + app::format_price(*p->original_price) + "元）";
      if (p->promotion) at.value += "，" + *p->promotion;
    } else if (id == "shipping") {
      at.value = p->shipping.value_or("");
    } else if (id == "after_sales") {
      at.value = p->returns.value_or("");
    } else if (id == "stock") {
      if (p->stock) at.value = "库存" + std::to_string(*p->stock) + "件";
    } else if (id == "gift") {
      if (p->gifts) at.value = p->gifts->empty() ? "无赠品" : join(*p->gifts, "、");
    } else if (id == "size" || id == "colour" || id == "material" || id == "capacity") {
      at.value = spec_value(*p, id, as.label, text);
    }
    return at;
  }
  // No aspect keyword: the cluster's intent names the attribute.
  switch (c.intent()) {
    case kPrice: return {"price", "价格", p ? app::format_price(p->price) + "元" : ""};
    case kShipping: return {"shipping", "发货物流", p ? p->shipping.value_or("") : ""};
    default: break;
  }
  // A free-form spec key the text names (版型, 功率 ...).
  if (p)
    for (const auto& [k, v] : p->specs)
      if (!k.empty() && text.find(k) != std::string::npos) return {k, k, v};
  return {"spec", "规格", ""};
}

std::string counted(const Cluster& c) {
  return std::to_string(c.count) + "次，" + std::to_string(c.user_count()) + "人";
}

}  // namespace

app::Json product_advice(const ClusterTable& clusters, const app::Product* product, std::size_t min_count,
                         std::size_t limit) {
  app::Json out = app::Json::array();
  std::size_t repeats = 0, addresses = 0;
  for (const Cluster* c : clusters.top(min_count, clusters.all().size())) {
    const int intent = c->intent();
    app::Json s;
    if (intent == kComplaint && addresses < limit) {
      ++addresses;
      s["kind"] = "address";
      s["attribute"] = "complaint";
      s["label"] = "投诉";
      s["say"] = "「" + c->text() + "」（" + counted(*c) + "）：正面回应这个问题，说明怎么处理" +
                 (product && product->returns ? "；售后：" + *product->returns : std::string());
    } else if (c->questions * 2 >= c->count && (intent == kPrice || intent == kSpec || intent == kShipping) &&
               repeats < limit) {
      ++repeats;
      const Attribute at = attribute_of(*c, product);
      s["kind"] = "repeat";
      s["attribute"] = at.id;
      s["label"] = at.label;
      if (!at.value.empty()) s["value"] = at.value;
      s["say"] = "很多人在问「" + c->text() + "」（" + counted(*c) + "）：在直播里再说一遍" + at.label +
                 (at.value.empty() ? "，并打在公屏上" : "：" + at.value);
    } else {
      continue;
    }
    s["cluster"] = c->id;
    s["text"] = c->text();
    s["count"] = c->count;
    s["users"] = c->user_count();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace comments
