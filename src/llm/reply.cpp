#include "llm/reply.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace mdg::llm {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCandidates = 16;

enum class Match { closed, unclosed, too_deep, not_object };

// Where the JSON value opening at `start` ('{') closes, honouring strings and escapes.
Match match_object(std::string_view text, std::size_t start, std::size_t& end) {
  if (start >= text.size() || text[start] != '{') return Match::not_object;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return Match::too_deep;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        end = i + 1;
        return Match::closed;
      }
    }
  }
  return Match::unclosed;
}

struct Extracted {
  std::optional<std::string_view> text;  // the object text
  json value;                            // parsed when it parses (else discarded)
  bool unclosed = false;
  bool too_deep = false;
  bool found_balanced = false;  // a balanced object that did not parse
};

// Tries the objects opening in `region`, first to last, up to kMaxCandidates of them.
void scan_region(std::string_view region, Extracted& out, std::size_t& tries) {
  std::size_t pos = 0;
  while (tries < kMaxCandidates && (pos = region.find('{', pos)) != std::string_view::npos) {
    ++tries;
    std::size_t end = 0;
    switch (match_object(region, pos, end)) {
      case Match::closed: {
        const auto candidate = region.substr(pos, end - pos);
        json value = json::parse(candidate, nullptr, false);
        if (!value.is_discarded() && value.is_object()) {
          out.text = candidate;
          out.value = std::move(value);
          return;
        }
        out.found_balanced = true;
        if (!out.text) out.text = candidate;
        ++pos;
        break;
      }
      case Match::unclosed:
        out.unclosed = true;
        if (!out.text) out.text = region.substr(pos);
        return;  // every later '{' lies inside this unclosed object
      case Match::too_deep:
        out.too_deep = true;
        ++pos;
        break;
      case Match::not_object: ++pos; break;
    }
  }
}

Extracted extract(std::string_view raw) {
  Extracted out;
  std::string_view text = trim_space(raw);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t tries = 0;
  // A fenced block first: models that add prose put the JSON there.
  const auto fence = text.find("```");
  if (fence != std::string_view::npos) {
    const auto line_end = text.find('\n', fence);
    if (line_end != std::string_view::npos) {
      auto body = text.substr(line_end + 1);
      const auto close = body.find("```");
      if (close != std::string_view::npos) body = body.substr(0, close);
      scan_region(body, out, tries);
      if (out.text && !out.value.is_discarded() && out.value.is_object()) return out;
    }
  }
  Extracted whole;
  scan_region(text, whole, tries);
  if (whole.text && whole.value.is_object()) return whole;
  // Neither parsed: report what the whole text shows (an unclosed object means truncation).
  whole.unclosed = whole.unclosed || out.unclosed;
  whole.too_deep = whole.too_deep || out.too_deep;
  whole.found_balanced = whole.found_balanced || out.found_balanced;
  if (!whole.text) whole.text = out.text;
  return whole;
}

std::string beats_text(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// A JSON number that is a whole number (36 or 36.0), within [lo, hi]; nullopt otherwise.
std::optional<long long> whole_number(const json& v) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(1) << 53) return std::nullopt;
      return static_cast<long long>(u);
    }
    return v.get<long long>();
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<long long>(d);
  }
  return std::nullopt;
}

