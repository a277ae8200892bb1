// The writer: byte-exact golden files (refreshed only with MDG_UPDATE_GOLDEN=1), the
// layout of the bytes, write-read round trips and the atomic file write.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <limits>

#include "midi/midi_file.hpp"
#include "test_util.hpp"

namespace mdg::writer_test {
namespace {

const std::filesystem::path kGolden = std::filesystem::path(MDG_TEST_DATA_DIR) / "midi" / "golden";

// A two-bar groove with a ghost note, a flam-like double at one tick and a tempo change.
Pattern golden_pattern() {
  Pattern p;
  p.name = "golden";
  p.meter = Meter{4, 4};
  p.tempo_bpm = 96.0;
  p.tempo_changes = {{1920, 100.0}};
  p.length_ticks = 2 * 1920;
  for (std::int64_t bar = 0; bar < 2; ++bar) {
    for (std::int64_t eighth = 0; eighth < 8; ++eighth) {
      p.hits.push_back(Hit{bar * 1920 + eighth * 240, 42, static_cast<std::uint8_t>(eighth % 2 ? 70 : 96), 120});
    }
    p.hits.push_back(Hit{bar * 1920, 36, 120, 240});
    p.hits.push_back(Hit{bar * 1920 + 960, 36, 110, 240});
    p.hits.push_back(Hit{bar * 1920 + 480, 38, 118, 240});
    p.hits.push_back(Hit{bar * 1920 + 1440, 38, 118, 240});
    p.hits.push_back(Hit{bar * 1920 + 1320, 38, 24, 60});
  }
  p.hits.push_back(Hit{3600, 49, 127, 480});  // the crash rings past the last beat
  p.sort_hits();
  return p;
}

void check_golden(const std::string& file, const std::vector<std::uint8_t>& bytes) {
  const auto path = kGolden / file;
  const char* update = std::getenv("MDG_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(kGolden);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    GTEST_SKIP() << "rewrote " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with MDG_UPDATE_GOLDEN=1";
  EXPECT_EQ(bytes, test::file_bytes(path)) << "writer output differs from " << path;
}

TEST(MidiWriter, GoldenFormat1) {
  check_golden("format1.mid", write_midi(golden_pattern(), {1, "Golden Groove"}));
}

TEST(MidiWriter, GoldenFormat0) {
  check_golden("format0.mid", write_midi(golden_pattern(), {0, "Golden Groove"}));
}

TEST(MidiWriter, Format1Layout) {
  Pattern p;
  p.meter = Meter{7, 8};
  p.tempo_bpm = 120.0;
  p.length_ticks = p.meter.ticks_per_bar();
  p.hits = {Hit{0, 36, 100, 60}};
  const auto bytes = write_midi(p, {1, "T"});
  const std::vector<std::uint8_t> expected = {
      'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 2, 0x01, 0xE0,
      // conductor: name "T", 7/8 (power 3, 24 clocks, 8 32nds), 500000 us, end at 1680
      'M', 'T', 'r', 'k', 0, 0, 0, 25,
      0x00, 0xFF, 0x03, 0x01, 'T',
      0x00, 0xFF, 0x58, 0x04, 7, 3, 24, 8,
      0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,
      0x8D, 0x10, 0xFF, 0x2F, 0x00,
      // drums: name "T", note on/off on channel 10, end at 1680
      'M', 'T', 'r', 'k', 0, 0, 0, 18,
      0x00, 0xFF, 0x03, 0x01, 'T',
      0x00, 0x99, 36, 100,
      0x3C, 0x89, 36, 64,
      0x8C, 0x54, 0xFF, 0x2F, 0x00};
  EXPECT_EQ(bytes, expected);
}

TEST(MidiWriter, NoteOffBeforeNoteOnAtSameTick) {
  Pattern p;
  p.length_ticks = 1920;
  p.hits = {Hit{0, 42, 90, 240}, Hit{240, 42, 80, 240}};
  const auto bytes = write_midi(p, {0, ""});
  auto file = read_midi(bytes);
  ASSERT_TRUE(file.has_value());
  std::vector<std::pair<std::int64_t, bool>> notes;  // tick, is_on
  for (const auto& e : file->tracks[0].events) {
    if (e.is_note_on() || e.is_note_off()) notes.emplace_back(e.tick, e.is_note_on());
  }
  const std::vector<std::pair<std::int64_t, bool>> expected = {
      {0, true}, {240, false}, {240, true}, {480, false}};
  EXPECT_EQ(notes, expected);
  EXPECT_EQ(file->tracks[0].name, "Drums");
}

void expect_round_trip(const Pattern& original, int format) {
  SCOPED_TRACE(original.meter.to_string() + " format " + std::to_string(format));
  auto file = read_midi(write_midi(original, {format, "Round Trip"}));
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  EXPECT_EQ(file->format, format);
  EXPECT_EQ(file->division, kPpq);
  EXPECT_TRUE(file->warnings.empty());
  auto back = extract_drum_pattern(*file);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(back->hits, original.hits);
  EXPECT_EQ(back->meter, original.meter);
  EXPECT_NEAR(back->tempo_bpm, original.tempo_bpm, 1e-3);
  ASSERT_EQ(back->tempo_changes.size(), original.tempo_changes.size());
  for (std::size_t i = 0; i < original.tempo_changes.size(); ++i) {
    EXPECT_EQ(back->tempo_changes[i].tick, original.tempo_changes[i].tick);
    EXPECT_NEAR(back->tempo_changes[i].bpm, original.tempo_changes[i].bpm, 1e-3);
  }
  EXPECT_EQ(back->length_ticks, original.length_ticks);
  EXPECT_EQ(back->name, "Round Trip");
}

TEST(MidiWriter, RoundTripKeepsHitsMeterTempoAndLength) {
  const std::vector<std::pair<Meter, int>> cases = {{{4, 4}, 4}, {{7, 8}, 3}, {{12, 8}, 2}};
  for (const auto& [meter, bars] : cases) {
    Pattern p;
    p.meter = meter;
    p.tempo_bpm = 87.5;
    p.tempo_changes = {{meter.ticks_per_bar(), 92.25}};
    p.length_ticks = bars * meter.ticks_per_bar();
    // Sixteenths with varying velocity and length, every note distinct per tick.
    const std::int64_t step = 120;
    for (std::int64_t t = 0; t < p.length_ticks; t += step) {
      const auto n = t / step;
      p.hits.push_back(Hit{t + (n % 3) - 1 < 0 ? 0 : t + (n % 3) - 1, 42,
                           static_cast<std::uint8_t>(40 + (n * 7) % 80), 30 + n % 50});
      if (n % 4 == 0) p.hits.push_back(Hit{t, 36, 112, 100});
      if (n % 8 == 4) p.hits.push_back(Hit{t, 38, 100, 90});
    }
    p.sort_hits();
    expect_round_trip(p, 1);
    expect_round_trip(p, 0);
  }
}

TEST(MidiWriter, WriteFileIsAtomicAndReportsErrors) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("mdg_midi_writer_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const auto target = folder / "groove.mid";
  const auto pattern = golden_pattern();
  auto ok = write_midi_file(target, pattern, {1, "x"});
  ASSERT_TRUE(ok.has_value()) << ok.error().describe();
  EXPECT_EQ(test::file_bytes(target), write_midi(pattern, {1, "x"}));
  // Overwrite in place; no temporary files are left next to it.
  ASSERT_TRUE(write_midi_file(target, pattern, {0, "y"}).has_value());
  EXPECT_EQ(test::file_bytes(target), write_midi(pattern, {0, "y"}));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder),
                          std::filesystem::directory_iterator()),
            1);

