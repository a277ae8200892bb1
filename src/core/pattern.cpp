#include "core/pattern.hpp"

#include <algorithm>
#include <cmath>

namespace mdg {

double Pattern::tempo_at(std::int64_t tick) const noexcept {
  double bpm = tempo_bpm;
  for (const auto& change : tempo_changes) {
    if (change.tick > tick) break;
    bpm = change.bpm;
  }
  return std::isfinite(bpm) && bpm > 0.0 ? bpm : 120.0;
}

void Pattern::sort_hits() {
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.note < b.note;
  });
}

}  // namespace mdg
