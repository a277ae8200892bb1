// The bar-shaping traits (kick density, open hi-hat, double kick, linear) are visible in
// what the engine writes, in the direction and roughly the amount their values say.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>

#include "core/rng.hpp"
#include "generate/engine.hpp"
#include "generate/trait_shaping.hpp"
#include "groove/analyzer.hpp"
#include "midi/midi_file.hpp"

namespace mdg::trait_shaping_test {
namespace {

// Backbeat grooves with real choices: eighth hats (sometimes opened on the "and"), kicks
// on 1 and 3 and now and then in between, a few snare ghost notes.
Pattern backbeat_takes(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; ++s) {
      const std::int64_t t = base + s * 120;
      if (s % 2 == 0 || rng.chance(0.25)) {
        const bool open = s % 4 == 2 && rng.chance(0.1);
        p.hits.push_back({t, static_cast<DrumNote>(open ? 46 : 42), static_cast<std::uint8_t>(60 + rng.below(40)), 60});
      }
      if (s == 0 || (s % 4 != 0 && rng.chance(0.15)) || (s == 8 && rng.chance(0.8))) p.hits.push_back({t, 36, 100, 60});
      if (s == 4 || s == 12) p.hits.push_back({t, 38, 115, 60});
      else if (s % 2 == 1 && rng.chance(0.2)) p.hits.push_back({t, 38, 30, 60});
    }
  }
  p.sort_hits();
  return p;
}

const StyleProfile& base_profile() {
  static const StyleProfile profile = [] {
    StyleProfile p;
    p.id = "shaping-test";
    p.name = "Shaping Test";
    p.tempo = {90, 110, 100};
    for (Subdivision sub : {Subdivision::sixteenth, Subdivision::triplet}) {
      auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, sub});
      EXPECT_TRUE(acc.has_value());
      acc->add(backbeat_takes(96, 11));
      (sub == Subdivision::sixteenth ? p.groove.sixteenth : p.groove.triplet) = acc->finish();
    }
    p.traits.fill_rate = 0.0;  // no fills: every bar is groove
    return p;
  }();
  return profile;
}

struct Measures {
  int bars = 0;
  double weak_kicks_per_bar = 0;
  double open_hats_per_bar = 0;
  double run_bar_share = 0;       // bars with kicks on 8 or more slots in a row
  double coincidence_share = 0;   // occupied slots with two or more lanes
};

Measures measure(const StyleTraits& traits, std::uint64_t seed = 7) {
  StyleProfile profile = base_profile();
  const double fill_rate = profile.traits.fill_rate;
  profile.traits = traits;
  profile.traits.fill_rate = fill_rate;
  GenerateOptions o;
  o.bars = 8;
  o.variations = 8;
  o.humanize = 0.0;
  o.seed = seed;
  auto g = generate(profile, o);
  EXPECT_TRUE(g) << g.error().describe();
  Measures m;
  int weak_kicks = 0, open = 0, runs = 0, occupied = 0, coinciding = 0;
  for (const auto& v : g->variations) {
    const auto& grid = v.grid;
    for (int bar = 0; bar < grid.bars; ++bar) {
      ++m.bars;
      int streak = 0, longest = 0;
      for (int s = 0; s < grid.slots_per_bar(); ++s) {
        const bool kick = grid.at(bar, s, Lane::kick) > 0;
        if (kick && !grid.beat_starts[static_cast<std::size_t>(s)]) ++weak_kicks;
        streak = kick ? streak + 1 : 0;
        longest = std::max(longest, streak);
        if (grid.at(bar, s, Lane::open_hat) > 0) ++open;
        int lanes = 0;
        for (Lane lane : kAllLanes) lanes += grid.at(bar, s, lane) > 0 ? 1 : 0;
        if (lanes > 0) ++occupied;
        if (lanes > 1) ++coinciding;
      }
      if (longest >= 8) ++runs;
    }
  }
  m.weak_kicks_per_bar = static_cast<double>(weak_kicks) / m.bars;
  m.open_hats_per_bar = static_cast<double>(open) / m.bars;
  m.run_bar_share = static_cast<double>(runs) / m.bars;
  m.coincidence_share = occupied > 0 ? static_cast<double>(coinciding) / occupied : 0.0;
  return m;
}

