// JSON layout of a groove model (all fields required when decoding, except placement_ms,
// note_velocity, context_feel, takes and take_timing, which models written before they existed (and
// models without take shapes) lack; they then read as 0 and empty):
//   {"meter": "4/4", "grid": "sixteenth", "bars": 120,
//    "density": 14.2, "swing_ratio": 1.0, "swing_ratio_16th": 1.0, "ghost_rate": 0.1,
//    "syncopation": 2.3, "fill_rate": 0.05, "placement_ms": -9.5,
//    "note_velocity": {"37": -30.2, "44": -12.5},   (GM note -> offset from its lane's level)
//    "lanes": {"kick": {"note": 36, "hits_per_bar": 4.1, "velocity_mean": .., "velocity_sd": ..,
//                       "offset_mean_ms": .., "offset_sd_ms": ..,
//                       "steps": [{"onset_prob": .., "velocity_mean": .., "velocity_sd": ..,
//                                  "ghost_prob": .., "ghost_velocity_mean": .., "offset_mean_ms": ..,
//                                  "offset_sd_ms": .., "hits": ..}, ...]}, ...all nine lanes},
//    "transitions": [{"u": "0:12 1:40 5:3", "c": {"0": "1:10 5:2", "1": "0:30"},
//                     "b": "0,5=1:7; 1,1=0:3 5:2"}, ...],
//    "context_feel": ["3 0 4 5 36 0 8 14 97 -3.2", ...]}
//      (level lane step mask note previous next hits median_velocity median_offset_ms; the
//       fields a level does not use are 0; sorted by context_key)
//    "takes": ["00ff40...0000 112 31", ...]
//      (TakeShape: two hex digits per lane and step, lane-major, then the snare strokes and
//       ghost notes; only in models fitted with take shapes)
//    "take_timing": ["0.8 21.3", ...]
//      (per take, in the same order: the mean and SD of its hits' offsets from its own pulse,
//       ms; absent in models written before they were measured)
// Transition counts are written as "mask:count" lists in one string per step (unigram) and
// per previous mask (contexts) and per "previous,beat_before" pair (beat contexts) so that an indented dump stays a few lines per step.
// Doubles are rounded to 4 significant digits (at most 4 decimals) so files are small and
// re-encoding a decoded model gives the same bytes.
#include "groove/groove_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace mdg {
namespace {

using nlohmann::json;

double round4(double x) {
  if (x == 0.0 || !std::isfinite(x)) return x;
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(x))));
  const int digits = std::min(3 - magnitude, 4);
  const double scale = std::pow(10.0, digits);
  const double r = std::round(x * scale) / scale;
  return r == 0.0 ? 0.0 : r;  // no "-0.0"
}

std::string format_counts(const std::vector<MaskCount>& counts) {
  std::string out;
  for (const auto& c : counts) {
    if (!out.empty()) out += ' ';
    out += std::to_string(c.mask);
    out += ':';
    out += std::to_string(c.count);
  }
  return out;
}

// One context_feel entry: "level lane step mask note previous next hits velocity offset_ms".
std::string fmt_context(std::uint64_t level, std::uint64_t lane, std::uint64_t step, std::uint64_t mask,
                        std::uint64_t note, std::uint64_t previous, std::uint64_t next,
                        std::uint32_t hits, double velocity, double offset_ms) {
  std::string out;
  for (const std::uint64_t v : {level, lane, step, mask, note, previous, next}) {
    out += std::to_string(v);
    out += ' ';
  }
  out += std::to_string(hits);
  out += ' ';
  out += json(velocity).dump();
  out += ' ';
  out += json(offset_ms).dump();
  return out;
}

