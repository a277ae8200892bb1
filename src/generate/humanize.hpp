#pragma once
// The data-driven humanizer: gives notes on a grid a style's measured feel (microtiming
// and dynamics per lane and bar position). The engine renders its variations through
// StyleFeel; humanize() applies the same feel to a user's own pattern.
//
// Timing model. A note's offset from its grid position, in ms, is
//     mean(lane, step) + laid_back + placement + variation * timing_spread * sd(lane, step) * z
// where z is standard normal and correlated within a beat:
//     z = sqrt(kBeatTimingShare) * beat_drift + sqrt(1 - kBeatTimingShare) * own
// with beat_drift drawn once per beat and own drawn per note (both standard normal). Two
// notes of the same beat thus have noise correlation kBeatTimingShare (0.36): a drummer
// drifts ahead of or behind the grid for a beat at a time rather than jittering each note
// independently; notes of different beats are uncorrelated. Steps the style rarely plays
// borrow strength from the lane: with n hits at the step, its mean and sd are shrunk
// towards the lane's by n / (n + kShrinkHits). `placement` is the style's measured
// placement against the click (GrooveModel::placement_ms; players who follow a click sit
// ahead of it on average) and `variation` the share of the measured spread that is played
// as random deviation (FeelOptions).
//
// Dynamics model. Accents (non-ghost hits) draw from the step's velocity distribution
// (mean, variation * sd scaled by the dynamics trait), ghost notes from its ghost-note mean;
// an accent never lands at or below kGhostVelocity and a ghost never above it.
//
// Why humanize() plays less randomness than the engine. The mean offsets and velocities are
// what a style's players do on average at each lane and bar position; the random part only
// stands for what differs from one performance to the next, and no draw can predict how one
// particular performance deviates: every unit of random spread moves a humanized note
// further from the performance it imitates on average (measured against the Groove MIDI
// Dataset's validation takes by bench/quality, section 5). humanize() therefore plays the
// systematic feel in full and keeps kHumanizeVariation (a quarter) of the measured spread,
// with the same per-beat correlation, so notes still drift with the beat instead of
// sitting exactly on the style's means (measured cost on that benchmark: about 0.2 ms of
// timing error against no randomness at all). HumanizeOptions::variation sets the share (0 =
// the prediction alone, 1 = the full measured spread). The engine renders generated
// variations with the full measured spread (variation 1), where a generated groove should
// vary the way the style's takes do.
//
// Velocity with no dynamics in the input (every note of a lane at one loud velocity, as a
// step sequencer writes) is predicted from the note's context: the median velocity the
// style plays that GM note at that step given the lanes hitting with it and what hits at
// the steps before and after (GrooveModel::context_feel, backing off to coarser
// contexts); without a context, by expected_velocity: the mean of what the style plays
// there, ghost notes included, adjusted by the GM note's level against its lane. The
// timing mean of humanize() likewise is the context's median offset where one was seen.
// Medians, not means: judged note by note against one real performance, the conditional
// median is the prediction with the least expected absolute error.
//
// Learned feel. Given a NoteFeelModel, humanize() predicts each note of a 4/4 sixteenth-grid
// pattern from what the quantized pattern shows around it (the lanes at its step and at the
// steps around it, its bar's and the whole pattern's make-up, the tempo) and from the style's
// groove model: gradient-boosted trees that give the conditional median offset against the
// click (placement and swing included, so neither is added again) and the conditional median
// velocity. Judged note by note against the real performances of the Groove MIDI Dataset's
// validation split (bench/quality section 5) this beats the step and context statistics on
// both timing and velocity (measured: 18.9 ms / 0.147 against 22.2 ms / 0.175). Notes of one
// lane on one step (13% of the validation notes) are told apart by GM note and then by
// their place in the input: of one GM note (a quantized flam, drag or 32nd-note pair) the
// first is placed and voiced as the grace note and they leave in that order; different
// instruments of one lane (the hi-hat pedal under a stick stroke) each keep their own
// predicted time. The random part on top is the same as above (variation
// times the step's spread, correlated within a beat); an artist's laid_back_ms still shifts
// the notes.
// Styles whose traits impose a swing, other meters and the triplet grid keep the
// statistics model.
//
// Placement. humanize() applies the style's placement against the click: a user's pattern
// lives on a DAW grid the way a take follows the click. The engine does not: a generated
// pattern is its own time reference (there is no click to be ahead of, and a downbeat at
// tick 0 cannot move earlier), so generated files keep their first downbeat on the grid.
// In humanize() a downbeat played early moves into the bar before, as the style's takes
// do (except the pattern's very first downbeat, which stays at its start); in generated
// files every note stays inside its bar.
#include <cstdint>
#include <optional>

