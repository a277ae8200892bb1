#include "generate/humanize.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/rng.hpp"
#include "groove/analyzer.hpp"
#include "style/params.hpp"

namespace mdg {
namespace {

// The spread of ghost-note velocities around the step's ghost mean.
constexpr double kGhostVelocitySd = 4.0;
constexpr double kDefaultGhostVelocity = 30.0;
constexpr double kDefaultAccentVelocity = 90.0;
// Share of an accent's velocity variance that follows the input's loudness rank.
constexpr double kRankShare = 0.6;
constexpr double kMaxRankZ = 2.5;
// Eighth-note swing the engine applies from a model that measures at least this ratio.
constexpr double kMeasuredSwingMin = 1.15;

double step_ticks(const BarPlan& plan) {
  return plan.subdivision == Subdivision::triplet ? kPpq / 3.0 : kPpq / 4.0;
}

// The grid a performance sits on: triplet when it fits that grid clearly better (as the
// analyzer decides a style's feel) and the meter allows it.
std::optional<Subdivision> input_grid(const Pattern& in) {
  const Grid sixteenth{in.meter, Subdivision::sixteenth};
  const Grid triplet{in.meter, Subdivision::triplet};
  if (!triplet.fits()) return Subdivision::sixteenth;
  const double e16 = grid_fit(in, sixteenth) * sixteenth.ticks_per_step() / 2.0;
  const double e3 = grid_fit(in, triplet) * triplet.ticks_per_step() / 2.0;
  return best_feel(e16, e3);
}

struct Placed {
  std::size_t index = 0;  // into the input's hits
  int bar = 0;
  std::size_t slot = 0;
};

// Snaps a tick to the nearest slot; a note just before a bar line belongs to the next
// bar's downbeat unless that bar lies past the pattern.
Placed snap(const BarPlan& plan, std::int64_t tick, int bars) {
  const std::int64_t per_bar = plan.bar_ticks;
  int bar = static_cast<int>(std::max<std::int64_t>(0, tick) / per_bar);
  bar = std::min(bar, bars - 1);
  const std::int64_t pos = tick - static_cast<std::int64_t>(bar) * per_bar;
  std::size_t best = 0;
  std::int64_t best_dist = std::llabs(pos - plan.slots[0].tick);
  for (std::size_t i = 1; i < plan.slots.size(); ++i) {
    const std::int64_t d = std::llabs(pos - plan.slots[i].tick);
    if (d < best_dist) {
      best = i;
      best_dist = d;
    }
  }
  if (bar + 1 < bars && std::llabs(per_bar - pos) < best_dist) return {0, bar + 1, 0};
  return {0, bar, best};
}

}  // namespace

Result<HumanizeOptions> validate(const HumanizeOptions& options) {
  if (auto r = check_param(*find_param("amount"), options.amount); !r) return std::unexpected(r.error());
  if (!std::isfinite(options.variation) || options.variation < 0.0 || options.variation > 1.0) {
    return fail(Errc::invalid_argument, "humanize variation " + std::to_string(options.variation) +
                                            " is out of range; allowed: 0-1");
  }
  return options;
}

StyleFeel::StyleFeel(const GrooveModel& model, const BarPlan& plan, const StyleTraits& traits,
                     FeelOptions options)
    : model_(model), plan_(plan), traits_(traits), options_(options) {
  options_.variation = std::isfinite(options_.variation) ? std::clamp(options_.variation, 0.0, 1.0) : 1.0;
  // On the sixteenth grid, eighths the style measurably swings are swung by that ratio.
  if (traits_.swing == 0.0 && plan.subdivision == Subdivision::sixteenth &&
      model.swing_ratio >= kMeasuredSwingMin) {
    traits_.swing = model.swing_ratio;
  }
}

StepStats StyleFeel::stats(Lane lane, int source_step) const {
  const LaneStats& ls = model_.lanes[lane_index(lane)];
  const auto step = static_cast<std::size_t>(source_step);
  StepStats st = source_step >= 0 && step < ls.steps.size() ? ls.steps[step] : StepStats{};
  const double n = st.hits;
  const double w = n / (n + kShrinkHits);
  st.offset_mean_ms = w * st.offset_mean_ms + (1.0 - w) * ls.offset_mean_ms;
  st.offset_sd_ms = w * st.offset_sd_ms + (1.0 - w) * ls.offset_sd_ms;
  return st;
}

double StyleFeel::ghost_prob(Lane lane, int source_step) const {
  const LaneStats& ls = model_.lanes[lane_index(lane)];
  const auto step = static_cast<std::size_t>(source_step);
  return source_step >= 0 && step < ls.steps.size() ? ls.steps[step].ghost_prob : 0.0;
}

void StyleFeel::start_beat(Rng& rng) { beat_drift_ = rng.normal(); }

double StyleFeel::swing_ticks(const Slot& s) const {
  if (s.beat_ticks != kPpq) return 0.0;
  const auto tick_in_beat = static_cast<double>(s.tick - s.beat_start);
  double shift = 0.0;
  if (traits_.swing > 0.0 && std::fabs(tick_in_beat - kPpq / 2.0) < 1.0) {
    shift += kPpq * traits_.swing / (1.0 + traits_.swing) - kPpq / 2.0;
  }
  if (traits_.swing_16th > 0.0) {
    const double in_eighth = std::fmod(tick_in_beat, kPpq / 2.0);
    if (std::fabs(in_eighth - kPpq / 4.0) < 1.0) {
      shift += (kPpq / 2.0) * traits_.swing_16th / (1.0 + traits_.swing_16th) - kPpq / 4.0;
    }
  }
  return shift;
}

const ContextFeel* StyleFeel::context(Lane lane, int source_step, LaneMask mask, DrumNote note,
                                      LaneMask previous, LaneMask next) const {
  const auto& table = model_.context_feel;
  if (table.empty() || source_step < 0) return nullptr;
  for (const ContextLevel level : {ContextLevel::neighbours, ContextLevel::mask, ContextLevel::step,
                                   ContextLevel::note}) {
    const std::uint64_t key = context_key(level, lane_index(lane), source_step, mask, note, previous, next);
    const auto it = std::lower_bound(table.begin(), table.end(), key,
                                     [](const ContextFeel& c, std::uint64_t k) { return c.key < k; });
    if (it != table.end() && it->key == key && it->hits >= kMinContextFeelHits) return &*it;
  }
  return nullptr;
}

double StyleFeel::timing_ms(Lane lane, const Slot& slot, Rng& rng, const ContextFeel* context) const {
  const StepStats st = stats(lane, slot.source_step);
  // Imposed swing replaces the measured placement of the swung positions.
  const double measured = context != nullptr ? context->offset_ms : st.offset_mean_ms;
  const double mean = swing_ticks(slot) != 0.0 ? 0.0 : measured;
  const double placement = options_.placement ? model_.placement_ms : 0.0;
  return mean + traits_.laid_back_ms + placement + timing_noise_ms(lane, slot, rng);
}

double StyleFeel::timing_noise_ms(Lane lane, const Slot& slot, Rng& rng) const {
  const StepStats st = stats(lane, slot.source_step);
  const double z = std::sqrt(kBeatTimingShare) * beat_drift_ +
                   std::sqrt(1.0 - kBeatTimingShare) * rng.normal();
  return options_.variation * traits_.timing_spread * st.offset_sd_ms * z;
}

std::int64_t StyleFeel::place(int bar, std::size_t slot, double original, double feel_ms,
                              double amount, double ms_per_tick, bool swing) const {
  const Slot& s = plan_.slots[slot];
  const std::int64_t bar_start = plan_.bar_ticks * bar;
  const double grid = static_cast<double>(bar_start + s.tick) + (swing ? swing_ticks(s) : 0.0);
  const double max_shift = step_ticks(plan_) * kMaxFeelShift;
  const double shift = std::clamp(amount * feel_ms / ms_per_tick, -max_shift, max_shift);
  const double position = (1.0 - amount) * original + amount * grid + shift;
  return std::clamp<std::int64_t>(std::llround(position), lower_bound(bar, slot), upper_bound(bar, slot));
}

std::int64_t StyleFeel::lower_bound(int bar, std::size_t slot) const {
  const std::int64_t bar_start = plan_.bar_ticks * bar;
  if (slot > 0) return bar_start + plan_.slots[slot - 1].tick + 1;
  // A downbeat may move into the previous bar (never before the pattern's start) when the
  // feel crosses bar lines; else it stays on its bar line.
  if (!options_.cross_bar_lines || bar == 0) return bar_start;
  return bar_start - (plan_.bar_ticks - plan_.slots.back().tick) + 1;
}

std::int64_t StyleFeel::upper_bound(int bar, std::size_t slot) const {
  const std::int64_t bar_start = plan_.bar_ticks * bar;
  return bar_start + (slot + 1 < plan_.slots.size() ? plan_.slots[slot + 1].tick : plan_.bar_ticks) - 1;
}

double StyleFeel::quantized_velocity(Lane lane, int source_step, bool ghost) const {
  const LaneStats& ls = model_.lanes[lane_index(lane)];
  const auto step = static_cast<std::size_t>(source_step);
  const StepStats st = source_step >= 0 && step < ls.steps.size() ? ls.steps[step] : StepStats{};
  if (ghost) return st.ghost_velocity_mean > 0 ? st.ghost_velocity_mean : kDefaultGhostVelocity;
  if (st.velocity_mean > 0.0) return st.velocity_mean;
  return ls.velocity_mean > 0 ? ls.velocity_mean : kDefaultAccentVelocity;
}

double StyleFeel::velocity(Lane lane, int source_step, bool ghost, std::optional<double> rank_z,
                           Rng& rng) const {
  const double mean = quantized_velocity(lane, source_step, ghost);
  const double noise = options_.variation * rng.normal();
  if (ghost) {
    return std::clamp(mean + kGhostVelocitySd * noise, 1.0, static_cast<double>(kGhostVelocity));
  }
  const LaneStats& ls = model_.lanes[lane_index(lane)];
  const auto step = static_cast<std::size_t>(source_step);
  const StepStats st = source_step >= 0 && step < ls.steps.size() ? ls.steps[step] : StepStats{};
  const double sd = st.velocity_mean > 0.0 ? st.velocity_sd : ls.velocity_sd;
  double z = noise;
  if (rank_z) {
    z = std::sqrt(kRankShare) * std::clamp(*rank_z, -kMaxRankZ, kMaxRankZ) +
        std::sqrt(1.0 - kRankShare) * noise;
  }
  return std::clamp(mean + traits_.dynamics * sd * z, kGhostVelocity + 1.0, 127.0);
}

double StyleFeel::note_velocity_offset(DrumNote note) const {
  const auto& levels = model_.note_velocity;
  const auto it = std::lower_bound(levels.begin(), levels.end(), note,
                                   [](const NoteVelocity& nv, DrumNote n) { return nv.note < n; });
  return note != 0 && it != levels.end() && it->note == note ? it->offset : 0.0;
}

double StyleFeel::expected_velocity(Lane lane, int source_step, DrumNote note) const {
  const double g = std::clamp(ghost_prob(lane, source_step), 0.0, 1.0);
  const double mean = g * quantized_velocity(lane, source_step, true) +
                      (1.0 - g) * quantized_velocity(lane, source_step, false);
  return std::clamp(mean + note_velocity_offset(note), 1.0, 127.0);
}

double StyleFeel::expected_velocity(Lane lane, int source_step, DrumNote note, Rng& rng) const {
  return around(expected_velocity(lane, source_step, note), lane, source_step, rng);
}

double StyleFeel::context_velocity(const ContextFeel& context, Lane lane, int source_step,
                                   Rng& rng) const {
  return around(std::clamp(context.velocity, 1.0, 127.0), lane, source_step, rng);
}

double StyleFeel::around(double mean, Lane lane, int source_step, Rng& rng) const {
  const double noise = options_.variation * rng.normal();
  if (mean <= kGhostVelocity) {
    return std::clamp(mean + kGhostVelocitySd * noise, 1.0, static_cast<double>(kGhostVelocity));
  }
  const LaneStats& ls = model_.lanes[lane_index(lane)];
  const auto step = static_cast<std::size_t>(source_step);
  const StepStats st = source_step >= 0 && step < ls.steps.size() ? ls.steps[step] : StepStats{};
  const double sd = st.velocity_mean > 0.0 ? st.velocity_sd : ls.velocity_sd;
  return std::clamp(mean + traits_.dynamics * sd * noise, kGhostVelocity + 1.0, 127.0);
}

Result<Pattern> humanize(const Pattern& in, const StyleProfile& style, const HumanizeOptions& raw,
                         const NoteFeelModel* note_feel) {
  auto checked = validate(raw);
  if (!checked) return std::unexpected(checked.error());
  const HumanizeOptions& options = *checked;
  if (style.groove.sixteenth.empty() && style.groove.triplet.empty()) {
    return fail(Errc::invalid_argument,
                "style '" + style.name + "' has no groove model to humanize with");
  }
  if (auto m = Meter::make(in.meter.numerator, in.meter.denominator); !m) {
    return std::unexpected(m.error());
  }
  if (options.amount == 0.0 || in.hits.empty()) return in;

  const BarPlan plan = plan_bar(in.meter, style.groove, input_grid(in));
  if (plan.slots.empty()) {
    return fail(Errc::unsupported, "meter " + in.meter.to_string() + " gives no grid steps");
  }
  const GrooveModel& model = style.groove.beat(plan.subdivision);
  StyleFeel feel(model, plan, style.traits,
                 FeelOptions{.variation = options.variation, .placement = true, .cross_bar_lines = true});

  std::int64_t last = 0;
  for (const Hit& h : in.hits) last = std::max(last, h.tick);
  const int bars = std::max(in.bars(), static_cast<int>(last / plan.bar_ticks) + 1);

  const auto lane_for = [](DrumNote note) { return lane_of(note).value_or(Lane::closed_hat); };

  // Each lane's dynamics in the input: the accents' mean and spread, and whether the lane
  // carries any dynamics at all.
  struct LaneDynamics {
    double sum = 0, sum_sq = 0;
    int accents = 0, ghosts = 0;
    int min = 128, max = 0;
  };
  std::array<LaneDynamics, kLaneCount> dyn{};
  for (const Hit& h : in.hits) {
    auto& d = dyn[lane_index(lane_for(h.note))];
    d.min = std::min<int>(d.min, h.velocity);
    d.max = std::max<int>(d.max, h.velocity);
    if (h.velocity <= kGhostVelocity) {
      ++d.ghosts;
    } else {
      ++d.accents;
      d.sum += h.velocity;
      d.sum_sq += static_cast<double>(h.velocity) * h.velocity;
    }
  }

  std::vector<Placed> placed(in.hits.size());
  for (std::size_t i = 0; i < in.hits.size(); ++i) {
    placed[i] = snap(plan, in.hits[i].tick, bars);
    placed[i].index = i;
  }
  // The lanes hitting at each slot of each bar, for the notes' contexts.
  const std::size_t n_slots = plan.slots.size();
  std::vector<LaneMask> masks(static_cast<std::size_t>(bars) * n_slots, 0);
  for (const Placed& pl : placed) {
    masks[static_cast<std::size_t>(pl.bar) * n_slots + pl.slot] |=
        static_cast<LaneMask>(1U << lane_index(lane_for(in.hits[pl.index].note)));
  }
  const auto mask_at = [&](std::int64_t k) -> LaneMask {
    return k >= 0 && static_cast<std::size_t>(k) < masks.size() ? masks[static_cast<std::size_t>(k)] : 0;
  };

  // The learned feel's predictions per note (see "Learned feel" in the header).
  const bool learned = note_feel != nullptr && in.meter == Meter{4, 4} &&
                       plan.subdivision == Subdivision::sixteenth && n_slots == 16 &&
                       style.traits.swing == 0.0 && style.traits.swing_16th == 0.0 &&
                       !style.groove.sixteenth.empty();
  std::vector<double> learned_ms, learned_velocity;
  if (learned) {
    GridTake take;
    take.bpm = in.tempo_bpm;
    take.bars = bars;
    for (const Placed& pl : placed) {
      const DrumNote note = in.hits[pl.index].note;
      take.notes.push_back({pl.bar, static_cast<int>(pl.slot), lane_for(note), note});
    }
    const std::vector<double> x = note_feel_features(take, style.groove.sixteenth);
    for (std::size_t i = 0; i < placed.size(); ++i) {
      const std::span<const double> row(x.data() + i * kNoteFeelFeatures, kNoteFeelFeatures);
      learned_ms.push_back(predict_offset_ms(*note_feel, row));
      learned_velocity.push_back(std::clamp(note_feel->velocity.predict(row), 1.0, 127.0));
    }
  }

  // Notes in grid order, so each beat's drift is drawn once, in a seed-determined order.
  std::vector<std::size_t> order(placed.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Placed& pa = placed[a];
    const Placed& pb = placed[b];
    if (pa.bar != pb.bar) return pa.bar < pb.bar;
    if (pa.slot != pb.slot) return pa.slot < pb.slot;
    return in.hits[a].tick < in.hits[b].tick;
  });

