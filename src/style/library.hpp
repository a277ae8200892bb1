#pragma once
// The style library: the shipped knowledge base (data/artists, data/genres) and
// resolution of a user's name to an effective profile.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
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

// When the name index (hash tables of every folded name, alias and id, the typo pool and the
// vocabulary of suggest()) is built.
enum class NameIndexing {
  // At open: every lookup is a hash probe. For a process that resolves many names.
  at_open,
  // On first need: until then find() answers by one pass over the entries' names (the same
  // answers, in the same order of preference) and the index is built only when suggest() runs,
  // so a command that resolves one name does not build tables for seven hundred.
  on_demand,
};

struct LibraryOptions {
  // Where to keep the compact index of the knowledge base's headers and the decoded groove
  // models; empty: no cache. Every cached item is reused only while its source file keeps its
  // size and modification time; cache problems never fail an open or a resolve.
  std::filesystem::path cache_dir;
  NameIndexing names = NameIndexing::at_open;
};

class StyleLibrary {
 public:
  // Reads the index of every profile under data_dir (artists/*.json, genres/*.json);
  // groove models are parsed lazily by resolve().
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir);
  // The same, keeping the headers it reads (id, kind, name, aliases, base of every file) in
  // a compact index under cache_dir, reused while every file keeps its name, size and
  // modification time; any change rereads the files. Genres' groove files are read through
  // the cache of their decoded form (groove_cache.hpp) there. Cache problems never fail the
  // open or a resolve.
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir,
                                                 const std::filesystem::path& cache_dir);
  // The same with every option (cache folder, when to build the name index).
  [[nodiscard]] static Result<StyleLibrary> open(const std::filesystem::path& data_dir,
                                                 const LibraryOptions& options);

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
  // The same answer whether the name index is built or not (NameIndexing).
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
  struct NameIndex {
    // folded name/alias/id -> index into entries_, sorted by key (used by suggest())
    std::vector<std::pair<std::string, std::size_t>> keys;
    std::vector<std::string> words;                     // every distinct word of keys, sorted
    std::vector<std::vector<std::uint32_t>> key_words;  // the words of each key, as indexes into words
    // Folded keys (with and without "the"), the same without spaces, sorted words, unique
    // surnames, and the typo pool.
    std::unordered_map<std::string, KeyRef> exact;
    std::unordered_map<std::string, KeyRef> compact;
    std::unordered_map<std::string, KeyRef> sorted_tokens;
    std::unordered_map<std::string, std::vector<std::uint32_t>> surnames;
    std::vector<FuzzyKey> fuzzy;
  };
  // Built once, by whichever const call needs it first (thread-safe).
  struct LazyNameIndex {
    std::once_flag once;
    std::atomic<bool> ready{false};
    NameIndex index;
  };
  [[nodiscard]] Result<StyleProfile> load_genre_or_artist(const LibraryEntry& entry) const;
  [[nodiscard]] Result<StyleProfile> load_merged(const LibraryEntry& entry) const;
  [[nodiscard]] const LibraryEntry* entry_by_id(std::string_view id) const;
  // Every text a name is found under, in the index's order of preference: ids and names of
  // all entries, then their aliases (so that on a clash the name's owner wins; among equals
  // the first file wins). visit(ref, text) returns true to stop.
  template <typename Visit>
  void for_each_name_text(Visit&& visit) const;
  [[nodiscard]] const NameIndex& name_index() const;        // builds it on first use
  [[nodiscard]] const NameIndex* built_name_index() const;  // nullptr until built

  std::filesystem::path data_dir_;
  std::filesystem::path cache_dir_;
  std::vector<LibraryEntry> entries_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::unique_ptr<LazyNameIndex> names_ = std::make_unique<LazyNameIndex>();
};

// Where the CLI keeps its caches (the header index, decoded groove models): $MDG_CACHE_DIR,
// else $XDG_CACHE_HOME/mididrumigen, else $HOME/.cache/mididrumigen; empty when none is set
// (no cache).
[[nodiscard]] std::filesystem::path default_cache_dir();

// Where shipped data lives: $MDG_DATA_DIR, else <exe>/../share/mididrumigen/data, else
// the source tree's data/ recorded at build time.
[[nodiscard]] std::filesystem::path default_data_dir();

}  // namespace mdg
