// Derivation of the shipped genre profiles from the Groove MIDI Dataset: the committed
// data/genres/*.json must be exactly what the derivation writes, and the measured grooves
// must show what drummers know about these styles.
#include "service/derive.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

namespace mdg::derive_test {
namespace {

namespace fs = std::filesystem;

const fs::path kGroove = fs::path(MDG_SHARED_DIR) / "groove";
const fs::path kSourceData = fs::path(MDG_SOURCE_DATA_DIR);

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GmdStyleMatch, FamilyAndExact) {
  EXPECT_TRUE(gmd_style_matches("rock", "rock"));
  EXPECT_TRUE(gmd_style_matches("rock", "rock/halftime"));
  EXPECT_FALSE(gmd_style_matches("rock", "rockabilly"));
  EXPECT_FALSE(gmd_style_matches("rock", "funk/rock"));
  EXPECT_TRUE(gmd_style_matches("rock/shuffle", "rock/shuffle"));
  EXPECT_FALSE(gmd_style_matches("rock/shuffle", "rock"));
  EXPECT_FALSE(gmd_style_matches("jazz/swing", "jazz/swing2"));
}

TEST(Confidence, GrowsWithData) {
  EXPECT_DOUBLE_EQ(confidence_from_bars(0), 0.2);
  EXPECT_LT(confidence_from_bars(100), confidence_from_bars(1000));
  EXPECT_LE(confidence_from_bars(100000), 0.95);
}

TEST(Derive, MissingInputsAreErrors) {
  DeriveOptions options;
  options.groove_dir = fs::temp_directory_path() / "mdg-no-such-dir";
  options.definitions = kSourceData / "genre_definitions.json";
  options.out_dir = fs::temp_directory_path() / "mdg-derive-unused";
  auto r = derive_genre_profiles(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
}

class DeriveFromGmd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kGroove / "info.csv")) return;
    out_ = fs::temp_directory_path() / ("mdg-derive-test-" + std::to_string(::getpid()));
    fs::remove_all(out_);
    DeriveOptions options;
    options.groove_dir = kGroove;
    options.definitions = kSourceData / "genre_definitions.json";
    options.out_dir = out_;
    options.note_feel = false;  // fitted and checked by NoteFeelFromGmd (it takes a while)
    auto r = derive_profiles(options);
    ASSERT_TRUE(r) << r.error().describe();
    result_ = new DeriveResult(std::move(*r));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
    if (!out_.empty()) fs::remove_all(out_);
  }
  void SetUp() override {
    if (result_ == nullptr) GTEST_SKIP() << "no Groove MIDI Dataset at " << kGroove;
  }
  static const GrooveSet& groove(const std::string& id) {
    for (const auto& g : result_->genres) {
      if (g.profile.id == id) return g.profile.groove;
    }
    ADD_FAILURE() << "no genre " << id;
    static const GrooveSet empty;
    return empty;
  }
  static double snare(const std::string& id, int step) {
    return groove(id).sixteenth.lanes[lane_index(Lane::snare)].steps.at(static_cast<std::size_t>(step)).onset_prob;
  }

  static inline fs::path out_;
  static inline DeriveResult* result_ = nullptr;
};

TEST_F(DeriveFromGmd, CommittedProfilesMatchByteForByte) {
  ASSERT_FALSE(result_->genres.empty());
  for (const auto& g : result_->genres) {
    for (const char* folder : {"genres", "grooves"}) {
      const fs::path written = out_ / folder / (g.profile.id + ".json");
      const fs::path committed = kSourceData / folder / (g.profile.id + ".json");
      ASSERT_TRUE(fs::exists(committed)) << committed << " is not committed; run derive_profiles";
      EXPECT_TRUE(slurp(written) == slurp(committed))
          << committed << " differs from a fresh derivation; rerun derive_profiles";
    }
  }
}

