#pragma once
// A minimal HTTP client over libcurl for the LLM providers: one easy handle per request, connect
// and total timeouts, response headers captured with lower-case names, no signals (safe from
// several threads). No redirects are followed and nothing is logged.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mdg::llm {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  long connect_timeout_ms = 10000;
  long total_timeout_ms = 30000;
  std::size_t max_response_bytes = 16u << 20u;  // a longer body fails as a dropped connection
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values trimmed
  std::string body;
  double latency_ms = 0;

  // The value of the last header with this name (any case), if present.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

enum class HttpErrorKind {
  timeout,     // the connect or total timeout ran out before a complete answer
  connection,  // refused, reset, dropped, DNS or TLS failure, answer too long
  invalid,     // a request libcurl cannot send (bad URL, unsupported scheme)
};

struct HttpError {
  HttpErrorKind kind = HttpErrorKind::connection;
  std::string message;  // libcurl's description; the caller redacts secrets
  int curl_code = 0;
  double latency_ms = 0;
};

// Sends one request and waits for the whole answer (any HTTP status counts as an answer).
[[nodiscard]] std::expected<HttpResponse, HttpError> http_send(const HttpRequest& request);

// `text` with every occurrence of `secret` replaced by "[redacted]" (no-op for an empty secret).
[[nodiscard]] std::string redact(std::string text, std::string_view secret);

// `url` without trailing '/' characters, so a path can be appended with one.
[[nodiscard]] std::string without_trailing_slashes(std::string url);

}  // namespace mdg::llm
