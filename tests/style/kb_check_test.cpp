#include "style/kb_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace mdg::kb_check_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json drummer_entry() {
  return json::parse(R"J({
    "id": "john-bonham", "kind": "drummer", "name": "John Bonham",
    "aliases": ["Bonzo", "John Henry Bonham"], "genres": ["rock", "hard rock"], "base": "rock",
    "country": "GB", "era": {"from": 1964, "to": 1980},
    "tempo": {"min": 65, "max": 175, "typical": 96}, "feel": "straight", "meters": ["4/4", "12/8"],
    "traits": {"density": 1.25, "kick_density": 1.4, "timekeeper": "closed_hat"},
    "signature_grooves": [{"name": "Levee", "recording": "When the Levee Breaks (1971)",
      "meter": "4/4", "grid": "16th", "tempo": 71,
      "lanes": {"kick": "X-x-------xx----", "snare": "----X-------X---", "closed_hat": "x-x-x-x-x-x-x-o-"}}],
    "description": "Led Zeppelin's drummer.", "sources": [{"title": "John Bonham - Wikipedia"}],
    "confidence": 0.8})J");
}

json band_entry() {
  return json::parse(R"J({
    "id": "led-zeppelin", "kind": "band", "name": "Led Zeppelin", "aliases": ["Led Zepplin"],
    "drummers": [{"name": "John Bonham", "id": "john-bonham", "from": 1968, "to": 1980}],
    "genres": ["hard rock"], "base": "rock", "country": "GB", "era": {"from": 1968, "to": 1980},
    "tempo": {"min": 65, "max": 175, "typical": 96}, "feel": "straight", "meters": ["4/4"],
    "traits": {}, "signature_grooves": [], "description": "Drums by John Bonham.",
    "sources": [{"title": "Led Zeppelin - Wikipedia"}], "confidence": 0.7})J");
}

class TempKb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mdg_kb_check_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "artists");
    fs::create_directories(dir_ / "genres");
    std::ofstream(dir_ / "genres" / "rock.json") << "{}";
    write(drummer_entry());
    write(band_entry());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const json& entry, std::string file = {}) {
    if (file.empty()) file = entry.at("id").get<std::string>() + ".json";
    std::ofstream(dir_ / "artists" / file) << entry.dump(2);
  }
  KbReport check() {
    auto r = check_knowledge_base(dir_);
    EXPECT_TRUE(r.has_value());
    return r ? *r : KbReport{};
  }
  fs::path dir_;
};