TEST(TraitShaping, NeutralTraitsAreNeutral) {
  const TraitShaping neutral{StyleTraits{}};
  EXPECT_TRUE(neutral.neutral());
  EXPECT_DOUBLE_EQ(neutral.mask_weight(0x1FF, false), 1.0);
  StyleTraits t;
  t.kick_density = 1.5;
  EXPECT_FALSE(TraitShaping{t}.neutral());
}

TEST(TraitShaping, MaskWeights) {
  StyleTraits t;
  t.kick_density = 2.0;
  const TraitShaping kick{t};
  const auto k = static_cast<LaneMask>(1U << lane_index(Lane::kick));
  EXPECT_DOUBLE_EQ(kick.mask_weight(k, false), 2.0);
  EXPECT_DOUBLE_EQ(kick.mask_weight(k, true), 1.0);  // on the beat: untouched
  t = {};
  t.linear = 1.0;
  const TraitShaping linear{t};
  EXPECT_NEAR(linear.mask_weight(0b111, false), 0.01, 1e-12);  // three lanes: (1 - 0.9)^2
  EXPECT_DOUBLE_EQ(linear.mask_weight(0b1, false), 1.0);
}

TEST(TraitShaping, KickDensityMovesKicksOffTheBeat) {
  const Measures neutral = measure({});
  StyleTraits busy;
  busy.kick_density = 3.0;
  StyleTraits sparse;
  sparse.kick_density = 0.3;
  const Measures b = measure(busy), s = measure(sparse);
  EXPECT_GT(b.weak_kicks_per_bar, 1.3 * neutral.weak_kicks_per_bar)
      << b.weak_kicks_per_bar << " vs " << neutral.weak_kicks_per_bar;
  EXPECT_LT(s.weak_kicks_per_bar, 0.75 * neutral.weak_kicks_per_bar)
      << s.weak_kicks_per_bar << " vs " << neutral.weak_kicks_per_bar;
}

TEST(TraitShaping, OpenHatScalesOpenHiHats) {
  const Measures neutral = measure({});
  StyleTraits many;
  many.open_hat = 4.0;
  StyleTraits none;
  none.open_hat = 0.0;
  const Measures m = measure(many), n = measure(none);
  EXPECT_GT(m.open_hats_per_bar, neutral.open_hats_per_bar + 1.0)
      << m.open_hats_per_bar << " vs " << neutral.open_hats_per_bar;
  EXPECT_EQ(n.open_hats_per_bar, 0.0);
}

TEST(TraitShaping, DoubleKickIsTheShareOfBarsWithARun) {
  EXPECT_EQ(measure({}).run_bar_share, 0.0);
  StyleTraits half;
  half.double_kick = 0.5;
  const double share = measure(half).run_bar_share;
  EXPECT_GT(share, 0.35);  // 64 bars at 0.5: outside 0.35-0.65 about once in 500 seeds
  EXPECT_LT(share, 0.65);
  StyleTraits all;
  all.double_kick = 1.0;
  EXPECT_EQ(measure(all).run_bar_share, 1.0);
}

TEST(TraitShaping, LinearKeepsLimbsApart) {
  const Measures neutral = measure({});
  StyleTraits t;
  t.linear = 1.0;
  const Measures l = measure(t);
  EXPECT_GT(neutral.coincidence_share, 0.3);
  EXPECT_LT(l.coincidence_share, 0.05) << l.coincidence_share;
  t.linear = 0.5;
  const Measures h = measure(t);
  EXPECT_LT(h.coincidence_share, neutral.coincidence_share);
  EXPECT_GT(h.coincidence_share, l.coincidence_share);
}

TEST(TraitShaping, SameSeedSameBytes) {
  StyleTraits t;
  t.kick_density = 2.0;
  t.open_hat = 2.0;
  t.double_kick = 0.3;
  t.linear = 0.4;
  StyleProfile profile = base_profile();
  profile.traits = t;
  GenerateOptions o;
  o.seed = 21;
  auto a = generate(profile, o), b = generate(profile, o);
  ASSERT_TRUE(a && b);
  for (std::size_t i = 0; i < a->variations.size(); ++i) {
    EXPECT_EQ(write_midi(a->variations[i].pattern, {}), write_midi(b->variations[i].pattern, {}));
  }
}

}  // namespace
}  // namespace mdg::trait_shaping_test
