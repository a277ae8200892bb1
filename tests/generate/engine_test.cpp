#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "core/rng.hpp"
#include "generate/bar_plan.hpp"
#include "generate/engine.hpp"
#include "groove/analyzer.hpp"
#include "midi/midi_file.hpp"

namespace mdg::engine_test {
namespace {

// A looped rock groove: kick on 1 and 3, snare on 2 and 4, eighth-note hats.
Pattern rock_loop(int bars) {
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = 100;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * 120, 42, 80, 60});
    p.hits.push_back({base + 0, 36, 110, 60});
    p.hits.push_back({base + 8 * 120, 36, 105, 60});
    p.hits.push_back({base + 4 * 120, 38, 115, 60});
    p.hits.push_back({base + 12 * 120, 38, 112, 60});
  }
  p.sort_hits();
  return p;
}

// Random grooves around a backbeat, to give the model real choices.
Pattern varied_grooves(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; ++s) {
      const std::int64_t t = base + s * 120;
      if (s % 2 == 0 || rng.chance(0.3)) p.hits.push_back({t, 42, static_cast<std::uint8_t>(60 + rng.below(40)), 60});
      if (s == 0 || (s % 4 != 0 && rng.chance(0.2)) || (s == 8 && rng.chance(0.8)))
        p.hits.push_back({t, 36, 100, 60});
      if (s == 4 || s == 12) p.hits.push_back({t, 38, 115, 60});
      else if (s % 2 == 1 && rng.chance(0.25)) p.hits.push_back({t, 38, 30, 60});
    }
  }
  p.sort_hits();
  return p;
}

GrooveModel learn(const std::vector<Pattern>& patterns, Subdivision sub) {
  auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, sub});
  EXPECT_TRUE(acc.has_value());
  for (const auto& p : patterns) acc->add(p);
  return acc->finish();
}

StyleProfile profile_from(const std::vector<Pattern>& beats, const std::vector<Pattern>& fills = {}) {
  StyleProfile profile;
  profile.id = "test-style";
  profile.name = "Test Style";
  profile.tempo = {90, 110, 100};
  profile.groove.sixteenth = learn(beats, Subdivision::sixteenth);
  profile.groove.triplet = learn(beats, Subdivision::triplet);
  if (!fills.empty()) {
    profile.groove.fill_sixteenth = learn(fills, Subdivision::sixteenth);
    profile.groove.fill_triplet = learn(fills, Subdivision::triplet);
  }
  profile.groove.feel = Subdivision::sixteenth;
  return profile;
}

int grid_hits(const GrooveGrid& g) {
  int n = 0;
  for (const auto& cell : g.cells) n += static_cast<int>(std::count_if(cell.begin(), cell.end(), [](auto v) { return v > 0; }));
  return n;
}

// A 4/4 take of `bars` bars: `bar(pattern, bar_start_tick, rng)` adds each bar's hits, all
// drawn from one generator seeded with `seed`.
template <typename Bar>
Pattern take_of(int bars, std::uint64_t seed, Bar bar) {
  Rng rng(seed);
  Pattern p;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) bar(p, b * p.meter.ticks_per_bar(), rng);
  p.sort_hits();
  return p;
}

// One drummer of a two-drummer genre: hi-hat eighths, kick on 1 and 3 (now and then the "and"
// of 3), snare on 2 and 4; one drummer adds snare ghost notes (velocity 30) on the last
// sixteenth of beats 2, 3 and 4, the other plays none.
Pattern drummer_take(bool ghosts, int bars, std::uint64_t seed) {
  return take_of(bars, seed, [&](Pattern& p, std::int64_t base, Rng& rng) {
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * 120, 42, static_cast<std::uint8_t>(70 + rng.below(30)), 60});
    p.hits.push_back({base, 36, 105, 60});
    p.hits.push_back({base + 8 * 120, 36, 100, 60});
    if (rng.chance(0.3)) p.hits.push_back({base + 10 * 120, 36, 95, 60});
    p.hits.push_back({base + 4 * 120, 38, 112, 60});
    p.hits.push_back({base + 12 * 120, 38, 112, 60});
    for (int s : {7, 11, 15}) {
      if (ghosts && rng.chance(0.6)) p.hits.push_back({base + s * 120, 38, 30, 60});
    }
  });
}

// A genre learned from `takes` as derive_profiles learns one: groove bars only, with each
// take's shape.
StyleProfile genre_of(const std::vector<Pattern>& takes) {
  StyleProfile profile = profile_from(takes);
  for (Subdivision sub : {Subdivision::sixteenth, Subdivision::triplet}) {
    AnalyzerOptions options;
    options.groove_bars_only = true;
    options.take_shapes = true;
    auto model = analyze_patterns(takes, Grid{Meter{4, 4}, sub}, options);
    EXPECT_TRUE(model.has_value());
    if (model) (sub == Subdivision::sixteenth ? profile.groove.sixteenth : profile.groove.triplet) = *model;
  }
  return profile;
}

StyleProfile two_drummer_genre() {
  std::vector<Pattern> takes;
  for (std::uint64_t k = 0; k < 3; ++k) {
    takes.push_back(drummer_take(true, 16, 10 + k));
    takes.push_back(drummer_take(false, 16, 20 + k));
  }
  StyleProfile profile = genre_of(takes);
  EXPECT_EQ(profile.groove.sixteenth.takes.size(), 6u);
  return profile;
}

// Per variation: snare ghost notes, and loud snare strokes off the backbeat.
std::vector<std::pair<int, int>> snare_offbeats(const Generation& g) {
  std::vector<std::pair<int, int>> out;
  for (const auto& v : g.variations) {
    int ghosts = 0, loud = 0;
    for (std::size_t cell = 0; cell < v.grid.cells.size(); ++cell) {
      const std::size_t slot = cell % v.grid.slot_ticks.size();
      const int velocity = v.grid.cells[cell][lane_index(Lane::snare)];
      if (velocity == 0 || v.grid.fill_bars[cell / v.grid.slot_ticks.size()] || slot == 4 || slot == 12) continue;
      ++(velocity <= kGhostVelocity ? ghosts : loud);
    }
    out.emplace_back(ghosts, loud);
  }
  return out;
}

