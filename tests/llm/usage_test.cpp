#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <map>

#include "llm/usage.hpp"

namespace mdg::llm::usage_test {
namespace {

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

AttemptRecord record(std::string provider, std::string model, std::string outcome, std::int64_t in, std::int64_t out,
                     double cost, std::string generation = "g1", std::int64_t time = 1000) {
  AttemptRecord r;
  r.time_ms = time;
  r.generation = std::move(generation);
  r.provider = std::move(provider);
  r.model = std::move(model);
  r.outcome = std::move(outcome);
  r.input_tokens = in;
  r.output_tokens = out;
  r.cost_usd = cost;
  r.priced = cost > 0;
  r.http_status = r.answered() ? 200 : 503;
  if (!r.answered()) r.error = "overloaded (HTTP 503)";
  return r;
}

class UsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mdg-usage-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST(StateDir, FollowsTheEnvironmentInOrder) {
  EXPECT_EQ(*state_dir(env({{"MDG_STATE_DIR", "/s"}, {"XDG_STATE_HOME", "/x"}, {"HOME", "/h"}})), "/s");
  EXPECT_EQ(*state_dir(env({{"XDG_STATE_HOME", "/x"}, {"HOME", "/h"}})), "/x/mididrumigen");
  EXPECT_EQ(*state_dir(env({{"HOME", "/h"}})), "/h/.local/state/mididrumigen");
  auto none = state_dir(env({}));
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message.find("MDG_STATE_DIR"), std::string::npos);
}

TEST(Cost, PerMillionTokens) {
  EXPECT_DOUBLE_EQ(cost_usd(Price{2.5, 15.0}, 1'000'000, 0), 2.5);
  EXPECT_DOUBLE_EQ(cost_usd(Price{2.5, 15.0}, 1200, 3400), 1200 * 2.5e-6 + 3400 * 15e-6);
  EXPECT_DOUBLE_EQ(cost_usd(Price{}, 1200, 3400), 0.0);
}

TEST_F(UsageTest, AppendsAndReadsBackAcrossStores) {
  UsageStore store(dir_);
  auto empty = store.read();
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  std::vector<AttemptRecord> first = {record("openai", "gpt-5.4", "ok", 1000, 2000, 0.0325)};
  ASSERT_TRUE(store.append(first).has_value());
  UsageStore again(dir_);  // another run
  std::vector<AttemptRecord> second = {record("openai", "gpt-5.4", "overloaded", 0, 0, 0, "g2"),
                                       record("anthropic", "claude-haiku-4-5", "ok", 500, 700, 0.004, "g2")};
  ASSERT_TRUE(again.append(second).has_value());
  auto all = store.read();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].model, "gpt-5.4");
  EXPECT_EQ((*all)[0].input_tokens, 1000);
  EXPECT_EQ((*all)[1].error, "overloaded (HTTP 503)");
  EXPECT_DOUBLE_EQ((*all)[2].cost_usd, 0.004);
}

TEST_F(UsageTest, TornLastLineIsSkippedAndClosedBeforeTheNextAppend) {
  UsageStore store(dir_);
  std::vector<AttemptRecord> one = {record("openai", "m", "ok", 10, 20, 0.5)};
  ASSERT_TRUE(store.append(one).has_value());
  {
    std::ofstream out(store.file(), std::ios::app);
    out << "{\"time_ms\": 5, \"provider\": \"open";  // a crash mid-write
  }
  std::int64_t skipped = 0;
  auto read = store.read(&skipped);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->size(), 1U);
  EXPECT_EQ(skipped, 1);
  ASSERT_TRUE(store.append(one).has_value());
  read = store.read(&skipped);
  EXPECT_EQ(read->size(), 2U);
  EXPECT_EQ(skipped, 1);
}

