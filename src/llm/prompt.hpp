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
#include "style/groove_notation.hpp"
#include "style/style_profile.hpp"

namespace mdg::llm {

inline constexpr std::string_view kSchemaName = "drum_pattern";

// The JSON Schema of the reply object, strict-compatible (every object closed with
// additionalProperties:false and every property required; ranges live in descriptions and
// the validator, since strict modes accept only a subset of keywords).
[[nodiscard]] nlohmann::json pattern_schema();

// A few-shot example: a groove in the knowledge base's grid notation (style/groove_notation)
// and where it comes from ("signature groove" or "local engine").
struct Example {
  SignatureGroove groove;
  std::string origin;
};

// The examples for a profile: up to two of its signature grooves in `meter` when it has any,
// else two bars of the local engine (quantized, seed `seed`) written in the notation. Errors
// only when the engine cannot generate for the profile.
[[nodiscard]] Result<std::vector<Example>> few_shot_examples(const StyleProfile& profile, const Meter& meter,
                                                             std::uint64_t seed);
// The notes an example stands for, at `tempo_bpm` (empty when the notation does not parse).
[[nodiscard]] Pattern example_pattern(const Example& example, double tempo_bpm);

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
  std::vector<Example> examples;     // the few-shot grooves the user prompt shows
  int max_output_tokens = 4096;      // enough for the notes of `bars` bars
};

[[nodiscard]] std::string system_prompt();
// The user prompt: the profile in words and numbers, what to write, the examples.
[[nodiscard]] std::string user_prompt(const StyleProfile& profile, const PatternRequest& request,
                                      const std::vector<Example>& examples);
[[nodiscard]] Prompt build_prompt(const StyleProfile& profile, const PatternRequest& request,
                                  std::vector<Example> examples);
// One example as the user prompt shows it: its origin, grid and rows in the notation.
[[nodiscard]] std::string render_example(const Example& example);

}  // namespace mdg::llm
