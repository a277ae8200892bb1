#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/rng.hpp"
#include "generate/humanize.hpp"
#include "groove/analyzer.hpp"
#include "midi/midi_file.hpp"

namespace mdg::humanize_test {
namespace {

constexpr double kTempo = 100.0;  // 1.25 ms per tick

// Performances of a rock beat: eighth-note hats, kick on 1 and 3, snare on 2 and 4 played
// `snare_late` ticks behind the beat, every hit jittered by +- `jitter` ticks, and ghost
// snares on some sixteenths.
Pattern performance(int bars, std::int64_t snare_late, int jitter, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = kTempo;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  const auto noise = [&] {
    return jitter == 0 ? 0 : static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(2 * jitter + 1))) - jitter;
  };
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; s += 2) {
      p.hits.push_back({base + s * 120 + noise(), 42, static_cast<std::uint8_t>(s % 4 == 0 ? 95 : 70), 60});
    }
    p.hits.push_back({base + noise(), 36, 110, 60});
    p.hits.push_back({base + 8 * 120 + noise(), 36, 105, 60});
    p.hits.push_back({base + 4 * 120 + snare_late + noise(), 38, 115, 60});
    p.hits.push_back({base + 12 * 120 + snare_late + noise(), 38, 112, 60});
    if (rng.chance(0.7)) p.hits.push_back({base + 7 * 120 + noise(), 38, 28, 60});
    if (rng.chance(0.7)) p.hits.push_back({base + 15 * 120 + noise(), 38, 32, 60});
  }
  for (auto& h : p.hits) h.tick = std::max<std::int64_t>(0, h.tick);
  p.sort_hits();
  return p;
}

GrooveModel learn(const Pattern& p, Subdivision sub) {
  auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, sub});
  EXPECT_TRUE(acc.has_value());
  acc->add(p);
  return acc->finish();
}

StyleProfile style_from(const Pattern& p) {
  StyleProfile s;
  s.id = "late-snare";
  s.name = "Late Snare";
  s.groove.sixteenth = learn(p, Subdivision::sixteenth);
  s.groove.triplet = learn(p, Subdivision::triplet);
  s.groove.feel = Subdivision::sixteenth;
  return s;
}

// The same beat, quantized, all notes at one velocity unless `keep_velocity`.
Pattern quantized(const Pattern& p, bool keep_velocity = false) {
  Pattern q = p;
  for (auto& h : q.hits) {
    h.tick = (h.tick + 60) / 120 * 120;
    if (!keep_velocity) h.velocity = 100;
  }
  q.sort_hits();
  return q;
}

std::vector<std::uint8_t> bytes(const Pattern& p) { return write_midi(p, MidiWriteOptions{}); }

double measured_offset_ms(const StyleProfile& s, Lane lane, int step) {
  return s.groove.sixteenth.lanes[lane_index(lane)].steps[static_cast<std::size_t>(step)].offset_mean_ms;
}

// Each output note matched to the input note at the same index of a per-note ordering:
// humanize keeps notes and their pitches, so sorting both by (grid position, note) pairs them.
struct Moved {
  std::int64_t grid = 0;
  std::int64_t tick = 0;
  DrumNote note = 0;
  std::uint8_t velocity = 0;
  std::uint8_t original_velocity = 0;
};

std::vector<Moved> pair_up(const Pattern& in, const Pattern& out) {
  EXPECT_EQ(in.hits.size(), out.hits.size());
  std::map<DrumNote, std::vector<const Hit*>> a;
  std::map<DrumNote, std::vector<const Hit*>> b;
  for (const auto& h : in.hits) a[h.note].push_back(&h);
  for (const auto& h : out.hits) b[h.note].push_back(&h);
  std::vector<Moved> moved;
  for (auto& [note, hits] : a) {
    auto& other = b[note];
    EXPECT_EQ(hits.size(), other.size()) << int(note);
    // Notes of one lane never cross a neighbouring step, so their order is kept.
    for (std::size_t i = 0; i < std::min(hits.size(), other.size()); ++i) {
      moved.push_back({(hits[i]->tick + 60) / 120 * 120, other[i]->tick, note, other[i]->velocity,
                       hits[i]->velocity});
    }
  }
  return moved;
}