TEST(Generate, AGenresVariationsLeanTowardOneMeasuredDrummerEach) {
  StyleProfile profile = two_drummer_genre();
  GenerateOptions o;
  o.variations = 8;
  o.seed = 5;
  auto shaped = generate(profile, o);
  ASSERT_TRUE(shaped) << shaped.error().message;
  int clean = 0, ghosting = 0;
  for (const auto& [ghosts, loud] : snare_offbeats(*shaped)) {
    // A variation on a drummer without ghost notes drops them, rather than playing them loud
    // (the genre's ghost steps still play loud as often as the ghost draw allows, 5%).
    ++(ghosts == 0 ? clean : ghosting);
    if (ghosts == 0) {
      EXPECT_LE(loud, 3);
    }
  }
  EXPECT_GT(clean, 0);
  EXPECT_GT(ghosting, 0);

  // Without the take shapes every variation plays the genre's pooled ghost notes.
  profile.groove.sixteenth.takes.clear();
  profile.groove.triplet.takes.clear();
  auto pooled = generate(profile, o);
  ASSERT_TRUE(pooled);
  for (const auto& [ghosts, loud] : snare_offbeats(*pooled)) EXPECT_GT(ghosts, 0);
}

// The six takes are dealt out in turn: the six variations of any request lean on six
// different takes (three with ghost notes, three without), and so do three consecutive
// requests of two variations. Drawn at random per variation, three and three would come up
// in about 31% of requests.
TEST(Generate, AGenresVariationsAreDealtOverItsTakesInTurn) {
  const StyleProfile profile = two_drummer_genre();
  // Adds the request's variations without and with snare ghost notes to clean and ghosting.
  auto split = [&](std::uint64_t seed, int variations, int& clean, int& ghosting) {
    GenerateOptions o;
    o.variations = variations;
    o.seed = seed;
    auto g = generate(profile, o);
    ASSERT_TRUE(g) << g.error().message;
    for (const auto& [ghosts, loud] : snare_offbeats(*g)) ++(ghosts == 0 ? clean : ghosting);
  };
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    int clean = 0, ghosting = 0;
    split(seed, 6, clean, ghosting);
    EXPECT_EQ(clean, 3) << "seed " << seed;
    EXPECT_EQ(ghosting, 3) << "seed " << seed;
  }
  for (std::uint64_t first : {4u, 7u}) {
    int clean = 0, ghosting = 0;
    for (std::uint64_t seed = first; seed < first + 3; ++seed) split(seed, 2, clean, ghosting);
    EXPECT_EQ(clean, 3) << "seeds " << first << "-" << first + 2;
    EXPECT_EQ(ghosting, 3) << "seeds " << first << "-" << first + 2;
  }
}

// Two drummers of one genre: hi-hat eighths and snare on 2 and 4 alike, the kick on 1 and
// then on 3 (one drummer) or on the "and" of 3 (the other), now and then also on the last
// sixteenth. At the third beat both play in the same context, so the genre's step model
// mixes them.
Pattern kick_take(bool late, int bars, std::uint64_t seed) {
  return take_of(bars, seed, [&](Pattern& p, std::int64_t base, Rng& rng) {
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * 120, 42, 80, 60});
    p.hits.push_back({base, 36, 100, 60});
    p.hits.push_back({base + (late ? 10 : 8) * 120, 36, 100, 60});
    if (rng.chance(0.4)) p.hits.push_back({base + 15 * 120, 36, 90, 60});
    p.hits.push_back({base + 4 * 120, 38, 110, 60});
    p.hits.push_back({base + 12 * 120, 38, 110, 60});
  });
}

// Groove bars of the variations with both drummers' kicks at the third beat, or neither.
int mixed_bars(const Generation& g) {
  int mixed = 0;
  for (const auto& v : g.variations) {
    const std::size_t slots = v.grid.slot_ticks.size();
    for (int bar = 0; bar < v.grid.bars; ++bar) {
      if (v.grid.fill_bars[static_cast<std::size_t>(bar)]) continue;
      const auto kick = [&](std::size_t slot) {
        return v.grid.cells[static_cast<std::size_t>(bar) * slots + slot][lane_index(Lane::kick)] > 0;
      };
      if (kick(8) == kick(10)) ++mixed;
    }
  }
  return mixed;
}

// A genre's variation follows its drummer's own transitions, not only the drummer's onset
// shares: it plays one drummer's kick at the third beat. With the takes' bars left out (the
// engine then samples the genre's mixed model, tilted toward the take in the cymbals and
// toms alone) bars with both kicks or neither come up.
TEST(Generate, AGenresVariationFollowsItsDrummersOwnTransitions) {
  std::vector<Pattern> takes;
  for (std::uint64_t k = 0; k < 3; ++k) {
    takes.push_back(kick_take(false, 16, 30 + k));
    takes.push_back(kick_take(true, 16, 40 + k));
  }
  StyleProfile profile = genre_of(takes);
  ASSERT_EQ(profile.groove.sixteenth.takes.size(), 6u);
  ASSERT_EQ(profile.groove.sixteenth.takes[0].bars.size(), 16u * 16u);
  GenerateOptions o;
  o.variations = 6;
  o.bars = 16;
  int following = 0, tilted = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    o.seed = seed;
    auto g = generate(profile, o);
    ASSERT_TRUE(g) << g.error().message;
    following += mixed_bars(*g);
  }
  for (TakeShape& t : profile.groove.sixteenth.takes) t.bars.clear();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    o.seed = seed;
    auto g = generate(profile, o);
    ASSERT_TRUE(g) << g.error().message;
    tilted += mixed_bars(*g);
  }
  EXPECT_GT(tilted, 20);
  EXPECT_LT(following * 2, tilted) << following << " mixed bars following the takes, " << tilted << " tilted";
}

