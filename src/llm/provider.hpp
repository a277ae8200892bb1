#pragma once
// The provider interface between the LLM clients (OpenAI, Anthropic, Gemini, OpenAI-compatible
// servers) and the generation manager. A client sends exactly one HTTP request per complete();
// retries, backoff and failover belong to the manager.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mdg::llm {

struct Message {
  std::string role;     // "user" | "assistant"
  std::string content;
};

struct ChatRequest {
  std::string system;                 // system prompt
  std::vector<Message> messages;      // conversation (a repair request appends turns)
  nlohmann::json schema;              // JSON Schema of the reply object (strict-compatible:
                                      // additionalProperties:false, all properties required)
  std::string schema_name;            // [A-Za-z0-9_-]{1,64}
  int max_output_tokens = 4096;
  std::optional<double> temperature;  // omitted from the body when empty
};

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

enum class FinishReason { stop, max_tokens, refusal, content_filter, other };

struct ChatReply {
  std::string text;                    // the reply's JSON text as the model wrote it (Anthropic
                                       // forced tool: the tool_use input serialised)
  std::optional<std::string> refusal;  // OpenAI message.refusal, Anthropic stop_reason refusal,
                                       // Gemini SAFETY / blockReason
  FinishReason finish = FinishReason::stop;
  std::string model;                   // model as reported by the server
  Usage usage;
  int http_status = 200;
  double latency_ms = 0;
};

enum class FailureKind {
  auth,          // 401/403, a rejected key
  quota,         // billing exhausted (insufficient_quota, Anthropic billing_error)
  rate_limited,  // 429 that may be retried
  overloaded,    // Anthropic 529, Gemini/llama.cpp 503
  server,        // other 5xx, 408, 409
  timeout,       // connect or total timeout, no HTTP answer
  connection,    // refused, reset or dropped connection, DNS, TLS
  bad_request,   // 400/404/413/422: our request or model name is wrong
  bad_response,  // a 2xx whose body is not what the API documents
};

struct ProviderFailure {
  FailureKind kind = FailureKind::bad_response;
  int http_status = 0;                   // 0 when no HTTP answer (timeout, connection)
  std::string message;                   // provider's error message / curl error; never a key
  std::string code;                      // e.g. "insufficient_quota", "overloaded_error",
                                         // "RESOURCE_EXHAUSTED"
  std::optional<double> retry_after_ms;  // from retry-after-ms, Retry-After (s or HTTP date),
                                         // Gemini RetryInfo.retryDelay
  bool retryable = false;                // 408/409/429 (not insufficient_quota)/5xx incl.
                                         // Anthropic 529, Gemini 503; timeouts; dropped
                                         // connections. Never 400/401/403/404/insufficient_quota.
  double latency_ms = 0;

  // "rate_limited (HTTP 429, rate_limit_exceeded): <message>", for attempt logs; never
  // contains a key because no field does.
  [[nodiscard]] std::string describe() const;
};

// Implementations are thread-safe: complete() may be called from several threads at once.
class Provider {
 public:
  virtual ~Provider() = default;
  // "openai", "anthropic", "gemini", or a configured name.
  [[nodiscard]] virtual const std::string& name() const = 0;
  [[nodiscard]] virtual const std::string& model() const = 0;
  [[nodiscard]] virtual std::expected<ChatReply, ProviderFailure> complete(
      const ChatRequest&) const = 0;
};

// Stable lower-case names ("rate_limited", "max_tokens", ...) for JSON output and logs.
[[nodiscard]] std::string_view failure_kind_name(FailureKind kind) noexcept;
[[nodiscard]] std::string_view finish_reason_name(FinishReason reason) noexcept;

}  // namespace mdg::llm
