#include "groove/analyzer.hpp"

#include "core/rng.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace mdg::analyzer_test {
namespace {

constexpr Grid kSixteenth{Meter{4, 4}, Subdivision::sixteenth};
constexpr Grid kTriplet{Meter{4, 4}, Subdivision::triplet};
constexpr std::int64_t kBar = 4 * kPpq;

Pattern make_pattern(int bars, double bpm = 120.0) {
  Pattern p;
  p.name = "test";
  p.meter = Meter{4, 4};
  p.tempo_bpm = bpm;
  p.length_ticks = bars * kBar;
  return p;
}

GrooveModel analyze_one(const Pattern& p, Grid grid = kSixteenth, AnalyzerOptions options = {}) {
  auto model = analyze_patterns(std::span(&p, 1), grid, options);
  EXPECT_TRUE(model.has_value()) << (model ? "" : model.error().message);
  return model ? *model : GrooveModel{};
}

const StepStats& step(const GrooveModel& m, Lane lane, int s) {
  return m.lanes[lane_index(lane)].steps.at(static_cast<std::size_t>(s));
}

void expect_finite(const GrooveModel& m) {
  for (const auto& lane : m.lanes) {
    EXPECT_TRUE(std::isfinite(lane.hits_per_bar) && std::isfinite(lane.velocity_mean) &&
                std::isfinite(lane.velocity_sd) && std::isfinite(lane.offset_mean_ms) &&
                std::isfinite(lane.offset_sd_ms));
    for (const auto& s : lane.steps) {
      EXPECT_TRUE(std::isfinite(s.onset_prob) && std::isfinite(s.velocity_mean) &&
                  std::isfinite(s.velocity_sd) && std::isfinite(s.ghost_prob) &&
                  std::isfinite(s.ghost_velocity_mean) && std::isfinite(s.offset_mean_ms) &&
                  std::isfinite(s.offset_sd_ms));
    }
  }
  EXPECT_TRUE(std::isfinite(m.density) && std::isfinite(m.swing_ratio) &&
              std::isfinite(m.swing_ratio_16th) && std::isfinite(m.ghost_rate) &&
              std::isfinite(m.syncopation) && std::isfinite(m.fill_rate));
}

// A take of `bars` bars: hi-hat on every eighth, snare on 2 and 4 plus a ghost note (velocity 30)
// on the "a" of 2, and a kick on 1 in the even bars only.
Pattern shaped_take(int bars) {
  Pattern p = make_pattern(bars);
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * kBar;
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * kPpq / 4, 42, 80, 60});
    p.hits.push_back({base + 4 * kPpq / 4, 38, 110, 60});
    p.hits.push_back({base + 12 * kPpq / 4, 38, 110, 60});
    p.hits.push_back({base + 7 * kPpq / 4, 38, 30, 60});
    if (b % 2 == 0) p.hits.push_back({base, 36, 100, 60});
  }
  p.sort_hits();
  return p;
}

