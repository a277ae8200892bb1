#include "generate/trait_shaping.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mdg {
namespace {

// The one lane a linear player keeps where several coincide.
LaneMask leading_voice(LaneMask mask, bool downbeat) {
  if (downbeat && (mask & lane_bit(Lane::kick)) != 0) return lane_bit(Lane::kick);
  if ((mask & lane_bit(Lane::snare)) != 0) return lane_bit(Lane::snare);
  if ((mask & lane_bit(Lane::kick)) != 0) return lane_bit(Lane::kick);
  for (Lane lane : {Lane::low_tom, Lane::mid_tom, Lane::high_tom, Lane::crash, Lane::ride,
                    Lane::open_hat, Lane::closed_hat}) {
    if ((mask & lane_bit(lane)) != 0) return lane_bit(lane);
  }
  return mask;
}

// The off-beat eighth: the slot halfway through a beat of even length.
bool offbeat_eighth(const Slot& s) {
  return s.beat_ticks > 0 && s.beat_ticks % 2 == 0 && s.tick - s.beat_start == s.beat_ticks / 2;
}

}  // namespace

TraitShaping::TraitShaping(const StyleTraits& traits) noexcept
    : kick_density_(traits.kick_density),
      open_hat_(traits.open_hat),
      double_kick_(traits.double_kick),
      linear_(traits.linear) {
  neutral_ = kick_density_ == 1.0 && open_hat_ == 1.0 && double_kick_ <= 0.0 && linear_ <= 0.0;
}

double TraitShaping::mask_weight(LaneMask mask, bool strong) const noexcept {
  if (neutral_) return 1.0;
  double w = 1.0;
  if (!strong && (mask & lane_bit(Lane::kick)) != 0) w *= kick_density_;
  // Never quite zero: a context whose every continuation opens the hat must still draw
  // something; the bar pass closes what gets through.
  if ((mask & lane_bit(Lane::open_hat)) != 0) w *= std::max(open_hat_, 0.02);
  const int lanes = std::popcount(static_cast<unsigned>(mask));
  if (linear_ > 0.0 && lanes > 1) w *= std::pow(1.0 - kLinearWeight * linear_, lanes - 1);
  return w;
}

void TraitShaping::shape_bar(std::vector<LaneMask>& bar, const BarPlan& plan, std::size_t groove_end,
                             Rng& rng) const {
  if (neutral_) return;
  const std::size_t end = std::min({groove_end, bar.size(), plan.slots.size()});
  constexpr LaneMask kClosed = lane_bit(Lane::closed_hat);
  constexpr LaneMask kOpen = lane_bit(Lane::open_hat);

  if (open_hat_ > 1.0) {
    const double p = std::min(kMaxOpen, kOpenPerUnit * (open_hat_ - 1.0));
    for (std::size_t i = 0; i < end; ++i) {
      if ((bar[i] & kClosed) == 0 || !offbeat_eighth(plan.slots[i])) continue;
      if (rng.chance(p)) bar[i] = static_cast<LaneMask>((bar[i] & ~kClosed) | kOpen);
    }
  } else if (open_hat_ < 1.0) {
    for (std::size_t i = 0; i < end; ++i) {
      if ((bar[i] & kOpen) == 0) continue;
      if (rng.chance(1.0 - open_hat_)) bar[i] = static_cast<LaneMask>((bar[i] & ~kOpen) | kClosed);
    }
  }

  if (linear_ > 0.0) {
    for (std::size_t i = 0; i < end; ++i) {
      if (std::popcount(static_cast<unsigned>(bar[i])) < 2) continue;
      if (rng.chance(linear_)) bar[i] = leading_voice(bar[i], plan.slots[i].tick == 0);
    }
  }

  if (double_kick_ > 0.0 && rng.chance(double_kick_)) {
    // From the bar's first beat or its middle beat.
    int from_beat = 0;
    if (rng.chance(0.5)) from_beat = plan.beats / 2;
    for (std::size_t i = 0; i < end; ++i) {
      if (plan.slots[i].beat >= from_beat) bar[i] = static_cast<LaneMask>(bar[i] | lane_bit(Lane::kick));
    }
  }
}

}  // namespace mdg