TEST(Generate, AnArtistsVariationsIgnoreTheGenresTakeShapes) {
  StyleProfile profile = two_drummer_genre();
  profile.kind = ProfileKind::artist;
  GenerateOptions o;
  o.variations = 6;
  o.seed = 9;
  auto with_shapes = generate(profile, o);
  profile.groove.sixteenth.takes.clear();
  profile.groove.triplet.takes.clear();
  auto without = generate(profile, o);
  ASSERT_TRUE(with_shapes && without);
  for (std::size_t i = 0; i < without->variations.size(); ++i) {
    EXPECT_EQ(write_midi(with_shapes->variations[i].pattern, {}), write_midi(without->variations[i].pattern, {}));
  }
}

// Three tight drummers (every hit within 2 ms of the grid) and three loose ones (offsets
// drawn with an SD of about 25 ms) playing the same groove.
StyleProfile tight_and_loose_genre() {
  std::vector<Pattern> takes;
  for (std::uint64_t k = 0; k < 3; ++k) {
    for (const bool loose : {false, true}) {
      takes.push_back(take_of(16, 50 + 2 * k + (loose ? 1 : 0), [&](Pattern& p, std::int64_t base, Rng& rng) {
        // 120 BPM: 1.04 ms a tick.
        const auto off = [&] {
          return static_cast<std::int64_t>(std::lround(loose ? 24.0 * rng.normal() : 2.0 * (2.0 * rng.uniform() - 1.0)));
        };
        for (int s = 0; s < 16; s += 2) p.hits.push_back({std::max<std::int64_t>(0, base + s * 120 + off()), 42, 80, 60});
        p.hits.push_back({std::max<std::int64_t>(0, base + off()), 36, 100, 60});
        p.hits.push_back({base + 8 * 120 + off(), 36, 100, 60});
        p.hits.push_back({base + 4 * 120 + off(), 38, 110, 60});
        p.hits.push_back({base + 12 * 120 + off(), 38, 110, 60});
      }));
    }
  }
  return genre_of(takes);
}

// Per variation, the RMS distance of its groove bars' notes from their grid slots, in ticks.
std::vector<double> timing_rms(const Generation& g) {
  std::vector<double> out;
  for (const auto& v : g.variations) {
    const std::int64_t bar_ticks = v.pattern.meter.ticks_per_bar();
    double sq = 0.0;
    int n = 0;
    for (const Hit& h : v.pattern.hits) {
      const std::int64_t bar = (h.tick + 60) / bar_ticks;
      if (bar >= v.grid.bars || v.grid.fill_bars[static_cast<std::size_t>(bar)]) continue;
      const double d = static_cast<double>(h.tick - bar * bar_ticks);
      const double slot = std::round(d / 120.0) * 120.0;
      sq += (d - slot) * (d - slot);
      ++n;
    }
    out.push_back(n > 0 ? std::sqrt(sq / n) : 0.0);
  }
  return out;
}

// A genre's variation plays as tightly as the drummer it leans toward: the three variations
// on tight takes sit well closer to the grid than the three on loose ones. Without the
// takes' measured timing all six play the genre's pooled spread alike.
TEST(Generate, AGenresVariationPlaysAsTightlyAsItsDrummer) {
  StyleProfile profile = tight_and_loose_genre();
  ASSERT_EQ(profile.groove.sixteenth.takes.size(), 6u);
  profile.kind = ProfileKind::genre;
  GenerateOptions o;
  o.variations = 6;
  o.bars = 8;
  o.tempo_bpm = 120.0;
  o.seed = 3;
  auto timed = generate(profile, o);
  ASSERT_TRUE(timed) << timed.error().message;
  std::vector<double> rms = timing_rms(*timed);
  std::sort(rms.begin(), rms.end());
  EXPECT_GT(rms[3], 1.8 * rms[2]) << rms[0] << " " << rms[2] << " " << rms[3] << " " << rms[5];

  for (TakeShape& t : profile.groove.sixteenth.takes) t.timing_sd_ms = 0.0;  // as in older models
  auto pooled = generate(profile, o);
  ASSERT_TRUE(pooled);
  rms = timing_rms(*pooled);
  std::sort(rms.begin(), rms.end());
  EXPECT_LT(rms[5], 1.5 * rms[0]) << rms[0] << " " << rms[5];
}

TEST(Generate, RejectsParametersOutOfRangeNamingAllowedValues) {
  const auto profile = profile_from({rock_loop(4)});
  struct Case {
    GenerateOptions options;
    const char* expect;
  };
  std::vector<Case> cases;
  GenerateOptions o;
  o.bars = 0;
  cases.push_back({o, "--bars 0 is not allowed; allowed: whole numbers 1-16"});
  o = {};
  o.bars = 17;
  cases.push_back({o, "1-16"});
  o = {};
  o.variations = 9;
  cases.push_back({o, "1-8"});
  o = {};
  o.humanize = 1.5;
  cases.push_back({o, "0-1"});
  o = {};
  o.complexity = -0.1;
  cases.push_back({o, "0-1"});
  o = {};
  o.tempo_bpm = 301;
  cases.push_back({o, "40-300"});
  o = {};
  o.meter = Meter{4, 3};
  cases.push_back({o, "2, 4, 8 or 16"});
  for (const auto& c : cases) {
    auto g = generate(profile, c.options);
    ASSERT_FALSE(g.has_value()) << c.expect;
    EXPECT_EQ(g.error().code, Errc::invalid_argument);
    EXPECT_NE(g.error().message.find(c.expect), std::string::npos) << g.error().message;
  }
}

TEST(Generate, StyleWithoutGrooveIsAnError) {
  StyleProfile empty;
  empty.name = "Nobody";
  auto g = generate(empty, {});
  ASSERT_FALSE(g.has_value());
  EXPECT_NE(g.error().message.find("no groove model"), std::string::npos);
}

