#include "groove/analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace mdg {
namespace {

Result<void> check_range(const char* name, double value, double min, double max) {
  if (!std::isfinite(value) || value < min || value > max) {
    return fail(Errc::invalid_argument, std::string("analyzer option ") + name + " = " +
                                            std::to_string(value) + " is out of range; allowed: " +
                                            std::to_string(min) + " to " + std::to_string(max));
  }
  return {};
}

double mean_of(double sum, std::uint32_t n) { return n > 0 ? sum / n : 0.0; }

// The median of a non-empty sample (the mean of the middle two for an even count).
double median_of(std::vector<float> v) {
  const std::size_t n = v.size();
  std::sort(v.begin(), v.end());
  return n % 2 == 1 ? v[n / 2] : (static_cast<double>(v[n / 2 - 1]) + v[n / 2]) / 2.0;
}

double sd_of(double sum, double sum_sq, std::uint32_t n) {
  if (n == 0) return 0.0;
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
}

bool tempi_valid(const Pattern& pattern) {
  auto ok = [](double bpm) { return std::isfinite(bpm) && bpm > 0.0; };
  if (!ok(pattern.tempo_bpm)) return false;
  for (std::size_t i = 0; i < pattern.tempo_changes.size(); ++i) {
    if (!ok(pattern.tempo_changes[i].bpm)) return false;
    if (i > 0 && pattern.tempo_changes[i].tick < pattern.tempo_changes[i - 1].tick) return false;
  }
  return true;
}

// Swing evidence: in every beat-sized unit, the onsets between 35% and 85% of the unit are
// grouped into positions (onsets closer than `cluster` ticks are one position). A unit with
// exactly one such position gives its phase; units where both the straight off-beat and a
// later sixteenth are played (two positions) are ambiguous and give nothing.
void collect_offbeat_phases(const std::vector<std::int64_t>& ticks, std::int64_t unit,
                            std::int64_t cluster, std::vector<double>& out) {
  const auto lo = static_cast<double>(unit) * 0.35;
  const auto hi = static_cast<double>(unit) * 0.85;
  std::size_t i = 0;
  while (i < ticks.size()) {
    const std::int64_t index = ticks[i] / unit;
    int positions = 0;
    double sum = 0;
    int count = 0;
    std::int64_t last = -1;
    for (; i < ticks.size() && ticks[i] / unit == index; ++i) {
      const auto phase = static_cast<double>(ticks[i] - index * unit);
      if (phase <= lo || phase >= hi) continue;
      if (last < 0 || ticks[i] - last > cluster) ++positions;
      last = ticks[i];
      sum += phase;
      ++count;
    }
    if (positions == 1) out.push_back(sum / count / static_cast<double>(unit));
  }
}

double swing_from_phases(std::vector<double> phases, int min_evidence) {
  if (phases.size() < static_cast<std::size_t>(min_evidence)) return 1.0;
  const auto mid = phases.begin() + static_cast<std::ptrdiff_t>(phases.size() / 2);
  std::nth_element(phases.begin(), mid, phases.end());
  double median = *mid;
  if (phases.size() % 2 == 0) {
    median = (median + *std::max_element(phases.begin(), mid)) / 2.0;
  }
  return median / (1.0 - median);
}

}  // namespace

Result<void> validate(const AnalyzerOptions& o) {
  if (auto r = check_range("ghost_velocity", o.ghost_velocity, 1, 126); !r) return r;
  if (auto r = check_range("fill_min_tom_hits", o.fill_min_tom_hits, 1, 64); !r) return r;
  if (auto r = check_range("fill_tom_factor", o.fill_tom_factor, 1, 10); !r) return r;
  if (auto r = check_range("fill_density_factor", o.fill_density_factor, 1, 10); !r) return r;
  if (auto r = check_range("fill_min_extra_hits", o.fill_min_extra_hits, 0, 64); !r) return r;
  if (auto r = check_range("swing_cluster_ticks", o.swing_cluster_ticks, 1, 120); !r) return r;
  if (auto r = check_range("swing_min_evidence", o.swing_min_evidence, 1, 100000); !r) return r;
  if (auto r = check_range("min_context_count", o.min_context_count, 1, 1000); !r) return r;
  return {};
}