#include "core/error.hpp"
#include "core/pattern.hpp"
#include "generate/bar_plan.hpp"
#include "groove/groove_model.hpp"
#include "groove/note_feel.hpp"
#include "style/style_profile.hpp"

namespace mdg {

class Rng;

// The share of the measured timing and velocity spread humanize() plays as random
// deviation by default (see "Why humanize() plays less randomness" above).
inline constexpr double kHumanizeVariation = 0.25;

struct HumanizeOptions {
  double amount = 1.0;     // 0 = leave the input as it is, 1 = the style's full feel
  std::uint64_t seed = 1;  // same seed, same result
  // Share of the style's measured spread played as random deviation, 0-1 (FeelOptions);
  // amount scales it with the rest of the feel.
  double variation = kHumanizeVariation;
};

// amount and variation must be 0-1 (the error names the value and the allowed range).
[[nodiscard]] Result<HumanizeOptions> validate(const HumanizeOptions& options);

// Gives `in` the style's feel, keeping every note (same notes, same count, notes of one
// step in the same order); only onsets and velocities change:
//  - each note is snapped to the nearest slot of the style's grid for the pattern's meter
//    (see plan_bar: 4/4 maps directly, other meters by metric role); the grid is the
//    triplet one when the input sits clearly nearer it and the style has a triplet model;
//  - onset = (1 - amount) * original + amount * (grid position + imposed swing)
//            + amount * feel offset (clamped to 0.45 of a step), then kept strictly between
//    the neighbouring grid steps and inside the pattern (a downbeat may come early into
//    the bar before: FeelOptions::cross_bar_lines);
//  - velocity = amount * style velocity + (1 - amount) * original, where the style
//    velocity keeps the input's accent/ghost structure: input ghosts (<= kGhostVelocity)
//    map to the style's ghost notes, other notes to its accent distribution at a z-score
//    that follows their loudness rank within the lane (60% rank, 40% fresh noise in
//    variance); a lane whose notes all have one loud velocity carries no dynamics, so
//    the style decides: each note gets its step's expected velocity (StyleFeel::
//    expected_velocity: ghost and accent means weighted by the style's ghost share,
//    shifted by how loud the style plays that GM note against its lane), a ghost note
//    where that lies at or below kGhostVelocity.
//  - notes that fold onto no lane (auxiliary percussion) follow the closed hi-hat's feel.
// amount 0 returns the input unchanged. Errors: amount outside 0-1 (invalid_argument), a
// style without groove model (invalid_argument).
//
// With a note-feel model (groove/note_feel.hpp: learned from the style's performances, see
// "Learned feel" above), a 4/4 pattern on the sixteenth grid whose style imposes no swing
// trait takes its timing and, for lanes without dynamics, its velocity from the model's
// prediction for each note in its context instead of the step and context statistics.
[[nodiscard]] Result<Pattern> humanize(const Pattern& in, const StyleProfile& style,
                                       const HumanizeOptions& options,
                                       const NoteFeelModel* note_feel = nullptr);

inline constexpr double kBeatTimingShare = 0.36;
inline constexpr double kShrinkHits = 2.0;
// How far the feel may move a note from its grid position, as a share of a step.
inline constexpr double kMaxFeelShift = 0.45;

// How much of a style's feel StyleFeel plays beyond its means.
struct FeelOptions {
  double variation = 1.0;  // share of the measured spread played as random deviation (0-1)
  bool placement = false;  // add the style's placement against the click (placement_ms)
  // Let a downbeat move early into the previous bar (never before the pattern's first bar
  // line); without it every note stays inside its bar.
  bool cross_bar_lines = false;
};

// A style's measured feel on one bar plan, note by note. Not thread-safe (holds the
// current beat's drift); cheap to construct.
class StyleFeel {
 public:
  // `traits` are the profile's traits; swing measured by the model is filled in when the
  // plan is on the sixteenth grid and the traits impose none (as the engine plays it).
  // `options` default to the engine's rendering: full spread, no placement.
  StyleFeel(const GrooveModel& model, const BarPlan& plan, const StyleTraits& traits,
            FeelOptions options = {});

