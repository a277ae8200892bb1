#include "style/edit_distance.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng.hpp"

namespace mdg {
namespace {

// The whole matrix, no cut-offs: the reference the bounded version must agree with.
std::size_t full_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0U : 1U)});
    }
  }
  return d[a.size()][b.size()];
}

TEST(EditDistance, KnownPairs) {
  std::vector<std::size_t> row;
  EXPECT_EQ(bounded_distance("kitten", "sitting", 5, row), 3U);
  EXPECT_EQ(bounded_distance("kitten", "sitting", 2, row), 3U);  // over the limit: limit + 1
  EXPECT_EQ(bounded_distance("bonham", "bonham", 0, row), 0U);
  EXPECT_EQ(bounded_distance("", "dilla", 5, row), 5U);
  EXPECT_EQ(bounded_distance("dilla", "", 4, row), 5U);
  EXPECT_EQ(bounded_distance("john bonham", "jon bonahm", 3, row), 3U);
  // Same letters, other order: the bag bound cannot reject it, the band must measure it.
  EXPECT_EQ(bounded_distance("abcdef", "fedcba", 6, row), 6U);
  EXPECT_EQ(bounded_distance("abcdef", "fedcba", 5, row), 6U);
}

// Random strings over small alphabets (so that near and far pairs both occur), every limit
// from 0 to past the distance: the answer is min(distance, limit + 1), as the plain matrix says.
TEST(EditDistance, AgreesWithTheFullMatrixOnRandomPairs) {
  Rng rng(20261124);
  std::vector<std::size_t> row;
  const std::string alphabets[] = {"ab", "abc ", "abcdefghij", "aAbB01 -"};
  int checked = 0;
  for (int n = 0; n < 3000; ++n) {
    const std::string& alphabet = alphabets[rng.below(std::size(alphabets))];
    auto word = [&](std::size_t max_len) {
      std::string w(rng.below(max_len + 1), ' ');
      for (char& c : w) c = alphabet[rng.below(alphabet.size())];
      return w;
    };
    const std::string a = word(14);
    // Half the pairs are a few edits of `a`, the rest independent.
    std::string b = word(14);
    if (rng.chance(0.5)) {
      b = a;
      for (std::size_t e = rng.below(5); e > 0; --e) {
        const std::size_t at = b.empty() ? 0 : rng.below(b.size());
        switch (rng.below(3)) {
          case 0: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), alphabet[rng.below(alphabet.size())]); break;
          case 1: if (!b.empty()) b.erase(at, 1); break;
          default: if (!b.empty()) b[at] = alphabet[rng.below(alphabet.size())]; break;
        }
      }
    }
    const std::size_t d = full_distance(a, b);
    for (std::size_t limit = 0; limit <= d + 2; ++limit) {
      ASSERT_EQ(bounded_distance(a, b, limit, row), std::min(d, limit + 1))
          << "a='" << a << "' b='" << b << "' limit " << limit;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace mdg
