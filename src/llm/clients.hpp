#pragma once
// The provider clients, one HTTP request per complete():
// - OpenAI Chat Completions (also any OpenAI-compatible server by base URL: llama.cpp server,
//   Ollama, vLLM): strict json_schema response_format; max_completion_tokens for OpenAI,
//   max_tokens for compatible servers; no temperature for gpt-5* models.
// - Anthropic Messages: the reply schema as a tool's input_schema, forced with tool_choice; the
//   reply text is the tool_use block's input serialised.
// - Gemini generateContent: responseMimeType application/json + responseJsonSchema.
// Refusals: OpenAI message.refusal and Anthropic stop_reason "refusal" finish as `refusal`;
// Gemini finishReason SAFETY (and the other filter reasons) and promptFeedback.blockReason
// finish as `content_filter`; all three set ChatReply::refusal.
#include <string>

#include "llm/config.hpp"
#include "llm/http.hpp"
#include "llm/provider.hpp"

namespace mdg::llm {

// Shared request/response plumbing; subclasses supply the API's wire format.
class HttpProvider : public Provider {
 public:
  explicit HttpProvider(ProviderSettings settings);
  [[nodiscard]] const std::string& name() const override { return settings_.name; }
  [[nodiscard]] const std::string& model() const override { return settings_.model; }
  [[nodiscard]] std::expected<ChatReply, ProviderFailure> complete(
      const ChatRequest& request) const override;
  [[nodiscard]] const ProviderSettings& settings() const noexcept { return settings_; }

 protected:
  [[nodiscard]] virtual double max_temperature() const = 0;
  // URL, headers and body for the request (already checked).
  [[nodiscard]] virtual HttpRequest build(const ChatRequest& request) const = 0;
  // A 2xx answer's body, parsed as JSON, into a reply (http_status/latency are filled later).
  [[nodiscard]] virtual std::expected<ChatReply, ProviderFailure> parse_reply(
      const nlohmann::json& body, const ChatRequest& request) const = 0;
  // Refines `failure` (already classified by status) from the API's error body.
  virtual void parse_error(const nlohmann::json& body, const HttpResponse& response,
                           ProviderFailure& failure) const = 0;

  ProviderSettings settings_;
};

class OpenAiProvider final : public HttpProvider {
 public:
  explicit OpenAiProvider(ProviderSettings settings);

 protected:
  [[nodiscard]] double max_temperature() const override { return 2.0; }
  [[nodiscard]] HttpRequest build(const ChatRequest& request) const override;
  [[nodiscard]] std::expected<ChatReply, ProviderFailure> parse_reply(
      const nlohmann::json& body, const ChatRequest& request) const override;
  void parse_error(const nlohmann::json& body, const HttpResponse& response,
                   ProviderFailure& failure) const override;

 private:
  bool compatible_;
};

class AnthropicProvider final : public HttpProvider {
 public:
  explicit AnthropicProvider(ProviderSettings settings);

 protected:
  [[nodiscard]] double max_temperature() const override { return 1.0; }
  [[nodiscard]] HttpRequest build(const ChatRequest& request) const override;
  [[nodiscard]] std::expected<ChatReply, ProviderFailure> parse_reply(
      const nlohmann::json& body, const ChatRequest& request) const override;
  void parse_error(const nlohmann::json& body, const HttpResponse& response,
                   ProviderFailure& failure) const override;
};

class GeminiProvider final : public HttpProvider {
 public:
  explicit GeminiProvider(ProviderSettings settings);

 protected:
  [[nodiscard]] double max_temperature() const override { return 2.0; }
  [[nodiscard]] HttpRequest build(const ChatRequest& request) const override;
  [[nodiscard]] std::expected<ChatReply, ProviderFailure> parse_reply(
      const nlohmann::json& body, const ChatRequest& request) const override;
  void parse_error(const nlohmann::json& body, const HttpResponse& response,
                   ProviderFailure& failure) const override;
};

// The endpoint each client posts to, from its base URL (a trailing '/' is ignored):
// OpenAI/compatible  <base>/chat/completions           (base includes /v1)
// Anthropic          <base>/v1/messages                (base without /v1; /v1 is not doubled)
// Gemini             <base>/v1beta/models/<model>:generateContent (an explicit /v1 or /v1beta
//                    at the end of the base is kept instead)
[[nodiscard]] std::string endpoint_url(const ProviderSettings& settings);

}  // namespace mdg::llm
