// Unicode Normalization Form C (UAX #15), on top of the generated tables.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "liveformer/formats/utf8.hpp"

namespace lf::utf8 {
namespace {

// Hangul syllables are (de)composed arithmetically (Unicode ch. 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

void decompose(char32_t cp, std::vector<char32_t>& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto d = detail::canonical_decomposition(cp);
  if (d.empty()) out.push_back(cp);
  else out.insert(out.end(), d.begin(), d.end());
}

char32_t compose(char32_t first, char32_t second) {
  if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount)
    return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
  if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 &&
      second > kTBase && second < kTBase + kTCount)
    return first + (second - kTBase);
  return detail::primary_composite(first, second);
}

}  // namespace

std::string nfc(std::string_view text) {
  // ASCII is invariant under every normalization form.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(text);

  // 1. Full canonical decomposition.
  std::vector<char32_t> cps;
  cps.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode(text, pos);
    decompose(d.valid ? d.code_point : kReplacement, cps);
    pos += d.length;
  }

  // 2. Canonical ordering: stable-sort each run of non-starters by class.
  for (std::size_t i = 0; i < cps.size();) {
    if (detail::combining_class(cps[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < cps.size() && detail::combining_class(cps[j]) != 0) ++j;
    std::stable_sort(cps.begin() + i, cps.begin() + j, [](char32_t a, char32_t b) {
      return detail::combining_class(a) < detail::combining_class(b);
    });
    i = j;
  }

  // 3. Canonical composition: a character combines with the last starter
  // unless a character in between blocks it (class 0 or class >= its own).
  std::vector<char32_t> out;
  out.reserve(cps.size());
  std::size_t starter = SIZE_MAX;
  int last_class = 0;
  for (const char32_t cp : cps) {
    const int cls = detail::combining_class(cp);
    if (starter != SIZE_MAX) {
      const bool adjacent = out.size() - 1 == starter;
      if (adjacent || (last_class != 0 && last_class < cls)) {
        if (const char32_t c = compose(out[starter], cp)) {
          out[starter] = c;
          continue;
        }
      }
    }
    if (cls == 0) {
      starter = out.size();
      last_class = 0;
    } else {
      last_class = cls;
    }
    out.push_back(cp);
  }

  std::string result;
  result.reserve(text.size());
  for (const char32_t cp : out) append(result, cp);
  return result;
}

}  // namespace lf::utf8