  auto missing = write_midi_file(folder / "no" / "such" / "dir.mid", pattern, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::io);
  EXPECT_NE(missing.error().message.find("dir.mid"), std::string::npos);

  // A folder where the file should be: the rename fails and the temp file is cleaned up.
  std::filesystem::create_directories(folder / "taken.mid" / "inside");
  auto taken = write_midi_file(folder / "taken.mid", pattern, {});
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, Errc::io);
  EXPECT_NE(taken.error().message.find("taken.mid"), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder),
                          std::filesystem::directory_iterator()),
            2);
  std::filesystem::remove_all(folder);
}

TEST(MidiWriter, UnwritableValuesAreMadeValid) {
  Pattern p;
  p.tempo_bpm = -5.0;
  p.length_ticks = 0;
  p.hits = {Hit{-10, 36, 0, 0}, Hit{0, 200, 100, 60}};
  auto file = read_midi(write_midi(p, {}));
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  auto back = extract_drum_pattern(*file);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->hits.size(), 1u);
  EXPECT_EQ(back->hits[0], (Hit{0, 36, 1, 1}));
  EXPECT_DOUBLE_EQ(back->tempo_bpm, 120.0);
  EXPECT_EQ(back->length_ticks, 1920);
}

}  // namespace
}  // namespace mdg::writer_test

namespace mdg::writer_test {
namespace {

TEST(MidiWriter, NotesRingingPastTheEndAreCutSoTheLoopKeepsItsLength) {
  Pattern p;
  p.length_ticks = 1920;
  p.hits = {Hit{0, 36, 100, 60}, Hit{1900, 49, 120, 480}};
  auto back = extract_drum_pattern(*read_midi(write_midi(p, {})));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->length_ticks, 1920);
  ASSERT_EQ(back->hits.size(), 2u);
  EXPECT_EQ(back->hits[1].duration, 20);
  // A hit that starts at the very end still gets a note-off one tick later.
  p.hits.push_back(Hit{1920, 38, 90, 60});
  auto longer = extract_drum_pattern(*read_midi(write_midi(p, {})));
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(longer->hits.back().duration, 1);
  EXPECT_EQ(longer->length_ticks, 2 * 1920);
}

}  // namespace
}  // namespace mdg::writer_test

namespace mdg::writer_test {
namespace {

TEST(MidiWriter, AbsurdTicksAreClampedNotPadded) {
  Pattern p;
  p.length_ticks = std::numeric_limits<std::int64_t>::max();
  p.hits = {Hit{std::numeric_limits<std::int64_t>::max(), 36, 100,
                std::numeric_limits<std::int64_t>::max()}};
  const auto bytes = write_midi(p, {});
  EXPECT_LT(bytes.size(), 4096u);
  auto file = read_midi(bytes);
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  EXPECT_EQ(file->end_tick(), (std::int64_t{1} << 36) + 1);
}

}  // namespace
}  // namespace mdg::writer_test