bool has_problem(const KbReport& r, std::string_view file, std::string_view field, std::string_view text) {
  for (const auto& p : r.problems) {
    if (p.file.filename() == file && p.field == field && p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string all(const KbReport& r) { return render_kb_report(r); }

TEST_F(TempKb, ValidBaseIsOkAndCounted) {
  const KbReport r = check();
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.entries, 2U);
  EXPECT_EQ(r.signature_grooves, 1U);
  EXPECT_EQ(r.per_genre.at("hard rock"), 2U);
  EXPECT_EQ(r.per_genre.at("rock"), 1U);
  EXPECT_EQ(r.per_decade.at(1960), 2U);
  EXPECT_EQ(r.per_decade.at(1980), 2U);
  EXPECT_FALSE(r.per_decade.contains(1990));
  EXPECT_EQ(r.per_kind.at("band"), 1U);
  const std::string text = render_kb_report(r);
  EXPECT_NE(text.find("2 entries"), std::string::npos) << text;
  EXPECT_NE(text.find("decades: 1960s 2, 1970s 2, 1980s 2"), std::string::npos) << text;
  EXPECT_NE(text.find("ok: no problems"), std::string::npos) << text;
  const json j = kb_report_to_json(r);
  EXPECT_EQ(j.at("ok"), true);
  EXPECT_EQ(j.at("per_decade").at("1970s"), 2);
}

TEST_F(TempKb, EachBrokenEntryIsReportedWithFileFieldAndWhatIsAllowed) {
  struct Case {
    const char* pointer;  // into a copy of the drummer entry (id "x-<n>")
    json value;
    const char* field;
    const char* text;
  };
  const Case cases[] = {
      {"/traits/kick_density", 3.5, "traits.kick_density", "allowed 0.3-3"},
      {"/traits/timekeeper", "crash", "traits.timekeeper", "allowed: closed_hat, ride, open_hat, low_tom"},
      {"/genres/1", "yacht rock", "genres[1]", "not in the vocabulary"},
      {"/base", "polka", "base", "is not a base genre; allowed: rock, funk"},
      {"/base", "metal", "base", "has no genre profile"},
      {"/feel", "bounce", "feel", "allowed: straight, shuffle"},
      {"/kind", "genre", "kind", "allowed: band, artist, drummer, producer"},
      {"/country", "England", "country", "ISO 3166-1 alpha-2"},
      {"/tempo/max", 400, "tempo.max", "allowed 40-300"},
      {"/tempo", json{{"min", 40}, {"max", 250}, {"typical", 96}}, "tempo", "not a plausible range"},
      {"/era/from", 1800, "era.from", "allowed 1900-2026"},
      {"/meters", json::array(), "meters", "at least one meter"},
      {"/signature_grooves/0/lanes/snare", "----X-------X--", "signature_grooves[0].lanes",
       "lane 'snare': bar 1 has 15 steps; every bar needs exactly 16"},
      {"/signature_grooves/0/meter", "7/8", "signature_grooves[0].lanes", "bar 1 has 16 steps; every bar needs exactly 14"},
      {"/signature_grooves/0/tempo", 200, "signature_grooves[0].tempo", "allowed 65-175"},
      {"/signature_grooves/0/name", "", "signature_grooves[0].name", "is required"},
      {"/signature_grooves/1", json::parse(R"({"meter": "4/4", "grid": "16th", "name": "a", "lanes": {"kick": "x---"}})"),
       "signature_grooves[1].lanes", "every bar needs exactly 16"},
      {"/confidence", 1.2, "confidence", "allowed 0-1"},
      {"/description", "", "description", "must not be empty"},
      {"/sources", json::array(), "sources", "at least one"},
      {"/aliases/0", "Led Zeppelin", "aliases[0]", "also used by led-zeppelin.json"},
      {"/aliases/1", "?!", "aliases[1]", "no letters or digits"},
      {"/colour", "red", "colour", "unknown field 'colour'"},
  };
  int n = 0;
  for (const auto& c : cases) {
    json entry = drummer_entry();
    const std::string id = "x-" + std::to_string(n++);
    entry["id"] = id;
    entry["name"] = "Drummer " + id;
    entry["aliases"] = json::array({"Alias " + id, "Second " + id});
    entry[json::json_pointer(c.pointer)] = c.value;
    write(entry);
    const KbReport r = check();
    EXPECT_FALSE(r.ok()) << c.pointer;
    EXPECT_TRUE(has_problem(r, id + ".json", c.field, c.text)) << c.pointer << "\n" << all(r);
    fs::remove(dir_ / "artists" / (id + ".json"));
  }
  EXPECT_TRUE(check().ok());
}

TEST_F(TempKb, MissingFieldsIdsAndRelationsAreReported) {
  json missing = drummer_entry();
  missing["id"] = "old-entry";
  missing["name"] = "Old Entry";
  missing["aliases"] = json::array();
  for (const char* key : {"country", "era", "meters", "signature_grooves"}) missing.erase(key);
  missing["tempo"].erase("typical");
  write(missing);
  json wrong_file = missing;
  wrong_file["id"] = "not-the-file";
  wrong_file["name"] = "Wrong File";
  write(wrong_file, "some-file.json");
  std::ofstream(dir_ / "artists" / "broken.json") << "{\"id\": \"broken\",";

  json band = band_entry();
  band["id"] = "the-band";
  band["name"] = "The Band";
  band["aliases"] = json::array();
  band["drummers"] = json::parse(R"([{"name": "Levon Helm", "id": "levon-helm", "from": 1958}, {"name": "X"}])");
  write(band);
  json solo = band_entry();
  solo["id"] = "solo";
  solo["name"] = "Solo";
  solo["kind"] = "artist";
  solo["aliases"] = json::array();
  solo["drummers"] = json::array();
  write(solo);
  json chain = band_entry();
  chain["id"] = "chain";
  chain["name"] = "Chain";
  chain["aliases"] = json::array();
  chain["drummers"] = json::parse(R"([{"name": "Solo", "id": "solo", "from": 1990}])");
  write(chain);

  const KbReport r = check();
  const std::string text = all(r);
  for (const char* field : {"country", "era", "meters", "signature_grooves"}) {
    EXPECT_TRUE(has_problem(r, "old-entry.json", field, "is required")) << field << "\n" << text;
  }
  EXPECT_TRUE(has_problem(r, "old-entry.json", "tempo.typical", "is required")) << text;
  EXPECT_TRUE(has_problem(r, "some-file.json", "id", "must equal the file name")) << text;
  EXPECT_TRUE(has_problem(r, "broken.json", "", "not valid JSON")) << text;
  EXPECT_TRUE(has_problem(r, "the-band.json", "drummers[0].id", "'levon-helm' has no entry")) << text;
  EXPECT_TRUE(has_problem(r, "the-band.json", "drummers[1].from", "is required")) << text;
  EXPECT_TRUE(has_problem(r, "solo.json", "drummers", "lists its main drummer")) << text;
  EXPECT_TRUE(has_problem(r, "solo.json", "traits", "is empty and there are no signature grooves")) << text;
  EXPECT_TRUE(has_problem(r, "chain.json", "traits", "no drummer id names an entry with traits")) << text;
  // The valid pair is untouched.
  for (const auto& p : r.problems) {
    EXPECT_NE(p.file.filename(), "john-bonham.json") << p.message;
    EXPECT_NE(p.file.filename(), "led-zeppelin.json") << p.message;
  }
  // The text lists every problem as file: field: message.
  EXPECT_NE(text.find("some-file.json: id: 'not-the-file' must equal the file name"), std::string::npos) << text;
}

TEST(KbCheck, MissingFolderIsAnError) {
  auto r = check_knowledge_base("/nonexistent/mdg/kb");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::not_found);
}

// The shipped knowledge base passes its own check.
TEST(ShippedData, KnowledgeBasePassesKbCheck) {
  auto r = check_knowledge_base(MDG_SOURCE_DATA_DIR);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_GE(r->entries, 35U);
  EXPECT_TRUE(r->ok()) << render_kb_report(*r);
}

}  // namespace
}  // namespace mdg::kb_check_test
