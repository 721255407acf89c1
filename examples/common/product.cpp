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
    if (!std::isfinite(x) || x < 0) fail(std::string("field '") + key + "' must be a non-negative number, got " + v->dump());
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

}  // namespace

Product parse_product(const Json& j, const std::string& source) {
  const Reader r(j, source);
  if (!j.is_object()) r.fail("expected a product JSON object, got " + json_type_name(j));
  Product p;
  p.name = *r.string("name", true);
  if (utf8::trim(p.name).empty()) r.fail("field 'name' is empty");
  p.price = *r.number("price", true);
  p.original_price = r.number("original_price", false);
  p.category = r.string("category", false);
  p.selling_points = *r.strings("selling_points", true);
  if (const Json* specs = r.get("specs")) {
    if (!specs->is_object()) r.fail("field 'specs' must be an object of strings, got " + json_type_name(*specs));
    for (const auto& [key, value] : specs->items()) {
      if (value.is_null()) continue;
      if (value.is_string()) {
        p.specs.emplace_back(key, value.get<std::string>());
        continue;
      }
      std::vector<std::string> parts;
      if (value.is_array())
        for (const Json& item : value)
          if (item.is_string()) parts.push_back(item.get<std::string>());
      if (!value.is_array() || parts.size() != value.size())
        r.fail("spec '" + key + "' must be a string or a list of strings, got " + json_type_name(value));
      p.specs.emplace_back(key, join(parts, "/"));
    }
  }
  p.promotion = r.string("promotion", false);
  p.audience = r.string("audience", false);
  p.shipping = r.string("shipping", false);
  p.returns = r.string("returns", false);
  if (const Json* stock = r.get("stock")) {
    if (!stock->is_number_integer() || stock->get<long long>() < 0)
      r.fail("field 'stock' must be a non-negative integer, got " + stock->dump());
    p.stock = stock->get<long long>();
  }
  p.gifts = r.strings("gifts", false);
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

}  // namespace app
