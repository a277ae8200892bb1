// The canned LLM answers (tests/support/fake_llm_replies, served by tools/fake_llm_server)
// read through the real clients and the real reply checker.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "fake_llm_replies.hpp"
#include "llm/prompt.hpp"
#include "llm/reply.hpp"

namespace mdg::llm::fake_llm_test {
namespace {

using mdg::test::FakeHttpServer;
using mdg::test::FakeLlmOptions;
using support::settings_for;

struct Api {
  ProviderKind kind;
  const char* model;
  const char* suffix;
};

class FakeLlm : public ::testing::TestWithParam<Api> {
 protected:
  std::unique_ptr<Provider> provider(const FakeHttpServer& server) const {
    return make_provider(settings_for(server, GetParam().kind, GetParam().model, GetParam().suffix));
  }
  static ChatRequest request(const std::string& ask) {
    ChatRequest r;
    r.system = system_prompt();
    r.messages = {{"user", "Style notes.\n" + ask + " Complexity 0.5 on a 0-1 scale."}};
    r.schema = pattern_schema();
    r.schema_name = std::string(kSchemaName);
    return r;
  }
};

TEST_P(FakeLlm, ServesAValidPatternForWhatThePromptAsks) {
  FakeHttpServer server;
  server.set_handler(mdg::test::fake_llm_handler({}));
  const auto p = provider(server);
  struct Case {
    const char* ask;
    int bars;
    Meter meter;
    double tempo;
  };
  for (const Case c : {Case{"Write 4 bars of 4/4 at 92 BPM (each bar is 4 quarter-note beats long).", 4, {4, 4}, 92.0},
                       Case{"Write 2 bars of 7/8 at 133.5 BPM (each bar is 3.5 quarter-note beats long).", 2, {7, 8}, 133.5},
                       Case{"Write 1 bar of 6/8 at 70 BPM.", 1, {6, 8}, 70.0},
                       Case{"Write 16 bars of 3/4 at 180 BPM.", 16, {3, 4}, 180.0}}) {
    const auto reply = p->complete(request(c.ask));
    ASSERT_TRUE(reply.has_value()) << reply.error().describe();
    EXPECT_EQ(reply->finish, FinishReason::stop);
    EXPECT_GT(reply->usage.input_tokens, 0);
    EXPECT_GT(reply->usage.output_tokens, 0);
    ReplyExpectation expect;
    expect.bars = c.bars;
    expect.meter = c.meter;
    expect.tempo_bpm = c.tempo;
    const auto check = check_reply(reply->text, expect);
    EXPECT_TRUE(check.ok()) << c.ask << ": " << check.summary();
  }
}

TEST_P(FakeLlm, FailsFirstThenAnswers) {
  FakeHttpServer server;
  FakeLlmOptions options;
  options.fail_count = 2;
  options.fail_status = GetParam().kind == ProviderKind::anthropic ? 529 : 503;
  server.set_handler(mdg::test::fake_llm_handler(options));
  const auto p = provider(server);
  for (int i = 0; i < 2; ++i) {
    const auto failed = p->complete(request("Write 1 bar of 4/4 at 100 BPM."));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().kind, FailureKind::overloaded);
    EXPECT_TRUE(failed.error().retryable);
  }
  EXPECT_TRUE(p->complete(request("Write 1 bar of 4/4 at 100 BPM.")).has_value());
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_P(FakeLlm, RateLimitErrorsCarryARetryHint) {
  FakeHttpServer server;
  FakeLlmOptions options;
  options.fail_count = 1;
  options.fail_status = 429;
  server.set_handler(mdg::test::fake_llm_handler(options));
  const auto failed = provider(server)->complete(request("Write 1 bar of 4/4 at 100 BPM."));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().kind, FailureKind::rate_limited);
  EXPECT_DOUBLE_EQ(failed.error().retry_after_ms.value_or(-1), 1000.0);
}

TEST_P(FakeLlm, ServesAGivenReplyVerbatim) {
  FakeHttpServer server;
  FakeLlmOptions options;
  options.reply_text = R"({"tempo":120,"meter":"4/4","bars":1,"notes":[{"bar":1,"start":0,"duration":0.25,"pitch":36,"velocity":200}]})";
  server.set_handler(mdg::test::fake_llm_handler(options));
  const auto reply = provider(server)->complete(request("Write 1 bar of 4/4 at 120 BPM."));
  ASSERT_TRUE(reply.has_value()) << reply.error().describe();
  EXPECT_EQ(nlohmann::json::parse(reply->text), nlohmann::json::parse(*options.reply_text));
  ReplyExpectation expect;
  expect.bars = 1;
  expect.tempo_bpm = 120;
  EXPECT_EQ(check_reply(reply->text, expect).problem, ReplyProblem::invalid);  // velocity 200
}

INSTANTIATE_TEST_SUITE_P(EveryApi, FakeLlm,
                         ::testing::Values(Api{ProviderKind::openai, "gpt-5.4-mini", "/v1"},
                                           Api{ProviderKind::anthropic, "claude-haiku-4-5", ""},
                                           Api{ProviderKind::gemini, "gemini-3.5-flash", ""}),
                         [](const ::testing::TestParamInfo<Api>& param_info) {
                           return std::string(provider_kind_name(param_info.param.kind));
                         });

TEST(FakeLlmReplies, ReadsTheAsk) {
  const auto asked = mdg::test::asked_pattern("blah\nWrite 12 bars of 5/4 at 87.5 BPM (each bar");
  EXPECT_EQ(asked.bars, 12);
  EXPECT_EQ(asked.numerator, 5);
  EXPECT_EQ(asked.denominator, 4);
  EXPECT_DOUBLE_EQ(asked.tempo_bpm, 87.5);
  const auto fallback = mdg::test::asked_pattern("no sentence here");
  EXPECT_EQ(fallback.bars, 4);
  EXPECT_DOUBLE_EQ(fallback.tempo_bpm, 120.0);
}

TEST(FakeLlmReplies, SuccessiveAnswersDiffer) {
  const mdg::test::AskedPattern asked;
  EXPECT_NE(mdg::test::drum_pattern_reply(asked, 0), mdg::test::drum_pattern_reply(asked, 1));
}

}  // namespace
}  // namespace mdg::llm::fake_llm_test
