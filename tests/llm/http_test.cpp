#include "llm/http.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include "fake_http_server.hpp"

namespace mdg::llm::http_test {
namespace {

using mdg::test::FakeHttpServer;
using mdg::test::FakeResponse;
using namespace std::chrono_literals;

HttpRequest post(const FakeHttpServer& server, std::string path, std::string body) {
  HttpRequest r;
  r.url = server.base_url() + path;
  r.headers = {{"Content-Type", "application/json"}, {"X-Custom", "A b"}};
  r.body = std::move(body);
  r.connect_timeout_ms = 2000;
  r.total_timeout_ms = 5000;
  return r;
}

TEST(Http, SendsMethodPathHeadersAndBodyAndReadsHeadersCaseInsensitively) {
  FakeHttpServer server;
  server.enqueue({201, {{"X-Request-ID", "req_1"}, {"Retry-After", " 3 "}}, "hello", {}, false, {}});
  const auto reply = http_send(post(server, "/v1/x?y=1", R"({"a":1})"));
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(reply->body, "hello");
  EXPECT_EQ(reply->header("x-request-id"), "req_1");
  EXPECT_EQ(reply->header("RETRY-AFTER"), "3");
  EXPECT_FALSE(reply->header("missing").has_value());
  EXPECT_GT(reply->latency_ms, 0.0);
  const auto sent = server.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/v1/x?y=1");
  EXPECT_EQ(sent[0].body, R"({"a":1})");
  EXPECT_EQ(sent[0].header("content-type"), "application/json");
  EXPECT_EQ(sent[0].header("x-custom"), "A b");
  EXPECT_FALSE(sent[0].header("expect").has_value());
}

TEST(Http, ErrorStatusesAreAnswersNotFailures) {
  FakeHttpServer server;
  server.enqueue({503, {}, R"({"error":{"code":503}})", {}, false, {}});
  const auto reply = http_send(post(server, "/", "{}"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 503);
}

TEST(Http, TotalTimeoutEndsASlowAnswer) {
  FakeHttpServer server;
  server.enqueue({200, {}, "late", 3000ms, false, {}});
  auto request = post(server, "/", "{}");
  request.total_timeout_ms = 200;
  const auto reply = http_send(request);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, HttpErrorKind::timeout);
  EXPECT_GE(reply.error().latency_ms, 150.0);
  EXPECT_LT(reply.error().latency_ms, 2500.0);
}

TEST(Http, DroppedAndTruncatedAnswersAreConnectionFailures) {
  FakeHttpServer server;
  server.enqueue({200, {}, "", {}, true, {}});
  server.enqueue({200, {}, std::string(1000, 'x'), {}, false, std::size_t{80}});
  const auto dropped = http_send(post(server, "/", "{}"));
  ASSERT_FALSE(dropped.has_value());
  EXPECT_EQ(dropped.error().kind, HttpErrorKind::connection);
  const auto truncated = http_send(post(server, "/", "{}"));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().kind, HttpErrorKind::connection);
  EXPECT_FALSE(truncated.error().message.empty());
}

TEST(Http, RefusedConnectionAndBadUrl) {
  std::string url;
  {
    FakeHttpServer server;
    url = server.base_url() + "/";
  }  // stopped: nothing listens on the port any more
  HttpRequest r;
  r.url = url;
  r.connect_timeout_ms = 1000;
  r.total_timeout_ms = 2000;
  const auto refused = http_send(r);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, HttpErrorKind::connection);

  r.url = "ftp://127.0.0.1/";
  const auto bad = http_send(r);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, HttpErrorKind::invalid);
}

TEST(Http, AnswerLongerThanTheLimitFails) {
  FakeHttpServer server;
  server.enqueue({200, {}, std::string(5000, 'x'), {}, false, {}});
  auto r = post(server, "/", "{}");
  r.max_response_bytes = 1000;
  const auto reply = http_send(r);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, HttpErrorKind::connection);
  EXPECT_NE(reply.error().message.find("1000 bytes"), std::string::npos);
}

TEST(Http, ConcurrentRequestsOverlap) {
  FakeHttpServer server;
  server.set_handler([](const mdg::test::RecordedRequest&) {
    return FakeResponse{200, {}, "ok", 500ms, false, {}};
  });
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::expected<HttpResponse, HttpError>>> futures;
  for (int i = 0; i < 4; ++i) {
    futures.push_back(std::async(std::launch::async, [&] { return http_send(post(server, "/", "{}")); }));
  }
  for (auto& f : futures) {
    const auto reply = f.get();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->body, "ok");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, 1500ms);  // one after another would take 2000 ms
  EXPECT_EQ(server.request_count(), 4u);
}

TEST(Http, StopWakesADelayedAnswer) {
  auto server = std::make_unique<FakeHttpServer>();
  server->enqueue({200, {}, "late", 60000ms, false, {}});
  auto request = post(*server, "/", "{}");
  auto pending = std::async(std::launch::async, [request] { return http_send(request); });
  while (server->request_count() == 0) std::this_thread::sleep_for(5ms);
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
  EXPECT_FALSE(pending.get().has_value());
}

TEST(Redact, ReplacesEveryOccurrence) {
  EXPECT_EQ(redact("key sk-1 and sk-1.", "sk-1"), "key [redacted] and [redacted].");
  EXPECT_EQ(redact("nothing", ""), "nothing");
  EXPECT_EQ(redact("aaaa", "a"), "[redacted][redacted][redacted][redacted]");
}

}  // namespace
}  // namespace mdg::llm::http_test