int metric_weight(const Meter& meter, Subdivision subdivision, std::int64_t tick) {
  if (tick == 0) return 0;
  const std::int64_t unit = static_cast<std::int64_t>(kPpq) * 4 / meter.denominator;
  const auto groups = meter.beat_groups();
  std::int64_t at = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (at == tick) {
      const bool half = groups.size() >= 2 && groups.size() % 2 == 0 && g == groups.size() / 2;
      return half ? -1 : -2;
    }
    at += groups[g] * unit;
  }
  return tick % (kPpq / 2) == 0 || subdivision == Subdivision::triplet ? -3 : -4;
}

std::vector<int> metric_weights(const Grid& grid) {
  const int steps = grid.steps_per_bar();
  const std::int64_t per_step = kPpq / grid.steps_per_quarter();
  std::vector<int> weights(static_cast<std::size_t>(std::max(steps, 0)));
  for (int s = 0; s < steps; ++s) {
    weights[static_cast<std::size_t>(s)] = metric_weight(grid.meter, grid.subdivision, s * per_step);
  }
  return weights;
}

DrumNote gm_playable_note(DrumNote note) noexcept {
  switch (note) {
    case 22: return 42;
    case 26: return 46;
    case 58: return 43;
    default: break;
  }
  return note >= 35 && note <= 81 ? note : DrumNote{0};
}

GrooveAccumulator::GrooveAccumulator(Grid grid, AnalyzerOptions options)
    : grid_(grid), options_(options), steps_(grid.steps_per_bar()) {
  for (auto& lane : lanes_) lane.steps.resize(static_cast<std::size_t>(steps_));
  transitions_.resize(static_cast<std::size_t>(steps_));
  metric_weight_ = metric_weights(grid_);
}

Result<GrooveAccumulator> GrooveAccumulator::create(Grid grid, AnalyzerOptions options) {
  if (auto r = validate(options); !r) return std::unexpected(r.error());
  if (auto m = Meter::make(grid.meter.numerator, grid.meter.denominator); !m) {
    return std::unexpected(m.error());
  }
  if (!grid.fits() || grid.steps_per_bar() < 1) {
    return fail(Errc::invalid_argument,
                "a " + grid.meter.to_string() + " bar is not a whole number of " +
                    subdivision_name(grid.subdivision) +
                    " steps; use the sixteenth grid for this meter");
  }
  return GrooveAccumulator(grid, options);
}

// How far a whole performance sits off the grid: the median offset of the onsets near a
// quarter-note position (a position both grids share). Recordings are often shifted as a
// whole against the click (the Groove MIDI Dataset's takes sit some 20-40 ticks early); that
// shift says nothing about the style and would blur the grid choice and the per-step
// microtiming, so offsets are measured from the performance's own pulse. 0 when fewer than
// four onsets are near quarter notes.
double placement_bias_ticks(const Pattern& pattern) {
  std::vector<double> near;
  for (const Hit& hit : pattern.hits) {
    if (!lane_of(hit.note) || hit.tick < 0) continue;
    const double beat = static_cast<double>(hit.tick) / kPpq;
    const double offset = (beat - std::round(beat)) * kPpq;
    if (std::abs(offset) < kPpq / 8.0) near.push_back(offset);
  }
  if (near.size() < 4) return 0.0;
  const auto mid = near.begin() + static_cast<std::ptrdiff_t>(near.size() / 2);
  std::nth_element(near.begin(), mid, near.end());
  return *mid;
}

int bar_syncopation(std::span<const std::size_t> accents, std::span<const int> weights) {
  int score = 0;
  for (std::size_t i = 0; i < accents.size(); ++i) {
    const std::size_t next = i + 1 < accents.size() ? accents[i + 1] : weights.size();
    int strongest_rest = -1000;
    for (std::size_t r = accents[i] + 1; r < next; ++r) strongest_rest = std::max(strongest_rest, weights[r]);
    const int w = weights[accents[i]];
    if (strongest_rest > w) score += strongest_rest - w;
  }
  return score;
}