json model_to_json(const GrooveModel& m) {
  json j;
  j["meter"] = m.grid.meter.to_string();
  j["grid"] = subdivision_name(m.grid.subdivision);
  j["bars"] = m.bars;
  j["density"] = round4(m.density);
  j["swing_ratio"] = round4(m.swing_ratio);
  j["swing_ratio_16th"] = round4(m.swing_ratio_16th);
  j["ghost_rate"] = round4(m.ghost_rate);
  j["syncopation"] = round4(m.syncopation);
  j["fill_rate"] = round4(m.fill_rate);
  j["placement_ms"] = round4(m.placement_ms);
  json note_velocity = json::object();
  for (const NoteVelocity& nv : m.note_velocity) note_velocity[std::to_string(nv.note)] = round4(nv.offset);
  j["note_velocity"] = std::move(note_velocity);
  json lanes = json::object();
  for (Lane lane : kAllLanes) {
    const LaneStats& s = m.lanes[lane_index(lane)];
    json l;
    l["note"] = s.note;
    l["hits_per_bar"] = round4(s.hits_per_bar);
    l["velocity_mean"] = round4(s.velocity_mean);
    l["velocity_sd"] = round4(s.velocity_sd);
    l["offset_mean_ms"] = round4(s.offset_mean_ms);
    l["offset_sd_ms"] = round4(s.offset_sd_ms);
    json steps = json::array();
    for (const StepStats& st : s.steps) {
      steps.push_back({{"onset_prob", round4(st.onset_prob)},
                       {"velocity_mean", round4(st.velocity_mean)},
                       {"velocity_sd", round4(st.velocity_sd)},
                       {"ghost_prob", round4(st.ghost_prob)},
                       {"ghost_velocity_mean", round4(st.ghost_velocity_mean)},
                       {"offset_mean_ms", round4(st.offset_mean_ms)},
                       {"offset_sd_ms", round4(st.offset_sd_ms)},
                       {"hits", st.hits}});
    }
    l["steps"] = std::move(steps);
    lanes[std::string(lane_id(lane))] = std::move(l);
  }
  j["lanes"] = std::move(lanes);
  json transitions = json::array();
  for (const StepTransitions& t : m.transitions) {
    json contexts = json::object();
    for (const ContextCounts& c : t.contexts) {
      contexts[std::to_string(c.previous)] = format_counts(c.next);
    }
    // Beat contexts are many: one string per step keeps decoding cheap.
    std::string beat_contexts;
    for (const BeatContextCounts& c : t.beat_contexts) {
      if (!beat_contexts.empty()) beat_contexts += "; ";
      beat_contexts += std::to_string(c.previous) + "," + std::to_string(c.beat_before) + "=" +
                       format_counts(c.next);
    }
    transitions.push_back({{"u", format_counts(t.unigram)},
                           {"c", std::move(contexts)},
                           {"b", std::move(beat_contexts)}});
  }
  j["transitions"] = std::move(transitions);
  json context_feel = json::array();
  for (const ContextFeel& c : m.context_feel) {
    const auto field_of = [&](int shift, std::uint64_t bits) { return (c.key >> shift) & bits; };
    context_feel.push_back(fmt_context(field_of(60, 0x3), field_of(56, 0xf), field_of(48, 0xff),
                                       field_of(36, 0x1ff), field_of(28, 0x7f), field_of(14, 0x1ff),
                                       field_of(0, 0x1ff), c.hits, round4(c.velocity),
                                       round4(c.offset_ms)));
  }
  j["context_feel"] = std::move(context_feel);
  if (!m.takes.empty()) {
    json takes = json::array();
    constexpr std::string_view kHex = "0123456789abcdef";
    for (const TakeShape& t : m.takes) {
      std::string s;
      s.reserve(2 * t.onsets.size() + 24);
      for (const std::uint8_t b : t.onsets) {
        s += kHex[b >> 4];
        s += kHex[b & 0xf];
      }
      s += ' ';
      s += std::to_string(t.snare_hits);
      s += ' ';
      s += std::to_string(t.snare_ghosts);
      if (!t.bars.empty()) {
        s += ' ';
        for (const LaneMask bar_mask : t.bars) {
          s += kHex[bar_mask >> 8 & 0xf];
          s += kHex[bar_mask >> 4 & 0xf];
          s += kHex[bar_mask & 0xf];
        }
      }
      takes.push_back(std::move(s));
    }
    j["takes"] = std::move(takes);
    if (std::any_of(m.takes.begin(), m.takes.end(), [](const TakeShape& t) { return t.timing_sd_ms > 0.0; })) {
      json timing = json::array();
      for (const TakeShape& t : m.takes) {
        std::string text = json(round4(t.timing_mean_ms)).dump();
        text += ' ';
        text += json(round4(t.timing_sd_ms)).dump();
        timing.push_back(std::move(text));
      }
      j["take_timing"] = std::move(timing);
    }
  }
  return j;
}

