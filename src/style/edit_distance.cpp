#include "style/edit_distance.hpp"

#include <algorithm>
#include <array>

namespace mdg {

// Cells outside the band within `limit` of the diagonal are never computed: a path through
// one already costs more than `limit` (Ukkonen's cut-off); they read as limit + 1.
std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit,
                             std::vector<std::size_t>& row) {
  const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  const std::size_t over = limit + 1;
  if (gap > limit) return over;
  // Bag distance, a lower bound: an edit fixes at most one unmatched character of each
  // string. Characters are counted in 64 buckets (shared buckets only lower the bound).
  if (limit >= 2) {
    std::array<int, 64> bag{};
    for (const char c : a) ++bag[static_cast<unsigned char>(c) & 63U];
    for (const char c : b) --bag[static_cast<unsigned char>(c) & 63U];
    std::size_t only_a = 0, only_b = 0;
    for (const int n : bag) (n > 0 ? only_a : only_b) += static_cast<std::size_t>(n > 0 ? n : -n);
    if (std::max(only_a, only_b) > limit) return over;
  }
  row.resize(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j <= limit ? j : over;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t lo = i > limit ? i - limit : 1;
    const std::size_t hi = std::min(b.size(), i + limit);
    // row[lo - 1] is this row's cell left of the band: column 0 (i) or outside it.
    std::size_t diagonal = row[lo - 1];
    row[lo - 1] = lo == 1 ? i : over;
    std::size_t row_min = row[lo - 1];
    for (std::size_t j = lo; j <= hi; ++j) {
      // row[j] is the cell above; at j = i + limit it was outside the last row's band
      // and still reads `over`.
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U), over});
      diagonal = above;
      row_min = std::min(row_min, row[j]);
    }
    if (row_min > limit) return over;
  }
  return std::min(row[b.size()], over);
}

}  // namespace mdg
