// Name resolution against a small knowledge base written here: every way a user may type
// a name, relations, unknown names and stand-ins.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "style/library.hpp"

namespace mdg::resolution_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json entry(const std::string& id, const std::string& kind, const std::string& name, json aliases,
           json traits, json drummers = json::array()) {
  json e = {{"id", id}, {"kind", kind}, {"name", name}, {"aliases", std::move(aliases)},
            {"genres", {"rock"}}, {"base", "rock"}, {"traits", std::move(traits)},
            {"tempo", {{"min", 70}, {"max", 170}, {"typical", 110}}}, {"confidence", 0.8},
            {"description", name + " test entry."}, {"sources", {{{"title", name}}}}};
  if (!drummers.empty()) e["drummers"] = std::move(drummers);
  return e;
}

// Every case runs against a library that indexes names at open and one that scans them
// until it needs the index: the answers must be the same.
class Resolution : public ::testing::TestWithParam<NameIndexing> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / ("mdg_resolution_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "artists");
    fs::create_directories(dir_ / "genres");
    std::ofstream(dir_ / "genres" / "rock.json")
        << R"({"id": "rock", "kind": "genre", "name": "Rock", "aliases": ["rock and roll"], "confidence": 0.9})";
    std::ofstream(dir_ / "genres" / "funk.json")
        << R"({"id": "funk", "kind": "genre", "name": "Funk", "aliases": [], "confidence": 0.9})";
    const json density = {{"density", 1.25}};
    write(entry("john-bonham", "drummer", "John Bonham", {"Bonzo", "John Henry Bonham"}, {{"density", 1.3}}));
    write(entry("led-zeppelin", "band", "Led Zeppelin", {"Led Zep"}, json::object(),
                json::parse(R"([{"name": "John Bonham", "id": "john-bonham", "from": 1968, "to": 1980}])")));
    write(entry("ac-dc", "band", "AC/DC", json::array(), density,
                json::parse(R"([{"name": "Phil Rudd", "from": 1975}])")));
    write(entry("guns-n-roses", "band", "Guns N' Roses", {"GNR"}, density));
    write(entry("motley-crue", "band", "Mötley Crüe", json::array(), density));
    write(entry("the-beatles", "band", "The Beatles", {"Fab Four"}, density));
    write(entry("clyde-stubblefield", "drummer", "Clyde Stubblefield", json::array(), density));
    write(entry("elvin-jones", "drummer", "Elvin Jones", json::array(), density));
    write(entry("philly-joe-jones", "drummer", "Philly Joe Jones", json::array(), density));
    write(entry("fishmans", "band", "Fishmans", {"フィッシュマンズ"}, density));
    auto lib = StyleLibrary::open(dir_, LibraryOptions{.cache_dir = {}, .names = GetParam()});
    ASSERT_TRUE(lib.has_value()) << lib.error().describe();
    lib_.emplace(std::move(*lib));
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const json& e) { std::ofstream(dir_ / "artists" / (e.at("id").get<std::string>() + ".json")) << e.dump(); }
  Resolved ok(const std::string& query) {
    auto r = lib_->resolve_match(query);
    EXPECT_TRUE(r.has_value()) << query << ": " << (r ? std::string() : r.error().describe());
    return r ? *r : Resolved{};
  }
  fs::path dir_;
  std::optional<StyleLibrary> lib_;
};

