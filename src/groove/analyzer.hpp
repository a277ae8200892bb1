#pragma once
// Groove analysis: turns drum performances (Patterns) into a GrooveModel on one grid.
//
// Usage: validate the options and grid once (GrooveAccumulator::create), add() every
// performance, then finish(). Performances in another meter than the grid's are counted
// as skipped. Analysing the same performances on the sixteenth and the triplet grid and
// comparing the quantization errors (best_feel) tells which grid the music sits on.
#include <array>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/pattern.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

struct AnalyzerOptions {
  // Hits at or below this velocity are ghost notes (1-126).
  int ghost_velocity = kGhostVelocity;
  // Fill detection, per bar of a performance (see docs in analyzer.cpp): a bar is a fill when
  // its tom hits reach fill_min_tom_hits and are at least fill_tom_factor times the mean of
  // the performance's other bars, or when its hit count is at least fill_density_factor times
  // that mean and exceeds it by fill_min_extra_hits.
  int fill_min_tom_hits = 2;          // 1-64
  double fill_tom_factor = 2.0;       // 1-10
  double fill_density_factor = 1.5;   // 1-10
  int fill_min_extra_hits = 4;        // 0-64
  // Swing estimation: onsets within this many ticks of each other count as one position.
  int swing_cluster_ticks = 30;       // 1-120
  // Fewer beats than this with off-beat evidence leave the swing ratio at 1.0.
  int swing_min_evidence = 4;         // 1-100000
  // Transition contexts seen fewer times than this are left out of the model: a context
  // seen once predicts nothing (the sampler backs off from it anyway).
  int min_context_count = 2;          // 1-1000
  // Learn step statistics and transitions from groove bars only, leaving out the bars
  // detected as fills and bars with fewer than two hits (for beat models; fill_rate
  // still counts every bar).
  bool groove_bars_only = false;
  // Keep each performance's TakeShape (GrooveModel::takes) when it has at least
  // kMinTakeShapeBars kept bars: the genre beat models of derive_profiles do.
  bool take_shapes = false;
};

// Checks every option; the error names the option, its value and the allowed range.
[[nodiscard]] Result<void> validate(const AnalyzerOptions& options);

class GrooveAccumulator {
 public:
  // Fails when an option is out of range or the grid's bar is not a whole number of steps.
  [[nodiscard]] static Result<GrooveAccumulator> create(Grid grid, AnalyzerOptions options = {});

  // Accumulates one performance; returns false (and counts it as skipped) when its meter
  // differs from the grid's.
  bool add(const Pattern& pattern);

  [[nodiscard]] GrooveModel finish() const;

  [[nodiscard]] const Grid& grid() const noexcept { return grid_; }
  [[nodiscard]] std::uint32_t patterns() const noexcept { return patterns_; }
  [[nodiscard]] std::uint32_t skipped() const noexcept { return skipped_; }
  [[nodiscard]] std::uint32_t bars() const noexcept { return bars_; }
  // Mean absolute distance (ms) of every accumulated onset from its nearest grid step;
  // 0 when nothing was accumulated.
  [[nodiscard]] double mean_abs_quantize_error_ms() const noexcept;
  [[nodiscard]] std::uint64_t onsets() const noexcept { return onsets_; }

 private:
  GrooveAccumulator(Grid grid, AnalyzerOptions options);

  struct StepSums {
    std::uint32_t hits = 0;  // bars with a hit here (the loudest of several counts)
    std::uint32_t loud = 0;  // non-ghost hits
    double loud_velocity = 0, loud_velocity_sq = 0;
    std::uint32_t ghosts = 0;
    double ghost_velocity = 0;
    double offset = 0, offset_sq = 0;
  };
  struct LaneSums {
    std::vector<StepSums> steps;
    double velocity = 0, velocity_sq = 0;
    std::array<std::uint32_t, 128> notes{};
    std::array<double, 128> note_velocity{};  // velocity sums of every hit, per GM note
  };
  struct StepCounts {
    std::unordered_map<std::uint32_t, std::uint32_t> unigram;  // mask -> count
    std::unordered_map<std::uint32_t, std::uint32_t> context;  // previous << 16 | mask -> count
    // previous << 32 | beat_before << 16 | mask -> count
    std::unordered_map<std::uint64_t, std::uint32_t> beat_context;
  };

