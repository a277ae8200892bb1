#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/drum_map.hpp"
#include "core/meter.hpp"
#include "core/pattern.hpp"
#include "core/rng.hpp"
#include "core/text.hpp"

namespace mdg::core_test {
namespace {

TEST(Meter, ParsesSupportedSignatures) {
  for (const char* text : {"4/4", "3/4", "5/4", "6/8", "7/8", "12/8", "2/2", "9-8"}) {
    auto m = Meter::parse(text);
    ASSERT_TRUE(m.has_value()) << text;
  }
  EXPECT_EQ(Meter::parse("7/8")->ticks_per_bar(), 7 * 240);
  EXPECT_EQ(Meter::parse("12/8")->ticks_per_bar(), 12 * 240);
  EXPECT_EQ(Meter::parse("3/4")->ticks_per_bar(), 3 * 480);
}

TEST(Meter, RejectsBadSignaturesNamingAllowedValues) {
  for (const char* text : {"4/3", "0/4", "17/8", "x/4", "4", "4/4/4", "", "4/"}) {
    auto m = Meter::parse(text);
    ASSERT_FALSE(m.has_value()) << text;
    EXPECT_EQ(m.error().code, Errc::invalid_argument);
    EXPECT_NE(m.error().message.find("allowed"), std::string::npos) << m.error().message;
  }
}

TEST(Meter, BeatGroups) {
  EXPECT_EQ(Meter::parse("7/8")->beat_groups(), (std::vector<int>{2, 2, 3}));
  EXPECT_EQ(Meter::parse("12/8")->beat_groups(), (std::vector<int>{3, 3, 3, 3}));
  EXPECT_EQ(Meter::parse("6/8")->beat_groups(), (std::vector<int>{3, 3}));
  EXPECT_EQ(Meter::parse("5/4")->beat_groups(), (std::vector<int>(5, 1)));
  EXPECT_EQ(Meter::parse("5/8")->beat_groups(), (std::vector<int>{3, 2}));
  EXPECT_TRUE(Meter::parse("12/8")->compound());
  EXPECT_FALSE(Meter::parse("7/8")->compound());
}

TEST(Grid, StepsPerBar) {
  EXPECT_EQ((Grid{*Meter::parse("4/4"), Subdivision::sixteenth}).steps_per_bar(), 16);
  EXPECT_EQ((Grid{*Meter::parse("4/4"), Subdivision::triplet}).steps_per_bar(), 12);
  EXPECT_EQ((Grid{*Meter::parse("7/8"), Subdivision::sixteenth}).steps_per_bar(), 14);
  EXPECT_EQ((Grid{*Meter::parse("12/8"), Subdivision::sixteenth}).steps_per_bar(), 24);
  EXPECT_FALSE((Grid{*Meter::parse("7/8"), Subdivision::triplet}).fits());
}

TEST(Tempo, Range) {
  EXPECT_TRUE(validate_tempo(40).has_value());
  EXPECT_TRUE(validate_tempo(300).has_value());
  EXPECT_FALSE(validate_tempo(39.9).has_value());
  EXPECT_FALSE(validate_tempo(301).has_value());
  EXPECT_FALSE(validate_tempo(std::nan("")).has_value());
}

TEST(DrumMap, GeneralMidiNotesAndLanes) {
  for (int n = 35; n <= 81; ++n) {
    EXPECT_NE(drum_voice(static_cast<DrumNote>(n)), nullptr) << n;
  }
  EXPECT_EQ(drum_voice(34), nullptr);
  EXPECT_EQ(lane_of(36), Lane::kick);
  EXPECT_EQ(lane_of(37), Lane::snare);
  EXPECT_EQ(lane_of(39), Lane::snare);  // a programmed backbeat
  EXPECT_EQ(lane_of(22), Lane::closed_hat);
  EXPECT_EQ(lane_of(26), Lane::open_hat);
  EXPECT_EQ(lane_of(53), Lane::ride);
  EXPECT_EQ(lane_of(56), std::nullopt);
  EXPECT_EQ(drum_note_from_name("Kick"), 36);
  EXPECT_EQ(drum_note_from_name("ride bell"), 53);
  EXPECT_EQ(drum_note_from_name("Closed Hi-Hat"), 42);
  EXPECT_EQ(drum_note_from_name("cross stick"), 37);
  EXPECT_EQ(drum_note_from_name("kazoo"), std::nullopt);
  for (Lane lane : kAllLanes) {
    EXPECT_EQ(lane_of(lane_default_note(lane)), lane);
    EXPECT_EQ(lane_from_id(lane_id(lane)), lane);
  }
}

TEST(Rng, SameSeedSameSequenceAndForksDiffer) {
  Rng a(42);
  Rng b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  Rng c(42);
  EXPECT_NE(c.fork(1).next(), c.fork(2).next());
  EXPECT_EQ(c.fork(1).next(), Rng(42).fork(1).next());
}

TEST(Rng, DistributionsAreSane) {
  Rng r(7);
  double sum = 0;
  double sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    sum += z;
    sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.05);
  EXPECT_NEAR(sq / n, 1.0, 0.05);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto v = r.below(6);
    ASSERT_LT(v, 6u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 6u);
}

TEST(Text, FoldName) {
  EXPECT_EQ(fold_name("John Bonham"), "john bonham");
  EXPECT_EQ(fold_name("  J.  Dilla "), "j dilla");
  EXPECT_EQ(fold_name("Mötley Crüe"), "motley crue");
  EXPECT_EQ(fold_name("Guns N' Roses"), "guns n roses");
  EXPECT_EQ(fold_name("Earth, Wind & Fire"), "earth wind and fire");
  EXPECT_EQ(fold_name("Tomasz Łosowski"), "tomasz losowski");
  EXPECT_EQ(fold_name("\xff\xfe broken"), "broken");
  EXPECT_EQ(fold_name("trunc\xc3"), "trunc");
  // Other scripts keep their letters; their punctuation still separates words.
  EXPECT_EQ(fold_name("フィッシュマンズ"), "フィッシュマンズ");
  EXPECT_EQ(fold_name("坂本・龍一"), "坂本 龍一");
  EXPECT_EQ(fold_name("КИНО"), "кино");
  EXPECT_EQ(fold_name("Ёлка"), "ёлка");
  EXPECT_EQ(fold_name("ΑΒΓ"), "αβγ");
  EXPECT_EQ(fold_name("Ｘ　ＪＡＰＡＮ"), "x japan");
  EXPECT_EQ(fold_name("Beyonce\xcc\x81"), "beyonce");
  EXPECT_EQ(fold_name("Sigur Rós — live"), "sigur ros live");
}

TEST(Text, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("bonham", "bonham"), 0u);
}

}  // namespace
}  // namespace mdg::core_test