std::optional<double> number_of(const json& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string type_text(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "a number";
}

class Errors {
 public:
  void add(std::string e) {
    ++count_;
    if (list_.size() < kMaxListedErrors) list_.push_back(std::move(e));
  }
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  std::vector<std::string> take() {
    if (count_ > list_.size()) list_.push_back(fmt::format("... and {} more problems", count_ - list_.size()));
    return std::move(list_);
  }

 private:
  std::vector<std::string> list_;
  std::size_t count_ = 0;
};

// Per bar, what the bar plays on a groove's grid: (lane or note, step) pairs.
using BarKey = std::set<std::pair<int, int>>;

int voice_key(DrumNote note) {
  const auto lane = lane_of(note);
  return lane ? static_cast<int>(lane_index(*lane)) : 100 + note;
}

std::vector<BarKey> bar_keys(const Pattern& p, int steps_per_quarter, int bars) {
  std::vector<BarKey> keys(static_cast<std::size_t>(std::max(bars, 0)));
  const auto bar_ticks = p.meter.ticks_per_bar();
  const double step_ticks = static_cast<double>(kPpq) / steps_per_quarter;
  for (const auto& h : p.hits) {
    if (bar_ticks <= 0) break;
    const auto bar = h.tick / bar_ticks;
    if (bar < 0 || bar >= bars) continue;
    const auto step = static_cast<int>(std::lround(static_cast<double>(h.tick - bar * bar_ticks) / step_ticks));
    keys[static_cast<std::size_t>(bar)].insert({voice_key(h.note), step});
  }
  return keys;
}

// The example a reply copies bar for bar, if any.
const Example* copied_example(const Pattern& reply, int bars, const std::vector<Example>& examples) {
  for (const auto& ex : examples) {
    const auto ex_pattern = example_pattern(ex, reply.tempo_bpm);
    if (ex_pattern.meter != reply.meter || ex_pattern.hits.empty()) continue;
    const int spq = notation_steps_per_quarter(ex.groove.grid);
    const auto ex_keys = bar_keys(ex_pattern, spq, ex_pattern.bars());
    const auto keys = bar_keys(reply, spq, bars);
    const bool all_copied = std::all_of(keys.begin(), keys.end(), [&](const BarKey& k) {
      return !k.empty() && std::find(ex_keys.begin(), ex_keys.end(), k) != ex_keys.end();
    });
    if (all_copied) return &ex;
  }
  return nullptr;
}

}  // namespace

std::string_view problem_name(ReplyProblem problem) noexcept {
  switch (problem) {
    case ReplyProblem::none: return "none";
    case ReplyProblem::refusal: return "refusal";
    case ReplyProblem::truncated: return "truncated";
    case ReplyProblem::no_json: return "no_json";
    case ReplyProblem::malformed: return "malformed";
    case ReplyProblem::invalid: return "invalid";
  }
  return "unknown";
}

std::string ReplyCheck::summary() const {
  std::string out(problem_name(problem));
  for (std::size_t i = 0; i < errors.size() && i < 3; ++i) out += (i == 0 ? ": " : "; ") + errors[i];
  if (errors.size() > 3) out += fmt::format(" (+{} more)", errors.size() - 3);
  return out;
}

std::optional<std::string_view> extract_json(std::string_view text, bool* unclosed) {
  auto found = extract(text);
  if (unclosed != nullptr) *unclosed = found.unclosed;
  if (!found.text || !found.value.is_object()) return std::nullopt;
  return found.text;
}

