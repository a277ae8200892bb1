#pragma once
// The quantitative groove model: what style profiles hold and what the generator
// samples from. Plain values; analysis (analyzer.hpp) fills them, the JSON codec in
// src/style stores them.
#include <array>
#include <cstdint>
#include <vector>

#include "core/drum_map.hpp"
#include "core/meter.hpp"

namespace mdg {

// A hit at or below this velocity is a ghost note.
inline constexpr int kGhostVelocity = 40;

// Notes with fewer hits than this get no NoteVelocity entry.
inline constexpr std::uint32_t kMinNoteVelocityHits = 8;

// Bit i set = lane i hits at that step.
using LaneMask = std::uint16_t;
// Every lane mask is below this (one bit per lane).
inline constexpr unsigned kLaneMaskLimit = 1U << kLaneCount;
// The bit of `lane` in a LaneMask.
[[nodiscard]] constexpr LaneMask lane_bit(Lane lane) noexcept {
  return static_cast<LaneMask>(1U << lane_index(lane));
}

// Statistics of one lane at one grid step, over all analysed bars.
struct StepStats {
  double onset_prob = 0.0;        // share of bars with a hit of this lane at this step
  double velocity_mean = 0.0;     // mean velocity of the non-ghost hits (1-127), 0 if none
  double velocity_sd = 0.0;
  double ghost_prob = 0.0;        // share of this step's hits that are ghost notes
  double ghost_velocity_mean = 0.0;
  double offset_mean_ms = 0.0;    // microtiming: onset minus grid position, + = late
  double offset_sd_ms = 0.0;
  std::uint32_t hits = 0;
  friend bool operator==(const StepStats&, const StepStats&) = default;
};

struct LaneStats {
  std::vector<StepStats> steps;  // one per grid step
  double hits_per_bar = 0.0;
  double velocity_mean = 0.0;    // over all hits of the lane
  double velocity_sd = 0.0;
  double offset_mean_ms = 0.0;
  double offset_sd_ms = 0.0;
  DrumNote note = 0;             // the GM note most often played on this lane (0 = lane default)
  friend bool operator==(const LaneStats&, const LaneStats&) = default;
};

struct MaskCount {
  LaneMask mask = 0;
  std::uint32_t count = 0;
  friend bool operator==(const MaskCount&, const MaskCount&) = default;
};

struct ContextCounts {
  LaneMask previous = 0;          // what hit at the step before (across bar lines too)
  std::vector<MaskCount> next;    // sorted by mask
  friend bool operator==(const ContextCounts&, const ContextCounts&) = default;
};

struct BeatContextCounts {
  LaneMask previous = 0;          // what hit at the step before
  LaneMask beat_before = 0;       // what hit at the same position one beat earlier
  std::vector<MaskCount> next;    // sorted by mask
  friend bool operator==(const BeatContextCounts&, const BeatContextCounts&) = default;
};

// A step-vector n-gram at one bar position: which lanes hit together here, overall,
// given what hit at the previous step, and given both the previous step and the same
// position a beat earlier (which keeps the timekeeper and the groove family coherent).
// The sampler backs off from the richest context that was seen to the unigram.
struct StepTransitions {
  std::vector<MaskCount> unigram;              // sorted by mask; includes mask 0 (nothing)
  std::vector<ContextCounts> contexts;         // sorted by previous
  std::vector<BeatContextCounts> beat_contexts;  // sorted by (previous, beat_before)
  friend bool operator==(const StepTransitions&, const StepTransitions&) = default;
};

// How loud a GM note is played against the other notes of its lane (a cross-stick against
// the snare head, the pedal hat against the stick): mean velocity of its hits minus the
// lane's mean over all its hits.
struct NoteVelocity {
  DrumNote note = 0;
  double offset = 0.0;
  friend bool operator==(const NoteVelocity&, const NoteVelocity&) = default;
};

// What a style plays on one GM note given where it sounds and what else sounds with it:
// the median velocity and the median microtiming offset (ms from the take's own pulse, as
// StepStats) of the hits in that context. Medians, because the value with the least
// expected absolute error for a note whose performance is unknown is the conditional
// median. Contexts, from coarse to fine (ContextLevel): the lane and GM note (an edge or
// bow hi-hat stroke, a rim shot); plus the step; plus the mask of the lanes hitting at the
// step; plus the masks of the steps before and after. Only contexts seen at least
// kMinContextFeelHits times are kept.
enum class ContextLevel : std::uint8_t { note = 0, step = 1, mask = 2, neighbours = 3 };
inline constexpr std::uint32_t kMinContextFeelHits = 10;

// The key of a context (bit-packed; fields a level does not use are 0).
[[nodiscard]] constexpr std::uint64_t context_key(ContextLevel level, std::size_t lane, int step,
                                                  std::uint32_t mask, DrumNote note,
                                                  std::uint32_t previous, std::uint32_t next) noexcept {
  const auto l = static_cast<std::uint64_t>(level);
  const bool with_step = level != ContextLevel::note;
  const bool with_mask = level == ContextLevel::mask || level == ContextLevel::neighbours;
  const bool with_neighbours = level == ContextLevel::neighbours;
  return l << 60 | static_cast<std::uint64_t>(lane & 0xf) << 56 |
         static_cast<std::uint64_t>(with_step ? static_cast<unsigned>(step) & 0xff : 0) << 48 |
         static_cast<std::uint64_t>(with_mask ? mask & 0x1ff : 0) << 36 |
         static_cast<std::uint64_t>(note & 0x7f) << 28 |
         static_cast<std::uint64_t>(with_neighbours ? previous & 0x1ff : 0) << 14 |
         static_cast<std::uint64_t>(with_neighbours ? next & 0x1ff : 0);
}

struct ContextFeel {
  std::uint64_t key = 0;     // context_key
  std::uint32_t hits = 0;
  double velocity = 0.0;     // median velocity (1-127), ghost notes included
  double offset_ms = 0.0;    // median offset from the take's pulse, + = late
  friend bool operator==(const ContextFeel&, const ContextFeel&) = default;
};

// One measured take of a beat model: the share of its groove bars with an onset, per lane
// and step, and its snare strokes. A generated variation of a genre leans toward one such
// drummer's choices (generate/engine.cpp). Kept only by models fitted with
// AnalyzerOptions::take_shapes, from takes with at least kMinTakeShapeBars groove bars.
struct TakeShape {
  std::vector<std::uint8_t> onsets;  // lane-major, kLaneCount x steps: share of bars x 255, rounded
  std::uint32_t snare_hits = 0;      // snare strokes in the groove bars
  std::uint32_t snare_ghosts = 0;    // of which ghost notes (<= snare_hits)
  // The groove bars themselves, in the order played: steps masks per bar (a bar's step
  // masks, lane bits as LaneMask; fills and resting bars left out). Empty in models written
  // before they were kept.
  std::vector<LaneMask> bars;
  // The take's timing: its hits' offsets from its own pulse over the same bars (mean and SD,
  // ms; a low SD is a tight drummer). timing_sd_ms 0 = not measured (models written before
  // it was).
  double timing_mean_ms = 0.0;
  double timing_sd_ms = 0.0;