TEST_P(Resolution, ExactAliasCaseAccentsTheAndPunctuation) {
  struct Case {
    const char* query;
    const char* id;
    MatchKind kind;
  };
  const Case cases[] = {
      {"John Bonham", "john-bonham", MatchKind::exact},    {"john-bonham", "john-bonham", MatchKind::exact},
      {"Bonzo", "john-bonham", MatchKind::alias},          {"JOHN HENRY BONHAM", "john-bonham", MatchKind::alias},
      {"MÖTLEY CRÜE", "motley-crue", MatchKind::exact},    {"Motley Crue", "motley-crue", MatchKind::exact},
      {"Beatles", "the-beatles", MatchKind::exact},        {"the beatles", "the-beatles", MatchKind::exact},
      {"The Fab Four", "the-beatles", MatchKind::alias},   {"The Clyde Stubblefield", "clyde-stubblefield", MatchKind::exact},
      {"AC/DC", "ac-dc", MatchKind::exact},                {"acdc", "ac-dc", MatchKind::exact},
      {"AC-DC", "ac-dc", MatchKind::exact},                {"Guns N Roses", "guns-n-roses", MatchKind::exact},
      {"Guns N’ Roses", "guns-n-roses", MatchKind::exact}, {"gunsnroses", "guns-n-roses", MatchKind::exact},
      {"フィッシュマンズ", "fishmans", MatchKind::alias},   {"rock & roll", "rock", MatchKind::alias},
      {"Bonham, John", "john-bonham", MatchKind::token},   {"jones elvin", "elvin-jones", MatchKind::token},
      {"Stubblefield", "clyde-stubblefield", MatchKind::token},
      {"Bonham", "john-bonham", MatchKind::token},
  };
  for (const auto& c : cases) {
    const Resolved r = ok(c.query);
    EXPECT_EQ(r.profile.id, c.id) << c.query;
    EXPECT_EQ(r.how.match, c.kind) << c.query << " matched " << match_kind_name(r.how.match);
    EXPECT_EQ(r.how.entry_id, c.id);
    EXPECT_FALSE(r.how.reason.empty()) << c.query;
  }
  EXPECT_EQ(ok("Bonzo").how.reason, "alias 'Bonzo' of John Bonham");
  EXPECT_EQ(ok("acdc").how.reason, "exact name 'AC/DC'");
  EXPECT_EQ(ok("Bonham, John").how.reason, "same words as 'John Bonham'");
}

TEST_P(Resolution, TyposResolveWithAScore) {
  for (const auto& [query, id] : {std::pair{"Jon Bonam", "john-bonham"}, {"Led Zepelin", "led-zeppelin"},
                                  {"Stubblefeld", "clyde-stubblefield"}, {"Motly Crue", "motley-crue"},
                                  {"Beatels", "the-beatles"}, {"Funkk", "funk"}}) {
    const Resolved r = ok(query);
    EXPECT_EQ(r.how.entry_id, id) << query;
    EXPECT_TRUE(r.how.match == MatchKind::fuzzy || r.how.match == MatchKind::relation) << query;
    EXPECT_GT(r.how.score, 0.6) << query;
    EXPECT_LT(r.how.score, 1.0) << query;
    EXPECT_NE(r.how.reason.find("(score 0."), std::string::npos) << r.how.reason;
  }
  // Two entries equally close: not guessed.
  EXPECT_FALSE(lib_->find("Jonas").has_value());
}

TEST_P(Resolution, BandWithoutTraitsUsesItsDrummer) {
  const Resolved r = ok("Led Zeppelin");
  EXPECT_EQ(r.how.match, MatchKind::relation);
  EXPECT_EQ(r.how.drummer_id, "john-bonham");
  EXPECT_EQ(r.profile.id, "led-zeppelin");
  EXPECT_EQ(r.profile.name, "Led Zeppelin");
  EXPECT_DOUBLE_EQ(r.profile.traits.density, 1.3);
  EXPECT_EQ(r.how.reason, "exact name 'Led Zeppelin'; drums by John Bonham (1968-1980)");
  // A band with its own traits is not redirected.
  EXPECT_EQ(ok("AC/DC").how.match, MatchKind::exact);
  EXPECT_DOUBLE_EQ(ok("AC/DC").profile.traits.density, 1.25);
  EXPECT_EQ(ok("Led Zep").how.reason, "alias 'Led Zep' of Led Zeppelin; drums by John Bonham (1968-1980)");
}

TEST_P(Resolution, UnknownNamesListTheFiveClosestAndTheStandInOptions) {
  EXPECT_FALSE(lib_->find("Jones").has_value());  // two drummers called Jones
  auto r = lib_->resolve_match("Jones");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::not_found);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("unknown artist or style 'Jones'; closest known: "), std::string::npos) << m;
  EXPECT_NE(m.find("Elvin Jones"), std::string::npos) << m;
  EXPECT_NE(m.find("Philly Joe Jones"), std::string::npos) << m;
  EXPECT_NE(m.find("--genre G or --like"), std::string::npos) << m;
  EXPECT_LE(lib_->suggest("Bonhm Zeppelin Beatles Crue Jones", 5).size(), 5U);
  auto none = lib_->resolve_match("Qqqqqq Wwwww");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_EQ(lib_->resolve_match("  ?! ").error().code, Errc::invalid_argument);
}

