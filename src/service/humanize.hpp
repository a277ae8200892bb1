#pragma once
// The humanize use case: a user's drum MIDI file -> a style's feel -> a new .mid file.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/pattern.hpp"
#include "generate/humanize.hpp"
#include "style/library.hpp"

namespace mdg {

struct HumanizeRequest {
  std::filesystem::path input;
  std::string style;  // artist or genre name
  HumanizeOptions options;
  std::filesystem::path output;
  int midi_format = 1;  // 0 or 1
};

struct HumanizeResponse {
  std::string query;
  StyleProfile profile;  // the resolved profile (groove included)
  std::filesystem::path input;
  std::filesystem::path output;
  HumanizeOptions options;
  Pattern pattern;       // what was written; named "<input name> - humanized (<Style>)"
  std::size_t notes = 0;
  double mean_shift_ms = 0.0;      // mean |new onset - old onset|
  double mean_velocity_change = 0.0;  // mean |new velocity - old velocity|
};

// Errors: amount outside 0-1 or a bad format (invalid_argument), an unreadable or missing
// input or a file without drum notes (io / parse), an unknown style (not_found with
// suggestions), an unwritable output (io).
[[nodiscard]] Result<HumanizeResponse> run_humanize(const StyleLibrary& library,
                                                    const HumanizeRequest& request);

[[nodiscard]] std::string render_humanize_text(const HumanizeResponse& response);
[[nodiscard]] nlohmann::json humanize_to_json(const HumanizeResponse& response);

}  // namespace mdg