// ---- decoding ----

std::unexpected<Error> bad(const std::string& path, const std::string& what) {
  return fail(Errc::parse, path + " " + what);
}

std::string join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::string range_text(double min, double max) {
  auto text = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  return text(min) + "-" + text(max);
}

Result<const json*> field(const json& obj, std::string_view key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) return bad(path, "is missing");
  return &*it;
}

Result<double> number(const json& obj, std::string_view key, const std::string& prefix,
                      double min, double max) {
  const std::string path = join(prefix, key);
  auto f = field(obj, key, path);
  if (!f) return std::unexpected(f.error());
  if (!(*f)->is_number()) return bad(path, "must be a number");
  const double v = (*f)->get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    return bad(path, "must be " + range_text(min, max) + ", got " + (*f)->dump());
  }
  return v;
}

Result<std::uint64_t> integer(const json& obj, std::string_view key, const std::string& prefix,
                              std::uint64_t max) {
  const std::string path = join(prefix, key);
  auto f = field(obj, key, path);
  if (!f) return std::unexpected(f.error());
  if (!(*f)->is_number_integer() || ((*f)->is_number_integer() && !(*f)->is_number_unsigned() &&
                                     (*f)->get<std::int64_t>() < 0)) {
    return bad(path, "must be a whole number 0-" + std::to_string(max));
  }
  const auto v = (*f)->get<std::uint64_t>();
  if (v > max) return bad(path, "must be 0-" + std::to_string(max) + ", got " + std::to_string(v));
  return v;
}

Result<std::string> text(const json& obj, std::string_view key, const std::string& prefix) {
  const std::string path = join(prefix, key);
  auto f = field(obj, key, path);
  if (!f) return std::unexpected(f.error());
  if (!(*f)->is_string()) return bad(path, "must be a string");
  return (*f)->get<std::string>();
}

constexpr double kMaxOffsetMs = 1000.0;
constexpr std::uint64_t kMaxCount = 0xffffffffu;

// "mask:count mask:count ...", masks strictly increasing and below 512.
Result<std::vector<MaskCount>> parse_counts(const std::string& s, const std::string& path) {
  std::vector<MaskCount> out;
  std::size_t pos = 0;
  const char* begin = s.data();
  while (pos < s.size()) {
    if (!out.empty()) {
      if (s[pos] != ' ') return bad(path, "must be \"mask:count\" pairs separated by single spaces");
      ++pos;
    }
    unsigned mask = 0;
    std::uint64_t count = 0;
    auto r1 = std::from_chars(begin + pos, begin + s.size(), mask);
    if (r1.ec != std::errc{} || r1.ptr == begin + s.size() || *r1.ptr != ':') {
      return bad(path, "must be \"mask:count\" pairs separated by single spaces");
    }
    auto r2 = std::from_chars(r1.ptr + 1, begin + s.size(), count);
    if (r2.ec != std::errc{}) return bad(path, "must be \"mask:count\" pairs separated by single spaces");
    pos = static_cast<std::size_t>(r2.ptr - begin);
    if (mask >= kLaneMaskLimit) {
      return bad(path, "mask " + std::to_string(mask) + " must be below " + std::to_string(kLaneMaskLimit));
    }
    if (count > kMaxCount) return bad(path, "count " + std::to_string(count) + " is too large");
    if (!out.empty() && mask <= out.back().mask) {
      return bad(path, "masks must be sorted in increasing order without repeats");
    }
    out.push_back({static_cast<LaneMask>(mask), static_cast<std::uint32_t>(count)});
  }
  return out;
}

