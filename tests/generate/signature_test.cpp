// generate --signature: the entry's signature groove is the core of every variation.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/rng.hpp"
#include "generate/engine.hpp"
#include "generate/signature.hpp"
#include "groove/analyzer.hpp"

namespace mdg::signature_test {
namespace {

// A style model with real choices (so variation has something to draw from).
Pattern takes(int bars, std::uint64_t seed) {
  Rng rng(seed);
  Pattern p;
  p.length_ticks = p.meter.ticks_per_bar() * bars;
  for (int b = 0; b < bars; ++b) {
    const std::int64_t base = b * p.meter.ticks_per_bar();
    for (int s = 0; s < 16; ++s) {
      // Played, not programmed: a few ms early or late.
      const std::int64_t t = base + s * 120 + static_cast<std::int64_t>(rng.below(21)) - 10 + (b == 0 && s == 0 ? 10 : 0);
      if (s % 2 == 0 || rng.chance(0.3)) p.hits.push_back({t, 42, 80, 60});
      if (s == 0 || (s % 4 != 0 && rng.chance(0.2)) || (s == 8 && rng.chance(0.8))) p.hits.push_back({t, 36, 100, 60});
      if (s == 4 || s == 12) p.hits.push_back({t, 38, 115, 60});
    }
  }
  p.sort_hits();
  return p;
}

SignatureGroove groove(std::string name, Meter meter, NotationGrid grid, std::vector<GrooveLaneText> lanes,
                       std::optional<double> tempo = std::nullopt) {
  SignatureGroove g;
  g.name = std::move(name);
  g.meter = meter;
  g.grid = grid;
  g.tempo = tempo;
  g.lanes = std::move(lanes);
  return g;
}

StyleProfile profile_with_grooves() {
  StyleProfile p;
  p.id = "sig-test";
  p.name = "Sig Test";
  p.kind = ProfileKind::artist;
  p.tempo = {90, 110, 100};
  for (Subdivision sub : {Subdivision::sixteenth, Subdivision::triplet}) {
    auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, sub});
    EXPECT_TRUE(acc.has_value());
    acc->add(takes(64, 3));
    (sub == Subdivision::sixteenth ? p.groove.sixteenth : p.groove.triplet) = acc->finish();
  }
  p.traits.fill_rate = 0.0;
  // 1: two bars with a side stick, a ghost and a cowbell; 2: a 12/8 groove on eighths;
  // 3: a shuffle on the triplet grid.
  p.signature_grooves.push_back(groove("Two-bar", Meter{4, 4}, NotationGrid::sixteenth,
                                       {{"kick", "X-----x---X-----|X-----x-x-------"},
                                        {"side_stick", "----x-------x---|----x-------x---"},
                                        {"snare", "-------g--------|----------------"},
                                        {"closed_hat", "x-x-x-x-x-x-x-x-|x-x-x-x-x-x-x-o-"},
                                        {"cowbell", "X---X---X---X---|X---X---X---X---"}},
                                       96.0));
  p.signature_grooves.push_back(groove("Compound", Meter{12, 8}, NotationGrid::eighth,
                                       {{"kick", "X-----x-----"}, {"snare", "---X-----X--"},
                                        {"ride", "xxxxxxxxxxxx"}}));
  p.signature_grooves.push_back(groove("Shuffle", Meter{4, 4}, NotationGrid::triplet,
                                       {{"kick", "X-----X-----"}, {"snare", "---X-----X--"},
                                        {"closed_hat", "x-xx-xx-xx-x"}}));
  return p;
}

GenerateOptions plain(int signature, Meter meter = Meter{4, 4}) {
  GenerateOptions o;
  o.bars = 4;
  o.variations = 3;
  o.humanize = 0.0;
  o.seed = 4;
  o.meter = meter;
  o.signature = signature;
  return o;
}

bool has(const GrooveGrid& g, int bar, int slot, Lane lane) { return g.at(bar, slot, lane) > 0; }

TEST(Signature, TheFirstVariationOpensWithTheGrooveAsWritten) {
  const auto profile = profile_with_grooves();
  auto g = generate(profile, plain(1));
  ASSERT_TRUE(g) << g.error().describe();
  EXPECT_EQ(g->signature, "Two-bar");
  EXPECT_EQ(g->tempo_bpm, 96.0);  // the groove's tempo, no --tempo given
  const GrooveGrid& grid = g->variations[0].grid;
  ASSERT_EQ(grid.slots_per_bar(), 16);
  const std::string kick[2] = {"X-----x---X-----", "X-----x-x-------"};
  for (int bar = 0; bar < 2; ++bar) {
    for (int s = 0; s < 16; ++s) {
      const auto i = static_cast<std::size_t>(s);
      EXPECT_EQ(has(grid, bar, s, Lane::kick), kick[bar][i] != '-') << bar << ":" << s;
      EXPECT_EQ(has(grid, bar, s, Lane::snare), s == 4 || s == 12 || (bar == 0 && s == 7)) << bar << ":" << s;
      EXPECT_EQ(has(grid, bar, s, Lane::closed_hat), s % 2 == 0 && !(bar == 1 && s == 14)) << bar << ":" << s;
      EXPECT_EQ(has(grid, bar, s, Lane::open_hat), bar == 1 && s == 14) << bar << ":" << s;
    }
  }
  // Written notes and levels survive: side stick on 2 and 4, a ghost on the snare head,
  // accents on the downbeat kick, and the cowbell (no lane) on every beat of every bar.
  const Pattern& p = g->variations[0].pattern;
  int side = 0, cowbell = 0, ghosts = 0;
  for (const Hit& h : p.hits) {
    if (h.tick >= 2 * p.meter.ticks_per_bar()) continue;
    if (h.note == 37) ++side;
    if (h.note == 38 && h.velocity <= kGhostVelocity) ++ghosts;
    if (h.note == 56) ++cowbell;
    if (h.note == 36 && h.tick == 0) {
      EXPECT_EQ(h.velocity, 115);
    }
  }
  EXPECT_EQ(side, 4);
  EXPECT_EQ(ghosts, 1);
  EXPECT_EQ(cowbell, 8);
  EXPECT_EQ(std::count_if(p.hits.begin(), p.hits.end(), [](const Hit& h) { return h.note == 56; }), 16);
}

