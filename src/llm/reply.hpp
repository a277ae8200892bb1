#pragma once
// Reading an LLM's reply into a Pattern: robust extraction of the JSON object (code fences,
// prose around it, refusals, truncation at the output token limit), per-note and structural
// checks, and the repair message that quotes every problem back to the model. Never throws,
// never crashes on any input (fuzzed by fuzz/llm_reply_fuzz.cpp).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/meter.hpp"
#include "core/pattern.hpp"
#include "llm/prompt.hpp"

namespace mdg::llm {

// What the reply must match: the request it answers and the examples it must not copy.
struct ReplyExpectation {
  int bars = 4;
  Meter meter{4, 4};
  double tempo_bpm = 120.0;             // the pattern is played at the requested tempo
  std::vector<Example> examples;        // the prompt's few-shot grooves
};

// How the model's answer ended (from the provider's reply).
struct ReplyMeta {
  bool truncated = false;                // finish reason: output token limit
  std::optional<std::string> refusal;    // the provider's refusal text, if any
};

enum class ReplyProblem {
  none,        // valid: `pattern` is set
  refusal,     // the model declined
  truncated,   // cut off by the output token limit before the JSON closed
  no_json,     // no JSON object in the text
  malformed,   // a JSON object that does not parse
  invalid,     // parsed, but the notes or structure break the rules
};
[[nodiscard]] std::string_view problem_name(ReplyProblem problem) noexcept;

inline constexpr std::size_t kMaxListedErrors = 20;
inline constexpr int kMaxNotesPerQuarter = 24;   // denser than any drummer plays
inline constexpr int kMaxJsonDepth = 32;

struct ReplyCheck {
  ReplyProblem problem = ReplyProblem::none;
  std::vector<std::string> errors;  // at most kMaxListedErrors, then one "... and N more"
  std::optional<Pattern> pattern;   // the notes at 480 PPQ when valid
  int duplicates_dropped = 0;       // same pitch at the same tick, kept once

  [[nodiscard]] bool ok() const noexcept { return problem == ReplyProblem::none && pattern.has_value(); }
  // "invalid: note 3 ...; note 7 ..." (first three errors) for logs and attempt records.
  [[nodiscard]] std::string summary() const;
};

// The JSON object text inside a reply: the whole text when it is one object, else the body of
// a ```json fence, else the first balanced {...} that parses. nullopt when there is none;
// `*unclosed` (if given) is set when an object opens but never closes (a truncated reply).
[[nodiscard]] std::optional<std::string_view> extract_json(std::string_view text, bool* unclosed = nullptr);

[[nodiscard]] ReplyCheck check_reply(std::string_view text, const ReplyExpectation& expect,
                                     const ReplyMeta& meta = {});

// The user turn of a repair request: every listed problem and what to send instead.
[[nodiscard]] std::string repair_message(const ReplyCheck& check, const ReplyExpectation& expect);

}  // namespace mdg::llm