// takes: strings of "<onsets> <snare_hits> <snare_ghosts> [<bars>]", the onsets as two
// lower-case hex digits per lane and step (lane-major, kLaneCount x steps bytes), the bars
// (optional) as three lower-case hex digits per step mask (below 512), whole bars only.
Result<std::vector<TakeShape>> decode_takes(const json& j, const std::string& path, std::size_t steps) {
  if (!j.is_array()) return bad(path, "must be an array of take strings");
  const std::size_t cells = kLaneCount * steps;
  std::vector<TakeShape> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) return bad(where, "must be a string");
    const std::string& text = j[i].get_ref<const std::string&>();
    const auto space = text.find(' ');
    if (space != 2 * cells) {
      return bad(where, "must start with " + std::to_string(2 * cells) +
                            " hex digits (two per lane and step), then the snare strokes and ghost notes");
    }
    TakeShape t;
    t.onsets.reserve(cells);
    const auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    for (std::size_t k = 0; k < cells; ++k) {
      const int hi = nibble(text[2 * k]), lo = nibble(text[2 * k + 1]);
      if (hi < 0 || lo < 0) return bad(where, "has a character that is not a lower-case hex digit in its onsets");
      t.onsets.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    const char* p = text.data() + space + 1;
    const char* const end = text.data() + text.size();
    const auto [p2, e1] = std::from_chars(p, end, t.snare_hits);
    if (e1 != std::errc{} || p2 == end || *p2 != ' ') {
      return bad(where, "needs the snare strokes (0-4294967295) and ghost notes after the onsets");
    }
    const auto [p3, e2] = std::from_chars(p2 + 1, end, t.snare_ghosts);
    if (e2 != std::errc{} || (p3 != end && *p3 != ' ')) {
      return bad(where, "needs the ghost notes (0-4294967295) after the snare strokes");
    }
    if (p3 != end) {
      const std::string_view digits(p3 + 1, static_cast<std::size_t>(end - p3 - 1));
      if (digits.empty() || digits.size() % (3 * steps) != 0) {
        return bad(where, "has bars that are not whole: they need 3 hex digits per step mask, " +
                              std::to_string(3 * steps) + " per bar");
      }
      t.bars.reserve(digits.size() / 3);
      for (std::size_t k = 0; k < digits.size(); k += 3) {
        const int a = nibble(digits[k]), b = nibble(digits[k + 1]), c = nibble(digits[k + 2]);
        if (a < 0 || b < 0 || c < 0) return bad(where, "has a character that is not a lower-case hex digit in its bars");
        const int mask = a << 8 | b << 4 | c;
        if (mask >= 1 << kLaneCount) {
          return bad(where, "has a step mask above " + std::to_string((1 << kLaneCount) - 1) + " in its bars");
        }
        t.bars.push_back(static_cast<LaneMask>(mask));
      }
    }
    if (t.snare_ghosts > t.snare_hits) {
      return bad(where, "has more snare ghost notes (" + std::to_string(t.snare_ghosts) + ") than snare strokes (" +
                            std::to_string(t.snare_hits) + ")");
    }
    out.push_back(std::move(t));
  }
  return out;
}

// take_timing: one string "timing_mean_ms timing_sd_ms" per take (as many as takes), each
// within +-1000 ms, the SD not negative; fills the takes' timing.
Result<void> decode_take_timing(const json& j, const std::string& path, std::vector<TakeShape>& takes) {
  if (!j.is_array() || j.size() != takes.size()) {
    return bad(path, "must be an array of one timing string per take (" + std::to_string(takes.size()) + ")");
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) return bad(where, "must be a string");
    const std::string& text = j[i].get_ref<const std::string&>();
    const char* p = text.data();
    const char* const end = text.data() + text.size();
    std::array<double, 2> v{};
    bool ok = true;
    for (std::size_t f = 0; ok && f < v.size(); ++f) {
      const auto r = std::from_chars(p, end, v[f]);
      ok = r.ec == std::errc{} && std::isfinite(v[f]) && std::abs(v[f]) <= 1000.0;
      p = r.ptr;
      if (ok && f + 1 < v.size()) ok = p != end && *p++ == ' ';
    }
    if (!ok || p != end || v[1] < 0.0) {
      return bad(where, "must be 'timing_mean_ms timing_sd_ms' (ms, each -1000-1000, the SD 0 or more)");
    }
    takes[i].timing_mean_ms = v[0];
    takes[i].timing_sd_ms = v[1];
  }
  return {};
}

