#pragma once
// Shared pieces of the provider client tests: settings pointing at a fake server, a request with
// a small strict schema, and the checks every failure must pass.
#include <gtest/gtest.h>

#include <string>

#include "fake_http_server.hpp"
#include "llm/config.hpp"
#include "llm/provider.hpp"

namespace mdg::llm::support {

inline constexpr const char* kKey = "sk-test-9f8e7d6c5b4a-SECRET";

inline ProviderSettings settings_for(const mdg::test::FakeHttpServer& server, ProviderKind kind,
                                     std::string model, std::string base_suffix = "") {
  ProviderSettings s;
  s.kind = kind;
  s.name = std::string(provider_kind_name(kind));
  s.model = std::move(model);
  s.base_url = server.base_url() + base_suffix;
  s.key = kKey;
  s.connect_timeout_ms = 2000;
  s.total_timeout_ms = 5000;
  return s;
}

inline nlohmann::json drum_schema() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "additionalProperties": false,
    "required": ["bars", "notes"],
    "properties": {
      "bars": {"type": "integer"},
      "notes": {"type": "array", "items": {
        "type": "object", "additionalProperties": false,
        "required": ["pitch", "velocity", "start", "duration"],
        "properties": {"pitch": {"type": "integer"}, "velocity": {"type": "integer"},
                       "start": {"type": "number"}, "duration": {"type": "number"}}}}
    }
  })");
}

inline ChatRequest drum_request() {
  ChatRequest r;
  r.system = "You write drum patterns as JSON.";
  r.messages = {{"user", "One bar of rock in 4/4."}};
  r.schema = drum_schema();
  r.schema_name = "drum_pattern";
  r.max_output_tokens = 2000;
  return r;
}

inline mdg::test::FakeResponse json_answer(int status, std::string body,
                                           std::vector<std::pair<std::string, std::string>>
                                               headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return mdg::test::FakeResponse{status, std::move(headers), std::move(body), {}, false, {}};
}

// No field of a failure may carry the key, and every failure says what went wrong.
inline void expect_clean(const ProviderFailure& f) {
  EXPECT_EQ(f.message.find(kKey), std::string::npos) << f.message;
  EXPECT_EQ(f.code.find(kKey), std::string::npos) << f.code;
  EXPECT_EQ(f.describe().find(kKey), std::string::npos);
  EXPECT_FALSE(f.message.empty());
}

}  // namespace mdg::llm::support
