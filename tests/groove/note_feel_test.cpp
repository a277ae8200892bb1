#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "groove/note_feel.hpp"

namespace mdg::note_feel_test {
namespace {

// Feature positions (see note_feel_features): the mask bits of the note's step and of the
// steps one before and one after start here, 9 lanes each.
constexpr std::size_t kLaneAt = 3, kNoteAt = 4, kTogether = 5, kMaskAt = 6;

GridTake two_bars() {
  GridTake t;
  t.bpm = 100;
  t.bars = 2;
  for (int bar = 0; bar < 2; ++bar) {
    for (int s = 0; s < 16; s += 2) t.notes.push_back({bar, s, Lane::closed_hat, 42});
    t.notes.push_back({bar, 0, Lane::kick, 36});
    t.notes.push_back({bar, 4, Lane::snare, 38});
    t.notes.push_back({bar, 12, Lane::snare, 37});
  }
  return t;
}

TEST(NoteFeel, FeaturesDescribeEachNotesContext) {
  const GridTake t = two_bars();
  const auto x = note_feel_features(t, GrooveModel{});
  ASSERT_EQ(x.size(), t.notes.size() * kNoteFeelFeatures);
  // Note 8 is bar 0's kick on step 0: the hat hits with it, nothing at the step after, the
  // step before (bar -1) does not exist.
  const double* kick = &x[8 * kNoteFeelFeatures];
  EXPECT_EQ(kick[kLaneAt], static_cast<double>(lane_index(Lane::kick)));
  EXPECT_EQ(kick[kNoteAt], 36.0);
  EXPECT_EQ(kick[kTogether], 2.0);
  EXPECT_EQ(kick[kMaskAt + lane_index(Lane::closed_hat)], 1.0);
  EXPECT_EQ(kick[kMaskAt + lane_index(Lane::snare)], 0.0);
  for (std::size_t l = 0; l < kLaneCount; ++l) EXPECT_EQ(kick[kMaskAt + 9 + l], 0.0) << l;
  // Note 9 is the snare on step 4: the hat shares its step, steps 3 and 5 are empty,
  // steps 2 and 6 (two away) hold hats.
  const double* snare = &x[9 * kNoteFeelFeatures];
  EXPECT_EQ(snare[kLaneAt], static_cast<double>(lane_index(Lane::snare)));
  EXPECT_EQ(snare[kMaskAt + lane_index(Lane::closed_hat)], 1.0);
  EXPECT_EQ(snare[kMaskAt + 9 + lane_index(Lane::closed_hat)], 0.0);
  EXPECT_EQ(snare[kMaskAt + 18 + lane_index(Lane::closed_hat)], 0.0);
  EXPECT_EQ(snare[kMaskAt + 27 + lane_index(Lane::closed_hat)], 1.0);
  EXPECT_EQ(snare[kMaskAt + 36 + lane_index(Lane::closed_hat)], 1.0);
  // Bar 1's snare on step 4 has the same surroundings on the grid.
  const double* snare2 = &x[20 * kNoteFeelFeatures];
  for (std::size_t f = 0; f < kMaskAt + 45; ++f) EXPECT_EQ(snare[f], snare2[f]) << f;
}

TEST(NoteFeel, NotesOfOneLaneOnOneStepAreCountedAndRanked) {
  GridTake t = two_bars();
  // A quantized flam on bar 1's step 12 (a snare beside the cross-stick, same lane) and a
  // hat pair on bar 0's step 2.
  t.notes.push_back({1, 12, Lane::snare, 38});
  t.notes.push_back({0, 2, Lane::closed_hat, 42});
  const auto x = note_feel_features(t, GrooveModel{});
  ASSERT_EQ(x.size(), t.notes.size() * kNoteFeelFeatures);
  const auto count = [&](std::size_t note) { return x[note * kNoteFeelFeatures + kNoteFeelFeatures - 2]; };
  const auto rank = [&](std::size_t note) { return x[note * kNoteFeelFeatures + kNoteFeelFeatures - 1]; };
  // Note 1 is bar 0's hat on step 2, note 23 its partner; note 21 is bar 1's cross-stick on
  // step 12 (snare lane), note 22 the snare added there.
  EXPECT_EQ(count(1), 2.0);
  EXPECT_EQ(rank(1), 0.0);
  EXPECT_EQ(count(23), 2.0);
  EXPECT_EQ(rank(23), 1.0);
  EXPECT_EQ(count(21), 2.0);
  EXPECT_EQ(rank(21), 0.0);
  EXPECT_EQ(count(22), 2.0);
  EXPECT_EQ(rank(22), 1.0);
  // Different instruments of one lane on one step are ranked by GM note, not by the order
  // the take lists them in: the hat edge (22) added after bar 0's step-8 stroke (42, note
  // 4) ranks first.
  t.notes.push_back({0, 8, Lane::closed_hat, 22});
  const auto y = note_feel_features(t, GrooveModel{});
  const auto rank_y = [&](std::size_t note) { return y[note * kNoteFeelFeatures + kNoteFeelFeatures - 1]; };
  EXPECT_EQ(rank_y(24), 0.0);
  EXPECT_EQ(rank_y(4), 1.0);
  EXPECT_EQ(rank_y(1), 0.0);  // notes of one GM note still rank in the take's order
  EXPECT_EQ(rank_y(23), 1.0);
  // A lone note, and a note sharing its step only with other lanes.
  EXPECT_EQ(count(0), 1.0);
  EXPECT_EQ(rank(0), 0.0);
  EXPECT_EQ(count(8), 1.0);
}

TEST(NoteFeel, QuantizeTakeMeasuresOffsetsAgainstTheRawGrid) {
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = 100;  // 1.25 ms per tick
  p.length_ticks = p.meter.ticks_per_bar();
  p.hits = {{-2 + 0 + 2, 36, 90, 60}, {130, 42, 50, 60}, {470, 38, 110, 60}, {1900, 42, 60, 60}, {500, 75, 80, 60}};
  p.sort_hits();
  const QuantizedTake q = quantize_take(p);
  ASSERT_EQ(q.grid.notes.size(), 4u);  // the claves (75) fold onto no lane
  EXPECT_EQ(q.grid.notes[0].step, 0);
  EXPECT_EQ(q.grid.notes[1].step, 1);
  EXPECT_DOUBLE_EQ(q.offset_ms[1], 12.5);
  EXPECT_EQ(q.grid.notes[2].step, 4);
  EXPECT_DOUBLE_EQ(q.offset_ms[2], -12.5);
  EXPECT_EQ(q.velocity[2], 110.0);
  // A note just before the bar line is the next bar's downbeat.
  EXPECT_EQ(q.grid.notes[3].bar, 1);
  EXPECT_EQ(q.grid.notes[3].step, 0);
  EXPECT_EQ(q.grid.bars, 2);
}

NoteFeelModel tiny_model() {
  NoteFeelTrainer trainer;
  QuantizedTake q;
  q.grid = two_bars();
  for (std::size_t i = 0; i < q.grid.notes.size(); ++i) {
    q.offset_ms.push_back(q.grid.notes[i].lane == Lane::snare ? 15.0 : -5.0);
    q.velocity.push_back(q.grid.notes[i].lane == Lane::snare ? 110.0 : 70.0);
  }
  for (int i = 0; i < 10; ++i) trainer.add(q, GrooveModel{});
  const GbtOptions o{.trees = 20, .depth = 2, .shrinkage = 0.3, .subsample = 1.0, .min_leaf = 5};
  auto m = trainer.fit(o, o);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : NoteFeelModel{};
}

TEST(NoteFeel, LearnsAndRoundTripsThroughItsFile) {
  const NoteFeelModel m = tiny_model();
  const GridTake t = two_bars();
  const auto x = note_feel_features(t, GrooveModel{});
  const std::span<const double> snare(&x[9 * kNoteFeelFeatures], kNoteFeelFeatures);
  const std::span<const double> hat(&x[0], kNoteFeelFeatures);
  EXPECT_NEAR(predict_offset_ms(m, snare), 15.0, 1.0);
  EXPECT_NEAR(predict_offset_ms(m, hat), -5.0, 1.0);
  EXPECT_NEAR(m.velocity.predict(snare), 110.0, 3.0);
  const std::string text = note_feel_text(m);
  auto back = parse_note_feel(text);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == m);