ReplyCheck check_reply(std::string_view text, const ReplyExpectation& expect, const ReplyMeta& meta) {
  ReplyCheck check;
  if (meta.refusal) {
    check.problem = ReplyProblem::refusal;
    check.errors.push_back("the model declined: " + (meta.refusal->empty() ? std::string("(no reason given)")
                                                                              : meta.refusal->substr(0, 300)));
    return check;
  }
  auto found = extract(text);
  if (!found.value.is_object()) {
    if (found.unclosed || (meta.truncated && found.text)) {
      check.problem = ReplyProblem::truncated;
      check.errors.push_back(fmt::format("the reply was cut off before the JSON object closed ({} characters{})",
                                         text.size(), meta.truncated ? ", at the output token limit" : ""));
    } else if (found.too_deep) {
      check.problem = ReplyProblem::malformed;
      check.errors.push_back(fmt::format("the JSON is nested deeper than {} levels; the reply object has 3", kMaxJsonDepth));
    } else if (found.found_balanced) {
      check.problem = ReplyProblem::malformed;
      check.errors.push_back("the JSON object does not parse (check commas, quotes and brackets)");
    } else {
      check.problem = meta.truncated ? ReplyProblem::truncated : ReplyProblem::no_json;
      check.errors.push_back(meta.truncated ? "the reply was cut off at the output token limit before any JSON"
                                            : "the reply holds no JSON object");
    }
    return check;
  }
  const json& root = found.value;
  Errors errors;
  for (const char* key : {"tempo", "meter", "bars", "notes"}) {
    if (!root.contains(key)) errors.add(fmt::format("the key \"{}\" is missing", key));
  }
  if (root.contains("meter")) {
    const auto& m = root["meter"];
    if (!m.is_string()) {
      errors.add("\"meter\" is " + type_text(m) + "; it must be the string \"" + expect.meter.to_string() + "\"");
    } else {
      auto meter = Meter::parse(m.get<std::string>());
      if (!meter || *meter != expect.meter) {
        errors.add(fmt::format("\"meter\" is \"{}\"; it must be \"{}\"", m.get<std::string>().substr(0, 20),
                               expect.meter.to_string()));
      }
    }
  }
  if (root.contains("bars")) {
    const auto bars = whole_number(root["bars"]);
    if (!bars || *bars != expect.bars) {
      errors.add(fmt::format("\"bars\" is {}; it must be {}", root["bars"].dump().substr(0, 20), expect.bars));
    }
  }
  if (root.contains("tempo") && !number_of(root["tempo"])) {
    errors.add("\"tempo\" is " + type_text(root["tempo"]) + "; it must be the number " + beats_text(expect.tempo_bpm));
  }

  Pattern pattern;
  pattern.meter = expect.meter;
  pattern.tempo_bpm = expect.tempo_bpm;
  const auto bar_ticks = expect.meter.ticks_per_bar();
  pattern.length_ticks = bar_ticks * expect.bars;
  const double quarters = 4.0 * expect.meter.numerator / expect.meter.denominator;
  std::vector<int> per_bar(static_cast<std::size_t>(std::max(expect.bars, 0)), 0);
  if (root.contains("notes")) {
    const auto& notes = root["notes"];
    if (!notes.is_array()) {
      errors.add("\"notes\" is " + type_text(notes) + "; it must be an array of note objects");
    } else if (notes.empty()) {
      errors.add("\"notes\" is empty; every bar needs notes");
    } else {
      std::set<std::pair<std::int64_t, int>> seen;
      for (std::size_t i = 0; i < notes.size(); ++i) {
        const auto& n = notes[i];
        const std::string where = fmt::format("note {}", i + 1);
        if (!n.is_object()) {
          errors.add(where + " is " + type_text(n) + "; it must be an object {bar, start, duration, pitch, velocity}");
          continue;
        }
        bool good = true;
        auto field = [&](const char* key) -> const json* {
          if (!n.contains(key)) {
            errors.add(fmt::format("{}: \"{}\" is missing", where, key));
            good = false;
            return nullptr;
          }
          return &n[key];
        };
        const json* jbar = field("bar");
        const json* jstart = field("start");
        const json* jdur = field("duration");
        const json* jpitch = field("pitch");
        const json* jvel = field("velocity");
        if (!good) continue;
        const auto bar = whole_number(*jbar);
        const auto start = number_of(*jstart);
        const auto duration = number_of(*jdur);
        const auto pitch = whole_number(*jpitch);
        const auto velocity = whole_number(*jvel);
        const std::string at =
            bar && start ? fmt::format("{} (bar {}, start {})", where, *bar, beats_text(*start)) : where;
        if (!bar || *bar < 1 || *bar > expect.bars) {
          errors.add(fmt::format("{}: bar {} is outside the piece; allowed: whole numbers 1-{}", at,
                                 jbar->dump().substr(0, 20), expect.bars));
          good = false;
        }
        if (!start || *start < -1e-3 || *start >= quarters - 1e-6) {
          errors.add(fmt::format("{}: start {} is outside the bar; allowed: 0 up to below {} (quarter-note beats "
                                 "from the bar's start in {})",
                                 at, jstart->dump().substr(0, 20), beats_text(quarters), expect.meter.to_string()));
          good = false;
        }
        if (!duration || *duration <= 0 || *duration > quarters + 1e-6) {
          errors.add(fmt::format("{}: duration {} is not sane; allowed: more than 0 up to {} beats (one bar)", at,
                                 jdur->dump().substr(0, 20), beats_text(quarters)));
          good = false;
        }
        if (!pitch || *pitch < 35 || *pitch > 81 || drum_voice(static_cast<DrumNote>(*pitch)) == nullptr) {
          errors.add(fmt::format("{}: pitch {} is not a General MIDI drum note; allowed: whole numbers 35-81", at,
                                 jpitch->dump().substr(0, 20)));
          good = false;
        }
        if (!velocity || *velocity < 1 || *velocity > 127) {
          errors.add(fmt::format("{}: velocity {} is out of range; allowed: whole numbers 1-127", at,
                                 jvel->dump().substr(0, 20)));
          good = false;
        }
        if (!good) continue;
        const auto b = static_cast<std::int64_t>(*bar - 1);
        const auto within = std::clamp<std::int64_t>(std::llround(std::max(*start, 0.0) * kPpq), 0, bar_ticks - 1);
        const auto tick = b * bar_ticks + within;
        const auto note = static_cast<int>(*pitch);
        if (!seen.insert({tick, note}).second) {
          ++check.duplicates_dropped;
          continue;
        }
        ++per_bar[static_cast<std::size_t>(b)];
        pattern.hits.push_back(Hit{tick, static_cast<DrumNote>(note), static_cast<std::uint8_t>(*velocity),
                                   std::max<std::int64_t>(1, std::llround(*duration * kPpq))});
      }
    }
  }
  const int max_per_bar = static_cast<int>(std::ceil(quarters * kMaxNotesPerQuarter));
  if (root.contains("notes") && root["notes"].is_array() && !root["notes"].empty()) {
    for (std::size_t b = 0; b < per_bar.size(); ++b) {
      if (per_bar[b] == 0) errors.add(fmt::format("bar {} has no valid notes; every bar needs notes", b + 1));
      if (per_bar[b] > max_per_bar) {
        errors.add(fmt::format("bar {} has {} notes; allowed: at most {} in a {} bar", b + 1, per_bar[b],
                               max_per_bar, expect.meter.to_string()));
      }
    }
  }
  pattern.sort_hits();
  if (errors.empty()) {
    if (const auto* ex = copied_example(pattern, expect.bars, expect.examples)) {
      errors.add("the notes copy the example groove '" + ex->groove.name +
                 "' bar for bar; write your own part in the style instead");
    }
  }
  if (!errors.empty()) {
    check.problem = ReplyProblem::invalid;
    check.errors = errors.take();
    return check;
  }
  check.pattern = std::move(pattern);
  return check;
}

std::string repair_message(const ReplyCheck& check, const ReplyExpectation& expect) {
  std::string s = "Your reply could not be used";
  s += check.problem == ReplyProblem::none ? ".\n" : fmt::format(" ({}):\n", problem_name(check.problem));
  for (const auto& e : check.errors) s += "- " + e + "\n";
  s += fmt::format("Send the complete corrected JSON object for the same request: tempo {}, meter \"{}\", "
                   "bars {}, and every note of all {} bars. Only the JSON object, no prose.",
                   beats_text(expect.tempo_bpm), expect.meter.to_string(), expect.bars, expect.bars);
  if (check.problem == ReplyProblem::truncated) {
    s += " Keep it compact: no spaces or line breaks, and fewer notes if needed.";
  }
  return s;
}

}  // namespace mdg::llm