// The note feel model (groove/note_feel.hpp) learned from the same takes: the committed
// data/feel/note_feel.txt must be exactly what a fresh fit writes (the fit is seeded).
TEST(NoteFeelFromGmd, CommittedModelMatchesAFreshFitByteForByte) {
#ifdef MDG_SANITIZED
  GTEST_SKIP() << "the note feel fit (600 + 600 trees over 331,000 notes) is checked in the optimized build; "
                  "unoptimized under the sanitizers it would outlast the test timeout";
#endif
  if (!fs::exists(kGroove / "info.csv")) GTEST_SKIP() << "no Groove MIDI Dataset at " << kGroove;
  DeriveOptions options;
  options.groove_dir = kGroove;
  options.definitions = kSourceData / "genre_definitions.json";
  auto r = derive_genre_profiles(options);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_TRUE(r->note_feel.has_value());
  EXPECT_GT(r->note_feel_notes, 300000u);
  const fs::path committed = kSourceData / kNoteFeelFile;
  ASSERT_TRUE(fs::exists(committed)) << committed << " is not committed; run derive_profiles --groove";
  EXPECT_TRUE(note_feel_text(*r->note_feel) == slurp(committed))
      << committed << " differs from a fresh fit; rerun derive_profiles --groove";
  auto shipped = read_note_feel_file(committed);
  ASSERT_TRUE(shipped) << shipped.error().describe();
  EXPECT_TRUE(*shipped == *r->note_feel);
}

TEST_F(DeriveFromGmd, OnlyTheTrainingSplitIsUsed) {
  EXPECT_EQ(result_->train_files, 897u);
  EXPECT_TRUE(result_->unread.empty());
  std::uint32_t files = 0;
  for (const auto& g : result_->genres) files += g.beat_files + g.fill_files;
  EXPECT_GT(files, 700u);
}

TEST_F(DeriveFromGmd, RockHasABackbeat) {
  const GrooveModel& rock = groove("rock").sixteenth;
  EXPECT_GT(rock.bars, 3000u);
  // Snare on 2 and 4 far more often than anywhere else in the bar.
  double others = 0;
  for (int s = 0; s < 16; ++s) {
    if (s != 4 && s != 12) others += snare("rock", s) / 14.0;
  }
  EXPECT_GT(snare("rock", 4), 0.6);
  EXPECT_GT(snare("rock", 12), 0.6);
  EXPECT_GT(snare("rock", 4), 3 * others);
  EXPECT_GT(rock.lanes[lane_index(Lane::kick)].steps[0].onset_prob, 0.6);
  // Half-time puts the backbeat on 3.
  EXPECT_GT(snare("half-time", 8), 4 * snare("half-time", 4));
  EXPECT_GT(snare("half-time", 8), 4 * snare("half-time", 12));
}

TEST_F(DeriveFromGmd, SwingStylesSwing) {
  const auto swung = [](const GrooveSet& g) {
    return g.feel == Subdivision::triplet || g.sixteenth.swing_ratio > 1.3;
  };
  EXPECT_TRUE(swung(groove("jazz")));
  EXPECT_TRUE(swung(groove("swing")));
  EXPECT_TRUE(swung(groove("blues")));
  EXPECT_LT(groove("funk").sixteenth.swing_ratio, 1.1);
  EXPECT_LT(groove("disco").sixteenth.swing_ratio, 1.1);
  EXPECT_GT(groove("blues").sixteenth.swing_ratio, groove("rock").sixteenth.swing_ratio);
}

TEST_F(DeriveFromGmd, GhostNotesSyncopationAndFills) {
  const double rock_ghosts = groove("rock").sixteenth.ghost_rate;
  EXPECT_GT(groove("funk").sixteenth.ghost_rate, rock_ghosts);
  EXPECT_GT(groove("hip-hop").sixteenth.ghost_rate, rock_ghosts);
  EXPECT_GT(groove("funk").sixteenth.syncopation, groove("rock").sixteenth.syncopation);
  EXPECT_GT(groove("funk").sixteenth.syncopation, groove("disco").sixteenth.syncopation);
  // Jazz comping is sparser than a rock beat.
  EXPECT_LT(groove("jazz").sixteenth.density, groove("rock").sixteenth.density);
  // Fill clips are detected as fills far more often than beats.
  EXPECT_GT(groove("rock").fill_sixteenth.fill_rate, 2 * groove("rock").sixteenth.fill_rate);
}

}  // namespace
}  // namespace mdg::derive_test
