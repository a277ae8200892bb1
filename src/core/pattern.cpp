#include "core/pattern.hpp"

#include <algorithm>

namespace mdg {

void Pattern::sort_hits() {
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.note < b.note;
  });
}

}  // namespace mdg
