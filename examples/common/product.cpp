#include "common/product.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "common/app_error.hpp"
#include "common/utf8.hpp"

namespace app {

namespace {

// The spec keys render_product knows, in its order, with their labels.
constexpr std::array<std::pair<const char*, const char*>, 5> kSpecLabels{{
    {"size", "尺码"}, {"colour", "颜色"}, {"material", "材质"}, {"capacity", "容量"}, {"weight", "重量"}}};

class Reader {
 public:
  Reader(const Json& j, const std::string& source) : j_(j), source_(source == "-" ? "<stdin>" : source) {}

  [[noreturn]] void fail(const std::string& what) const { throw AppError(source_ + ": " + what); }

  const Json* get(const char* key) const {
    const auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }

  std::optional<std::string> string(const char* key, bool required) const {
    const Json* v = get(key);
    if (!v) {
      if (required) fail(std::string("field '") + key + "' is missing");
      return std::nullopt;
    }
    if (!v->is_string()) fail(std::string("field '") + key + "' must be a string, got " + json_type_name(*v));
    return v->get<std::string>();
  }

  std::optional<double> number(const char* key, bool required) const {
    const Json* v = get(key);
    if (!v) {
      if (required) fail(std::string("field '") + key + "' is missing");
      return std::nullopt;
    }
    if (!v->is_number()) fail(std::string("field '") + key + "' must be a number, got " + json_type_name(*v));
    const double x = v->get<double>();
    // A price past a billion is a typo or an attack, and prints as a
    // 300-digit number.
    if (!std::isfinite(x) || x < 0 || x > 1e9)
      fail(std::string("field '") + key + "' must be a number from 0 to 1e9, got " + v->dump());
    return x;
  }

  std::optional<std::vector<std::string>> strings(const char* key, bool required) const {
    const Json* v = get(key);
    if (!v) {
      if (required) fail(std::string("field '") + key + "' is missing");
      return std::nullopt;
    }
    if (!v->is_array()) fail(std::string("field '") + key + "' must be a list of strings, got " + json_type_name(*v));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string())
        fail(std::string("field '") + key + "' item " + std::to_string(i) + " must be a string, got " +
             json_type_name((*v)[i]));
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }

 private:
  const Json& j_;
  std::string source_;
};

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

constexpr std::array<const char*, 13> kKnownKeys{"name",      "price",   "original_price", "category", "selling_points",
                                                 "specs",     "promotion", "audience",     "shipping", "returns",
                                                 "stock",     "gifts",   "qa"};

bool is_known_key(const std::string& key) {
  for (const char* k : kKnownKeys)
    if (key == k) return true;
  return false;
}

// An unknown key's value as fact items, or nothing for shapes that carry no
// single fact (objects, nested lists: e.g. an evaluation file's "qa" list).
std::optional<std::vector<std::string>> extra_items(const Json& value) {
  if (value.is_string()) return std::vector<std::string>{value.get<std::string>()};
  if (value.is_boolean()) return std::vector<std::string>{value.get<bool>() ? "是" : "否"};
  if (value.is_number()) {
    const double x = value.get<double>();
    if (!std::isfinite(x)) return std::nullopt;
    return std::vector<std::string>{x < 0 ? "-" + format_price(-x) : format_price(x)};
  }
  if (!value.is_array() || value.empty()) return std::nullopt;
  std::vector<std::string> items;
  for (const Json& item : value) {
    if (!item.is_string()) return std::nullopt;
    items.push_back(item.get<std::string>());
  }
  return items;
}

// A value as it goes on one prompt line: line breaks become spaces.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return utf8::trim(out);
}

}  // namespace

Product parse_product(const Json& j, const std::string& source) {
  const Reader r(j, source);
  if (!j.is_object()) r.fail("expected a product JSON object, got " + json_type_name(j));
  Product p;
  p.name = *r.string("name", true);
  if (utf8::trim(p.name).empty()) r.fail("field 'name' is empty");
  // A name is a title, not a document: capped before anything tokenizes it.
  if (utf8::length(p.name) > 1000) r.fail("field 'name' is longer than 1000 characters");
  p.price = *r.number("price", true);
  p.original_price = r.number("original_price", false);
  p.category = r.string("category", false);
  p.selling_points = r.strings("selling_points", false).value_or(std::vector<std::string>{});
  if (const Json* specs = r.get("specs")) {
    if (!specs->is_object()) r.fail("field 'specs' must be an object of strings, got " + json_type_name(*specs));
    for (const auto& [key, value] : specs->items()) {
      if (value.is_null()) continue;
      if (value.is_string()) {
        p.specs.emplace_back(key, value.get<std::string>());
        p.spec_items.push_back({key, {value.get<std::string>()}});
        continue;
      }
      std::vector<std::string> parts;
      if (value.is_array())
        for (const Json& item : value)
          if (item.is_string()) parts.push_back(item.get<std::string>());
      if (!value.is_array() || parts.size() != value.size())
        r.fail("spec '" + key + "' must be a string or a list of strings, got " + json_type_name(value));
      p.specs.emplace_back(key, join(parts, "/"));
      p.spec_items.emplace_back(key, std::move(parts));
    }
  }
  p.promotion = r.string("promotion", false);
  p.audience = r.string("audience", false);
  p.shipping = r.string("shipping", false);
  p.returns = r.string("returns", false);
  if (const Json* stock = r.get("stock")) {
    if (!stock->is_number_integer() || stock->get<long long>() < 0 || stock->get<long long>() > 1000000000000LL)
      r.fail("field 'stock' must be a non-negative integer, got " + stock->dump());
    p.stock = stock->get<long long>();
  }
  p.gifts = r.strings("gifts", false);
  for (const auto& [key, value] : j.items()) {
    if (is_known_key(key) || value.is_null()) continue;
    if (auto items = extra_items(value)) p.extras.emplace_back(key, std::move(*items));
  }
  return p;
}

