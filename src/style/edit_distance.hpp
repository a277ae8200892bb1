#pragma once
// Bounded edit distance for name matching (typo lookup and suggestions in StyleLibrary).
#include <cstddef>
#include <string_view>
#include <vector>

namespace mdg {

// The Levenshtein distance between `a` and `b` (bytes) if it is at most `limit`, else
// limit + 1. `row` is scratch space, reused between calls. Cost: a bag-of-characters lower
// bound first, then only the cells within `limit` of the diagonal, so small limits are
// cheap whatever the lengths.
[[nodiscard]] std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit,
                                           std::vector<std::size_t>& row);

}  // namespace mdg