TEST(Humanize, AmountZeroIsIdentity) {
  const auto style = style_from(performance(32, 12, 6, 1));
  const auto in = performance(8, 5, 20, 2);  // a loose take with its own dynamics
  HumanizeOptions o;
  o.amount = 0.0;
  auto out = humanize(in, style, o);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(bytes(*out), bytes(in));
}

TEST(Humanize, RejectsAmountOutsideZeroToOne) {
  const auto style = style_from(performance(8, 12, 6, 1));
  for (double amount : {-0.1, 1.01, std::nan("")}) {
    auto out = humanize(performance(2, 0, 0, 1), style, HumanizeOptions{amount, 1});
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, Errc::invalid_argument);
    EXPECT_NE(out.error().message.find("0-1"), std::string::npos) << out.error().message;
  }
  StyleProfile empty;
  empty.name = "Nobody";
  auto out = humanize(performance(2, 0, 0, 1), empty, {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("no groove model"), std::string::npos);
}

TEST(Humanize, FullAmountPlaysTheStylesMeasuredMeanOffsets) {
  const auto style = style_from(performance(64, 16, 6, 3));  // snare 20 ms late
  const double snare_ms = measured_offset_ms(style, Lane::snare, 4);
  ASSERT_GT(snare_ms, 15.0);
  ASSERT_LT(snare_ms, 25.0);
  const auto in = quantized(performance(128, 0, 0, 4));
  auto out = humanize(in, style, HumanizeOptions{1.0, 7});
  ASSERT_TRUE(out);
  double snare_sum = 0, hat_sum = 0;
  int snares = 0, hats = 0;
  for (const auto& m : pair_up(in, *out)) {
    const double ms = static_cast<double>(m.tick - m.grid) * ms_per_tick(kTempo);
    const auto step = (m.grid % 1920) / 120;
    if (m.note == 38 && (step == 4 || step == 12)) {
      snare_sum += ms;
      ++snares;
    } else if (m.note == 42) {
      hat_sum += ms;
      ++hats;
    }
  }
  ASSERT_EQ(snares, 256);
  // Offsets are measured from each take's own pulse; humanize adds the style's placement
  // against the click on top.
  const double placement = style.groove.sixteenth.placement_ms;
  EXPECT_NEAR(snare_sum / snares, snare_ms + placement, 2.0);
  EXPECT_NEAR(hat_sum / hats, measured_offset_ms(style, Lane::closed_hat, 0) + placement, 2.0);

  // Half the amount, half the way.
  auto half = humanize(in, style, HumanizeOptions{0.5, 7});
  ASSERT_TRUE(half);
  double half_sum = 0;
  for (const auto& m : pair_up(in, *half)) {
    const auto step = (m.grid % 1920) / 120;
    if (m.note == 38 && (step == 4 || step == 12)) half_sum += static_cast<double>(m.tick - m.grid);
  }
  EXPECT_NEAR(half_sum / snares * ms_per_tick(kTempo), (snare_ms + placement) / 2, 1.5);
}

