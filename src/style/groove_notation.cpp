#include "style/groove_notation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace mdg {
namespace {

constexpr std::array kGridNames = {std::string_view("16th"), std::string_view("triplet"),
                                   std::string_view("8th"), std::string_view("16th-triplet")};
constexpr std::array kGrids = {NotationGrid::sixteenth, NotationGrid::triplet, NotationGrid::eighth,
                               NotationGrid::sixteenth_triplet};

// The nine lanes first (in the order drummers read a chart bottom-up), then named voices.
constexpr std::array kVoices = {
    NotationVoice{"kick", 36, false},          NotationVoice{"snare", 38, true},
    NotationVoice{"side_stick", 37, false},    NotationVoice{"clap", 39, false},
    NotationVoice{"closed_hat", 42, false},    NotationVoice{"pedal_hat", 44, false},
    NotationVoice{"open_hat", 46, false},      NotationVoice{"ride", 51, false},
    NotationVoice{"ride_bell", 53, false},     NotationVoice{"crash", 49, false},
    NotationVoice{"china", 52, false},         NotationVoice{"splash", 55, false},
    NotationVoice{"high_tom", 50, true},       NotationVoice{"mid_tom", 47, true},
    NotationVoice{"low_tom", 43, true},        NotationVoice{"tambourine", 54, false},
    NotationVoice{"cowbell", 56, false},       NotationVoice{"high_bongo", 60, false},
    NotationVoice{"low_bongo", 61, false},     NotationVoice{"high_conga", 63, false},
    NotationVoice{"low_conga", 64, false},     NotationVoice{"high_timbale", 65, false},
    NotationVoice{"low_timbale", 66, false},   NotationVoice{"shaker", 70, false},
    NotationVoice{"claves", 75, false},        NotationVoice{"high_woodblock", 76, false},
};

constexpr std::string_view kStepChars = "-.xXgof";

std::string step_char_text(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7F) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[u >> 4U] + kHex[u & 0xFU];
  }
  return std::string("'") + c + "'";
}

std::unexpected<Error> lane_error(std::string_view key, std::string_view what) {
  return fail(Errc::invalid_argument, "lane '" + std::string(key) + "': " + std::string(what));
}

}  // namespace

int notation_steps_per_quarter(NotationGrid grid) noexcept {
  switch (grid) {
    case NotationGrid::sixteenth: return 4;
    case NotationGrid::triplet: return 3;
    case NotationGrid::eighth: return 2;
    case NotationGrid::sixteenth_triplet: return 6;
  }
  return 4;
}

std::string_view notation_grid_name(NotationGrid grid) noexcept {
  return kGridNames[static_cast<std::size_t>(grid)];
}

Result<NotationGrid> parse_notation_grid(std::string_view text) {
  for (std::size_t i = 0; i < kGrids.size(); ++i) {
    if (kGridNames[i] == text) return kGrids[i];
  }
  return fail(Errc::invalid_argument, "unknown grid '" + std::string(text) +
                                          "'; allowed: 16th, triplet, 8th, 16th-triplet");
}

Result<int> notation_steps_per_bar(const Meter& meter, NotationGrid grid) {
  const int quarter_steps = notation_steps_per_quarter(grid) * 4 * meter.numerator;
  if (meter.denominator <= 0 || quarter_steps % meter.denominator != 0) {
    std::string fitting;
    for (const auto g : kGrids) {
      if ((notation_steps_per_quarter(g) * 4 * meter.numerator) % std::max(meter.denominator, 1) == 0) {
        if (!fitting.empty()) fitting += ", ";
        fitting += notation_grid_name(g);
      }
    }
    return fail(Errc::invalid_argument,
                "a bar of " + meter.to_string() + " on the " + std::string(notation_grid_name(grid)) +
                    " grid is not a whole number of steps; grids that fit " + meter.to_string() +
                    ": " + (fitting.empty() ? std::string("none") : fitting));
  }
  return quarter_steps / meter.denominator;
}