// context_feel: strings of "level lane step mask note previous next hits velocity offset_ms"
// (see fmt_context), keys strictly increasing.
Result<std::vector<ContextFeel>> decode_context_feel(const json& j, const std::string& path,
                                                     std::size_t steps) {
  if (!j.is_array()) return bad(path, "must be an array of context strings");
  std::vector<ContextFeel> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    if (!j[i].is_string()) return bad(where, "must be a string");
    const std::string& text = j[i].get_ref<const std::string&>();
    const char* p = text.data();
    const char* const end = text.data() + text.size();
    std::array<std::uint64_t, 8> fields{};  // level lane step mask note previous next hits
    std::array<double, 2> values{};         // velocity offset_ms
    bool ok = true;
    const auto skip_space = [&] {
      if (p == end || *p != ' ') return false;
      while (p != end && *p == ' ') ++p;
      return true;
    };
    for (std::size_t f = 0; ok && f < fields.size(); ++f) {
      const auto r = std::from_chars(p, end, fields[f]);
      ok = r.ec == std::errc{} && ((p = r.ptr), skip_space());
    }
    for (std::size_t f = 0; ok && f < values.size(); ++f) {
      const auto r = std::from_chars(p, end, values[f]);
      ok = r.ec == std::errc{} && ((p = r.ptr), f + 1 == values.size() || skip_space());
    }
    if (!ok || p != end) {
      return bad(where, "must be 'level lane step mask note previous next hits velocity offset_ms'");
    }
    const auto [level, lane, step, mask, note, previous, next, hits] = fields;
    const auto [velocity, offset] = values;
    if (level > 3 || lane >= kLaneCount || step >= steps || mask > 0x1ff || note > 127 ||
        previous > 0x1ff || next > 0x1ff || hits > kMaxCount || !std::isfinite(velocity) ||
        velocity < 0 || velocity > 127 || !std::isfinite(offset) || std::abs(offset) > 1000) {
      return bad(where, "has a field out of range; allowed: level 0-3, lane 0-8, step below " +
                            std::to_string(steps) + ", masks 0-511, note 0-127, velocity 0-127, "
                            "offset -1000-1000 ms");
    }
    const std::uint64_t key = context_key(static_cast<ContextLevel>(level), lane, static_cast<int>(step),
                                          static_cast<std::uint32_t>(mask), static_cast<DrumNote>(note),
                                          static_cast<std::uint32_t>(previous),
                                          static_cast<std::uint32_t>(next));
    if (((key >> 48 & 0xff) != step) || ((key >> 36 & 0x1ff) != mask) ||
        ((key >> 14 & 0x1ff) != previous) || ((key & 0x1ff) != next)) {
      return bad(where, "sets a field its level does not use (level 0: lane and note; 1: + step; "
                        "2: + mask; 3: + previous and next)");
    }
    if (!out.empty() && key <= out.back().key) {
      return bad(where, "contexts must be sorted in increasing order without repeats");
    }
    out.push_back({key, static_cast<std::uint32_t>(hits), velocity, offset});
  }
  return out;
}

Result<StepStats> decode_step(const json& j, const std::string& path) {
  if (!j.is_object()) return bad(path, "must be an object");
  StepStats s;
  struct Spec {
    const char* key;
    double StepStats::*member;
    double min, max;
  };
  static constexpr Spec specs[] = {
      {"onset_prob", &StepStats::onset_prob, 0, 1},
      {"velocity_mean", &StepStats::velocity_mean, 0, 127},
      {"velocity_sd", &StepStats::velocity_sd, 0, 127},
      {"ghost_prob", &StepStats::ghost_prob, 0, 1},
      {"ghost_velocity_mean", &StepStats::ghost_velocity_mean, 0, 127},
      {"offset_mean_ms", &StepStats::offset_mean_ms, -kMaxOffsetMs, kMaxOffsetMs},
      {"offset_sd_ms", &StepStats::offset_sd_ms, 0, kMaxOffsetMs},
  };
  for (const auto& spec : specs) {
    auto v = number(j, spec.key, path, spec.min, spec.max);
    if (!v) return std::unexpected(v.error());
    s.*spec.member = *v;
  }
  auto hits = integer(j, "hits", path, kMaxCount);
  if (!hits) return std::unexpected(hits.error());
  s.hits = static_cast<std::uint32_t>(*hits);
  return s;
}