double correlation(const std::vector<std::pair<double, double>>& xy) {
  double mx = 0, my = 0;
  for (auto [x, y] : xy) mx += x, my += y;
  mx /= static_cast<double>(xy.size());
  my /= static_cast<double>(xy.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (auto [x, y] : xy) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(Humanize, TimingDeviationsAreCorrelatedWithinABeat) {
  const auto style = style_from(performance(64, 0, 10, 5));
  const auto in = quantized(performance(256, 0, 0, 6));
  // The full measured spread, so the noise's structure is what is measured.
  auto out = humanize(in, style, HumanizeOptions{1.0, 11, 1.0});
  ASSERT_TRUE(out);
  // Hi-hat deviations by position: the beat's downbeat and its off-beat eighth.
  std::map<std::int64_t, double> hat;
  for (const auto& m : pair_up(in, *out)) {
    if (m.note == 42) hat[m.grid] = static_cast<double>(m.tick - m.grid);
  }
  std::vector<std::pair<double, double>> same_beat, next_beat;
  for (const auto& [grid, dev] : hat) {
    if (grid % 480 != 240) continue;
    if (hat.count(grid - 240)) same_beat.emplace_back(hat[grid - 240], dev);
    if (hat.count(grid + 240)) next_beat.emplace_back(dev, hat[grid + 240]);
  }
  ASSERT_GT(same_beat.size(), 900U);
  const double within = correlation(same_beat);
  const double across = correlation(next_beat);
  EXPECT_GT(within, 0.2) << "designed: " << kBeatTimingShare;
  EXPECT_LT(within, 0.5);
  EXPECT_LT(std::fabs(across), 0.1);
}

TEST(Humanize, NotesNeverCrossNeighbouringStepsNorLeaveThePattern) {
  auto style = style_from(performance(32, 20, 12, 7));
  style.traits.laid_back_ms = 30;
  style.traits.timing_spread = 4;
  const auto in = performance(32, 30, 45, 8);  // loose: some notes far from the grid
  for (double amount : {1.0, 0.6}) {
    auto out = humanize(in, style, HumanizeOptions{amount, 3});
    ASSERT_TRUE(out);
    ASSERT_EQ(out->hits.size(), in.hits.size());
    for (const auto& m : pair_up(in, *out)) {
      EXPECT_GT(m.tick, m.grid - 120);
      EXPECT_LT(m.tick, m.grid + 120);
      EXPECT_GE(m.tick, 0);
      EXPECT_LT(m.tick, in.length_ticks);
      // Only a downbeat leaves its bar, early into the one before.
      const std::int64_t bar = std::min<std::int64_t>(m.grid / 1920, 31);
      if (m.grid % 1920 == 0 && m.tick < m.grid) {
        EXPECT_EQ(m.tick / 1920, bar - 1) << m.grid << " -> " << m.tick;
      } else {
        EXPECT_EQ(m.tick / 1920, bar) << m.grid << " -> " << m.tick;
      }
      EXPECT_GE(m.velocity, 1);
      EXPECT_LE(m.velocity, 127);
    }
  }
}

TEST(Humanize, GhostNotesStayQuieterThanAccents) {
  const auto style = style_from(performance(32, 10, 6, 9));
  const auto in = quantized(performance(32, 0, 0, 10), /*keep_velocity=*/true);
  for (double amount : {1.0, 0.5, 0.1}) {
    auto out = humanize(in, style, HumanizeOptions{amount, 5});
    ASSERT_TRUE(out);
    int loudest_ghost = 0;
    int quietest_accent = 127;
    for (const auto& m : pair_up(in, *out)) {
      if (m.note != 38) continue;
      if (m.original_velocity <= kGhostVelocity) loudest_ghost = std::max<int>(loudest_ghost, m.velocity);
      else quietest_accent = std::min<int>(quietest_accent, m.velocity);
    }
    EXPECT_LE(loudest_ghost, kGhostVelocity) << amount;
    EXPECT_GT(quietest_accent, kGhostVelocity) << amount;
  }
}

TEST(Humanize, FlatVelocitiesTakeTheStylesDynamics) {
  const auto style = style_from(performance(32, 10, 6, 9));
  const auto in = quantized(performance(16, 0, 0, 10));  // every note at 100
  auto out = humanize(in, style, HumanizeOptions{1.0, 5});
  ASSERT_TRUE(out);
  double down = 0, off = 0;
  int nd = 0, no = 0, ghosts = 0;
  for (const auto& m : pair_up(in, *out)) {
    if (m.note == 42) {
      if (m.grid % 480 == 0) down += m.velocity, ++nd;
      else off += m.velocity, ++no;
    }
    if (m.note == 38 && (m.grid % 1920) / 120 == 7) ghosts += m.velocity <= kGhostVelocity;
  }
  EXPECT_GT(down / nd, off / no + 15) << "hats accented on the beat as the style plays them";
  EXPECT_GT(ghosts, 0) << "the style's ghost-note steps become ghost notes";
}

// The lanes hitting at each sixteenth of a quantized pattern.
std::map<std::int64_t, LaneMask> step_masks(const Pattern& p) {
  std::map<std::int64_t, LaneMask> masks;
  for (const auto& h : p.hits) masks[h.tick / 120] |= static_cast<LaneMask>(1U << lane_index(*lane_of(h.note)));
  return masks;
}

TEST(Humanize, FlatInputWithoutVariationGetsTheContextMedians) {
  const auto style = style_from(performance(32, 10, 6, 9));
  const GrooveModel& model = style.groove.sixteenth;
  ASSERT_FALSE(model.context_feel.empty());
  const auto in = quantized(performance(16, 0, 0, 10));  // every note at 100
  auto out = humanize(in, style, HumanizeOptions{1.0, 5, 0.0});
  ASSERT_TRUE(out);
  const BarPlan plan = plan_bar(in.meter, style.groove, Subdivision::sixteenth);
  StyleFeel feel(model, plan, style.traits);
  auto masks = step_masks(in);
  int with_context = 0;
  for (const auto& m : pair_up(in, *out)) {
    const std::int64_t k = m.grid / 120;
    const int step = static_cast<int>(k % 16);
    const Lane lane = *lane_of(m.note);
    const ContextFeel* c = feel.context(lane, step, masks[k], m.note, masks[k - 1], masks[k + 1]);
    ASSERT_NE(c, nullptr) << "every note of the beat was seen in the style: " << int(m.note);
    with_context += (c->key >> 60) == static_cast<std::uint64_t>(ContextLevel::neighbours) ? 1 : 0;
    EXPECT_NEAR(m.velocity, c->velocity, 0.5 + 1e-9) << int(m.note) << " at step " << step;
    // Timing: the context's median offset plus the style's placement (downbeats of the
    // first bar stay on the pattern's start; rounding to ticks).
    if (m.grid == 0) continue;
    const double expected = c->offset_ms + model.placement_ms;
    EXPECT_NEAR(static_cast<double>(m.tick - m.grid) * ms_per_tick(kTempo), expected, 1.0)
        << int(m.note) << " at step " << step;
  }
  EXPECT_GT(with_context, 0);
}

TEST(Humanize, FlatInputWithoutVariationOrContextsGetsTheExpectedVelocity) {
  auto style = style_from(performance(32, 10, 6, 9));
  style.groove.sixteenth.context_feel.clear();  // a model written before contexts existed
  const auto in = quantized(performance(16, 0, 0, 10));  // every note at 100
  // Variation 0: the prediction alone, so the seed does not matter.
  auto a = humanize(in, style, HumanizeOptions{1.0, 5, 0.0});
  auto b = humanize(in, style, HumanizeOptions{1.0, 6, 0.0});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(bytes(*a), bytes(*b));
  const GrooveModel& model = style.groove.sixteenth;
  const BarPlan plan = plan_bar(in.meter, style.groove, Subdivision::sixteenth);
  StyleFeel feel(model, plan, style.traits);
  for (const auto& m : pair_up(in, *a)) {
    const int step = static_cast<int>((m.grid % 1920) / 120);
    const Lane lane = *lane_of(m.note);
    const StepStats& st = model.lanes[lane_index(lane)].steps[static_cast<std::size_t>(step)];
    // Ghost and accent means weighted by how often the style plays the step as a ghost.
    const double expected = st.ghost_prob * st.ghost_velocity_mean + (1 - st.ghost_prob) * st.velocity_mean;
    EXPECT_NEAR(feel.expected_velocity(lane, step), expected, 1e-9);
    EXPECT_NEAR(m.velocity, expected, 0.5 + 1e-9) << int(m.note) << " at step " << step;
  }

  // A note the style plays softer than its lane comes out softer by that much.
  style.groove.sixteenth.note_velocity = {{38, -20.0}};
  auto softer = humanize(in, style, HumanizeOptions{1.0, 5, 0.0});
  ASSERT_TRUE(softer);
  const auto before = pair_up(in, *a), after = pair_up(in, *softer);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    const int step = static_cast<int>((before[i].grid % 1920) / 120);
    if (before[i].note == 38 && step == 4) {
      EXPECT_NEAR(after[i].velocity, before[i].velocity - 20, 1.0);
    }
    if (before[i].note == 42) {
      EXPECT_EQ(after[i].velocity, before[i].velocity);
    }
  }
}

TEST(Humanize, VariationScalesTheRandomPartAndIsChecked) {
  const auto style = style_from(performance(64, 0, 10, 5));
  const auto in = quantized(performance(64, 0, 0, 6));
  // Variation 0 plays the prediction alone: the same for every seed.
  auto prediction = humanize(in, style, HumanizeOptions{1.0, 11, 0.0});
  auto other_seed = humanize(in, style, HumanizeOptions{1.0, 12, 0.0});
  ASSERT_TRUE(prediction && other_seed);
  EXPECT_EQ(bytes(*prediction), bytes(*other_seed));
  const auto predicted = pair_up(in, *prediction);
  // Spread of the hat's deviations from the prediction, note by note.
  const auto spread = [&](double variation) {
    auto out = humanize(in, style, HumanizeOptions{1.0, 11, variation});
    EXPECT_TRUE(out);
    const auto moved = pair_up(in, *out);
    EXPECT_EQ(moved.size(), predicted.size());
    double ss = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < std::min(moved.size(), predicted.size()); ++i) {
      if (moved[i].note != 42) continue;
      const auto d = static_cast<double>(moved[i].tick - predicted[i].tick);
      ss += d * d;
      ++n;
    }
    return std::sqrt(ss / static_cast<double>(n));
  };
  const double none = spread(0.0), quarter = spread(0.25), full = spread(1.0);
  EXPECT_EQ(none, 0.0);
  EXPECT_GT(quarter, 0.5);
  EXPECT_NEAR(full / quarter, 4.0, 1.0);
  for (double variation : {-0.1, 1.5, std::nan("")}) {
    auto bad = humanize(in, style, HumanizeOptions{1.0, 1, variation});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    EXPECT_NE(bad.error().message.find("0-1"), std::string::npos) << bad.error().message;
  }
}