TEST(Analyzer, TakeShapesAreKeptOnlyWhenAskedAndOnlyForTakesOfFourBarsOrMore) {
  const std::vector<Pattern> takes = {shaped_take(4), shaped_take(3), shaped_take(6)};
  AnalyzerOptions options;
  auto plain = analyze_patterns(takes, kSixteenth, options);
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->takes.empty());

  options.take_shapes = true;
  auto shaped = analyze_patterns(takes, kSixteenth, options);
  ASSERT_TRUE(shaped.has_value());
  ASSERT_EQ(shaped->takes.size(), 2u);  // the 3-bar take is too short to tell a drummer's habits
  for (const TakeShape& t : shaped->takes) {
    ASSERT_EQ(t.onsets.size(), kLaneCount * 16u);
    const auto at = [&](Lane lane, std::size_t st) { return t.onsets[lane_index(lane) * 16 + st]; };
    for (std::size_t st = 0; st < 16; ++st) {
      EXPECT_EQ(at(Lane::closed_hat, st), st % 2 == 0 ? 255 : 0) << st;
      EXPECT_EQ(at(Lane::snare, st), st == 4 || st == 12 || st == 7 ? 255 : 0) << st;
      EXPECT_EQ(at(Lane::ride, st), 0) << st;
      if (st != 0) {
        EXPECT_EQ(at(Lane::kick, st), 0) << st;
      }
    }
    EXPECT_EQ(at(Lane::kick, 0), 128);  // half the bars: 255 x 0.5, rounded
    EXPECT_DOUBLE_EQ(t.onset_share(lane_index(Lane::closed_hat), 2, 16), 1.0);
  }
  EXPECT_EQ(shaped->takes[0].snare_hits, 12u);
  EXPECT_EQ(shaped->takes[0].snare_ghosts, 4u);
  EXPECT_EQ(shaped->takes[1].snare_hits, 18u);
  EXPECT_EQ(shaped->takes[1].snare_ghosts, 6u);
  // Everything else the model says is the same with or without the shapes.
  GrooveModel without = *shaped;
  without.takes.clear();
  EXPECT_EQ(without, *plain);
}

// Hi-hat eighths, kick and snare on the beats, 8 bars at 100 BPM (1.25 ms a tick), each hit
// moved off its step by `jitter` ticks times a draw in -1..1 and the whole take `shift` ticks.
Pattern jittered_take(double jitter, std::int64_t shift, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.tempo_bpm = 100;
  p.length_ticks = 8 * 1920 + 1920;
  for (int b = 1; b <= 8; ++b) {
    for (int s = 0; s < 16; s += 2) {
      const auto off = static_cast<std::int64_t>(std::lround(jitter * (2.0 * rng.uniform() - 1.0)));
      p.hits.push_back({b * 1920 + s * 120 + off + shift, static_cast<DrumNote>(s % 4 == 0 ? (s % 8 == 0 ? 36 : 38) : 42), 90, 60});
    }
  }
  p.sort_hits();
  return p;
}

TEST(Analyzer, TakeShapesMeasureHowTightlyEachTakeIsPlayed) {
  // One take within +-2 ticks (2.5 ms) of its pulse, one within +-24 ticks (30 ms); the loose
  // one also sits 20 ticks behind the click, which its own pulse takes out.
  const std::vector<Pattern> takes = {jittered_take(2, 0, 3), jittered_take(24, 20, 4)};
  AnalyzerOptions options;
  options.take_shapes = true;
  auto m = analyze_patterns(takes, kSixteenth, options);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->takes.size(), 2u);
  const TakeShape& tight = m->takes[0];
  const TakeShape& loose = m->takes[1];
  // Uniform in +-a has SD a / sqrt(3): 1.4 ms and 17.3 ms.
  EXPECT_GT(tight.timing_sd_ms, 0.5);
  EXPECT_LT(tight.timing_sd_ms, 2.5);
  EXPECT_GT(loose.timing_sd_ms, 13.0);
  EXPECT_LT(loose.timing_sd_ms, 22.0);
  EXPECT_LT(std::abs(tight.timing_mean_ms), 1.0);
  EXPECT_LT(std::abs(loose.timing_mean_ms), 6.0);
}

TEST(Analyzer, MeanTakeDistanceIsTheExpectedCellsTwoTakesBarsDifferIn) {
  TakeShape a, b, c;
  a.onsets.assign(kLaneCount * 16, 0);
  b.onsets = a.onsets;
  c.onsets = a.onsets;
  a.onsets[0] = 255;  // a plays cell 0 in every bar, b never: 1 cell
  b.onsets[5] = 255;  // and cell 5 the other way round: 1 more
  b.onsets[9] = 51;   // b plays cell 9 in a fifth of its bars: 0.2 more
  c.onsets[0] = 255;  // c is a's twin
  EXPECT_EQ(mean_take_distance(std::vector<TakeShape>{}), 0.0);
  EXPECT_EQ(mean_take_distance(std::vector<TakeShape>{a}), 0.0);
  EXPECT_NEAR(mean_take_distance(std::vector<TakeShape>{a, b}), 2.2, 1e-12);
  EXPECT_NEAR(mean_take_distance(std::vector<TakeShape>{a, c}), 0.0, 1e-12);
  // Three pairs: a-b 2.2, a-c 0, b-c 2.2.
  EXPECT_NEAR(mean_take_distance(std::vector<TakeShape>{a, b, c}), 4.4 / 3.0, 1e-12);
  // Two bars of one take differ where it plays a cell in some bars only: a fifth of them,
  // 2 x 0.2 x 0.8.
  TakeShape some;
  some.onsets.assign(kLaneCount * 16, 0);
  some.onsets[3] = 51;
  EXPECT_NEAR(mean_take_distance(std::vector<TakeShape>{some, some}), 0.32, 1e-12);
}