TEST_F(UsageTest, TotalsAddUpPerProviderAndModel) {
  const std::vector<AttemptRecord> records = {
      record("openai", "gpt-5.4", "ok", 1000, 2000, 0.0325, "g1"),
      record("openai", "gpt-5.4", "invalid", 900, 1500, 0.0248, "g1"),
      record("openai", "gpt-5.4", "timeout", 0, 0, 0, "g2"),
      record("gemini", "gemini-3.5-flash", "ok", 800, 1000, 0.0102, "g2"),
      record("local-llama", "qwen", "ok", 300, 400, 0, "g3"),
  };
  auto skipped_record = record("openai", "gpt-5.4", "circuit_open", 0, 0, 0, "g4");
  auto all = records;
  all.push_back(skipped_record);
  const auto report = total_usage(all);
  EXPECT_EQ(report.generations, 3);  // g4 sent nothing
  const auto& o = report.per_model.at({"openai", "gpt-5.4"});
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(o.ok, 1);
  EXPECT_EQ(o.failed, 1);
  EXPECT_EQ(o.input_tokens, 1900);
  EXPECT_EQ(o.output_tokens, 3500);
  EXPECT_DOUBLE_EQ(o.cost_usd, 0.0325 + 0.0248);
  EXPECT_EQ(report.all.attempts, 5);
  EXPECT_DOUBLE_EQ(report.all.cost_usd, 0.0325 + 0.0248 + 0.0102);
  EXPECT_EQ(report.per_model.at({"local-llama", "qwen"}).unpriced, 1);
  const auto j = to_json(report);
  EXPECT_EQ(j["models"].size(), 3U);
  EXPECT_EQ(j["total"]["input_tokens"], 1000 + 900 + 800 + 300);
  const auto text = render_usage(report, "/tmp/usage.jsonl");
  EXPECT_NE(text.find("gemini-3.5-flash"), std::string::npos);
  EXPECT_NE(text.find("(1 without a price)"), std::string::npos) << text;
}

TEST(Health, ConsecutiveFailuresAndRecentWindow) {
  std::vector<AttemptRecord> records;
  for (int i = 0; i < 25; ++i) records.push_back(record("openai", "m", "ok", 1, 1, 0, "g", 1000 + i));
  records.push_back(record("openai", "m", "timeout", 0, 0, 0, "g", 2000));
  records.push_back(record("openai", "m", "circuit_open", 0, 0, 0, "g", 2001));
  records.push_back(record("openai", "m", "overloaded", 0, 0, 0, "g", 2002));
  records.push_back(record("gemini", "m", "invalid", 0, 0, 0, "g", 3000));
  const auto h = provider_health(records);
  EXPECT_EQ(h.at("openai").consecutive_failures, 2);
  EXPECT_EQ(h.at("openai").last_failure_ms, 2002);
  EXPECT_EQ(h.at("openai").last_success_ms, 1024);
  EXPECT_EQ(h.at("openai").recent_attempts, kRecentAttempts);
  EXPECT_EQ(h.at("openai").recent_failures, 2);
  EXPECT_EQ(h.at("gemini").consecutive_failures, 0);  // an invalid reply is an answer
}

TEST(AttemptJson, RoundTripsAndRejectsForeignLines) {
  auto r = record("openai", "gpt", "ok", 5, 6, 0.25);
  r.variation = 3;
  r.repair = true;
  r.wait_ms = 500;
  const auto back = attempt_from_json(to_json(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->variation, 3);
  EXPECT_TRUE(back->repair);
  EXPECT_EQ(back->wait_ms, 500);
  EXPECT_FALSE(attempt_from_json(nlohmann::json::array()).has_value());
  EXPECT_FALSE(attempt_from_json(nlohmann::json{{"provider", 5}}).has_value());
  // Out-of-range numbers are left at their defaults, never cast.
  auto odd = attempt_from_json(nlohmann::json{{"provider", "p"}, {"outcome", "ok"}, {"variation", 1e300}});
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->variation, 0);
}

}  // namespace
}  // namespace mdg::llm::usage_test
