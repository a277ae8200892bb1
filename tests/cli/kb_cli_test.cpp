// End-to-end: `mididrumigen kb check`, `artists`, and how generate reports which entry it used.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace mdg {
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

}  // namespace
}  // namespace mdg