TEST(Analyzer, SilenceGivesZerosWithoutNaN) {
  const Pattern silent = make_pattern(4);
  const GrooveModel m = analyze_one(silent);
  EXPECT_EQ(m.bars, 4u);
  expect_finite(m);
  for (const auto& lane : m.lanes) {
    ASSERT_EQ(lane.steps.size(), 16u);
    for (const auto& s : lane.steps) EXPECT_EQ(s.onset_prob, 0.0);
  }
  EXPECT_EQ(m.density, 0.0);
  EXPECT_EQ(m.swing_ratio, 1.0);
  ASSERT_EQ(m.transitions.size(), 16u);
  ASSERT_EQ(m.transitions[0].unigram.size(), 1u);
  EXPECT_EQ(m.transitions[0].unigram[0], (MaskCount{0, 4}));

  Pattern nothing = make_pattern(0);
  const GrooveModel e = analyze_one(nothing);
  EXPECT_TRUE(e.empty());
  expect_finite(e);
}

TEST(Analyzer, QuarterNoteKickClickTrack) {
  Pattern p = make_pattern(8);
  for (int q = 0; q < 32; ++q) p.hits.push_back({q * kPpq, 36, 100, 60});
  const GrooveModel m = analyze_one(p);
  EXPECT_EQ(m.bars, 8u);
  for (int s = 0; s < 16; ++s) {
    EXPECT_DOUBLE_EQ(step(m, Lane::kick, s).onset_prob, s % 4 == 0 ? 1.0 : 0.0) << "step " << s;
  }
  EXPECT_DOUBLE_EQ(step(m, Lane::kick, 4).velocity_mean, 100.0);
  EXPECT_DOUBLE_EQ(step(m, Lane::kick, 4).velocity_sd, 0.0);
  EXPECT_DOUBLE_EQ(m.lanes[lane_index(Lane::kick)].hits_per_bar, 4.0);
  EXPECT_EQ(m.lanes[lane_index(Lane::kick)].note, 36);
  EXPECT_DOUBLE_EQ(m.density, 4.0);
  EXPECT_DOUBLE_EQ(m.syncopation, 0.0);
  EXPECT_DOUBLE_EQ(m.fill_rate, 0.0);
  // Transition at step 4: always a kick (mask 1), preceded by nothing.
  ASSERT_EQ(m.transitions[4].unigram.size(), 1u);
  EXPECT_EQ(m.transitions[4].unigram[0], (MaskCount{1, 8}));
  ASSERT_EQ(m.transitions[4].contexts.size(), 1u);
  EXPECT_EQ(m.transitions[4].contexts[0].previous, 0);
  // Step 0 after the last step of the previous bar: 7 transitions (the first bar has none).
  ASSERT_EQ(m.transitions[0].contexts.size(), 1u);
  EXPECT_EQ(m.transitions[0].contexts[0].next, (std::vector<MaskCount>{{1, 7}}));
}

