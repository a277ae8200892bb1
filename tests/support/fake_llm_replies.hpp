#pragma once
// Canned LLM answers in the wire formats of OpenAI Chat Completions, Anthropic Messages and
// Gemini generateContent, for the fake server in tests and tools/fake_llm_server. The default
// answer is a valid drum pattern (the reply schema of src/llm/prompt.hpp) for the bars, meter
// and tempo the prompt asks for ("Write N bars of M at T BPM").
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fake_http_server.hpp"

namespace mdg::test {

enum class LlmApi { openai, anthropic, gemini };

// The API a request path belongs to: ".../chat/completions", ".../messages",
// ".../models/<model>:generateContent"; nullopt for anything else.
[[nodiscard]] std::optional<LlmApi> api_for_path(std::string_view target);

// What the prompt asks for, read from its "Write N bar(s) of N/D at T BPM" sentence.
struct AskedPattern {
  int bars = 4;
  int numerator = 4;
  int denominator = 4;
  double tempo_bpm = 120.0;
};
[[nodiscard]] AskedPattern asked_pattern(std::string_view prompt_text);

// Every user text of the request (OpenAI/Anthropic messages, Gemini contents), joined.
[[nodiscard]] std::string request_user_text(LlmApi api, const RecordedRequest& request);

// A valid reply object: hi-hat eighths, kick on 1 and mid-bar, snare backbeats, a ghost note
// and one kick that moves with `serial` so successive answers differ.
[[nodiscard]] nlohmann::json drum_pattern_reply(const AskedPattern& asked, std::uint64_t serial);

// The API's success answer carrying `reply_text` as the model's JSON (Anthropic: as the forced
// tool's input when it parses as an object, else as a text block).
[[nodiscard]] FakeResponse success_response(LlmApi api, const RecordedRequest& request,
                                            const std::string& reply_text);

// A realistic error answer of the API for `status`: 400, 401, 403, 429 (with Retry-After /
// RetryInfo), 500, 503 (Gemini UNAVAILABLE; llama.cpp "Loading model" for OpenAI), 529.
[[nodiscard]] FakeResponse error_response(LlmApi api, int status);

struct FakeLlmOptions {
  std::optional<std::string> reply_text;  // served instead of the generated pattern
  int fail_count = 0;                     // the first N requests get error_response(fail_status)
  int fail_status = 503;
  std::chrono::milliseconds delay{0};     // before every answer
};

// A handler answering every API per `options`; thread-safe.
[[nodiscard]] FakeHttpServer::Handler fake_llm_handler(FakeLlmOptions options);

}  // namespace mdg::test
