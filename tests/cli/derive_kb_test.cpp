// Genres learned from the knowledge base's signature grooves: the committed files are
// exactly what the derivation writes, the learned grooves show what the genres are known
// for, and too few grooves are refused with the reason.
#include "service/derive_kb.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "style/library.hpp"

namespace mdg::derive_kb_test {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceData = fs::path(MDG_SOURCE_DATA_DIR);

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

fs::path temp_dir(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("mdg-derive-kb-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

class DeriveKb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    out_ = temp_dir("shipped");
    KbDeriveOptions options;
    options.artists_dir = kSourceData / "artists";
    options.definitions = kSourceData / "genre_definitions.json";
    options.out_dir = out_;
    auto r = derive_kb_profiles(options);
    ASSERT_TRUE(r) << r.error().describe();
    result_ = new KbDeriveResult(std::move(*r));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
    fs::remove_all(out_);
  }
  static const KbDerivedGenre* genre(const std::string& id) {
    for (const auto& g : result_->genres) {
      if (g.profile.id == id) return &g;
    }
    return nullptr;
  }
  static double onset(const std::string& id, Lane lane, int step) {
    const auto* g = genre(id);
    if (g == nullptr) return -1.0;
    return g->profile.groove.sixteenth.lanes[lane_index(lane)].steps.at(static_cast<std::size_t>(step)).onset_prob;
  }
  static inline fs::path out_;
  static inline KbDeriveResult* result_ = nullptr;
};

TEST_F(DeriveKb, CommittedProfilesMatchByteForByte) {
  for (const auto& g : result_->genres) {
    for (const char* folder : {"genres", "grooves"}) {
      const fs::path written = out_ / folder / (g.profile.id + ".json");
      const fs::path committed = kSourceData / folder / (g.profile.id + ".json");
      ASSERT_TRUE(fs::exists(committed)) << committed << " is not committed; run derive_profiles --artists";
      EXPECT_TRUE(slurp(written) == slurp(committed))
          << committed << " differs from a fresh derivation from data/artists (entries changed?); rerun "
          << "build/tools/derive_profiles --artists data/artists --definitions data/genre_definitions.json --out data";
    }
  }
  // A refused genre must not linger in the data.
  for (const auto& r : result_->refused) {
    EXPECT_FALSE(fs::exists(kSourceData / "genres" / (r.genre + ".json"))) << r.reason;
  }
}

TEST_F(DeriveKb, AllFourGenresAreLearnedAndCreditTheKnowledgeBase) {
  for (const char* id : {"metal", "electronic", "trap", "drum-and-bass"}) {
    const auto* g = genre(id);
    ASSERT_NE(g, nullptr) << id << " was refused";
    EXPECT_GE(g->grooves, static_cast<std::uint32_t>(kDefaultMinKbGrooves));
    EXPECT_EQ(g->profile.kind, ProfileKind::genre);
    ASSERT_EQ(g->profile.sources.size(), 1u);
    EXPECT_NE(g->profile.sources[0].title.find("knowledge base"), std::string::npos);
    EXPECT_NE(g->profile.sources[0].title.find(g->entries.front()), std::string::npos);
    EXPECT_EQ(g->profile.confidence, confidence_from_grooves(g->grooves));
    EXPECT_FALSE(g->profile.groove.sixteenth.empty());
  }
}

TEST_F(DeriveKb, LearnedGroovesShowWhatTheGenresAreKnownFor) {
  // Four on the floor: a kick on every beat of most electronic grooves (the base also holds
  // breakbeat, dubstep and trip-hop producers), clap or snare on 2 and 4, and the open
  // hi-hat on the off-beat eighths and nowhere else.
  for (int beat = 0; beat < 4; ++beat) EXPECT_GT(onset("electronic", Lane::kick, 4 * beat), 0.5) << beat;
  EXPECT_GT(onset("electronic", Lane::kick, 0), 0.9);
  EXPECT_GT(onset("electronic", Lane::snare, 4), 0.9);
  EXPECT_GT(onset("electronic", Lane::snare, 12), 0.9);
  for (int step = 0; step < 16; ++step) {
    if (step % 4 == 2) {
      EXPECT_GT(onset("electronic", Lane::open_hat, step), 0.2) << step;
    } else {
      EXPECT_LT(onset("electronic", Lane::open_hat, step), 0.05) << step;
    }
  }
  // Drum and bass: the two-step snare on 2 and 4, fast.
  EXPECT_GT(onset("drum-and-bass", Lane::snare, 4), 0.6);
  EXPECT_GT(onset("drum-and-bass", Lane::snare, 12), 0.6);
  EXPECT_GE(genre("drum-and-bass")->profile.tempo.typical, 150.0);
  // Trap counts its half-time pulse: the snare or clap lands on beat 3 of the bar.
  EXPECT_GT(onset("trap", Lane::snare, 8), 0.6);
  EXPECT_EQ(genre("trap")->profile.feel, "half-time");
  // Metal is the busiest kick of the four.
  const double metal_kick = genre("metal")->profile.groove.sixteenth.lanes[lane_index(Lane::kick)].hits_per_bar;
  for (const char* other : {"electronic", "trap", "drum-and-bass"}) {
    EXPECT_GT(metal_kick, genre(other)->profile.groove.sixteenth.lanes[lane_index(Lane::kick)].hits_per_bar) << other;
  }
}

TEST_F(DeriveKb, TheLibraryResolvesTheLearnedGenres) {
  auto library = StyleLibrary::open(kSourceData);
  ASSERT_TRUE(library) << library.error().describe();
  for (const char* name : {"metal", "house", "trap", "dnb"}) {
    auto p = library->resolve(name);
    ASSERT_TRUE(p) << name << ": " << p.error().describe();
    EXPECT_FALSE(p->groove.sixteenth.empty()) << name;
  }
}

// A tiny knowledge base: `count` trap entries, each with one groove.
fs::path fixture(int count) {
  const fs::path dir = temp_dir("fixture-" + std::to_string(count));
  spit(dir / "definitions.json", R"({"genres": [], "kb_genres": [{"id": "trap", "name": "Trap",
    "aliases": [], "genres": ["trap"], "description": "Test genre."}]})");
  for (int i = 0; i < count; ++i) {
    const std::string id = "producer-" + std::to_string(i);
    spit(dir / "artists" / (id + ".json"), R"({"id": ")" + id + R"(", "kind": "producer", "name": "Producer )" +
                                               std::to_string(i) + R"(", "aliases": [], "genres": ["trap"],
      "base": "trap", "country": "US", "era": {"from": 2010}, "tempo": {"min": 60, "max": 80, "typical": )" +
                                               std::to_string(60 + 2 * i) + R"(},
      "feel": ")" + (i == 0 ? "half-time" : "syncopated") + R"(", "meters": ["4/4"], "traits": {},
      "signature_grooves": [{"name": "g", "meter": "4/4", "grid": "16th", "lanes": {
        "kick": "X-----x---x-----", "clap": "--------X-------", "closed_hat": "x-x-x-x-x-x-xxxx"}}],
      "description": "Test.", "sources": [{"title": "Test"}], "confidence": 0.5})");
  }
  return dir;
}