  [[nodiscard]] double onset_share(std::size_t lane, std::size_t step, std::size_t steps) const noexcept {
    const std::size_t i = lane * steps + step;
    return i < onsets.size() ? onsets[i] / 255.0 : 0.0;
  }
  friend bool operator==(const TakeShape&, const TakeShape&) = default;
};
inline constexpr int kMinTakeShapeBars = 4;

struct GrooveModel {
  Grid grid;                              // meter and subdivision the model was learned on
  std::uint32_t bars = 0;                 // bars analysed (0 = empty model)
  std::array<LaneStats, kLaneCount> lanes;
  std::vector<StepTransitions> transitions;  // one per grid step
  // Summary features.
  double density = 0.0;          // hits per bar, all lanes
  double swing_ratio = 1.0;      // eighth-note swing, long/short: 1 straight, 2 triplet feel
  double swing_ratio_16th = 1.0; // the same one level down
  double ghost_rate = 0.0;       // share of snare hits that are ghost notes
  double syncopation = 0.0;      // mean syncopation per bar (metric-weight based, >= 0)
  double fill_rate = 0.0;        // share of bars that are fills
  // Where the style's takes sit against the click, in ms (- = ahead): the mean over the
  // analysed performances of each one's placement bias (placement_bias_ticks). Step and
  // lane offsets are measured from each take's own pulse and leave this out.
  double placement_ms = 0.0;
  // Per GM note with at least kMinNoteVelocityHits hits, sorted by note; notes not listed
  // play at their lane's level.
  std::vector<NoteVelocity> note_velocity;
  // Per context with at least kMinContextFeelHits hits, sorted by key (empty in models
  // written before it existed, and in blends: the feel then uses the step statistics).
  std::vector<ContextFeel> context_feel;
  // The measured takes, in the order they were added (empty unless fitted with
  // AnalyzerOptions::take_shapes, and in blends).
  std::vector<TakeShape> takes;

  [[nodiscard]] bool empty() const noexcept { return bars == 0; }
  [[nodiscard]] int steps() const noexcept { return grid.steps_per_bar(); }
  friend bool operator==(const GrooveModel&, const GrooveModel&) = default;
};

// Beat and fill models on both grids for one style.
struct GrooveSet {
  Subdivision feel = Subdivision::sixteenth;  // the grid the style's onsets fit best
  GrooveModel sixteenth;
  GrooveModel triplet;
  GrooveModel fill_sixteenth;
  GrooveModel fill_triplet;

  [[nodiscard]] const GrooveModel& beat(Subdivision s) const noexcept {
    return s == Subdivision::sixteenth ? sixteenth : triplet;
  }
  [[nodiscard]] const GrooveModel& fill(Subdivision s) const noexcept {
    return s == Subdivision::sixteenth ? fill_sixteenth : fill_triplet;
  }
  friend bool operator==(const GrooveSet&, const GrooveSet&) = default;
};

}  // namespace mdg
