#include "style/groove_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "groove/groove_binary.hpp"
#include "groove/groove_json.hpp"

namespace mdg::groove_cache_test {
namespace {

namespace fs = std::filesystem;

GrooveSet groove_with_density(double density) {
  GrooveModel m;
  m.bars = 1;
  const auto steps = static_cast<std::size_t>(m.steps());
  for (auto& lane : m.lanes) lane.steps.resize(steps);
  m.transitions.resize(steps);
  m.transitions[0].unigram = {{0, 1}, {3, 2}};
  m.density = density;
  GrooveSet set;
  set.sixteenth = m;
  return set;
}

class GrooveCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mdg_groove_cache_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    source_ = dir_ / "rock.json";
    cache_ = dir_ / "cache";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write_source(const GrooveSet& set) { std::ofstream(source_, std::ios::trunc) << groove_set_to_json(set).dump(1); }
  // Moves the source's modification time on by a second (an edit within the same clock tick
  // could otherwise keep it).
  void touch_later() { fs::last_write_time(source_, fs::last_write_time(source_) + std::chrono::seconds(1)); }
  std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path dir_;
  fs::path source_;
  fs::path cache_;
};

TEST_F(GrooveCache, FirstLoadFillsTheCacheAndTheNextReadsIt) {
  write_source(groove_with_density(10.0));
  auto first = load_groove_file(source_, cache_);
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  EXPECT_EQ(first->sixteenth.density, 10.0);
  const fs::path cached = groove_cache_file(source_, cache_);
  ASSERT_TRUE(fs::is_regular_file(cached));
  // Proof that the second load reads the cache: swap in another set under the same stamp.
  std::string bytes = read(cached);
  const std::string original = groove_set_to_binary(*first);
  ASSERT_TRUE(bytes.ends_with(original));
  bytes.replace(bytes.size() - original.size(), original.size(), groove_set_to_binary(groove_with_density(77.0)));
  std::ofstream(cached, std::ios::binary | std::ios::trunc) << bytes;
  auto second = load_groove_file(source_, cache_);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->sixteenth.density, 77.0);
  // Without a cache folder the JSON is what counts.
  EXPECT_EQ(load_groove_file(source_, fs::path())->sixteenth.density, 10.0);
}

TEST_F(GrooveCache, AnEditedSourceIsReadAgain) {
  write_source(groove_with_density(10.0));
  ASSERT_TRUE(load_groove_file(source_, cache_).has_value());
  // Same size (one digit for another), later modification time.
  write_source(groove_with_density(20.0));
  touch_later();
  EXPECT_EQ(load_groove_file(source_, cache_)->sixteenth.density, 20.0);
  // A different size with the same modification time.
  const auto time = fs::last_write_time(source_);
  write_source(groove_with_density(123.5));
  fs::last_write_time(source_, time);
  EXPECT_EQ(load_groove_file(source_, cache_)->sixteenth.density, 123.5);
  // And the cache now holds the new decoding.
  EXPECT_EQ(load_groove_file(source_, cache_)->sixteenth.density, 123.5);
  EXPECT_TRUE(read(groove_cache_file(source_, cache_)).ends_with(groove_set_to_binary(groove_with_density(123.5))));
}

TEST_F(GrooveCache, ADamagedCacheIsIgnoredAndRewritten) {
  write_source(groove_with_density(10.0));
  ASSERT_TRUE(load_groove_file(source_, cache_).has_value());
  const fs::path cached = groove_cache_file(source_, cache_);
  const std::string good = read(cached);
  for (const std::string& damaged : {std::string(), std::string("garbage"), good.substr(0, good.size() / 2),
                                     good.substr(0, good.size() - 1) + "\x7f", good + "tail"}) {
    std::ofstream(cached, std::ios::binary | std::ios::trunc) << damaged;
    auto set = load_groove_file(source_, cache_);
    ASSERT_TRUE(set.has_value()) << set.error().describe();
    EXPECT_EQ(set->sixteenth.density, 10.0);
    EXPECT_EQ(read(cached), good);
  }
  // A cache file of another source (a hash collision, a copied cache) is not used, even when
  // size and modification time agree.
  const fs::path other = dir_ / "other.json";
  std::ofstream(other) << groove_set_to_json(groove_with_density(30.0)).dump(1);
  fs::last_write_time(other, fs::last_write_time(source_));
  ASSERT_EQ(fs::file_size(other), fs::file_size(source_));
  fs::copy_file(cached, groove_cache_file(other, cache_), fs::copy_options::overwrite_existing);
  EXPECT_EQ(load_groove_file(other, cache_)->sixteenth.density, 30.0);
}

TEST_F(GrooveCache, CacheProblemsAreNoErrorsButSourceProblemsAre) {
  write_source(groove_with_density(10.0));
  EXPECT_EQ(load_groove_file(source_, "/proc/mdg-no-cache")->sixteenth.density, 10.0);
  std::ofstream(cache_.string(), std::ios::trunc) << "a file where the folder should be";
  EXPECT_EQ(load_groove_file(source_, cache_)->sixteenth.density, 10.0);
  fs::remove(cache_);
  std::ofstream(source_, std::ios::trunc) << "{ not json";
  auto broken = load_groove_file(source_, cache_);
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, Errc::parse);
  EXPECT_NE(broken.error().message.find(source_.string()), std::string::npos);
  EXPECT_FALSE(fs::exists(groove_cache_file(source_, cache_)));
  std::ofstream(source_, std::ios::trunc) << R"({"feel": "sixteenth"})";
  EXPECT_FALSE(load_groove_file(source_, cache_).has_value());
  EXPECT_FALSE(load_groove_file(dir_ / "missing.json", cache_).has_value());
}

}  // namespace
}  // namespace mdg::groove_cache_test
