// OpenAI Chat Completions and OpenAI-compatible servers against the fake server.
#include <gtest/gtest.h>

#include <future>

#include "client_support.hpp"
#include "llm/clients.hpp"

namespace mdg::llm::openai_client_test {
namespace {

using namespace std::chrono_literals;
using mdg::test::FakeHttpServer;
using nlohmann::json;
using support::drum_request;
using support::drum_schema;
using support::expect_clean;
using support::json_answer;
using support::kKey;
using support::settings_for;

constexpr const char* kSuccess = R"({
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1790000000,
  "model": "gpt-5.4-mini-2026-03-17",
  "choices": [{
    "index": 0,
    "message": {"role": "assistant",
                "content": "{\"bars\":1,\"notes\":[{\"pitch\":36,\"velocity\":100,\"start\":0,\"duration\":0.25}]}",
                "refusal": null, "annotations": []},
    "logprobs": null,
    "finish_reason": "stop"
  }],
  "usage": {"prompt_tokens": 812, "completion_tokens": 95, "total_tokens": 907,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 64}},
  "service_tier": "default",
  "system_fingerprint": null
})";

std::expected<ChatReply, ProviderFailure> run(FakeHttpServer& server, mdg::test::FakeResponse answer,
                                              ProviderSettings settings,
                                              const ChatRequest& request = drum_request()) {
  server.enqueue(std::move(answer));
  const auto provider = make_provider(settings);
  return provider->complete(request);
}

ProviderSettings openai(const FakeHttpServer& server, std::string model = "gpt-5.4-mini") {
  return settings_for(server, ProviderKind::openai, std::move(model), "/v1");
}

TEST(OpenAiClient, SendsTheExactRequest) {
  FakeHttpServer server;
  auto request = drum_request();
  request.temperature = 0.7;  // dropped: GPT-5-family models take no temperature
  request.messages.push_back({"assistant", "{\"bars\":0}"});
  request.messages.push_back({"user", "bars must be 1"});
  const auto reply = run(server, json_answer(200, kSuccess), openai(server), request);
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();

  const auto sent = server.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/v1/chat/completions");
  EXPECT_EQ(sent[0].header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(sent[0].header("content-type"), "application/json");
  EXPECT_FALSE(sent[0].header("x-api-key").has_value());
  const json expected = {
      {"model", "gpt-5.4-mini"},
      {"messages",
       {{{"role", "system"}, {"content", "You write drum patterns as JSON."}},
        {{"role", "user"}, {"content", "One bar of rock in 4/4."}},
        {{"role", "assistant"}, {"content", "{\"bars\":0}"}},
        {{"role", "user"}, {"content", "bars must be 1"}}}},
      {"max_completion_tokens", 2000},
      {"response_format",
       {{"type", "json_schema"},
        {"json_schema", {{"name", "drum_pattern"}, {"schema", drum_schema()}, {"strict", true}}}}}};
  EXPECT_EQ(json::parse(sent[0].body), expected);
}

TEST(OpenAiClient, MapsASuccessfulReply) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, kSuccess), openai(server));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->text,
            R"({"bars":1,"notes":[{"pitch":36,"velocity":100,"start":0,"duration":0.25}]})");
  EXPECT_EQ(reply->finish, FinishReason::stop);
  EXPECT_FALSE(reply->refusal.has_value());
  EXPECT_EQ(reply->model, "gpt-5.4-mini-2026-03-17");
  EXPECT_EQ(reply->usage.input_tokens, 812);
  EXPECT_EQ(reply->usage.output_tokens, 95);
  EXPECT_EQ(reply->http_status, 200);
  EXPECT_GT(reply->latency_ms, 0.0);
}

