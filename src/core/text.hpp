#pragma once
// Text helpers for names: folding for lookup and edit distance for suggestions.
#include <cstddef>
#include <string>
#include <string_view>

namespace mdg {

// Lower-case, strip accents from Latin letters (UTF-8), turn punctuation and runs of
// spaces into one space, trim: "Mötley  Crüe" -> "motley crue", "J. Dilla" -> "j dilla".
// Letters of other scripts are kept (Greek and Cyrillic lower-cased): "フィッシュマンズ".
[[nodiscard]] std::string fold_name(std::string_view text);
// Levenshtein distance between two byte strings.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
// `text` without leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
[[nodiscard]] std::string_view trim_space(std::string_view text) noexcept;
// A number for messages: whole numbers in full without a decimal point ("120",
// "9007199254740992"), others with up to six significant digits ("0.25", "1e-07");
// non-finite values as "nan", "inf", "-inf".
[[nodiscard]] std::string number_text(double value);

}  // namespace mdg
