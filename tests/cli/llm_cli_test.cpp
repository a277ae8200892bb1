// End to end: the real `mididrumigen` binary against local fake OpenAI and Anthropic servers
// that answer in those APIs' wire formats (tests/support/fake_http_server).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../llm/fake_provider.hpp"
#include "cli_runner.hpp"
#include "fake_http_server.hpp"
#include "midi/midi_file.hpp"

namespace mdg::llm_cli_test {
namespace {

using nlohmann::json;
using test::FakeHttpServer;
using test::FakeResponse;
using test::RecordedRequest;

// "Write N bars" from the user turn of an OpenAI or Anthropic request body.
int bars_asked(const RecordedRequest& r) {
  const auto body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("messages")) return 1;
  std::string text;
  for (const auto& m : body["messages"]) {
    if (m.value("role", "") != "user") continue;
    const auto& c = m["content"];
    text = c.is_string() ? c.get<std::string>() : c[0].value("text", "");
    break;
  }
  const auto at = text.find("\nWrite ");
  return at == std::string::npos ? 1 : std::stoi(text.substr(at + 7));
}

FakeResponse json_response(int status, const json& body) {
  FakeResponse r;
  r.status = status;
  r.headers = {{"content-type", "application/json"}};
  r.body = body.dump();
  return r;
}

FakeResponse openai_answer(const std::string& content, int in = 1000, int out = 2000) {
  json body = {{"id", "chatcmpl-1"},
               {"object", "chat.completion"},
               {"created", 1},
               {"model", "gpt-5.4-mini-2026-03-17"},
               {"choices",
                json::array({{{"index", 0},
                              {"message", {{"role", "assistant"}, {"content", content}, {"refusal", nullptr}}},
                              {"finish_reason", "stop"}}})},
               {"usage", {{"prompt_tokens", in}, {"completion_tokens", out}, {"total_tokens", in + out}}}};
  return json_response(200, body);
}

FakeResponse anthropic_answer(const std::string& content) {
  json body = {{"id", "msg_1"},
               {"type", "message"},
               {"role", "assistant"},
               {"model", "claude-haiku-4-5"},
               {"content", json::array({{{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "drum_pattern"},
                                         {"input", json::parse(content)}}})},
               {"stop_reason", "tool_use"},
               {"usage", {{"input_tokens", 1500}, {"output_tokens", 2500}}}};
  return json_response(200, body);
}

FakeResponse error_answer(int status, const std::string& type, const std::string& message) {
  json body = {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}};
  return json_response(status, body);
}

class LlmCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mdg-llm-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Runs the CLI with only the given LLM settings in its environment.
  test::Run run(const std::vector<std::pair<std::string, std::string>>& env, const std::vector<std::string>& args) {
    std::string cmd = "env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY -u OPENAI_BASE_URL "
                      "-u ANTHROPIC_BASE_URL -u GEMINI_BASE_URL -u MDG_CONFIG";
    cmd += " " + test::shell_quote("MDG_STATE_DIR=" + (dir_ / "state").string());
    cmd += " " + test::shell_quote("XDG_CONFIG_HOME=" + (dir_ / "config").string());
    for (const auto& [k, v] : env) cmd += " " + test::shell_quote(k + "=" + v);
    cmd += " " + test::shell_quote(MDG_CLI_PATH);
    for (const auto& a : args) cmd += " " + test::shell_quote(a);
    return test::run_command(cmd);
  }

  std::vector<std::string> generate_args(int variations, int bars = 2) {
    return {"generate", "rock",      "--provider", "auto", "--json", "--bars", std::to_string(bars),
            "--variations", std::to_string(variations), "--seed", "3", "--out", (dir_ / "out").string()};
  }

  static json parse(const test::Run& r) {
    const auto start = r.out.find('{');
    return start == std::string::npos ? json() : json::parse(r.out.substr(start), nullptr, false);
  }

  std::filesystem::path dir_;
};

