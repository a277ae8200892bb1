#pragma once
// Pieces shared by the provider clients: retry hints, HTTP status classification, request checks.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "llm/http.hpp"
#include "llm/provider.hpp"

namespace mdg::llm {

// Longest wait any retry hint may ask for.
inline constexpr double kMaxRetryAfterMs = 60000.0;

// Seconds since the Unix epoch for an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), also
// accepting the obsolete RFC 850 and asctime forms' common subset with a 4-digit year.
[[nodiscard]] std::optional<std::int64_t> parse_http_date(std::string_view text);

// A protobuf Duration in JSON ("37s", "1.5s", "0.250s") in milliseconds.
[[nodiscard]] std::optional<double> parse_duration_ms(std::string_view text);

// The answer's retry hint in ms, capped at kMaxRetryAfterMs: `retry-after-ms`, else
// `retry-after` as seconds or as an HTTP date (measured against the answer's Date header, or
// against `now` when it has none). nullopt when absent or unreadable.
[[nodiscard]] std::optional<double> retry_after_ms(
    const HttpResponse& response,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Kind and retryability from the HTTP status alone (the clients refine by error code):
// 401/403 auth; 402 quota; 408/409 server, retryable; 429 rate_limited, retryable;
// 503/529 overloaded, retryable; other 5xx server, retryable; other 4xx bad_request.
[[nodiscard]] ProviderFailure failure_for_status(int status);

// The failure for a transport error (timeout, connection, invalid request).
[[nodiscard]] ProviderFailure failure_for_transport(const HttpError& error,
                                                    std::string_view secret);

// The request checks every client makes before sending; `max_temperature` is the API's.
[[nodiscard]] std::optional<ProviderFailure> check_request(const ChatRequest& request,
                                                           double max_temperature);

// At most `limit` characters of `text` on one line in printable ASCII, for messages quoting
// a body.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t limit = 200);

}  // namespace mdg::llm