TEST(Humanize, SameSeedSameBytes) {
  const auto style = style_from(performance(32, 12, 8, 12));
  const auto in = performance(8, 0, 15, 13);
  auto a = humanize(in, style, HumanizeOptions{0.8, 42});
  auto b = humanize(in, style, HumanizeOptions{0.8, 42});
  auto c = humanize(in, style, HumanizeOptions{0.8, 43});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(bytes(*a), bytes(*b));
  EXPECT_NE(bytes(*a), bytes(*c));
}

TEST(Humanize, NotesOfOneStepKeepTheirOrder) {
  const auto style = style_from(performance(32, 12, 10, 14));
  Pattern in;
  in.tempo_bpm = kTempo;
  in.length_ticks = 1920 * 4;
  for (int b = 0; b < 4; ++b) {
    for (int beat = 0; beat < 4; ++beat) {
      const std::int64_t t = b * 1920 + beat * 480;
      in.hits.push_back({t - 25, 38, 35, 20});  // a flam: grace note, then the stroke
      in.hits.push_back({t, 38, 110, 60});
    }
  }
  in.hits.erase(in.hits.begin());  // no grace note before the very start
  in.sort_hits();
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto out = humanize(in, style, HumanizeOptions{1.0, seed});
    ASSERT_TRUE(out);
    ASSERT_EQ(out->hits.size(), in.hits.size());
    for (std::size_t i = 0; i < out->hits.size(); ++i) {
      // Grace and stroke alternate and stay at least as far apart as they were.
      EXPECT_EQ(out->hits[i].velocity <= kGhostVelocity, in.hits[i].velocity <= kGhostVelocity) << seed;
      if (i > 0 && in.hits[i].tick - in.hits[i - 1].tick == 25) {
        EXPECT_GE(out->hits[i].tick - out->hits[i - 1].tick, 25) << seed;
      }
    }
  }
}