double mean_take_distance(std::span<const TakeShape> takes) {
  double sum = 0.0;
  std::size_t pairs = 0;
  for (std::size_t a = 0; a < takes.size(); ++a) {
    for (std::size_t b = a + 1; b < takes.size(); ++b) {
      const std::size_t cells = std::min(takes[a].onsets.size(), takes[b].onsets.size());
      for (std::size_t k = 0; k < cells; ++k) {
        const double pa = takes[a].onsets[k] / 255.0;
        const double pb = takes[b].onsets[k] / 255.0;
        sum += pa * (1.0 - pb) + pb * (1.0 - pa);
      }
      ++pairs;
    }
  }
  return pairs > 0 ? sum / static_cast<double>(pairs) : 0.0;
}

double grid_fit(const Pattern& pattern, const Grid& grid) {
  const double per_step = grid.ticks_per_step();
  const double bias = placement_bias_ticks(pattern);
  double sum = 0.0;
  std::size_t n = 0;
  for (const Hit& hit : pattern.hits) {
    if (!lane_of(hit.note) || hit.tick < 0) continue;
    const double tick = static_cast<double>(hit.tick) - bias;
    sum += std::abs(tick - std::round(tick / per_step) * per_step);
    ++n;
  }
  return n > 0 ? sum / static_cast<double>(n) / (per_step / 2.0) : 1.0;
}

