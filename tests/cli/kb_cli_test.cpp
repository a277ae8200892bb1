// End-to-end: `mididrumigen kb check`, `artists`, and how generate reports which entry it used.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace mdg::kb_cli_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::cli;
using test::TempDir;

// A two-entry knowledge base (a drummer and the band that uses his style) on the shipped genres.
void write_small_kb(const fs::path& dir) {
  fs::create_directories(dir / "artists");
  fs::copy(fs::path(MDG_SOURCE_DATA_DIR) / "genres", dir / "genres");
  fs::copy(fs::path(MDG_SOURCE_DATA_DIR) / "grooves", dir / "grooves");
  std::ofstream(dir / "artists" / "john-bonham.json") << R"({
    "id": "john-bonham", "kind": "drummer", "name": "John Bonham", "aliases": ["Bonzo"],
    "genres": ["rock", "hard rock"], "base": "rock", "country": "GB", "era": {"from": 1964, "to": 1980},
    "tempo": {"min": 65, "max": 175, "typical": 96}, "feel": "straight", "meters": ["4/4"],
    "traits": {"density": 1.25},
    "signature_grooves": [{"name": "Levee", "meter": "4/4", "grid": "16th", "tempo": 71,
      "lanes": {"kick": "X-x-------xx----", "snare": "----X-------X---"}}],
    "description": "Led Zeppelin's drummer.", "sources": [{"title": "John Bonham - Wikipedia"}],
    "confidence": 0.8})";
  std::ofstream(dir / "artists" / "led-zeppelin.json") << R"({
    "id": "led-zeppelin", "kind": "band", "name": "Led Zeppelin", "aliases": ["Led Zepplin"],
    "drummers": [{"name": "John Bonham", "id": "john-bonham", "from": 1968, "to": 1980}],
    "genres": ["hard rock"], "base": "rock", "country": "GB", "era": {"from": 1968, "to": 1980},
    "tempo": {"min": 65, "max": 175, "typical": 96}, "feel": "straight", "meters": ["4/4"],
    "traits": {}, "signature_grooves": [], "description": "Drums by John Bonham.",
    "sources": [{"title": "Led Zeppelin - Wikipedia"}], "confidence": 0.7})";
}

TEST(KbCli, CheckPassesOnAValidBaseAndCounts) {
  TempDir tmp;
  write_small_kb(tmp.path());
  auto r = cli({"kb", "check", "--data", tmp.path().string()});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("2 entries"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("genres (2): hard rock 2, rock 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok: no problems"), std::string::npos) << r.out;
  auto j = cli({"kb", "check", "--json", "--data", tmp.path().string()});
  EXPECT_EQ(j.code, 0) << j.out;
  const json parsed = json::parse(j.out);
  EXPECT_EQ(parsed.at("entries"), 2);
  EXPECT_EQ(parsed.at("per_decade").at("1960s"), 2);
}

TEST(KbCli, CheckFailsWithTheListOfProblems) {
  TempDir tmp;
  write_small_kb(tmp.path());
  std::ofstream(tmp / "artists/bad.json") << R"({"id": "bad", "kind": "drummer", "name": "Bonzo"})";
  auto r = cli({"kb", "check", "--data", tmp.path().string()});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("bad.json: base: is required"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.json: name: 'bonzo' (case, accents and punctuation folded) is also used by john-bonham.json"),
            std::string::npos) << r.out;
  auto j = cli({"kb", "check", "--json", "--data", tmp.path().string()});
  EXPECT_EQ(j.code, 1);
  EXPECT_EQ(json::parse(j.out).at("ok"), false);
  EXPECT_EQ(cli({"kb", "check", "--data", (tmp / "nowhere").string()}).code, 3);
  EXPECT_EQ(cli({"kb"}).code, 2);
}

TEST(KbCli, GenerateSaysWhichEntryWasUsedAndWhy) {
  TempDir tmp;
  write_small_kb(tmp / "data");
  const std::string data = (tmp / "data").string();
  auto r = cli({"generate", "Led Zepplin", "--bars", "1", "--variations", "1", "--seed", "5", "--data", data,
                "--out", (tmp / "out").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("resolution").at("entry"), "led-zeppelin");
  EXPECT_EQ(j.at("resolution").at("match"), "relation");
  EXPECT_EQ(j.at("resolution").at("drummer"), "john-bonham");
  EXPECT_EQ(j.at("resolution").at("reason"), "alias 'Led Zepplin' of Led Zeppelin; drums by John Bonham (1968-1980)");
  EXPECT_EQ(j.at("resolution").at("stand_in"), false);
  // The MIDI file's track name carries the same line.
  const auto bytes = test::bytes_of(j.at("files").at(0).get<std::string>());
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("[entry led-zeppelin (relation): alias 'Led Zepplin' of Led Zeppelin; drums by John Bonham"),
            std::string::npos);

  auto typo = cli({"generate", "Jon Bonam", "--bars", "1", "--variations", "1", "--seed", "5", "--data", data,
                   "--out", (tmp / "out").string()});
  ASSERT_EQ(typo.code, 0) << typo.out;
  EXPECT_NE(typo.out.find("entry john-bonham (fuzzy): closest name to 'Jon Bonam' is 'John Bonham' (score 0.82)"),
            std::string::npos) << typo.out;
}