namespace mdg::core_test {
namespace {

TEST(Text, TrimSpaceAndNumberText) {
  EXPECT_EQ(trim_space(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_space(" \n "), "");
  EXPECT_EQ(trim_space(""), "");
  EXPECT_EQ(number_text(120), "120");
  EXPECT_EQ(number_text(-3), "-3");
  EXPECT_EQ(number_text(9007199254740992.0), "9007199254740992");  // the seed limit, in full
  EXPECT_EQ(number_text(0.25), "0.25");
  EXPECT_EQ(number_text(1e-7), "1e-07");
  EXPECT_EQ(number_text(1e20), "1e+20");
}

TEST(PatternTempo, TheLastChangeAtOrBeforeATick) {
  Pattern p;
  p.tempo_bpm = 100;
  p.tempo_changes = {{960, 120}, {1920, 90}};
  EXPECT_EQ(p.tempo_at(0), 100);
  EXPECT_EQ(p.tempo_at(959), 100);
  EXPECT_EQ(p.tempo_at(960), 120);
  EXPECT_EQ(p.tempo_at(5000), 90);
  p.tempo_bpm = 0;
  EXPECT_EQ(p.tempo_at(0), 120) << "an unusable tempo falls back to 120";
}

}  // namespace
}  // namespace mdg::core_test
