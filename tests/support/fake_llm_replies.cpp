#include "fake_llm_replies.hpp"

#include <atomic>
#include <cmath>
#include <memory>
#include <regex>

namespace mdg::test {
namespace {

using nlohmann::json;

FakeResponse json_response(int status, const json& body,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return FakeResponse{status, std::move(headers), body.dump(), {}, false, std::nullopt};
}

std::int64_t rough_tokens(std::size_t chars) { return static_cast<std::int64_t>(chars / 4 + 1); }

std::string gemini_model(std::string_view target) {
  const auto start = target.find("/models/");
  const auto end = target.find(':', start == std::string_view::npos ? 0 : start);
  if (start == std::string_view::npos || end == std::string_view::npos) return "gemini";
  return std::string(target.substr(start + 8, end - start - 8));
}

}  // namespace

std::optional<LlmApi> api_for_path(std::string_view target) {
  const auto query = target.find('?');
  const std::string_view path = target.substr(0, query);
  if (path.ends_with("/chat/completions")) return LlmApi::openai;
  if (path.ends_with("/messages")) return LlmApi::anthropic;
  if (path.ends_with(":generateContent") && path.find("/models/") != std::string_view::npos) {
    return LlmApi::gemini;
  }
  return std::nullopt;
}

AskedPattern asked_pattern(std::string_view prompt_text) {
  AskedPattern asked;
  static const std::regex kAsk(R"(Write (\d{1,2}) bars? of (\d{1,2})/(\d{1,2}) at (\d{1,3}(?:\.\d+)?) BPM)");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(prompt_text.begin(), prompt_text.end(), m, kAsk)) {
    asked.bars = std::stoi(m[1].str());
    asked.numerator = std::stoi(m[2].str());
    asked.denominator = std::stoi(m[3].str());
    asked.tempo_bpm = std::stod(m[4].str());
  }
  if (asked.bars < 1) asked.bars = 1;
  if (asked.numerator < 1) asked.numerator = 4;
  if (asked.denominator != 2 && asked.denominator != 4 && asked.denominator != 8 &&
      asked.denominator != 16) {
    asked.denominator = 4;
  }
  return asked;
}

std::string request_user_text(LlmApi api, const RecordedRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  std::string text;
  const auto append = [&text](const json& s) {
    if (s.is_string()) text += s.get<std::string>() + "\n";
  };
  if (!body.is_object()) return text;
  if (api == LlmApi::gemini) {
    const auto contents = body.find("contents");
    if (contents == body.end() || !contents->is_array()) return text;
    for (const auto& c : *contents) {
      if (!c.is_object() || c.value("role", "") != "user" || !c.contains("parts")) continue;
      for (const auto& part : c["parts"]) {
        if (part.is_object() && part.contains("text")) append(part["text"]);
      }
    }
    return text;
  }
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array()) return text;
  for (const auto& m : *messages) {
    if (m.is_object() && m.value("role", "") == "user" && m.contains("content")) {
      append(m["content"]);
    }
  }
  return text;
}

json drum_pattern_reply(const AskedPattern& asked, std::uint64_t serial) {
  const double quarters = 4.0 * asked.numerator / asked.denominator;
  json notes = json::array();
  const auto note = [&notes](int bar, double start, int pitch, int velocity) {
    notes.push_back({{"bar", bar}, {"start", start}, {"duration", 0.25}, {"pitch", pitch},
                     {"velocity", velocity}});
  };
  const int eighths = static_cast<int>(std::floor(quarters * 2.0 + 1e-9));
  for (int bar = 1; bar <= asked.bars; ++bar) {
    for (int e = 0; e < eighths; ++e) note(bar, e * 0.5, 42, e % 2 == 0 ? 92 : 68);
    note(bar, 0.0, 36, 110);
    const double middle = std::floor(quarters / 2.0);
    if (middle >= 1.0) note(bar, middle, 36, 100);
    for (int beat = 1; beat < static_cast<int>(std::ceil(quarters)); beat += 2) {
      note(bar, beat, 38, 112);
    }
    if (quarters > 2.0) note(bar, 1.75, 38, 32);  // a ghost note before beat 3
    // One extra kick on an off-beat eighth that moves with the serial and the bar.
    if (eighths > 2) {
      const auto slot = 1 + static_cast<int>((serial + static_cast<std::uint64_t>(bar)) %
                                             static_cast<std::uint64_t>(eighths / 2)) * 2;
      if (slot < eighths) note(bar, slot * 0.5, 36, 84);
    }
  }
  return {{"tempo", asked.tempo_bpm},
          {"meter", std::to_string(asked.numerator) + "/" + std::to_string(asked.denominator)},
          {"bars", asked.bars},
          {"notes", std::move(notes)}};
}

