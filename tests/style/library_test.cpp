#include "style/library.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "style/profile_json.hpp"

namespace mdg::library_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kShipped = MDG_SOURCE_DATA_DIR;

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// A genre definition as a profile document (what the derive tool writes, minus the groove).
json genre_profile_json(const json& def) {
  json p = {{"id", def.at("id")},     {"kind", "genre"},         {"name", def.at("name")},
            {"aliases", def.at("aliases")}, {"genres", def.at("genres")},
            {"tempo", def.at("tempo")}, {"feel", def.at("feel")},
            {"description", def.at("description")}};
  if (def.contains("traits")) p["traits"] = def.at("traits");
  return p;
}

// A small but consistent two-bar rock beat on the sixteenth grid.
GrooveSet tiny_groove() {
  GrooveModel m;
  m.bars = 2;
  const int steps = m.steps();
  for (auto& lane : m.lanes) lane.steps.resize(static_cast<std::size_t>(steps));
  auto hit = [&m](Lane lane, int step, double velocity) {
    auto& s = m.lanes[lane_index(lane)].steps[static_cast<std::size_t>(step)];
    s.onset_prob = 1.0;
    s.velocity_mean = velocity;
    s.velocity_sd = 4.0;
    s.offset_mean_ms = 2.0;
    s.offset_sd_ms = 5.0;
    s.hits = 2;
  };
  m.transitions.resize(static_cast<std::size_t>(steps));
  for (int step = 0; step < steps; ++step) {
    LaneMask mask = 0;
    if (step % 8 == 0) {
      hit(Lane::kick, step, 110);
      mask |= static_cast<LaneMask>(1U << lane_index(Lane::kick));
    }
    if (step % 8 == 4) {
      hit(Lane::snare, step, 115);
      mask |= static_cast<LaneMask>(1U << lane_index(Lane::snare));
    }
    if (step % 2 == 0) {
      hit(Lane::closed_hat, step, 80);
      mask |= static_cast<LaneMask>(1U << lane_index(Lane::closed_hat));
    }
    m.transitions[static_cast<std::size_t>(step)].unigram.push_back(MaskCount{mask, 2});
  }
  for (auto& lane : m.lanes) {
    std::uint32_t hits = 0;
    for (const auto& s : lane.steps) hits += s.hits;
    lane.hits_per_bar = hits / 2.0;
    if (hits > 0) {
      lane.velocity_mean = 100;
      lane.velocity_sd = 4;
      lane.offset_mean_ms = 2;
      lane.offset_sd_ms = 5;
    }
  }
  m.density = 14;
  GrooveSet set;
  set.sixteenth = m;
  return set;
}

