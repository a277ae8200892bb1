#pragma once
// An in-process, deterministic Provider and Clock for the manager tests: the provider answers
// from a script (a function of the request and the call number) and records every request;
// the clock advances only when slept, and records every sleep.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/manager.hpp"
#include "llm/provider.hpp"

namespace mdg::llm::testing {

using Answer = std::expected<ChatReply, ProviderFailure>;

class FakeProvider final : public Provider {
 public:
  using Script = std::function<Answer(const ChatRequest&, int call)>;
  FakeProvider(std::string name, std::string model, Script script)
      : name_(std::move(name)), model_(std::move(model)), script_(std::move(script)) {}

  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] const std::string& model() const override { return model_; }
  [[nodiscard]] Answer complete(const ChatRequest& request) const override {
    int call = 0;
    {
      std::lock_guard lock(mutex_);
      call = static_cast<int>(requests_.size());
      requests_.push_back(request);
    }
    return script_(request, call);
  }
  [[nodiscard]] std::vector<ChatRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  [[nodiscard]] int calls() const { return static_cast<int>(requests().size()); }

 private:
  std::string name_;
  std::string model_;
  Script script_;
  mutable std::mutex mutex_;
  mutable std::vector<ChatRequest> requests_;
};

class FakeClock final : public Clock {
 public:
  [[nodiscard]] double now_ms() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  [[nodiscard]] std::int64_t wall_ms() const override {
    std::lock_guard lock(mutex_);
    return 1'700'000'000'000 + static_cast<std::int64_t>(now_);
  }
  void sleep_ms(double ms) const override {
    std::lock_guard lock(mutex_);
    sleeps_.push_back(ms);
    now_ += ms;
  }
  void advance(double ms) {
    std::lock_guard lock(mutex_);
    now_ += ms;
  }
  [[nodiscard]] std::vector<double> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  mutable std::mutex mutex_;
  mutable double now_ = 0;
  mutable std::vector<double> sleeps_;
};

// The bars and meter a request asks for, read back from its user prompt ("Write N bars of M").
inline int requested_bars(const ChatRequest& request) {
  const auto& u = request.messages.front().content;
  const auto at = u.find("\nWrite ");
  return at == std::string::npos ? 1 : std::stoi(u.substr(at + 7));
}

// A valid reply of `bars` 4/4 bars: a rock beat with a cowbell on every downbeat (so it never
// equals an engine example) and `extra` notes appended as given.
inline std::string valid_reply_text(int bars, double tempo = 100, nlohmann::json extra = nlohmann::json::array()) {
  using nlohmann::json;
  json notes = json::array();
  auto note = [&](int bar, double start, int pitch, int velocity) {
    notes.push_back({{"bar", bar}, {"start", start}, {"duration", 0.25}, {"pitch", pitch}, {"velocity", velocity}});
  };
  for (int b = 1; b <= bars; ++b) {
    for (int e = 0; e < 8; ++e) note(b, e * 0.5, 42, 80);
    note(b, 0, 36, 110);
    note(b, 2.5, 36, 100);
    note(b, 1, 38, 115);
    note(b, 3, 38, 112);
    note(b, 1.75, 38, 30);
    note(b, 0, 56, 90);
  }
  for (auto& n : extra) notes.push_back(n);
  return json{{"tempo", tempo}, {"meter", "4/4"}, {"bars", bars}, {"notes", notes}}.dump();
}

inline Answer ok_reply(std::string text, std::int64_t in = 1000, std::int64_t out = 2000) {
  ChatReply r;
  r.text = std::move(text);
  r.model = "fake-model-2026";
  r.usage = Usage{in, out};
  r.latency_ms = 12;
  return r;
}

inline Answer failure(FailureKind kind, int status, bool retryable, std::optional<double> retry_after = {},
                      std::string code = {}) {
  ProviderFailure f;
  f.kind = kind;
  f.http_status = status;
  f.retryable = retryable;
  f.retry_after_ms = retry_after;
  f.code = std::move(code);
  f.message = "scripted failure";
  f.latency_ms = 3;
  return std::unexpected(f);
}

}  // namespace mdg::llm::testing
