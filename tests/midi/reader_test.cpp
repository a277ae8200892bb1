// The reader's decoding of individual constructs and the extraction rules, on files
// from the corpus and on small byte strings built here.
#include <gtest/gtest.h>

#include "midi/midi_file.hpp"
#include "test_util.hpp"

namespace mdg::reader_test {
namespace {

const std::filesystem::path kValid = std::filesystem::path(MDG_TEST_DATA_DIR) / "midi" / "valid";

using Bytes = std::vector<std::uint8_t>;

Bytes header(int format, int tracks, int division) {
  return {'M',
          'T',
          'h',
          'd',
          0,
          0,
          0,
          6,
          0,
          static_cast<std::uint8_t>(format),
          0,
          static_cast<std::uint8_t>(tracks),
          static_cast<std::uint8_t>(division >> 8),
          static_cast<std::uint8_t>(division & 0xFF)};
}

Bytes with_track(Bytes file, const Bytes& body) {
  const auto n = body.size();
  file.insert(file.end(), {'M', 'T', 'r', 'k', 0, 0, static_cast<std::uint8_t>(n >> 8),
                           static_cast<std::uint8_t>(n & 0xFF)});
  file.insert(file.end(), body.begin(), body.end());
  return file;
}

TEST(MidiReader, RunningStatusAndVelocityZero) {
  auto file = read_midi_file(kValid / "format1_running_status.mid");
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  const auto& drums = file->tracks.at(1);
  EXPECT_EQ(drums.name, "Kit");
  ASSERT_GE(drums.events.size(), 5u);
  // name meta, then 0x99 36 110, then running-status 38 90, then two velocity-0 offs.
  EXPECT_EQ(drums.events[1].status, 0x99);
  EXPECT_EQ(drums.events[2].status, 0x99);
  EXPECT_EQ(drums.events[2].data1, 38);
  EXPECT_EQ(drums.events[2].data2, 90);
  EXPECT_TRUE(drums.events[3].is_note_off());
  EXPECT_EQ(drums.events[3].tick, 240);
  EXPECT_TRUE(drums.has_end_of_track);

  auto pattern = extract_drum_pattern(*file);
  ASSERT_TRUE(pattern.has_value());
  EXPECT_EQ(pattern->hits.front().tick, 0);
  EXPECT_EQ(pattern->hits.front().note, 36);
  EXPECT_EQ(pattern->hits.front().duration, 240);
  EXPECT_EQ(pattern->hits.front().velocity, 110);
}

TEST(MidiReader, SysexAndMetasAreKept) {
  auto file = read_midi_file(kValid / "sysex_and_metas.mid");
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  int sysex = 0;
  int metas = 0;
  for (const auto& e : file->tracks.at(0).events) {
    if (e.kind == MidiEventKind::sysex) {
      ++sysex;
      if (e.status == 0xF0) {
        EXPECT_EQ(e.payload, (Bytes{0x7E, 0x7F, 0x09, 0x01, 0xF7}));
      } else {
        EXPECT_EQ(e.payload, (Bytes{0xF8, 0xFA}));
      }
    }
    if (e.kind == MidiEventKind::meta) ++metas;
  }
  EXPECT_EQ(sysex, 2);
  EXPECT_EQ(metas, 11);  // the end-of-track is not kept as an event
  ASSERT_EQ(file->time_signatures.size(), 1u);
  EXPECT_EQ(file->time_signatures[0].numerator, 6);
  EXPECT_EQ(file->time_signatures[0].denominator, 8);
  EXPECT_EQ(file->time_signatures[0].clocks_per_click, 24);
  ASSERT_EQ(file->tempo_map.size(), 1u);
  EXPECT_EQ(file->tempo_map[0].us_per_quarter, 800000u);
}

TEST(MidiReader, TempoMapCollectsEveryTrack) {
  auto file = read_midi_file(kValid / "tempo_changes.mid");
  ASSERT_TRUE(file.has_value());
  ASSERT_EQ(file->tempo_map.size(), 4u);
  EXPECT_EQ(file->tempo_map[3].tick, 5760);
  EXPECT_NEAR(file->tempo_map[3].bpm(), 160.0, 1e-9);
  auto pattern = extract_drum_pattern(*file);
  ASSERT_TRUE(pattern.has_value());
  ASSERT_EQ(pattern->tempo_changes.size(), 3u);
  EXPECT_EQ(pattern->tempo_changes[0].tick, 1920);
  EXPECT_NEAR(pattern->tempo_changes[0].bpm, 140.0, 1e-3);  // 428571 us per quarter
  EXPECT_EQ(pattern->tempo_changes[1].tick, 3840);
  EXPECT_NEAR(pattern->tempo_changes[1].bpm, 100.5, 1e-3);
}

TEST(MidiReader, ToleratedOdditiesLeaveWarnings) {
  auto chunked = read_midi_file(kValid / "unknown_chunk_trailing_bytes.mid");
  ASSERT_TRUE(chunked.has_value());
  ASSERT_EQ(chunked->warnings.size(), 2u);
  EXPECT_NE(chunked->warnings[0].find("XFIH"), std::string::npos);
  EXPECT_NE(chunked->warnings[1].find("after the last track"), std::string::npos);

  auto open_ended = read_midi_file(kValid / "no_end_of_track.mid");
  ASSERT_TRUE(open_ended.has_value());
  EXPECT_FALSE(open_ended->tracks[0].has_end_of_track);
  EXPECT_EQ(open_ended->tracks[0].end_tick, open_ended->tracks[0].events.back().tick);
}

TEST(MidiReader, ErrorsNameTheProblem) {
  auto smpte = read_midi(header(1, 1, 0xE728));
  ASSERT_FALSE(smpte.has_value());
  EXPECT_EQ(smpte.error().code, Errc::unsupported);
  EXPECT_NE(smpte.error().message.find("SMPTE"), std::string::npos);

  const Bytes body = {0x00, 0x40, 0x40};
  auto no_status = read_midi(with_track(header(0, 1, 480), body));
  ASSERT_FALSE(no_status.has_value());
  EXPECT_NE(no_status.error().message.find("running status"), std::string::npos);
  EXPECT_EQ(no_status.error().describe(), no_status.error().message + " (at byte 23)");

  auto missing = read_midi_file(kValid / "no_such_file.mid");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("no_such_file.mid"), std::string::npos);
}

TEST(MidiReader, EventAfterEndOfTrackIsIgnored) {
  const Bytes body = {0x00, 0x99, 36, 100, 0x10, 0xFF, 0x2F, 0x00, 0x00, 0x99, 38, 100};
  auto file = read_midi(with_track(header(0, 1, 480), body));
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  EXPECT_EQ(file->tracks[0].events.size(), 1u);
  EXPECT_EQ(file->tracks[0].end_tick, 16);
  EXPECT_EQ(file->warnings.size(), 1u);
}

TEST(MidiExtract, NoDrumsIsNotFound) {
  const Bytes body = {0x00, 0xFF, 0x03, 4,   'B',  'a', 's', 's',
                      0x00, 0x91, 40,   100, 0x60, 0x81, 40, 0, 0x00, 0xFF, 0x2F, 0x00};
  auto file = read_midi(with_track(header(0, 1, 480), body));
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  auto pattern = extract_drum_pattern(*file);
  ASSERT_FALSE(pattern.has_value());
  EXPECT_EQ(pattern.error().code, Errc::not_found);
  EXPECT_EQ(pattern.error().message.rfind("no drum notes: ", 0), 0u) << pattern.error().message;
  EXPECT_NE(pattern.error().message.find("'Bass'"), std::string::npos);
}

TEST(MidiExtract, DrumChannelWinsOverNamedTracks) {
  // Track "Drums" plays channel 1, another track plays channel 10: only channel 10 counts.
  const Bytes drums_named = {0x00, 0xFF, 0x03, 5, 'D', 'r', 'u', 'm', 's',
                             0x00, 0x90, 50, 100, 0x00, 0xFF, 0x2F, 0x00};
  const Bytes channel_ten = {0x00, 0x99, 36, 100, 0x00, 0x99, 42, 90, 0x00, 0xFF, 0x2F, 0x00};
  auto file = read_midi(with_track(with_track(header(1, 2, 480), drums_named), channel_ten));
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  auto pattern = extract_drum_pattern(*file);
  ASSERT_TRUE(pattern.has_value());
  ASSERT_EQ(pattern->hits.size(), 2u);
  EXPECT_EQ(pattern->hits[0].note, 36);
  EXPECT_EQ(pattern->hits[1].note, 42);
  EXPECT_EQ(pattern->hits[1].duration, 60);  // never released: the default length
}

TEST(MidiExtract, RescalesWithRounding) {
  // 96 PPQ: tick 1 is 5 kPpq ticks; 1000 PPQ: tick 333 -> 159.84 -> 160.
  auto a = read_drum_file(kValid / "ppq96_7_8.mid");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->hits[2].tick, 240);  // the hat at 48 of 96 ticks, after kick+hat at 0
  EXPECT_EQ(a->name, "ppq96_7_8");  // no track name: the file's stem
  auto b = read_drum_file(kValid / "ppq1000_12_8.mid");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->hits[1].tick, 160);
  EXPECT_EQ(b->hits[1].duration, 208 - 160);  // 433 -> 207.84 -> 208
}

}  // namespace
}  // namespace mdg::reader_test

namespace mdg::reader_test {
namespace {

TEST(MidiExtract, AbsurdLengthIsUnsupportedNotOverflowed) {
  // 1 tick per quarter and a 2^28-1 tick gap: 1.3e11 kPpq ticks, beyond the 2^36 limit.
  const std::vector<std::uint8_t> body = {0x00, 0x99, 36,   100,  0xFF, 0xFF,
                                          0xFF, 0x7F, 0xFF, 0x2F, 0x00};
  std::vector<std::uint8_t> bytes = {'M', 'T', 'h', 'd', 0,   0,   0, 6, 0, 0, 0, 1, 0, 1,
                                     'M', 'T', 'r', 'k', 0,   0,   0, static_cast<std::uint8_t>(body.size())};
  bytes.insert(bytes.end(), body.begin(), body.end());
  auto file = read_midi(bytes);
  ASSERT_TRUE(file.has_value()) << file.error().describe();
  EXPECT_EQ(file->tracks[0].end_tick, 0x0FFFFFFF);
  auto pattern = extract_drum_pattern(*file);
  ASSERT_FALSE(pattern.has_value());
  EXPECT_EQ(pattern.error().code, Errc::unsupported);
}

}  // namespace
}  // namespace mdg::reader_test
