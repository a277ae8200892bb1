#include "llm/manager.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "generate/bar_plan.hpp"
#include "generate/humanize.hpp"

namespace mdg::llm {
namespace {

// The assistant turn quoted back in a repair request is cut to this many characters.
constexpr std::size_t kMaxQuotedReply = 24000;

std::string seconds_text(double ms) { return fmt::format("{:.1f} s", ms / 1000.0); }

}  // namespace

double SystemClock::now_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::int64_t SystemClock::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::sleep_ms(double ms) const {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(ms));
}

double backoff_ms(const RetryPolicy& policy, int retry, std::optional<double> retry_after_ms, Rng& rng) {
  const double u = rng.uniform();  // drawn every time, so the sequence does not depend on retry-after
  if (retry_after_ms && std::isfinite(*retry_after_ms)) return std::max(0.0, *retry_after_ms);
  const double exp = policy.base_delay_ms * std::pow(2.0, std::clamp(retry, 0, 30));
  return std::min(policy.max_delay_ms, exp) * (1.0 - std::clamp(policy.jitter, 0.0, 1.0) * u);
}

CircuitBreaker::CircuitBreaker(BreakerPolicy policy, std::map<std::string, ProviderHealth> initial)
    : policy_(policy), health_(std::move(initial)) {}

std::optional<std::int64_t> CircuitBreaker::open_until(const std::string& provider, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  const auto it = health_.find(provider);
  if (it == health_.end() || it->second.consecutive_failures < policy_.failures_to_open) return std::nullopt;
  const auto until = it->second.last_failure_ms + static_cast<std::int64_t>(policy_.cooldown_ms);
  if (now_ms >= until) return std::nullopt;  // half-open: one more try; a failure re-opens it
  return until;
}

void CircuitBreaker::record_failure(const std::string& provider, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto& h = health_[provider];
  ++h.consecutive_failures;
  h.last_failure_ms = std::max(h.last_failure_ms, now_ms);
}

void CircuitBreaker::record_success(const std::string& provider) {
  std::lock_guard lock(mutex_);
  health_[provider].consecutive_failures = 0;
}

namespace {
std::map<std::string, ProviderHealth> initial_health(const UsageStore* store) {
  if (store == nullptr) return {};
  auto records = store->read();
  if (!records) return {};
  return provider_health(*records);
}
}  // namespace

Manager::Manager(std::vector<ProviderEntry> order, PriceLookup prices, const Clock& clock, const UsageStore* store,
                 ManagerOptions options)
    : order_(std::move(order)),
      prices_(std::move(prices)),
      clock_(clock),
      store_(store),
      options_(options),
      breaker_(options.breaker, initial_health(store)) {}

