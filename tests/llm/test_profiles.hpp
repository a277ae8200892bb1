#pragma once
// Style profiles for the LLM tests: the shipped genre profiles (data/genres, data/grooves)
// opened through a folder without artists/, so the tests do not depend on the artist
// entries' schema, and an artist profile made from a genre with traits set in code.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <stdlib.h>

#include "style/library.hpp"

namespace mdg::llm::testing {

// A fresh folder per test process (mkdtemp), removed at exit: a folder named by the pid
// alone could be a stale one from an earlier run whose links point at a deleted checkout.
inline const std::filesystem::path& genre_only_data_dir() {
  namespace fs = std::filesystem;
  struct Folder {
    fs::path path;
    Folder() {
      std::string name = (fs::temp_directory_path() / "mdg-llm-genres-XXXXXX").string();
      if (::mkdtemp(name.data()) == nullptr) {
        ADD_FAILURE() << "cannot create a temporary folder from " << name;
        return;
      }
      path = name;
      std::error_code ec;
      fs::create_directory(path / "artists", ec);
      EXPECT_FALSE(ec) << ec.message();
      const fs::path src = MDG_SOURCE_DATA_DIR;
      for (const char* sub : {"genres", "grooves"}) {
        fs::create_directory_symlink(src / sub, path / sub, ec);
        EXPECT_FALSE(ec) << sub << ": " << ec.message();
      }
    }
    ~Folder() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);  // removes the links, not what they point at
    }
  };
  static const Folder folder;
  return folder.path;
}

inline StyleProfile genre_profile(std::string_view name) {
  auto lib = StyleLibrary::open(genre_only_data_dir());
  if (!lib) {
    ADD_FAILURE() << lib.error().describe();
    return {};
  }
  auto p = lib->resolve(name);
  if (!p) {
    ADD_FAILURE() << p.error().describe();
    return {};
  }
  return std::move(*p);
}

// A hard-rock drummer on the rock model: behind the beat, busy kick, few ghost notes.
inline StyleProfile artist_profile() {
  auto p = genre_profile("rock");
  p.id = "test-drummer";
  p.kind = ProfileKind::artist;
  p.name = "Test Drummer";
  p.base = "rock";
  p.genres = {"hard rock", "blues rock"};
  p.feel = "half-time";
  p.tempo = TempoRange{65, 140, 88};
  p.description = "A heavy, behind-the-beat hard-rock drummer with triplet kick figures.";
  p.traits.laid_back_ms = 8;
  p.traits.ghost_notes = 0.6;
  p.traits.density = 1.3;
  return p;
}

}  // namespace mdg::llm::testing