TEST(Analyzer, BackbeatAndSyncopation) {
  Pattern p = make_pattern(4);
  for (int b = 0; b < 4; ++b) {
    p.hits.push_back({b * kBar, 36, 110, 60});
    p.hits.push_back({b * kBar + kPpq, 38, 100, 60});
    p.hits.push_back({b * kBar + 2 * kPpq, 36, 110, 60});
    p.hits.push_back({b * kBar + 3 * kPpq, 38, 100, 60});
  }
  p.sort_hits();
  const GrooveModel straight = analyze_one(p);
  EXPECT_DOUBLE_EQ(step(straight, Lane::snare, 4).onset_prob, 1.0);
  EXPECT_DOUBLE_EQ(step(straight, Lane::snare, 12).onset_prob, 1.0);
  EXPECT_DOUBLE_EQ(step(straight, Lane::snare, 8).onset_prob, 0.0);
  EXPECT_DOUBLE_EQ(straight.syncopation, 0.0);
  EXPECT_EQ(straight.transitions[4].unigram, (std::vector<MaskCount>{{2, 4}}));

  // Move the third-beat kick an eighth earlier: it now anticipates the (silent) half bar.
  Pattern pushed = p;
  for (auto& h : pushed.hits) {
    if (h.note == 36 && h.tick % kBar == 2 * kPpq) h.tick -= kPpq / 2;
  }
  pushed.sort_hits();
  const GrooveModel synco = analyze_one(pushed);
  // Eighth weight -3 against the half-bar weight -1.
  EXPECT_DOUBLE_EQ(synco.syncopation, 2.0);
}

TEST(Analyzer, SwungEighthsFavourTheTripletGrid) {
  Pattern p = make_pattern(8);
  for (int q = 0; q < 32; ++q) {
    p.hits.push_back({q * kPpq, 42, 90, 30});
    p.hits.push_back({q * kPpq + 2 * kPpq / 3, 42, 70, 30});  // 2:1 swing
  }
  auto six = GrooveAccumulator::create(kSixteenth);
  auto tri = GrooveAccumulator::create(kTriplet);
  ASSERT_TRUE(six && tri);
  six->add(p);
  tri->add(p);
  const GrooveModel m = six->finish();
  EXPECT_NEAR(m.swing_ratio, 2.0, 1e-9);
  EXPECT_NEAR(tri->mean_abs_quantize_error_ms(), 0.0, 1e-9);
  EXPECT_GT(six->mean_abs_quantize_error_ms(), 5.0);
  EXPECT_EQ(best_feel(*six, *tri), Subdivision::triplet);
  const GrooveModel t = tri->finish();
  EXPECT_DOUBLE_EQ(step(t, Lane::closed_hat, 2).onset_prob, 1.0);
  EXPECT_DOUBLE_EQ(step(t, Lane::closed_hat, 1).onset_prob, 0.0);
}

TEST(Analyzer, StraightEighthsFavourTheSixteenthGrid) {
  Pattern p = make_pattern(8);
  for (int e = 0; e < 64; ++e) p.hits.push_back({e * kPpq / 2, 42, 80, 30});
  auto six = GrooveAccumulator::create(kSixteenth);
  auto tri = GrooveAccumulator::create(kTriplet);
  ASSERT_TRUE(six && tri);
  six->add(p);
  tri->add(p);
  EXPECT_NEAR(six->finish().swing_ratio, 1.0, 1e-9);
  EXPECT_EQ(best_feel(*six, *tri), Subdivision::sixteenth);
  EXPECT_EQ(six->mean_abs_quantize_error_ms(), 0.0);
  // A pattern that fits both grids equally (quarters only) stays sixteenth.
  EXPECT_EQ(best_feel(0.0, 0.0), Subdivision::sixteenth);
  // Sixteenth swing: the second sixteenth of each eighth late, at 2:1.
  Pattern s16 = make_pattern(4);
  for (int e = 0; e < 32; ++e) {
    s16.hits.push_back({e * kPpq / 2, 42, 80, 30});
    s16.hits.push_back({e * kPpq / 2 + kPpq / 3, 42, 60, 30});
  }
  const GrooveModel m16 = analyze_one(s16);
  EXPECT_NEAR(m16.swing_ratio_16th, 2.0, 1e-9);
}

