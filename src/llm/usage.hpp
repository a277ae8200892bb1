#pragma once
// Cost and health bookkeeping for LLM calls: every attempt (one HTTP request) with its tokens,
// cost, latency and outcome, appended as one JSON line to <state dir>/usage.jsonl. The file is
// append-only and survives restarts; a torn last line (a crash mid-write) is skipped on read.
// `mididrumigen usage` totals it per provider and model; the circuit breaker and
// `mididrumigen providers` read each provider's recent health from it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "llm/config.hpp"

namespace mdg::llm {

// $MDG_STATE_DIR, else $XDG_STATE_HOME/mididrumigen, else $HOME/.local/state/mididrumigen.
// Errors when none of them is set.
[[nodiscard]] Result<std::filesystem::path> state_dir(const EnvLookup& env);

// The price of a provider's model, when the configuration lists it.
using PriceLookup = std::function<std::optional<Price>(std::string_view provider, std::string_view model)>;
[[nodiscard]] double cost_usd(const Price& price, std::int64_t input_tokens, std::int64_t output_tokens) noexcept;

// One attempt: a request sent to a provider (or skipped by the circuit breaker).
struct AttemptRecord {
  std::int64_t time_ms = 0;    // wall clock, Unix ms
  std::string generation;      // id of the generate run
  std::string provider;
  std::string model;
  int variation = 0;           // 0-based
  bool repair = false;         // the repair turn of an invalid reply
  int http_status = 0;         // 0 = no HTTP answer (or not sent)
  // "ok", a reply problem ("invalid", "truncated", "refusal", "malformed", "no_json"), a
  // failure kind ("rate_limited", "timeout", ...) or "circuit_open" (not sent).
  std::string outcome;
  std::string error;           // empty when ok
  double latency_ms = 0;
  double wait_ms = 0;          // backoff slept before this attempt
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0;
  bool priced = false;         // the price table lists the model

  // Whether the provider answered over HTTP with a reply (any reply problem included);
  // false for provider failures and circuit_open.
  [[nodiscard]] bool answered() const noexcept;
  [[nodiscard]] bool sent() const noexcept { return outcome != "circuit_open"; }
};

[[nodiscard]] nlohmann::json to_json(const AttemptRecord& r);
[[nodiscard]] std::optional<AttemptRecord> attempt_from_json(const nlohmann::json& j);

struct UsageTotal {
  std::int64_t attempts = 0;  // requests sent
  std::int64_t ok = 0;        // valid replies
  std::int64_t failed = 0;    // provider failures (no usable HTTP answer)
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0;
  std::int64_t unpriced = 0;  // attempts whose model has no price
};

struct UsageReport {
  std::map<std::pair<std::string, std::string>, UsageTotal> per_model;  // (provider, model)
  UsageTotal all;
  std::int64_t generations = 0;
  std::int64_t skipped_lines = 0;  // torn or foreign lines that were not read
};
[[nodiscard]] UsageReport total_usage(std::span<const AttemptRecord> records);
[[nodiscard]] nlohmann::json to_json(const UsageReport& report);
[[nodiscard]] std::string render_usage(const UsageReport& report, const std::filesystem::path& file);

// A provider's recent health, from its latest attempts.
struct ProviderHealth {
  int consecutive_failures = 0;     // failures since the last answer
  std::int64_t last_failure_ms = 0;
  std::int64_t last_success_ms = 0;
  std::string last_error;
  int recent_attempts = 0;          // of the last kRecentAttempts sent
  int recent_failures = 0;
};
inline constexpr int kRecentAttempts = 20;
[[nodiscard]] std::map<std::string, ProviderHealth> provider_health(std::span<const AttemptRecord> records);

class UsageStore {
 public:
  explicit UsageStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  [[nodiscard]] std::filesystem::path file() const { return dir_ / "usage.jsonl"; }
  // Appends the records in one write (creating the folder and file); a torn last line left
  // by an earlier crash is closed first so the new lines stay readable.
  [[nodiscard]] Result<void> append(std::span<const AttemptRecord> records) const;
  // Every readable record, oldest first; `skipped` counts lines that are not records. A
  // missing file is no records.
  [[nodiscard]] Result<std::vector<AttemptRecord>> read(std::int64_t* skipped = nullptr) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace mdg::llm