TEST(OpenAiClient, TemperatureIsSentToModelsOutsideTheGpt5Family) {
  FakeHttpServer server;
  auto request = drum_request();
  request.temperature = 0.7;
  ASSERT_TRUE(run(server, json_answer(200, kSuccess), openai(server, "gpt-4.1"), request));
  const json body = json::parse(server.requests().at(0).body);
  EXPECT_DOUBLE_EQ(body.at("temperature").get<double>(), 0.7);
  EXPECT_EQ(body.at("model"), "gpt-4.1");

  request.temperature.reset();
  ASSERT_TRUE(run(server, json_answer(200, kSuccess), openai(server, "gpt-4.1"), request));
  EXPECT_FALSE(json::parse(server.requests().at(1).body).contains("temperature"));
}

TEST(OpenAiClient, CompatibleServerGetsMaxTokensAndNoAuthWithoutAKey) {
  FakeHttpServer server;
  auto settings = settings_for(server, ProviderKind::openai_compatible, "qwen3-8b", "/v1/");
  settings.name = "llamacpp";
  settings.key.clear();
  auto request = drum_request();
  request.system.clear();
  request.temperature = 0.2;
  const auto provider = make_provider(settings);
  EXPECT_EQ(provider->name(), "llamacpp");
  EXPECT_EQ(provider->model(), "qwen3-8b");
  server.enqueue(json_answer(200, kSuccess));
  ASSERT_TRUE(provider->complete(request).has_value());
  const auto sent = server.requests().at(0);
  EXPECT_EQ(sent.target, "/v1/chat/completions");
  EXPECT_FALSE(sent.header("authorization").has_value());
  const json body = json::parse(sent.body);
  EXPECT_EQ(body.at("max_tokens"), 2000);
  EXPECT_FALSE(body.contains("max_completion_tokens"));
  EXPECT_DOUBLE_EQ(body.at("temperature").get<double>(), 0.2);
  ASSERT_EQ(body.at("messages").size(), 1u);  // no empty system message
  EXPECT_EQ(body.at("messages")[0].at("role"), "user");
}

TEST(OpenAiClient, CompatibleServerWithAKeySendsBearer) {
  FakeHttpServer server;
  auto settings = settings_for(server, ProviderKind::openai_compatible, "llama3", "/v1");
  settings.key = "ollama";
  server.enqueue(json_answer(200, kSuccess));
  ASSERT_TRUE(make_provider(settings)->complete(drum_request()).has_value());
  EXPECT_EQ(server.requests().at(0).header("authorization"), "Bearer ollama");
}

TEST(OpenAiClient, Unauthorized401IsAuthAndTheEchoedKeyIsRedacted) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(401, std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey +
                                                      R"(. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})",
                                                  {{"x-request-id", "req_abc"}}),
                         openai(server));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::auth);
  EXPECT_EQ(f.http_status, 401);
  EXPECT_EQ(f.code, "invalid_api_key");
  EXPECT_FALSE(f.retryable);
  EXPECT_NE(f.message.find("Incorrect API key provided: [redacted]"), std::string::npos);
  expect_clean(f);
}

TEST(OpenAiClient, Forbidden403IsAuthAndNotRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(403, R"({"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}})"),
                         openai(server));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::auth);
  EXPECT_EQ(reply.error().code, "unsupported_country_region_territory");
  EXPECT_EQ(reply.error().message, "Country, region, or territory not supported");
  EXPECT_FALSE(reply.error().retryable);
  expect_clean(reply.error());
}

TEST(OpenAiClient, RateLimited429WithRetryAfterSeconds) {
  FakeHttpServer server;
  const auto reply = run(
      server,
      json_answer(429, R"({"error":{"message":"Rate limit reached for gpt-5.4-mini in organization org-x on tokens per min (TPM): Limit 200000, Used 199000, Requested 1500. Please try again in 7s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}})",
                  {{"retry-after", "7"},
                   {"x-ratelimit-limit-tokens", "200000"},
                   {"x-ratelimit-remaining-tokens", "1000"},
                   {"x-ratelimit-reset-tokens", "6.9s"}}),
      openai(server));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::rate_limited);
  EXPECT_EQ(f.code, "rate_limit_exceeded");
  EXPECT_TRUE(f.retryable);
  ASSERT_TRUE(f.retry_after_ms.has_value());
  EXPECT_DOUBLE_EQ(*f.retry_after_ms, 7000.0);
  expect_clean(f);
}