TEST(Analyzer, LateHitGivesPositiveOffsetInMilliseconds) {
  Pattern p = make_pattern(2, 120.0);  // 120 BPM: 500 ms per quarter, 480 ticks
  const auto late = static_cast<std::int64_t>(std::lround(10.0 / ms_per_tick(120.0)));  // 9.6 -> 10
  p.hits.push_back({kPpq + late, 38, 100, 60});
  const GrooveModel m = analyze_one(p);
  const double expected = static_cast<double>(late) * ms_per_tick(120.0);
  EXPECT_NEAR(step(m, Lane::snare, 4).offset_mean_ms, expected, 1e-9);
  EXPECT_NEAR(expected, 10.0, 0.5);
  EXPECT_NEAR(m.lanes[lane_index(Lane::snare)].offset_mean_ms, expected, 1e-9);

  // Exactly 10 ms at 125 BPM (1 tick = 1 ms).
  Pattern q = make_pattern(1, 125.0);
  q.hits.push_back({2 * kPpq + 10, 36, 100, 60});
  EXPECT_NEAR(step(analyze_one(q), Lane::kick, 8).offset_mean_ms, 10.0, 1e-9);

  // A tempo change doubles the tick length: 10 ticks at 62.5 BPM = 20 ms.
  Pattern r = make_pattern(2, 125.0);
  r.tempo_changes.push_back({kBar, 62.5});
  r.hits.push_back({kBar + 10, 36, 100, 60});
  EXPECT_NEAR(step(analyze_one(r), Lane::kick, 0).offset_mean_ms, 20.0, 1e-9);
}

TEST(Analyzer, GhostNotes) {
  Pattern p = make_pattern(4);
  for (int b = 0; b < 4; ++b) {
    p.hits.push_back({b * kBar + kPpq, 38, 110, 60});
    p.hits.push_back({b * kBar + 3 * kPpq / 2, 38, 30, 60});  // ghost on the "and"
    if (b % 2 == 0) p.hits.push_back({b * kBar + 7 * kPpq / 4, 38, 25, 60});
  }
  p.sort_hits();
  const GrooveModel m = analyze_one(p);
  EXPECT_DOUBLE_EQ(step(m, Lane::snare, 6).ghost_prob, 1.0);
  EXPECT_DOUBLE_EQ(step(m, Lane::snare, 6).ghost_velocity_mean, 30.0);
  EXPECT_DOUBLE_EQ(step(m, Lane::snare, 6).velocity_mean, 0.0);  // no loud hits there
  EXPECT_DOUBLE_EQ(step(m, Lane::snare, 7).onset_prob, 0.5);
  EXPECT_DOUBLE_EQ(step(m, Lane::snare, 4).ghost_prob, 0.0);
  EXPECT_DOUBLE_EQ(m.ghost_rate, 6.0 / 10.0);
  // A lower threshold turns them into ordinary notes.
  AnalyzerOptions options;
  options.ghost_velocity = 20;
  EXPECT_DOUBLE_EQ(analyze_one(p, kSixteenth, options).ghost_rate, 0.0);
}

TEST(Analyzer, PushedNoteBeforeBarLineBelongsToNextBar) {
  Pattern p = make_pattern(2);
  p.hits.push_back({kBar - 20, 49, 120, 60});  // a crash 20 ticks early
  p.hits.push_back({kBar - 5, 49, 90, 60});    // a quieter double: only the loudest counts
  const GrooveModel m = analyze_one(p);
  EXPECT_EQ(m.bars, 2u);
  EXPECT_DOUBLE_EQ(step(m, Lane::crash, 0).onset_prob, 0.5);
  EXPECT_EQ(step(m, Lane::crash, 0).hits, 1u);
  EXPECT_DOUBLE_EQ(step(m, Lane::crash, 15).onset_prob, 0.0);
  EXPECT_DOUBLE_EQ(step(m, Lane::crash, 0).velocity_mean, 120.0);
  EXPECT_NEAR(step(m, Lane::crash, 0).offset_mean_ms, -20 * ms_per_tick(120.0), 1e-9);
}

