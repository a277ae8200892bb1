#pragma once
// The style library: the shipped knowledge base (data/artists, data/genres) and
// resolution of a user's name to an effective profile.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "style/style_profile.hpp"

namespace mdg {

struct LibraryEntry {
  std::string id;
  std::string name;
  ProfileKind kind = ProfileKind::genre;
  ArtistKind artist_kind = ArtistKind::artist;  // when kind == artist
  std::vector<std::string> aliases;
  std::string base;                            // artists: their base genre id
  std::filesystem::path file;
};

// How a name was found: exact (the name or id, after folding case, accents, punctuation and
// a leading "The"), alias, token (same words in another order, or a unique surname),
// fuzzy (a typo, with its score), relation (a band that uses its drummer's entry), or
// stand-in (an unknown name played with another profile, low confidence).
enum class MatchKind { exact, alias, token, fuzzy, relation, stand_in };
[[nodiscard]] std::string_view match_kind_name(MatchKind kind) noexcept;

struct Resolution {
  std::string query;     // as typed
  std::string entry_id;  // the entry the name resolved to
  std::string entry_name;
  MatchKind match = MatchKind::exact;
  double score = 1.0;    // 1 for exact/alias/token; 0-1 for fuzzy; low for stand-ins
  std::string matched;   // the name, alias or id it matched ("Bonzo")
  // Relation: the drummer entry whose traits and grooves are used.
  std::string drummer_id;
  std::string drummer_name;
  std::string reason;    // one line: "alias 'Bonzo' of John Bonham", "... drums by John Bonham (1968-1980)"
};

struct Resolved {
  StyleProfile profile;  // effective profile, groove filled in
  Resolution how;
};

class StyleLibrary {
 public:
  // Reads the index of every profile under data_dir (artists/*.json, genres/*.json);
  // groove models are parsed lazily by resolve().
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir);
  // The same, keeping the headers it reads (id, kind, name, aliases, base of every file) in
  // a compact index under cache_dir, reused while every file keeps its name, size and
  // modification time; any change rereads the files. Cache problems never fail the open.
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir,
                                                 const std::filesystem::path& cache_dir);

  // Case- and accent-insensitive lookup by name, id or alias. Artist profiles come back
  // merged onto their base genre profile (groove models filled in). An unknown name gives
  // Errc::not_found with the closest known names in the message.
  [[nodiscard]] Result<StyleProfile> resolve(std::string_view name) const;
  // The same with how the name was found. Order: exact/alias (folded, "The" optional),
  // punctuation-free ("acdc"), token order ("Bonham, John"), unique surname ("Bonham"),
  // typo (edit distance, unique best within ~25% of the length). A band or artist whose
  // entry has empty traits and no grooves uses its drummer's entry (match relation).
  // Unknown: not_found naming the five closest names.
  [[nodiscard]] Result<Resolved> resolve_match(std::string_view name) const;
  // Just the index step: which entry a name finds, without loading it (nullopt: unknown).
  [[nodiscard]] std::optional<Resolution> find(std::string_view name) const;
  // An unknown `name` played with the profile of `stand_in` (a genre or artist name): the
  // profile keeps `name`, its confidence is capped at 0.2 and the reason says it is a stand-in.
  [[nodiscard]] Result<Resolved> resolve_stand_in(std::string_view name, std::string_view stand_in) const;
  // The closest known names to `name`, best first.
  [[nodiscard]] std::vector<std::string> suggest(std::string_view name, std::size_t count = 5) const;
  [[nodiscard]] const std::vector<LibraryEntry>& entries() const noexcept { return entries_; }
  [[nodiscard]] const std::filesystem::path& data_dir() const noexcept { return data_dir_; }
  // The entry's own profile as written (artists not merged onto their base).
  [[nodiscard]] Result<StyleProfile> load_entry(const LibraryEntry& entry) const;

 private:
  struct KeyRef {
    std::uint32_t entry = 0;
    std::uint8_t alias = 0;  // 0: name or id, 1: alias
  };
  struct FuzzyKey {
    std::string key;
    std::uint32_t entry = 0;
    std::uint8_t alias = 0;
    bool surname = false;  // a last word of a name: only compared with one-word queries
  };
  [[nodiscard]] Result<StyleProfile> load_genre_or_artist(const LibraryEntry& entry) const;
  [[nodiscard]] Result<StyleProfile> load_merged(const LibraryEntry& entry) const;
  [[nodiscard]] const LibraryEntry* entry_by_id(std::string_view id) const;
  void build_index();

  std::filesystem::path data_dir_;
  std::vector<LibraryEntry> entries_;
  // folded name/alias/id -> index into entries_, sorted by key (used by suggest())
  std::vector<std::pair<std::string, std::size_t>> keys_;
  std::vector<std::string> words_;                     // every distinct word of keys_, sorted
  std::vector<std::vector<std::uint32_t>> key_words_;  // the words of each key, as indexes into words_
  // Precomputed at open: folded keys (with and without "the"), the same without spaces,
  // sorted words, unique surnames, ids, and the typo pool.
  std::unordered_map<std::string, KeyRef> exact_;
  std::unordered_map<std::string, KeyRef> compact_;
  std::unordered_map<std::string, KeyRef> sorted_tokens_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> surnames_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<FuzzyKey> fuzzy_;
};

// Where the CLI keeps its index cache: $MDG_CACHE_DIR, else $XDG_CACHE_HOME/mididrumigen,
// else $HOME/.cache/mididrumigen; empty when none is set (no cache).
[[nodiscard]] std::filesystem::path default_cache_dir();

// Where shipped data lives: $MDG_DATA_DIR, else <exe>/../share/mididrumigen/data, else
// the source tree's data/ recorded at build time.
[[nodiscard]] std::filesystem::path default_data_dir();

}  // namespace mdg
