// A real performance from the Groove MIDI Dataset (skipped when ../shared/groove is absent).
#include <filesystem>

#include <gtest/gtest.h>

#include "groove/analyzer.hpp"
#include "groove/groove_json.hpp"
#include "midi/midi_file.hpp"

namespace mdg::reference_test {
namespace {

const std::filesystem::path kFunk =
    std::filesystem::path(MDG_SHARED_DIR) / "groove/drummer1/session1/1_funk_80_beat_4-4.mid";

TEST(AnalyzerReference, FunkBeatFromTheGrooveMidiDataset) {
  if (!std::filesystem::exists(kFunk)) GTEST_SKIP() << "no " << kFunk;
  auto pattern = read_drum_file(kFunk);
  ASSERT_TRUE(pattern) << pattern.error().describe();
  EXPECT_DOUBLE_EQ(pattern->tempo_bpm, 80.0);
  auto six = GrooveAccumulator::create(Grid{Meter{4, 4}, Subdivision::sixteenth});
  auto tri = GrooveAccumulator::create(Grid{Meter{4, 4}, Subdivision::triplet});
  ASSERT_TRUE(six && tri);
  ASSERT_TRUE(six->add(*pattern));
  ASSERT_TRUE(tri->add(*pattern));
  const GrooveModel m = six->finish();
  // 86.7 s at 80 BPM is just under 29 bars.
  EXPECT_GE(m.bars, 28u);
  EXPECT_LE(m.bars, 30u);
  EXPECT_EQ(best_feel(*six, *tri), Subdivision::sixteenth);
  const auto& snare = m.lanes[lane_index(Lane::snare)].steps;
  EXPECT_GT(snare[4].onset_prob, 0.7);
  EXPECT_GT(snare[12].onset_prob, 0.5);
  EXPECT_GT(m.ghost_rate, 0.2) << "a funk beat has ghost notes on the snare";
  EXPECT_GT(m.density, 8.0);
  EXPECT_LT(m.density, 60.0);
  EXPECT_NEAR(m.swing_ratio, 1.0, 0.25);
  // Every step is accounted for in the transitions: each step saw every bar once.
  for (const auto& t : m.transitions) {
    std::uint32_t total = 0;
    for (const auto& u : t.unigram) total += u.count;
    EXPECT_EQ(total, m.bars);
  }
  const auto j = groove_model_to_json(m);
  auto back = groove_model_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(groove_model_to_json(*back).dump(), j.dump());
}

}  // namespace
}  // namespace mdg::reference_test
