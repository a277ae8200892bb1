#include "llm/wire.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace mdg::llm {
namespace {

std::optional<double> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<int> parse_int(std::string_view s) {
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

double cap(double ms) { return std::clamp(ms, 0.0, kMaxRetryAfterMs); }

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // Skip the weekday ("Sun, " or "Sunday, "), then "DD Mon YYYY HH:MM:SS GMT" or the RFC 850
  // dashed form "DD-Mon-YYYY HH:MM:SS GMT" when written with a 4-digit year.
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(comma + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.size() < 20) return std::nullopt;
  std::string date(rest);
  std::ranges::replace(date, '-', ' ');
  // date: "06 Nov 1994 08:49:37 GMT"
  if (date.size() < 24 || date[2] != ' ' || date[6] != ' ' || date[11] != ' ' ||
      date[14] != ':' || date[17] != ':' || date.substr(20, 4) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string_view sv(date);
  const auto month_it = std::ranges::find(kMonths, sv.substr(3, 3));
  const auto day = parse_int(sv.substr(0, 2));
  const auto year = parse_int(sv.substr(7, 4));
  const auto hour = parse_int(sv.substr(12, 2));
  const auto minute = parse_int(sv.substr(15, 2));
  const auto second = parse_int(sv.substr(18, 2));
  if (month_it == kMonths.end() || !day || !year || !hour || !minute || !second || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const auto ymd = std::chrono::year{*year} /
                   std::chrono::month{static_cast<unsigned>(month_it - kMonths.begin() + 1)} /
                   std::chrono::day{static_cast<unsigned>(*day)};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

std::optional<double> parse_duration_ms(std::string_view text) {
  if (text.size() < 2 || text.back() != 's') return std::nullopt;
  const auto seconds = parse_number(text.substr(0, text.size() - 1));
  if (!seconds || *seconds < 0) return std::nullopt;
  return *seconds * 1000.0;
}

std::optional<double> retry_after_ms(const HttpResponse& response,
                                     std::chrono::system_clock::time_point now) {
  if (const auto ms = response.header("retry-after-ms")) {
    if (const auto v = parse_number(*ms); v && *v >= 0) return cap(*v);
  }
  const auto after = response.header("retry-after");
  if (!after) return std::nullopt;
  if (const auto seconds = parse_number(*after)) {
    if (*seconds < 0) return std::nullopt;
    return cap(*seconds * 1000.0);
  }
  const auto when = parse_http_date(*after);
  if (!when) return std::nullopt;
  std::int64_t reference =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (const auto date = response.header("date")) {
    if (const auto server_now = parse_http_date(*date)) reference = *server_now;
  }
  return cap(static_cast<double>(*when - reference) * 1000.0);
}

ProviderFailure failure_for_status(int status) {
  ProviderFailure f;
  f.http_status = status;
  if (status == 401 || status == 403) {
    f.kind = FailureKind::auth;
  } else if (status == 402) {
    f.kind = FailureKind::quota;
  } else if (status == 408 || status == 409) {
    f.kind = FailureKind::server;
    f.retryable = true;
  } else if (status == 429) {
    f.kind = FailureKind::rate_limited;
    f.retryable = true;
  } else if (status == 503 || status == 529) {
    f.kind = FailureKind::overloaded;
    f.retryable = true;
  } else if (status >= 500) {
    f.kind = FailureKind::server;
    f.retryable = true;
  } else if (status >= 400) {
    f.kind = FailureKind::bad_request;
  } else {
    f.kind = FailureKind::bad_response;  // 1xx/3xx: nothing we can use
  }
  return f;
}

ProviderFailure failure_for_transport(const HttpError& error, std::string_view secret) {
  ProviderFailure f;
  f.latency_ms = error.latency_ms;
  f.message = redact(error.message, secret);
  f.code = "curl_" + std::to_string(error.curl_code);
  switch (error.kind) {
    case HttpErrorKind::timeout:
      f.kind = FailureKind::timeout;
      f.retryable = true;
      break;
    case HttpErrorKind::connection:
      f.kind = FailureKind::connection;
      f.retryable = true;
      break;
    case HttpErrorKind::invalid:
      f.kind = FailureKind::bad_request;
      f.retryable = false;
      break;
  }
  return f;
}

std::optional<ProviderFailure> check_request(const ChatRequest& request,
                                             double max_temperature) {
  const auto bad = [](std::string message) {
    ProviderFailure f;
    f.kind = FailureKind::bad_request;
    f.message = std::move(message);
    return f;
  };
  if (request.messages.empty()) return bad("the request has no messages; at least one is needed");
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    const auto& role = request.messages[i].role;
    if (role != "user" && role != "assistant") {
      return bad("messages[" + std::to_string(i) + "].role is '" + excerpt(role, 40) +
                 "'; allowed: user, assistant");
    }
  }
  const auto& name = request.schema_name;
  const bool name_ok =
      !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
  if (!name_ok) {
    return bad("schema_name '" + excerpt(name, 80) +
               "' is invalid; allowed: 1-64 characters from A-Z a-z 0-9 _ -");
  }
  if (!request.schema.is_object()) {
    return bad("schema must be a JSON Schema object");
  }
  if (request.max_output_tokens < 1) {
    return bad("max_output_tokens is " + std::to_string(request.max_output_tokens) +
               "; allowed: 1 or more");
  }
  if (request.temperature &&
      (!(*request.temperature >= 0.0) || *request.temperature > max_temperature)) {
    return bad("temperature " + std::to_string(*request.temperature) +
               " is out of range; allowed: 0 to " + std::to_string(max_temperature).substr(0, 3));
  }
  return std::nullopt;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    // Control characters become spaces and non-ASCII bytes '?', so a cut never leaves broken
    // UTF-8 in a message that is later written as JSON.
    out += byte < 0x20 ? ' ' : (byte >= 0x80 ? '?' : c);
  }
  return out;
}

}  // namespace mdg::llm
