// The command under test keeps its caches (header index, decoded groove models) in a folder
// of this test process, removed at exit: the tests' temporary data folders would otherwise
// leave cache files for paths that no longer exist in the user's ~/.cache on every run. Each
// test process starts with an empty cache, so the first run of a data folder fills it and the
// later ones read it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace mdg::cli_cache_env {
namespace {

class CacheDirEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string name = (std::filesystem::temp_directory_path() / "mdg-cli-cache-XXXXXX").string();
    ASSERT_NE(::mkdtemp(name.data()), nullptr) << "cannot create a temporary folder from " << name;
    dir_ = name;
    ::setenv("MDG_CACHE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::filesystem::path dir_;
};

[[maybe_unused]] ::testing::Environment* const kCacheDir =
    ::testing::AddGlobalTestEnvironment(new CacheDirEnvironment);

}  // namespace
}  // namespace mdg::cli_cache_env