TEST(Generate, StyleLearnedFromALoopReproducesIt) {
  auto profile = profile_from({rock_loop(8)});
  profile.traits.fill_rate = 0.0;
  GenerateOptions o;
  o.bars = 4;
  o.variations = 1;
  o.humanize = 0.0;
  o.seed = 3;
  auto g = generate(profile, o);
  ASSERT_TRUE(g.has_value()) << g.error().describe();
  const auto& grid = g->variations[0].grid;
  ASSERT_EQ(grid.slots_per_bar(), 16);
  for (int bar = 0; bar < 4; ++bar) {
    for (int s = 0; s < 16; ++s) {
      EXPECT_EQ(grid.at(bar, s, Lane::kick) > 0, s == 0 || s == 8) << bar << ":" << s;
      EXPECT_EQ(grid.at(bar, s, Lane::snare) > 0, s == 4 || s == 12) << bar << ":" << s;
      EXPECT_EQ(grid.at(bar, s, Lane::closed_hat) > 0, s % 2 == 0) << bar << ":" << s;
    }
  }
  // Humanize 0: every note exactly on the grid, with the step's mean velocity.
  for (const auto& h : g->variations[0].pattern.hits) {
    EXPECT_EQ(h.tick % 120, 0);
    if (h.note == 38) {
      // Each step keeps its own measured velocity: 115 on beat 2, 112 on beat 4.
      EXPECT_EQ(h.velocity, h.tick % 1920 == 480 ? 115 : 112);
    }
  }
}

TEST(Generate, SameSeedSameBytesOtherSeedOtherMusic) {
  const auto profile = profile_from({varied_grooves(64, 1)});
  GenerateOptions o;
  o.seed = 99;
  auto a = generate(profile, o);
  auto b = generate(profile, o);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->variations.size(), 4u);
  for (std::size_t i = 0; i < a->variations.size(); ++i) {
    EXPECT_EQ(write_midi(a->variations[i].pattern, {}), write_midi(b->variations[i].pattern, {}));
  }
  o.seed = 100;
  auto c = generate(profile, o);
  ASSERT_TRUE(c);
  EXPECT_NE(write_midi(a->variations[0].pattern, {}), write_midi(c->variations[0].pattern, {}));
}

TEST(Generate, VariationsAreDistinct) {
  const auto profile = profile_from({varied_grooves(64, 2)});
  GenerateOptions o;
  o.variations = 8;
  o.seed = 5;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  std::set<std::vector<std::array<std::uint8_t, kLaneCount>>> seen;
  for (const auto& v : g->variations) {
    std::vector<std::array<std::uint8_t, kLaneCount>> onsets;
    for (auto cell : v.grid.cells) {
      for (auto& x : cell) x = x > 0 ? 1 : 0;
      onsets.push_back(cell);
    }
    EXPECT_TRUE(seen.insert(onsets).second) << "duplicate variation";
  }
}

// Onset lanes (ignoring velocity) of one bar of a grid.
std::vector<LaneMask> bar_masks(const GrooveGrid& g, int bar) {
  std::vector<LaneMask> out;
  for (int s = 0; s < g.slots_per_bar(); ++s) {
    LaneMask m = 0;
    for (Lane lane : kAllLanes) {
      if (g.at(bar, s, lane) > 0) m = static_cast<LaneMask>(m | (1U << lane_index(lane)));
    }
    out.push_back(m);
  }
  return out;
}

int lane_distance(const std::vector<LaneMask>& a, const std::vector<LaneMask>& b) {
  int d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += std::popcount(static_cast<unsigned>(a[i] ^ b[i]));
  return d;
}

TEST(Generate, NeighbouringBarsDifferByAFewHitsAndKeepTheGroove) {
  auto profile = profile_from({varied_grooves(64, 2)});
  profile.traits.fill_rate = 0.0;  // no fills: every bar is groove
  GenerateOptions o;
  o.bars = 16;
  o.humanize = 0.0;
  o.seed = 21;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  double total = 0.0;
  int pairs = 0;
  for (const auto& v : g->variations) {
    for (int bar = 0; bar < 16; ++bar) {
      const auto here = bar_masks(v.grid, bar);
      // The backbeat every training bar plays is in every generated bar.
      EXPECT_GT(v.grid.at(bar, 4, Lane::snare), 0) << bar;
      EXPECT_GT(v.grid.at(bar, 12, Lane::snare), 0) << bar;
      if (bar == 0) continue;
      const int d = lane_distance(here, bar_masks(v.grid, bar - 1));
      EXPECT_GT(d, 0) << "bar " << bar << " repeats the bar before";
      EXPECT_LE(d, 14) << "bar " << bar << " is no longer the same groove";
      total += d;
      ++pairs;
    }
  }
  // Like a drummer's bars (about 5 edits apart), neither a loop nor noise.
  EXPECT_GE(total / pairs, 2.0);
  EXPECT_LE(total / pairs, 8.0);
}

TEST(Generate, TempoComesFromTheStyleRangeWhenNotGiven) {
  auto profile = profile_from({rock_loop(4)});
  profile.tempo = {72, 96, 84};
  std::set<double> tempos;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    GenerateOptions o;
    o.seed = seed;
    o.variations = 1;
    auto g = generate(profile, o);
    ASSERT_TRUE(g);
    EXPECT_GE(g->tempo_bpm, 72);
    EXPECT_LE(g->tempo_bpm, 96);
    EXPECT_EQ(g->variations[0].pattern.tempo_bpm, g->tempo_bpm);
    tempos.insert(g->tempo_bpm);
  }
  EXPECT_GT(tempos.size(), 5u);
  GenerateOptions o;
  o.tempo_bpm = 133;
  EXPECT_EQ(generate(profile, o)->tempo_bpm, 133);
}

TEST(Generate, FillsAtPhraseEndsAndACrashAfterThem) {
  auto profile = profile_from({varied_grooves(32, 3)});
  profile.traits.fill_rate = 1.0;
  profile.traits.crash_after_fill = 1.0;
  GenerateOptions o;
  o.bars = 8;
  o.variations = 2;
  o.seed = 11;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  for (const auto& v : g->variations) {
    EXPECT_EQ(v.grid.fill_bars, (std::vector<bool>{false, false, false, true, false, false, false, true}));
    EXPECT_EQ(v.fills, 2);
    EXPECT_GT(v.grid.at(4, 0, Lane::crash), 0) << "crash on the downbeat after the fill";
    EXPECT_GT(v.grid.at(0, 0, Lane::crash), 0) << "the loop's last-bar fill leads into bar 1";
    EXPECT_EQ(v.grid.at(4, 0, Lane::closed_hat), 0);
    // The fill region has snare or tom strokes.
    int drums = 0;
    for (int s = 12; s < 16; ++s) {
      drums += v.grid.at(3, s, Lane::snare) > 0 || v.grid.at(3, s, Lane::high_tom) > 0 ||
               v.grid.at(3, s, Lane::mid_tom) > 0 || v.grid.at(3, s, Lane::low_tom) > 0;
    }
    EXPECT_GE(drums, 2);
  }
}

