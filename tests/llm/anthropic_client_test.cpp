// Anthropic Messages against the fake server.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "llm/clients.hpp"

namespace mdg::llm::anthropic_client_test {
namespace {

using mdg::test::FakeHttpServer;
using nlohmann::json;
using support::drum_request;
using support::drum_schema;
using support::expect_clean;
using support::json_answer;
using support::kKey;
using support::settings_for;

constexpr const char* kSuccess = R"({
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-haiku-4-5-20251001",
  "content": [
    {"type": "text", "text": "Here is the pattern."},
    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "drum_pattern",
     "input": {"bars": 1, "notes": [{"pitch": 38, "velocity": 96, "start": 1, "duration": 0.25}]}}
  ],
  "stop_reason": "tool_use",
  "stop_sequence": null,
  "usage": {"input_tokens": 1204, "output_tokens": 181, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0, "service_tier": "standard"}
})";

std::string error_body(std::string_view type, std::string_view message) {
  return json{{"type", "error"},
              {"error", {{"type", type}, {"message", message}}},
              {"request_id", "req_011CSHoEeqs5C35K2UUqR7Fy"}}
      .dump();
}

std::expected<ChatReply, ProviderFailure> run(FakeHttpServer& server, mdg::test::FakeResponse answer,
                                              const ChatRequest& request = drum_request()) {
  server.enqueue(std::move(answer));
  return make_provider(settings_for(server, ProviderKind::anthropic, "claude-haiku-4-5"))
      ->complete(request);
}

TEST(AnthropicClient, SendsTheExactRequest) {
  FakeHttpServer server;
  auto request = drum_request();
  request.temperature = 0.4;
  request.messages.push_back({"assistant", "{\"bars\":0}"});
  request.messages.push_back({"user", "bars must be 1"});
  ASSERT_TRUE(run(server, json_answer(200, kSuccess), request).has_value());
  const auto sent = server.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/v1/messages");
  EXPECT_EQ(sent.header("x-api-key"), kKey);
  EXPECT_EQ(sent.header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(sent.header("content-type"), "application/json");
  EXPECT_FALSE(sent.header("authorization").has_value());
  const json expected = {
      {"model", "claude-haiku-4-5"},
      {"max_tokens", 2000},
      {"system", "You write drum patterns as JSON."},
      {"messages",
       {{{"role", "user"}, {"content", "One bar of rock in 4/4."}},
        {{"role", "assistant"}, {"content", "{\"bars\":0}"}},
        {{"role", "user"}, {"content", "bars must be 1"}}}},
      {"tools",
       {{{"name", "drum_pattern"},
         {"description", "Return the reply object. Its input is the complete answer."},
         {"input_schema", drum_schema()}}}},
      {"tool_choice", {{"type", "tool"}, {"name", "drum_pattern"}}},
      {"temperature", 0.4}};
  EXPECT_EQ(json::parse(sent.body), expected);
}

TEST(AnthropicClient, ReadsTheToolInputAsTheReplyText) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, kSuccess));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(json::parse(reply->text),
            json::parse(R"({"bars":1,"notes":[{"pitch":38,"velocity":96,"start":1,"duration":0.25}]})"));
  EXPECT_EQ(reply->finish, FinishReason::stop);
  EXPECT_EQ(reply->model, "claude-haiku-4-5-20251001");
  EXPECT_EQ(reply->usage.input_tokens, 1204);
  EXPECT_EQ(reply->usage.output_tokens, 181);
  EXPECT_FALSE(reply->refusal.has_value());
}

TEST(AnthropicClient, BaseUrlEndingInV1IsNotDoubled) {
  FakeHttpServer server;
  server.enqueue(json_answer(200, kSuccess));
  auto settings = settings_for(server, ProviderKind::anthropic, "claude-haiku-4-5", "/v1/");
  ASSERT_TRUE(make_provider(settings)->complete(drum_request()).has_value());
  EXPECT_EQ(server.requests().at(0).target, "/v1/messages");
}