bool GrooveAccumulator::add(const Pattern& pattern) {
  if (pattern.meter != grid_.meter || !tempi_valid(pattern)) {
    ++skipped_;
    return false;
  }
  ++patterns_;
  const auto steps = static_cast<std::size_t>(steps_);
  const double per_step = grid_.ticks_per_step();
  const std::int64_t per_bar = grid_.meter.ticks_per_bar();

  // Snap every lane hit; keep the loudest hit per bar, step and lane.
  struct Cell {
    int velocity = -1;  // -1 = no hit
    double offset_ms = 0;
    DrumNote note = 0;
  };
  struct Snapped {
    std::size_t bar;
    std::size_t step;
    std::size_t lane;
    int velocity;
    double offset_ms;
    DrumNote note;
  };
  std::vector<Snapped> snapped;
  snapped.reserve(pattern.hits.size());
  std::vector<std::int64_t> ticks;
  ticks.reserve(pattern.hits.size());
  std::size_t last_bar = 0;
  bool any = false;
  const double bias = placement_bias_ticks(pattern);
  for (const Hit& hit : pattern.hits) {
    const auto lane = lane_of(hit.note);
    if (!lane || hit.tick < 0) continue;
    const double tick = static_cast<double>(hit.tick) - bias;
    const auto index = static_cast<std::int64_t>(std::llround(tick / per_step));
    if (index < 0) continue;
    const double grid_tick = static_cast<double>(index) * per_step;
    const double offset_ms = (tick - grid_tick) * ms_per_tick(pattern.tempo_at(hit.tick));
    const auto bar = static_cast<std::size_t>(index / steps_);
    const auto step = static_cast<std::size_t>(index % steps_);
    snapped.push_back({bar, step, lane_index(*lane), hit.velocity, offset_ms, hit.note});
    ticks.push_back(hit.tick);
    lanes_[lane_index(*lane)].notes[hit.note & 0x7f] += 1;
    lanes_[lane_index(*lane)].note_velocity[hit.note & 0x7f] += hit.velocity;
    abs_error_ms_ += std::abs(offset_ms);
    ++onsets_;
    last_bar = std::max(last_bar, bar);
    any = true;
  }
  const std::size_t length_bars =
      per_bar > 0 ? static_cast<std::size_t>((std::max<std::int64_t>(pattern.length_ticks, 0) + per_bar / 2) / per_bar)
                  : 0;
  const std::size_t bars = std::max(length_bars, any ? last_bar + 1 : 0);
  if (bars == 0) return true;
  placement_ms_ += bias * ms_per_tick(pattern.tempo_at(0));
  ++placed_takes_;

  std::vector<Cell> cells(bars * steps * kLaneCount);
  auto cell_at = [&](std::size_t bar, std::size_t step, std::size_t lane) -> Cell& {
    return cells[(bar * steps + step) * kLaneCount + lane];
  };
  for (const auto& s : snapped) {
    Cell& c = cell_at(s.bar, s.step, s.lane);
    if (s.velocity > c.velocity) c = {s.velocity, s.offset_ms, s.note};
  }

  // The step masks, hits and tom hits per bar.
  std::vector<std::uint32_t> masks(bars * steps, 0);
  std::vector<int> bar_hits(bars, 0), bar_toms(bars, 0);
  for (std::size_t b = 0; b < bars; ++b) {
    for (std::size_t st = 0; st < steps; ++st) {
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        if (cell_at(b, st, l).velocity < 0) continue;
        masks[b * steps + st] |= 1u << l;
        ++bar_hits[b];
        if (kAllLanes[l] == Lane::low_tom || kAllLanes[l] == Lane::mid_tom ||
            kAllLanes[l] == Lane::high_tom) {
          ++bar_toms[b];
        }
      }
    }
  }

  // Fills: compare each bar with the mean of the performance's other bars.
  long total_hits = 0, total_toms = 0;
  for (std::size_t b = 0; b < bars; ++b) {
    total_hits += bar_hits[b];
    total_toms += bar_toms[b];
  }
  std::vector<bool> keep(bars, true);
  for (std::size_t b = 0; b < bars; ++b) {
    const double others = static_cast<double>(bars - 1);
    const double mean_toms = bars > 1 ? static_cast<double>(total_toms - bar_toms[b]) / others : 0.0;
    const double mean_hits = bars > 1 ? static_cast<double>(total_hits - bar_hits[b]) / others : 0.0;
    const bool tom_fill = bar_toms[b] >= options_.fill_min_tom_hits &&
                          bar_toms[b] >= options_.fill_tom_factor * mean_toms;
    const bool dense_fill = bars > 1 && bar_hits[b] >= options_.fill_density_factor * mean_hits &&
                            bar_hits[b] >= mean_hits + options_.fill_min_extra_hits;
    if (tom_fill || dense_fill) ++fill_bars_;
    // A beat model learns from groove bars only: not from fills, nor from bars where the
    // drummer (nearly) rests.
    if (options_.groove_bars_only && (tom_fill || dense_fill || bar_hits[b] < 2)) keep[b] = false;
  }
  all_bars_ += static_cast<std::uint32_t>(bars);

  // Per-step statistics of the kept bars.
  std::size_t kept = 0;
  for (std::size_t b = 0; b < bars; ++b) {
    if (!keep[b]) continue;
    ++kept;
    for (std::size_t st = 0; st < steps; ++st) {
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        const Cell& c = cell_at(b, st, l);
        if (c.velocity < 0) continue;
        auto& lane = lanes_[l];
        auto& sum = lane.steps[st];
        const auto v = static_cast<double>(c.velocity);
        ++sum.hits;
        if (c.velocity <= options_.ghost_velocity) {
          ++sum.ghosts;
          sum.ghost_velocity += v;
        } else {
          ++sum.loud;
          sum.loud_velocity += v;
          sum.loud_velocity_sq += v * v;
        }
        sum.offset += c.offset_ms;
        sum.offset_sq += c.offset_ms * c.offset_ms;
        lane.velocity += v;
        lane.velocity_sq += v * v;
      }
    }
  }

  // The take's own shape, over the same bars.
  if (options_.take_shapes && kept >= static_cast<std::size_t>(kMinTakeShapeBars)) {
    TakeShape shape;
    std::vector<std::uint32_t> counts(kLaneCount * steps, 0);
    double offset = 0.0, offset_sq = 0.0;
    std::uint32_t hits = 0;
    for (std::size_t b = 0; b < bars; ++b) {
      if (!keep[b]) continue;
      for (std::size_t st = 0; st < steps; ++st) {
        shape.bars.push_back(static_cast<LaneMask>(masks[b * steps + st]));
        for (std::size_t l = 0; l < kLaneCount; ++l) {
          const Cell& c = cell_at(b, st, l);
          if (c.velocity < 0) continue;
          ++counts[l * steps + st];
          ++hits;
          offset += c.offset_ms;
          offset_sq += c.offset_ms * c.offset_ms;
          if (kAllLanes[l] != Lane::snare) continue;
          ++shape.snare_hits;
          if (c.velocity <= options_.ghost_velocity) ++shape.snare_ghosts;
        }
      }
    }
    shape.timing_mean_ms = mean_of(offset, hits);
    shape.timing_sd_ms = sd_of(offset, offset_sq, hits);
    shape.onsets.reserve(counts.size());
    for (const std::uint32_t n : counts) {
      shape.onsets.push_back(static_cast<std::uint8_t>(
          std::lround(255.0 * static_cast<double>(n) / static_cast<double>(kept))));
    }
    takes_.push_back(std::move(shape));
  }

  // Context feel: every kept hit under each of its contexts (lane and note; plus the step;
  // plus the step's mask; plus the neighbouring steps' masks, across bar lines).
  for (std::size_t b = 0; b < bars; ++b) {
    if (!keep[b]) continue;
    for (std::size_t st = 0; st < steps; ++st) {
      const std::size_t k = b * steps + st;
      const std::uint32_t mask = masks[k];
      const std::uint32_t previous = k > 0 ? masks[k - 1] : 0;
      const std::uint32_t next = k + 1 < masks.size() ? masks[k + 1] : 0;
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        const Cell& c = cell_at(b, st, l);
        if (c.velocity < 0) continue;
        for (const ContextLevel level : {ContextLevel::note, ContextLevel::step, ContextLevel::mask,
                                         ContextLevel::neighbours}) {
          auto& samples = context_samples_[context_key(level, l, static_cast<int>(st), mask, c.note,
                                                       previous, next)];
          samples.velocity.push_back(static_cast<float>(c.velocity));
          samples.offset_ms.push_back(static_cast<float>(c.offset_ms));
        }
      }
    }
  }

  // Transitions: unigram per step, given the previous step's mask, and given the previous
  // step and the same position one beat earlier; contexts only within kept bars.
  const auto beat_steps = static_cast<std::size_t>(grid_.steps_per_quarter());
  const auto kept_at = [&](std::size_t k) { return keep[k / steps]; };
  for (std::size_t k = 0; k < masks.size(); ++k) {
    if (!kept_at(k)) continue;
    auto& counts = transitions_[k % steps];
    counts.unigram[masks[k]] += 1;
    if (k > 0 && kept_at(k - 1)) counts.context[(masks[k - 1] << 16) | masks[k]] += 1;
    if (k >= beat_steps && kept_at(k - 1) && kept_at(k - beat_steps)) {
      const std::uint64_t key = (static_cast<std::uint64_t>(masks[k - 1]) << 32) |
                                (static_cast<std::uint64_t>(masks[k - beat_steps]) << 16) | masks[k];
      counts.beat_context[key] += 1;
    }
  }

  // Syncopation (Longuet-Higgins & Lee): an accented kick or snare onset followed by silence
  // on a metrically stronger step (before the next such onset, within the bar) scores the
  // difference of the metric weights.
  const auto kick = lane_index(Lane::kick), snare = lane_index(Lane::snare);
  for (std::size_t b = 0; b < bars; ++b) {
    if (!keep[b]) continue;
    std::vector<std::size_t> onsets;
    for (std::size_t st = 0; st < steps; ++st) {
      const Cell& k = cell_at(b, st, kick);
      const Cell& sn = cell_at(b, st, snare);
      if (k.velocity > options_.ghost_velocity || sn.velocity > options_.ghost_velocity) {
        onsets.push_back(st);
      }
    }
    syncopation_ += bar_syncopation(onsets, metric_weight_);
  }

  // Swing evidence from the raw onsets.
  std::sort(ticks.begin(), ticks.end());
  const std::int64_t cluster = options_.swing_cluster_ticks;
  collect_offbeat_phases(ticks, kPpq, cluster, beat_phases_);
  collect_offbeat_phases(ticks, kPpq / 2, std::max<std::int64_t>(1, cluster / 2), eighth_phases_);

  bars_ += static_cast<std::uint32_t>(kept);
  return true;
}

