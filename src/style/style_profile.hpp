#pragma once
// A style profile: the quantitative groove model plus what a person would say about
// the style. Genre profiles carry measured grooves; artist profiles name a base genre
// profile and the traits that set the artist apart.
#include <optional>
#include <string>
#include <vector>

#include "core/drum_map.hpp"
#include "core/error.hpp"
#include "groove/groove_model.hpp"

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
  double ghost_notes = 1.0;      // scale on ghost-note probability (0-4)
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

enum class ProfileKind { genre, artist };

struct StyleProfile {
  std::string id;                    // "rock", "john-bonham"
  ProfileKind kind = ProfileKind::genre;
  std::string name;                  // "John Bonham"
  std::vector<std::string> aliases;  // "Bonzo"
  std::vector<std::string> genres;   // "rock", "hard rock"
  std::string base;                  // artists: id of the genre profile the groove comes from
  TempoRange tempo;
  std::string feel;                  // "straight", "swing", "shuffle", "half-time", ...
  std::string description;
  std::vector<Source> sources;
  double confidence = 0.5;           // 0-1: how well the profile is backed by evidence
  StyleTraits traits;
  GrooveSet groove;                  // empty for artists until resolved onto their base

  friend bool operator==(const StyleProfile&, const StyleProfile&) = default;
};

}  // namespace mdg