TEST(AnthropicClient, Unauthorized401) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(401, error_body("authentication_error", "invalid x-api-key")));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::auth);
  EXPECT_EQ(reply.error().code, "authentication_error");
  EXPECT_EQ(reply.error().message, "invalid x-api-key");
  EXPECT_FALSE(reply.error().retryable);
  expect_clean(reply.error());
}

TEST(AnthropicClient, PermissionError403) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(403, error_body("permission_error", "Your API key does not have permission to use the specified resource.")));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::auth);
  EXPECT_FALSE(reply.error().retryable);
}

TEST(AnthropicClient, BillingError402IsQuota) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(402, error_body("billing_error", "Your credit balance is too low to access the Anthropic API.")));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::quota);
  EXPECT_FALSE(reply.error().retryable);
}

TEST(AnthropicClient, RateLimit429CarriesRetryAfter) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(429, error_body("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute."),
                                             {{"retry-after", "12"},
                                              {"anthropic-ratelimit-requests-limit", "50"},
                                              {"anthropic-ratelimit-requests-remaining", "0"},
                                              {"anthropic-ratelimit-requests-reset", "2026-11-24T05:31:00Z"}}));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::rate_limited);
  EXPECT_EQ(f.code, "rate_limit_error");
  EXPECT_TRUE(f.retryable);
  EXPECT_DOUBLE_EQ(f.retry_after_ms.value_or(-1), 12000.0);
  expect_clean(f);
}

TEST(AnthropicClient, Overloaded529IsRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(529, error_body("overloaded_error", "Overloaded")));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::overloaded);
  EXPECT_EQ(f.http_status, 529);
  EXPECT_EQ(f.code, "overloaded_error");
  EXPECT_EQ(f.message, "Overloaded");
  EXPECT_TRUE(f.retryable);
  EXPECT_FALSE(f.retry_after_ms.has_value());
}

TEST(AnthropicClient, ApiError500IsRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(500, error_body("api_error", "Internal server error")));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::server);
  EXPECT_TRUE(reply.error().retryable);
}

TEST(AnthropicClient, InvalidRequest400IsNotRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(400, error_body("invalid_request_error", "max_tokens: Field required")));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_request);
  EXPECT_EQ(reply.error().message, "max_tokens: Field required");
  EXPECT_FALSE(reply.error().retryable);
}

TEST(AnthropicClient, RefusalStopReason) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"id":"msg_02","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[{"type":"text","text":"I can't help with that."}],"stop_reason":"refusal","stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":9}})"));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->finish, FinishReason::refusal);
  EXPECT_EQ(reply->refusal, "I can't help with that.");
  EXPECT_EQ(reply->usage.output_tokens, 9);
}

TEST(AnthropicClient, MaxTokensStopReasonKeepsThePartialToolInput) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"id":"msg_03","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[{"type":"tool_use","id":"toolu_1","name":"drum_pattern","input":{"bars":1}}],"stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":1200,"output_tokens":2000}})"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->finish, FinishReason::max_tokens);
  EXPECT_EQ(reply->text, R"({"bars":1})");
  EXPECT_FALSE(reply->refusal.has_value());
}

TEST(AnthropicClient, EndTurnWithoutTheToolIsABadResponse) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"id":"msg_04","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[{"type":"text","text":"{\"bars\":1}"}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":5}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_response);
  EXPECT_NE(reply.error().message.find("drum_pattern"), std::string::npos);
}

TEST(AnthropicClient, TemperatureAboveOneIsRefusedBeforeSending) {
  FakeHttpServer server;
  auto request = drum_request();
  request.temperature = 1.5;
  const auto reply = make_provider(settings_for(server, ProviderKind::anthropic, "claude-haiku-4-5"))
                         ->complete(request);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_request);
  EXPECT_NE(reply.error().message.find("0 to 1"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace mdg::llm::anthropic_client_test
