// The product JSON the apps read and its rendering into the prompt: the
// C++ twin of render_product() in tools/demo_model/prompts.py, which the
// demo model was trained on.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json_input.hpp"

namespace app {

/// A product, validated. Schema (examples/README.md):
///   name str (required, non-empty), price number >= 0 (required),
///   original_price number?, category str?, selling_points [str]?,
///   specs {str: str | [str]}?, promotion str?, audience str?,
///   shipping str?, returns str?, stock int?, gifts [str]?,
/// and any other key whose value is a string, number, bool or list of
/// strings (kept in `extras` as a fact). Other shapes under unknown keys
/// (objects, nested lists) are ignored. JSON null counts as absent.
struct Product {
  std::string name;
  double price = 0;
  std::optional<double> original_price;
  std::optional<std::string> category;
  std::vector<std::string> selling_points;
  /// Spec entries in the order written; list values are joined with "/".
  std::vector<std::pair<std::string, std::string>> specs;
  /// The same entries with list values kept as lists (a string is one item).
  std::vector<std::pair<std::string, std::vector<std::string>>> spec_items;
  std::optional<std::string> promotion;
  std::optional<std::string> audience;
  std::optional<std::string> shipping;
  std::optional<std::string> returns;
  std::optional<long long> stock;
  std::optional<std::vector<std::string>> gifts;
  /// Unknown top-level keys with usable values, in the order written
  /// (numbers via format_price, bools as 是/否).
  std::vector<std::pair<std::string, std::vector<std::string>>> extras;
};

/// Validates `j` (read from `source`, for messages). Throws AppError
/// naming the file and the field: "p.json: field 'name' is missing".
Product parse_product(const Json& j, const std::string& source);

/// Reads and validates the product JSON file at `path` ("-": stdin).
Product load_product(const std::string& path);

/// prompts.py's format_price: two decimals, trailing zeros and dot
/// removed ("59.9", "129", "0.5").
std::string format_price(double value);

/// prompts.py's render_product: one "标签：值" line per present field, in
/// its order, no trailing newline. Spec keys size/colour/material/
/// capacity/weight get their Chinese labels in that order; other spec keys
/// (the free-form {str: str}) follow as "key：value" lines.
/// 赠品 says 无 for an empty gift list; an absent one is left out.
std::string render_product(const Product& p);

/// One "label：value" line of the grounded prompt format (slot format v2,
/// examples/README.md "Grounding"): the label is the slot's name, the value
/// its fill. `items` are the value's parts (a list field's entries).
struct ProductLine {
  std::string label;
  std::string value;
  std::vector<std::string> items;
  std::string key;  ///< the JSON key it came from ("price", "specs.颜色", ...)
};

/// The product as grounded lines, in slot-format order (商品, 类目, 价格,
/// 原价, 卖点1.., specs, 优惠, 人群, 发货, 售后, 库存, 赠品, extras); a
/// label that repeats an earlier one is left out.
std::vector<ProductLine> product_lines(const Product& p);

/// product_lines joined as "label：value" with "\n" (prompts.py's
/// render_product_slots).
std::string render_product_slots(const Product& p);

}  // namespace app
