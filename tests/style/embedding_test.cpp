// The style embedding over the shipped knowledge base: fixed length, standardized, and
// nearest neighbours that make musical sense.
#include "style/embedding.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <cmath>

#include <gtest/gtest.h>

namespace mdg::embedding_test {
namespace {

const std::filesystem::path kData = MDG_SOURCE_DATA_DIR;

class Embedding : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto library = StyleLibrary::open(kData);
    ASSERT_TRUE(library) << library.error().describe();
    library_ = new StyleLibrary(std::move(*library));
    const auto start = std::chrono::steady_clock::now();
    auto space = StyleSpace::build(*library_);
    build_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(space) << space.error().describe();
    space_ = new StyleSpace(std::move(*space));
  }
  static void TearDownTestSuite() {
    delete space_;
    delete library_;
    space_ = nullptr;
    library_ = nullptr;
  }
  void SetUp() override {
    if (space_ == nullptr) GTEST_SKIP() << "no style space";
  }
  static double dist(const char* a, const char* b) {
    auto d = space_->distance(a, b);
    EXPECT_TRUE(d) << a << " / " << b << ": " << d.error().describe();
    return d ? *d : 0.0;
  }
  static double mean_dist(const std::vector<const char*>& a, const std::vector<const char*>& b) {
    double sum = 0.0;
    int n = 0;
    for (const char* x : a) {
      for (const char* y : b) {
        if (std::string_view(x) == y) continue;
        sum += dist(x, y);
        ++n;
      }
    }
    return sum / n;
  }
  static std::size_t rank_of(const char* query, const char* id) {
    auto near = space_->nearest(query, 100);
    EXPECT_TRUE(near) << near.error().describe();
    for (std::size_t i = 0; near && i < near->size(); ++i) {
      if ((*near)[i].id == id) return i + 1;
    }
    return 1000;
  }
  static inline StyleLibrary* library_ = nullptr;
  static inline StyleSpace* space_ = nullptr;
  static inline double build_ms_ = 0.0;
};

TEST(EmbeddingFeatures, FixedLengthAndNamed) {
  StyleProfile p;
  p.tempo = {80, 120, 100};
  const auto f = style_features(p, GrooveSet{});
  EXPECT_EQ(f.size(), style_feature_info().size());
  for (double x : f) EXPECT_TRUE(std::isfinite(x));
  p.genres = {"rock", "hard rock"};
  p.traits.double_kick = 0.5;
  const auto g = style_features(p, GrooveSet{});
  EXPECT_EQ(g.size(), f.size());
  EXPECT_NE(g, f);
}

TEST_F(Embedding, EveryEntryIsEmbeddedAndStandardized) {
  std::size_t artists = 0;
  for (const auto& e : library_->entries()) artists += e.kind == ProfileKind::artist;
  EXPECT_EQ(space_->size(), artists);
  EXPECT_GT(space_->size(), 100u);
  EXPECT_EQ(space_->dimensions(), style_feature_info().size());
  std::cout << "[ embedding ] " << space_->size() << " entries, " << space_->dimensions()
            << " features, built in " << build_ms_ << " ms\n";
}

TEST_F(Embedding, NearestIsSortedAndLeavesTheQueryOut) {
  auto near = space_->nearest("John Bonham", 10);
  ASSERT_TRUE(near) << near.error().describe();
  ASSERT_EQ(near->size(), 10u);
  for (std::size_t i = 0; i < near->size(); ++i) {
    EXPECT_NE((*near)[i].id, "john-bonham");
    if (i > 0) {
      EXPECT_LE((*near)[i - 1].distance, (*near)[i].distance);
    }
  }
  // A genre works as a query too, and an unknown name fails with suggestions.
  auto funk = space_->nearest("funk", 5);
  ASSERT_TRUE(funk) << funk.error().describe();
  EXPECT_EQ(funk->size(), 5u);
  auto unknown = space_->nearest("Zzyzx Qwerty", 5);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  auto bad_k = space_->nearest("John Bonham", 0);
  ASSERT_FALSE(bad_k);
  EXPECT_NE(bad_k.error().message.find("1-100"), std::string::npos);
}

TEST_F(Embedding, ABandIsNearItsDrummer) {
  // Bands that defer to their drummer's entry play the drummer's part.
  EXPECT_LE(rank_of("slayer", "dave-lombardo"), 3u);
  EXPECT_LE(rank_of("deftones", "abe-cunningham"), 3u);
  EXPECT_LE(rank_of("tool", "danny-carey"), 3u);
}

TEST_F(Embedding, MetalDrummersAreNearerEachOtherThanToJazzDrummers) {
  const std::vector<const char*> metal = {"dave-lombardo", "george-kollias", "gene-hoglan", "joey-jordison",
                                          "lars-ulrich"};
  const std::vector<const char*> jazz = {"elvin-jones", "max-roach", "tony-williams", "art-blakey", "roy-haynes"};
  const double within_metal = mean_dist(metal, metal);
  const double within_jazz = mean_dist(jazz, jazz);
  const double across = mean_dist(metal, jazz);
  EXPECT_LT(within_metal, across);
  EXPECT_LT(within_jazz, across);
  std::cout << "[ embedding ] mean distance metal-metal " << within_metal << ", jazz-jazz " << within_jazz
            << ", metal-jazz " << across << '\n';
}

}  // namespace
}  // namespace mdg::embedding_test
