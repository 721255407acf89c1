// The vocabulary of product facts in Chinese live-commerce text: numbers,
// colours, sizes, couriers and service claims (free shipping, returns,
// gifts, stock, warranty). The verifier uses it to find every fact-like
// span a model wrote; live-qa uses it to find the value a viewer asks
// about. Written from general knowledge of the domain, not from any
// evaluation set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace app::grounding {

/// Full-width ASCII to half-width, ASCII upper case to lower case, the
/// ideographic space to a space. Everything else is kept, so a substring
/// of a normalized text is a substring of the product's normalized text
/// exactly when the original texts agree up to width and case.
std::string normalize(std::string_view text);

enum class SpanKind { number, colour, size, courier, claim, place };
const char* span_kind_name(SpanKind kind);

/// One fact-like span of a text. `text` is normalized; `group` names a
/// claim's group ("free_shipping", "returns", "gift", "stock", "warranty",
/// "authentic"); `value` is a number's value.
struct FactSpan {
  SpanKind kind;
  std::string text;
  std::string group;
  double value = 0;
};

/// Every fact-like span of `text` (normalized inside), in no particular order.
std::vector<FactSpan> find_fact_spans(std::string_view text);

/// Numbers written with ASCII digits ("59.9", "2", "100" of "100%"), and
/// Chinese numerals before a unit or measure word ("两件" 2, "五百单" 500;
/// a lone 一 is an article); digits that belong to a size token ("2xl")
/// are not numbers. `normalized` input.
std::vector<double> find_numbers(std::string_view normalized);

/// Only the Chinese-numeral numbers of find_numbers.
std::vector<double> find_cn_numbers(std::string_view normalized);

/// Colour words of a normalized text, longest first, each occurrence once.
/// Single-character colours (红, 黑...) count only as "X色" or, when
/// `loose` (a viewer's question: 有红的吗), also as "X的"/"X款"/"X吗".
std::vector<std::string> find_colours(std::string_view normalized, bool loose);

/// The colour's stem: the word without a trailing 色 ("黑色" -> "黑").
std::string colour_stem(std::string_view colour);

/// Size tokens of a normalized text ("xl", "2xl", "m", "38码", "均码"),
/// canonical: "xxl" -> "2xl", "xxxl" -> "3xl", "38码" -> "38".
std::vector<std::string> find_sizes(std::string_view normalized);

/// The canonical form of one size token as find_sizes gives it, or "" if
/// `token` (normalized) is not a size.
std::string canonical_size(std::string_view token);

/// Courier names in a normalized text ("顺丰", "中通", "ems", ...).
std::vector<std::string> find_couriers(std::string_view normalized);

/// Place names (provinces, big cities, countries of origin) in a normalized text.
std::vector<std::string> find_places(std::string_view normalized);

/// The claim groups mentioned in a normalized text, with the word found.
std::vector<FactSpan> find_claims(std::string_view normalized);

/// What a text gives away: the two characters after each 送/赠 (past
/// 你, 一个, 两份 ...), e.g. "量杯" of "下单还送你一个量杯". Delivering (送到,
/// 配送) gives nothing away.
std::vector<std::string> gift_objects(std::string_view normalized);

/// The words of one claim group (for support checks).
const std::vector<std::string>& claim_words(std::string_view group);

}  // namespace app::grounding