TEST(Humanize, SevenEightUsesTheMetricRoleMapping) {
  const auto style = style_from(performance(32, 16, 6, 15));
  Pattern in;
  in.meter = Meter{7, 8};
  in.tempo_bpm = kTempo;
  const std::int64_t bar = in.meter.ticks_per_bar();  // 1680: beats of 480, 480, 720
  in.length_ticks = bar * 8;
  for (int b = 0; b < 8; ++b) {
    for (int s = 0; s < 14; s += 2) in.hits.push_back({b * bar + s * 120, 42, 80, 60});
    in.hits.push_back({b * bar, 36, 100, 60});
    in.hits.push_back({b * bar + 960, 38, 100, 60});  // the last beat: a backbeat
  }
  in.sort_hits();
  auto out = humanize(in, style, HumanizeOptions{1.0, 2});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->hits.size(), in.hits.size());
  double snare_late = 0;
  for (const auto& m : pair_up(in, *out)) {
    // A note stays in its bar, but a downbeat may come early into the bar before.
    EXPECT_EQ(m.tick / bar, m.grid / bar - (m.grid % bar == 0 && m.tick < m.grid ? 1 : 0));
    EXPECT_LT(std::llabs(m.tick - m.grid), 120);
    if (m.note == 38) snare_late += static_cast<double>(m.tick - m.grid) * ms_per_tick(kTempo);
  }
  // The 7/8 backbeat takes the style's beat-4 snare feel: late.
  EXPECT_NEAR(snare_late / 8, measured_offset_ms(style, Lane::snare, 12), 8.0);
}

