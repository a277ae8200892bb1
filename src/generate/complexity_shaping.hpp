#pragma once
// How --complexity reshapes a generated variation. The engine samples every variation at the
// style's own complexity (0.5); this pass then thins it (below 0.5) or adds to it (above 0.5)
// with its own seeded stream, so that for one seed a higher complexity plays a superset of
// the hits of a lower one: density rises with complexity by construction, and so does the
// syncopation of the kick and snare accents (every step is checked not to lower it).
//
// - Thinning (c < 0.5) removes, in a seeded order weighted towards the hits that make a bar
//   busy, a share (0.5 - c) / 0.5 of the removable hits: snare strokes off the beats (ghosts
//   first), kicks off the beats, toms outside fills and cymbal strokes between the eighth
//   notes. The downbeat kick, snares and kicks on the beats, the timekeeper's beats and
//   eighths, crashes and fills stay: at 0 the bar is the groove's skeleton.
// - Adding (c > 0.5) draws candidate strokes the style plays at that step (kick, snare,
//   closed hi-hat, ride; weighted by the model's onset probability there, kicks and snares
//   that anticipate an empty stronger position weighted up) in a seeded order and adds up to
//   (c - 0.5) / 0.5 x kAddShare of the bar's hits. A stroke is added only where a drummer
//   has a limb free (at most two hands and one foot at once, never a closed and an open
//   hi-hat together) and is weighed by the bar-shaping traits (linear players rarely stack).
// A removal that would raise a bar's syncopation, or an addition that would lower it, is
// skipped. At 0.5 nothing changes and no random number is drawn.
#include <array>
#include <cstddef>
#include <vector>

#include "core/meter.hpp"
#include "core/rng.hpp"
#include "generate/bar_plan.hpp"
#include "generate/trait_shaping.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

inline constexpr double kNaturalComplexity = 0.5;
// Cymbal strokes and ghost notes added at complexity 1, as a share of the variation's groove
// hits (accents come on top: every one that adds syncopation).
inline constexpr double kTextureShare = 0.3;

class ComplexityShaping {
 public:
  ComplexityShaping(const BarPlan& plan, const Meter& meter, const GrooveModel& beat,
                    const TraitShaping& shaping);

  // Reshapes `masks` (bars x slots) to `complexity`. `groove_ends[bar]` is the first slot of
  // the bar's fill (slots when none): fills are left alone. `forced_ghosts` (same size as
  // masks) marks snare strokes that must be ghosts; removed strokes are unmarked.
  void apply(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
             const std::vector<std::size_t>& groove_ends, double complexity, Rng rng) const;

  // The syncopation (Longuet-Higgins & Lee, as the analyzer scores it) of one bar's kick and
  // snare accents. `ghosts` (indexed from `offset`) marks forced ghost notes; strokes whose
  // step is played as a ghost note now and then count as accents when `uncertain_accents`.
  [[nodiscard]] int syncopation(const LaneMask* bar, const std::vector<bool>* ghosts,
                                std::size_t offset, bool uncertain_accents) const;

 private:
  void thin(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
            const std::vector<std::size_t>& groove_ends, double share, Rng& rng) const;
  void add(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
           const std::vector<std::size_t>& groove_ends, double share, Rng& rng) const;
  [[nodiscard]] double onset_prob(std::size_t slot, std::size_t lane) const;
  [[nodiscard]] bool likely_ghost(std::size_t slot) const;
  [[nodiscard]] double ghost_prob(std::size_t slot, Lane lane) const;

  const BarPlan& plan_;
  const GrooveModel& beat_;
  const TraitShaping& shaping_;
  std::vector<int> weights_;        // metric weight per slot
  std::vector<bool> between_eighths_;  // per slot: below the eighth-note level
};

}  // namespace mdg