TEST_P(Resolution, StandInsSayTheyAreStandInsWithLowConfidence) {
  auto r = lib_->resolve_stand_in("The Unknowns", "funk");
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->how.match, MatchKind::stand_in);
  EXPECT_EQ(r->profile.name, "The Unknowns");
  EXPECT_EQ(r->profile.id, "funk");
  EXPECT_LE(r->profile.confidence, 0.2);
  EXPECT_NE(r->how.reason.find("stand-in: 'The Unknowns' is not in the knowledge base, so this uses Funk"),
            std::string::npos) << r->how.reason;
  EXPECT_NE(r->how.reason.find("low confidence 0.20"), std::string::npos) << r->how.reason;
  auto like = lib_->resolve_stand_in("Some Band", "Led Zeppelin");
  ASSERT_TRUE(like.has_value());
  EXPECT_DOUBLE_EQ(like->profile.traits.density, 1.3);
  EXPECT_EQ(like->how.match, MatchKind::stand_in);
  auto bad = lib_->resolve_stand_in("Some Band", "polka");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("stand-in: unknown artist or style 'polka'"), std::string::npos);
}

// Every way of typing every name of the fixture, and names that are not there, find the
// same entry the same way whichever way the names are indexed, before and after the lazy
// index is built.
TEST_P(Resolution, ScanAndIndexAgree) {
  auto indexed = StyleLibrary::open(dir_, LibraryOptions{.cache_dir = {}, .names = NameIndexing::at_open});
  ASSERT_TRUE(indexed.has_value());
  std::vector<std::string> queries = {"Jones", "Jonas", "Bonham", "bonham john", "Henry", "the", "The The",
                                      "acdc", "a c d c", "gunsnroses", "Motley", "Crue", "Fab Four",
                                      "fishmans", "ﾌｨｯｼｭﾏﾝｽﾞ", "Zeppelin Led", "Rock & Roll", "rockandroll",
                                      "Stubblefeld", "Jon Bonam", "Led Zepelin", "Beatels", "Funkk", "Philly",
                                      "Joe Jones Philly", "Q", "", "  ?! ", "John Henry"};
  for (const auto& e : indexed->entries()) {
    std::vector<std::string> texts = {e.id, e.name};
    texts.insert(texts.end(), e.aliases.begin(), e.aliases.end());
    for (const auto& t : texts) {
      queries.push_back(t);
      queries.push_back("The " + t);
      std::string upper = t;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      queries.push_back(upper);
      const auto space = t.rfind(' ');
      if (space != std::string::npos) {
        queries.push_back(t.substr(space + 1));                          // surname
        queries.push_back(t.substr(space + 1) + ", " + t.substr(0, space));  // word order
      }
      if (t.size() > 4) queries.push_back(t.substr(0, t.size() / 2) + t.substr(t.size() / 2 + 1));  // a typo
    }
  }
  auto same = [](const std::optional<mdg::Resolution>& a, const std::optional<mdg::Resolution>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->query == b->query && a->entry_id == b->entry_id && a->entry_name == b->entry_name &&
                  a->match == b->match && a->score == b->score && a->matched == b->matched);
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& q : queries) {
      EXPECT_TRUE(same(lib_->find(q), indexed->find(q))) << "'" << q << "' round " << round;
    }
    // suggest() builds the index of a lazy library; the second round asks it.
    EXPECT_EQ(lib_->suggest("Bonhm Zeppelin Beatles Crue Jones", 5),
              indexed->suggest("Bonhm Zeppelin Beatles Crue Jones", 5));
  }
}

INSTANTIATE_TEST_SUITE_P(Indexing, Resolution,
                         ::testing::Values(NameIndexing::at_open, NameIndexing::on_demand),
                         [](const ::testing::TestParamInfo<NameIndexing>& param_info) {
                           return param_info.param == NameIndexing::at_open ? std::string("AtOpen")
                                                                      : std::string("OnDemand");
                         });

}  // namespace
}  // namespace mdg::resolution_test