double GrooveAccumulator::mean_abs_quantize_error_ms() const noexcept {
  return onsets_ > 0 ? abs_error_ms_ / static_cast<double>(onsets_) : 0.0;
}

GrooveModel GrooveAccumulator::finish() const {
  GrooveModel model;
  model.grid = grid_;
  model.bars = bars_;
  const auto steps = static_cast<std::size_t>(steps_);
  std::uint64_t total_hits = 0;
  for (std::size_t l = 0; l < kLaneCount; ++l) {
    const LaneSums& sums = lanes_[l];
    LaneStats& lane = model.lanes[l];
    lane.steps.resize(steps);
    std::uint32_t lane_hits = 0;
    double offset = 0, offset_sq = 0;
    for (std::size_t st = 0; st < steps; ++st) {
      const StepSums& s = sums.steps[st];
      StepStats& out = lane.steps[st];
      out.hits = s.hits;
      out.onset_prob = bars_ > 0 ? static_cast<double>(s.hits) / bars_ : 0.0;
      out.velocity_mean = mean_of(s.loud_velocity, s.loud);
      out.velocity_sd = sd_of(s.loud_velocity, s.loud_velocity_sq, s.loud);
      out.ghost_prob = s.hits > 0 ? static_cast<double>(s.ghosts) / s.hits : 0.0;
      out.ghost_velocity_mean = mean_of(s.ghost_velocity, s.ghosts);
      out.offset_mean_ms = mean_of(s.offset, s.hits);
      out.offset_sd_ms = sd_of(s.offset, s.offset_sq, s.hits);
      lane_hits += s.hits;
      offset += s.offset;
      offset_sq += s.offset_sq;
    }
    total_hits += lane_hits;
    lane.hits_per_bar = bars_ > 0 ? static_cast<double>(lane_hits) / bars_ : 0.0;
    lane.velocity_mean = mean_of(sums.velocity, lane_hits);
    lane.velocity_sd = sd_of(sums.velocity, sums.velocity_sq, lane_hits);
    lane.offset_mean_ms = mean_of(offset, lane_hits);
    lane.offset_sd_ms = sd_of(offset, offset_sq, lane_hits);
    // The hat lane is written with the stick note; the pedal chick (44) only when nothing else.
    auto counts = sums.notes;
    if (kAllLanes[l] == Lane::closed_hat && (counts[42] + counts[22]) > 0) counts[44] = 0;
    const auto most_in = std::max_element(counts.begin(), counts.end());
    const auto most = sums.notes.begin() + (most_in - counts.begin());
    lane.note = *most > 0 ? gm_playable_note(static_cast<DrumNote>(most - sums.notes.begin()))
                          : DrumNote{0};
    // Each frequent note's level against the lane's, over every hit of the lane.
    double lane_sum = 0;
    std::uint64_t lane_count = 0;
    for (std::size_t n = 0; n < 128; ++n) {
      lane_sum += sums.note_velocity[n];
      lane_count += sums.notes[n];
    }
    for (std::size_t n = 0; n < 128; ++n) {
      if (sums.notes[n] < kMinNoteVelocityHits) continue;
      model.note_velocity.push_back({static_cast<DrumNote>(n),
                                     sums.note_velocity[n] / sums.notes[n] -
                                         lane_sum / static_cast<double>(lane_count)});
    }
  }
  std::sort(model.note_velocity.begin(), model.note_velocity.end(),
            [](const NoteVelocity& a, const NoteVelocity& b) { return a.note < b.note; });

  for (const auto& [key, samples] : context_samples_) {
    if (samples.velocity.size() < kMinContextFeelHits) continue;
    model.context_feel.push_back({key, static_cast<std::uint32_t>(samples.velocity.size()),
                                  median_of(samples.velocity), median_of(samples.offset_ms)});
  }
  std::sort(model.context_feel.begin(), model.context_feel.end(),
            [](const ContextFeel& a, const ContextFeel& b) { return a.key < b.key; });

  model.transitions.resize(steps);
  for (std::size_t st = 0; st < steps; ++st) {
    const StepCounts& counts = transitions_[st];
    StepTransitions& out = model.transitions[st];
    for (const auto& [mask, count] : counts.unigram) {
      out.unigram.push_back({static_cast<LaneMask>(mask), count});
    }
    std::sort(out.unigram.begin(), out.unigram.end(),
              [](const MaskCount& a, const MaskCount& b) { return a.mask < b.mask; });
    std::map<std::uint32_t, std::vector<MaskCount>> by_previous;
    for (const auto& [key, count] : counts.context) {
      by_previous[key >> 16].push_back({static_cast<LaneMask>(key & 0xffff), count});
    }
    const auto enough = [&](const std::vector<MaskCount>& next) {
      std::uint64_t total = 0;
      for (const auto& mc : next) total += mc.count;
      return total >= static_cast<std::uint64_t>(options_.min_context_count);
    };
    for (auto& [previous, next] : by_previous) {
      if (!enough(next)) continue;
      std::sort(next.begin(), next.end(),
                [](const MaskCount& a, const MaskCount& b) { return a.mask < b.mask; });
      out.contexts.push_back({static_cast<LaneMask>(previous), std::move(next)});
    }
    std::map<std::uint32_t, std::vector<MaskCount>> by_pair;  // previous << 16 | beat_before
    for (const auto& [key, count] : counts.beat_context) {
      by_pair[static_cast<std::uint32_t>(key >> 16)].push_back(
          {static_cast<LaneMask>(key & 0xffff), count});
    }
    for (auto& [pair, next] : by_pair) {
      if (!enough(next)) continue;
      std::sort(next.begin(), next.end(),
                [](const MaskCount& a, const MaskCount& b) { return a.mask < b.mask; });
      out.beat_contexts.push_back(
          {static_cast<LaneMask>(pair >> 16), static_cast<LaneMask>(pair & 0xffff), std::move(next)});
    }
  }

  if (bars_ > 0) {
    model.density = static_cast<double>(total_hits) / bars_;
    model.syncopation = syncopation_ / bars_;
    model.fill_rate = static_cast<double>(fill_bars_) / all_bars_;
  }
  if (placed_takes_ > 0) model.placement_ms = placement_ms_ / placed_takes_;
  model.swing_ratio = swing_from_phases(beat_phases_, options_.swing_min_evidence);
  model.swing_ratio_16th = swing_from_phases(eighth_phases_, options_.swing_min_evidence);
  std::uint32_t snare_hits = 0, snare_ghosts = 0;
  for (const auto& s : lanes_[lane_index(Lane::snare)].steps) {
    snare_hits += s.hits;
    snare_ghosts += s.ghosts;
  }
  model.ghost_rate = snare_hits > 0 ? static_cast<double>(snare_ghosts) / snare_hits : 0.0;
  model.takes = takes_;
  return model;
}

Result<GrooveModel> analyze_patterns(std::span<const Pattern> patterns, Grid grid,
                                     const AnalyzerOptions& options) {
  auto acc = GrooveAccumulator::create(grid, options);
  if (!acc) return std::unexpected(acc.error());
  for (const auto& p : patterns) acc->add(p);
  return acc->finish();
}

Subdivision best_feel(double sixteenth_error_ms, double triplet_error_ms, double margin) noexcept {
  if (!std::isfinite(sixteenth_error_ms) || !std::isfinite(triplet_error_ms)) {
    return Subdivision::sixteenth;
  }
  return triplet_error_ms < margin * sixteenth_error_ms ? Subdivision::triplet
                                                         : Subdivision::sixteenth;
}

Subdivision best_feel(const GrooveAccumulator& sixteenth, const GrooveAccumulator& triplet) noexcept {
  return best_feel(sixteenth.mean_abs_quantize_error_ms(), triplet.mean_abs_quantize_error_ms());
}

}  // namespace mdg