// A swung performance: eighth-note hats whose off-beats fall on the triplet position (2/3 of
// the beat, 320 ticks in), kick on 1 and 3, snare on 2 and 4 a little late, with jitter.
// Quantized to sixteenths, each swung off-beat lands on the beat's last sixteenth (360).
Pattern swung_performance(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = kTempo;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  const auto noise = [&] { return static_cast<std::int64_t>(rng.below(9)) - 4; };
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int beat = 0; beat < 4; ++beat) {
      p.hits.push_back({base + beat * 480 + noise(), 42, 90, 60});
      p.hits.push_back({base + beat * 480 + 320 + noise(), 42, 60, 60});
    }
    p.hits.push_back({base + noise(), 36, 110, 60});
    p.hits.push_back({base + 960 + noise(), 36, 105, 60});
    p.hits.push_back({base + 480 + 8 + noise(), 38, 115, 60});
    p.hits.push_back({base + 1440 + 8 + noise(), 38, 112, 60});
  }
  for (auto& h : p.hits) h.tick = std::max<std::int64_t>(0, h.tick);
  p.sort_hits();
  return p;
}

NoteFeelModel learned_from(const Pattern& take, const GrooveModel& style) {
  NoteFeelTrainer trainer;
  trainer.add(quantize_take(take), style);
  const GbtOptions o{.trees = 60, .depth = 3, .shrinkage = 0.2, .subsample = 0.8, .min_leaf = 5, .bins = 32, .seed = 2};
  auto m = trainer.fit(o, o);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : NoteFeelModel{};
}

TEST(HumanizeLearned, AmountZeroIsIdentity) {
  const auto take = swung_performance(32, 21);
  const auto style = style_from(take);
  const NoteFeelModel model = learned_from(take, style.groove.sixteenth);
  const auto in = quantized(swung_performance(4, 22));
  auto out = humanize(in, style, HumanizeOptions{0.0, 3}, &model);
  ASSERT_TRUE(out);
  EXPECT_EQ(bytes(*out), bytes(in));
}