VariationResult Manager::run_variation(const StyleProfile& profile, const PatternRequest& request,
                                       const std::vector<Example>& examples, Rng rng, const std::string& generation,
                                       std::vector<AttemptRecord>& attempts) const {
  VariationResult result;
  const Prompt prompt = build_prompt(profile, request, examples);
  ReplyExpectation expect;
  expect.bars = request.bars;
  expect.meter = request.meter;
  expect.tempo_bpm = request.tempo_bpm;
  expect.examples = examples;

  for (const auto& entry : order_) {
    const Provider& provider = *entry.provider;
    const std::string& name = provider.name();
    ChatRequest chat;
    chat.system = prompt.system;
    chat.messages.push_back(Message{"user", prompt.user});
    chat.schema = pattern_schema();
    chat.schema_name = std::string(kSchemaName);
    chat.max_output_tokens = prompt.max_output_tokens;
    chat.temperature = options_.temperature;

    bool repaired = false;
    int retries = 0;
    double wait = 0;
    std::string reason;
    std::string last_failure;  // this provider's latest failure in this request
    while (true) {
      AttemptRecord rec;
      rec.generation = generation;
      rec.provider = name;
      rec.model = provider.model();
      rec.variation = request.variation;
      rec.repair = repaired;
      rec.wait_ms = wait;
      rec.time_ms = clock_.wall_ms();
      if (const auto until = breaker_.open_until(name, rec.time_ms)) {
        rec.outcome = "circuit_open";
        rec.error = fmt::format("skipped: {} consecutive failures, cool-down for another {}",
                                options_.breaker.failures_to_open,
                                seconds_text(static_cast<double>(*until - rec.time_ms)));
        reason = last_failure.empty() ? rec.error : last_failure + "; then " + rec.error;
        attempts.push_back(std::move(rec));
        break;
      }
      const double start = clock_.now_ms();
      auto reply = provider.complete(chat);
      const double measured = clock_.now_ms() - start;
      if (!reply) {
        const ProviderFailure& f = reply.error();
        breaker_.record_failure(name, clock_.wall_ms());
        rec.http_status = f.http_status;
        rec.outcome = std::string(failure_kind_name(f.kind));
        rec.error = f.describe();
        rec.latency_ms = f.latency_ms > 0 ? f.latency_ms : measured;
        attempts.push_back(rec);
        last_failure = rec.error;
        if (f.retryable && retries < entry.retry.max_retries) {
          const double delay = backoff_ms(entry.retry, retries, f.retry_after_ms, rng);
          if (delay > entry.retry.max_wait_ms) {
            reason = fmt::format("{} (asked to wait {}, more than the {} allowed)", rec.error, seconds_text(delay),
                                 seconds_text(entry.retry.max_wait_ms));
            break;
          }
          clock_.sleep_ms(delay);
          wait = delay;
          ++retries;
          continue;
        }
        reason = f.retryable ? fmt::format("{} (after {} retr{})", rec.error, retries, retries == 1 ? "y" : "ies")
                             : rec.error;
        break;
      }
      breaker_.record_success(name);
      const ChatReply& r = *reply;
      rec.http_status = r.http_status;
      rec.latency_ms = r.latency_ms > 0 ? r.latency_ms : measured;
      rec.input_tokens = r.usage.input_tokens;
      rec.output_tokens = r.usage.output_tokens;
      std::optional<Price> price;
      if (prices_) {
        price = prices_(name, provider.model());
        if (!price && !r.model.empty()) price = prices_(name, r.model);
      }
      rec.priced = price.has_value();
      rec.cost_usd = price ? cost_usd(*price, r.usage.input_tokens, r.usage.output_tokens) : 0.0;
      ReplyMeta meta;
      meta.truncated = r.finish == FinishReason::max_tokens;
      meta.refusal = r.refusal;
      if (!meta.refusal && r.finish == FinishReason::content_filter) meta.refusal = "stopped by the content filter";
      if (!meta.refusal && r.finish == FinishReason::refusal) meta.refusal = "";
      ReplyCheck check = check_reply(r.text, expect, meta);
      rec.outcome = check.ok() ? "ok" : std::string(problem_name(check.problem));
      rec.error = check.ok() ? std::string() : check.summary();
      attempts.push_back(rec);
      if (check.ok()) {
        result.pattern = std::move(check.pattern);
        result.provider = name;
        result.model = provider.model();
        return result;
      }
      if (check.problem == ReplyProblem::refusal || repaired) {
        reason = repaired ? "still " + check.summary() + " after the repair request" : check.summary();
        break;
      }
      // One repair turn: the reply as the model wrote it, then every problem listed.
      chat.messages.push_back(Message{"assistant", r.text.substr(0, kMaxQuotedReply)});
      chat.messages.push_back(Message{"user", repair_message(check, expect)});
      repaired = true;
      retries = 0;
      wait = 0;
    }
    result.reasons.push_back(name + ": " + reason);
  }
  return result;
}

PatternsResult Manager::request_patterns(const StyleProfile& profile, const PatternRequest& request,
                                         const std::vector<Example>& examples, int variations, std::uint64_t seed,
                                         const std::string& generation) const {
  PatternsResult out;
  const auto n = static_cast<std::size_t>(std::max(variations, 0));
  out.variations.resize(n);
  std::vector<std::vector<AttemptRecord>> attempts(n);
  const Rng root(seed ^ 0x11A5EEDULL);
  auto run = [&](std::size_t i) {
    PatternRequest r = request;
    r.variation = static_cast<int>(i);
    r.variations = variations;
    out.variations[i] = run_variation(profile, r, examples, root.fork(i), generation, attempts[i]);
  };
  if (n == 1) {
    run(0);
  } else {
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i) threads.emplace_back(run, i);
    for (auto& t : threads) t.join();
  }
  for (auto& a : attempts) out.attempts.insert(out.attempts.end(), a.begin(), a.end());
  if (store_ != nullptr) {
    if (auto appended = store_->append(out.attempts); !appended) out.store_error = appended.error().describe();
  }
  return out;
}