TEST_F(LlmCli, OpenAiReplyBecomesValidMidi) {
  FakeHttpServer openai;
  openai.set_handler([](const RecordedRequest& r) { return openai_answer(llm::testing::valid_reply_text(bars_asked(r))); });
  const auto r = run({{"OPENAI_BASE_URL", openai.base_url() + "/v1"}, {"OPENAI_API_KEY", "sk-test-secret-1234"}},
                     generate_args(2));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = parse(r);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["local_fallback_reasons"].size(), 0U) << j["local_fallback_reasons"].dump(1) << j["attempts"].dump(1);
  EXPECT_EQ(j["provider"], "auto");
  EXPECT_EQ(j["provider_used"], "openai");
  EXPECT_EQ(j["local_fallback"], false);
  ASSERT_EQ(j["attempts"].size(), 2U);
  for (const auto& a : j["attempts"]) {
    EXPECT_EQ(a["provider"], "openai");
    EXPECT_EQ(a["model"], "gpt-5.4-mini");
    EXPECT_EQ(a["http_status"], 200);
    EXPECT_TRUE(a["error"].is_null());
    EXPECT_EQ(a["tokens_in"], 1000);
    EXPECT_EQ(a["tokens_out"], 2000);
    EXPECT_NEAR(a["cost_usd"].get<double>(), 1000 * 0.75e-6 + 2000 * 4.5e-6, 1e-12);  // configs/generation.json
    EXPECT_GE(a["latency_ms"].get<double>(), 0.0);
  }
  EXPECT_NEAR(j["usage"]["cost_usd"].get<double>(), 2 * 0.00975, 1e-12);
  EXPECT_EQ(r.out.find("sk-test-secret-1234"), std::string::npos);
  // Valid MIDI with the reply's notes (humanized: same count).
  ASSERT_EQ(j["files"].size(), 2U);
  for (const auto& f : j["files"]) {
    auto p = read_drum_file(f.get<std::string>());
    ASSERT_TRUE(p.has_value()) << f;
    EXPECT_EQ(p->hits.size(), 2U * 14U);
  }
  // The exact request: path, key header, strict schema.
  const auto requests = openai.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].target, "/v1/chat/completions");
  EXPECT_EQ(requests[0].header("authorization").value_or(""), "Bearer sk-test-secret-1234");
  const auto body = json::parse(requests[0].body);
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "drum_pattern");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], llm::pattern_schema());
}

TEST_F(LlmCli, DeadPrimaryFailsOverToTheFallback) {
  std::string dead_url;
  {
    FakeHttpServer gone;
    dead_url = gone.base_url() + "/v1";
  }  // stopped: connections are refused
  FakeHttpServer anthropic;
  anthropic.set_handler(
      [](const RecordedRequest& r) { return anthropic_answer(llm::testing::valid_reply_text(bars_asked(r))); });
  const auto r = run({{"OPENAI_BASE_URL", dead_url},
                      {"OPENAI_API_KEY", "x"},
                      {"ANTHROPIC_BASE_URL", anthropic.base_url()},
                      {"ANTHROPIC_API_KEY", "y"}},
                     generate_args(2));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = parse(r);
  EXPECT_EQ(j["provider_used"], "anthropic") << r.out;
  EXPECT_EQ(j["local_fallback"], false);
  // Refused connections, retried, until the circuit breaker (5 consecutive failures) skips it.
  int openai_failures = 0;
  for (const auto& a : j["attempts"]) {
    if (a["provider"] != "openai") continue;
    EXPECT_TRUE(a["outcome"] == "connection" || a["outcome"] == "circuit_open") << a;
    EXPECT_EQ(a["http_status"], 0);
    openai_failures += a["outcome"] == "connection" ? 1 : 0;
  }
  EXPECT_GE(openai_failures, 2);
  EXPECT_EQ(anthropic.request_count(), 2U);
  EXPECT_EQ(anthropic.requests()[0].target, "/v1/messages");
  EXPECT_EQ(anthropic.requests()[0].header("x-api-key").value_or(""), "y");
}

