#pragma once
// How the artist traits that reshape whole bars are applied by the engine: kick density,
// open hi-hat accents, double-bass runs and linear playing (see docs/knowledge-base.md,
// "Traits"). Kept apart from the sampler so that the engine calls it at two places only:
// the weight of a candidate step while sampling, and a pass over each finished bar.
//
// - kick_density (0.3-3, neutral 1) multiplies the odds of every candidate step that puts
//   a kick on a slot away from the beat starts: > 1 busier, syncopated kick figures,
//   < 1 a kick that stays on the beats.
// - open_hat (0-4, neutral 1) multiplies the odds of candidates with an open hi-hat; above
//   1 the bar pass also opens closed hi-hat strokes on the off-beat eighths (the "and"
//   between beats) with probability kOpenPerUnit per unit above 1 (at most kMaxOpen);
//   below 1 it closes each open hi-hat with probability 1 - open_hat (0 = none left).
// - double_kick (0-1, neutral 0) is the share of bars with a double-bass run: such a bar
//   gets a kick on every slot from a beat start (the bar's first beat in half of them, its
//   middle beat in the other half) to the end of its groove part (a fill keeps its own).
// - linear (0-1, neutral 0) is the tendency that no two limbs hit together: candidates
//   with n lanes at once are weighted by (1 - kLinearWeight * linear)^(n - 1), and the bar
//   pass thins every slot where several lanes still coincide, with probability `linear`,
//   to its leading voice: the snare (the kick on the bar's downbeat), else the kick,
//   else a tom, else the cymbal.
// The bar pass runs open hi-hats, then linear thinning, then the double-bass run (which a
// linear pass must not thin out).
// Neutral traits change nothing and draw no random numbers, so a profile without these
// traits generates the same bytes as before they existed.
#include <cstddef>
#include <vector>

#include "core/rng.hpp"
#include "generate/bar_plan.hpp"
#include "groove/groove_model.hpp"
#include "style/style_profile.hpp"

namespace mdg {

inline constexpr double kOpenPerUnit = 0.2;
inline constexpr double kMaxOpen = 0.7;
inline constexpr double kLinearWeight = 0.9;

class TraitShaping {
 public:
  TraitShaping() = default;
  explicit TraitShaping(const StyleTraits& traits) noexcept;

  // Nothing to do (every one of the four traits neutral).
  [[nodiscard]] bool neutral() const noexcept { return neutral_; }
  // Factor on the sampling weight of `mask` at a slot (`strong`: a beat start).
  [[nodiscard]] double mask_weight(LaneMask mask, bool strong) const noexcept;
  // The pass over a finished bar: open hi-hats, linear thinning, double-bass run. Slots
  // from `groove_end` on are a fill and are left alone.
  void shape_bar(std::vector<LaneMask>& bar, const BarPlan& plan, std::size_t groove_end,
                 Rng& rng) const;

 private:
  double kick_density_ = 1.0;
  double open_hat_ = 1.0;
  double double_kick_ = 0.0;
  double linear_ = 0.0;
  bool neutral_ = true;
};

}  // namespace mdg