TEST(OpenAiClient, RetryAfterMsWinsOverRetryAfter) {
  FakeHttpServer server;
  const auto reply = run(server,
                         json_answer(429, R"({"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}})",
                                     {{"Retry-After-Ms", "1500"}, {"Retry-After", "2"}}),
                         openai(server));
  ASSERT_FALSE(reply.has_value());
  EXPECT_DOUBLE_EQ(reply.error().retry_after_ms.value_or(-1), 1500.0);
}

TEST(OpenAiClient, RetryAfterAsHttpDateIsMeasuredAgainstTheServersDateAndCapped) {
  FakeHttpServer server;
  const std::string body = R"({"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}})";
  server.enqueue(json_answer(429, body, {{"Date", "Tue, 24 Nov 2026 05:30:00 GMT"},
                                         {"Retry-After", "Tue, 24 Nov 2026 05:30:10 GMT"}}));
  server.enqueue(json_answer(429, body, {{"Date", "Tue, 24 Nov 2026 05:30:00 GMT"},
                                         {"Retry-After", "Tue, 24 Nov 2026 06:30:00 GMT"}}));
  const auto provider = make_provider(openai(server));
  const auto first = provider->complete(drum_request());
  ASSERT_FALSE(first.has_value());
  EXPECT_DOUBLE_EQ(first.error().retry_after_ms.value_or(-1), 10000.0);
  const auto second = provider->complete(drum_request());
  ASSERT_FALSE(second.has_value());
  EXPECT_DOUBLE_EQ(second.error().retry_after_ms.value_or(-1), 60000.0);
}

TEST(OpenAiClient, InsufficientQuota429IsQuotaAndNeverRetried) {
  FakeHttpServer server;
  const auto reply = run(server,
                         json_answer(429, R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})",
                                     {{"retry-after", "1"}, {"x-should-retry", "true"}}),
                         openai(server));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::quota);
  EXPECT_EQ(f.code, "insufficient_quota");
  EXPECT_FALSE(f.retryable);
  expect_clean(f);
}

TEST(OpenAiClient, ServerError500IsRetryableUnlessTheServerSaysOtherwise) {
  FakeHttpServer server;
  const std::string body = R"({"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}})";
  const auto first = run(server, json_answer(500, body), openai(server));
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().kind, FailureKind::server);
  EXPECT_EQ(first.error().code, "server_error");
  EXPECT_TRUE(first.error().retryable);
  EXPECT_FALSE(first.error().retry_after_ms.has_value());

  const auto second = run(server, json_answer(500, body, {{"x-should-retry", "false"}}), openai(server));
  ASSERT_FALSE(second.has_value());
  EXPECT_FALSE(second.error().retryable);
}

TEST(OpenAiClient, LlamaCppLoadingModel503IsOverloadedAndRetryable) {
  FakeHttpServer server;
  auto settings = settings_for(server, ProviderKind::openai_compatible, "local", "/v1");
  settings.name = "llamacpp";
  const auto reply = run(server, json_answer(503, R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})"),
                         settings);
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::overloaded);
  EXPECT_EQ(f.http_status, 503);
  EXPECT_EQ(f.code, "unavailable_error");
  EXPECT_EQ(f.message, "Loading model");
  EXPECT_TRUE(f.retryable);
}

TEST(OpenAiClient, NonJsonErrorBodyIsQuotedShortly) {
  FakeHttpServer server;
  const auto reply = run(server, {502, {{"Content-Type", "text/html"}},
                                  "<html><body>502 Bad Gateway\n" + std::string(500, '.') + "</body></html>",
                                  {}, false, {}},
                         openai(server));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::server);
  EXPECT_TRUE(reply.error().retryable);
  EXPECT_TRUE(reply.error().message.starts_with("HTTP 502: <html><body>502 Bad Gateway ."));
  EXPECT_LT(reply.error().message.size(), 230u);
}

