#pragma once
// A style profile: the quantitative groove model plus what a person would say about
// the style. Genre profiles carry measured grooves; artist profiles name a base genre
// profile and the traits that set the artist apart.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/drum_map.hpp"
#include "core/error.hpp"
#include "core/meter.hpp"
#include "groove/groove_model.hpp"
#include "style/groove_notation.hpp"

namespace mdg {

struct TempoRange {
  double min = 90.0;
  double max = 130.0;
  double typical = 110.0;
  friend bool operator==(const TempoRange&, const TempoRange&) = default;
};

struct Source {
  std::string title;    // "Groove MIDI Dataset, Magenta (Gillick et al., 2019), CC BY 4.0"
  std::string url;      // may be empty
  friend bool operator==(const Source&, const Source&) = default;
};

// How an artist departs from the base groove model. Neutral values change nothing.
struct StyleTraits {
  double density = 1.0;          // scale on onset odds away from the main beats (0.3-3)
  double kick_density = 1.0;     // extra scale on kick onsets away from the main beats (0.3-3)
  double ghost_notes = 1.0;      // scale on ghost-note probability (0-4)
  double open_hat = 1.0;         // scale on open hi-hat accents (0-4)
  double double_kick = 0.0;      // share of bars with double-bass runs (0-1)
  double linear = 0.0;           // tendency for no two limbs to hit together (0-1)
  double swing = 0.0;            // eighth-note swing ratio to impose (0 = keep the model's; 1-3)
  double swing_16th = 0.0;       // sixteenth swing ratio to impose (0 = keep; 1-3)
  double laid_back_ms = 0.0;     // added to every onset (+ behind the beat, - ahead; -30..30)
  double timing_spread = 1.0;    // scale on microtiming spread (0-4)
  double dynamics = 1.0;         // scale on velocity spread (0-3)
  double fill_rate = -1.0;       // fills per phrase end, 0-1 (-1 = from the model)
  double crash_after_fill = 1.0; // probability of a crash on the downbeat after a fill
  int phrase_bars = 4;           // bars per phrase: fills go at phrase ends (1-16)
  std::optional<Lane> timekeeper;      // e.g. ride instead of hi-hat
  std::optional<DrumNote> snare_note;  // e.g. 37 side stick for a cross-stick style
  friend bool operator==(const StyleTraits&, const StyleTraits&) = default;
};

// genre: a measured genre profile; artist: anything with a name (band, solo artist,
// drummer, beat producer; ArtistKind says which).
enum class ProfileKind { genre, artist };
enum class ArtistKind { band, artist, drummer, producer };
[[nodiscard]] std::string_view artist_kind_name(ArtistKind kind) noexcept;
[[nodiscard]] std::optional<ArtistKind> artist_kind_from_name(std::string_view name) noexcept;

// Years active; `to` empty = still active.
struct YearSpan {
  int from = 0;
  std::optional<int> to;
  friend bool operator==(const YearSpan&, const YearSpan&) = default;
};

// A drummer of a band or solo artist. `id` names the drummer's own entry when it has one.
struct DrummerCredit {
  std::string name;
  std::string id;            // may be empty
  std::optional<int> from;   // required by `kb check`
  std::optional<int> to;     // empty = still playing
  friend bool operator==(const DrummerCredit&, const DrummerCredit&) = default;
};

struct StyleProfile {
  std::string id;                    // "rock", "john-bonham"
  ProfileKind kind = ProfileKind::genre;
  ArtistKind artist_kind = ArtistKind::artist;  // meaningful when kind == artist
  std::string name;                  // "John Bonham"
  std::vector<std::string> aliases;  // "Bonzo"
  std::vector<std::string> genres;   // "rock", "hard rock"
  std::string base;                  // artists: id of the genre profile the groove comes from
  std::vector<DrummerCredit> drummers;  // bands and solo artists, most important first
  std::string country;               // ISO 3166-1 alpha-2 ("GB"); empty when not given
  std::optional<YearSpan> era;       // years active
  std::vector<Meter> meters;         // most common first
  TempoRange tempo;
  std::string feel;                  // "straight", "swing", "shuffle", "half-time", ...
  std::string description;
  std::vector<Source> sources;
  double confidence = 0.5;           // 0-1: how well the profile is backed by evidence
  StyleTraits traits;
  std::vector<SignatureGroove> signature_grooves;  // 0-3, validated notation
  GrooveSet groove;                  // empty for artists until resolved onto their base

  friend bool operator==(const StyleProfile&, const StyleProfile&) = default;
};

}  // namespace mdg