  const auto dir = std::filesystem::temp_directory_path() / ("mdg-note-feel-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "ok.txt") << text; }
  auto read = read_note_feel_file(dir / "ok.txt");
  ASSERT_TRUE(read);
  EXPECT_TRUE(*read == m);
  { std::ofstream(dir / "bad.txt") << "note_feel 1\ngbt 1 3 0 1\n1\nL 0\n"; }
  auto bad = read_note_feel_file(dir / "bad.txt");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::parse);
  EXPECT_NE(bad.error().message.find("bad.txt"), std::string::npos);
  EXPECT_NE(bad.error().message.find("re-derive"), std::string::npos);
  auto missing = read_note_feel_file(dir / "none.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  std::filesystem::remove_all(dir);
}

TEST(NoteFeel, ModelsWithTheWrongFeatureCountAreRefused) {
  const NoteFeelModel m = tiny_model();
  std::string text = note_feel_text(m);
  const std::string count = " " + std::to_string(kNoteFeelFeatures) + " ";
  text.replace(text.find(count), count.size(), " 5 ");
  auto r = parse_note_feel(text);
  ASSERT_FALSE(r);
  // The timing model's splits may name features beyond 5, or its count differs: either way
  // it is a parse error about the model.
  EXPECT_EQ(r.error().code, Errc::parse);
  EXPECT_FALSE(parse_note_feel("gbt 1 3 0 1\n1\nL 0\n"));
  EXPECT_NE(parse_note_feel(text.substr(0, 30)).error().message.find("note feel model"), std::string::npos);
}

}  // namespace
}  // namespace mdg::note_feel_test
