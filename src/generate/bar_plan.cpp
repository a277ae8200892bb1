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

// The model beat (0-based, of a 4-beat model) each beat of the bar plays, by metric role.
// Three equal beats (3/4, 9/8) are felt as one group the downbeat leads: beat 2 takes the model's beat 3
// (kick-led, no backbeat) and beat 3 its beat 4, the backbeat leading back to the bar line
// (rock: kick 1, snare 3; a jazz waltz: ride in 3, hi-hat foot on 3). Five quarters are felt
// 3+2, a bar of 3/4 then a bar of 2/4, each mapped as that meter is (downbeat, beat 3,
// backbeat | lead, backbeat): an accent leads both groups. The second group is led by
// `lead`, the model beat (1 or 3) with the surer kick or snare accent: the downbeat in most
// styles, beat 3 in a one-drop. Other bars: the first beat is the downbeat, the last leads back into the bar
// line (the model's last beat, a backbeat), the middle ones alternate the model's beats 2
// and 3.
// The plain rule for beat `index` of `count`: downbeat first, the model's last beat last,
// its beats 2 and 3 alternating between.
int in_line_role(int index, int count) {
  if (index == 0) return 0;
  if (index == count - 1) return 3;
  return (index - 1) % 2 == 0 ? 1 : 2;
}

int source_beat(int index, int count, bool equal, int source_beats, int lead) {
  int role = 0;
  if (lead == 2 && count != 4) {
    // A one-drop is felt from its drop (the model's beat 3), so the bar starts there: the
    // plain rule read half a bar later (3/4 and 7/8 drop, beat 4, beat 2; 6/8 drop, beat 2;
    // 5/4 is 3+2 of those). The last beat, the model's beat 2, leads into the drop.
    const int first = count == 5 && index >= 3 ? index - 3 : index;
    const int length = count == 5 ? (index >= 3 ? 2 : 3) : count;
    role = (in_line_role(first, length) + 2) % 4;
  } else if (count == 5) {
    const int three_plus_two[5] = {0, 2, 3, lead, 3};
    role = three_plus_two[index];
  } else if (count == 3 && equal) {
    constexpr int kThree[3] = {0, 2, 3};
    role = kThree[index];
  } else {
    role = in_line_role(index, count);
  }
  return std::min(role, source_beats - 1);
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
  // The accents (kick and snare strokes above ghost level) the model expects at a step.
  const auto accent_at = [&](int step) {
    double sum = 0.0;
    for (Lane lane : {Lane::kick, Lane::snare}) {
      const auto& steps = model.lanes[lane_index(lane)].steps;
      if (static_cast<std::size_t>(step) >= steps.size()) continue;
      const StepStats& st = steps[static_cast<std::size_t>(step)];
      sum += st.onset_prob * (1.0 - st.ghost_prob);
    }
    return sum;
  };
  const int lead = accent_at(2 * spq) > accent_at(0) ? 2 : 0;
  const bool equal = std::all_of(beats.begin(), beats.end(), [&](std::int64_t b) { return b == beats.front(); });

  std::int64_t start = 0;
  for (int b = 0; b < plan.beats; ++b) {
    const std::int64_t len = beats[static_cast<std::size_t>(b)];
    const int src = source_beat(b, plan.beats, equal, source_beats, lead) * spq;
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
  if (plan.beats != 4) {
    plan.marks_groups = true;
    std::vector<int> group_of_beat;  // beats per group
    const bool quarters = std::all_of(beats.begin(), beats.end(), [](std::int64_t b) { return b == kPpq; });
    if (quarters) {
      if (auto as_eighths = Meter::make(plan.beats, 8)) group_of_beat = as_eighths->beat_groups();
    }
    if (group_of_beat.empty()) group_of_beat.assign(static_cast<std::size_t>(plan.beats), 1);
    std::vector<bool> leads(static_cast<std::size_t>(plan.beats), false);
    int at = 0;
    for (int g : group_of_beat) {
      if (at < plan.beats) leads[static_cast<std::size_t>(at)] = true;
      at += g;
    }
    for (Slot& slot : plan.slots) slot.group_start = slot.strong && leads[static_cast<std::size_t>(slot.beat)];
  }
  const auto find = [&](int beat, std::int64_t offset) {
    for (std::size_t j = 0; j < plan.slots.size(); ++j) {
      const Slot& c = plan.slots[j];
      if (c.beat == beat && c.tick - c.beat_start == offset) return static_cast<int>(j);
    }
    return -1;
  };
  for (std::size_t i = 1; i < plan.slots.size(); ++i) {
    Slot& slot = plan.slots[i];
    slot.previous = static_cast<int>(i) - 1;
    if (plan.slots[i - 1].source_step == slot.source_step - 1) continue;
    for (std::size_t j = i - 1; j-- > 0 && plan.slots[j].beat == slot.beat;) {
      if (plan.slots[j].source_step == slot.source_step - 1) {
        slot.previous = static_cast<int>(j);
        break;
      }
    }
  }
  for (Slot& slot : plan.slots) {
    const std::int64_t offset = slot.tick - slot.beat_start;
    if (slot.beat > 0) slot.back_in_bar = find(slot.beat - 1, offset);
    else slot.back_in_previous_bar = find(plan.beats - 1, offset);
  }
  return plan;
}

}  // namespace mdg
