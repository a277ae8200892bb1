#pragma once
// Style profiles for the LLM tests: the shipped genre profiles (data/genres, data/grooves)
// opened through a folder without artists/, so the tests do not depend on the artist
// entries' schema, and an artist profile made from a genre with traits set in code.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "style/library.hpp"

namespace mdg::llm::testing {

inline std::filesystem::path genre_only_data_dir() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("mdg-llm-genres-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(dir / "artists", ec);
  const fs::path src = MDG_SOURCE_DATA_DIR;
  for (const char* sub : {"genres", "grooves"}) {
    if (!fs::exists(dir / sub)) fs::create_directory_symlink(src / sub, dir / sub, ec);
  }
  return dir;
}

inline StyleProfile genre_profile(std::string_view name) {
  auto lib = StyleLibrary::open(genre_only_data_dir());
  EXPECT_TRUE(lib.has_value()) << (lib ? "" : lib.error().describe());
  auto p = lib->resolve(name);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().describe());
  return *p;
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