// A data folder with the shipped artists and one genre profile per definition; "rock"
// carries a hand-built groove so merging can be checked without the derived files.
class TempLibrary : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mdg_style_library_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "genres");
    fs::copy(kShipped / "artists", dir_ / "artists");
    const json defs = read_json(kShipped / "genre_definitions.json");
    for (const auto& def : defs.at("genres")) {
      json p = genre_profile_json(def);
      p["sources"] = json::array(
          {{{"title", "Groove MIDI Dataset, Magenta (Gillick et al., 2019), CC BY 4.0"},
            {"url", "https://magenta.tensorflow.org/datasets/groove"}}});
      if (p.at("id") == "rock") {
        StyleProfile profile = *profile_from_json(p);
        profile.groove = tiny_groove();
        p = profile_to_json(profile);
      }
      std::ofstream(dir_ / "genres" / (p.at("id").get<std::string>() + ".json")) << p.dump(1);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Every entry decodes; the full schema (base genres, descriptions, ...) is `kb check`'s
// (tests/style/kb_check_test.cpp).
TEST(ShippedData, EveryArtistFileDecodes) {
  std::size_t artists = 0;
  std::set<std::string> ids;
  for (const auto& entry : fs::directory_iterator(kShipped / "artists")) {
    auto p = load_profile_file(entry.path());
    ASSERT_TRUE(p.has_value()) << p.error().describe();
    EXPECT_EQ(p->kind, ProfileKind::artist) << entry.path();
    EXPECT_EQ(p->id + ".json", entry.path().filename().string());
    EXPECT_TRUE(ids.insert(p->id).second);
    ++artists;
  }
  EXPECT_GE(artists, 24U);
  for (const char* required : {"john-bonham", "led-zeppelin", "clyde-stubblefield", "james-brown",
                               "j-dilla", "elvin-jones", "travis-barker"}) {
    EXPECT_TRUE(ids.contains(required)) << required;
  }
}

TEST(ShippedData, GenreDefinitionsAreValidProfilesWithDatasetStyles) {
  const json defs = read_json(kShipped / "genre_definitions.json");
  std::set<std::string> ids;
  for (const auto& def : defs.at("genres")) {
    auto p = profile_from_json(genre_profile_json(def));
    ASSERT_TRUE(p.has_value()) << def.at("id") << ": " << p.error().describe();
    EXPECT_FALSE(def.at("gmd_styles").empty()) << p->id;
    EXPECT_FALSE(p->feel.empty()) << p->id;
    EXPECT_GE(p->description.size(), 100U) << p->id;
    ids.insert(p->id);
  }
  for (const char* required : {"rock", "funk", "jazz", "latin", "hip-hop", "soul", "afro-cuban",
                               "punk", "new-orleans", "country", "reggae", "pop", "gospel",
                               "afrobeat", "blues", "half-time", "disco"}) {
    EXPECT_TRUE(ids.contains(required)) << required;
  }
}

TEST_F(TempLibrary, ResolvesNamesAliasesAndFoldedSpellings) {
  auto lib = StyleLibrary::open(dir_);
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  const std::pair<const char*, const char*> cases[] = {
      {"john bonham", "john-bonham"}, {"BONZO", "john-bonham"},     {"Led Zeppelin", "led-zeppelin"},
      {"j dilla", "j-dilla"},         {"J. Dilla", "j-dilla"},       {"Jay Dee", "j-dilla"},
      {"Mötley Crüe", "motley-crue"}, {"MOTLEY CRUE", "motley-crue"}, {"the meters", "the-meters"},
      {"Meters", "the-meters"},       {"The Funk", "funk"},          {"hip hop", "hip-hop"},
      {"Tony Allen", "tony-allen"},   {"  elvin   JONES ", "elvin-jones"}, {"travis-barker", "travis-barker"},
      {"?uestlove", "questlove"},
  };
  for (const auto& [query, id] : cases) {
    auto p = lib->resolve(query);
    ASSERT_TRUE(p.has_value()) << query << ": " << p.error().describe();
    EXPECT_EQ(p->id, id) << query;
  }
}

TEST_F(TempLibrary, ArtistsAreMergedOntoTheirBaseGroove) {
  auto lib = StyleLibrary::open(dir_);
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  auto rock = lib->resolve("rock");
  ASSERT_TRUE(rock.has_value()) << rock.error().describe();
  EXPECT_EQ(rock->groove, tiny_groove());

  auto bonham = lib->resolve("Bonzo");
  ASSERT_TRUE(bonham.has_value()) << bonham.error().describe();
  EXPECT_EQ(bonham->kind, ProfileKind::artist);
  EXPECT_EQ(bonham->base, "rock");
  EXPECT_EQ(bonham->groove, tiny_groove());
  EXPECT_EQ(bonham->name, "John Bonham");
  EXPECT_NE(bonham->description, rock->description);
  auto file = load_profile_file(dir_ / "artists" / "john-bonham.json");
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(bonham->traits, file->traits);
  EXPECT_EQ(bonham->tempo, file->tempo);
  // The dataset credit travels with the groove.
  EXPECT_NE(std::find_if(bonham->sources.begin(), bonham->sources.end(),
                         [](const Source& s) { return s.title.find("Groove MIDI") != std::string::npos; }),
            bonham->sources.end());

  auto elvin = lib->resolve("Elvin Jones");
  ASSERT_TRUE(elvin.has_value());
  EXPECT_TRUE(elvin->groove.sixteenth.empty());  // jazz has no groove in this temp library
  EXPECT_EQ(elvin->traits.timekeeper, Lane::ride);
}

TEST_F(TempLibrary, UnknownNamesSuggestTheClosestKnownOnes) {
  auto lib = StyleLibrary::open(dir_);
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  const std::pair<const char*, const char*> cases[] = {
      {"Jon Bonam", "John Bonham"}, {"dila", "J Dilla"},          {"Stubblefeld", "Clyde Stubblefield"},
      {"copland", "Stewart Copeland"}, {"zepelin", "Led Zeppelin"}, {"Elvin", "Elvin Jones"},
  };
  for (const auto& [query, expected] : cases) {
    auto r = lib->resolve(query);
    if (r) {
      // An alias may resolve it directly; then the suggestion list still has to know it.
      EXPECT_EQ(r->name, expected) << query;
      continue;
    }
    EXPECT_EQ(r.error().code, Errc::not_found) << query;
    EXPECT_NE(r.error().message.find("unknown artist or style '" + std::string(query) + "'"),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
    const auto s = lib->suggest(query);
    ASSERT_FALSE(s.empty()) << query;
    EXPECT_EQ(s.front(), expected) << query;
  }
  // Partial names find every profile that contains the word.
  const auto bonham = lib->suggest("bonham drums", 5);
  EXPECT_NE(std::find(bonham.begin(), bonham.end(), "John Bonham"), bonham.end());
  EXPECT_TRUE(lib->suggest("qqqqqqqqqqqq").empty());
  auto none = lib->resolve("zzzz xxxx");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, Errc::not_found);
  auto empty = lib->resolve("  ");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
}

TEST_F(TempLibrary, MissingBaseAndBrokenFilesAreReported) {
  fs::remove(dir_ / "genres" / "jazz.json");
  auto lib = StyleLibrary::open(dir_);
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  auto elvin = lib->resolve("elvin jones");
  ASSERT_FALSE(elvin.has_value());
  EXPECT_EQ(elvin.error().code, Errc::not_found);
  EXPECT_NE(elvin.error().message.find("'jazz'"), std::string::npos) << elvin.error().message;

  std::ofstream(dir_ / "artists" / "broken.json") << R"({"id": "broken", "kind": "artist", "name": "B"})";
  auto broken = StyleLibrary::open(dir_);
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message.find("broken.json"), std::string::npos) << broken.error().message;
  EXPECT_NE(broken.error().message.find("base"), std::string::npos) << broken.error().message;
  fs::remove(dir_ / "artists" / "broken.json");

  std::ofstream(dir_ / "genres" / "bad.json") << R"({"id": "bad", "kind": "genre", "name": )";
  auto bad = StyleLibrary::open(dir_);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Errc::parse);
  EXPECT_TRUE(bad.error().offset.has_value());
  fs::remove(dir_ / "genres" / "bad.json");

  fs::copy_file(dir_ / "artists" / "j-dilla.json", dir_ / "artists" / "j-dilla-copy.json");
  auto dup = StyleLibrary::open(dir_);
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("duplicate profile id 'j-dilla'"), std::string::npos)
      << dup.error().message;
}

