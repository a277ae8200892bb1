#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <vector>

namespace mdg {
namespace {

// ASCII base letters for U+00C0..U+00FF (lower-cased); '\0' marks a symbol (x, /).
constexpr std::string_view kLatin1 =
    "aaaaaaaceeeeiiii"   // C0-CF
    "dnooooo\0ouuuuyts"  // D0-DF (D7 multiplication sign, DE thorn, DF sharp s)
    "aaaaaaaceeeeiiii"   // E0-EF
    "dnooooo\0ouuuuyty";  // F0-FF (F7 division sign, FE thorn)

// U+0100..U+017F, Latin Extended-A, two code points per letter mostly.
constexpr std::string_view kLatinExtA =
    "aaaaaaccccccccdd"  // 0100-010F
    "ddeeeeeeeeeegggg"  // 0110-011F
    "gggghhhhiiiiiiii"  // 0120-012F
    "iiiijjkkklllllll"  // 0130-013F
    "lllnnnnnnnnnoooo"  // 0140-014F
    "oooorrrrrrssssss"  // 0150-015F
    "ssttttttuuuuuuuu"  // 0160-016F
    "uuuuwwyyyzzzzzzs";  // 0170-017F

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x800) {
    out += static_cast<char>(0xC0U | (cp >> 6U));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0U | (cp >> 12U));
    out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    out += static_cast<char>(0xF0U | (cp >> 18U));
    out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
    out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  }
}

void append_folded(std::string& out, char32_t cp) {
  char c = '\0';
  if (cp < 0x80) {
    const auto ch = static_cast<char>(cp);
    if (ch >= 'A' && ch <= 'Z') c = static_cast<char>(ch - 'A' + 'a');
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) c = ch;
    else if (ch == '&') {
      out += " and ";
      return;
    } else if (ch == '\'') {
      return;  // "Guns N' Roses" == "guns n roses"
    } else c = ' ';
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    c = kLatin1[cp - 0xC0];
    if (cp == 0xDF) {
      out += "ss";
      return;
    }
    if (cp == 0xC6 || cp == 0xE6) {
      out += "ae";
      return;
    }
  } else if (cp >= 0x100 && cp <= 0x17F) {
    c = kLatinExtA[cp - 0x100];
  } else if (cp == 0x2019 || cp == 0x2018) {
    return;  // typographic apostrophes
  } else if (cp >= 0x300 && cp <= 0x36F) {
    return;  // combining accents of decomposed text ("e" + U+0301)
  } else if (cp >= 0xFF21 && cp <= 0xFF3A) {
    out += static_cast<char>('a' + (cp - 0xFF21));  // fullwidth Latin
    return;
  } else if (cp >= 0xFF41 && cp <= 0xFF5A) {
    out += static_cast<char>('a' + (cp - 0xFF41));
    return;
  } else if (cp >= 0xFF10 && cp <= 0xFF19) {
    out += static_cast<char>('0' + (cp - 0xFF10));
    return;
  } else if (cp < 0x180 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
             cp == 0x30FB || (cp >= 0xFF00 && cp <= 0xFF65) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
             (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    c = ' ';  // other Latin-1 symbols, punctuation, CJK and fullwidth punctuation, invalid
  } else {
    // Letters of other scripts stay ("フィッシュマンズ", "Кино"); Greek and Cyrillic
    // capitals are lower-cased.
    if (cp >= 0x391 && cp <= 0x3A9) cp += 0x20;
    else if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
    else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
    append_utf8(out, cp);
    return;
  }
  if (c == '\0') c = ' ';
  out += c;
}

}  // namespace

std::string fold_name(std::string_view text) {
  std::string raw;
  raw.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    char32_t cp = 0;
    std::size_t len = 1;
    if (b < 0x80) cp = b;
    else if ((b >> 5U) == 0x6U) {
      cp = b & 0x1FU;
      len = 2;
    } else if ((b >> 4U) == 0xEU) {
      cp = b & 0x0FU;
      len = 3;
    } else if ((b >> 3U) == 0x1EU) {
      cp = b & 0x07U;
      len = 4;
    } else {
      cp = ' ';  // stray continuation or invalid lead byte
    }
    if (len > 1) {
      if (i + len > text.size()) {
        cp = ' ';
        len = text.size() - i;
      } else {
        for (std::size_t k = 1; k < len; ++k) {
          const auto cb = static_cast<unsigned char>(text[i + k]);
          if ((cb >> 6U) != 0x2U) {
            cp = ' ';
            len = k;
            break;
          }
          cp = (cp << 6U) | (cb & 0x3FU);
        }
      }
    }
    append_folded(raw, cp);
    i += len;
  }
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view trim_space(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9.2e18) {
    return std::to_string(static_cast<long long>(value));
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace mdg
