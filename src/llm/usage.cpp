#include "llm/usage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace mdg::llm {
namespace {

using nlohmann::json;

bool is_reply_outcome(std::string_view outcome) {
  return outcome == "ok" || outcome == "invalid" || outcome == "truncated" || outcome == "refusal" ||
         outcome == "malformed" || outcome == "no_json";
}

}  // namespace

Result<std::filesystem::path> state_dir(const EnvLookup& env) {
  if (auto dir = env("MDG_STATE_DIR")) return std::filesystem::path(*dir);
  if (auto xdg = env("XDG_STATE_HOME")) return std::filesystem::path(*xdg) / "mididrumigen";
  if (auto home = env("HOME")) return std::filesystem::path(*home) / ".local" / "state" / "mididrumigen";
  return fail(Errc::not_found, "no state folder for usage records: set MDG_STATE_DIR, XDG_STATE_HOME or HOME");
}

double cost_usd(const Price& price, std::int64_t input_tokens, std::int64_t output_tokens) noexcept {
  return (static_cast<double>(input_tokens) * price.input_usd_per_mtok +
          static_cast<double>(output_tokens) * price.output_usd_per_mtok) /
         1e6;
}

bool AttemptRecord::answered() const noexcept { return is_reply_outcome(outcome); }

json to_json(const AttemptRecord& r) {
  return {{"time_ms", r.time_ms},         {"generation", r.generation},
          {"provider", r.provider},       {"model", r.model},
          {"variation", r.variation},     {"repair", r.repair},
          {"http_status", r.http_status}, {"outcome", r.outcome},
          {"error", r.error},             {"latency_ms", r.latency_ms},
          {"wait_ms", r.wait_ms},         {"input_tokens", r.input_tokens},
          {"output_tokens", r.output_tokens}, {"cost_usd", r.cost_usd},
          {"priced", r.priced}};
}

std::optional<AttemptRecord> attempt_from_json(const json& j) {
  if (!j.is_object() || !j.contains("provider") || !j["provider"].is_string() || !j.contains("outcome") ||
      !j["outcome"].is_string()) {
    return std::nullopt;
  }
  AttemptRecord r;
  auto get = [&](const char* key, auto& out) {
    using T = std::remove_reference_t<decltype(out)>;
    if (!j.contains(key)) return;
    const auto& v = j[key];
    if constexpr (std::is_same_v<T, std::string>) {
      if (v.is_string()) out = v.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (v.is_boolean()) out = v.get<bool>();
    } else if (v.is_number()) {
      const double d = v.get<double>();
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isfinite(d)) out = d;
      } else if (std::isfinite(d) && d >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
                 d < static_cast<double>(std::numeric_limits<T>::max()) + 1.0) {
        out = static_cast<T>(d);
      }
    }
  };
  get("time_ms", r.time_ms);
  get("generation", r.generation);
  get("provider", r.provider);
  get("model", r.model);
  get("variation", r.variation);
  get("repair", r.repair);
  get("http_status", r.http_status);
  get("outcome", r.outcome);
  get("error", r.error);
  get("latency_ms", r.latency_ms);
  get("wait_ms", r.wait_ms);
  get("input_tokens", r.input_tokens);
  get("output_tokens", r.output_tokens);
  get("cost_usd", r.cost_usd);
  get("priced", r.priced);
  return r;
}

UsageReport total_usage(std::span<const AttemptRecord> records) {
  UsageReport report;
  std::set<std::string> generations;
  for (const auto& r : records) {
    if (!r.sent()) continue;
    auto& t = report.per_model[{r.provider, r.model}];
    for (UsageTotal* total : {&t, &report.all}) {
      ++total->attempts;
      total->ok += r.outcome == "ok" ? 1 : 0;
      total->failed += r.answered() ? 0 : 1;
      total->input_tokens += r.input_tokens;
      total->output_tokens += r.output_tokens;
      total->cost_usd += r.cost_usd;
      total->unpriced += (r.priced || (r.input_tokens == 0 && r.output_tokens == 0)) ? 0 : 1;
    }
    if (!r.generation.empty()) generations.insert(r.generation);
  }
  report.generations = static_cast<std::int64_t>(generations.size());
  return report;
}