  [[nodiscard]] const StyleTraits& traits() const noexcept { return traits_; }
  // The step statistics, shrunk towards the lane's where the step has few hits.
  [[nodiscard]] StepStats stats(Lane lane, int source_step) const;
  // Whether the style plays this lane and step mostly as a ghost note.
  [[nodiscard]] double ghost_prob(Lane lane, int source_step) const;

  // Draws the shared drift of a new beat.
  void start_beat(Rng& rng);
  // The swing the style imposes on a slot, in ticks (0 for most slots).
  [[nodiscard]] double swing_ticks(const Slot& slot) const;
  // The finest context of the model's context feel (GrooveModel::context_feel) seen for a
  // note: its lane and GM note, step, the mask of the lanes hitting at its step and the
  // masks of the steps before and after, backing off to coarser contexts; nullptr when the
  // note was not seen often enough on the lane (the step statistics then stand in).
  [[nodiscard]] const ContextFeel* context(Lane lane, int source_step, LaneMask mask, DrumNote note,
                                           LaneMask previous, LaneMask next) const;
  // The feel's offset from the grid in ms (see the timing model above); one normal draw.
  // With a context, its median offset replaces the step's mean.
  [[nodiscard]] double timing_ms(Lane lane, const Slot& slot, Rng& rng,
                                 const ContextFeel* context = nullptr) const;
  // Its random part alone: variation * timing_spread * the step's sd * z (one normal draw).
  [[nodiscard]] double timing_noise_ms(Lane lane, const Slot& slot, Rng& rng) const;
  // Where a note on `slot` of bar `bar` lands: see humanize(); `original` is the note's
  // own onset (the grid position plus swing for notes the engine writes), `ms_per_tick`
  // the tempo there. Always strictly between the neighbouring steps, inside the bar.
  // `swing`: add the imposed swing to the grid position (false when feel_ms already holds
  // the whole offset from the straight grid, as a note-feel prediction does).
  [[nodiscard]] std::int64_t place(int bar, std::size_t slot, double original, double feel_ms,
                                   double amount, double ms_per_tick, bool swing = true) const;
  // The earliest and latest tick place() gives a note on `slot` of `bar`: just after the
  // previous slot and just before the next (a downbeat: see FeelOptions::cross_bar_lines).
  [[nodiscard]] std::int64_t lower_bound(int bar, std::size_t slot) const;
  [[nodiscard]] std::int64_t upper_bound(int bar, std::size_t slot) const;

  // The mean velocity of a lane and step: ghost or accent.
  [[nodiscard]] double quantized_velocity(Lane lane, int source_step, bool ghost) const;
  // How much louder (+) or softer (-) than its lane the style plays a GM note
  // (GrooveModel::note_velocity; 0 for notes it does not list).
  [[nodiscard]] double note_velocity_offset(DrumNote note) const;
  // The mean velocity the style plays at a lane and step, ghost notes included: the ghost
  // and accent means weighted by ghost_prob, plus the note's offset from its lane's level
  // (note 0: none), within 1-127. For a note whose input carries no dynamics this is the
  // prediction with the least expected error.
  [[nodiscard]] double expected_velocity(Lane lane, int source_step, DrumNote note = 0) const;
  // expected_velocity plus variation * the step's spread (one normal draw), kept on the
  // ghost side of kGhostVelocity when the mean is a ghost velocity and above it otherwise.
  [[nodiscard]] double expected_velocity(Lane lane, int source_step, DrumNote note, Rng& rng) const;
  // The same around a context's median velocity.
  [[nodiscard]] double context_velocity(const ContextFeel& context, Lane lane, int source_step,
                                        Rng& rng) const;
  // A mean velocity plus variation * the step's spread (one normal draw), on the mean's side
  // of kGhostVelocity.
  [[nodiscard]] double around(double mean, Lane lane, int source_step, Rng& rng) const;
  // A velocity drawn from the style's distribution (one normal draw). `rank_z` places an
  // accent by the input's loudness rank (nullopt: pure noise, as the engine uses it).
  [[nodiscard]] double velocity(Lane lane, int source_step, bool ghost,
                                std::optional<double> rank_z, Rng& rng) const;

 private:
  const GrooveModel& model_;
  const BarPlan& plan_;
  StyleTraits traits_;
  FeelOptions options_;
  double beat_drift_ = 0.0;
};

}  // namespace mdg