GrooveGrid grid_of(const Pattern& pattern, const StyleProfile& profile) {
  GrooveGrid grid;
  grid.meter = pattern.meter;
  grid.bars = pattern.bars();
  grid.fill_bars.assign(static_cast<std::size_t>(grid.bars), false);
  for (Lane lane : kAllLanes) grid.lane_notes[lane_index(lane)] = lane_default_note(lane);
  if (profile.groove.sixteenth.empty() && profile.groove.triplet.empty()) return grid;
  const BarPlan plan = plan_bar(pattern.meter, profile.groove);
  grid.subdivision = plan.subdivision;
  for (const auto& s : plan.slots) {
    grid.slot_ticks.push_back(s.tick);
    grid.beat_starts.push_back(s.strong);
  }
  const auto slots = plan.slots.size();
  grid.cells.assign(static_cast<std::size_t>(grid.bars) * slots, {});
  if (slots == 0 || plan.bar_ticks <= 0) return grid;
  std::array<std::map<DrumNote, int>, kLaneCount> note_counts;
  for (const auto& h : pattern.hits) {
    const auto lane = lane_of(h.note);
    if (!lane) continue;
    auto bar = h.tick / plan.bar_ticks;
    const auto pos = h.tick - bar * plan.bar_ticks;
    std::size_t best = 0;
    std::int64_t best_dist = std::abs(pos - plan.slots[0].tick);
    for (std::size_t s = 1; s < slots; ++s) {
      const auto d = std::abs(pos - plan.slots[s].tick);
      if (d < best_dist) {
        best = s;
        best_dist = d;
      }
    }
    // Nearer the next bar's downbeat than any slot of this bar.
    if (plan.bar_ticks - pos < best_dist) {
      best = 0;
      ++bar;
    }
    if (bar < 0 || bar >= grid.bars) continue;
    auto& cell = grid.cells[static_cast<std::size_t>(bar) * slots + best][lane_index(*lane)];
    cell = std::max(cell, h.velocity);
    ++note_counts[lane_index(*lane)][h.note];
  }
  for (Lane lane : kAllLanes) {
    const auto& counts = note_counts[lane_index(lane)];
    if (counts.empty()) continue;
    const auto top = std::max_element(counts.begin(), counts.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    grid.lane_notes[lane_index(lane)] = top->first;
  }
  return grid;
}

nlohmann::json attempts_to_json(const std::vector<AttemptRecord>& list) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& a : list) {
    attempts.push_back({{"provider", a.provider},
                        {"model", a.model},
                        {"variation", a.variation + 1},
                        {"repair", a.repair},
                        {"http_status", a.http_status},
                        {"outcome", a.outcome},
                        {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
                        {"latency_ms", a.latency_ms},
                        {"wait_ms", a.wait_ms},
                        {"tokens_in", a.input_tokens},
                        {"tokens_out", a.output_tokens},
                        {"cost_usd", a.cost_usd}});
  }
  return attempts;
}

nlohmann::json to_json(const LlmReport& report) {
  return {{"provider", report.selection},
          {"provider_used", report.provider_used},
          {"attempts", attempts_to_json(report.attempts)},
          {"local_fallback",
           {{"used", report.local_fallback},
            {"variations", report.local_variations},
            {"reasons", report.fallback_reasons}}},
          {"warnings", report.warnings},
          {"usage",
           {{"tokens_in", report.input_tokens}, {"tokens_out", report.output_tokens}, {"cost_usd", report.cost_usd}}},
          {"generation_id", report.generation_id}};
}