TEST(HumanizeLearned, MovesSwungOffBeatsTowardsTheTripletPosition) {
  const auto take = swung_performance(48, 23);
  const auto style = style_from(take);
  const NoteFeelModel model = learned_from(take, style.groove.sixteenth);
  const auto in = quantized(swung_performance(8, 24));
  auto out = humanize(in, style, HumanizeOptions{1.0, 5, 0.0}, &model);
  ASSERT_TRUE(out) << out.error().message;
  double offbeat = 0, onbeat = 0, snare = 0;
  int n_off = 0, n_on = 0, n_snare = 0;
  for (const auto& m : pair_up(in, *out)) {
    const std::int64_t in_beat = m.grid % 480;
    if (m.note == 42 && in_beat == 360) {
      offbeat += static_cast<double>(m.tick - m.grid);
      ++n_off;
    } else if (m.note == 42 && in_beat == 0) {
      onbeat += static_cast<double>(m.tick - m.grid);
      ++n_on;
    } else if (m.note == 38) {
      snare += static_cast<double>(m.tick - m.grid);
      ++n_snare;
    }
  }
  ASSERT_EQ(n_off, 32);
  // The off-beats come 40 ticks early (onto 320), the down-beats stay, the snare drags.
  EXPECT_NEAR(offbeat / n_off, -40.0, 8.0);
  EXPECT_NEAR(onbeat / n_on, 0.0, 6.0);
  EXPECT_NEAR(snare / n_snare, 8.0, 5.0);
  // A flat input takes the learned velocities: soft off-beats, loud backbeat.
  for (const auto& m : pair_up(in, *out)) {
    if (m.note == 42 && m.grid % 480 == 360) {
      EXPECT_NEAR(m.velocity, 60, 6);
    } else if (m.note == 38) {
      EXPECT_NEAR(m.velocity, 113, 6);
    }
  }
  // Same seed, same bytes.
  auto again = humanize(in, style, HumanizeOptions{1.0, 5, 0.0}, &model);
  ASSERT_TRUE(again);
  EXPECT_EQ(bytes(*again), bytes(*out));
}

// Flammed backbeats: a soft grace note 24 ticks (30 ms) before each loud snare, both of
// which quantize onto the same sixteenth, over eighth-note hats and a kick on 1 and 3.
Pattern flam_performance(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = kTempo;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  const auto noise = [&] { return static_cast<std::int64_t>(rng.below(7)) - 3; };
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int e = 0; e < 8; ++e) p.hits.push_back({base + e * 240 + noise(), 42, 80, 60});
    p.hits.push_back({base + noise(), 36, 110, 60});
    p.hits.push_back({base + 960 + noise(), 36, 105, 60});
    for (const std::int64_t beat : {480, 1440}) {
      p.hits.push_back({base + beat - 16 + noise(), 38, 45, 60});
      p.hits.push_back({base + beat + 8 + noise(), 38, 115, 60});
    }
  }
  for (auto& h : p.hits) h.tick = std::max<std::int64_t>(0, h.tick);
  p.sort_hits();
  return p;
}

TEST(HumanizeLearned, QuantizedFlamsOpenUpAgainGraceNoteFirstAndSoft) {
  const auto take = flam_performance(48, 27);
  const auto style = style_from(take);
  const NoteFeelModel model = learned_from(take, style.groove.sixteenth);
  const auto in = quantized(flam_performance(8, 28));
  // Both notes of each flam sit on one step of the input.
  std::map<std::int64_t, int> snares_at;
  for (const Hit& h : in.hits) if (h.note == 38) ++snares_at[h.tick];
  ASSERT_EQ(snares_at.size(), 16U);
  for (const auto& [tick, n] : snares_at) ASSERT_EQ(n, 2) << tick;
  auto out = humanize(in, style, HumanizeOptions{1.0, 5, 0.0}, &model);
  ASSERT_TRUE(out) << out.error().message;
  std::map<std::int64_t, std::vector<const Hit*>> flams;
  for (const Hit& h : out->hits) {
    if (h.note == 38) flams[(h.tick + 60) / 120 * 120].push_back(&h);
  }
  ASSERT_EQ(flams.size(), 16U);
  for (const auto& [grid, pair] : flams) {
    ASSERT_EQ(pair.size(), 2U) << grid;
    const Hit& first = pair[0]->tick <= pair[1]->tick ? *pair[0] : *pair[1];
    const Hit& second = &first == pair[0] ? *pair[1] : *pair[0];
    // The grace note comes about 16 ticks early and the stroke about 8 late (24 apart).
    EXPECT_NEAR(static_cast<double>(first.tick - grid), -16.0, 6.0) << grid;
    EXPECT_NEAR(static_cast<double>(second.tick - grid), 8.0, 6.0) << grid;
    EXPECT_LT(first.velocity + 40, second.velocity) << grid;
  }
}