// Fills hit at the fill model's dynamics: a style whose drummers tap the high tom softly in
// the groove (45) but strike it in their fills (110-125) plays its fills' toms loud and its
// grooves' toms soft.
TEST(Generate, FillsPlayAtTheFillModelsDynamics) {
  std::vector<Pattern> beats{varied_grooves(32, 3)};
  Rng tap(7);
  for (auto& h : beats.front().hits) {
    if (h.note == 42 && h.tick % 1920 == 14 * 120 && tap.chance(0.5)) h.note = 50, h.velocity = 45;
  }
  beats.front().sort_hits();
  std::vector<Pattern> fills;
  Rng strike(9);
  for (int f = 0; f < 24; ++f) {
    Pattern p;
    p.length_ticks = p.meter.ticks_per_bar();
    p.hits.push_back({0, 36, 100, 60});
    for (int s = 8; s < 16; ++s) {
      const auto v = static_cast<std::uint8_t>(110 + strike.below(16));
      p.hits.push_back({s * 120, static_cast<DrumNote>(s < 12 ? 38 : 50), v, 60});
    }
    p.sort_hits();
    fills.push_back(std::move(p));
  }
  auto profile = profile_from(beats, fills);
  profile.traits.fill_rate = 1.0;
  GenerateOptions o;
  o.bars = 8;
  o.variations = 4;
  o.seed = 3;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  double fill_sum = 0, groove_sum = 0;
  int fill_n = 0, groove_n = 0;
  for (const auto& v : g->variations) {
    for (int bar = 0; bar < v.grid.bars; ++bar) {
      const bool fill = v.grid.fill_bars[static_cast<std::size_t>(bar)];
      // The last beat of a fill bar is always in the fill; the groove bars' whole bar is groove.
      for (int s = fill ? 12 : 0; s < 16; ++s) {
        const int vel = v.grid.at(bar, s, Lane::high_tom);
        if (vel <= kGhostVelocity) continue;
        (fill ? fill_sum : groove_sum) += vel;
        ++(fill ? fill_n : groove_n);
      }
    }
  }
  ASSERT_GE(fill_n, 8) << "the fills strike the high tom";
  ASSERT_GE(groove_n, 4) << "the grooves tap it";
  EXPECT_GT(fill_sum / fill_n, 105.0) << "fills at the fill model's level (110-125)";
  EXPECT_LT(groove_sum / groove_n, 70.0) << "grooves at the groove's level (45)";
}

// Without an artist fill rate, crashes mark phrases as often as the model's drummers crash
// on a downbeat: never when they never do (however many fills), at every phrase start when
// they do once per phrase.
TEST(Generate, MeasuredStyleCrashesAsOftenAsItsDrummers) {
  for (const double downbeat_crash : {0.0, 0.25}) {
    auto profile = profile_from({varied_grooves(32, 3)});
    profile.traits.fill_rate = -1.0;  // fills as measured
    profile.traits.crash_after_fill = 1.0;
    profile.traits.phrase_bars = 4;
    GrooveModel& beat = profile.groove.sixteenth;
    beat.fill_rate = 0.25;  // a fill at every phrase end
    beat.lanes[lane_index(Lane::crash)].steps[0].onset_prob = downbeat_crash;
    GenerateOptions o;
    o.bars = 8;
    o.variations = 3;
    o.seed = 5;
    auto g = generate(profile, o);
    ASSERT_TRUE(g);
    for (const auto& v : g->variations) {
      EXPECT_EQ(v.fills, 2);
      for (int bar = 0; bar < 8; bar += 4) {
        if (downbeat_crash == 0.0) {
          EXPECT_EQ(v.grid.at(bar, 0, Lane::crash), 0) << "bar " << bar << ": the drummers never crash";
        } else {
          EXPECT_GT(v.grid.at(bar, 0, Lane::crash), 0) << "bar " << bar << ": a crash per phrase";
        }
      }
    }
  }
}

// Longuet-Higgins & Lee syncopation of every bar of a variation (kick and snare accents).
double grid_syncopation(const GrooveGrid& g) {
  const auto weights = metric_weights(Grid{g.meter, g.subdivision});
  double total = 0;
  for (int bar = 0; bar < g.bars; ++bar) {
    std::vector<std::size_t> accents;
    for (int s = 0; s < g.slots_per_bar(); ++s) {
      if (g.at(bar, s, Lane::kick) > kGhostVelocity || g.at(bar, s, Lane::snare) > kGhostVelocity) {
        accents.push_back(static_cast<std::size_t>(s));
      }
    }
    total += bar_syncopation(accents, weights);
  }
  return total;
}

TEST(Generate, ComplexityRaisesDensityAndSyncopationMonotonically) {
  const auto profile = profile_from({varied_grooves(64, 4), varied_grooves(64, 5)});
  double last_hits = -1, last_syncopation = -1;
  for (double c : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    double hits = 0, syncopation = 0;
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
      GenerateOptions o;
      o.complexity = c;
      o.seed = seed;
      o.variations = 2;
      auto g = generate(profile, o);
      ASSERT_TRUE(g);
      for (const auto& v : g->variations) {
        hits += grid_hits(v.grid);
        syncopation += grid_syncopation(v.grid);
      }
    }
    EXPECT_GT(hits, last_hits) << "complexity " << c;
    EXPECT_GT(syncopation, last_syncopation) << "complexity " << c << " hits " << hits;
    last_hits = hits;
    last_syncopation = syncopation;
  }
}