std::span<const NotationVoice> notation_voices() noexcept { return kVoices; }

const NotationVoice* notation_voice(std::string_view key) noexcept {
  for (const auto& v : kVoices) {
    if (v.key == key) return &v;
  }
  return nullptr;
}

std::string notation_voice_list() {
  std::string out;
  for (const auto& v : kVoices) {
    if (!out.empty()) out += ", ";
    out += v.key;
  }
  return out;
}

std::string_view notation_lane_key(Lane lane) noexcept {
  return lane == Lane::closed_hat ? std::string_view("closed_hat") : lane_id(lane);
}

std::optional<Lane> lane_from_notation_key(std::string_view key) noexcept {
  if (key == "closed_hat") return Lane::closed_hat;
  return lane_from_id(key);
}

Result<std::vector<std::string>> split_lane_bars(std::string_view key, std::string_view text,
                                                 int steps_per_bar) {
  std::vector<std::string> bars(1);
  for (const char c : text) {
    if (c == ' ') continue;
    if (c == '|') {
      bars.emplace_back();
      continue;
    }
    bars.back() += c;
  }
  if (bars.size() > static_cast<std::size_t>(kMaxNotationBars)) {
    return lane_error(key, std::to_string(bars.size()) + " bars; allowed 1-" +
                               std::to_string(kMaxNotationBars) + " bars separated by '|'");
  }
  for (std::size_t b = 0; b < bars.size(); ++b) {
    const auto& bar = bars[b];
    for (std::size_t s = 0; s < bar.size(); ++s) {
      if (kStepChars.find(bar[s]) == std::string_view::npos) {
        return lane_error(key, "bar " + std::to_string(b + 1) + ", step " + std::to_string(s + 1) +
                                   ": " + step_char_text(bar[s]) +
                                   " is not a step; allowed: - or . rest, x hit, X accent, g ghost, "
                                   "o open (closed_hat only), f flam (snare and toms)");
      }
    }
    if (bar.size() != static_cast<std::size_t>(steps_per_bar)) {
      return lane_error(key, "bar " + std::to_string(b + 1) + " has " + std::to_string(bar.size()) +
                                 " steps; every bar needs exactly " + std::to_string(steps_per_bar) +
                                 " for this meter and grid");
    }
  }
  return bars;
}

Result<ParsedGroove> parse_groove(const SignatureGroove& groove) {
  auto steps = notation_steps_per_bar(groove.meter, groove.grid);
  if (!steps) return std::unexpected(steps.error());
  if (groove.lanes.empty()) {
    return fail(Errc::invalid_argument, "no lanes; give at least one of: " + notation_voice_list());
  }
  ParsedGroove out;
  out.meter = groove.meter;
  out.grid = groove.grid;
  out.steps_per_bar = *steps;
  std::string first_key;
  for (const auto& lane : groove.lanes) {
    const NotationVoice* voice = notation_voice(lane.key);
    if (voice == nullptr) {
      return fail(Errc::invalid_argument,
                  "unknown lane '" + lane.key + "'; allowed: " + notation_voice_list());
    }
    auto bars = split_lane_bars(lane.key, lane.text, *steps);
    if (!bars) return std::unexpected(bars.error());
    const int bar_count = static_cast<int>(bars->size());
    if (out.bars == 0) {
      out.bars = bar_count;
      first_key = lane.key;
    } else if (bar_count != out.bars) {
      return lane_error(lane.key, "has " + std::to_string(bar_count) + " bar" +
                                      (bar_count == 1 ? "" : "s") + " but lane '" + first_key +
                                      "' has " + std::to_string(out.bars) +
                                      "; every lane needs the same number of bars");
    }
    for (int b = 0; b < bar_count; ++b) {
      const auto& bar = (*bars)[static_cast<std::size_t>(b)];
      for (int s = 0; s < *steps; ++s) {
        const char c = bar[static_cast<std::size_t>(s)];
        if (c == '-' || c == '.') continue;
        const std::string where = "bar " + std::to_string(b + 1) + ", step " + std::to_string(s + 1);
        NotationHit hit{b, s, voice->note, kNotationHit, false};
        switch (c) {
          case 'X': hit.velocity = kNotationAccent; break;
          case 'g': hit.velocity = kNotationGhost; break;
          case 'o':
            if (lane.key != "closed_hat") {
              return lane_error(lane.key, where + ": 'o' (open hi-hat) is only allowed on closed_hat; "
                                                  "use the open_hat lane with x instead");
            }
            hit.note = 46;
            hit.velocity = kNotationOpen;
            break;
          case 'f':
            if (!voice->flam_allowed) {
              return lane_error(lane.key, where + ": 'f' (flam) is only allowed on snare, high_tom, "
                                                  "mid_tom and low_tom");
            }
            hit.flam = true;
            break;
          default: break;
        }
        out.hits.push_back(hit);
      }
    }
  }
  if (out.hits.empty()) {
    return fail(Errc::invalid_argument, "no hits: at least one lane needs an x, X, g, o or f");
  }
  std::stable_sort(out.hits.begin(), out.hits.end(), [](const NotationHit& a, const NotationHit& b) {
    if (a.bar != b.bar) return a.bar < b.bar;
    if (a.step != b.step) return a.step < b.step;
    return a.note < b.note;
  });
  return out;
}