// The hi-hat played with stick and foot: eighth-note stick strokes (42) on time, and on
// beats 2 and 4 the pedal (44) 24 ticks (30 ms) early, so both quantize onto one step.
Pattern stick_and_pedal_performance(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = kTempo;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  const auto noise = [&] { return static_cast<std::int64_t>(rng.below(7)) - 3; };
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int e = 0; e < 8; ++e) p.hits.push_back({base + e * 240 + noise(), 42, 90, 60});
    p.hits.push_back({base + noise(), 36, 110, 60});
    for (const std::int64_t beat : {480, 1440}) {
      p.hits.push_back({base + beat - 24 + noise(), 44, 60, 60});
      p.hits.push_back({base + beat + noise(), 38, 115, 60});
    }
  }
  for (auto& h : p.hits) h.tick = std::max<std::int64_t>(0, h.tick);
  p.sort_hits();
  return p;
}

TEST(HumanizeLearned, DifferentInstrumentsOfOneLaneOnOneStepKeepTheirOwnTiming) {
  const auto take = stick_and_pedal_performance(48, 31);
  const auto style = style_from(take);
  const NoteFeelModel model = learned_from(take, style.groove.sixteenth);
  // The quantized input lists the stick stroke (42) before the pedal (44) at each shared
  // tick; the performance played the pedal first. The order a file lists them in says
  // nothing about which comes first, so either listing gives the same result.
  const auto in = quantized(stick_and_pedal_performance(8, 32));
  Pattern reversed = in;
  std::stable_sort(reversed.hits.begin(), reversed.hits.end(), [](const Hit& a, const Hit& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.note > b.note;
  });
  const auto notes_of = [](const Pattern& p) {
    std::vector<DrumNote> n;
    for (const Hit& h : p.hits) n.push_back(h.note);
    return n;
  };
  ASSERT_NE(notes_of(reversed), notes_of(in));
  for (const Pattern* input : std::array<const Pattern*, 2>{&in, &reversed}) {
    auto out = humanize(*input, style, HumanizeOptions{1.0, 5, 0.0}, &model);
    ASSERT_TRUE(out) << out.error().message;
    std::map<std::int64_t, std::map<DrumNote, std::int64_t>> at;  // grid tick -> note -> tick
    for (const Hit& h : out->hits) {
      if (h.note == 42 || h.note == 44) at[(h.tick + 60) / 120 * 120][h.note] = h.tick;
    }
    int shared = 0;
    for (const auto& [grid, notes] : at) {
      if (notes.size() < 2) continue;
      ++shared;
      // The pedal comes about 24 ticks early, the stick stroke stays on the grid.
      EXPECT_NEAR(static_cast<double>(notes.at(44) - grid), -24.0, 8.0) << grid;
      EXPECT_NEAR(static_cast<double>(notes.at(42) - grid), 0.0, 8.0) << grid;
    }
    EXPECT_EQ(shared, 16);
  }
}

TEST(HumanizeLearned, HalfAmountGoesHalfWayAndOtherMetersKeepTheStatistics) {
  const auto take = swung_performance(32, 25);
  const auto style = style_from(take);
  const NoteFeelModel model = learned_from(take, style.groove.sixteenth);
  const auto in = quantized(swung_performance(4, 26));
  auto full = humanize(in, style, HumanizeOptions{1.0, 5, 0.0}, &model);
  auto half = humanize(in, style, HumanizeOptions{0.5, 5, 0.0}, &model);
  ASSERT_TRUE(full && half);
  const auto f = pair_up(in, *full), h = pair_up(in, *half);
  for (std::size_t i = 0; i < f.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(h[i].tick - h[i].grid), static_cast<double>(f[i].tick - f[i].grid) / 2.0, 1.0);
  }
  // 3/4: the model (learned on 4/4 sixteenths) is not used, so the result equals humanize
  // without it.
  Pattern waltz = in;
  waltz.meter = Meter{3, 4};
  std::erase_if(waltz.hits, [](const Hit& hit) { return hit.tick % 1920 >= 1440; });
  auto with = humanize(waltz, style, HumanizeOptions{1.0, 5}, &model);
  auto without = humanize(waltz, style, HumanizeOptions{1.0, 5});
  ASSERT_TRUE(with && without);
  EXPECT_EQ(bytes(*with), bytes(*without));
}

}  // namespace
}  // namespace mdg::humanize_test