TEST(Generate, SevenEightIsAValidBar) {
  const auto profile = profile_from({varied_grooves(32, 6)});
  GenerateOptions o;
  o.meter = Meter{7, 8};
  o.bars = 4;
  o.seed = 8;
  auto g = generate(profile, o);
  ASSERT_TRUE(g) << g.error().describe();
  for (const auto& v : g->variations) {
    EXPECT_EQ(v.grid.slots_per_bar(), 14);
    EXPECT_EQ(v.pattern.meter, (Meter{7, 8}));
    EXPECT_EQ(v.pattern.length_ticks, 4 * 1680);
    for (const auto& h : v.pattern.hits) {
      EXPECT_GE(h.tick, 0);
      EXPECT_LT(h.tick, v.pattern.length_ticks);
    }
    for (int bar = 0; bar < 4; ++bar) EXPECT_GT(v.grid.at(bar, 0, Lane::kick), 0) << "downbeat kick";
  }
}

TEST(Generate, CompoundMetersOfASwungStyleUseTheTripletModel) {
  auto profile = profile_from({varied_grooves(32, 7)});
  profile.groove.feel = Subdivision::triplet;
  GenerateOptions o;
  o.meter = Meter{12, 8};
  o.humanize = 0;
  o.seed = 2;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->subdivision, Subdivision::triplet);
  const auto& v = g->variations[0];
  EXPECT_EQ(v.grid.slots_per_bar(), 12);
  for (const auto& h : v.pattern.hits) EXPECT_EQ(h.tick % 240, 0) << "eighth-note positions";
}

TEST(Generate, CompoundMetersOfAStraightStyleKeepEighthNoteTime) {
  // Eighth-note hats, kick on 1, snare on 3 (a straight 4/4 groove) become, in 6/8, hats on
  // every eighth with the kick on beat 1 and the snare on beat 2 (the dotted beats).
  auto profile = profile_from({rock_loop(8)});
  profile.traits.fill_rate = 0.0;
  GenerateOptions o;
  o.meter = Meter{6, 8};
  o.humanize = 0;
  o.bars = 2;
  o.seed = 1;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->subdivision, Subdivision::sixteenth);
  const auto& grid = g->variations[0].grid;
  ASSERT_EQ(grid.slots_per_bar(), 12);
  for (int s = 0; s < 12; ++s) {
    EXPECT_EQ(grid.at(0, s, Lane::closed_hat) > 0, s % 2 == 0) << s;
  }
  EXPECT_GT(grid.at(0, 0, Lane::kick), 0);
  EXPECT_GT(grid.at(0, 6, Lane::snare), 0);
}

// Other meters take the 4/4 loop by metric role (generate/bar_plan): 3/4 is kick 1, kick 2,
// snare 3 (the model's beats 1, 3, 4); 5/4 is 3+2, that bar of 3/4 then 2/4 (kick, snare);
// 7/8 is 2+2+3 with the kick on 1 and the backbeat on the other group starts; 12/8 plays
// the four beats on its dotted quarters.
TEST(Generate, OtherMetersPlayTheLoopByMetricRole) {
  auto profile = profile_from({rock_loop(8)});
  profile.traits.fill_rate = 0.0;
  profile.traits.ghost_notes = 1.0;
  struct Case {
    const char* meter;
    std::vector<int> kicks, snares;  // slots (sixteenths) of one bar
  };
  const std::vector<Case> cases = {
      {"3/4", {0, 4}, {8}},
      {"5/4", {0, 4, 12}, {8, 16}},
      {"7/8", {0}, {4, 8}},
      {"12/8", {0, 12}, {6, 18}},
  };
  for (const auto& c : cases) {
    GenerateOptions o;
    o.meter = *Meter::parse(c.meter);
    o.humanize = 0;
    o.bars = 2;
    o.variations = 1;
    o.seed = 5;
    auto g = generate(profile, o);
    ASSERT_TRUE(g) << c.meter;
    const GrooveGrid& grid = g->variations[0].grid;
    ASSERT_EQ(grid.subdivision, Subdivision::sixteenth) << c.meter;
    for (int s = 0; s < grid.slots_per_bar(); ++s) {
      const bool kick = std::find(c.kicks.begin(), c.kicks.end(), s) != c.kicks.end();
      const bool snare = std::find(c.snares.begin(), c.snares.end(), s) != c.snares.end();
      EXPECT_EQ(grid.at(0, s, Lane::kick) > 0, kick) << c.meter << " kick at slot " << s;
      EXPECT_EQ(grid.at(0, s, Lane::snare) > 0, snare) << c.meter << " snare at slot " << s;
    }
  }
}

// A jazz waltz from a 4/4 spang-a-lang loop on the triplet grid (ride on the beats with the
// skip note on the last triplet of beats 2 and 4, hi-hat foot on 2 and 4, kick on 1): 3/4 takes the model's beats 1, 3, 4, so the ride plays 1, 2, 3 and the
// skip into the next bar, the hi-hat foot closes the bar on 3 and the kick leads on 1.
TEST(Generate, ThreeFourOfASpangALangLoopIsAJazzWaltz) {
  Pattern swing;
  swing.meter = Meter{4, 4};
  swing.tempo_bpm = 140;
  swing.length_ticks = swing.meter.ticks_per_bar() * 8;
  for (int b = 0; b < 8; ++b) {
    const std::int64_t base = b * swing.meter.ticks_per_bar();
    for (int beat = 0; beat < 4; ++beat) {
      swing.hits.push_back({base + beat * 480, 51, 90, 60});
      if (beat % 2 == 1) {
        swing.hits.push_back({base + beat * 480 + 320, 51, 70, 60});
        swing.hits.push_back({base + beat * 480, 44, 70, 60});
      }
    }
    swing.hits.push_back({base, 36, 90, 60});
  }
  swing.sort_hits();
  auto profile = profile_from({swing});
  profile.groove.feel = Subdivision::triplet;
  profile.traits.fill_rate = 0.0;
  GenerateOptions o;
  o.meter = Meter{3, 4};
  o.humanize = 0;
  o.bars = 2;
  o.variations = 1;
  o.seed = 4;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  const GrooveGrid& grid = g->variations[0].grid;
  ASSERT_EQ(grid.subdivision, Subdivision::triplet);
  ASSERT_EQ(grid.slots_per_bar(), 9);
  const std::set<int> ride = {0, 3, 6, 8}, hat = {6}, kick = {0};
  for (int s = 0; s < 9; ++s) {
    EXPECT_EQ(grid.at(0, s, Lane::ride) > 0, ride.count(s) > 0) << "ride at triplet " << s;
    EXPECT_EQ(grid.at(0, s, Lane::closed_hat) > 0, hat.count(s) > 0) << "hi-hat at triplet " << s;
    EXPECT_EQ(grid.at(0, s, Lane::kick) > 0, kick.count(s) > 0) << "kick at triplet " << s;
    EXPECT_EQ(grid.at(0, s, Lane::snare), 0) << "snare at triplet " << s;
  }
}

