#pragma once
// The prompt for LLM pattern generation, built from a style profile (never written per
// artist): the reply's JSON schema, a system prompt that fixes the schema, units, the GM drum
// map and the rules, and a user prompt carrying the profile in words and numbers plus one or
// two grooves as few-shot examples in the compact grid notation of docs/knowledge-base.md.
//
// Units of the reply: every note names its bar (1-based) and its onset and length in
// quarter-note beats, counted from the start of that bar (0 = the downbeat; a 4/4 bar spans
// 0 to 4, a 6/8 bar 0 to 3, a 7/8 bar 0 to 3.5). Beats rather than ticks: models write
// 1.75 more reliably than 840, and triplets (0.333) round to the nearest tick at 480 PPQ.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/meter.hpp"
#include "core/pattern.hpp"
#include "generate/engine.hpp"
#include "style/style_profile.hpp"

namespace mdg::llm {

inline constexpr std::string_view kSchemaName = "drum_pattern";

// The JSON Schema of the reply object, strict-compatible (every object closed with
// additionalProperties:false and every property required; ranges live in descriptions and
// the validator, since strict modes accept only a subset of keywords).
[[nodiscard]] nlohmann::json pattern_schema();

// One lane of a grid groove: its key ("kick", "closed_hat", "side_stick"), the GM note it
// plays and one string of steps per bar ('-' rest, 'x' hit, 'X' accent, 'g' ghost,
// 'o' open hi-hat on the closed_hat lane, 'f' flam).
struct GridLane {
  std::string key;
  DrumNote note = 36;
  std::vector<std::string> bars;
};

// A groove in the compact grid notation: a profile's signature groove or a bar the local
// engine rendered to the grid.
struct GridGroove {
  std::string name;    // "Levee half-time", "local engine (seed 7)"
  std::string origin;  // "signature groove" or "local engine"
  Meter meter;
  int steps_per_quarter = 4;  // 4 = 16th, 3 = triplet, 2 = 8th, 6 = 16th-triplet
  std::optional<double> tempo;
  std::vector<GridLane> lanes;

  [[nodiscard]] int bars() const noexcept {
    return lanes.empty() ? 0 : static_cast<int>(lanes.front().bars.size());
  }
  [[nodiscard]] int steps_per_bar() const noexcept {
    return steps_per_quarter * 4 * meter.numerator / meter.denominator;
  }
};

// "16th", "triplet", "8th", "16th-triplet" (or "" for other values).
[[nodiscard]] std::string_view grid_name(int steps_per_quarter) noexcept;
// Checks a groove: a known grid whose bar is a whole number of steps, 1-4 bars, every lane
// with the same bar count and exactly the bar's steps, known step characters, a hit somewhere.
[[nodiscard]] Result<GridGroove> validate_groove(GridGroove groove);
// A generated variation's grid as a grid groove (its first `max_bars` bars).
[[nodiscard]] GridGroove groove_from_grid(const GrooveGrid& grid, std::string name, int max_bars);
// The notes a grid groove stands for, as a pattern of `bars()` bars at its tempo (or
// `tempo_bpm`): 'x' 90, 'X' 115, 'g' 35, 'o' open hi-hat 95, 'f' a flam (grace note 30 ticks
// earlier). The validator compares replies against these to reject copies.
[[nodiscard]] Pattern groove_to_pattern(const GridGroove& groove, double tempo_bpm);
// The examples for a profile: up to two of its signature grooves in `meter` when it has any
// (`signature` is where the caller passes them), else two bars of the local engine rendered
// to the grid with `seed`. Errors only when the engine cannot generate for the profile.
[[nodiscard]] Result<std::vector<GridGroove>> few_shot_examples(const StyleProfile& profile,
                                                                const std::vector<GridGroove>& signature,
                                                                const Meter& meter, std::uint64_t seed);

// What one request asks for.
struct PatternRequest {
  int bars = 4;
  Meter meter{4, 4};
  double tempo_bpm = 120.0;
  double complexity = 0.5;  // 0-1
  int variation = 0;        // 0-based index of this variation
  int variations = 1;       // how many are asked for in all
};

struct Prompt {
  std::string system;
  std::string user;
  std::vector<GridGroove> examples;  // the few-shot grooves the user prompt shows
  int max_output_tokens = 4096;      // enough for the notes of `bars` bars
};

[[nodiscard]] std::string system_prompt();
// The user prompt: the profile in words and numbers, what to write, the examples.
[[nodiscard]] std::string user_prompt(const StyleProfile& profile, const PatternRequest& request,
                                      const std::vector<GridGroove>& examples);
[[nodiscard]] Prompt build_prompt(const StyleProfile& profile, const PatternRequest& request,
                                  std::vector<GridGroove> examples);
// The grid notation of one groove as it appears in the user prompt.
[[nodiscard]] std::string render_groove(const GridGroove& groove);

}  // namespace mdg::llm