FakeResponse success_response(LlmApi api, const RecordedRequest& request,
                              const std::string& reply_text) {
  const json body = json::parse(request.body, nullptr, false);
  const std::string model = body.is_object() ? body.value("model", "") : "";
  const std::int64_t in_tokens = rough_tokens(request.body.size());
  const std::int64_t out_tokens = rough_tokens(reply_text.size());
  switch (api) {
    case LlmApi::openai:
      return json_response(
          200, {{"id", "chatcmpl-fake0001"},
                {"object", "chat.completion"},
                {"created", 1790000000},
                {"model", model.empty() ? "fake-model" : model},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", reply_text}, {"refusal", nullptr}}},
                   {"finish_reason", "stop"}}}},
                {"usage",
                 {{"prompt_tokens", in_tokens},
                  {"completion_tokens", out_tokens},
                  {"total_tokens", in_tokens + out_tokens}}}},
          {{"x-request-id", "req_fake0001"}});
    case LlmApi::anthropic: {
      std::string tool = "drum_pattern";
      if (body.is_object() && body.contains("tool_choice") && body["tool_choice"].is_object()) {
        tool = body["tool_choice"].value("name", tool);
      }
      const json parsed = json::parse(reply_text, nullptr, false);
      json content = parsed.is_object()
                         ? json::array({{{"type", "tool_use"},
                                         {"id", "toolu_fake0001"},
                                         {"name", tool},
                                         {"input", parsed}}})
                         : json::array({{{"type", "text"}, {"text", reply_text}}});
      return json_response(200, {{"id", "msg_fake0001"},
                                 {"type", "message"},
                                 {"role", "assistant"},
                                 {"model", model.empty() ? "fake-model" : model},
                                 {"content", std::move(content)},
                                 {"stop_reason", parsed.is_object() ? "tool_use" : "end_turn"},
                                 {"stop_sequence", nullptr},
                                 {"usage", {{"input_tokens", in_tokens}, {"output_tokens", out_tokens}}}});
    }
    case LlmApi::gemini:
      return json_response(
          200, {{"candidates",
                 {{{"content", {{"parts", {{{"text", reply_text}}}}, {"role", "model"}}},
                   {"finishReason", "STOP"},
                   {"index", 0}}}},
                {"usageMetadata",
                 {{"promptTokenCount", in_tokens},
                  {"candidatesTokenCount", out_tokens},
                  {"totalTokenCount", in_tokens + out_tokens}}},
                {"modelVersion", gemini_model(request.target)},
                {"responseId", "fake0001"}});
  }
  return json_response(500, json::object());
}

FakeResponse error_response(LlmApi api, int status) {
  if (api == LlmApi::anthropic) {
    std::string type = "api_error";
    std::string message = "Internal server error";
    std::vector<std::pair<std::string, std::string>> headers;
    switch (status) {
      case 400: type = "invalid_request_error"; message = "messages: at least one message is required"; break;
      case 401: type = "authentication_error"; message = "invalid x-api-key"; break;
      case 403: type = "permission_error"; message = "Your API key does not have permission to use the specified resource."; break;
      case 429:
        type = "rate_limit_error";
        message = "This request would exceed the rate limit for your organization.";
        headers.emplace_back("retry-after", "1");
        break;
      case 529: type = "overloaded_error"; message = "Overloaded"; break;
      default: break;
    }
    return json_response(status, {{"type", "error"},
                                  {"error", {{"type", type}, {"message", message}}},
                                  {"request_id", "req_fake0001"}},
                         std::move(headers));
  }
  if (api == LlmApi::gemini) {
    std::string code = "INTERNAL";
    std::string message = "An internal error has occurred.";
    json details = json::array();
    switch (status) {
      case 400: code = "INVALID_ARGUMENT"; message = "Request contains an invalid argument."; break;
      case 401: code = "UNAUTHENTICATED"; message = "Request had invalid authentication credentials."; break;
      case 403: code = "PERMISSION_DENIED"; message = "Permission denied."; break;
      case 429:
        code = "RESOURCE_EXHAUSTED";
        message = "You exceeded your current quota. Please retry in 1s.";
        details.push_back({{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", "1s"}});
        break;
      case 503: code = "UNAVAILABLE"; message = "The model is overloaded. Please try again later."; break;
      default: break;
    }
    json error = {{"code", status}, {"message", message}, {"status", code}};
    if (!details.empty()) error["details"] = std::move(details);
    return json_response(status, {{"error", std::move(error)}});
  }
  // OpenAI and compatible servers.
  std::vector<std::pair<std::string, std::string>> headers;
  json error = {{"message", "The server had an error while processing your request."},
                {"type", "server_error"}, {"param", nullptr}, {"code", nullptr}};
  switch (status) {
    case 400: error = {{"message", "Invalid request."}, {"type", "invalid_request_error"}, {"param", nullptr}, {"code", nullptr}}; break;
    case 401: error = {{"message", "Incorrect API key provided."}, {"type", "invalid_request_error"}, {"param", nullptr}, {"code", "invalid_api_key"}}; break;
    case 403: error = {{"message", "Country, region, or territory not supported"}, {"type", "request_forbidden"}, {"param", nullptr}, {"code", "unsupported_country_region_territory"}}; break;
    case 429:
      error = {{"message", "Rate limit reached. Please try again in 1s."}, {"type", "requests"}, {"param", nullptr}, {"code", "rate_limit_exceeded"}};
      headers.emplace_back("retry-after", "1");
      break;
    case 503: error = {{"code", 503}, {"message", "Loading model"}, {"type", "unavailable_error"}}; break;
    default: break;
  }
  return json_response(status, {{"error", std::move(error)}}, std::move(headers));
}

FakeHttpServer::Handler fake_llm_handler(FakeLlmOptions options) {
  auto counter = std::make_shared<std::atomic<std::uint64_t>>(0);
  return [options = std::move(options), counter](const RecordedRequest& request) {
    const auto api = api_for_path(request.target);
    FakeResponse response;
    if (!api) {
      response = json_response(404, {{"error", {{"message", "unknown path " + request.target +
                                                                "; this fake serves /chat/completions, /messages, "
                                                                "/models/<model>:generateContent"},
                                                {"type", "not_found"}}}});
    } else {
      const std::uint64_t serial = counter->fetch_add(1);
      if (serial < static_cast<std::uint64_t>(std::max(options.fail_count, 0))) {
        response = error_response(*api, options.fail_status);
      } else {
        const std::string text =
            options.reply_text
                ? *options.reply_text
                : drum_pattern_reply(asked_pattern(request_user_text(*api, request)), serial).dump();
        response = success_response(*api, request, text);
      }
    }
    response.delay = options.delay;
    return response;
  };
}

}  // namespace mdg::test