// A one-drop loop: hi-hat eighths, kick and cross-stick on 3 only.
Pattern one_drop(int bars) {
  Pattern drop;
  drop.meter = Meter{4, 4};
  drop.tempo_bpm = 80;
  drop.length_ticks = drop.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * drop.meter.ticks_per_bar();
    for (int s = 0; s < 16; s += 2) drop.hits.push_back({base + s * 120, 42, 80, 60});
    drop.hits.push_back({base + 8 * 120, 36, 110, 60});
    drop.hits.push_back({base + 8 * 120, 37, 100, 60});
  }
  drop.sort_hits();
  return drop;
}

// 5/4's second group is led by the model beat with the surer accent: the downbeat of a
// rock loop, beat 3 of a one-drop (kick and cross-stick on 3 only).
TEST(Generate, FiveFourLeadsItsSecondGroupWithTheSurerAccent) {
  const Meter five{5, 4};
  const auto lead_step = [&](const StyleProfile& profile) {
    const BarPlan plan = plan_bar(five, profile.groove);
    for (const Slot& slot : plan.slots) {
      if (slot.tick == 3 * kPpq) return slot.source_step;
    }
    return -1;
  };
  EXPECT_EQ(lead_step(profile_from({rock_loop(4)})), 0);
  EXPECT_EQ(lead_step(profile_from({one_drop(4)})), 8);
}

// Bars of other meters fall into the groups they are felt in, and the first slot of each
// group is marked; a bar of the model's own four beats is not regrouped.
TEST(BarPlan, GroupStartsFollowTheMeterGrouping) {
  const auto profile = profile_from({rock_loop(4)});
  struct Case {
    const char* meter;
    bool marks;
    std::vector<std::int64_t> starts;  // ticks of the group starts
  };
  const std::vector<Case> cases = {
      {"4/4", false, {}},
      {"12/8", false, {}},
      {"3/4", true, {0}},
      {"5/4", true, {0, 3 * kPpq}},
      {"6/8", true, {0, 3 * kPpq / 2}},
      {"7/8", true, {0, kPpq, 2 * kPpq}},
      {"7/4", true, {0, 2 * kPpq, 4 * kPpq}},
  };
  for (const auto& c : cases) {
    const BarPlan plan = plan_bar(*Meter::parse(c.meter), profile.groove);
    EXPECT_EQ(plan.marks_groups, c.marks) << c.meter;
    std::vector<std::int64_t> starts;
    for (const Slot& slot : plan.slots) {
      if (slot.group_start) starts.push_back(slot.tick);
    }
    EXPECT_EQ(starts, c.starts) << c.meter;
  }
}

// The n-gram's "step before" follows the model: a dotted beat of 6/8 on the sixteenth grid
// plays the model's beat steps 0 1 2 3 2 3, and its fifth sixteenth (step 2 again) is drawn
// after the second (step 1), as the model learned step 2, not after the fourth (step 3).
TEST(BarPlan, TheStepBeforeIsTheModelsStepBefore) {
  const auto profile = profile_from({rock_loop(4)});
  const BarPlan six = plan_bar(Meter{6, 8}, profile.groove);
  ASSERT_EQ(six.subdivision, Subdivision::sixteenth);
  ASSERT_EQ(six.slots.size(), 12U);
  const std::vector<int> previous = {-1, 0, 1, 2, 1, 4, 5, 6, 7, 8, 7, 10};
  for (std::size_t i = 0; i < six.slots.size(); ++i) EXPECT_EQ(six.slots[i].previous, previous[i]) << "slot " << i;
  const BarPlan four = plan_bar(Meter{4, 4}, profile.groove);
  for (std::size_t i = 0; i < four.slots.size(); ++i) EXPECT_EQ(four.slots[i].previous, static_cast<int>(i) - 1);
}

// A one-drop is felt from its drop: a bar of another meter (and each part of 5/4's 3+2)
// starts on the model's beat 3 (kick and cross-stick), where a backbeat style starts on its
// downbeat.
TEST(BarPlan, OneDropBarsStartOnTheDrop) {
  const auto drop = profile_from({one_drop(4)});
  const auto rock = profile_from({rock_loop(4)});
  for (const char* meter : {"3/4", "6/8", "7/8", "5/4"}) {
    const BarPlan d = plan_bar(*Meter::parse(meter), drop.groove);
    const BarPlan r = plan_bar(*Meter::parse(meter), rock.groove);
    ASSERT_EQ(d.slots.size(), r.slots.size()) << meter;
    for (std::size_t i = 0; i < d.slots.size(); ++i) {
      if (d.slots[i].tick != 0 && !(std::string(meter) == "5/4" && d.slots[i].tick == 3 * kPpq)) continue;
      EXPECT_EQ(d.slots[i].source_step, 8) << meter << " group start at tick " << d.slots[i].tick;
      EXPECT_EQ(r.slots[i].source_step, 0) << meter << " group start at tick " << r.slots[i].tick;
    }
    // The bar closes on the beat that leads into the drop (the model's beat 2).
    EXPECT_EQ(d.slots.back().source_step / 4, 1) << meter;
  }
  // In the model's own meter the loop plays as learned.
  const BarPlan four = plan_bar(Meter{4, 4}, drop.groove);
  for (std::size_t i = 0; i < four.slots.size(); ++i) EXPECT_EQ(four.slots[i].source_step, static_cast<int>(i));
}

