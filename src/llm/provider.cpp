#include "llm/provider.hpp"

#include <string>

namespace mdg::llm {

std::string_view failure_kind_name(FailureKind kind) noexcept {
  switch (kind) {
    case FailureKind::auth: return "auth";
    case FailureKind::quota: return "quota";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::overloaded: return "overloaded";
    case FailureKind::server: return "server";
    case FailureKind::timeout: return "timeout";
    case FailureKind::connection: return "connection";
    case FailureKind::bad_request: return "bad_request";
    case FailureKind::bad_response: return "bad_response";
  }
  return "unknown";
}

std::string_view finish_reason_name(FinishReason reason) noexcept {
  switch (reason) {
    case FinishReason::stop: return "stop";
    case FinishReason::max_tokens: return "max_tokens";
    case FinishReason::refusal: return "refusal";
    case FinishReason::content_filter: return "content_filter";
    case FinishReason::other: return "other";
  }
  return "unknown";
}

std::string ProviderFailure::describe() const {
  std::string out(failure_kind_name(kind));
  if (http_status != 0 || !code.empty()) {
    out += " (";
    if (http_status != 0) out += "HTTP " + std::to_string(http_status);
    if (http_status != 0 && !code.empty()) out += ", ";
    out += code;
    out += ')';
  }
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace mdg::llm