TEST(Signature, LaterBarsAndVariationsVaryTheGroove) {
  const auto profile = profile_with_grooves();
  auto g = generate(profile, plain(1));
  ASSERT_TRUE(g);
  ASSERT_EQ(g->variations.size(), 3u);
  auto cells = [](const GrooveGrid& grid, int bar) {
    std::vector<std::array<bool, kLaneCount>> out;
    for (int s = 0; s < grid.slots_per_bar(); ++s) {
      std::array<bool, kLaneCount> c{};
      for (Lane l : kAllLanes) c[lane_index(l)] = grid.at(bar, s, l) > 0;
      out.push_back(c);
    }
    return out;
  };
  const GrooveGrid& first = g->variations[0].grid;
  // Bars 3-4 replay bars 1-2 with changes; other variations change even their first bar.
  EXPECT_NE(cells(first, 2), cells(first, 0));
  EXPECT_NE(cells(g->variations[1].grid, 0), cells(first, 0));
  // ... but stay near the groove: the backbeat and the downbeat kick are kept in most bars.
  int kept = 0, bars = 0;
  for (const auto& v : g->variations) {
    for (int bar = 0; bar < v.grid.bars; ++bar, ++bars) {
      kept += has(v.grid, bar, 0, Lane::kick) && has(v.grid, bar, 4, Lane::snare) && has(v.grid, bar, 12, Lane::snare);
    }
  }
  EXPECT_GE(kept, bars * 2 / 3);
}

TEST(Signature, GridAndMeterComeFromTheGroove) {
  const auto profile = profile_with_grooves();
  auto shuffle = generate(profile, plain(3));
  ASSERT_TRUE(shuffle) << shuffle.error().describe();
  EXPECT_EQ(shuffle->subdivision, Subdivision::triplet);
  EXPECT_EQ(shuffle->variations[0].grid.slots_per_bar(), 12);
  EXPECT_TRUE(has(shuffle->variations[0].grid, 0, 3, Lane::snare));
  EXPECT_TRUE(has(shuffle->variations[0].grid, 0, 2, Lane::closed_hat));

  auto compound = generate(profile, plain(2, Meter{12, 8}));
  ASSERT_TRUE(compound) << compound.error().describe();
  EXPECT_EQ(compound->meter, (Meter{12, 8}));
  EXPECT_EQ(compound->tempo_bpm >= 90 && compound->tempo_bpm <= 110, true);  // no groove tempo: the range
}

TEST(Signature, ClearErrors) {
  auto profile = profile_with_grooves();
  auto wrong_meter = generate(profile, plain(2));  // 12/8 groove asked in 4/4
  ASSERT_FALSE(wrong_meter);
  EXPECT_NE(wrong_meter.error().message.find("is in 12/8"), std::string::npos) << wrong_meter.error().message;

  auto too_far = generate(profile, plain(4));
  ASSERT_FALSE(too_far);
  EXPECT_EQ(too_far.error().code, Errc::invalid_argument);
  EXPECT_NE(too_far.error().message.find("1-3"), std::string::npos) << too_far.error().message;

  profile.signature_grooves.resize(2);
  auto out_of_range = generate(profile, plain(3));
  ASSERT_FALSE(out_of_range);
  EXPECT_NE(out_of_range.error().message.find("has 2 signature grooves; allowed: 1-2"), std::string::npos)
      << out_of_range.error().message;
  EXPECT_NE(out_of_range.error().message.find("'Compound'"), std::string::npos);

  profile.signature_grooves.clear();
  auto none = generate(profile, plain(1));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("has no signature grooves"), std::string::npos) << none.error().message;
}

TEST(Signature, HumanizedLikeAnyVariation) {
  const auto profile = profile_with_grooves();
  GenerateOptions o = plain(1);
  o.humanize = 1.0;
  auto a = generate(profile, o), b = generate(profile, o);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->variations[0].pattern.hits, b->variations[0].pattern.hits);  // same seed, same notes
  int off_grid = 0;
  for (const Hit& h : a->variations[0].pattern.hits) off_grid += h.tick % 120 != 0;
  EXPECT_GT(off_grid, 0);
}

}  // namespace
}  // namespace mdg::signature_test
