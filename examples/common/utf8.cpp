#include "common/utf8.hpp"

#include <vector>

namespace app::utf8 {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at s[i]; returns its length in bytes (0 if
// malformed).
std::size_t decode_one(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Marks that attach to the character before them: combining marks,
// variation selectors, zero-width joiner (and the character it joins),
// emoji skin-tone modifiers, the keycap mark.
bool is_attached(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D ||
         (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3 || (cp >= 0xE0100 && cp <= 0xE01EF);
}

bool is_ascii_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

// Splits code points into user-perceived characters (approximately: a
// base plus attached marks; a ZWJ also pulls in the next character).
std::vector<std::u32string> clusters(const std::u32string& cps) {
  std::vector<std::u32string> out;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const bool joins = !out.empty() && (is_attached(cps[i]) || (i > 0 && cps[i - 1] == 0x200D));
    if (joins)
      out.back() += cps[i];
    else
      out.emplace_back(1, cps[i]);
  }
  return out;
}

bool all_digits(const std::vector<std::u32string>& cl, std::size_t from, std::size_t n) {
  for (std::size_t k = from; k < from + n; ++k)
    if (cl[k].size() != 1 || !is_ascii_digit(cl[k][0])) return false;
  return true;
}

bool digit_like(const std::u32string& c) { return c.size() == 1 && (is_ascii_digit(c[0]) || c[0] == '.'); }

}  // namespace

bool valid(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = decode_one(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = decode_one(s, i, cp);
    out.push_back(n ? cp : kReplacement);
    i += n ? n : 1;
  }
  return out;
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

std::string encode(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size() * 3);
  for (char32_t cp : cps) append(out, cp);
  return out;
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

bool is_punctuation_or_symbol(char32_t cp) {
  if (cp < 0x80) return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
  return is_space(cp) || is_attached(cp) || (cp >= 0x2000 && cp <= 0x2BFF) ||  // general punctuation, arrows, symbols
         (cp >= 0x3000 && cp <= 0x303F) ||                                       // CJK punctuation
         (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||     // full-width punctuation
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) ||                                     // emoji
         cp == 0xFFFD || cp == 0xA0 || (cp >= 0x00A1 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7;
}

std::string trim(std::string_view s) {
  const std::u32string cps = decode(s);
  std::size_t b = 0, e = cps.size();
  while (b < e && is_space(cps[b])) ++b;
  while (e > b && is_space(cps[e - 1])) --e;
  return encode(std::u32string_view(cps).substr(b, e - b));
}

std::string squeeze_spaces(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char32_t cp : decode(s)) {
    if (is_space(cp) || cp < 0x20 || cp == 0x7F) {  // control characters count as space
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    append(out, cp);
  }
  return out;
}

std::string collapse_repeats(std::string_view s, std::size_t max_run) {
  const std::vector<std::u32string> cl = clusters(decode(s));
  std::u32string out;
  std::size_t i = 0;
  while (i < cl.size()) {
    bool collapsed = false;
    for (std::size_t unit = 1; unit <= 4 && i + unit <= cl.size(); ++unit) {
      std::size_t reps = 1;
      while (i + (reps + 1) * unit <= cl.size()) {
        bool same = true;
        for (std::size_t k = 0; k < unit && same; ++k) same = cl[i + reps * unit + k] == cl[i + k];
        if (!same) break;
        ++reps;
      }
      if (reps <= max_run) continue;
      // A digit run that is part of a number ("10000", "1.000") is a value,
      // not an exclamation like "66666".
      const std::size_t end = i + reps * unit;
      if (all_digits(cl, i, unit) && ((i > 0 && digit_like(cl[i - 1])) || (end < cl.size() && digit_like(cl[end]))))
        continue;
      for (std::size_t r = 0; r < max_run; ++r)
        for (std::size_t k = 0; k < unit; ++k) out += cl[i + k];
      i = end;
      collapsed = true;
      break;
    }
    if (!collapsed) out += cl[i++];
  }
  return encode(out);
}

std::size_t length(std::string_view s) { return decode(s).size(); }

std::string truncate(std::string_view s, std::size_t max_chars) {
  const std::u32string cps = decode(s);
  if (cps.size() <= max_chars) return std::string(s);
  return encode(std::u32string_view(cps).substr(0, max_chars));
}

std::size_t character_count(std::string_view s) { return clusters(decode(s)).size(); }

std::string truncate_characters(std::string_view s, std::size_t max_chars) {
  const std::vector<std::u32string> chars = clusters(decode(s));
  if (chars.size() <= max_chars) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < max_chars; ++i) out += encode(chars[i]);
  return out;
}

}  // namespace app::utf8
