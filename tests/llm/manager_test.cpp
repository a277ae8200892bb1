#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "fake_provider.hpp"
#include "llm/manager.hpp"
#include "test_profiles.hpp"

namespace mdg::llm::manager_test {
namespace {

using namespace mdg::llm::testing;

PatternRequest request(int bars = 2) {
  PatternRequest r;
  r.bars = bars;
  r.meter = Meter{4, 4};
  r.tempo_bpm = 100;
  return r;
}

std::shared_ptr<FakeProvider> provider(std::string name, FakeProvider::Script script) {
  return std::make_shared<FakeProvider>(std::move(name), name + "-model", std::move(script));
}

PriceLookup prices() {
  return [](std::string_view provider_name, std::string_view model) -> std::optional<Price> {
    if (provider_name == "alpha" && model == "alpha-model") return Price{2.0, 8.0};
    return std::nullopt;
  };
}

class ManagerTest : public ::testing::Test {
 protected:
  StyleProfile profile_ = genre_profile("rock");
  FakeClock clock_;
};

TEST_F(ManagerTest, ValidReplyIsAcceptedAndPriced) {
  auto alpha = provider("alpha", [](const ChatRequest& r, int) { return ok_reply(valid_reply_text(requested_bars(r))); });
  Manager m({{alpha, {}}}, prices(), clock_, nullptr);
  const auto result = m.request_patterns(profile_, request(), {}, 1, 7, "g1");
  ASSERT_EQ(result.variations.size(), 1U);
  ASSERT_TRUE(result.variations[0].pattern.has_value());
  EXPECT_EQ(result.variations[0].provider, "alpha");
  ASSERT_EQ(result.attempts.size(), 1U);
  const auto& a = result.attempts[0];
  EXPECT_EQ(a.outcome, "ok");
  EXPECT_EQ(a.http_status, 200);
  EXPECT_EQ(a.input_tokens, 1000);
  EXPECT_EQ(a.output_tokens, 2000);
  // 1000 * 2 / 1e6 + 2000 * 8 / 1e6
  EXPECT_DOUBLE_EQ(a.cost_usd, 0.018);
  EXPECT_TRUE(a.priced);
  EXPECT_EQ(a.generation, "g1");
  // The request carries the schema, the system prompt and one user turn.
  const auto sent = alpha->requests().front();
  EXPECT_EQ(sent.schema_name, "drum_pattern");
  EXPECT_EQ(sent.schema, pattern_schema());
  EXPECT_NE(sent.system.find("General MIDI drum map"), std::string::npos);
  ASSERT_EQ(sent.messages.size(), 1U);
  EXPECT_EQ(sent.messages[0].role, "user");
  EXPECT_GT(sent.max_output_tokens, 2000);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ManagerTest, RetryableFailuresBackOffExponentiallyWithJitter) {
  auto alpha = provider("alpha", [](const ChatRequest& r, int call) {
    if (call < 2) return failure(FailureKind::overloaded, 529, true);
    return ok_reply(valid_reply_text(requested_bars(r)));
  });
  RetryPolicy policy;  // 2 retries, 500 ms doubling, jitter 0.25
  Manager m({{alpha, policy}}, prices(), clock_, nullptr);
  const auto result = m.request_patterns(profile_, request(), {}, 1, 7, "g");
  ASSERT_TRUE(result.variations[0].pattern.has_value());
  const auto sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size(), 2U);
  EXPECT_GE(sleeps[0], 375);
  EXPECT_LE(sleeps[0], 500);
  EXPECT_GE(sleeps[1], 750);
  EXPECT_LE(sleeps[1], 1000);
  ASSERT_EQ(result.attempts.size(), 3U);
  EXPECT_EQ(result.attempts[0].outcome, "overloaded");
  EXPECT_EQ(result.attempts[1].wait_ms, sleeps[0]);
  EXPECT_EQ(result.attempts[2].outcome, "ok");
  // The same seed sleeps the same; jitter is not constant.
  FakeClock again;
  auto beta = provider("alpha", [](const ChatRequest& r, int call) {
    if (call < 2) return failure(FailureKind::overloaded, 529, true);
    return ok_reply(valid_reply_text(requested_bars(r)));
  });
  Manager m2({{beta, policy}}, prices(), again, nullptr);
  (void)m2.request_patterns(profile_, request(), {}, 1, 7, "g");
  EXPECT_EQ(again.sleeps(), sleeps);
}

TEST_F(ManagerTest, RetryAfterIsHonouredAndTooLongOnesFailOver) {
  auto alpha = provider("alpha", [](const ChatRequest& r, int call) {
    if (call == 0) return failure(FailureKind::rate_limited, 429, true, 1234.0);
    return ok_reply(valid_reply_text(requested_bars(r)));
  });
  Manager m({{alpha, {}}}, prices(), clock_, nullptr);
  ASSERT_TRUE(m.request_patterns(profile_, request(), {}, 1, 1, "g").variations[0].pattern);
  EXPECT_EQ(clock_.sleeps(), std::vector<double>{1234.0});

  FakeClock clock2;
  auto slow = provider("alpha", [](const ChatRequest&, int) { return failure(FailureKind::rate_limited, 429, true, 120000.0); });
  auto beta = provider("beta", [](const ChatRequest& r, int) { return ok_reply(valid_reply_text(requested_bars(r))); });
  Manager m2({{slow, {}}, {beta, {}}}, prices(), clock2, nullptr);
  const auto result = m2.request_patterns(profile_, request(), {}, 1, 1, "g");
  ASSERT_TRUE(result.variations[0].pattern);
  EXPECT_EQ(result.variations[0].provider, "beta");
  EXPECT_TRUE(clock2.sleeps().empty());
  EXPECT_EQ(slow->calls(), 1);
}

TEST_F(ManagerTest, NonRetryableFailuresAreNeverRetried) {
  for (auto kind : {FailureKind::auth, FailureKind::quota, FailureKind::bad_request}) {
    FakeClock clock;
    auto alpha = provider("alpha", [kind](const ChatRequest&, int) {
      return failure(kind, kind == FailureKind::auth ? 401 : kind == FailureKind::quota ? 429 : 400, false, 5000.0,
                     kind == FailureKind::quota ? "insufficient_quota" : "");
    });
    auto beta = provider("beta", [](const ChatRequest& r, int) { return ok_reply(valid_reply_text(requested_bars(r))); });
    Manager m({{alpha, {}}, {beta, {}}}, prices(), clock, nullptr);
    const auto result = m.request_patterns(profile_, request(), {}, 1, 1, "g");
    EXPECT_EQ(alpha->calls(), 1) << failure_kind_name(kind);
    EXPECT_EQ(beta->calls(), 1);
    EXPECT_TRUE(clock.sleeps().empty());
    EXPECT_EQ(result.variations[0].provider, "beta");
  }
}

TEST_F(ManagerTest, InvalidReplyGetsOneRepairTurn) {
  auto alpha = provider("alpha", [](const ChatRequest& r, int call) {
    if (call == 0) {
      nlohmann::json bad = nlohmann::json::array(
          {{{"bar", 1}, {"start", 0.5}, {"duration", 0.25}, {"pitch", 20}, {"velocity", 90}}});
      return ok_reply(valid_reply_text(requested_bars(r), 100, bad));
    }
    return ok_reply(valid_reply_text(requested_bars(r)));
  });
  Manager m({{alpha, {}}}, prices(), clock_, nullptr);
  const auto result = m.request_patterns(profile_, request(), {}, 1, 1, "g");
  ASSERT_TRUE(result.variations[0].pattern);
  ASSERT_EQ(result.attempts.size(), 2U);
  EXPECT_EQ(result.attempts[0].outcome, "invalid");
  EXPECT_NE(result.attempts[0].error.find("pitch 20"), std::string::npos);
  EXPECT_TRUE(result.attempts[1].repair);
  const auto repair = alpha->requests()[1];
  ASSERT_EQ(repair.messages.size(), 3U);
  EXPECT_EQ(repair.messages[1].role, "assistant");
  EXPECT_EQ(repair.messages[2].role, "user");
  EXPECT_NE(repair.messages[2].content.find("pitch 20 is not a General MIDI drum note"), std::string::npos);
}

TEST_F(ManagerTest, StillInvalidAfterRepairOrRefusedFailsOver) {
  auto alpha = provider("alpha", [](const ChatRequest&, int) { return ok_reply("I'd rather describe it in words."); });
  auto refuser = provider("gamma", [](const ChatRequest&, int) {
    ChatReply r;
    r.refusal = "I can't help with that.";
    r.finish = FinishReason::refusal;
    return Answer(r);
  });
  auto beta = provider("beta", [](const ChatRequest& r, int) { return ok_reply(valid_reply_text(requested_bars(r))); });
  Manager m({{alpha, {}}, {refuser, {}}, {beta, {}}}, prices(), clock_, nullptr);
  const auto result = m.request_patterns(profile_, request(), {}, 1, 1, "g");
  EXPECT_EQ(alpha->calls(), 2);    // the reply and one repair
  EXPECT_EQ(refuser->calls(), 1);  // no repair of a refusal
  EXPECT_EQ(result.variations[0].provider, "beta");
  ASSERT_EQ(result.variations[0].reasons.size(), 2U);
  EXPECT_NE(result.variations[0].reasons[0].find("alpha: still no_json"), std::string::npos)
      << result.variations[0].reasons[0];
  EXPECT_NE(result.variations[0].reasons[1].find("gamma: refusal"), std::string::npos);
}

TEST_F(ManagerTest, CircuitBreakerSkipsAfterConsecutiveFailuresUntilTheCoolDown) {
  const auto dir = std::filesystem::temp_directory_path() / ("mdg-breaker-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  UsageStore store(dir);
  auto alpha = provider("alpha", [](const ChatRequest&, int) { return failure(FailureKind::server, 500, false); });
  ManagerOptions options;
  options.breaker = BreakerPolicy{2, 60000};
  {
    Manager m({{alpha, {}}}, prices(), clock_, &store, options);
    (void)m.request_patterns(profile_, request(), {}, 1, 1, "g1");
    (void)m.request_patterns(profile_, request(), {}, 1, 1, "g2");
    EXPECT_EQ(alpha->calls(), 2);
    const auto third = m.request_patterns(profile_, request(), {}, 1, 1, "g3");
    EXPECT_EQ(alpha->calls(), 2);  // skipped
    ASSERT_EQ(third.attempts.size(), 1U);
    EXPECT_EQ(third.attempts[0].outcome, "circuit_open");
    EXPECT_NE(third.variations[0].reasons[0].find("consecutive failures"), std::string::npos);
  }
  // A new run (a new process) reads the state from the store: still open.
  {
    Manager m({{alpha, {}}}, prices(), clock_, &store, options);
    (void)m.request_patterns(profile_, request(), {}, 1, 1, "g4");
    EXPECT_EQ(alpha->calls(), 2);
    // After the cool-down one try goes through.
    clock_.advance(60001);
    (void)m.request_patterns(profile_, request(), {}, 1, 1, "g5");
    EXPECT_EQ(alpha->calls(), 3);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(ManagerTest, VariationsRunConcurrently) {
  SystemClock clock;
  auto alpha = provider("alpha", [](const ChatRequest& r, int) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    return ok_reply(valid_reply_text(requested_bars(r)));
  });
  Manager m({{alpha, {}}}, prices(), clock, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const auto result = m.request_patterns(profile_, request(), {}, 8, 1, "g");
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 8 * 150 / 2) << "8 variations took " << ms << " ms";
  for (const auto& v : result.variations) EXPECT_TRUE(v.pattern.has_value());
  // Every variation asked for its own number.
  std::set<std::string> prompts;
  for (const auto& r : alpha->requests()) prompts.insert(r.messages[0].content);
  EXPECT_EQ(prompts.size(), 8U);
}

TEST_F(ManagerTest, GenerateWithLlmHumanizesAndNamesVariations) {
  auto alpha = provider("alpha", [](const ChatRequest& r, int) { return ok_reply(valid_reply_text(requested_bars(r))); });
  Manager m({{alpha, {}}}, prices(), clock_, nullptr);
  GenerateOptions o;
  o.bars = 2;
  o.variations = 3;
  o.seed = 5;
  o.tempo_bpm = 100;
  auto out = generate_with_llm(m, profile_, o, "auto");
  ASSERT_TRUE(out.has_value()) << out.error().describe();
  const auto& [gen, report] = *out;
  EXPECT_EQ(report.provider_used, "alpha");
  EXPECT_FALSE(report.local_fallback);
  ASSERT_EQ(gen.variations.size(), 3U);
  const auto quantized = check_reply(valid_reply_text(2), ReplyExpectation{2, Meter{4, 4}, 100, {}});
  for (std::size_t i = 0; i < gen.variations.size(); ++i) {
    const auto& v = gen.variations[i];
    EXPECT_EQ(v.pattern.name, profile_.name + " - Variation " + std::to_string(i + 1));
    EXPECT_EQ(v.pattern.hits.size(), quantized.pattern->hits.size());  // same notes
    EXPECT_NE(v.pattern.hits, quantized.pattern->hits);                // humanized
    EXPECT_EQ(v.grid.bars, 2);
    EXPECT_EQ(v.grid.at(0, 0, Lane::kick) > 0, true);
  }
  EXPECT_DOUBLE_EQ(report.cost_usd, 3 * 0.018);
  EXPECT_EQ(report.attempts.size(), 3U);
  const auto j = to_json(report);
  EXPECT_EQ(j["provider_used"], "alpha");
  EXPECT_EQ(j["attempts"].size(), 3U);
  EXPECT_EQ(j["local_fallback"]["used"], false);
}

TEST_F(ManagerTest, AllFailingFallsBackToTheLocalEngineWithReasons) {
  auto alpha = provider("alpha", [](const ChatRequest&, int) { return failure(FailureKind::auth, 401, false); });
  auto beta = provider("beta", [](const ChatRequest&, int) { return failure(FailureKind::connection, 0, true); });
  RetryPolicy one;
  one.max_retries = 1;
  Manager m({{alpha, {}}, {beta, one}}, prices(), clock_, nullptr);
  GenerateOptions o;
  o.bars = 2;
  o.variations = 2;
  o.seed = 9;
  auto out = generate_with_llm(m, profile_, o, "auto");
  ASSERT_TRUE(out.has_value());
  const auto& [gen, report] = *out;
  EXPECT_TRUE(report.local_fallback);
  EXPECT_EQ(report.provider_used, "local");
  EXPECT_EQ(report.local_variations, (std::vector<int>{1, 2}));
  ASSERT_EQ(report.fallback_reasons.size(), 2U);
  EXPECT_NE(report.fallback_reasons[0].find("alpha: auth (HTTP 401"), std::string::npos) << report.fallback_reasons[0];
  EXPECT_NE(report.fallback_reasons[1].find("beta: connection"), std::string::npos) << report.fallback_reasons[1];
  EXPECT_NE(report.fallback_reasons[1].find("after 1 retry"), std::string::npos);
  // Exactly what the local engine writes for the same options.
  auto local = generate(profile_, o);
  ASSERT_TRUE(local.has_value());
  ASSERT_EQ(gen.variations.size(), 2U);
  EXPECT_EQ(gen.variations[1].pattern.hits, local->variations[1].pattern.hits);
  EXPECT_EQ(gen.tempo_bpm, local->tempo_bpm);
}

TEST_F(ManagerTest, NoProviderMeansLocalDirectly) {
  Manager m({}, prices(), clock_, nullptr);
  GenerateOptions o;
  o.variations = 2;
  auto out = generate_with_llm(m, profile_, o, "auto", {"no LLM provider has a key (set OPENAI_API_KEY, ...)"});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->second.provider_used, "local");
  EXPECT_TRUE(out->second.attempts.empty());
  EXPECT_EQ(out->second.fallback_reasons.size(), 1U);
}

TEST(Backoff, DoublesUpToTheCapAndJitterOnlyShortens) {
  RetryPolicy p;
  Rng rng(3);
  for (int retry = 0; retry < 8; ++retry) {
    const double full = std::min(8000.0, 500.0 * std::pow(2.0, retry));
    const double d = backoff_ms(p, retry, std::nullopt, rng);
    EXPECT_LE(d, full);
    EXPECT_GE(d, 0.75 * full);
  }
  EXPECT_EQ(backoff_ms(p, 0, 2500.0, rng), 2500.0);
  p.jitter = 0;
  EXPECT_EQ(backoff_ms(p, 2, std::nullopt, rng), 2000.0);
}

TEST(GridOf, SnapsNotesToTheStylesSlots) {
  const auto rock = genre_profile("rock");
  Pattern p;
  p.meter = Meter{4, 4};
  p.length_ticks = 2 * 1920;
  p.hits = {{0, 36, 100, 60}, {478, 38, 110, 60}, {1915, 42, 30, 60}, {2400, 37, 90, 60}, {2410, 37, 90, 60}};
  const auto g = grid_of(p, rock);
  ASSERT_EQ(g.bars, 2);
  ASSERT_EQ(g.slots_per_bar(), 16);
  EXPECT_EQ(g.at(0, 0, Lane::kick), 100);
  EXPECT_EQ(g.at(0, 4, Lane::snare), 110);
  EXPECT_EQ(g.at(1, 0, Lane::closed_hat), 30);  // nearer the next downbeat
  EXPECT_EQ(g.at(1, 4, Lane::snare), 90);
  EXPECT_EQ(g.lane_notes[lane_index(Lane::snare)], 37);  // the note it plays most
}

}  // namespace
}  // namespace mdg::llm::manager_test
