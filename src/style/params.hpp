#pragma once
// Every user-facing parameter (generate, humanize), declared once: name, default, allowed range
// and help. The CLI, its --help and (later) the API schema are driven from this table.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mdg {

// name: free text (a genre or artist, or an LLM provider checked against the configuration).
enum class ParamKind { integer, number, meter, name };

struct ParamSpec {
  std::string_view name;  // "bars" -> --bars
  ParamKind kind;
  double min;             // inclusive range for integer/number
  double max;
  std::optional<double> default_value;  // nullopt: chosen from the style (e.g. tempo)
  std::string_view help;
  std::string_view default_text = {};   // the default of a text parameter
  std::string_view allowed_text = {};   // what a text parameter allows
};

// The parameters of `generate` (bars ... like, seed) and of `humanize` (seed, amount); each
// is declared once, `seed` serves both.
[[nodiscard]] std::span<const ParamSpec> generate_param_specs() noexcept;
[[nodiscard]] std::span<const ParamSpec> humanize_param_specs() noexcept;
[[nodiscard]] const ParamSpec* find_param(std::string_view name) noexcept;
// "1-16", "0-1", "40-300", or the meter examples.
[[nodiscard]] std::string allowed_values(const ParamSpec& spec);
// Parses and range-checks a value given as text; the error names the parameter, the
// value and what is allowed.
[[nodiscard]] Result<double> parse_param(const ParamSpec& spec, std::string_view text);
[[nodiscard]] Result<double> check_param(const ParamSpec& spec, double value);

}  // namespace mdg