Result<std::pair<Generation, LlmReport>> generate_with_llm(const Manager& manager, const StyleProfile& profile,
                                                           const GenerateOptions& raw, const std::string& selection,
                                                           std::vector<std::string> why_local) {
  auto checked = validate(raw);
  if (!checked) return std::unexpected(checked.error());
  GenerateOptions options = *checked;
  if (profile.groove.sixteenth.empty() && profile.groove.triplet.empty()) {
    return fail(Errc::invalid_argument, "style '" + profile.name + "' has no groove model to generate from");
  }
  options.tempo_bpm = options.tempo_bpm ? *options.tempo_bpm : pick_tempo(profile, options.seed);

  Generation gen;
  gen.style_id = profile.id;
  gen.style_name = profile.name;
  gen.tempo_bpm = *options.tempo_bpm;
  gen.meter = options.meter;
  gen.bars = options.bars;
  gen.seed = options.seed;
  gen.subdivision = plan_bar(options.meter, profile.groove).subdivision;

  LlmReport report;
  report.selection = selection;
  report.generation_id = fmt::format("{}-{}", manager.clock().wall_ms(), options.seed);

  PatternsResult asked;
  if (!manager.order().empty() && why_local.empty()) {
    auto examples = few_shot_examples(profile, options.meter, options.seed);
    if (!examples) return std::unexpected(examples.error());
    PatternRequest request;
    request.bars = options.bars;
    request.meter = options.meter;
    request.tempo_bpm = *options.tempo_bpm;
    request.complexity = options.complexity;
    asked = manager.request_patterns(profile, request, *examples, options.variations, options.seed,
                                     report.generation_id);
  } else {
    if (why_local.empty()) why_local.push_back("no LLM provider to ask");
    asked.variations.assign(static_cast<std::size_t>(options.variations), VariationResult{});
    for (auto& v : asked.variations) v.reasons = why_local;
  }

  std::optional<Generation> local;
  std::set<std::string> used;
  for (std::size_t i = 0; i < asked.variations.size(); ++i) {
    auto& v = asked.variations[i];
    if (v.pattern) {
      HumanizeOptions h;
      h.amount = options.humanize;
      h.seed = Rng(options.seed).fork(0x4E11A0ULL + i).next();
      h.variation = 1.0;  // a generated groove varies the way the style's takes do, as the engine's
      auto humanized = humanize(*v.pattern, profile, h);
      if (!humanized) return std::unexpected(humanized.error());
      Variation out;
      out.pattern = std::move(*humanized);
      out.pattern.name = profile.name + " - Variation " + std::to_string(i + 1);
      out.grid = grid_of(out.pattern, profile);
      gen.variations.push_back(std::move(out));
      used.insert(v.provider);
      continue;
    }
    if (!local) {
      // The options as given: the engine picks the same tempo itself, or a signature groove's.
      auto engine = generate(profile, *checked);
      if (!engine) return std::unexpected(engine.error());
      local = std::move(*engine);
    }
    gen.variations.push_back(local->variations[i]);
    report.local_fallback = true;
    report.local_variations.push_back(static_cast<int>(i + 1));
    for (const auto& reason : v.reasons) {
      if (std::find(report.fallback_reasons.begin(), report.fallback_reasons.end(), reason) ==
          report.fallback_reasons.end()) {
        report.fallback_reasons.push_back(reason);
      }
    }
  }
  // Nothing from an LLM: the local engine's generation as it is (signature, fills and all).
  if (used.empty() && local) gen = std::move(*local);
  if (report.local_fallback) used.insert("local");
  for (const auto& entry : manager.order()) {  // in the order they were asked
    if (used.erase(entry.provider->name()) > 0) {
      report.provider_used += (report.provider_used.empty() ? "" : "+") + entry.provider->name();
    }
  }
  if (used.count("local") > 0) report.provider_used += report.provider_used.empty() ? "local" : "+local";
  if (!asked.store_error.empty()) report.warnings.push_back("usage not recorded: " + asked.store_error);
  report.attempts = std::move(asked.attempts);
  for (const auto& a : report.attempts) {
    report.cost_usd += a.cost_usd;
    report.input_tokens += a.input_tokens;
    report.output_tokens += a.output_tokens;
  }
  return std::pair{std::move(gen), std::move(report)};
}

}  // namespace mdg::llm