std::vector<std::vector<NotationHit>> ParsedGroove::bar_hits() const {
  std::vector<std::vector<NotationHit>> out(static_cast<std::size_t>(std::max(bars, 0)));
  for (const auto& h : hits) {
    if (h.bar >= 0 && h.bar < bars) out[static_cast<std::size_t>(h.bar)].push_back(h);
  }
  return out;
}

Pattern ParsedGroove::to_pattern(double tempo_bpm, std::string name) const {
  Pattern p;
  p.name = std::move(name);
  p.meter = meter;
  p.tempo_bpm = tempo_bpm;
  const std::int64_t per_bar = meter.ticks_per_bar();
  const std::int64_t per_step = kPpq / notation_steps_per_quarter(grid);
  p.length_ticks = per_bar * bars;
  for (const auto& h : hits) {
    const std::int64_t tick = per_bar * h.bar + per_step * h.step;
    if (h.flam && tick >= kFlamGraceTicks) {
      p.hits.push_back(Hit{tick - kFlamGraceTicks, h.note, kNotationGrace, 30});
    }
    p.hits.push_back(Hit{tick, h.note, h.velocity, 60});
  }
  p.sort_hits();
  return p;
}

Result<SignatureGroove> pattern_to_groove(const Pattern& pattern, NotationGrid grid, int max_bars) {
  if (max_bars < 1 || max_bars > 16) {
    return fail(Errc::invalid_argument,
                "max_bars " + std::to_string(max_bars) + " is not allowed; allowed 1-16");
  }
  auto steps = notation_steps_per_bar(pattern.meter, grid);
  if (!steps) return std::unexpected(steps.error());
  const int bars = std::clamp(pattern.bars(), 1, max_bars);
  const double per_step = static_cast<double>(kPpq) / notation_steps_per_quarter(grid);
  const int total = bars * *steps;

  // Which key a note is written under: its own voice, else its lane's key.
  auto key_of = [](DrumNote note) -> const NotationVoice* {
    for (const auto& v : kVoices) {
      if (v.note == note) return &v;
    }
    if (note == 26) return notation_voice("open_hat");
    if (const auto lane = lane_of(note)) return notation_voice(notation_lane_key(*lane));
    return nullptr;
  };

  // Flams: a quieter hit of the same snare/tom voice shortly before another.
  const auto& hits = pattern.hits;
  std::vector<bool> grace(hits.size(), false);
  std::vector<bool> flammed(hits.size(), false);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const NotationVoice* v = key_of(hits[i].note);
    if (v == nullptr || !v->flam_allowed) continue;
    for (std::size_t j = i + 1; j < hits.size() && hits[j].tick - hits[i].tick <= 45; ++j) {
      if (hits[j].tick > hits[i].tick && key_of(hits[j].note) == v &&
          hits[i].velocity < hits[j].velocity) {
        grace[i] = true;
        flammed[j] = true;
        break;
      }
    }
  }

  std::map<std::size_t, std::string> rows;  // voice index -> steps (all bars)
  auto row = [&rows, total](const NotationVoice* v) -> std::string& {
    const auto index = static_cast<std::size_t>(v - kVoices.data());
    auto it = rows.find(index);
    if (it == rows.end()) it = rows.emplace(index, std::string(static_cast<std::size_t>(total), '-')).first;
    return it->second;
  };
  auto rank = [](char c) {
    switch (c) {
      case 'X': return 4;
      case 'f': return 3;
      case 'x': return 2;
      case 'g': return 1;
      default: return 0;
    }
  };
  std::vector<std::size_t> open_hats;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (grace[i]) continue;
    const auto step = static_cast<std::int64_t>(std::llround(static_cast<double>(hits[i].tick) / per_step));
    if (step < 0 || step >= total) continue;
    const bool open = hits[i].note == 46 || hits[i].note == 26;
    if (open) {
      open_hats.push_back(i);
      continue;
    }
    const NotationVoice* v = key_of(hits[i].note);
    if (v == nullptr) continue;
    char c = hits[i].velocity <= 50 ? 'g' : (hits[i].velocity >= 105 ? 'X' : 'x');
    if (flammed[i]) c = 'f';
    char& cell = row(v)[static_cast<std::size_t>(step)];
    if (rank(c) > rank(cell)) cell = c;
  }
  // Open hi-hats after the closed ones, so 'o' only takes a free closed_hat step.
  for (const std::size_t i : open_hats) {
    const auto step = static_cast<std::size_t>(std::llround(static_cast<double>(hits[i].tick) / per_step));
    std::string& closed = row(notation_voice("closed_hat"));
    if (closed[step] == '-') {
      closed[step] = 'o';
    } else {
      char& cell = row(notation_voice("open_hat"))[step];
      const char c = hits[i].velocity >= 105 ? 'X' : 'x';
      if (rank(c) > rank(cell)) cell = c;
    }
  }
  SignatureGroove out;
  out.name = pattern.name;
  out.meter = pattern.meter;
  out.grid = grid;
  if (pattern.tempo_bpm > 0) out.tempo = pattern.tempo_bpm;
  for (const auto& [index, text] : rows) {
    if (text.find_first_not_of('-') == std::string::npos) continue;  // e.g. an unused closed_hat row
    std::string with_bars;
    for (int b = 0; b < bars; ++b) {
      if (b > 0) with_bars += '|';
      with_bars += text.substr(static_cast<std::size_t>(b * *steps), static_cast<std::size_t>(*steps));
    }
    out.lanes.push_back(GrooveLaneText{std::string(kVoices[index].key), std::move(with_bars)});
  }
  return out;
}

std::string format_groove(const SignatureGroove& groove) {
  std::string out = groove.name.empty() ? std::string("groove") : groove.name;
  out += " (" + groove.meter.to_string() + ", " + std::string(notation_grid_name(groove.grid));
  if (groove.tempo) out += ", " + std::to_string(static_cast<long long>(std::lround(*groove.tempo))) + " BPM";
  out += ")";
  if (!groove.recording.empty()) out += " from " + groove.recording;
  out += '\n';
  std::size_t width = 0;
  for (const auto& lane : groove.lanes) width = std::max(width, lane.key.size());
  for (const auto& lane : groove.lanes) {
    out += "  " + lane.key + std::string(width - lane.key.size() + 1, ' ') + lane.text + '\n';
  }
  return out;
}

}  // namespace mdg
