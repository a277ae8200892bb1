#include "generate/bar_plan.hpp"

#include <algorithm>

namespace mdg {
namespace {

// Splits the meter's beat groups into beats of a quarter (480), a dotted quarter (720),
// or a remainder.
std::vector<std::int64_t> split_beats(const Meter& meter) {
  const std::int64_t unit = meter.ticks_per_bar() / meter.numerator;
  std::vector<std::int64_t> beats;
  for (int group : meter.beat_groups()) {
    std::int64_t left = unit * group;
    while (left > 0) {
      if (left == 3 * kPpq / 2) {
        beats.push_back(left);
        left = 0;
      } else if (left >= kPpq) {
        beats.push_back(kPpq);
        left -= kPpq;
      } else {
        beats.push_back(left);
        left = 0;
      }
    }
  }
  return beats;
}

int source_beat(int index, int count, int source_beats) {
  if (index == 0) return 0;
  if (index == count - 1) return source_beats - 1;
  const int middle = (index - 1) % 2 == 0 ? 1 : 2;
  return std::min(middle, source_beats - 1);
}

Subdivision choose_subdivision(const std::vector<std::int64_t>& beats, const GrooveSet& groove,
                               std::optional<Subdivision> prefer) {
  const bool all_dotted = std::all_of(beats.begin(), beats.end(),
                                      [](std::int64_t b) { return b == 3 * kPpq / 2; });
  const bool all_quarters =
      std::all_of(beats.begin(), beats.end(), [](std::int64_t b) { return b == kPpq; });
  Subdivision s = Subdivision::sixteenth;
  if (prefer && !groove.beat(*prefer).empty() &&
      (*prefer == Subdivision::sixteenth || all_dotted || all_quarters)) {
    return *prefer;
  }
  // Compound meters of a swung style take its triplet model (each dotted beat's three
  // eighths are the model's three triplets); a straight style keeps its sixteenth model,
  // whose beat maps onto the dotted beat's six sixteenths. Straight meters take the style's
  // own feel; odd groupings need the sixteenth grid.
  if (all_dotted && groove.feel == Subdivision::triplet && !groove.triplet.empty()) {
    s = Subdivision::triplet;
  } else if (all_dotted) {
    s = groove.sixteenth.empty() ? Subdivision::triplet : Subdivision::sixteenth;
  } else if (all_quarters) {
    s = groove.beat(groove.feel).empty()
            ? (groove.sixteenth.empty() ? Subdivision::triplet : Subdivision::sixteenth)
            : groove.feel;
  }
  if (groove.beat(s).empty()) {
    s = s == Subdivision::sixteenth ? Subdivision::triplet : Subdivision::sixteenth;
  }
  return s;
}

}  // namespace

BarPlan plan_bar(const Meter& meter, const GrooveSet& groove, std::optional<Subdivision> prefer) {
  const auto beats = split_beats(meter);
  BarPlan plan;
  plan.bar_ticks = meter.ticks_per_bar();
  plan.beats = static_cast<int>(beats.size());
  plan.subdivision = choose_subdivision(beats, groove, prefer);
  const GrooveModel& model = groove.beat(plan.subdivision);
  const int spq = model.grid.steps_per_quarter();
  const int source_beats = std::max(1, model.steps() / spq);

  std::int64_t start = 0;
  for (int b = 0; b < plan.beats; ++b) {
    const std::int64_t len = beats[static_cast<std::size_t>(b)];
    const int src = source_beat(b, plan.beats, source_beats) * spq;
    std::vector<std::pair<std::int64_t, int>> positions;  // tick within beat, source offset
    if (plan.subdivision == Subdivision::triplet) {
      if (len == 3 * kPpq / 2) {
        for (int k = 0; k < 3; ++k) positions.emplace_back(k * kPpq / 2, k);  // eighths
      } else {
        for (int k = 0; k < 3; ++k) positions.emplace_back(k * kPpq / 3, k);
      }
    } else {
      const int count = static_cast<int>(len / (kPpq / 4));
      for (int k = 0; k < count; ++k) {
        // A dotted beat's fifth and sixth sixteenths repeat the beat's second half.
        positions.emplace_back(k * kPpq / 4, k < 4 ? k : k - 2);
      }
    }
    for (const auto& [tick, offset] : positions) {
      Slot slot;
      slot.tick = start + tick;
      slot.source_step = src + offset;
      slot.beat = b;
      slot.strong = tick == 0;
      slot.beat_start = start;
      slot.beat_ticks = len;
      plan.slots.push_back(slot);
    }
    start += len;
  }
  const auto find = [&](int beat, std::int64_t offset) {
    for (std::size_t j = 0; j < plan.slots.size(); ++j) {
      const Slot& c = plan.slots[j];
      if (c.beat == beat && c.tick - c.beat_start == offset) return static_cast<int>(j);
    }
    return -1;
  };
  for (Slot& slot : plan.slots) {
    const std::int64_t offset = slot.tick - slot.beat_start;
    if (slot.beat > 0) slot.back_in_bar = find(slot.beat - 1, offset);
    else slot.back_in_previous_bar = find(plan.beats - 1, offset);
  }
  return plan;
}

}  // namespace mdg