  Pattern out = in;
  Rng rng(options.seed);
  const double a = options.amount;
  int beat_bar = -1;
  int beat_index = -1;
  for (const std::size_t i : order) {
    const Placed& pl = placed[i];
    const Slot& slot = plan.slots[pl.slot];
    if (pl.bar != beat_bar || slot.beat != beat_index) {
      feel.start_beat(rng);
      beat_bar = pl.bar;
      beat_index = slot.beat;
    }
    const Hit& h = in.hits[i];
    const Lane lane = lane_for(h.note);
    const LaneDynamics& d = dyn[lane_index(lane)];
    const bool flat = d.ghosts == 0 && d.min == d.max;
    bool ghost = h.velocity <= kGhostVelocity;
    std::optional<double> rank_z;
    if (flat) {
      ghost = feel.expected_velocity(lane, slot.source_step, h.note) <= kGhostVelocity;
    } else if (!ghost && d.accents > 1) {
      const double mean = d.sum / d.accents;
      const double var = std::max(0.0, d.sum_sq / d.accents - mean * mean);
      if (var > 0.0) rank_z = (h.velocity - mean) / std::sqrt(var);
    }
    const auto k = static_cast<std::int64_t>(static_cast<std::size_t>(pl.bar) * n_slots + pl.slot);
    const ContextFeel* context = feel.context(lane, slot.source_step, mask_at(k), h.note,
                                              mask_at(k - 1), mask_at(k + 1));
    double target = 0.0;
    if (flat && learned) {
      target = feel.around(learned_velocity[i], lane, slot.source_step, rng);
    } else if (flat && context != nullptr) {
      target = feel.context_velocity(*context, lane, slot.source_step, rng);
    } else if (flat) {
      target = feel.expected_velocity(lane, slot.source_step, h.note, rng);
    } else {
      target = feel.velocity(lane, slot.source_step, ghost, rank_z, rng);
    }
    const double velocity = a * target + (1.0 - a) * h.velocity;
    out.hits[i].velocity = static_cast<std::uint8_t>(std::clamp(std::lround(velocity), 1L, 127L));
    double feel_ms = 0.0;
    if (learned) {
      // The prediction holds placement and swing; the random part is the statistics model's.
      feel_ms = learned_ms[i] + style.traits.laid_back_ms + feel.timing_noise_ms(lane, slot, rng);
    } else {
      feel_ms = feel.timing_ms(lane, slot, rng, context);
    }
    out.hits[i].tick = feel.place(pl.bar, pl.slot, static_cast<double>(h.tick), feel_ms, a,
                                  ms_per_tick(in.tempo_at(h.tick)), !learned);
  }

