#pragma once
// The generate use case: name -> style profile -> variations -> .mid files, plus the
// text grid and JSON renderings the CLI (and later the HTTP API) return.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "generate/engine.hpp"
#include "llm/config.hpp"
#include "llm/manager.hpp"
#include "llm/selection.hpp"
#include "style/blend.hpp"
#include "style/library.hpp"

namespace mdg {

struct GenerateRequest {
  std::string artist;
  // "Name A:0.7,Name B:0.3" (2-4 members): generate from a blend of styles instead of one
  // name; `artist` must then be empty (the blend names every style it mixes).
  std::string blend;
  // Stand-ins for a name the knowledge base does not know (at most one): a genre, or a
  // known artist whose profile to play it with. With `artist` empty they name the style.
  std::string genre;
  std::string like;
  GenerateOptions options;
  bool meter_given = false;  // options.meter was asked for (else --signature uses the groove's)
  std::filesystem::path out_dir = "out";
  int midi_format = 1;  // 0 or 1
  // auto | local | openai | anthropic | gemini | a configured server name (see llm/selection).
  std::string provider = "auto";
  // Where LLM settings, keys and the state folder come from (nullptr-like empty function: the
  // process environment).
  llm::EnvLookup env;
  // Builds the provider clients (tests may pass their own; empty: llm::make_provider).
  llm::ProviderFactory make_provider;
};

struct GenerateResponse {
  std::string query;
  StyleProfile profile;  // the resolved profile (groove included)
  Resolution resolution;  // which entry was used and why
  Generation generation;
  std::vector<std::filesystem::path> files;  // one per variation, same order
  llm::LlmReport llm;                        // which provider answered, attempts, cost
};

[[nodiscard]] Result<GenerateResponse> run_generate(const StyleLibrary& library,
                                                    const GenerateRequest& request);

// The profile a request names and how it was found: a blend, a known name, or a stand-in
// (--genre/--like) for an unknown one.
[[nodiscard]] Result<Resolved> resolve_request(const StyleLibrary& library, const GenerateRequest& request);
// "entry led-zeppelin (relation): exact name 'Led Zeppelin'; drums by John Bonham (1968-1980)",
// prefixed "STAND-IN, LOW CONFIDENCE: " for stand-ins.
[[nodiscard]] std::string resolution_line(const Resolution& how);

// The file name of variation `index` (0-based): "<style-id>_s<seed>_v<N>.mid".
[[nodiscard]] std::string variation_file_name(const Generation& g, int index);
// Readable drum grids, one block per variation (rows = instruments, columns = steps).
[[nodiscard]] std::string render_generation_text(const GenerateResponse& response);
[[nodiscard]] std::string render_grid(const GrooveGrid& grid);
[[nodiscard]] nlohmann::json generation_to_json(const GenerateResponse& response);

// `mididrumigen usage`: the persisted LLM usage totals per provider and model.
struct UsageResponse {
  std::filesystem::path file;
  llm::UsageReport report;
};
[[nodiscard]] Result<UsageResponse> run_usage(const llm::EnvLookup& env);

// `mididrumigen providers`: what is configured (never keys), the auto order and recent health.
[[nodiscard]] Result<nlohmann::json> run_providers(const llm::EnvLookup& env);
[[nodiscard]] std::string render_providers_text(const nlohmann::json& providers);

}  // namespace mdg