TEST_F(TempLibrary, OpenIndexesEveryProfileQuickly) {
  const auto start = std::chrono::steady_clock::now();
  auto lib = StyleLibrary::open(dir_);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  std::size_t artists = 0;
  std::size_t genres = 0;
  for (const auto& e : lib->entries()) (e.kind == ProfileKind::artist ? artists : genres)++;
  EXPECT_GE(artists, 24U);
  EXPECT_GE(genres, 17U);
  EXPECT_EQ(lib->data_dir(), dir_);
  // Generous bound (sanitizer builds are slow); the real budget is ~20 ms optimised.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 1000);
}

TEST_F(TempLibrary, IndexCacheIsReusedAndNeverStale) {
  const fs::path cache = dir_ / "cache";
  auto plain = StyleLibrary::open(dir_);
  ASSERT_TRUE(plain.has_value());
  auto first = StyleLibrary::open(dir_, cache);
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  ASSERT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator()), 1);
  const fs::path index = fs::directory_iterator(cache)->path();
  auto second = StyleLibrary::open(dir_, cache);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->entries().size(), plain->entries().size());
  for (std::size_t i = 0; i < plain->entries().size(); ++i) {
    const auto& a = plain->entries()[i];
    const auto& b = second->entries()[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.aliases, b.aliases);
    EXPECT_EQ(a.base, b.base);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.artist_kind, b.artist_kind);
    EXPECT_EQ(a.file, b.file);
  }
  // The cache is what the second open read: a hand-edited index line shows up...
  std::ifstream in(index);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto pos = text.find("\tBonzo");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 6, "\tBonzX");
  std::ofstream(index, std::ios::trunc) << text;
  EXPECT_EQ(StyleLibrary::open(dir_, cache)->find("Bonzx")->entry_id, "john-bonham");
  // ...but an edited entry file makes it stale, and the files are read again.
  json bonham = read_json(dir_ / "artists" / "john-bonham.json");
  bonham["aliases"].push_back("The Beast");
  std::ofstream(dir_ / "artists" / "john-bonham.json", std::ios::trunc) << bonham.dump(1);
  auto fresh = StyleLibrary::open(dir_, cache);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(fresh->find("the beast")->entry_id, "john-bonham");
  EXPECT_EQ(fresh->find("Bonzo")->match, MatchKind::alias);
  // A new file, and a broken cache, are handled the same way.
  std::ofstream(dir_ / "artists" / "new-one.json")
      << R"({"id": "new-one", "kind": "drummer", "name": "New One", "aliases": [], "base": "rock"})";
  EXPECT_TRUE(StyleLibrary::open(dir_, cache)->find("New One").has_value());
  std::ofstream(index, std::ios::trunc) << "mididrumigen-index 1\ngarbage\n";
  auto after_garbage = StyleLibrary::open(dir_, cache);
  ASSERT_TRUE(after_garbage.has_value());
  EXPECT_TRUE(after_garbage->find("New One").has_value());
  // An unwritable cache folder is no error.
  EXPECT_TRUE(StyleLibrary::open(dir_, "/proc/mdg-no-cache").has_value());
}

