#include "style/params.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/meter.hpp"
#include "core/text.hpp"

namespace mdg {
namespace {

constexpr std::array kSpecs = {
    ParamSpec{"bars", ParamKind::integer, 1, 16, 4, "bars per variation"},
    ParamSpec{"tempo", ParamKind::number, kMinTempo, kMaxTempo, std::nullopt,
              "tempo in BPM (default: drawn from the artist's tempo range)"},
    ParamSpec{"time-signature", ParamKind::meter, 0, 0, std::nullopt,
              "meter, e.g. 4/4, 3/4, 5/4, 6/8, 7/8, 12/8 (default 4/4)"},
    ParamSpec{"variations", ParamKind::integer, 1, 8, 4, "number of distinct variations"},
    ParamSpec{"humanize", ParamKind::number, 0, 1, 1.0,
              "0 = quantized, 1 = the style's full measured timing and velocity feel"},
    ParamSpec{"complexity", ParamKind::number, 0, 1, 0.5,
              "0 = sparse and straight, 1 = busy and syncopated"},
    ParamSpec{"genre", ParamKind::name, 0, 0, std::nullopt,
              "when the name is not in the knowledge base, play it as a stand-in with this genre "
              "(low confidence)"},
    ParamSpec{"like", ParamKind::name, 0, 0, std::nullopt,
              "when the name is not in the knowledge base, play it as a stand-in like this known "
              "artist (low confidence)"},
    ParamSpec{"signature", ParamKind::integer, 1, 3, std::nullopt,
              "play the artist's signature groove N from the knowledge base as the core, varied, "
              "filled and humanized (--signature alone = 1)"},
    ParamSpec{"provider", ParamKind::name, 0, 0, std::nullopt,
              "who writes the patterns: auto = the configured LLM providers in order (primary, then "
              "fallbacks; the local engine when none has a key or all fail), local = the local engine, "
              "or one provider by name (then the local engine if it fails)",
              "auto", "auto, local, openai, anthropic, gemini or a server named in the generation config"},
    ParamSpec{"seed", ParamKind::integer, 0, 9007199254740991.0, std::nullopt,
              "random seed; the same seed gives the same files (default: from the clock, printed)"},
    // The humanize command's own parameters follow `seed`, which it shares with generate.
    ParamSpec{"amount", ParamKind::number, 0, 1, 1.0,
              "how much of the style's feel to apply: 0 = leave the notes as they are, 1 = the "
              "style's full measured timing and dynamics"},
};
// generate takes the specs before `amount`; humanize takes `seed` and `amount`.
constexpr std::size_t kGenerateCount = 11;
constexpr std::size_t kHumanizeFirst = 10;
static_assert(kSpecs[kGenerateCount - 1].name == "seed" && kSpecs[kHumanizeFirst].name == "seed");

}  // namespace

std::span<const ParamSpec> generate_param_specs() noexcept {
  return std::span<const ParamSpec>(kSpecs).first(kGenerateCount);
}

std::span<const ParamSpec> humanize_param_specs() noexcept {
  return std::span<const ParamSpec>(kSpecs).subspan(kHumanizeFirst);
}

const ParamSpec* find_param(std::string_view name) noexcept {
  for (const auto& spec : kSpecs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string allowed_values(const ParamSpec& spec) {
  switch (spec.kind) {
    case ParamKind::meter: return "N/D with N 1-16 and D 2, 4, 8 or 16 (e.g. 4/4, 3/4, 5/4, 6/8, 7/8, 12/8)";
    case ParamKind::name:
      if (!spec.allowed_text.empty()) return std::string(spec.allowed_text);
      return "a genre or artist name the knowledge base knows (mididrumigen list)";
    case ParamKind::integer: return "whole numbers " + number_text(spec.min) + "-" + number_text(spec.max);
    case ParamKind::number: return number_text(spec.min) + "-" + number_text(spec.max);
  }
  return {};
}

Result<double> check_param(const ParamSpec& spec, double value) {
  const bool whole = value == std::floor(value);
  if (!std::isfinite(value) || value < spec.min || value > spec.max ||
      (spec.kind == ParamKind::integer && !whole)) {
    return fail(Errc::invalid_argument, "--" + std::string(spec.name) + " " + number_text(value) +
                                            " is not allowed; allowed: " + allowed_values(spec));
  }
  return value;
}

Result<double> parse_param(const ParamSpec& spec, std::string_view text) {
  if (spec.kind == ParamKind::meter || spec.kind == ParamKind::name) {
    return fail(Errc::invalid_argument, "--" + std::string(spec.name) + " takes " +
                                            (spec.kind == ParamKind::meter ? "a meter" : "a name") +
                                            ", not a number");
  }
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    return fail(Errc::invalid_argument, "--" + std::string(spec.name) + " '" + std::string(text) +
                                            "' is not a number; allowed: " + allowed_values(spec));
  }
  return check_param(spec, value);
}

}  // namespace mdg
