// UTF-8 decoding and validation (Unicode 15, table 3-7 "well-formed UTF-8").
#include "liveformer/formats/utf8.hpp"

#include "liveformer/core/error.hpp"

namespace lf::utf8 {

std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;  // continuation byte, or overlong C0/C1
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF5) return 4;
  return 0;
}

Decoded decode(std::string_view text, std::size_t pos) {
  Decoded d;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  const std::size_t n = sequence_length(lead);
  d.length = 1;
  if (n == 0) return d;
  if (n == 1) return {lead, 1, true, false};
  // The second byte's range depends on the lead byte (this is what excludes
  // overlong forms, surrogates and code points above U+10FFFF).
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead == 0xE0) lo = 0xA0;
  else if (lead == 0xED) hi = 0x9F;
  else if (lead == 0xF0) lo = 0x90;
  else if (lead == 0xF4) hi = 0x8F;
  char32_t cp = lead & (0xFF >> (n + 1));
  for (std::size_t i = 1; i < n; ++i) {
    if (pos + i >= text.size()) {
      d.incomplete = true;
      return d;
    }
    const unsigned char b = byte(i);
    if (b < lo || b > hi) return d;
    cp = (cp << 6) | (b & 0x3F);
    d.length = i + 1;
    lo = 0x80;
    hi = 0xBF;
  }
  return {cp, n, true, false};
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void require_valid(std::string_view text, const char* where) {
  const std::size_t bad = first_invalid(text);
  LF_CHECK(bad == text.size(), where,
           "input is not valid UTF-8 at byte offset " + std::to_string(bad) + " (use lf::utf8::sanitize)");
}

std::size_t first_invalid(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {  // ASCII fast path
      ++pos;
      continue;
    }
    const Decoded d = decode(text, pos);
    if (!d.valid) return pos;
    pos += d.length;
  }
  return text.size();
}

std::size_t complete_prefix(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const Decoded d = decode(bytes, pos);
    if (d.incomplete) return pos;  // hold back: the next bytes may complete it
    pos += d.length;
  }
  return pos;
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Decoded d = decode(text, pos);
    if (d.valid) out.append(text.substr(pos, d.length));
    else append(out, kReplacement);
    pos += d.length;
  }
  return out;
}

}  // namespace lf::utf8
