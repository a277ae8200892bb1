// Walks the generated corpus (tests/data/midi, made by make_corpus.py): every valid file
// reads and extracts to what the script says it built; every invalid file is refused with
// the error kind and byte offset the script expects.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "midi/midi_file.hpp"
#include "test_util.hpp"

namespace mdg::corpus_test {
namespace {

const std::filesystem::path kCorpus = std::filesystem::path(MDG_TEST_DATA_DIR) / "midi";

TEST(MidiCorpus, EveryFileIsValidOrInvalidAsBuilt) {
  // Valid files: format, division, tracks, and the extracted pattern.
  const auto valid_rows = test::tsv_rows(kCorpus / "valid" / "expected.tsv", true);
  ASSERT_GE(valid_rows.size(), 10u);
  std::set<std::string> listed;
  for (const auto& row : valid_rows) {
    ASSERT_EQ(row.size(), 10u) << "bad row in valid/expected.tsv for " << row.at(0);
    listed.insert(row[0]);
    SCOPED_TRACE(row[0]);
    const auto path = kCorpus / "valid" / row[0];
    auto file = read_midi_file(path);
    ASSERT_TRUE(file.has_value()) << file.error().describe();
    EXPECT_EQ(file->format, std::stoi(row[1]));
    EXPECT_EQ(file->division, std::stoi(row[2]));
    EXPECT_EQ(file->tracks.size(), std::stoul(row[3]));

    auto pattern = extract_drum_pattern(*file);
    ASSERT_TRUE(pattern.has_value()) << pattern.error().describe();
    EXPECT_EQ(pattern->hits.size(), std::stoul(row[4]));
    EXPECT_EQ(pattern->meter.to_string(), row[5]);
    EXPECT_NEAR(pattern->tempo_bpm, std::stod(row[6]), 0.01);
    EXPECT_EQ(pattern->tempo_changes.size(), std::stoul(row[7]));
    EXPECT_EQ(pattern->length_ticks, std::stoll(row[8]));
    EXPECT_EQ(pattern->name, row[9]);
    EXPECT_TRUE(std::is_sorted(pattern->hits.begin(), pattern->hits.end(),
                               [](const Hit& a, const Hit& b) {
                                 return a.tick != b.tick ? a.tick < b.tick : a.note < b.note;
                               }));
    for (const auto& hit : pattern->hits) {
      EXPECT_GE(hit.duration, 1);
      EXPECT_GE(hit.velocity, 1);
      EXPECT_LE(hit.tick + hit.duration, pattern->length_ticks);
    }
    EXPECT_EQ(pattern->length_ticks % pattern->meter.ticks_per_bar(), 0);
  }
  std::set<std::string> on_disk;
  for (const auto& f : test::mid_files(kCorpus / "valid")) on_disk.insert(f);
  EXPECT_EQ(on_disk, listed) << "valid/ and valid/expected.tsv disagree; rerun make_corpus.py";

  // Invalid files: kind of error and exact offset.
  const auto invalid_rows = test::tsv_rows(kCorpus / "invalid" / "expected.tsv", true);
  ASSERT_GE(invalid_rows.size(), 20u);
  const std::map<std::string, Errc> kinds = {{"parse", Errc::parse},
                                             {"unsupported", Errc::unsupported}};
  listed.clear();
  std::set<std::string> reasons;
  for (const auto& row : invalid_rows) {
    ASSERT_EQ(row.size(), 3u);
    listed.insert(row[0]);
    reasons.insert(row[0].substr(0, row[0].find('/')));
    SCOPED_TRACE(row[0]);
    const auto bytes = test::file_bytes(kCorpus / "invalid" / row[0]);
    auto file = read_midi(bytes);
    ASSERT_FALSE(file.has_value()) << "accepted an invalid file";
    EXPECT_EQ(file.error().code, kinds.at(row[1])) << file.error().describe();
    ASSERT_TRUE(file.error().offset.has_value()) << file.error().describe();
    EXPECT_EQ(*file.error().offset, std::stoul(row[2])) << file.error().describe();
    EXPECT_LE(*file.error().offset, bytes.size());
    EXPECT_FALSE(file.error().message.empty());
  }
  on_disk.clear();
  for (const auto& f : test::mid_files(kCorpus / "invalid")) on_disk.insert(f);
  EXPECT_EQ(on_disk, listed) << "invalid/ and invalid/expected.tsv disagree";
  for (const char* reason :
       {"truncated_header", "truncated_track", "bad_varlen", "missing_mthd", "bad_chunk_length",
        "running_status_without_status", "sysex_overrun", "meta_overrun", "format2", "smpte"}) {
    EXPECT_TRUE(reasons.contains(reason)) << "no invalid file for " << reason;
  }
}

// Every prefix and every single-byte corruption of every valid file either reads or
// fails cleanly with an offset inside the input (run under ASan in the sanitizer build).
TEST(MidiCorpus, PrefixesAndCorruptionsNeverCrash) {
  for (const auto& name : test::mid_files(kCorpus / "valid")) {
    SCOPED_TRACE(name);
    const auto bytes = test::file_bytes(kCorpus / "valid" / name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      const std::vector<std::uint8_t> prefix(bytes.begin(),
                                             bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto file = read_midi(prefix);
      if (!file) {
        ASSERT_TRUE(file.error().offset.has_value()) << n << ": " << file.error().describe();
        EXPECT_LE(*file.error().offset, n);
      } else {
        (void)extract_drum_pattern(*file);
      }
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (const std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0x7F}, std::uint8_t{0x80},
                                       std::uint8_t{0xFF}}) {
        auto corrupt = bytes;
        corrupt[i] = value;
        auto file = read_midi(corrupt);
        if (!file) {
          EXPECT_LE(file.error().offset.value_or(0), corrupt.size());
        } else if (auto pattern = extract_drum_pattern(*file)) {
          EXPECT_GE(pattern->length_ticks, pattern->meter.ticks_per_bar());
        }
      }
    }
  }
}

}  // namespace
}  // namespace mdg::corpus_test
