#include "style/groove_notation.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mdg::groove_notation_test {
namespace {

SignatureGroove levee() {
  SignatureGroove g;
  g.name = "Levee half-time";
  g.recording = "Led Zeppelin - When the Levee Breaks (1971)";
  g.meter = Meter{4, 4};
  g.grid = NotationGrid::sixteenth;
  g.tempo = 71;
  g.lanes = {{"kick", "X-x-------xx----|X-x-------x-x---"},
             {"snare", "----X-------X---|----X-------X---"},
             {"closed_hat", "x-x-x-x-x-x-x-x-|x-x-x-x-x-x-x-o-"}};
  return g;
}

std::string error_of(const SignatureGroove& g) {
  auto r = parse_groove(g);
  EXPECT_FALSE(r.has_value());
  return r ? std::string() : r.error().message;
}

TEST(GrooveNotation, GridsAndStepsPerBar) {
  EXPECT_EQ(*notation_steps_per_bar(Meter{4, 4}, NotationGrid::sixteenth), 16);
  EXPECT_EQ(*notation_steps_per_bar(Meter{4, 4}, NotationGrid::triplet), 12);
  EXPECT_EQ(*notation_steps_per_bar(Meter{6, 8}, NotationGrid::sixteenth), 12);
  EXPECT_EQ(*notation_steps_per_bar(Meter{12, 8}, NotationGrid::eighth), 12);
  EXPECT_EQ(*notation_steps_per_bar(Meter{12, 8}, NotationGrid::sixteenth), 24);
  EXPECT_EQ(*notation_steps_per_bar(Meter{7, 8}, NotationGrid::sixteenth), 14);
  EXPECT_EQ(*notation_steps_per_bar(Meter{4, 4}, NotationGrid::sixteenth_triplet), 24);
  auto bad = notation_steps_per_bar(Meter{7, 8}, NotationGrid::triplet);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("grids that fit 7/8: 16th, 8th, 16th-triplet"), std::string::npos)
      << bad.error().message;
  for (auto grid : {NotationGrid::sixteenth, NotationGrid::triplet, NotationGrid::eighth,
                    NotationGrid::sixteenth_triplet}) {
    EXPECT_EQ(*parse_notation_grid(notation_grid_name(grid)), grid);
  }
  auto unknown = parse_notation_grid("32nd");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("allowed: 16th, triplet, 8th, 16th-triplet"), std::string::npos);
}

TEST(GrooveNotation, ParsesEveryStepWithItsVelocity) {
  auto parsed = parse_groove(levee());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->bars, 2);
  EXPECT_EQ(parsed->steps_per_bar, 16);
  // kick 4+4, snare 2+2, hat 8+8
  EXPECT_EQ(parsed->hits.size(), 28U);
  const auto bars = parsed->bar_hits();
  ASSERT_EQ(bars.size(), 2U);
  EXPECT_EQ(bars[0].front(), (NotationHit{0, 0, 36, kNotationAccent, false}));
  // The open hi-hat on bar 2 step 15.
  bool open = false;
  for (const auto& h : bars[1]) {
    if (h.step == 14) {
      EXPECT_EQ(h.note, 46);
      EXPECT_EQ(h.velocity, kNotationOpen);
      open = true;
    }
  }
  EXPECT_TRUE(open);
  const Pattern p = parsed->to_pattern(71, "levee");
  EXPECT_EQ(p.length_ticks, 2 * 1920);
  EXPECT_EQ(p.hits.size(), 28U);
  EXPECT_EQ(p.hits.front().tick, 0);
  // Snare on beat 2 of bar 1 = step 5 = tick 480.
  bool snare = false;
  for (const auto& h : p.hits) snare = snare || (h.note == 38 && h.tick == 480);
  EXPECT_TRUE(snare);
}

TEST(GrooveNotation, SpacesRestDotsGhostsFlamsAndVoices) {
  SignatureGroove g;
  g.meter = Meter{12, 8};
  g.grid = NotationGrid::eighth;
  g.lanes = {{"snare", "f.. g.. X.. ..."}, {"cowbell", "x-x-x-x-x-x-"}, {"side_stick", "---x--------"}};
  auto parsed = parse_groove(g);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->steps_per_bar, 12);
  const Pattern p = parsed->to_pattern(100);
  // A flam on step 1 has no room for a grace note before tick 0.
  EXPECT_EQ(p.hits.front().tick, 0);
  g.lanes[0].text = "... f.. X.. ...";
  auto later = parse_groove(g);
  ASSERT_TRUE(later.has_value());
  const Pattern q = later->to_pattern(100);
  bool grace = false;
  for (const auto& h : q.hits) {
    if (h.note == 38 && h.tick == 3 * 240 - kFlamGraceTicks) grace = h.velocity == kNotationGrace;
  }
  EXPECT_TRUE(grace);
}