TEST(StyleLibraryOpen, MissingFolderIsNotFound) {
  auto lib = StyleLibrary::open("/nonexistent/mdg/data");
  ASSERT_FALSE(lib.has_value());
  EXPECT_EQ(lib.error().code, Errc::not_found);
  EXPECT_NE(lib.error().message.find("MDG_DATA_DIR"), std::string::npos);
}

TEST(StyleLibraryOpen, DefaultDataDirHonoursEnvironment) {
  const char* old = std::getenv("MDG_DATA_DIR");
  const std::string saved = old ? old : "";
  ::setenv("MDG_DATA_DIR", "/some/where/data", 1);
  EXPECT_EQ(default_data_dir(), fs::path("/some/where/data"));
  ::unsetenv("MDG_DATA_DIR");
  // The test binary is not installed, so the build-time source folder is used.
  EXPECT_EQ(default_data_dir(), kShipped);
  if (old != nullptr) ::setenv("MDG_DATA_DIR", saved.c_str(), 1);
}

// Once the derived genre profiles are shipped, every artist must resolve against them.
TEST(ShippedData, EveryArtistResolvesAgainstShippedGenres) {
  if (!fs::is_directory(kShipped / "genres") || fs::is_empty(kShipped / "genres")) {
    GTEST_SKIP() << "data/genres has not been derived yet";
  }
  auto lib = StyleLibrary::open(kShipped);
  ASSERT_TRUE(lib.has_value()) << lib.error().describe();
  for (const auto& e : lib->entries()) {
    if (e.kind != ProfileKind::artist) continue;
    auto p = lib->resolve(e.name);
    ASSERT_TRUE(p.has_value()) << e.name << ": " << p.error().describe();
    EXPECT_EQ(p->id, e.id);
  }
}