TEST(Analyzer, UnmappedNotesAndOtherMetersAreIgnored) {
  Pattern p = make_pattern(1);
  p.hits.push_back({0, 56, 100, 60});  // cowbell: no lane
  p.hits.push_back({0, 22, 100, 60});  // TD-11 hat edge -> closed hat, GM 42
  Pattern waltz = make_pattern(1);
  waltz.meter = Meter{3, 4};
  waltz.hits.push_back({0, 36, 100, 60});
  auto acc = GrooveAccumulator::create(kSixteenth);
  ASSERT_TRUE(acc);
  EXPECT_TRUE(acc->add(p));
  EXPECT_FALSE(acc->add(waltz));
  EXPECT_EQ(acc->patterns(), 1u);
  EXPECT_EQ(acc->skipped(), 1u);
  const GrooveModel m = acc->finish();
  EXPECT_DOUBLE_EQ(m.density, 1.0);
  EXPECT_EQ(m.lanes[lane_index(Lane::closed_hat)].note, 42);
  EXPECT_EQ(m.lanes[lane_index(Lane::kick)].note, 0);
  EXPECT_EQ(gm_playable_note(26), 46);
  EXPECT_EQ(gm_playable_note(58), 43);
  EXPECT_EQ(gm_playable_note(38), 38);
  EXPECT_EQ(gm_playable_note(10), 0);
}

TEST(Analyzer, TomBarIsAFill) {
  Pattern p = make_pattern(4);
  for (int b = 0; b < 4; ++b) {
    for (int e = 0; e < 8; ++e) p.hits.push_back({b * kBar + e * kPpq / 2, 42, 80, 30});
  }
  for (int s = 8; s < 16; ++s) p.hits.push_back({3 * kBar + s * kPpq / 4, s < 12 ? DrumNote{48} : DrumNote{43}, 100, 30});
  p.sort_hits();
  const GrooveModel m = analyze_one(p);
  EXPECT_DOUBLE_EQ(m.fill_rate, 0.25);
}

TEST(Analyzer, InvalidParametersAreRejected) {
  AnalyzerOptions bad;
  bad.ghost_velocity = 0;
  auto r = GrooveAccumulator::create(kSixteenth, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("ghost_velocity"), std::string::npos);
  EXPECT_NE(r.error().message.find("allowed"), std::string::npos);

  AnalyzerOptions nan;
  nan.fill_tom_factor = std::nan("");
  EXPECT_FALSE(validate(nan));

  // 7/8 on a triplet grid is not a whole number of steps.
  auto odd = GrooveAccumulator::create(Grid{Meter{7, 8}, Subdivision::triplet});
  ASSERT_FALSE(odd);
  EXPECT_NE(odd.error().message.find("7/8"), std::string::npos);
  EXPECT_FALSE(GrooveAccumulator::create(Grid{Meter{0, 4}, Subdivision::sixteenth}));
  EXPECT_TRUE(GrooveAccumulator::create(Grid{Meter{7, 8}, Subdivision::sixteenth}));
}

TEST(Analyzer, MetricWeights) {
  EXPECT_EQ(metric_weights(kSixteenth),
            (std::vector<int>{0, -4, -3, -4, -2, -4, -3, -4, -1, -4, -3, -4, -2, -4, -3, -4}));
  EXPECT_EQ(metric_weights(kTriplet),
            (std::vector<int>{0, -3, -3, -2, -3, -3, -1, -3, -3, -2, -3, -3}));
  EXPECT_EQ(metric_weights(Grid{Meter{7, 8}, Subdivision::sixteenth}),
            (std::vector<int>{0, -4, -3, -4, -2, -4, -3, -4, -2, -4, -3, -4, -3, -4}));
}

}  // namespace
}  // namespace mdg::analyzer_test