Result<LaneStats> decode_lane(const json& j, const std::string& path, std::size_t steps,
                              bool allow_empty) {
  if (!j.is_object()) return bad(path, "must be an object");
  LaneStats lane;
  auto note = integer(j, "note", path, 127);
  if (!note) return std::unexpected(note.error());
  lane.note = static_cast<DrumNote>(*note);
  struct Spec {
    const char* key;
    double LaneStats::*member;
    double min, max;
  };
  static constexpr Spec specs[] = {
      {"hits_per_bar", &LaneStats::hits_per_bar, 0, 10000},
      {"velocity_mean", &LaneStats::velocity_mean, 0, 127},
      {"velocity_sd", &LaneStats::velocity_sd, 0, 127},
      {"offset_mean_ms", &LaneStats::offset_mean_ms, -kMaxOffsetMs, kMaxOffsetMs},
      {"offset_sd_ms", &LaneStats::offset_sd_ms, 0, kMaxOffsetMs},
  };
  for (const auto& spec : specs) {
    auto v = number(j, spec.key, path, spec.min, spec.max);
    if (!v) return std::unexpected(v.error());
    lane.*spec.member = *v;
  }
  const std::string steps_path = join(path, "steps");
  auto arr = field(j, "steps", steps_path);
  if (!arr) return std::unexpected(arr.error());
  if (!(*arr)->is_array()) return bad(steps_path, "must be an array");
  const std::size_t n = (*arr)->size();
  if (n != steps && !(allow_empty && n == 0)) {
    return bad(steps_path, "must have " + std::to_string(steps) + " entries (one per grid step), got " +
                               std::to_string(n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto s = decode_step((**arr)[i], steps_path + "[" + std::to_string(i) + "]");
    if (!s) return std::unexpected(s.error());
    lane.steps.push_back(*s);
  }
  return lane;
}

Result<GrooveModel> decode_model(const json& j, const std::string& prefix) {
  const std::string where = prefix.empty() ? "groove model" : prefix;
  if (!j.is_object()) return bad(where, "must be an object");
  GrooveModel m;
  auto meter_text = text(j, "meter", prefix);
  if (!meter_text) return std::unexpected(meter_text.error());
  auto meter = Meter::parse(*meter_text);
  if (!meter) return bad(join(prefix, "meter"), meter.error().message);
  auto grid_text = text(j, "grid", prefix);
  if (!grid_text) return std::unexpected(grid_text.error());
  auto sub = parse_subdivision(*grid_text);
  if (!sub) return bad(join(prefix, "grid"), sub.error().message);
  m.grid = Grid{*meter, *sub};
  if (!m.grid.fits()) {
    return bad(join(prefix, "grid"), "does not divide a " + meter->to_string() +
                                         " bar into whole steps; use sixteenth");
  }
  auto bars = integer(j, "bars", prefix, kMaxCount);
  if (!bars) return std::unexpected(bars.error());
  m.bars = static_cast<std::uint32_t>(*bars);

  struct Spec {
    const char* key;
    double GrooveModel::*member;
    double min, max;
  };
  static constexpr Spec specs[] = {
      {"density", &GrooveModel::density, 0, 10000},
      {"swing_ratio", &GrooveModel::swing_ratio, 0.25, 8},
      {"swing_ratio_16th", &GrooveModel::swing_ratio_16th, 0.25, 8},
      {"ghost_rate", &GrooveModel::ghost_rate, 0, 1},
      {"syncopation", &GrooveModel::syncopation, 0, 10000},
      {"fill_rate", &GrooveModel::fill_rate, 0, 1},
  };
  for (const auto& spec : specs) {
    auto v = number(j, spec.key, prefix, spec.min, spec.max);
    if (!v) return std::unexpected(v.error());
    m.*spec.member = *v;
  }
  if (j.contains("placement_ms")) {
    auto v = number(j, "placement_ms", prefix, -1000, 1000);
    if (!v) return std::unexpected(v.error());
    m.placement_ms = *v;
  }
  if (j.contains("note_velocity")) {
    const std::string path = join(prefix, "note_velocity");
    const json& nv = j["note_velocity"];
    if (!nv.is_object()) return bad(path, "must be an object of GM note -> velocity offset");
    for (const auto& [key, value] : nv.items()) {
      int note = -1;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), note);
      if (ec != std::errc{} || end != key.data() + key.size() || note < 0 || note > 127) {
        return bad(join(path, key), "is not a MIDI note; allowed: 0-127");
      }
      auto offset = number(nv, key, path, -127, 127);
      if (!offset) return std::unexpected(offset.error());
      m.note_velocity.push_back({static_cast<DrumNote>(note), *offset});
    }
    std::sort(m.note_velocity.begin(), m.note_velocity.end(),
              [](const NoteVelocity& a, const NoteVelocity& b) { return a.note < b.note; });
  }

  const auto steps = static_cast<std::size_t>(m.grid.steps_per_bar());
  if (j.contains("context_feel")) {
    auto feel = decode_context_feel(j["context_feel"], join(prefix, "context_feel"), steps);
    if (!feel) return std::unexpected(feel.error());
    m.context_feel = std::move(*feel);
  }
  if (j.contains("takes")) {
    auto takes = decode_takes(j["takes"], join(prefix, "takes"), steps);
    if (!takes) return std::unexpected(takes.error());
    m.takes = std::move(*takes);
  }
  if (j.contains("take_timing")) {
    auto timing = decode_take_timing(j["take_timing"], join(prefix, "take_timing"), m.takes);
    if (!timing) return std::unexpected(timing.error());
  }
  const bool allow_empty = m.bars == 0;
  const std::string lanes_path = join(prefix, "lanes");
  auto lanes = field(j, "lanes", lanes_path);
  if (!lanes) return std::unexpected(lanes.error());
  if (!(*lanes)->is_object()) return bad(lanes_path, "must be an object keyed by lane");
  for (const auto& [key, value] : (*lanes)->items()) {
    if (!lane_from_id(key)) {
      return bad(join(lanes_path, key),
                 "is not a lane; allowed: kick, snare, hat, open_hat, low_tom, mid_tom, high_tom, "
                 "crash, ride");
    }
  }
  for (Lane lane : kAllLanes) {
    const std::string path = join(lanes_path, lane_id(lane));
    auto l = field(**lanes, lane_id(lane), path);
    if (!l) return std::unexpected(l.error());
    auto stats = decode_lane(**l, path, steps, allow_empty);
    if (!stats) return std::unexpected(stats.error());
    m.lanes[lane_index(lane)] = std::move(*stats);
  }

  const std::string tr_path = join(prefix, "transitions");
  auto tr = field(j, "transitions", tr_path);
  if (!tr) return std::unexpected(tr.error());
  if (!(*tr)->is_array()) return bad(tr_path, "must be an array");
  const std::size_t n = (*tr)->size();
  if (n != steps && !(allow_empty && n == 0)) {
    return bad(tr_path, "must have " + std::to_string(steps) + " entries (one per grid step), got " +
                            std::to_string(n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::string path = tr_path + "[" + std::to_string(i) + "]";
    const json& t = (**tr)[i];
    if (!t.is_object()) return bad(path, "must be an object with \"u\", \"c\" and \"b\"");
    StepTransitions out;
    auto u = text(t, "u", path);
    if (!u) return std::unexpected(u.error());
    auto unigram = parse_counts(*u, join(path, "u"));
    if (!unigram) return std::unexpected(unigram.error());
    out.unigram = std::move(*unigram);
    const std::string c_path = join(path, "c");
    auto c = field(t, "c", c_path);
    if (!c) return std::unexpected(c.error());
    if (!(*c)->is_object()) return bad(c_path, "must be an object keyed by the previous mask");
    for (const auto& [key, value] : (*c)->items()) {
      const std::string k_path = join(c_path, key);
      unsigned previous = 0;
      auto r = std::from_chars(key.data(), key.data() + key.size(), previous);
      if (r.ec != std::errc{} || r.ptr != key.data() + key.size() || previous >= kLaneMaskLimit ||
          std::to_string(previous) != key) {
        return bad(k_path, "key must be a mask 0-" + std::to_string(kLaneMaskLimit - 1));
      }
      if (!value.is_string()) return bad(k_path, "must be a string of \"mask:count\" pairs");
      auto next = parse_counts(value.get<std::string>(), k_path);
      if (!next) return std::unexpected(next.error());
      out.contexts.push_back({static_cast<LaneMask>(previous), std::move(*next)});
    }
    // Object keys come back in text order ("10" < "2"); the model wants numeric order.
    std::sort(out.contexts.begin(), out.contexts.end(),
              [](const ContextCounts& a, const ContextCounts& b) { return a.previous < b.previous; });
    const std::string b_path = join(path, "b");
    auto b = text(t, "b", path);
    if (!b) return std::unexpected(b.error());
    std::string_view rest = *b;
    while (!rest.empty()) {
      const auto end = rest.find("; ");
      const std::string_view entry = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
      const auto comma = entry.find(',');
      const auto equals = entry.find('=');
      unsigned previous = 0;
      unsigned beat_before = 0;
      const char* first = entry.data();
      const bool shaped = comma != std::string_view::npos && equals != std::string_view::npos && comma < equals;
      const auto r1 = shaped ? std::from_chars(first, first + comma, previous)
                             : std::from_chars_result{first, std::errc::invalid_argument};
      const auto r2 = shaped ? std::from_chars(first + comma + 1, first + equals, beat_before)
                             : std::from_chars_result{first, std::errc::invalid_argument};
      if (!shaped || r1.ec != std::errc{} || r1.ptr != first + comma || r2.ec != std::errc{} ||
          r2.ptr != first + equals || previous >= kLaneMaskLimit || beat_before >= kLaneMaskLimit) {
        return bad(b_path, "must be \"previous,beat_before=mask:count ...\" entries separated by \"; \", "
                           "masks 0-" + std::to_string(kLaneMaskLimit - 1) + ", got '" +
                               std::string(entry.substr(0, 40)) + "'");
      }
      auto next = parse_counts(std::string(entry.substr(equals + 1)), b_path);
      if (!next) return std::unexpected(next.error());
      if (!out.beat_contexts.empty()) {
        const auto& last = out.beat_contexts.back();
        if (std::pair{last.previous, last.beat_before} >= std::pair{static_cast<LaneMask>(previous), static_cast<LaneMask>(beat_before)}) {
          return bad(b_path, "entries must be sorted by (previous, beat_before) without repeats");
        }
      }
      out.beat_contexts.push_back(
          {static_cast<LaneMask>(previous), static_cast<LaneMask>(beat_before), std::move(*next)});
    }
    m.transitions.push_back(std::move(out));
  }
  return m;
}

constexpr const char* kSetModels[] = {"sixteenth", "triplet", "fill_sixteenth", "fill_triplet"};

}  // namespace

nlohmann::json groove_model_to_json(const GrooveModel& model) { return model_to_json(model); }

Result<GrooveModel> groove_model_from_json(const nlohmann::json& json) {
  return decode_model(json, "");
}

nlohmann::json groove_set_to_json(const GrooveSet& set) {
  json j;
  j["feel"] = subdivision_name(set.feel);
  j["sixteenth"] = model_to_json(set.sixteenth);
  j["triplet"] = model_to_json(set.triplet);
  j["fill_sixteenth"] = model_to_json(set.fill_sixteenth);
  j["fill_triplet"] = model_to_json(set.fill_triplet);
  return j;
}

Result<GrooveSet> groove_set_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return bad("groove", "must be an object");
  GrooveSet set;
  auto feel = text(json, "feel", "");
  if (!feel) return std::unexpected(feel.error());
  auto sub = parse_subdivision(*feel);
  if (!sub) return bad("feel", sub.error().message);
  set.feel = *sub;
  GrooveModel* models[] = {&set.sixteenth, &set.triplet, &set.fill_sixteenth, &set.fill_triplet};
  for (std::size_t i = 0; i < 4; ++i) {
    auto f = field(json, kSetModels[i], kSetModels[i]);
    if (!f) return std::unexpected(f.error());
    auto m = decode_model(**f, kSetModels[i]);
    if (!m) return std::unexpected(m.error());
    *models[i] = std::move(*m);
  }
  const Subdivision expected[] = {Subdivision::sixteenth, Subdivision::triplet,
                                  Subdivision::sixteenth, Subdivision::triplet};
  for (std::size_t i = 0; i < 4; ++i) {
    if (models[i]->bars > 0 && models[i]->grid.subdivision != expected[i]) {
      return bad(std::string(kSetModels[i]) + ".grid",
                 std::string("must be ") + subdivision_name(expected[i]));
    }
  }
  return set;
}

}  // namespace mdg
