// UTF-8 decoding, validation and NFC (examples from the Unicode Standard,
// ch. 3 table 3-8, and UAX #15).
#include <catch2/catch.hpp>

#include <liveformer/formats/utf8.hpp>

namespace u8 = lf::utf8;

TEST_CASE("utf8: decode accepts well-formed and rejects ill-formed sequences", "[tokenizers][utf8]") {
  const auto d = u8::decode("\xE4\xB8\xAD", 0);  // 中
  CHECK(d.valid);
  CHECK(d.code_point == 0x4E2D);
  CHECK(d.length == 3);
  CHECK(u8::decode("\xF0\x9F\x98\x8D", 0).code_point == 0x1F60D);  // 😍
  CHECK_FALSE(u8::decode("\xC0\xAF", 0).valid);          // overlong '/'
  CHECK_FALSE(u8::decode("\xED\xA0\x80", 0).valid);      // surrogate D800
  CHECK_FALSE(u8::decode("\xF4\x90\x80\x80", 0).valid);  // > U+10FFFF
  CHECK_FALSE(u8::decode("\x80", 0).valid);              // lone continuation
  const auto cut = u8::decode("\xE4\xB8", 0);
  CHECK_FALSE(cut.valid);
  CHECK(cut.incomplete);
  CHECK(cut.length == 2);
}

TEST_CASE("utf8: sanitize replaces maximal subparts (Unicode table 3-8)", "[tokenizers][utf8]") {
  // The standard's example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 ->
  // a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
  const std::string bad = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  CHECK(u8::sanitize(bad) == "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
  CHECK(u8::first_invalid(bad) == 1);
  CHECK(u8::is_valid("主播好美😍"));
  CHECK(u8::sanitize("主播") == "主播");
}

TEST_CASE("utf8: complete_prefix holds back only a valid incomplete tail", "[tokenizers][utf8]") {
  CHECK(u8::complete_prefix("ab\xE4\xB8") == 2);
  CHECK(u8::complete_prefix("ab\xE4\xB8\xAD") == 5);
  CHECK(u8::complete_prefix("ab\xF0\x9F\x98") == 2);
  CHECK(u8::complete_prefix("ab\xFF") == 3);        // never valid: not held back
  CHECK(u8::complete_prefix("ab\xE4\x41") == 4);    // broken sequence: not held back
}

TEST_CASE("utf8: NFC composes, reorders and respects exclusions", "[tokenizers][utf8]") {
  CHECK(u8::nfc("Cafe\u0301") == "Caf\u00E9");
  CHECK(u8::nfc("\u00E9") == "\u00E9");
  CHECK(u8::nfc("\u212B") == "\u00C5");                     // singleton: ANGSTROM SIGN -> Å
  CHECK(u8::nfc("A\u030A") == "\u00C5");
  CHECK(u8::nfc("\u1E0B\u0323") == "\u1E0D\u0307");         // UAX #15: d + dot above + dot below
  CHECK(u8::nfc("q\u0307\u0323") == "q\u0323\u0307");       // canonical reordering
  CHECK(u8::nfc("\u1100\u1161\u11A8") == "\uAC01");         // Hangul L V T -> 각
  CHECK(u8::nfc("\uAC00\u11A8") == "\uAC01");               // LV + T
  CHECK(u8::nfc("\u0958") == "\u0915\u093C");               // composition exclusion stays decomposed
  CHECK(u8::nfc("\uFF12\uFF10") == "\uFF12\uFF10");         // NFC keeps full-width digits (NFKC would not)
  CHECK(u8::nfc("主播好美😍😍 ¥99.9") == "主播好美😍😍 ¥99.9");
}
