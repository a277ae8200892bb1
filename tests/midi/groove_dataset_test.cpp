// Reads every file of the Groove MIDI Dataset (MDG_SHARED_DIR/groove) and checks each
// file's drum-note count against groove_note_counts.tsv, written by a separate Python
// counter (tests/data/midi/count_groove_notes.py).
#include <gtest/gtest.h>

#include <map>

#include "midi/midi_file.hpp"
#include "test_util.hpp"

namespace mdg::groove_dataset_test {
namespace {

TEST(GrooveDataset, EveryFileMatchesTheIndependentCount) {
  const std::filesystem::path root = std::filesystem::path(MDG_SHARED_DIR) / "groove";
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP() << "the Groove MIDI Dataset is not at " << root;
  }
  std::map<std::string, std::size_t> expected;
  const auto tsv = std::filesystem::path(MDG_TEST_DATA_DIR) / "midi" / "groove_note_counts.tsv";
  for (const auto& row : test::tsv_rows(tsv, false)) {
    ASSERT_EQ(row.size(), 2u) << "bad row in " << tsv;
    expected[row[0]] = std::stoul(row[1]);
  }
  ASSERT_EQ(expected.size(), 1021u) << tsv;

  const auto files = test::mid_files(root);
  std::vector<std::string> listed;
  for (const auto& [path, count] : expected) listed.push_back(path);
  ASSERT_EQ(files, listed) << "the dataset's file list differs from " << tsv;

  std::size_t total = 0;
  for (const auto& rel : files) {
    SCOPED_TRACE(rel);
    auto pattern = read_drum_file(root / rel);
    const auto want = expected.at(rel);
    if (want == 0) {
      ASSERT_FALSE(pattern.has_value());
      EXPECT_EQ(pattern.error().code, Errc::not_found);
      continue;
    }
    ASSERT_TRUE(pattern.has_value()) << pattern.error().describe();
    EXPECT_EQ(pattern->hits.size(), want);
    EXPECT_GE(pattern->length_ticks, pattern->hits.back().tick);
    EXPECT_GT(pattern->tempo_bpm, 0.0);
    total += pattern->hits.size();
  }
  EXPECT_EQ(total, 402418u);
}

}  // namespace
}  // namespace mdg::groove_dataset_test