// The whole shipped base: every id, name and alias (and a variant of each) finds the same
// entry the same way through the scan of a lazily indexed library as through the index.
TEST(ShippedData, NameScanFindsWhatTheIndexFinds) {
  auto indexed = StyleLibrary::open(kShipped);
  auto lazy = StyleLibrary::open(kShipped, LibraryOptions{.cache_dir = {}, .names = NameIndexing::on_demand});
  ASSERT_TRUE(indexed.has_value() && lazy.has_value());
  std::size_t checked = 0;
  std::size_t found = 0;
  for (std::size_t i = 0; i < indexed->entries().size(); ++i) {
    const auto& e = indexed->entries()[i];
    std::vector<std::string> texts = {e.id, e.name};
    texts.insert(texts.end(), e.aliases.begin(), e.aliases.end());
    for (std::size_t k = 0; k < texts.size(); ++k) {
      const std::string& t = texts[k];
      const auto space = t.rfind(' ');
      // One variant per text, in turn: as written, "The ...", surname, word order, a typo.
      std::string q = t;
      switch ((i + k) % 5) {
        case 1: q = "The " + t; break;
        case 2: if (space != std::string::npos) q = t.substr(space + 1); break;
        case 3: if (space != std::string::npos) q = t.substr(space + 1) + " " + t.substr(0, space); break;
        case 4: if (t.size() > 4) q = t.substr(0, t.size() / 2) + t.substr(t.size() / 2 + 1); break;
        default: break;
      }
      const auto a = lazy->find(q);
      const auto b = indexed->find(q);
      ASSERT_EQ(a.has_value(), b.has_value()) << q;
      ++checked;
      if (!a) continue;
      ++found;
      EXPECT_EQ(a->entry_id, b->entry_id) << q;
      EXPECT_EQ(a->match, b->match) << q;
      EXPECT_EQ(a->score, b->score) << q;
      EXPECT_EQ(a->matched, b->matched) << q;
    }
  }
  EXPECT_GT(checked, 1500U);
  EXPECT_GT(found, checked * 9 / 10);
}

// Genres' groove models come through the cache exactly as from their JSON files, on the run
// that fills the cache and on the runs that read it.
TEST(ShippedData, GroovesThroughTheCacheAreTheSame) {
  if (!fs::is_directory(kShipped / "grooves")) GTEST_SKIP() << "data/grooves has not been derived yet";
  const fs::path cache = fs::temp_directory_path() / ("mdg_library_groove_cache_" + std::to_string(::getpid()));
  fs::remove_all(cache);
  auto plain = StyleLibrary::open(kShipped);
  ASSERT_TRUE(plain.has_value());
  for (int run = 0; run < 2; ++run) {
    auto cached = StyleLibrary::open(kShipped, LibraryOptions{.cache_dir = cache, .names = NameIndexing::on_demand});
    ASSERT_TRUE(cached.has_value());
    for (const char* name : {"rock", "jazz", "John Bonham", "J Dilla", "Led Zeppelin"}) {
      auto a = cached->resolve(name);
      auto b = plain->resolve(name);
      ASSERT_TRUE(a.has_value() && b.has_value()) << name;
      EXPECT_FALSE(a->groove.sixteenth.empty()) << name;
      EXPECT_TRUE(*a == *b) << name << " run " << run;
    }
  }
  std::size_t groove_files = 0;
  for (const auto& e : fs::directory_iterator(cache)) groove_files += e.path().filename().string().starts_with("groove-");
  EXPECT_GE(groove_files, 2U);  // rock and jazz at least
  fs::remove_all(cache);
}

}  // namespace
}  // namespace mdg::library_test