  Grid grid_;
  AnalyzerOptions options_;
  int steps_ = 0;
  std::uint32_t patterns_ = 0;
  std::uint32_t skipped_ = 0;
  std::uint32_t bars_ = 0;
  std::uint32_t fill_bars_ = 0;
  std::uint32_t all_bars_ = 0;  // every bar added, kept or not
  std::uint64_t onsets_ = 0;
  double abs_error_ms_ = 0;
  double syncopation_ = 0;
  double placement_ms_ = 0;        // sum of the takes' placement bias in ms
  std::uint32_t placed_takes_ = 0; // takes with onsets, the divisor of placement_ms_
  std::array<LaneSums, kLaneCount> lanes_;
  std::vector<StepCounts> transitions_;
  std::vector<double> beat_phases_;    // off-beat position within the quarter note, per beat
  std::vector<double> eighth_phases_;  // off-beat position within the eighth note, per eighth
  std::vector<int> metric_weight_;     // per step, for syncopation
  // Velocities and offsets (ms) of the hits of each context (context_key), for the medians
  // of GrooveModel::context_feel.
  struct ContextSamples {
    std::vector<float> velocity, offset_ms;
  };
  std::unordered_map<std::uint64_t, ContextSamples> context_samples_;
  std::vector<TakeShape> takes_;
};

// The median offset (ticks) of a performance's onsets near quarter notes: how far the whole
// take sits off the grid. The accumulator measures microtiming from the take's own pulse.
[[nodiscard]] double placement_bias_ticks(const Pattern& pattern);

// How well a performance sits on a grid: the mean distance of its onsets from the nearest
// step (after removing the take's placement bias), as a share of half a step. About 0.5
// for onsets that ignore the grid (a take in another tempo, free time), near 0 for a take
// that follows it. 1.0 when there are no onsets.
[[nodiscard]] double grid_fit(const Pattern& pattern, const Grid& grid);
// Takes that fit neither grid worse than this are not learned from.
inline constexpr double kOffGridFit = 0.45;

// Analyses `patterns` on `grid` in one go.
[[nodiscard]] Result<GrooveModel> analyze_patterns(std::span<const Pattern> patterns, Grid grid,
                                                   const AnalyzerOptions& options = {});

// The triplet grid is coarser (12 steps per 4/4 bar instead of 16), so it must fit clearly
// better to win: triplet when its mean quantization error is below `margin` times the
// sixteenth grid's (margin 0-1).
inline constexpr double kTripletFeelMargin = 0.75;
// Eighths swung at 3:2 or more sit nearer the triplet grid than the sixteenth grid: a style
// whose measured swing ratio reaches this is modelled on the triplet grid.
inline constexpr double kTripletSwingRatio = 1.5;
[[nodiscard]] Subdivision best_feel(double sixteenth_error_ms, double triplet_error_ms,
                                    double margin = kTripletFeelMargin) noexcept;
[[nodiscard]] Subdivision best_feel(const GrooveAccumulator& sixteenth,
                                    const GrooveAccumulator& triplet) noexcept;

// How far apart a genre's drummers play: the expected number of lane-step cells in which a
// groove bar of one take differs from a groove bar of another (onset shares taken as
// independent per cell: share_a (1 - share_b) + share_b (1 - share_a), summed), averaged over
// every pair of takes; 0 with fewer than two.
[[nodiscard]] double mean_take_distance(std::span<const TakeShape> takes);

// Longuet-Higgins & Lee syncopation of one bar: for every accented onset (`accents`, steps
// in ascending order), the strongest metric weight among the rests up to the next onset
// (or the bar's end) minus the onset's own weight, summed where positive.
[[nodiscard]] int bar_syncopation(std::span<const std::size_t> accents, std::span<const int> weights);

// Metric weights of a grid's steps (0 at the downbeat, lower = weaker), after
// Longuet-Higgins & Lee (1984): bar 0, half bar -1, beats -2, eighths -3, finer -4.
[[nodiscard]] std::vector<int> metric_weights(const Grid& grid);

// The same weight for one position `tick` (from the bar's start) of a bar in `meter` played on
// a `subdivision` grid: 0 at the downbeat, -1 at the middle of a bar of an even number of beat
// groups, -2 at other group starts, -3 on the eighths (every triplet), -4 elsewhere.
[[nodiscard]] int metric_weight(const Meter& meter, Subdivision subdivision, std::int64_t tick);

// The GM note a synth plays for a note the Groove MIDI Dataset's TD-11 kit wrote:
// 22 -> 42, 26 -> 46, 58 -> 43; notes outside GM 35-81 -> 0 (use the lane default).
[[nodiscard]] DrumNote gm_playable_note(DrumNote note) noexcept;

}  // namespace mdg