TEST(GrooveNotation, EachErrorNamesLaneBarAndStep) {
  auto g = levee();
  g.lanes[1].text = "----X-------X---|----X---y---X---";
  auto msg = error_of(g);
  EXPECT_NE(msg.find("lane 'snare': bar 2, step 9: 'y' is not a step"), std::string::npos) << msg;

  g = levee();
  g.lanes[0].text = "X-x-------xx---|X-x-------x-x---";
  msg = error_of(g);
  EXPECT_NE(msg.find("lane 'kick': bar 1 has 15 steps; every bar needs exactly 16"), std::string::npos) << msg;

  g = levee();
  g.lanes[2].text = "x-x-x-x-x-x-x-x-";
  msg = error_of(g);
  EXPECT_NE(msg.find("lane 'closed_hat': has 1 bar but lane 'kick' has 2"), std::string::npos) << msg;

  g = levee();
  g.lanes[1].text = "----o-------X---|----X-------X---";
  msg = error_of(g);
  EXPECT_NE(msg.find("lane 'snare': bar 1, step 5: 'o' (open hi-hat) is only allowed on closed_hat"),
            std::string::npos) << msg;

  g = levee();
  g.lanes[0].text = "f-x-------xx----|X-x-------x-x---";
  msg = error_of(g);
  EXPECT_NE(msg.find("lane 'kick': bar 1, step 1: 'f' (flam) is only allowed on snare"), std::string::npos)
      << msg;

  g = levee();
  g.lanes.push_back({"bongos", "----------------|----------------"});
  msg = error_of(g);
  EXPECT_NE(msg.find("unknown lane 'bongos'; allowed: kick, snare"), std::string::npos) << msg;

  g = levee();
  for (auto& lane : g.lanes) lane.text = "----------------|----------------";
  msg = error_of(g);
  EXPECT_NE(msg.find("no hits"), std::string::npos) << msg;

  g = levee();
  g.lanes = {{"kick", "X---|X---|X---|X---|X---"}};
  g.grid = NotationGrid::eighth;
  g.meter = Meter{2, 4};
  msg = error_of(g);
  EXPECT_NE(msg.find("lane 'kick': 5 bars; allowed 1-4"), std::string::npos) << msg;

  g = levee();
  g.lanes.clear();
  msg = error_of(g);
  EXPECT_NE(msg.find("no lanes"), std::string::npos) << msg;

  g = levee();
  g.meter = Meter{7, 8};
  g.grid = NotationGrid::triplet;
  msg = error_of(g);
  EXPECT_NE(msg.find("7/8 on the triplet grid is not a whole number of steps"), std::string::npos) << msg;

  g = levee();
  g.lanes[0].text = "X-x-------xx----|X-x-\x01-----x-x---";
  msg = error_of(g);
  EXPECT_NE(msg.find("bar 2, step 5: byte 0x01"), std::string::npos) << msg;
}

TEST(GrooveNotation, PatternRoundTripsThroughTheNotation) {
  auto parsed = parse_groove(levee());
  ASSERT_TRUE(parsed.has_value());
  const Pattern p = parsed->to_pattern(71, "Levee half-time");
  auto back = pattern_to_groove(p, NotationGrid::sixteenth);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(back->meter, (Meter{4, 4}));
  ASSERT_EQ(back->lanes.size(), 3U);
  EXPECT_EQ(back->lanes[0], (GrooveLaneText{"kick", "X-x-------xx----|X-x-------x-x---"}));
  EXPECT_EQ(back->lanes[1], (GrooveLaneText{"snare", "----X-------X---|----X-------X---"}));
  EXPECT_EQ(back->lanes[2], (GrooveLaneText{"closed_hat", "x-x-x-x-x-x-x-x-|x-x-x-x-x-x-x-o-"}));
  // And the text parses back to the same hits.
  auto again = parse_groove(*back);
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(again->hits, parsed->hits);
  const std::string text = format_groove(*back);
  EXPECT_NE(text.find("Levee half-time (4/4, 16th, 71 BPM)"), std::string::npos) << text;
  EXPECT_NE(text.find("  kick       X-x-------xx----|X-x-------x-x---\n"), std::string::npos) << text;
}

TEST(GrooveNotation, ReverseQuantizesDetectsFlamsAndFoldsVoices) {
  Pattern p;
  p.meter = Meter{4, 4};
  p.length_ticks = 1920;
  p.hits = {Hit{7, 36, 100, 60},          // kick slightly late -> step 1
            Hit{450, 38, 40, 30},         // grace ...
            Hit{480, 38, 100, 60},        // ... flam on step 5
            Hit{960, 38, 30, 60},         // ghost on step 9
            Hit{1440, 40, 120, 60},       // rim shot folds onto snare: accent on step 13
            Hit{240, 44, 80, 60},         // pedal hat keeps its own voice
            Hit{600, 67, 80, 60}};        // agogo: no notation voice, left out
  p.sort_hits();
  auto g = pattern_to_groove(p, NotationGrid::sixteenth, 4);
  ASSERT_TRUE(g.has_value()) << g.error().describe();
  ASSERT_EQ(g->lanes.size(), 3U);
  EXPECT_EQ(g->lanes[0], (GrooveLaneText{"kick", "x---------------"}));
  EXPECT_EQ(g->lanes[1], (GrooveLaneText{"snare", "----f---g---X---"}));
  EXPECT_EQ(g->lanes[2], (GrooveLaneText{"pedal_hat", "--x-------------"}));
  EXPECT_FALSE(pattern_to_groove(p, NotationGrid::sixteenth, 0).has_value());
  p.meter = Meter{7, 8};
  EXPECT_FALSE(pattern_to_groove(p, NotationGrid::triplet).has_value());
}

}  // namespace
}  // namespace mdg::groove_notation_test
