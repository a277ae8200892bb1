#pragma once
// The style library: the shipped knowledge base (data/artists, data/genres) and
// resolution of a user's name to an effective profile.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "style/style_profile.hpp"

namespace mdg {

struct LibraryEntry {
  std::string id;
  std::string name;
  ProfileKind kind = ProfileKind::genre;
  std::vector<std::string> aliases;
  std::filesystem::path file;
};

class StyleLibrary {
 public:
  // Reads the index of every profile under data_dir (artists/*.json, genres/*.json);
  // groove models are parsed lazily by resolve().
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir);

  // Case- and accent-insensitive lookup by name, id or alias. Artist profiles come back
  // merged onto their base genre profile (groove models filled in). An unknown name gives
  // Errc::not_found with the closest known names in the message.
  [[nodiscard]] Result<StyleProfile> resolve(std::string_view name) const;
  // The closest known names to `name`, best first.
  [[nodiscard]] std::vector<std::string> suggest(std::string_view name, std::size_t count = 5) const;
  [[nodiscard]] const std::vector<LibraryEntry>& entries() const noexcept { return entries_; }
  [[nodiscard]] const std::filesystem::path& data_dir() const noexcept { return data_dir_; }

 private:
  [[nodiscard]] Result<StyleProfile> load_genre_or_artist(const LibraryEntry& entry) const;

  std::filesystem::path data_dir_;
  std::vector<LibraryEntry> entries_;
  // folded name/alias/id -> index into entries_, sorted by key
  std::vector<std::pair<std::string, std::size_t>> keys_;
};

// Where shipped data lives: $MDG_DATA_DIR, else <exe>/../share/mididrumigen/data, else
// the source tree's data/ recorded at build time.
[[nodiscard]] std::filesystem::path default_data_dir();

}  // namespace mdg
