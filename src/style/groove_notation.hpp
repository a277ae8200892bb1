#pragma once
// The compact drum-grid notation of the knowledge base's signature grooves
// (docs/knowledge-base.md, "Signature grooves"): one string per lane, bars separated by
// '|', one character per grid step. Parsing gives the hits of every bar in the groove's
// meter and grid; the reverse writes any Pattern in the same notation (the LLM prompt
// builder shows grooves this way).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/drum_map.hpp"
#include "core/error.hpp"
#include "core/meter.hpp"
#include "core/pattern.hpp"

namespace mdg {

// How a quarter note is divided: "16th" (4 steps), "triplet" (3), "8th" (2),
// "16th-triplet" (6).
enum class NotationGrid : std::uint8_t { sixteenth, triplet, eighth, sixteenth_triplet };

[[nodiscard]] int notation_steps_per_quarter(NotationGrid grid) noexcept;
[[nodiscard]] std::string_view notation_grid_name(NotationGrid grid) noexcept;
// The error lists the allowed names.
[[nodiscard]] Result<NotationGrid> parse_notation_grid(std::string_view text);
// steps_per_quarter * 4 * numerator / denominator; an error when that is not a whole
// number (7/8 on "triplet"), saying which grids fit the meter.
[[nodiscard]] Result<int> notation_steps_per_bar(const Meter& meter, NotationGrid grid);

// Velocities the step characters stand for.
inline constexpr std::uint8_t kNotationHit = 90;     // x
inline constexpr std::uint8_t kNotationAccent = 115; // X
inline constexpr std::uint8_t kNotationGhost = 35;   // g
inline constexpr std::uint8_t kNotationOpen = 95;    // o (open hi-hat on the closed_hat lane)
inline constexpr std::uint8_t kNotationGrace = 40;   // the grace note of f
inline constexpr int kFlamGraceTicks = 30;           // the grace note comes this early
inline constexpr int kMaxNotationBars = 4;

// A lane key of the notation: the nine groove lanes ("closed_hat" for the hi-hat) and the
// named voices ("side_stick", "cowbell", ...), each with the GM note it is written as.
struct NotationVoice {
  std::string_view key;
  DrumNote note;
  bool flam_allowed;  // snare and toms
};
[[nodiscard]] std::span<const NotationVoice> notation_voices() noexcept;
[[nodiscard]] const NotationVoice* notation_voice(std::string_view key) noexcept;
// "kick, snare, closed_hat, ..." for error messages.
[[nodiscard]] std::string notation_voice_list();
// The notation key of a groove lane ("closed_hat" for Lane::closed_hat, else lane_id).
[[nodiscard]] std::string_view notation_lane_key(Lane lane) noexcept;
// Accepts the notation keys of the nine lanes and the lane ids ("hat").
[[nodiscard]] std::optional<Lane> lane_from_notation_key(std::string_view key) noexcept;

struct GrooveLaneText {
  std::string key;   // "kick", "closed_hat", "cowbell"
  std::string text;  // "X-x-------xx----|X-x-------x-x---"
  friend bool operator==(const GrooveLaneText&, const GrooveLaneText&) = default;
};

struct SignatureGroove {
  std::string name;
  std::string recording;  // "Led Zeppelin - When the Levee Breaks (1971)"; may be empty
  Meter meter;
  NotationGrid grid = NotationGrid::sixteenth;
  std::optional<double> tempo;  // BPM
  std::vector<GrooveLaneText> lanes;
  friend bool operator==(const SignatureGroove&, const SignatureGroove&) = default;
};

struct NotationHit {
  int bar = 0;   // 0-based
  int step = 0;  // 0-based within the bar
  DrumNote note = 36;
  std::uint8_t velocity = kNotationHit;
  bool flam = false;  // a grace note kFlamGraceTicks before
  friend bool operator==(const NotationHit&, const NotationHit&) = default;
};

struct ParsedGroove {
  Meter meter;
  NotationGrid grid = NotationGrid::sixteenth;
  int bars = 0;
  int steps_per_bar = 0;
  std::vector<NotationHit> hits;  // sorted by bar, step, note

  // Hits per bar, in the same order.
  [[nodiscard]] std::vector<std::vector<NotationHit>> bar_hits() const;
  // The groove at kPpq: every step at its exact grid tick, flams with their grace note
  // (a grace note that would fall before the first tick is left out).
  [[nodiscard]] Pattern to_pattern(double tempo_bpm, std::string name = {}) const;
};

// Validates and decodes a groove. Errors name the lane, the bar and the step (1-based) and
// say what is allowed: unknown lane keys, bars of the wrong length, lanes with different bar
// counts, more than kMaxNotationBars bars, unknown characters, 'o' off the closed_hat lane,
// 'f' off snare/toms, no hit at all.
[[nodiscard]] Result<ParsedGroove> parse_groove(const SignatureGroove& groove);
// One lane's text on its own: bars of `steps_per_bar` steps each (for tests and tools).
[[nodiscard]] Result<std::vector<std::string>> split_lane_bars(std::string_view key,
                                                               std::string_view text,
                                                               int steps_per_bar);

// The reverse: quantizes a pattern's first `max_bars` bars (1-16) onto `grid` and writes
// one lane per voice that plays, in notation_voices() order. Velocities map to g (<= 50),
// x, X (>= 105); an open hi-hat is 'o' on closed_hat when that step is free; a quieter
// note of the same snare/tom voice up to 45 ticks before another becomes its flam. Notes
// without a notation voice (e.g. agogo) fold onto their lane or are left out.
[[nodiscard]] Result<SignatureGroove> pattern_to_groove(const Pattern& pattern, NotationGrid grid,
                                                        int max_bars = kMaxNotationBars);
// Readable lines for a prompt or a terminal:
//   "Levee half-time (4/4, 16th, 71 BPM)\n  kick       X-x-...|...\n".
[[nodiscard]] std::string format_groove(const SignatureGroove& groove);

}  // namespace mdg
