#pragma once
// How a bar of any meter is laid onto a style's 4/4 groove model: the slots (grid
// positions) of the bar and the model step each one takes its statistics from. Shared by
// the engine (which samples onto the slots) and the humanizer (which snaps notes to them).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/meter.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

// One position of a bar and the source-model step it maps to.
struct Slot {
  std::int64_t tick = 0;   // within the bar
  int source_step = 0;     // step of the source groove model
  int beat = 0;            // index of the beat (sub-beat) it belongs to
  bool strong = false;     // first slot of a beat
  bool group_start = false;  // first slot of a group of beats the meter is felt in (see BarPlan)
  std::int64_t beat_start = 0;
  std::int64_t beat_ticks = 0;
  // The slot at the same position one beat earlier: in this bar (back_in_bar >= 0) or, for
  // the first beat, in the previous bar (back_in_previous_bar >= 0); -1 when there is none.
  int back_in_bar = -1;
  int back_in_previous_bar = -1;
  // The slot whose lanes are this slot's "step before" for the model: the slot before it, or
  // where a beat repeats model steps (a dotted beat's fifth sixteenth plays the model's third
  // again), the slot of this beat that plays the model step before this one. -1 for the
  // bar's first slot (the step before is the previous bar's last slot).
  int previous = -1;
};

struct BarPlan {
  Subdivision subdivision = Subdivision::sixteenth;
  std::vector<Slot> slots;
  std::int64_t bar_ticks = 0;
  int beats = 0;
  // True when the bar is not the model's own four beats (3/4, 6/8, 5/4, 7/8...): the meter's
  // grouping then has to be played, not inherited from the model. Its beats fall into groups
  // as the meter is felt: quarter meters as Meter::beat_groups reads eighths (3/4 one group
  // of three, 5/4 3+2, 7/4 2+2+3), other meters one group per beat (6/8: two dotted
  // quarters, 7/8: 2+2+3 eighths). The first slot of each group has group_start set.
  bool marks_groups = false;
};

// The meter's beats (a quarter, a dotted quarter or a shorter remainder each) mapped onto
// the beats of the style's model by metric role: three equal beats (3/4, 9/8) take the
// model's beats 1, 3, 4 (the downbeat leads alone, the backbeat closes the bar); five
// quarters are 3+2, those three then the second group led by the model beat (1 or 3) with
// the surer accent and closed by the backbeat; otherwise the first is the downbeat, the last
// leads back into the bar line (the model's last beat, a backbeat), the middle ones
// alternate the model's beats 2 and 3 (7/8 = 2+2+3: downbeat, backbeat, backbeat). The grid is the style's feel for meters of quarter beats, the
// triplet model for compound meters of a swung style, else sixteenths. `prefer` asks for a
// subdivision (used when it is possible for the meter and the style has that model).
// The groove set must hold at least one non-empty beat model.
[[nodiscard]] BarPlan plan_bar(const Meter& meter, const GrooveSet& groove,
                               std::optional<Subdivision> prefer = std::nullopt);

}  // namespace mdg