// In another meter the kick, snare, toms and crash on a group start play accented: with
// humanize 0 each note plays its step's mean velocity, so the same model step sounds
// louder on a group start than off one, and in 4/4 nothing changes.
TEST(Generate, OtherMetersAccentTheirGroupStarts) {
  Pattern soft = rock_loop(8);
  for (Hit& h : soft.hits) h.velocity = static_cast<std::uint8_t>(h.velocity * 6 / 10);
  auto profile = profile_from({soft});
  profile.traits.fill_rate = 0.0;
  profile.traits.ghost_notes = 1.0;
  const auto run = [&](const char* meter) {
    GenerateOptions o;
    o.meter = *Meter::parse(meter);
    o.humanize = 0;
    o.bars = 2;
    o.variations = 1;
    o.seed = 5;
    auto g = generate(profile, o);
    EXPECT_TRUE(g) << meter;
    return g->variations[0].grid;
  };
  const GrooveGrid four = run("4/4");
  const int kick_one = four.at(0, 0, Lane::kick), kick_three = four.at(0, 8, Lane::kick);
  const int snare_four = four.at(0, 12, Lane::snare);
  EXPECT_EQ(kick_one, 66);  // 110 x 0.6: no accent in the model's own meter
  // 5/4 = 3+2: kicks on 1 and 4 (group starts, the model's downbeat) and on 2 (its beat 3),
  // snares on 3 and 5 (its beat 4).
  const GrooveGrid five = run("5/4");
  EXPECT_GT(five.at(0, 0, Lane::kick), kick_one * 12 / 10);
  EXPECT_EQ(five.at(0, 12, Lane::kick), five.at(0, 0, Lane::kick));
  EXPECT_EQ(five.at(0, 4, Lane::kick), kick_three);
  EXPECT_EQ(five.at(0, 8, Lane::snare), snare_four);
  EXPECT_EQ(five.at(0, 16, Lane::snare), snare_four);
  // 7/8 = 2+2+3: the snares on 3 and 5 (eighths) lead the second and third groups.
  const GrooveGrid seven = run("7/8");
  EXPECT_GT(seven.at(0, 8, Lane::snare), snare_four * 12 / 10);
  EXPECT_GT(seven.at(0, 0, Lane::kick), kick_one * 12 / 10);
}

// Another meter's groups are marked: from grooves whose downbeat kick comes in half the
// bars (the hi-hat alone in the others), most 3/4 bars start with a kick, while in 4/4 the
// downbeat keeps about its measured share.
TEST(Generate, OtherMetersMarkTheirGroupStartsWithAStroke) {
  Rng rng(21);
  Pattern p;
  const int bars = 64;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * 120, 42, 80, 60});
    if (rng.chance(0.5)) p.hits.push_back({base, 36, 100, 60});
    p.hits.push_back({base + 6 * 120, 36, 100, 60});
    p.hits.push_back({base + 4 * 120, 38, 110, 60});
    p.hits.push_back({base + 12 * 120, 38, 110, 60});
  }
  p.sort_hits();
  auto profile = profile_from({p});
  profile.traits.fill_rate = 0.0;
  const auto marked_share = [&](const char* meter) {
    int marked = 0, total = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      GenerateOptions o;
      o.meter = *Meter::parse(meter);
      o.humanize = 0;
      o.bars = 8;
      o.variations = 4;
      o.seed = seed;
      auto g = generate(profile, o);
      EXPECT_TRUE(g) << meter;
      if (!g) return 0.0;
      for (const auto& v : g->variations) {
        for (int b = 0; b < o.bars; ++b) {
          ++total;
          marked += v.grid.at(b, 0, Lane::kick) > 0 ? 1 : 0;
        }
      }
    }
    return static_cast<double>(marked) / total;
  };
  const double four = marked_share("4/4"), three = marked_share("3/4");
  EXPECT_GT(three, 0.65) << "4/4: " << four << " 3/4: " << three;
  EXPECT_GT(three, four + 0.15);
}

TEST(Generate, FillsStartOnABeat) {
  auto profile = profile_from({varied_grooves(32, 12)});
  profile.traits.fill_rate = 1.0;
  for (const char* meter : {"4/4", "6/8", "7/8", "5/4"}) {
    for (double c : {0.0, 0.5, 1.0}) {
      GenerateOptions o;
      o.meter = *Meter::parse(meter);
      o.bars = 2;
      o.complexity = c;
      o.seed = 3;
      auto g = generate(profile, o);
      ASSERT_TRUE(g) << meter;
      for (const auto& v : g->variations) EXPECT_TRUE(v.grid.fill_bars[1]) << meter;
    }
  }
}

TEST(Generate, HumanizeMovesNotesOffTheGridWithinBounds) {
  auto beats = varied_grooves(32, 9);
  // Give the performance real microtiming: hats late by 12 ms +- noise.
  Rng rng(1);
  for (auto& h : beats.hits) {
    if (h.note == 42) h.tick += 8 + static_cast<std::int64_t>(rng.below(8));
  }
  const auto profile = profile_from({beats});
  GenerateOptions o;
  o.humanize = 1.0;
  o.seed = 4;
  auto g = generate(profile, o);
  ASSERT_TRUE(g);
  int off = 0;
  int late_hats = 0;
  int hats = 0;
  for (const auto& h : g->variations[0].pattern.hits) {
    const auto rem = h.tick % 120;
    const auto dist = std::min<std::int64_t>(rem, 120 - rem);
    off += dist != 0;
    EXPECT_LE(dist, 54);
    if (h.note == 42) {
      ++hats;
      late_hats += rem > 0 && rem < 60;
    }
  }
  EXPECT_GT(off, 0);
  EXPECT_GT(late_hats * 2, hats) << "the measured late hi-hat feel is reproduced";
}

}  // namespace
}  // namespace mdg::engine_test
