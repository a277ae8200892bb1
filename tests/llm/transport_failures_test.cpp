// Failures without a usable HTTP answer, the same for every API: a slow answer past the total
// timeout, a dropped connection, a truncated body, a refused connection, a malformed JSON body.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "llm/clients.hpp"

namespace mdg::llm::transport_failures_test {
namespace {

using namespace std::chrono_literals;
using mdg::test::FakeHttpServer;
using mdg::test::FakeResponse;
using support::drum_request;
using support::expect_clean;
using support::kKey;
using support::settings_for;

struct Api {
  ProviderKind kind;
  const char* model;
  const char* suffix;
};

class TransportFailures : public ::testing::TestWithParam<Api> {
 protected:
  ProviderSettings settings(const FakeHttpServer& server) const {
    return settings_for(server, GetParam().kind, GetParam().model, GetParam().suffix);
  }
};

TEST_P(TransportFailures, SlowAnswerPastTheTotalTimeout) {
  FakeHttpServer server;
  server.enqueue({200, {}, "{}", 3000ms, false, {}});
  auto s = settings(server);
  s.total_timeout_ms = 250;
  const auto reply = make_provider(s)->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::timeout);
  EXPECT_EQ(f.http_status, 0);
  EXPECT_TRUE(f.retryable);
  EXPECT_GE(f.latency_ms, 200.0);
  EXPECT_LT(f.latency_ms, 2500.0);
  expect_clean(f);
}

TEST_P(TransportFailures, DroppedConnection) {
  FakeHttpServer server;
  server.enqueue({200, {}, "", {}, true, {}});
  const auto reply = make_provider(settings(server))->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::connection);
  EXPECT_EQ(reply.error().http_status, 0);
  EXPECT_TRUE(reply.error().retryable);
  expect_clean(reply.error());
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_P(TransportFailures, ConnectionDroppedMidBody) {
  FakeHttpServer server;
  server.enqueue({200, {{"Content-Type", "application/json"}},
                  R"({"id":"x","choices":[{"message":{"content":"{\"bars\":1}"}}]})", {}, false,
                  std::size_t{90}});
  const auto reply = make_provider(settings(server))->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::connection);
  EXPECT_TRUE(reply.error().retryable);
}

TEST_P(TransportFailures, NothingListening) {
  ProviderSettings s;
  {
    FakeHttpServer server;
    s = settings(server);
  }
  const auto reply = make_provider(s)->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::connection);
  EXPECT_TRUE(reply.error().retryable);
  expect_clean(reply.error());
}

TEST_P(TransportFailures, MalformedJsonBody) {
  FakeHttpServer server;
  server.enqueue({200, {{"Content-Type", "application/json"}},
                  std::string(R"({"id": "x", "key": ")") + kKey + R"(", "choices": [{"mess)", {},
                  false, {}});
  const auto reply = make_provider(settings(server))->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::bad_response);
  EXPECT_EQ(f.http_status, 200);
  EXPECT_FALSE(f.retryable);
  EXPECT_NE(f.message.find("not JSON"), std::string::npos);
  expect_clean(f);
}

TEST_P(TransportFailures, BadBaseUrlIsABadRequest) {
  FakeHttpServer server;
  auto s = settings(server);
  s.base_url = "gopher://127.0.0.1:1";
  const auto reply = make_provider(s)->complete(drum_request());
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_request);
  EXPECT_FALSE(reply.error().retryable);
}

INSTANTIATE_TEST_SUITE_P(EveryApi, TransportFailures,
                         ::testing::Values(Api{ProviderKind::openai, "gpt-5.4-mini", "/v1"},
                                           Api{ProviderKind::openai_compatible, "local", "/v1"},
                                           Api{ProviderKind::anthropic, "claude-haiku-4-5", ""},
                                           Api{ProviderKind::gemini, "gemini-3.5-flash", ""}),
                         [](const ::testing::TestParamInfo<Api>& param_info) {
                           return std::string(provider_kind_name(param_info.param.kind));
                         });

}  // namespace
}  // namespace mdg::llm::transport_failures_test
