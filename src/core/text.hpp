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

}  // namespace mdg
