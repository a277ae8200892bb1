#include "groove/groove_binary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "groove/groove_json.hpp"

namespace mdg::groove_binary_test {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> shipped_groove_files() {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(MDG_SOURCE_DATA_DIR) / "grooves";
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

GrooveSet decode_json_file(const fs::path& path) {
  std::ifstream in(path);
  auto set = groove_set_from_json(nlohmann::json::parse(in));
  EXPECT_TRUE(set.has_value()) << path << ": " << (set ? std::string() : set.error().describe());
  return set ? *set : GrooveSet{};
}

// A set with every kind of member filled, including an empty model.
GrooveSet small_set() {
  GrooveModel m;
  m.grid = Grid{Meter{7, 8}, Subdivision::sixteenth};
  m.bars = 3;
  const auto steps = static_cast<std::size_t>(m.steps());
  for (auto& lane : m.lanes) {
    lane.steps.resize(steps);
    lane.note = 36;
    lane.velocity_mean = 90.125;
  }
  m.lanes[1].steps[2] = StepStats{0.5, 101.25, 4.5, 0.125, 30.5, -3.25, 7.75, 6};
  m.transitions.resize(steps);
  m.transitions[0].unigram = {{0, 2}, {1, 5}, {511, 1}};
  m.transitions[0].contexts = {{0, {{1, 3}}}, {4, {{0, 1}, {5, 2}}}};
  m.transitions[0].beat_contexts = {{0, 0, {{1, 1}}}, {0, 3, {{2, 2}}}, {7, 1, {{9, 4}}}};
  m.density = 14.2;
  m.swing_ratio = 1.0 / 3.0;  // not a short decimal: bits must survive
  m.placement_ms = -9.5;
  m.note_velocity = {{37, -30.2}, {44, -12.5}};
  m.context_feel = {{context_key(ContextLevel::note, 0, 0, 0, 36, 0, 0), 12, 97.0, -3.2},
                    {context_key(ContextLevel::step, 1, 5, 0, 38, 0, 0), 10, 60.5, 1.0}};
  TakeShape take;
  take.onsets.assign(kLaneCount * steps, 0);
  take.onsets[3] = 255;
  take.onsets.back() = 17;
  take.snare_hits = 12;
  take.snare_ghosts = 5;
  take.bars.assign(2 * steps, 0);
  take.bars[0] = 0x1ff;
  take.bars.back() = 3;
  take.timing_mean_ms = -1.25;
  take.timing_sd_ms = 18.5;
  m.takes = {take, TakeShape{std::vector<std::uint8_t>(kLaneCount * steps, 128), 0, 0, {}, 0.0, 0.0}};
  GrooveSet set;
  set.feel = Subdivision::triplet;
  set.sixteenth = m;
  set.fill_sixteenth = m;
  set.fill_sixteenth.bars = 1;
  set.triplet.grid = Grid{Meter{4, 4}, Subdivision::triplet};  // empty model (bars 0, no steps)
  return set;
}

TEST(GrooveBinary, RoundTripsEveryMemberBitForBit) {
  const GrooveSet set = small_set();
  const std::string bytes = groove_set_to_binary(set);
  auto back = groove_set_from_binary(bytes);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(*back, set);
  EXPECT_EQ(groove_set_to_binary(*back), bytes);
}

TEST(GrooveBinary, EveryShippedGrooveDecodesToWhatItsJsonDecodesTo) {
  const auto files = shipped_groove_files();
  if (files.empty()) GTEST_SKIP() << "data/grooves has not been derived yet";
  for (const auto& file : files) {
    const GrooveSet from_json = decode_json_file(file);
    auto from_binary = groove_set_from_binary(groove_set_to_binary(from_json));
    ASSERT_TRUE(from_binary.has_value()) << file << ": " << from_binary.error().describe();
    EXPECT_TRUE(*from_binary == from_json) << file;
    // And the JSON form written from it is the same text (nothing was rounded on the way).
    EXPECT_EQ(groove_set_to_json(*from_binary).dump(), groove_set_to_json(from_json).dump()) << file;
  }
}

TEST(GrooveBinary, DamagedBytesAreAnErrorNeverACrash) {
  const std::string bytes = groove_set_to_binary(small_set());
  // Every truncation.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(groove_set_from_binary(std::string_view(bytes).substr(0, n)).has_value()) << "length " << n;
  }
  // A flipped bit anywhere: the header's fields or the payload's checksum catch it.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    EXPECT_FALSE(groove_set_from_binary(damaged).has_value()) << "byte " << i;
  }
  EXPECT_FALSE(groove_set_from_binary(bytes + "x").has_value());
  EXPECT_FALSE(groove_set_from_binary("").has_value());
  EXPECT_FALSE(groove_set_from_binary(std::string(4096, '\0')).has_value());
}

