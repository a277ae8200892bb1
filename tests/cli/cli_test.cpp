// End-to-end tests of the `mididrumigen` command: run the real binary, read the files it
// writes back with the project's MIDI reader and check them musically.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "groove/analyzer.hpp"
#include "cli_runner.hpp"
#include "midi/midi_file.hpp"

namespace mdg::cli_test {
namespace {

namespace fs = std::filesystem;
using test::bytes_of;
using test::cli;
using test::Run;
using test::TempDir;


std::vector<fs::path> mid_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".mid") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Share of bars with a snare hit within a sixteenth of beats 2 and 4.
double backbeat_share(const Pattern& p) {
  const auto bar = p.meter.ticks_per_bar();
  int bars_with_backbeat = 0;
  for (int b = 0; b < p.bars(); ++b) {
    bool two = false;
    bool four = false;
    for (const auto& h : p.hits) {
      if (lane_of(h.note) != Lane::snare || h.velocity <= kGhostVelocity) continue;
      const auto t = h.tick - b * bar;
      two = two || std::llabs(t - 480) <= 60;
      four = four || std::llabs(t - 1440) <= 60;
    }
    bars_with_backbeat += two && four;
  }
  return static_cast<double>(bars_with_backbeat) / p.bars();
}

TEST(Cli, GenerateWritesReadableDrumFiles) {
  TempDir dir;
  auto r = cli({"generate", "John Bonham", "--seed", "42", "--bars", "8", "--tempo", "96", "--out",
                dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto files = mid_files(dir.path());
  ASSERT_EQ(files.size(), 4u) << r.out;
  std::vector<std::vector<Hit>> distinct;
  double backbeat_total = 0.0;
  int strong_backbeats = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto file = read_midi_file(files[i]);
    ASSERT_TRUE(file) << file.error().describe();
    auto p = extract_drum_pattern(*file);
    ASSERT_TRUE(p) << p.error().describe();
    EXPECT_EQ(p->meter, (Meter{4, 4}));
    EXPECT_DOUBLE_EQ(p->tempo_bpm, 96.0);
    EXPECT_EQ(p->bars(), 8);
    EXPECT_EQ(p->length_ticks, 8 * 1920);
    EXPECT_GT(p->hits.size(), 40u);
    for (const auto& h : p->hits) {
      EXPECT_GE(h.velocity, 1);
      EXPECT_LE(h.velocity, 127);
      EXPECT_NE(drum_voice(h.note), nullptr) << int(h.note);
    }
    // Every note sits on channel 10.
    for (const auto& track : file->tracks) {
      for (const auto& ev : track.events) {
        if (ev.is_note_on() || ev.is_note_off()) {
          EXPECT_EQ(ev.channel(), 9);
        }
      }
    }
    EXPECT_NE(r.out.find(files[i].filename().string()), std::string::npos);
    if (std::find(distinct.begin(), distinct.end(), p->hits) == distinct.end()) distinct.push_back(p->hits);
    const double share = backbeat_share(*p);
    backbeat_total += share;
    strong_backbeats += share >= 0.5;
  }
  EXPECT_EQ(distinct.size(), 4u) << "variations differ";
  // A rock drummer keeps the backbeat: snare on 2 and 4 in most bars (a variation may
  // borrow another groove of the style, such as a half-time or ride feel, and fill bars
  // give up beats 3 and 4). A pattern without a backbeat scores near 0.
  EXPECT_GE(backbeat_total / 4.0, 0.6) << r.out;
  EXPECT_GE(strong_backbeats, 3) << r.out;
  // The default output is a readable grid.
  EXPECT_NE(r.out.find("snare"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kick"), std::string::npos);
  EXPECT_NE(r.out.find("|1...2...3...4...|"), std::string::npos) << r.out;
}

TEST(Cli, SameSeedSameBytes) {
  TempDir a;
  TempDir b;
  ASSERT_EQ(cli({"generate", "J Dilla", "--seed", "5", "--out", a.path().string()}).code, 0);
  ASSERT_EQ(cli({"generate", "j. dilla", "--seed", "5", "--out", b.path().string()}).code, 0);
  const auto fa = mid_files(a.path());
  const auto fb = mid_files(b.path());
  ASSERT_EQ(fa.size(), fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) EXPECT_EQ(bytes_of(fa[i]), bytes_of(fb[i]));
}

TEST(Cli, TempoComesFromTheArtistRange) {
  TempDir dir;
  auto r = cli({"generate", "John Bonham", "--seed", "9", "--json", "--variations", "1", "--out",
                dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  const double tempo = j.at("tempo").get<double>();
  EXPECT_GE(tempo, j.at("profile").at("tempo_range").at("min").get<double>());
  EXPECT_LE(tempo, j.at("profile").at("tempo_range").at("max").get<double>());
  EXPECT_EQ(j.at("seed").get<std::uint64_t>(), 9u);
  EXPECT_EQ(j.at("bars").get<int>(), 4);
  EXPECT_EQ(j.at("meter").get<std::string>(), "4/4");
  EXPECT_EQ(j.at("artist").get<std::string>(), "John Bonham");
  ASSERT_EQ(j.at("files").size(), 1u);
  EXPECT_TRUE(fs::exists(j.at("files")[0].get<std::string>()));
}

TEST(Cli, JazzSwingsItsEighths) {
  TempDir dir;
  auto r = cli({"generate", "Elvin Jones", "--seed", "3", "--bars", "8", "--humanize", "0.5", "--out",
                dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.out;
  auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, Subdivision::sixteenth});
  ASSERT_TRUE(acc);
  for (const auto& f : mid_files(dir.path())) {
    auto p = read_drum_file(f);
    ASSERT_TRUE(p);
    acc->add(*p);
  }
  const auto model = acc->finish();
  EXPECT_GT(model.swing_ratio, 1.5) << "swung eighths are long-short, near 2:1";
}

TEST(Cli, SevenEightBarsAreValid) {
  TempDir dir;
  auto r = cli({"generate", "Travis Barker", "--time-signature", "7/8", "--seed", "1", "--bars", "4",
                "--out", dir.path().string()});
  ASSERT_EQ(r.code, 0) << r.out;
  for (const auto& f : mid_files(dir.path())) {
    auto p = read_drum_file(f);
    ASSERT_TRUE(p) << p.error().describe();
    EXPECT_EQ(p->meter, (Meter{7, 8}));
    EXPECT_EQ(p->length_ticks, 4 * 1680);
    EXPECT_EQ(p->bars(), 4);
    for (int bar = 0; bar < 4; ++bar) {
      const bool downbeat_kick = std::any_of(p->hits.begin(), p->hits.end(), [&](const Hit& h) {
        return lane_of(h.note) == Lane::kick && std::llabs(h.tick - bar * 1680) <= 60;
      });
      EXPECT_TRUE(downbeat_kick) << "bar " << bar + 1;
    }
  }
}

TEST(Cli, UnknownArtistSuggestsClosestNames) {
  // A typo resolves (fuzzy, with its score); a name the base does not know exits 3.
  TempDir dir;
  auto typo = cli({"generate", "John Bonhem", "--bars", "1", "--variations", "1", "--out", dir.path().string()});
  EXPECT_EQ(typo.code, 0) << typo.out;
  EXPECT_NE(typo.out.find("entry john-bonham (fuzzy)"), std::string::npos) << typo.out;
  auto r = cli({"generate", "John Bonham Tribute Band"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("John Bonham"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("closest"), std::string::npos) << r.out;
}

TEST(Cli, BadParametersNameTheAllowedValues) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--bars", "17"}, "allowed: whole numbers 1-16"},
      {{"--bars", "two"}, "not a number"},
      {{"--variations", "0"}, "1-8"},
      {{"--tempo", "20"}, "40-300"},
      {{"--humanize", "2"}, "0-1"},
      {{"--complexity", "-1"}, "0-1"},
      {{"--time-signature", "7/3"}, "2, 4, 8 or 16"},
      {{"--format", "2"}, "allowed: 0, 1"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"generate", "John Bonham", "--out", "/nonexistent-never-written"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = cli(args);
    EXPECT_EQ(r.code, 2) << c.args[0] << ": " << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists("/nonexistent-never-written"));
  }
}

TEST(Cli, AnalyzeReportsTheGrooveOfAFile) {
  TempDir dir;
  ASSERT_EQ(cli({"generate", "rock", "--seed", "2", "--variations", "1", "--out", dir.path().string()}).code, 0);
  const auto files = mid_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  auto text = cli({"analyze", files[0].string()});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("Swing:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Ghost rate:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Onset probability on the sixteenth grid"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Onset probability on the triplet grid"), std::string::npos) << text.out;
  auto json = cli({"analyze", files[0].string(), "--json"});
  ASSERT_EQ(json.code, 0) << json.out;
  const auto parsed = nlohmann::json::parse(json.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << json.out;
  auto missing = cli({"analyze", (dir.path() / "nope.mid").string()});
  EXPECT_NE(missing.code, 0);
}

TEST(Cli, ListShowsArtistsAndGenres) {
  auto r = cli({"list", "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GE(j.at("artists").size(), 20u);
  EXPECT_GE(j.at("genres").size(), 15u);
}

}  // namespace
}  // namespace mdg::cli_test
