// Replays the fuzzer's saved crash inputs (fuzz/crashes/midi) and its seed corpus
// (fuzz/corpus/midi) through the same steps as the fuzz target.
#include <gtest/gtest.h>

#include "midi/midi_file.hpp"
#include "test_util.hpp"

namespace mdg::fuzz_regression_test {
namespace {

const std::filesystem::path kFuzz = std::filesystem::path(MDG_TEST_DATA_DIR) / ".." / ".." / "fuzz";

std::vector<std::filesystem::path> inputs(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(folder)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What the fuzz target checks, as assertions: reading is stable, extraction works or says
// not_found/unsupported, and a written pattern reads back to the same hits.
void replay(const std::vector<std::uint8_t>& bytes) {
  auto file = read_midi(bytes);
  auto again = read_midi(bytes);
  ASSERT_EQ(file.has_value(), again.has_value());
  if (!file) {
    EXPECT_EQ(file.error().message, again.error().message);
    EXPECT_LE(file.error().offset.value_or(0), bytes.size());
    return;
  }
  auto pattern = extract_drum_pattern(*file);
  if (!pattern) {
    EXPECT_TRUE(pattern.error().code == Errc::not_found || pattern.error().code == Errc::unsupported)
        << pattern.error().describe();
    return;
  }
  EXPECT_FALSE(pattern->hits.empty());
  auto back = read_midi(write_midi(*pattern, {}));
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  auto back_pattern = extract_drum_pattern(*back);
  ASSERT_TRUE(back_pattern.has_value()) << back_pattern.error().describe();
  ASSERT_EQ(back_pattern->hits.size(), pattern->hits.size());
  for (std::size_t i = 0; i < pattern->hits.size(); ++i) {
    EXPECT_EQ(back_pattern->hits[i].tick, pattern->hits[i].tick);
    EXPECT_EQ(back_pattern->hits[i].note, pattern->hits[i].note);
  }
}

TEST(MidiFuzzRegression, SavedCrashesAndSeedsReplayCleanly) {
  const auto seeds = inputs(kFuzz / "corpus" / "midi");
  EXPECT_GE(seeds.size(), 5u) << "the fuzz seed corpus at " << kFuzz / "corpus" / "midi" << " is missing";
  auto all = seeds;
  const auto crashes = inputs(kFuzz / "crashes" / "midi");
  all.insert(all.end(), crashes.begin(), crashes.end());
  for (const auto& path : all) {
    SCOPED_TRACE(path.string());
    replay(test::file_bytes(path));
  }
}

}  // namespace
}  // namespace mdg::fuzz_regression_test