  // Notes of one step keep their order (a flam stays a flam): a later note is kept at
  // least its original distance after the ones before it, then earlier notes make room
  // if that pushed the later ones against the step's bound.
  std::size_t g = 0;
  while (g < order.size()) {
    std::size_t e = g + 1;
    while (e < order.size() && placed[order[e]].bar == placed[order[g]].bar &&
           placed[order[e]].slot == placed[order[g]].slot) {
      ++e;
    }
    const Placed& pl = placed[order[g]];
    const std::int64_t lower = feel.lower_bound(pl.bar, pl.slot);
    const std::int64_t upper = feel.upper_bound(pl.bar, pl.slot);
    for (std::size_t k = g + 1; k < e; ++k) {
      const Hit& prev_in = in.hits[order[k - 1]];
      const Hit& cur_in = in.hits[order[k]];
      const std::int64_t gap = cur_in.tick - prev_in.tick;
      if (gap <= 0) continue;
      std::int64_t floor_tick = 0;
      for (std::size_t j = g; j < k; ++j) {
        if (in.hits[order[j]].tick < cur_in.tick) {
          floor_tick = std::max(floor_tick, out.hits[order[j]].tick + cur_in.tick - in.hits[order[j]].tick);
        }
      }
      auto& t = out.hits[order[k]].tick;
      t = std::min(std::max(t, floor_tick), upper);
    }
    for (std::size_t k = e - 1; k > g; --k) {
      for (std::size_t j = g; j < k; ++j) {
        const std::int64_t gap = in.hits[order[k]].tick - in.hits[order[j]].tick;
        if (gap <= 0) continue;
        auto& t = out.hits[order[j]].tick;
        t = std::max(lower, std::min(t, out.hits[order[k]].tick - gap));
      }
    }
    // Notes of one GM note written at the same tick (a quantized flam or drag) leave in the
    // order they came in: the learned feel places and voices the first as the grace note,
    // and the random part must not swap a soft grace note behind its stroke. `order` keeps
    // input order among equal ticks, so each run of one tick is sorted by GM note (stably)
    // and every note's hits take their own output ticks in ascending order. Different
    // instruments of one lane at one tick (the pedal and a stick stroke on the hi-hat, a
    // rim shot and a head stroke) keep the times the feel gives each: which of them a
    // drummer plays first depends on the instrument, not on the order a file lists them.
    for (std::size_t r = g; r < e;) {
      std::size_t r_end = r + 1;
      while (r_end < e && in.hits[order[r_end]].tick == in.hits[order[r]].tick) ++r_end;
      if (r_end - r >= 2) {
        std::vector<std::size_t> run(order.begin() + static_cast<std::ptrdiff_t>(r),
                                     order.begin() + static_cast<std::ptrdiff_t>(r_end));
        const auto note_of = [&](std::size_t i) { return in.hits[i].note; };
        std::ranges::stable_sort(run, {}, note_of);
        for (std::size_t c = 0; c < run.size();) {
          std::size_t d = c + 1;
          while (d < run.size() && note_of(run[d]) == note_of(run[c])) ++d;
          std::vector<std::int64_t> ticks;
          for (std::size_t m = c; m < d; ++m) ticks.push_back(out.hits[run[m]].tick);
          std::ranges::sort(ticks);
          for (std::size_t m = c; m < d; ++m) out.hits[run[m]].tick = ticks[m - c];
          c = d;
        }
      }
      r = r_end;
    }
    g = e;
  }
  out.sort_hits();
  return out;
}

}  // namespace mdg
