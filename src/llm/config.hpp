#pragma once
// Generation configuration: which LLM providers exist, which is primary, the fallback order,
// models, endpoints, keys, timeouts, retries and the price table. Loaded from the shipped
// configs/generation.json, merged with a user file, then overridden by the environment.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "llm/provider.hpp"

namespace mdg::llm {

enum class ProviderKind { openai, anthropic, gemini, openai_compatible };

[[nodiscard]] std::string_view provider_kind_name(ProviderKind kind) noexcept;
// "openai" | "anthropic" | "gemini" | "openai_compatible".
[[nodiscard]] std::optional<ProviderKind> parse_provider_kind(std::string_view name) noexcept;

struct ProviderSettings {
  std::string name;  // "openai", "anthropic", "gemini" or the configured name of a server
  ProviderKind kind = ProviderKind::openai;
  std::string model;
  std::string base_url;     // e.g. "https://api.openai.com/v1"; trailing '/' removed
  std::string key;          // never printed, logged or written
  std::string api_key_env;  // the environment variable the key came from (may be empty)
  long connect_timeout_ms = 10000;
  long total_timeout_ms = 30000;
  int max_retries = 2;

  // A key is present, or (OpenAI-compatible servers, which often need none) a base URL is set.
  [[nodiscard]] bool configured() const noexcept;
};

struct Price {
  double input_usd_per_mtok = 0;
  double output_usd_per_mtok = 0;
};

struct GenerationConfig {
  std::string primary;                  // a provider name
  std::vector<std::string> fallback;    // provider names tried after the primary, in order
  std::vector<ProviderSettings> providers;
  std::map<std::string, Price> prices;  // "provider/model" -> price

  [[nodiscard]] const ProviderSettings* find(std::string_view name) const noexcept;
  // The price of a model as billed by a provider; compatible servers look up their own name.
  [[nodiscard]] std::optional<Price> price(std::string_view provider,
                                           std::string_view model) const;
  // primary then fallback, without duplicates, only providers that are configured().
  [[nodiscard]] std::vector<const ProviderSettings*> auto_order() const;
};

// Looks up an environment variable; tests pass their own map instead of the process's.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
[[nodiscard]] EnvLookup process_environment();

// Parses one configuration document into `base` (keys absent from `doc` keep base's values).
// Errors name the field path, e.g. "providers.openai.total_timeout_ms: ...".
[[nodiscard]] Result<GenerationConfig> merge_generation_config(GenerationConfig base,
                                                               std::string_view json_text,
                                                               std::string_view origin);

// Applies OPENAI_API_KEY/OPENAI_BASE_URL, ANTHROPIC_*, GEMINI_* and each provider's
// api_key_env; then checks that primary and fallback name known providers.
[[nodiscard]] Result<GenerationConfig> apply_environment(GenerationConfig config,
                                                         const EnvLookup& env);

// The user's file: $MDG_CONFIG, else $XDG_CONFIG_HOME/mididrumigen/generation.json, else
// $HOME/.config/mididrumigen/generation.json; nullopt when none exists ($MDG_CONFIG must).
[[nodiscard]] Result<std::optional<std::filesystem::path>> user_config_path(const EnvLookup& env);

// The shipped defaults: $MDG_CONFIG_DIR/generation.json, else
// <exe>/../share/mididrumigen/configs/generation.json, else the source tree's configs/.
[[nodiscard]] std::filesystem::path default_config_path(const EnvLookup& env);

// Shipped defaults + user file + environment.
[[nodiscard]] Result<GenerationConfig> load_generation_config(const EnvLookup& env);
// Same with explicit files (no user file when `user` is empty).
[[nodiscard]] Result<GenerationConfig> load_generation_config(
    const std::filesystem::path& defaults, const std::optional<std::filesystem::path>& user,
    const EnvLookup& env);

// The client for these settings: OpenAI, Anthropic, Gemini or an OpenAI-compatible server.
[[nodiscard]] std::unique_ptr<Provider> make_provider(const ProviderSettings& settings);

}  // namespace mdg::llm