namespace mdg::analyzer_test {
namespace {

Pattern eighths_at(double tempo, std::int64_t jitter_every, std::int64_t jitter) {
  Pattern p;
  p.tempo_bpm = tempo;
  p.length_ticks = 4 * 1920;
  for (std::int64_t t = 0; t < p.length_ticks; t += 240) {
    p.hits.push_back({t + ((t / 240) % jitter_every == 0 ? 0 : jitter), 42, 90, 60});
  }
  return p;
}

TEST(GridFit, OnGridTakesFitAndOffGridTakesDoNot) {
  const Grid sixteenth{Meter{4, 4}, Subdivision::sixteenth};
  const Grid triplet{Meter{4, 4}, Subdivision::triplet};
  EXPECT_NEAR(grid_fit(eighths_at(100, 1, 0), sixteenth), 0.0, 1e-9);
  // Swung eighths at 2:1 sit on the triplet grid, a third of a sixteenth off the straight one.
  auto swung = eighths_at(100, 2, 80);
  EXPECT_NEAR(grid_fit(swung, triplet), 0.0, 1e-9);
  EXPECT_GT(grid_fit(swung, sixteenth), 0.3);
  // A take played to another tempo drifts across the grid: it fits neither.
  Pattern drifting;
  drifting.length_ticks = 16 * 1920;
  for (int i = 0; i < 128; ++i) drifting.hits.push_back({static_cast<std::int64_t>(i * 251.3), 42, 90, 60});
  EXPECT_GT(std::min(grid_fit(drifting, sixteenth), grid_fit(drifting, triplet)), kOffGridFit);
  EXPECT_EQ(grid_fit(Pattern{}, sixteenth), 1.0);
}

TEST(GridFit, PlacementBiasIsTheTakesOwnOffset) {
  auto early = eighths_at(100, 1, 0);
  for (auto& h : early.hits) h.tick += 25;  // the whole take 25 ticks late
  EXPECT_NEAR(placement_bias_ticks(early), 25.0, 1e-9);
  EXPECT_NEAR(grid_fit(early, Grid{Meter{4, 4}, Subdivision::sixteenth}), 0.0, 1e-9);
}

TEST(GridFit, PlacementMsIsTheMeanOfTheTakesBias) {
  // At 100 BPM a tick is 1.25 ms: one take 16 ticks early (-20 ms), one 8 ticks late (+10 ms).
  auto ahead = eighths_at(100, 1, 0);
  auto behind = eighths_at(100, 1, 0);
  for (auto& h : ahead.hits) h.tick += 1920 - 16;  // shifted by a bar so no onset is below 0
  for (auto& h : behind.hits) h.tick += 8;
  ahead.length_ticks += 1920;
  const std::vector<Pattern> takes{ahead, behind};
  auto m = analyze_patterns(takes, Grid{Meter{4, 4}, Subdivision::sixteenth});
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->placement_ms, -5.0, 1e-9);
  // The step offsets are measured from each take's own pulse: the shift is not in them.
  EXPECT_NEAR(m->lanes[lane_index(Lane::closed_hat)].offset_mean_ms, 0.0, 1e-9);
  EXPECT_EQ(analyze_patterns(std::span<const Pattern>{}, Grid{Meter{4, 4}, Subdivision::sixteenth})->placement_ms, 0.0);
}

TEST(GridFit, NoteVelocityIsEachFrequentNotesLevelAgainstItsLane) {
  Pattern p;
  p.tempo_bpm = 100;
  p.length_ticks = 4 * 1920;
  // Snare lane: 16 head hits at 110, 16 cross-sticks at 50, 4 rim shots at 90 (too few).
  for (int i = 0; i < 16; ++i) {
    p.hits.push_back({i * 480, 38, 110, 60});
    p.hits.push_back({i * 480 + 240, 37, 50, 60});
  }
  for (int i = 0; i < 4; ++i) p.hits.push_back({i * 1920 + 120, 40, 90, 60});
  p.sort_hits();
  auto m = analyze_patterns(std::span(&p, 1), Grid{Meter{4, 4}, Subdivision::sixteenth});
  ASSERT_TRUE(m);
  const double lane_mean = (16 * 110.0 + 16 * 50.0 + 4 * 90.0) / 36.0;
  ASSERT_EQ(m->note_velocity.size(), 2U);
  EXPECT_EQ(m->note_velocity[0].note, 37);
  EXPECT_NEAR(m->note_velocity[0].offset, 50.0 - lane_mean, 1e-9);
  EXPECT_EQ(m->note_velocity[1].note, 38);
  EXPECT_NEAR(m->note_velocity[1].offset, 110.0 - lane_mean, 1e-9);
}

TEST(Analyzer, ContextFeelHoldsMediansPerContext) {
  // 12 bars at 125 BPM (1 ms per tick): eighth hats, kick on 1 and 3, snare on 2 (velocity
  // cycling 100/110/126, 10 ticks late) and on 4 (always 60, on time), one tom hit.
  Pattern p = make_pattern(12, 125.0);
  const std::uint8_t backbeat[] = {100, 110, 126};
  for (int b = 0; b < 12; ++b) {
    const std::int64_t bar = b * kBar;
    for (int e = 0; e < 8; ++e) p.hits.push_back({bar + e * kPpq / 2, 42, 80, 30});
    p.hits.push_back({bar, 36, 100, 60});
    p.hits.push_back({bar + 2 * kPpq, 36, 100, 60});
    p.hits.push_back({bar + kPpq + 10, 38, backbeat[b % 3], 60});
    p.hits.push_back({bar + 3 * kPpq, 38, 60, 60});
  }
  p.hits.push_back({5 * kBar + 3 * kPpq + kPpq / 4, 48, 90, 60});
  p.sort_hits();
  const GrooveModel m = analyze_one(p);
  ASSERT_TRUE(std::is_sorted(m.context_feel.begin(), m.context_feel.end(),
                             [](const ContextFeel& a, const ContextFeel& b) { return a.key < b.key; }));
  const auto find = [&](std::uint64_t key) -> const ContextFeel* {
    for (const auto& c : m.context_feel) {
      if (c.key == key) return &c;
    }
    return nullptr;
  };
  const auto snare = lane_index(Lane::snare);
  const LaneMask snare_hat = (1U << lane_index(Lane::snare)) | (1U << lane_index(Lane::closed_hat));
  // The note over all steps: 12 hits at 60, 4 each at 100, 110, 126 -> median (60 + 100) / 2.
  const auto* note = find(context_key(ContextLevel::note, snare, 0, 0, 38, 0, 0));
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->hits, 24U);
  EXPECT_DOUBLE_EQ(note->velocity, 80.0);
  // Beat 2: median 110, 10 ms late.
  const auto* beat2 = find(context_key(ContextLevel::step, snare, 4, 0, 38, 0, 0));
  ASSERT_NE(beat2, nullptr);
  EXPECT_EQ(beat2->hits, 12U);
  EXPECT_DOUBLE_EQ(beat2->velocity, 110.0);
  EXPECT_NEAR(beat2->offset_ms, 10.0, 1e-3);
  const auto* with_hat = find(context_key(ContextLevel::mask, snare, 12, snare_hat, 38, 0, 0));
  ASSERT_NE(with_hat, nullptr);
  EXPECT_DOUBLE_EQ(with_hat->velocity, 60.0);
  EXPECT_NEAR(with_hat->offset_ms, 0.0, 1e-3);
  // Nothing sounds on the sixteenths around the backbeat (the tom's bar is the exception).
  const auto* around = find(context_key(ContextLevel::neighbours, snare, 12, snare_hat, 38, 0, 0));
  ASSERT_NE(around, nullptr);
  EXPECT_EQ(around->hits, 11U);
  // Seen fewer than kMinContextFeelHits times: left out.
  for (const auto& c : m.context_feel) {
    EXPECT_GE(c.hits, kMinContextFeelHits);
    EXPECT_NE((c.key >> 56) & 0xf, lane_index(Lane::high_tom));
  }
}

}  // namespace
}  // namespace mdg::analyzer_test
