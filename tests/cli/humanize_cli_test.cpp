// End-to-end tests of `mididrumigen humanize` and `generate --blend`: run the real binary
// and read what it writes with the project's MIDI reader.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "midi/midi_file.hpp"

namespace mdg::humanize_cli_test {
namespace {

namespace fs = std::filesystem;
using test::bytes_of;
using test::cli;
using test::Run;
using test::TempDir;


// A quantized two-bar groove at one velocity, written as a user's file would be.
fs::path write_groove(const TempDir& dir) {
  Pattern p;
  p.name = "my beat";
  p.tempo_bpm = 96;
  p.length_ticks = 1920 * 2;
  for (int b = 0; b < 2; ++b) {
    for (int s = 0; s < 16; s += 2) p.hits.push_back({b * 1920 + s * 120, 42, 100, 60});
    p.hits.push_back({b * 1920, 36, 100, 60});
    p.hits.push_back({b * 1920 + 1200, 36, 100, 60});
    p.hits.push_back({b * 1920 + 480, 38, 100, 60});
    p.hits.push_back({b * 1920 + 1440, 38, 100, 60});
  }
  p.sort_hits();
  const auto path = dir / "groove.mid";
  MidiWriteOptions options;
  options.track_name = p.name;
  EXPECT_TRUE(write_midi_file(path, p, options));
  return path;
}

TEST(CliHumanize, WritesTheSameNotesWithTheStylesFeel) {
  TempDir dir;
  const auto in = write_groove(dir);
  const auto out = dir / "out.mid";
  auto r = cli({"humanize", in.string(), "--style", "Questlove", "--amount", "1", "--seed", "3", "-o",
                out.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["style"], "Questlove");
  EXPECT_EQ(json["notes"], 24);
  EXPECT_EQ(json["track_name"], "my beat - humanized (Questlove)");

  auto before = read_drum_file(in);
  auto after = read_drum_file(out);
  ASSERT_TRUE(before && after) << (after ? "" : after.error().message);
  ASSERT_EQ(after->hits.size(), before->hits.size());
  EXPECT_EQ(after->name, "my beat - humanized (Questlove)");
  EXPECT_EQ(after->tempo_bpm, before->tempo_bpm);
  int moved = 0, dynamic = 0;
  for (std::size_t i = 0; i < after->hits.size(); ++i) {
    const auto& h = after->hits[i];
    const auto rem = h.tick % 120;
    moved += rem != 0;
    dynamic += h.velocity != 100;
    EXPECT_LT(std::min<std::int64_t>(rem, 120 - rem), 60);
  }
  EXPECT_GT(moved, 12);
  EXPECT_GT(dynamic, 12);
  // Same pitches, same counts.
  std::vector<int> a(128), b(128);
  for (const auto& h : before->hits) ++a[h.note];
  for (const auto& h : after->hits) ++b[h.note];
  EXPECT_EQ(a, b);

  // Same seed, same bytes; amount 0 writes the input's notes unchanged.
  const auto again = dir / "again.mid";
  ASSERT_EQ(cli({"humanize", in.string(), "--style", "Questlove", "--seed", "3", "-o", again.string()}).code, 0);
  EXPECT_EQ(bytes_of(again), bytes_of(out));
  const auto zero = dir / "zero.mid";
  ASSERT_EQ(cli({"humanize", in.string(), "--style", "Questlove", "--amount", "0", "-o", zero.string()}).code, 0);
  auto unchanged = read_drum_file(zero);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->hits, before->hits);
}

TEST(CliHumanize, ErrorsHaveExitCodesAndSayWhatIsAllowed) {
  TempDir dir;
  const auto in = write_groove(dir);
  const auto out = (dir / "out.mid").string();
  auto unknown = cli({"humanize", in.string(), "--style", "Questlove Tribute Band", "-o", out});
  EXPECT_EQ(unknown.code, 3) << unknown.out;
  EXPECT_NE(unknown.out.find("Questlove"), std::string::npos) << unknown.out;
  for (const char* amount : {"1.5", "-0.2", "lots"}) {
    auto bad = cli({"humanize", in.string(), "--style", "rock", "--amount", amount, "-o", out});
    EXPECT_EQ(bad.code, 2) << bad.out;
    EXPECT_NE(bad.out.find("0-1"), std::string::npos) << bad.out;
  }
  auto missing = cli({"humanize", (dir / "none.mid").string(), "--style", "rock", "-o", out});
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_NE(missing.out.find("none.mid"), std::string::npos);
  {
    std::ofstream junk(dir / "junk.mid", std::ios::binary);
    junk << "not a midi file at all";
  }
  auto junk = cli({"humanize", (dir / "junk.mid").string(), "--style", "rock", "-o", out});
  EXPECT_EQ(junk.code, 1) << junk.out;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(cli({"humanize", in.string(), "--style", "rock"}).code, 2);
}

TEST(CliBlend, GeneratesFromABlendOfStyles) {
  TempDir dir;
  auto r = cli({"generate", "--blend", "John Bonham:0.7,Questlove:0.3", "--seed", "5", "--variations", "2",
                "--out", (dir / "out").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["artist"], "John Bonham + Questlove");
  EXPECT_EQ(json["profile"]["id"], "john-bonham-x-questlove");
  ASSERT_EQ(json["files"].size(), 2U);
  for (const auto& f : json["files"]) {
    auto p = read_drum_file(f.get<std::string>());
    ASSERT_TRUE(p) << f;
    EXPECT_GT(p->hits.size(), 16U);
  }
}

TEST(CliBlend, BadBlendsAreRefusedClearly) {
  TempDir dir;
  const auto out = (dir / "out").string();
  auto unknown = cli({"generate", "--blend", "John Bonham:0.7,Questlove Tribute Band:0.3", "--out", out});
  EXPECT_EQ(unknown.code, 3) << unknown.out;
  EXPECT_NE(unknown.out.find("Questlove"), std::string::npos);
  auto weight = cli({"generate", "--blend", "John Bonham:heavy,Questlove:0.3", "--out", out});
  EXPECT_EQ(weight.code, 2) << weight.out;
  EXPECT_NE(weight.out.find("a number > 0"), std::string::npos);
  auto single = cli({"generate", "--blend", "John Bonham:1", "--out", out});
  EXPECT_EQ(single.code, 2);
  EXPECT_NE(single.out.find("2-4"), std::string::npos);
  auto both = cli({"generate", "rock", "--blend", "funk:1,jazz:1", "--out", out});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.out.find("not both"), std::string::npos);
  auto none = cli({"generate", "--out", out});
  EXPECT_EQ(none.code, 2);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace mdg::humanize_cli_test
