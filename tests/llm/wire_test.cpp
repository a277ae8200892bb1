#include "llm/wire.hpp"

#include <gtest/gtest.h>

namespace mdg::llm::wire_test {
namespace {

HttpResponse with_headers(std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse r;
  r.status = 429;
  r.headers = std::move(headers);
  return r;
}

TEST(Wire, HttpDates) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_FALSE(parse_http_date("06 Nov 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("").has_value());
}

TEST(Wire, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration_ms("37s").value_or(-1), 37000.0);
  EXPECT_DOUBLE_EQ(parse_duration_ms("1.5s").value_or(-1), 1500.0);
  EXPECT_DOUBLE_EQ(parse_duration_ms("0.250s").value_or(-1), 250.0);
  EXPECT_FALSE(parse_duration_ms("37").has_value());
  EXPECT_FALSE(parse_duration_ms("s").has_value());
  EXPECT_FALSE(parse_duration_ms("-3s").has_value());
  EXPECT_FALSE(parse_duration_ms("abcs").has_value());
}

TEST(Wire, RetryAfterPrecedenceAndCap) {
  EXPECT_FALSE(retry_after_ms(with_headers({})).has_value());
  EXPECT_DOUBLE_EQ(retry_after_ms(with_headers({{"retry-after", "2.5"}})).value_or(-1), 2500.0);
  EXPECT_DOUBLE_EQ(
      retry_after_ms(with_headers({{"retry-after", "2"}, {"retry-after-ms", "120"}})).value_or(-1),
      120.0);
  // An unreadable retry-after-ms falls back to retry-after.
  EXPECT_DOUBLE_EQ(
      retry_after_ms(with_headers({{"retry-after-ms", "soon"}, {"retry-after", "3"}})).value_or(-1),
      3000.0);
  EXPECT_DOUBLE_EQ(retry_after_ms(with_headers({{"retry-after", "3600"}})).value_or(-1), 60000.0);
  EXPECT_FALSE(retry_after_ms(with_headers({{"retry-after", "-4"}})).has_value());
  EXPECT_FALSE(retry_after_ms(with_headers({{"retry-after", "later"}})).has_value());
}

TEST(Wire, RetryAfterDateWithoutADateHeaderUsesNow) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(784111777 - 5));
  EXPECT_DOUBLE_EQ(retry_after_ms(with_headers({{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
                                  now)
                       .value_or(-1),
                   5000.0);
  // A date in the past means "now".
  const auto later = std::chrono::system_clock::time_point(std::chrono::seconds(784111777 + 50));
  EXPECT_DOUBLE_EQ(retry_after_ms(with_headers({{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
                                  later)
                       .value_or(-1),
                   0.0);
}

TEST(Wire, StatusClassification) {
  struct Case {
    int status;
    FailureKind kind;
    bool retryable;
  };
  for (const Case c : {Case{400, FailureKind::bad_request, false}, Case{401, FailureKind::auth, false},
                       Case{402, FailureKind::quota, false}, Case{403, FailureKind::auth, false},
                       Case{404, FailureKind::bad_request, false},
                       Case{408, FailureKind::server, true}, Case{409, FailureKind::server, true},
                       Case{413, FailureKind::bad_request, false},
                       Case{422, FailureKind::bad_request, false},
                       Case{429, FailureKind::rate_limited, true},
                       Case{500, FailureKind::server, true}, Case{502, FailureKind::server, true},
                       Case{503, FailureKind::overloaded, true},
                       Case{504, FailureKind::server, true},
                       Case{529, FailureKind::overloaded, true}}) {
    const auto f = failure_for_status(c.status);
    EXPECT_EQ(f.kind, c.kind) << c.status;
    EXPECT_EQ(f.retryable, c.retryable) << c.status;
    EXPECT_EQ(f.http_status, c.status);
  }
}

TEST(Wire, TransportFailuresRedactTheSecret) {
  const auto f = failure_for_transport(
      HttpError{HttpErrorKind::connection, "Could not resolve host: sk-abc.example", 6, 12.5},
      "sk-abc");
  EXPECT_EQ(f.kind, FailureKind::connection);
  EXPECT_TRUE(f.retryable);
  EXPECT_EQ(f.message, "Could not resolve host: [redacted].example");
  EXPECT_EQ(f.code, "curl_6");
  EXPECT_DOUBLE_EQ(f.latency_ms, 12.5);
}

TEST(Wire, ExcerptIsOneShortAsciiLine) {
  EXPECT_EQ(excerpt("a\nb\tc"), "a b c");
  EXPECT_EQ(excerpt("abcdef", 3), "abc...");
  EXPECT_EQ(excerpt("caf\xc3\xa9"), "caf??");
}

}  // namespace
}  // namespace mdg::llm::wire_test