TEST(DeriveKbFixture, TooFewGroovesAreRefusedWithTheReason) {
  const fs::path dir = fixture(3);
  KbDeriveOptions options;
  options.artists_dir = dir / "artists";
  options.definitions = dir / "definitions.json";
  options.out_dir = dir / "out";
  auto r = derive_kb_profiles(options);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->genres.empty());
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].genre, "trap");
  EXPECT_NE(r->refused[0].reason.find("3 usable signature grooves"), std::string::npos) << r->refused[0].reason;
  EXPECT_NE(r->refused[0].reason.find("at least 8 needed"), std::string::npos) << r->refused[0].reason;
  EXPECT_FALSE(fs::exists(dir / "out" / "genres" / "trap.json"));

  options.min_grooves = 3;
  auto ok = derive_kb_profiles(options);
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_EQ(ok->genres.size(), 1u);
  const StyleProfile& p = ok->genres[0].profile;
  EXPECT_EQ(p.tempo.min, 60.0);
  EXPECT_EQ(p.tempo.max, 80.0);
  EXPECT_EQ(p.tempo.typical, 62.0);     // median of 60, 62, 64
  EXPECT_EQ(p.feel, "syncopated");      // two of three
  // The clap is the backbeat: learned on the snare lane, beat 3.
  EXPECT_DOUBLE_EQ(p.groove.sixteenth.lanes[lane_index(Lane::snare)].steps[8].onset_prob, 1.0);
  EXPECT_EQ(p.groove.sixteenth.lanes[lane_index(Lane::snare)].note, 39);
  // Same inputs, same bytes.
  const std::string first = slurp(dir / "out" / "grooves" / "trap.json");
  ASSERT_TRUE(derive_kb_profiles(options));
  EXPECT_EQ(slurp(dir / "out" / "grooves" / "trap.json"), first);
  fs::remove_all(dir);
}

TEST(DeriveKbFixture, BadInputsAreErrors) {
  const fs::path dir = fixture(1);
  KbDeriveOptions options;
  options.artists_dir = dir / "artists";
  options.definitions = dir / "definitions.json";
  options.out_dir = dir / "out";
  options.min_grooves = 0;
  auto r = derive_kb_genre_profiles(options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("allowed: 1-1000"), std::string::npos);

  options.min_grooves = 1;
  spit(dir / "definitions.json", R"({"genres": [], "kb_genres": [{"id": "trap", "name": "Trap",
    "tempo": {"min": 60, "max": 80, "typical": 70}}]})");
  r = derive_kb_genre_profiles(options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("derived from the entries"), std::string::npos) << r.error().message;

  spit(dir / "definitions.json", R"({"genres": []})");
  r = derive_kb_genre_profiles(options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("kb_genres"), std::string::npos);

  options.artists_dir = dir / "no-such-folder";
  spit(dir / "definitions.json", R"({"kb_genres": []})");
  r = derive_kb_genre_profiles(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mdg::derive_kb_test