TEST(OpenAiClient, RefusalComesFromMessageRefusal) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"id":"chatcmpl-1","object":"chat.completion","created":1790000000,"model":"gpt-5.4-mini-2026-03-17","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that request."},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62}})"),
                         openai(server));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->finish, FinishReason::refusal);
  EXPECT_EQ(reply->refusal, "I'm sorry, I can't help with that request.");
  EXPECT_EQ(reply->text, "");
  EXPECT_EQ(reply->usage.output_tokens, 12);
}

TEST(OpenAiClient, FinishByLengthIsMaxTokensWithThePartialText) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"id":"chatcmpl-2","object":"chat.completion","created":1790000000,"model":"gpt-5.4-mini","choices":[{"index":0,"message":{"role":"assistant","content":"{\"bars\":1,\"notes\":[{\"pi","refusal":null},"finish_reason":"length"}],"usage":{"prompt_tokens":800,"completion_tokens":2000,"total_tokens":2800}})"),
                         openai(server));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->finish, FinishReason::max_tokens);
  EXPECT_EQ(reply->text, R"({"bars":1,"notes":[{"pi)");
  EXPECT_EQ(reply->usage.output_tokens, 2000);
}

TEST(OpenAiClient, ContentFilterFinish) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"model":"gpt-5.4-mini","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":5,"completion_tokens":0}})"),
                         openai(server));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->finish, FinishReason::content_filter);
}

TEST(OpenAiClient, ReplyWithoutChoicesOrContentIsABadResponse) {
  FakeHttpServer server;
  const auto no_choices = run(server, json_answer(200, R"({"object":"chat.completion","choices":[]})"), openai(server));
  ASSERT_FALSE(no_choices.has_value());
  EXPECT_EQ(no_choices.error().kind, FailureKind::bad_response);
  EXPECT_EQ(no_choices.error().http_status, 200);
  EXPECT_FALSE(no_choices.error().retryable);

  const auto no_content = run(server, json_answer(200, R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null},"finish_reason":"stop"}]})"), openai(server));
  ASSERT_FALSE(no_content.has_value());
  EXPECT_EQ(no_content.error().kind, FailureKind::bad_response);
}

TEST(OpenAiClient, InvalidRequestsFailBeforeSending) {
  FakeHttpServer server;
  const auto provider = make_provider(openai(server));
  auto request = drum_request();
  request.schema_name = "drum pattern!";
  auto reply = provider->complete(request);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_request);
  EXPECT_NE(reply.error().message.find("A-Z a-z 0-9 _ -"), std::string::npos);

  request = drum_request();
  request.messages[0].role = "system";
  reply = provider->complete(request);
  ASSERT_FALSE(reply.has_value());
  EXPECT_NE(reply.error().message.find("allowed: user, assistant"), std::string::npos);

  request = drum_request();
  request.max_output_tokens = 0;
  EXPECT_FALSE(provider->complete(request).has_value());
  request = drum_request();
  request.temperature = 2.5;
  EXPECT_FALSE(provider->complete(request).has_value());
  request = drum_request();
  request.messages.clear();
  EXPECT_FALSE(provider->complete(request).has_value());
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(OpenAiClient, ConcurrentCallsOnOneProviderOverlap) {
  FakeHttpServer server;
  server.set_handler([](const mdg::test::RecordedRequest&) {
    auto r = json_answer(200, kSuccess);
    r.delay = 400ms;
    return r;
  });
  const auto provider = make_provider(openai(server));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::expected<ChatReply, ProviderFailure>>> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back(std::async(std::launch::async, [&] { return provider->complete(drum_request()); }));
  }
  for (auto& c : calls) EXPECT_TRUE(c.get().has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1200ms);  // serial would be 1600 ms
  EXPECT_EQ(server.request_count(), 4u);
}

}  // namespace
}  // namespace mdg::llm::openai_client_test