TEST(KbCli, UnknownNamesExit3AndStandInsSaySo) {
  TempDir tmp;
  write_small_kb(tmp / "data");
  const std::string data = (tmp / "data").string();
  const std::string out = (tmp / "out").string();
  auto unknown = cli({"generate", "Bonham Zeppelin Orchestra", "--data", data, "--out", out});
  EXPECT_EQ(unknown.code, 3) << unknown.out;
  EXPECT_NE(unknown.out.find("unknown artist or style 'Bonham Zeppelin Orchestra'; closest known: "), std::string::npos)
      << unknown.out;
  EXPECT_NE(unknown.out.find("John Bonham"), std::string::npos) << unknown.out;
  EXPECT_NE(unknown.out.find("--genre G or --like"), std::string::npos) << unknown.out;

  auto genre = cli({"generate", "Bonham Zeppelin Orchestra", "--genre", "funk", "--bars", "1", "--variations", "1",
                    "--seed", "1", "--data", data, "--out", out});
  ASSERT_EQ(genre.code, 0) << genre.out;
  EXPECT_NE(genre.out.find("STAND-IN, LOW CONFIDENCE: entry funk (stand-in): stand-in: 'Bonham Zeppelin Orchestra' "
                           "is not in the knowledge base, so this uses Funk"),
            std::string::npos) << genre.out;
  auto like = cli({"generate", "Bonham Zeppelin Orchestra", "--like", "Bonzo", "--bars", "1", "--variations", "1",
                   "--seed", "1", "--data", data, "--out", out, "--json"});
  ASSERT_EQ(like.code, 0) << like.out;
  const json j = json::parse(like.out);
  EXPECT_EQ(j.at("resolution").at("stand_in"), true);
  EXPECT_EQ(j.at("resolution").at("entry"), "john-bonham");
  EXPECT_LE(j.at("profile").at("confidence").get<double>(), 0.2);
  EXPECT_EQ(j.at("artist"), "Bonham Zeppelin Orchestra");
  // A known name ignores the stand-in; a bad stand-in is unknown too; both at once is a usage error.
  auto known = cli({"generate", "Bonzo", "--genre", "funk", "--bars", "1", "--variations", "1", "--data", data,
                    "--out", out, "--json"});
  ASSERT_EQ(known.code, 0) << known.out;
  EXPECT_EQ(json::parse(known.out).at("resolution").at("match"), "alias");
  EXPECT_EQ(cli({"generate", "Nobody Known", "--genre", "polka", "--data", data, "--out", out}).code, 3);
  EXPECT_EQ(cli({"generate", "Nobody Known", "--genre", "funk", "--like", "Bonzo", "--data", data, "--out", out}).code, 2);
}

TEST(KbCli, ArtistsListsAndFilters) {
  TempDir tmp;
  write_small_kb(tmp / "data");
  const std::string data = (tmp / "data").string();
  auto all = cli({"artists", "--data", data});
  ASSERT_EQ(all.code, 0) << all.out;
  EXPECT_NE(all.out.find("John Bonham"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("2 entries"), std::string::npos) << all.out;
  auto band = cli({"artists", "--data", data, "--search", "zeppelin", "--json"});
  ASSERT_EQ(band.code, 0) << band.out;
  const json j = json::parse(band.out);
  ASSERT_EQ(j.at("count"), 1);
  EXPECT_EQ(j.at("artists").at(0).at("kind"), "band");
  EXPECT_EQ(j.at("artists").at(0).at("country"), "GB");
  EXPECT_EQ(j.at("artists").at(0).at("era").at("from"), 1968);
  EXPECT_EQ(j.at("artists").at(0).at("genres").at(0), "hard rock");
  auto rock = cli({"artists", "--data", data, "--genre", "Rock", "--json"});
  EXPECT_EQ(json::parse(rock.out).at("count"), 2);  // base genre
  auto tag = cli({"artists", "--data", data, "--genre", "hard rock", "--json"});
  EXPECT_EQ(json::parse(tag.out).at("count"), 2);
  auto none = cli({"artists", "--data", data, "--genre", "jazz", "--json"});
  EXPECT_EQ(json::parse(none.out).at("count"), 0);
}

}  // namespace
}  // namespace mdg::kb_cli_test
