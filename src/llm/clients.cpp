#include "llm/clients.hpp"

#include <algorithm>
#include <utility>

#include "llm/wire.hpp"

namespace mdg::llm {
namespace {

using nlohmann::json;

const json* field(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::optional<std::string> string_field(const json& j, std::string_view key) {
  const json* v = field(j, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::int64_t int_field(const json& j, std::string_view key) {
  const json* v = field(j, key);
  if (v == nullptr || !v->is_number()) return 0;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  return static_cast<std::int64_t>(v->get<double>());
}

ProviderFailure bad_response(std::string message) {
  ProviderFailure f;
  f.kind = FailureKind::bad_response;
  f.message = std::move(message);
  return f;
}

bool ends_with_segment(std::string_view url, std::string_view segment) {
  return url.ends_with(segment) && url.size() > segment.size() &&
         url[url.size() - segment.size() - 1] == '/';
}

void common_headers(HttpRequest& r) {
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Accept", "application/json");
  r.headers.emplace_back("User-Agent", "mididrumigen/0.1");
}

}  // namespace

std::string endpoint_url(const ProviderSettings& settings) {
  const std::string base = without_trailing_slashes(settings.base_url);
  switch (settings.kind) {
    case ProviderKind::openai:
    case ProviderKind::openai_compatible: return base + "/chat/completions";
    case ProviderKind::anthropic:
      return ends_with_segment(base, "v1") ? base + "/messages" : base + "/v1/messages";
    case ProviderKind::gemini: {
      std::string model = settings.model;
      if (model.starts_with("models/")) model.erase(0, 7);
      const bool versioned = ends_with_segment(base, "v1beta") || ends_with_segment(base, "v1");
      return (versioned ? base : base + "/v1beta") + "/models/" + model + ":generateContent";
    }
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
HttpProvider::HttpProvider(ProviderSettings settings) : settings_(std::move(settings)) {}

std::expected<ChatReply, ProviderFailure> HttpProvider::complete(
    const ChatRequest& request) const {
  if (auto problem = check_request(request, max_temperature())) {
    return std::unexpected(std::move(*problem));
  }
  HttpRequest http = build(request);
  http.url = endpoint_url(settings_);
  http.connect_timeout_ms = settings_.connect_timeout_ms;
  http.total_timeout_ms = settings_.total_timeout_ms;
  const auto answer = http_send(http);
  if (!answer) return std::unexpected(failure_for_transport(answer.error(), settings_.key));
  const HttpResponse& response = *answer;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);

  if (response.status >= 200 && response.status < 300) {
    if (body.is_discarded()) {
      ProviderFailure f = bad_response("the answer is not JSON: " +
                                       excerpt(redact(response.body, settings_.key)));
      f.http_status = response.status;
      f.latency_ms = response.latency_ms;
      return std::unexpected(std::move(f));
    }
    auto reply = parse_reply(body, request);
    if (!reply) {
      reply.error().http_status = response.status;
      reply.error().latency_ms = response.latency_ms;
      reply.error().message = redact(reply.error().message, settings_.key);
      return reply;
    }
    reply->http_status = response.status;
    reply->latency_ms = response.latency_ms;
    if (reply->model.empty()) reply->model = settings_.model;
    return reply;
  }

  ProviderFailure failure = failure_for_status(response.status);
  failure.latency_ms = response.latency_ms;
  failure.retry_after_ms = retry_after_ms(response);
  if (!body.is_discarded()) parse_error(body, response, failure);
  if (failure.message.empty()) {
    failure.message = "HTTP " + std::to_string(response.status);
    if (!response.body.empty()) failure.message += ": " + excerpt(response.body);
  }
  // OpenAI's x-should-retry overrides the status rule, never for statuses that must not retry.
  if (const auto should = response.header("x-should-retry")) {
    const bool never = failure.kind == FailureKind::auth || failure.kind == FailureKind::quota ||
                       failure.kind == FailureKind::bad_request;
    if (*should == "false") failure.retryable = false;
    if (*should == "true" && !never) failure.retryable = true;
  }
  failure.message = redact(std::move(failure.message), settings_.key);
  failure.code = redact(std::move(failure.code), settings_.key);
  return std::unexpected(std::move(failure));
}

// ---------------------------------------------------------------------------------------------
OpenAiProvider::OpenAiProvider(ProviderSettings settings)
    : HttpProvider(std::move(settings)),
      compatible_(settings_.kind == ProviderKind::openai_compatible) {}

HttpRequest OpenAiProvider::build(const ChatRequest& request) const {
  json messages = json::array();
  if (!request.system.empty()) {
    messages.push_back({{"role", "system"}, {"content", request.system}});
  }
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  json body = {{"model", settings_.model}, {"messages", std::move(messages)}};
  body[compatible_ ? "max_tokens" : "max_completion_tokens"] = request.max_output_tokens;
  body["response_format"] = {
      {"type", "json_schema"},
      {"json_schema", {{"name", request.schema_name}, {"schema", request.schema}, {"strict", true}}}};
  // GPT-5-family models refuse any temperature but the default.
  if (request.temperature && !settings_.model.starts_with("gpt-5")) {
    body["temperature"] = *request.temperature;
  }
  HttpRequest r;
  common_headers(r);
  if (!settings_.key.empty()) r.headers.emplace_back("Authorization", "Bearer " + settings_.key);
  r.body = body.dump();
  return r;
}

std::expected<ChatReply, ProviderFailure> OpenAiProvider::parse_reply(
    const json& body, const ChatRequest& /*request*/) const {
  const json* choices = field(body, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) {
    return std::unexpected(bad_response("the answer has no choices"));
  }
  const json& choice = (*choices)[0];
  const json* message = field(choice, "message");
  if (message == nullptr || !message->is_object()) {
    return std::unexpected(bad_response("choices[0] has no message"));
  }
  ChatReply reply;
  reply.model = string_field(body, "model").value_or("");
  if (const json* usage = field(body, "usage")) {
    reply.usage.input_tokens = int_field(*usage, "prompt_tokens");
    reply.usage.output_tokens = int_field(*usage, "completion_tokens");
  }
  const std::string finish = string_field(choice, "finish_reason").value_or("");
  if (finish == "stop") {
    reply.finish = FinishReason::stop;
  } else if (finish == "length") {
    reply.finish = FinishReason::max_tokens;
  } else if (finish == "content_filter") {
    reply.finish = FinishReason::content_filter;
  } else {
    reply.finish = FinishReason::other;
  }
  if (auto refusal = string_field(*message, "refusal"); refusal && !refusal->empty()) {
    reply.refusal = std::move(refusal);
    reply.finish = FinishReason::refusal;
  }
  if (auto content = string_field(*message, "content")) {
    reply.text = std::move(*content);
  } else if (!reply.refusal && reply.finish == FinishReason::stop) {
    return std::unexpected(bad_response("choices[0].message has neither content nor refusal"));
  }
  return reply;
}

void OpenAiProvider::parse_error(const json& body, const HttpResponse& /*response*/,
                                 ProviderFailure& failure) const {
  const json* error = field(body, "error");
  if (error == nullptr) return;
  if (error->is_string()) {  // some compatible servers answer {"error": "text"}
    failure.message = error->get<std::string>();
    return;
  }
  failure.message = string_field(*error, "message").value_or("");
  const std::string type = string_field(*error, "type").value_or("");
  failure.code = string_field(*error, "code").value_or(type);
  if (failure.code == "insufficient_quota" || type == "insufficient_quota") {
    failure.code = "insufficient_quota";
    failure.kind = FailureKind::quota;
    failure.retryable = false;
  }
}

// ---------------------------------------------------------------------------------------------
AnthropicProvider::AnthropicProvider(ProviderSettings settings)
    : HttpProvider(std::move(settings)) {}

HttpRequest AnthropicProvider::build(const ChatRequest& request) const {
  json messages = json::array();
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  json body = {{"model", settings_.model}, {"max_tokens", request.max_output_tokens}};
  if (!request.system.empty()) body["system"] = request.system;
  body["messages"] = std::move(messages);
  body["tools"] = json::array({{{"name", request.schema_name},
                                {"description", "Return the reply object. Its input is the "
                                                "complete answer."},
                                {"input_schema", request.schema}}});
  body["tool_choice"] = {{"type", "tool"}, {"name", request.schema_name}};
  if (request.temperature) body["temperature"] = *request.temperature;
  HttpRequest r;
  common_headers(r);
  r.headers.emplace_back("x-api-key", settings_.key);
  r.headers.emplace_back("anthropic-version", "2023-06-01");
  r.body = body.dump();
  return r;
}

std::expected<ChatReply, ProviderFailure> AnthropicProvider::parse_reply(
    const json& body, const ChatRequest& request) const {
  const json* content = field(body, "content");
  if (content == nullptr || !content->is_array()) {
    return std::unexpected(bad_response("the answer has no content array"));
  }
  ChatReply reply;
  reply.model = string_field(body, "model").value_or("");
  if (const json* usage = field(body, "usage")) {
    reply.usage.input_tokens = int_field(*usage, "input_tokens");
    reply.usage.output_tokens = int_field(*usage, "output_tokens");
  }
  std::string text;
  const json* tool_input = nullptr;
  for (const json& block : *content) {
    const std::string type = string_field(block, "type").value_or("");
    if (type == "text") {
      text += string_field(block, "text").value_or("");
    } else if (type == "tool_use" && tool_input == nullptr) {
      const auto tool = string_field(block, "name").value_or("");
      if (tool == request.schema_name) tool_input = field(block, "input");
    }
  }
  const std::string stop = string_field(body, "stop_reason").value_or("");
  if (stop == "end_turn" || stop == "tool_use" || stop == "stop_sequence") {
    reply.finish = FinishReason::stop;
  } else if (stop == "max_tokens" || stop == "model_context_window_exceeded") {
    reply.finish = FinishReason::max_tokens;
  } else if (stop == "refusal") {
    reply.finish = FinishReason::refusal;
    reply.refusal = text.empty() ? std::string("the model refused (stop_reason refusal)") : text;
  } else {
    reply.finish = FinishReason::other;
  }
  if (tool_input != nullptr) {
    reply.text = tool_input->dump();
  } else if (reply.finish == FinishReason::stop) {
    return std::unexpected(bad_response("the answer has no tool_use block for '" +
                                        request.schema_name + "'"));
  } else {
    reply.text = std::move(text);
  }
  return reply;
}

void AnthropicProvider::parse_error(const json& body, const HttpResponse& /*response*/,
                                    ProviderFailure& failure) const {
  const json* error = field(body, "error");
  if (error == nullptr) return;
  failure.message = string_field(*error, "message").value_or("");
  failure.code = string_field(*error, "type").value_or("");
  if (failure.code == "billing_error") {
    failure.kind = FailureKind::quota;
    failure.retryable = false;
  } else if (failure.code == "overloaded_error") {
    failure.kind = FailureKind::overloaded;
    failure.retryable = true;
  }
}

// ---------------------------------------------------------------------------------------------
GeminiProvider::GeminiProvider(ProviderSettings settings) : HttpProvider(std::move(settings)) {}

HttpRequest GeminiProvider::build(const ChatRequest& request) const {
  json contents = json::array();
  for (const auto& m : request.messages) {
    contents.push_back({{"role", m.role == "assistant" ? "model" : "user"},
                        {"parts", json::array({{{"text", m.content}}})}});
  }
  json body = {{"contents", std::move(contents)}};
  if (!request.system.empty()) {
    body["systemInstruction"] = {{"parts", json::array({{{"text", request.system}}})}};
  }
  json config = {{"maxOutputTokens", request.max_output_tokens},
                 {"responseMimeType", "application/json"},
                 {"responseJsonSchema", request.schema}};
  if (request.temperature) config["temperature"] = *request.temperature;
  body["generationConfig"] = std::move(config);
  HttpRequest r;
  common_headers(r);
  r.headers.emplace_back("x-goog-api-key", settings_.key);
  r.body = body.dump();
  return r;
}

std::expected<ChatReply, ProviderFailure> GeminiProvider::parse_reply(
    const json& body, const ChatRequest& /*request*/) const {
  ChatReply reply;
  reply.model = string_field(body, "modelVersion").value_or("");
  if (const json* usage = field(body, "usageMetadata")) {
    reply.usage.input_tokens = int_field(*usage, "promptTokenCount");
    // Thinking tokens are billed as output.
    reply.usage.output_tokens =
        int_field(*usage, "candidatesTokenCount") + int_field(*usage, "thoughtsTokenCount");
  }
  const json* candidates = field(body, "candidates");
  if (candidates == nullptr || !candidates->is_array() || candidates->empty()) {
    if (const json* feedback = field(body, "promptFeedback")) {
      if (const auto reason = string_field(*feedback, "blockReason")) {
        reply.finish = FinishReason::content_filter;
        reply.refusal = "the prompt was blocked (blockReason " + *reason + ")";
        return reply;
      }
    }
    return std::unexpected(bad_response("the answer has no candidates"));
  }
  const json& candidate = (*candidates)[0];
  if (const json* content = field(candidate, "content")) {
    if (const json* parts = field(*content, "parts"); parts != nullptr && parts->is_array()) {
      for (const json& part : *parts) {
        if (const json* thought = field(part, "thought"); thought != nullptr &&
                                                          thought->is_boolean() &&
                                                          thought->get<bool>()) {
          continue;  // a thought summary, not the answer
        }
        reply.text += string_field(part, "text").value_or("");
      }
    }
  }
  const std::string finish = string_field(candidate, "finishReason").value_or("");
  if (finish == "STOP") {
    reply.finish = FinishReason::stop;
  } else if (finish == "MAX_TOKENS") {
    reply.finish = FinishReason::max_tokens;
  } else if (finish == "SAFETY" || finish == "RECITATION" || finish == "BLOCKLIST" ||
             finish == "PROHIBITED_CONTENT" || finish == "SPII" || finish == "IMAGE_SAFETY") {
    reply.finish = FinishReason::content_filter;
    reply.refusal = "the answer was blocked (finishReason " + finish + ")";
  } else {
    reply.finish = FinishReason::other;
  }
  return reply;
}

void GeminiProvider::parse_error(const json& body_in, const HttpResponse& /*response*/,
                                 ProviderFailure& failure) const {
  // Some endpoints wrap the error object in a one-element array.
  const json& body = (body_in.is_array() && !body_in.empty()) ? body_in[0] : body_in;
  const json* error = field(body, "error");
  if (error == nullptr) return;
  failure.message = string_field(*error, "message").value_or("");
  failure.code = string_field(*error, "status").value_or("");
  const json* details = field(*error, "details");
  if (details == nullptr || !details->is_array()) return;
  for (const json& detail : *details) {
    const std::string type = string_field(detail, "@type").value_or("");
    if (type.ends_with("google.rpc.RetryInfo")) {
      if (const auto delay = string_field(detail, "retryDelay")) {
        if (const auto ms = parse_duration_ms(*delay)) {
          failure.retry_after_ms = std::min(*ms, kMaxRetryAfterMs);
        }
      }
    } else if (type.ends_with("google.rpc.ErrorInfo")) {
      const auto reason = string_field(detail, "reason").value_or("");
      if (reason == "API_KEY_INVALID") {
        failure.kind = FailureKind::auth;
        failure.retryable = false;
        failure.code = reason;
      }
    }
  }
}

}  // namespace mdg::llm