TEST(GrooveBinary, ShapesTheJsonDecoderRefusesAreRefusedToo) {
  // Encoded without checks, so the checksum is right and only the shape is wrong.
  auto refused = [](const GrooveSet& set) { return !groove_set_from_binary(groove_set_to_binary(set)).has_value(); };
  GrooveSet set = small_set();
  set.sixteenth.transitions[0].unigram = {{600, 1}};  // mask beyond nine lanes
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.transitions[0].unigram = {{5, 1}, {1, 1}};  // unsorted
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.lanes[3].steps.pop_back();  // one step short
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.transitions.pop_back();
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.grid.meter = Meter{7, 3};  // not a meter
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.triplet.grid = Grid{Meter{7, 8}, Subdivision::triplet};  // 7/8 does not fit triplets
  EXPECT_TRUE(refused(set));
  set = small_set();
  GrooveModel triplet = set.sixteenth;  // a well-formed 6/8 triplet model...
  triplet.grid = Grid{Meter{6, 8}, Subdivision::triplet};
  for (auto& lane : triplet.lanes) lane.steps.resize(static_cast<std::size_t>(triplet.steps()));
  triplet.transitions.resize(static_cast<std::size_t>(triplet.steps()));
  for (auto& take : triplet.takes) {
    take.onsets.resize(kLaneCount * static_cast<std::size_t>(triplet.steps()));
    take.bars.resize(take.bars.empty() ? 0 : 2 * static_cast<std::size_t>(triplet.steps()));
  }
  set.triplet = triplet;
  EXPECT_FALSE(refused(set));
  set.sixteenth = triplet;  // ...is no sixteenth-grid model
  EXPECT_TRUE(refused(set));
  set = small_set();
  std::swap(set.sixteenth.context_feel[0], set.sixteenth.context_feel[1]);
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.lanes[0].note = 200;
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.takes[0].snare_ghosts = 13;  // more ghost notes than snare strokes
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.takes[0].onsets.pop_back();  // one lane-step short: the rest reads out of line
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.takes[0].bars.pop_back();  // bars not whole
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.takes[0].bars[1] = 0x200;  // a step mask of no lanes we know
  EXPECT_TRUE(refused(set));
  set = small_set();
  set.sixteenth.takes[0].timing_sd_ms = -2.0;  // a negative timing spread
  EXPECT_TRUE(refused(set));
  EXPECT_FALSE(refused(small_set()));
}

// The fuzz target's checks (fuzz/groove_binary_fuzz.cpp), over its seed corpus and saved
// crash inputs: as a whole file and framed as a payload, a decoded set re-encodes to the same
// bytes and decodes to itself; anything else is an error with a message.
void replay(std::string_view bytes) {
  auto set = groove_set_from_binary(bytes);
  if (!set) {
    EXPECT_FALSE(set.error().message.empty());
    return;
  }
  const std::string again = groove_set_to_binary(*set);
  EXPECT_EQ(again, bytes);
  auto back = groove_set_from_binary(again);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == *set);
}

TEST(GrooveBinaryFuzzRegression, SavedCrashesAndSeedsReplayCleanly) {
  const fs::path fuzz = fs::path(MDG_TEST_DATA_DIR) / ".." / ".." / "fuzz";
  std::vector<fs::path> files;
  for (const char* folder : {"corpus", "crashes"}) {
    const fs::path dir = fuzz / folder / "groove_binary";
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  EXPECT_GE(files.size(), 3U) << "the fuzz seed corpus at " << fuzz / "corpus" / "groove_binary" << " is missing";
  std::size_t decoded = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    replay(bytes);
    replay(groove_binary_frame(bytes));
    decoded += groove_set_from_binary(bytes).has_value() + groove_set_from_binary(groove_binary_frame(bytes)).has_value();
  }
  EXPECT_GE(decoded, 3U);  // the seeds are valid sets, whole or as payloads
}

}  // namespace
}  // namespace mdg::groove_binary_test