namespace {
json total_json(const UsageTotal& t) {
  return {{"attempts", t.attempts},         {"ok", t.ok},
          {"failed", t.failed},             {"input_tokens", t.input_tokens},
          {"output_tokens", t.output_tokens}, {"cost_usd", t.cost_usd},
          {"unpriced_attempts", t.unpriced}};
}
}  // namespace

json to_json(const UsageReport& report) {
  json models = json::array();
  for (const auto& [key, t] : report.per_model) {
    json row = total_json(t);
    row["provider"] = key.first;
    row["model"] = key.second;
    models.push_back(std::move(row));
  }
  return {{"generations", report.generations},
          {"total", total_json(report.all)},
          {"models", models},
          {"skipped_lines", report.skipped_lines}};
}

std::string render_usage(const UsageReport& report, const std::filesystem::path& file) {
  std::string out = fmt::format("LLM usage from {} ({} generation{})\n", file.string(), report.generations,
                                report.generations == 1 ? "" : "s");
  if (report.per_model.empty()) return out + "  no LLM requests recorded yet\n";
  out += fmt::format("  {:<12} {:<28} {:>8} {:>6} {:>7} {:>12} {:>12} {:>11}\n", "provider", "model", "requests",
                     "ok", "failed", "tokens in", "tokens out", "cost USD");
  auto row = [&](const std::string& provider, const std::string& model, const UsageTotal& t) {
    out += fmt::format("  {:<12} {:<28} {:>8} {:>6} {:>7} {:>12} {:>12} {:>11.6f}{}\n", provider, model, t.attempts,
                       t.ok, t.failed, t.input_tokens, t.output_tokens, t.cost_usd,
                       t.unpriced > 0 ? fmt::format("  ({} without a price)", t.unpriced) : std::string());
  };
  for (const auto& [key, t] : report.per_model) row(key.first, key.second, t);
  row("total", "", report.all);
  if (report.skipped_lines > 0) out += fmt::format("  ({} unreadable lines skipped)\n", report.skipped_lines);
  return out;
}

std::map<std::string, ProviderHealth> provider_health(std::span<const AttemptRecord> records) {
  std::map<std::string, ProviderHealth> health;
  for (const auto& r : records) {
    if (!r.sent()) continue;
    auto& h = health[r.provider];
    if (r.answered()) {
      h.consecutive_failures = 0;
      h.last_success_ms = std::max(h.last_success_ms, r.time_ms);
    } else {
      ++h.consecutive_failures;
      h.last_failure_ms = std::max(h.last_failure_ms, r.time_ms);
      h.last_error = r.error;
    }
  }
  // Recent window, newest first.
  std::map<std::string, int> seen;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (!it->sent()) continue;
    int& n = seen[it->provider];
    if (n >= kRecentAttempts) continue;
    ++n;
    auto& h = health[it->provider];
    ++h.recent_attempts;
    h.recent_failures += it->answered() ? 0 : 1;
  }
  return health;
}

Result<void> UsageStore::append(std::span<const AttemptRecord> records) const {
  if (records.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return fail(Errc::io, "cannot create state folder '" + dir_.string() + "': " + ec.message());
  const auto path = file();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::io, "cannot open '" + path.string() + "' for appending: " + std::strerror(errno));
  std::string text;
  // A last line without its newline was torn by a crash: end it so ours start on a line.
  const auto size = ::lseek(fd, 0, SEEK_END);
  if (size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, size - 1) == 1 && last != '\n') text += '\n';
  }
  for (const auto& r : records) text += to_json(r).dump() + '\n';
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail(Errc::io, "cannot append to '" + path.string() + "': " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return {};
}

Result<std::vector<AttemptRecord>> UsageStore::read(std::int64_t* skipped) const {
  std::vector<AttemptRecord> out;
  if (skipped != nullptr) *skipped = 0;
  const auto path = file();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot read '" + path.string() + "'");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line, nullptr, false);
    auto record = j.is_discarded() ? std::nullopt : attempt_from_json(j);
    if (!record) {
      if (skipped != nullptr) ++*skipped;
      continue;
    }
    out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace mdg::llm