Product load_product(const std::string& path) { return parse_product(parse_json(read_text(path), path), path); }

std::string format_price(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value);  // Python's f"{v:.2f}" rounds the same way
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();  // .rstrip("0").rstrip(".")
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string render_product(const Product& p) {
  std::vector<std::string> lines;
  lines.push_back("商品：" + p.name);
  if (p.category) lines.push_back("类目：" + *p.category);
  std::string price = "价格：" + format_price(p.price) + "元";
  if (p.original_price) price += "（原价" + format_price(*p.original_price) + "元）";
  lines.push_back(price);
  lines.push_back("卖点：" + join(p.selling_points, "；"));
  for (const auto& [key, label] : kSpecLabels)
    for (const auto& [k, v] : p.specs)
      if (k == key) lines.push_back(std::string(label) + "：" + v);
  for (const auto& [k, v] : p.specs) {
    bool known = false;
    for (const auto& [key, label] : kSpecLabels) known = known || k == key;
    if (!known) lines.push_back(k + "：" + v);
  }
  if (p.promotion) lines.push_back("优惠：" + *p.promotion);
  if (p.audience) lines.push_back("人群：" + *p.audience);
  if (p.shipping) lines.push_back("发货：" + *p.shipping);
  if (p.returns) lines.push_back("售后：" + *p.returns);
  if (p.stock) lines.push_back("库存：" + std::to_string(*p.stock) + "件");
  if (p.gifts) lines.push_back("赠品：" + (p.gifts->empty() ? std::string("无") : join(*p.gifts, "、")));
  return join(lines, "\n");
}

std::vector<ProductLine> product_lines(const Product& p) {
  std::vector<ProductLine> lines;
  auto add = [&](const std::string& label, std::vector<std::string> items, const std::string& key,
                 const std::string& suffix = "") {
    if (one_line(label).empty()) return;
    for (const ProductLine& l : lines)
      if (l.label == one_line(label)) return;  // a repeated label would make its slot ambiguous
    std::vector<std::string> clean;
    for (const std::string& item : items)
      if (std::string c = one_line(item); !c.empty()) clean.push_back(c + suffix);
    if (clean.empty()) return;
    lines.push_back({one_line(label), join(clean, "、"), clean, key});
  };
  add("商品", {p.name}, "name");
  if (p.category) add("类目", {*p.category}, "category");
  add("价格", {format_price(p.price)}, "price", "元");
  if (p.original_price) add("原价", {format_price(*p.original_price)}, "original_price", "元");
  for (std::size_t i = 0; i < p.selling_points.size(); ++i)
    add("卖点" + std::to_string(i + 1), {p.selling_points[i]}, "selling_points");
  for (const auto& [key, items] : p.spec_items) {
    std::string label = key;
    for (const auto& [k, l] : kSpecLabels)
      if (key == k) label = l;
    if (key == "color") label = "颜色";
    add(label, items, "specs." + key);
  }
  if (p.promotion) add("优惠", {*p.promotion}, "promotion");
  if (p.audience) add("人群", {*p.audience}, "audience");
  if (p.shipping) add("发货", {*p.shipping}, "shipping");
  if (p.returns) add("售后", {*p.returns}, "returns");
  if (p.stock) add("库存", {std::to_string(*p.stock)}, "stock", "件");
  if (p.gifts) add("赠品", *p.gifts, "gifts");
  for (const auto& [key, items] : p.extras) add(key, items, key);
  return lines;
}

std::string render_product_slots(const Product& p) {
  std::vector<std::string> out;
  for (const ProductLine& l : product_lines(p)) out.push_back(l.label + "：" + l.value);
  return join(out, "\n");
}

}  // namespace app
