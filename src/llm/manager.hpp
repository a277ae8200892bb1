#pragma once
// The LLM generation manager: asks providers for drum patterns in a style, one request per
// variation, all variations at once (one thread each), with
//  - provider order: the caller's list (auto = primary then fallbacks, configured ones only;
//    a named provider = only it); an empty list means the local engine answers;
//  - retries of retryable failures with exponential backoff and jitter (seeded Rng), or the
//    provider's retry-after when it gives one (up to RetryPolicy::max_wait_ms, beyond which the
//    provider is given up for this request); never a retry of a non-retryable failure;
//  - one repair turn for an invalid reply (the errors quoted), then failover;
//  - a circuit breaker: after BreakerPolicy::failures_to_open consecutive failures a provider
//    is skipped until the cool-down has passed; its state comes from the persisted attempt
//    log, so it carries across runs;
//  - the local engine for every variation no provider answered, with each provider's reason;
//  - valid LLM output humanized with the profile's humanizer.
// Time is injected (Clock), so tests assert backoff timings without sleeping.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "generate/engine.hpp"
#include "llm/prompt.hpp"
#include "llm/provider.hpp"
#include "llm/reply.hpp"
#include "llm/usage.hpp"
#include "style/style_profile.hpp"

namespace mdg::llm {

// Time for the manager; implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual double now_ms() const = 0;        // monotonic
  [[nodiscard]] virtual std::int64_t wall_ms() const = 0;  // Unix ms, for persisted records
  virtual void sleep_ms(double ms) const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] double now_ms() const override;
  [[nodiscard]] std::int64_t wall_ms() const override;
  void sleep_ms(double ms) const override;
};

struct RetryPolicy {
  int max_retries = 2;             // retries after the first try, per provider and request
  double base_delay_ms = 500;      // first backoff, doubling per retry
  double max_delay_ms = 8000;      // backoff cap
  double jitter = 0.25;            // each backoff is shortened by up to this share, at random
  double max_wait_ms = 60000;      // a longer retry-after gives the provider up for this request
};

// The n-th backoff (0-based retry index): min(max, base * 2^n) * (1 - jitter * u), u uniform
// in [0, 1) from `rng`; a retry-after from the provider replaces it (not shortened).
[[nodiscard]] double backoff_ms(const RetryPolicy& policy, int retry, std::optional<double> retry_after_ms, Rng& rng);

struct BreakerPolicy {
  int failures_to_open = 5;      // consecutive failures that open the circuit
  double cooldown_ms = 60000;    // how long an open circuit skips the provider
};

// Consecutive-failure circuit breaker over all providers; thread-safe.
class CircuitBreaker {
 public:
  CircuitBreaker(BreakerPolicy policy, std::map<std::string, ProviderHealth> initial);
  // When the provider is skipped at `now_ms` (wall clock): the end of its cool-down.
  [[nodiscard]] std::optional<std::int64_t> open_until(const std::string& provider, std::int64_t now_ms) const;
  void record_failure(const std::string& provider, std::int64_t now_ms);
  void record_success(const std::string& provider);

 private:
  BreakerPolicy policy_;
  mutable std::mutex mutex_;
  std::map<std::string, ProviderHealth> health_;
};

struct ProviderEntry {
  std::shared_ptr<const Provider> provider;
  RetryPolicy retry;
};

struct ManagerOptions {
  BreakerPolicy breaker;
  std::optional<double> temperature;  // omitted from requests when empty
};

// One variation's result from the providers.
struct VariationResult {
  std::optional<Pattern> pattern;  // valid (not yet humanized); empty when every provider failed
  std::string provider;            // who answered
  std::string model;
  std::vector<std::string> reasons;  // per provider tried and failed: "openai: ..."
};

struct PatternsResult {
  std::vector<VariationResult> variations;
  std::vector<AttemptRecord> attempts;  // variation by variation, in the order they happened
  std::string store_error;              // why the attempts could not be recorded, if so
};

class Manager {
 public:
  // `order` may be empty (every variation goes to the local engine). `store` (may be null)
  // gives the breaker its persisted state and receives every attempt.
  Manager(std::vector<ProviderEntry> order, PriceLookup prices, const Clock& clock, const UsageStore* store,
          ManagerOptions options = {});

  [[nodiscard]] const std::vector<ProviderEntry>& order() const noexcept { return order_; }
  [[nodiscard]] const Clock& clock() const noexcept { return clock_; }
  // Asks for `variations` patterns (variation i uses request.variation = i) concurrently.
  // `seed` drives the jitter; `generation` names the run in the attempt records.
  [[nodiscard]] PatternsResult request_patterns(const StyleProfile& profile, const PatternRequest& request,
                                                const std::vector<Example>& examples, int variations,
                                                std::uint64_t seed, const std::string& generation) const;

 private:
  VariationResult run_variation(const StyleProfile& profile, const PatternRequest& request,
                                const std::vector<Example>& examples, Rng rng, const std::string& generation,
                                std::vector<AttemptRecord>& attempts) const;

  std::vector<ProviderEntry> order_;
  PriceLookup prices_;
  const Clock& clock_;
  const UsageStore* store_;
  ManagerOptions options_;
  mutable CircuitBreaker breaker_;
};

// What the LLM path reports beside the Generation.
struct LlmReport {
  std::string selection;                 // "auto", "local", "openai", ...
  std::string provider_used;             // "openai", "openai+anthropic", "local", ...
  bool local_fallback = false;           // the local engine answered some or all variations
  std::vector<std::string> fallback_reasons;
  std::vector<int> local_variations;     // 1-based, the variations the local engine wrote
  std::vector<AttemptRecord> attempts;
  double cost_usd = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::string generation_id;
  std::vector<std::string> warnings;     // e.g. the usage log could not be written
};
[[nodiscard]] nlohmann::json to_json(const LlmReport& report);
// The attempts as `generate --json` lists them (variation 1-based, tokens, cost, error or null).
[[nodiscard]] nlohmann::json attempts_to_json(const std::vector<AttemptRecord>& attempts);

// The whole LLM path for generate: prompt, concurrent requests, validation, humanization with
// the profile's humanizer, local engine for what the providers could not answer. `why_local`
// is given when the caller already knows no provider can be asked (e.g. none configured).
[[nodiscard]] Result<std::pair<Generation, LlmReport>> generate_with_llm(const Manager& manager,
                                                                         const StyleProfile& profile,
                                                                         const GenerateOptions& options,
                                                                         const std::string& selection,
                                                                         std::vector<std::string> why_local = {});

// The grid view (what the text output and tests read) of a pattern on the style's bar plan.
[[nodiscard]] GrooveGrid grid_of(const Pattern& pattern, const StyleProfile& profile);

}  // namespace mdg::llm
