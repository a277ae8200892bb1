// Gemini generateContent against the fake server.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "llm/clients.hpp"

namespace mdg::llm::gemini_client_test {
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
  "candidates": [{
    "content": {"parts": [{"text": "{\"bars\":1,"}, {"text": "\"notes\":[]}"}], "role": "model"},
    "finishReason": "STOP",
    "index": 0
  }],
  "usageMetadata": {"promptTokenCount": 905, "candidatesTokenCount": 120, "totalTokenCount": 1105,
                    "thoughtsTokenCount": 80,
                    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 905}]},
  "modelVersion": "gemini-3.5-flash",
  "responseId": "mFQjafHrLZ2Y0-kPx7Pj4QE"
})";

std::expected<ChatReply, ProviderFailure> run(FakeHttpServer& server, mdg::test::FakeResponse answer,
                                              const ChatRequest& request = drum_request()) {
  server.enqueue(std::move(answer));
  return make_provider(settings_for(server, ProviderKind::gemini, "gemini-3.5-flash"))
      ->complete(request);
}

TEST(GeminiClient, SendsTheExactRequest) {
  FakeHttpServer server;
  auto request = drum_request();
  request.temperature = 1.2;
  request.messages.push_back({"assistant", "{\"bars\":0}"});
  request.messages.push_back({"user", "bars must be 1"});
  ASSERT_TRUE(run(server, json_answer(200, kSuccess), request).has_value());
  const auto sent = server.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/v1beta/models/gemini-3.5-flash:generateContent");
  EXPECT_EQ(sent.header("x-goog-api-key"), kKey);
  EXPECT_EQ(sent.header("content-type"), "application/json");
  EXPECT_FALSE(sent.header("authorization").has_value());
  EXPECT_EQ(sent.target.find(kKey), std::string::npos);  // never in the URL
  const json expected = {
      {"contents",
       {{{"role", "user"}, {"parts", {{{"text", "One bar of rock in 4/4."}}}}},
        {{"role", "model"}, {"parts", {{{"text", "{\"bars\":0}"}}}}},
        {{"role", "user"}, {"parts", {{{"text", "bars must be 1"}}}}}}},
      {"systemInstruction", {{"parts", {{{"text", "You write drum patterns as JSON."}}}}}},
      {"generationConfig",
       {{"maxOutputTokens", 2000},
        {"responseMimeType", "application/json"},
        {"responseJsonSchema", drum_schema()},
        {"temperature", 1.2}}}};
  EXPECT_EQ(json::parse(sent.body), expected);
}

TEST(GeminiClient, ConcatenatesPartsAndCountsThinkingAsOutput) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, kSuccess));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->text, R"({"bars":1,"notes":[]})");
  EXPECT_EQ(reply->finish, FinishReason::stop);
  EXPECT_EQ(reply->model, "gemini-3.5-flash");
  EXPECT_EQ(reply->usage.input_tokens, 905);
  EXPECT_EQ(reply->usage.output_tokens, 200);
}

TEST(GeminiClient, ThoughtPartsAreNotPartOfTheAnswer) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"candidates":[{"content":{"parts":[{"text":"Planning the groove...","thought":true},{"text":"{\"bars\":2,\"notes\":[]}"}],"role":"model"},"finishReason":"STOP"}],"modelVersion":"gemini-3.5-flash"})"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->text, R"({"bars":2,"notes":[]})");
}

TEST(GeminiClient, VersionedBaseUrlAndModelsPrefix) {
  FakeHttpServer server;
  server.enqueue(json_answer(200, kSuccess));
  auto settings = settings_for(server, ProviderKind::gemini, "models/gemini-3.1-pro-preview", "/v1beta");
  ASSERT_TRUE(make_provider(settings)->complete(drum_request()).has_value());
  EXPECT_EQ(server.requests().at(0).target, "/v1beta/models/gemini-3.1-pro-preview:generateContent");
}

TEST(GeminiClient, ResourceExhausted429WithRetryInfo) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(429, R"({"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. Please retry in 37.2s.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":"gemini-3.5-flash"},"quotaValue":"10"}]},{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more about Gemini API quotas","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}})"));
  ASSERT_FALSE(reply.has_value());
  const auto& f = reply.error();
  EXPECT_EQ(f.kind, FailureKind::rate_limited);
  EXPECT_EQ(f.http_status, 429);
  EXPECT_EQ(f.code, "RESOURCE_EXHAUSTED");
  EXPECT_TRUE(f.retryable);
  EXPECT_DOUBLE_EQ(f.retry_after_ms.value_or(-1), 37000.0);
  expect_clean(f);
}

TEST(GeminiClient, InvalidKeyIsAuthThoughTheStatusIs400) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(400, R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}},{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US","message":"API key not valid. Please pass a valid API key."}]}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::auth);
  EXPECT_EQ(reply.error().code, "API_KEY_INVALID");
  EXPECT_FALSE(reply.error().retryable);
  expect_clean(reply.error());
}

TEST(GeminiClient, OtherInvalidArgumentIsABadRequest) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(400, R"([{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"responseJsonSchem\"","status":"INVALID_ARGUMENT"}}])"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_request);
  EXPECT_EQ(reply.error().code, "INVALID_ARGUMENT");
  EXPECT_NE(reply.error().message.find("Unknown name"), std::string::npos);
}

TEST(GeminiClient, PermissionDenied403) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(403, R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::auth);
  EXPECT_EQ(reply.error().code, "PERMISSION_DENIED");
  EXPECT_FALSE(reply.error().retryable);
}

TEST(GeminiClient, Unavailable503IsOverloadedAndRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(503, R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::overloaded);
  EXPECT_EQ(reply.error().code, "UNAVAILABLE");
  EXPECT_TRUE(reply.error().retryable);
}

TEST(GeminiClient, Internal500IsRetryable) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(500, R"({"error":{"code":500,"message":"An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting","status":"INTERNAL"}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::server);
  EXPECT_TRUE(reply.error().retryable);
}

TEST(GeminiClient, SafetyFinishIsAContentFilterRefusal) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH","blocked":true}]}],"usageMetadata":{"promptTokenCount":30,"totalTokenCount":30},"modelVersion":"gemini-3.5-flash"})"));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->finish, FinishReason::content_filter);
  ASSERT_TRUE(reply->refusal.has_value());
  EXPECT_NE(reply->refusal->find("SAFETY"), std::string::npos);
  EXPECT_EQ(reply->text, "");
}

TEST(GeminiClient, BlockedPromptHasNoCandidates) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT","safetyRatings":[]},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-3.5-flash"})"));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(reply->finish, FinishReason::content_filter);
  EXPECT_NE(reply->refusal.value_or("").find("blockReason PROHIBITED_CONTENT"), std::string::npos);
  EXPECT_EQ(reply->usage.input_tokens, 9);
}

TEST(GeminiClient, MaxTokensFinish) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"candidates":[{"content":{"parts":[{"text":"{\"bars\":1,\"no"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":900,"candidatesTokenCount":2000,"totalTokenCount":2900},"modelVersion":"gemini-3.5-flash"})"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->finish, FinishReason::max_tokens);
  EXPECT_EQ(reply->text, R"({"bars":1,"no)");
  EXPECT_FALSE(reply->refusal.has_value());
}

TEST(GeminiClient, NoCandidatesAndNoBlockReasonIsABadResponse) {
  FakeHttpServer server;
  const auto reply = run(server, json_answer(200, R"({"usageMetadata":{"promptTokenCount":9}})"));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, FailureKind::bad_response);
}

}  // namespace
}  // namespace mdg::llm::gemini_client_test