TEST_F(LlmCli, AllFailingFallsBackToLocalWithReasons) {
  FakeHttpServer openai;
  openai.set_handler([](const RecordedRequest&) { return error_answer(500, "server_error", "The server had an error"); });
  FakeHttpServer anthropic;
  anthropic.set_handler([](const RecordedRequest&) {
    json body = {{"type", "error"}, {"error", {{"type", "authentication_error"}, {"message", "invalid x-api-key"}}}};
    return json_response(401, body);
  });
  const auto r = run({{"OPENAI_BASE_URL", openai.base_url() + "/v1"},
                      {"OPENAI_API_KEY", "x"},
                      {"ANTHROPIC_BASE_URL", anthropic.base_url()},
                      {"ANTHROPIC_API_KEY", "y"}},
                     generate_args(1));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = parse(r);
  EXPECT_EQ(j["provider_used"], "local");
  EXPECT_EQ(j["local_fallback"], true);
  ASSERT_EQ(j["local_fallback_reasons"].size(), 2U) << j.dump(2);
  EXPECT_NE(j["local_fallback_reasons"][0].get<std::string>().find("openai: server (HTTP 500"), std::string::npos)
      << j["local_fallback_reasons"];
  EXPECT_NE(j["local_fallback_reasons"][0].get<std::string>().find("after 2 retries"), std::string::npos);
  EXPECT_NE(j["local_fallback_reasons"][1].get<std::string>().find("anthropic: auth (HTTP 401"), std::string::npos);
  EXPECT_EQ(openai.request_count(), 3U);     // 1 + 2 retries
  EXPECT_EQ(anthropic.request_count(), 1U);  // 401 is never retried
  // Same files as the local engine writes.
  const auto local = run({}, {"generate", "rock", "--provider", "local", "--json", "--bars", "2", "--variations", "1",
                              "--seed", "3", "--out", (dir_ / "local").string()});
  ASSERT_EQ(local.code, 0) << local.out;
  const auto lj = parse(local);
  EXPECT_EQ(lj["provider_used"], "local");
  EXPECT_TRUE(lj["attempts"].empty());
  auto a = read_drum_file(j["files"][0].get<std::string>());
  auto b = read_drum_file(lj["files"][0].get<std::string>());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->hits, b->hits);
  // The text output says so too.
  const auto text = run({{"OPENAI_BASE_URL", openai.base_url() + "/v1"}, {"OPENAI_API_KEY", "x"}},
                        {"generate", "rock", "--provider", "openai", "--bars", "1", "--variations", "1", "--seed",
                         "1", "--out", (dir_ / "text").string()});
  EXPECT_NE(text.out.find("Local engine wrote variation 1:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("openai: server (HTTP 500"), std::string::npos) << text.out;
}

TEST_F(LlmCli, RepairTurnMakesTheReplyValid) {
  FakeHttpServer openai;
  std::atomic<int> calls{0};
  openai.set_handler([&calls](const RecordedRequest& r) {
    if (calls++ == 0) {
      json bad = json::array({{{"bar", 1}, {"start", 0.5}, {"duration", 0.25}, {"pitch", 20}, {"velocity", 200}}});
      return openai_answer(llm::testing::valid_reply_text(bars_asked(r), 100, bad));
    }
    return openai_answer(llm::testing::valid_reply_text(bars_asked(r)));
  });
  const auto r = run({{"OPENAI_BASE_URL", openai.base_url() + "/v1"}, {"OPENAI_API_KEY", "x"}}, generate_args(1));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = parse(r);
  EXPECT_EQ(j["provider_used"], "openai");
  ASSERT_EQ(j["attempts"].size(), 2U);
  EXPECT_EQ(j["attempts"][0]["outcome"], "invalid");
  EXPECT_NE(j["attempts"][0]["error"].get<std::string>().find("pitch 20"), std::string::npos);
  EXPECT_EQ(j["attempts"][1]["repair"], true);
  EXPECT_EQ(j["attempts"][1]["outcome"], "ok");
  const auto second = json::parse(openai.requests()[1].body);
  const auto& messages = second["messages"];
  const auto last = messages.back()["content"].get<std::string>();
  EXPECT_NE(last.find("velocity 200 is out of range"), std::string::npos) << last;
  EXPECT_EQ(messages[messages.size() - 2]["role"], "assistant");
}

TEST_F(LlmCli, RetryAfterIsHonouredAndUsageAddsUpAcrossRuns) {
  FakeHttpServer openai;
  std::atomic<int> calls{0};
  openai.set_handler([&calls](const RecordedRequest& r) {
    if (calls++ == 0) {
      auto busy = error_answer(429, "requests", "Rate limit reached");
      busy.headers.push_back({"retry-after-ms", "300"});
      return busy;
    }
    return openai_answer(llm::testing::valid_reply_text(bars_asked(r)), 1200, 3400);
  });
  const std::vector<std::pair<std::string, std::string>> env = {{"OPENAI_BASE_URL", openai.base_url() + "/v1"},
                                                                {"OPENAI_API_KEY", "sk-never-shown"}};
  const auto first = run(env, generate_args(1));
  ASSERT_EQ(first.code, 0) << first.out;
  const auto j1 = parse(first);
  ASSERT_EQ(j1["attempts"].size(), 2U);
  EXPECT_EQ(j1["attempts"][0]["outcome"], "rate_limited");
  EXPECT_EQ(j1["attempts"][0]["http_status"], 429);
  EXPECT_DOUBLE_EQ(j1["attempts"][1]["wait_ms"].get<double>(), 300.0);
  const auto second = run(env, generate_args(3));
  ASSERT_EQ(second.code, 0) << second.out;
  const auto j2 = parse(second);

  const auto usage = run({}, {"usage", "--json"});
  ASSERT_EQ(usage.code, 0) << usage.out;
  const auto u = parse(usage);
  EXPECT_EQ(u["generations"], 2);
  EXPECT_EQ(u["total"]["attempts"], 2 + 3);
  EXPECT_EQ(u["total"]["failed"], 1);
  EXPECT_EQ(u["total"]["input_tokens"], 4 * 1200);
  EXPECT_EQ(u["total"]["output_tokens"], 4 * 3400);
  EXPECT_NEAR(u["total"]["cost_usd"].get<double>(),
              j1["usage"]["cost_usd"].get<double>() + j2["usage"]["cost_usd"].get<double>(), 1e-12);
  EXPECT_NEAR(u["total"]["cost_usd"].get<double>(), 4 * (1200 * 0.75e-6 + 3400 * 4.5e-6), 1e-12);
  ASSERT_EQ(u["models"].size(), 1U);
  EXPECT_EQ(u["models"][0]["model"], "gpt-5.4-mini");
  const auto text = run({}, {"usage"});
  EXPECT_NE(text.out.find("gpt-5.4-mini"), std::string::npos) << text.out;

  const auto providers = run(env, {"providers", "--json"});
  ASSERT_EQ(providers.code, 0) << providers.out;
  EXPECT_EQ(providers.out.find("sk-never-shown"), std::string::npos);
  const auto p = parse(providers);
  EXPECT_EQ(p["auto_order"], json::array({"openai"}));
  json openai_row;
  for (const auto& row : p["providers"]) {
    if (row["name"] == "openai") openai_row = row;
  }
  EXPECT_EQ(openai_row["name"], "openai");
  EXPECT_EQ(openai_row["configured"], true);
  EXPECT_EQ(openai_row["key"], "set");
  EXPECT_EQ(openai_row["health"]["recent_attempts"], 5);
  EXPECT_EQ(openai_row["health"]["recent_failures"], 1);
  EXPECT_EQ(openai_row["health"]["consecutive_failures"], 0);
  const auto providers_text = run(env, {"providers"});
  EXPECT_NE(providers_text.out.find("--provider auto asks: openai"), std::string::npos) << providers_text.out;
  EXPECT_EQ(providers_text.out.find("sk-never-shown"), std::string::npos);
}

TEST_F(LlmCli, NoKeyMeansLocalAndUnknownProviderIsAParameterError) {
  const auto r = run({}, generate_args(1));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = parse(r);
  EXPECT_EQ(j["provider_used"], "local");
  EXPECT_TRUE(j["attempts"].empty());
  ASSERT_EQ(j["local_fallback_reasons"].size(), 1U);
  EXPECT_NE(j["local_fallback_reasons"][0].get<std::string>().find("set OPENAI_API_KEY"), std::string::npos);

  const auto bad = run({}, {"generate", "rock", "--provider", "chatbot", "--out", (dir_ / "bad").string()});
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("allowed: auto, local, anthropic, gemini, openai"), std::string::npos) << bad.out;
  const auto unset = run({}, {"generate", "rock", "--provider", "gemini", "--json", "--out", (dir_ / "g").string()});
  EXPECT_EQ(unset.code, 0) << unset.out;
  EXPECT_NE(parse(unset)["local_fallback_reasons"][0].get<std::string>().find("gemini: not configured (set GEMINI_API_KEY)"),
            std::string::npos)
      << unset.out;
}

}  // namespace
}  // namespace mdg::llm_cli_test
