#pragma once
// Genre profiles learned from the knowledge base itself: styles the Groove MIDI Dataset
// does not cover (metal, four-on-the-floor electronic, trap, drum and bass) are measured
// from the signature grooves of the entries (data/artists) whose base is that genre.
//
// For each genre of the definitions file's "kb_genres" list: every signature groove of
// every entry with that base, in entry-id order, is decoded from its notation, played
// twice in a row (a groove is a loop: the second pass teaches the model the step across
// the bar line) at the groove's tempo (else the entry's typical tempo), and analysed like
// a Groove MIDI Dataset take on the sixteenth and triplet grids; grooves in other meters
// than 4/4 are counted and left out. The profile's tempo range spans the entries' ranges
// (typical: their median typical tempo), its feel is the entries' most common feel, its
// confidence grows with the grooves behind it (confidence_from_grooves), and its source
// credits the knowledge base. A genre with fewer than min_grooves usable grooves is
// refused, with the reason. Grooves written in notation carry no microtiming and only the
// notation's three velocity levels: the profiles say so in their description.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "groove/analyzer.hpp"
#include "style/style_profile.hpp"

namespace mdg {

inline constexpr int kDefaultMinKbGrooves = 8;

struct KbDeriveOptions {
  std::filesystem::path artists_dir;  // data/artists
  std::filesystem::path definitions;  // data/genre_definitions.json ("kb_genres")
  std::filesystem::path out_dir;      // the data folder: genres/<id>.json, grooves/<id>.json
  int min_grooves = kDefaultMinKbGrooves;  // 1-1000
  AnalyzerOptions analyzer;
};

struct KbDerivedGenre {
  StyleProfile profile;                  // groove filled in
  std::uint32_t grooves = 0;             // 4/4 signature grooves analysed
  std::uint32_t other_meter_grooves = 0; // grooves in other meters, left out
  std::vector<std::string> entries;      // ids of the entries whose grooves were used
};

struct KbRefusal {
  std::string genre;
  std::string reason;  // "trap: 3 usable signature grooves from 2 entries; at least 8 needed"
};

struct KbDeriveResult {
  std::vector<KbDerivedGenre> genres;  // in the order of the definitions
  std::vector<KbRefusal> refused;
};

// 0.2 with no grooves, rising towards 0.8 (0.2 + 0.6 * (1 - exp(-grooves / 30))), two
// decimals: notation is a thinner source than recorded performances.
[[nodiscard]] double confidence_from_grooves(std::uint32_t grooves) noexcept;

// Reads the definitions and every entry and builds the genre profiles (nothing written).
[[nodiscard]] Result<KbDeriveResult> derive_kb_genre_profiles(const KbDeriveOptions& options);

// derive_kb_genre_profiles, then writes genres/<id>.json and grooves/<id>.json of every
// genre it could build (the same file texts as the GMD derivation).
[[nodiscard]] Result<KbDeriveResult> derive_kb_profiles(const KbDeriveOptions& options);

// "metal: 23 signature grooves from 14 entries, feel straight, 80-220 BPM, confidence 0.51"
[[nodiscard]] std::string kb_derive_summary_line(const KbDerivedGenre& genre);

}  // namespace mdg
