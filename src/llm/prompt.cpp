#include "llm/prompt.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>


namespace mdg::llm {
namespace {

using nlohmann::json;

json make_schema() {
  json note = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"bar", "start", "duration", "pitch", "velocity"}},
      {"properties",
       {{"bar", {{"type", "integer"}, {"description", "bar number, 1 to bars"}}},
        {"start",
         {{"type", "number"},
          {"description", "onset in quarter-note beats from the start of the bar, 0 = downbeat"}}},
        {"duration", {{"type", "number"}, {"description", "length in quarter-note beats, e.g. 0.25"}}},
        {"pitch", {{"type", "integer"}, {"description", "General MIDI drum note, 35-81"}}},
        {"velocity", {{"type", "integer"}, {"description", "1-127"}}}}}};
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"tempo", "meter", "bars", "notes"}},
          {"properties",
           {{"tempo", {{"type", "number"}, {"description", "beats per minute, as requested"}}},
            {"meter", {{"type", "string"}, {"description", "time signature N/D, as requested"}}},
            {"bars", {{"type", "integer"}, {"description", "number of bars, as requested"}}},
            {"notes", {{"type", "array"}, {"items", note}}}}}};
}

std::string number(double v, int decimals = 2) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

double quarters_per_bar(const Meter& meter) {
  return 4.0 * meter.numerator / meter.denominator;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string describe_scale(double value, std::string_view less, std::string_view more) {
  if (std::fabs(value - 1.0) < 0.05) return "as the genre";
  return fmt::format("{} x{} ({})", value < 1.0 ? less : more, number(value), value < 1.0 ? "below the genre" : "above the genre");
}

}  // namespace

nlohmann::json pattern_schema() { return make_schema(); }

Pattern example_pattern(const Example& example, double tempo_bpm) {
  auto parsed = parse_groove(example.groove);
  if (!parsed) return {};
  return parsed->to_pattern(example.groove.tempo.value_or(tempo_bpm), example.groove.name);
}

Result<std::vector<Example>> few_shot_examples(const StyleProfile& profile, const Meter& meter, std::uint64_t seed) {
  std::vector<Example> out;
  for (const auto& groove : profile.signature_grooves) {
    if (groove.meter != meter || out.size() >= 2 || !parse_groove(groove)) continue;
    out.push_back(Example{groove, "signature groove"});
  }
  if (!out.empty()) return out;
  GenerateOptions options;
  options.bars = 2;
  options.variations = 1;
  options.meter = meter;
  options.tempo_bpm = profile.tempo.typical;
  options.humanize = 0.0;
  options.seed = seed;
  auto generation = generate(profile, options);
  if (!generation) return std::unexpected(generation.error());
  // The engine's grid in the notation: triplets of a compound meter are its eighths.
  NotationGrid grid = NotationGrid::sixteenth;
  if (generation->subdivision == Subdivision::triplet) {
    grid = meter.compound() ? NotationGrid::eighth : NotationGrid::triplet;
  }
  if (!notation_steps_per_bar(meter, grid)) grid = NotationGrid::sixteenth;
  auto groove = pattern_to_groove(generation->variations.front().pattern, grid, 2);
  if (!groove) return std::unexpected(groove.error());
  groove->name = fmt::format("{} groove from the local engine (seed {})", profile.name, seed);
  groove->tempo = generation->tempo_bpm;
  out.push_back(Example{std::move(*groove), "local engine"});
  return out;
}

std::string render_example(const Example& example) {
  const auto& g = example.groove;
  const int spq = notation_steps_per_quarter(g.grid);
  const auto steps = notation_steps_per_bar(g.meter, g.grid);
  std::string out = fmt::format("[{}; {} steps per bar, step i starts at beat i/{}] ", example.origin,
                                steps ? *steps : 0, spq);
  return out + format_groove(g);
}

std::string system_prompt() {
  std::string s =
      "You are a session drummer who writes drum parts as General MIDI note lists. Answer with one JSON "
      "object and nothing else: no prose, no code fences.\n\n"
      "The object has exactly these keys:\n"
      "- \"tempo\": the tempo in BPM you were asked for (number).\n"
      "- \"meter\": the time signature you were asked for, as \"N/D\" (string).\n"
      "- \"bars\": the number of bars you were asked for (integer).\n"
      "- \"notes\": every drum hit, each {\"bar\", \"start\", \"duration\", \"pitch\", \"velocity\"}:\n"
      "  - \"bar\": 1 for the first bar up to \"bars\" for the last (integer);\n"
      "  - \"start\": onset in quarter-note beats from the start of that bar (number, 0 = the downbeat; "
      "a 4/4 bar spans 0 to 4, a 3/4 bar 0 to 3, a 6/8 bar 0 to 3, a 7/8 bar 0 to 3.5; sixteenths are "
      "0.25 apart, eighth-note triplets 0.333 apart); every start is at least 0 and less than the bar's "
      "length;\n"
      "  - \"duration\": length in quarter-note beats (number greater than 0 and at most one bar; "
      "drum hits are short, 0.25 is usual);\n"
      "  - \"pitch\": a General MIDI drum note from the map below (integer);\n"
      "  - \"velocity\": 1-127 (integer): ghost notes 20-40, normal hits 70-100, accents 105-127.\n\n"
      "General MIDI drum map (channel 10), note = name:\n";
  std::vector<std::string> entries;
  for (const auto& voice : drum_voices()) {
    if (voice.note < 35 || voice.note > 81) continue;
    entries.push_back(fmt::format("{} = {}", voice.note, voice.gm_name));
  }
  for (std::size_t i = 0; i < entries.size(); i += 6) {
    const auto last = std::min(entries.size(), i + 6);
    s += "  " + join(std::vector<std::string>(entries.begin() + static_cast<std::ptrdiff_t>(i),
                                               entries.begin() + static_cast<std::ptrdiff_t>(last)),
                     ", ") +
         "\n";
  }
  s += "\nRows of the example grooves and the notes they stand for: ";
  std::vector<std::string> keys;
  for (const auto& voice : notation_voices()) keys.push_back(fmt::format("{} = {}", voice.key, voice.note));
  s += join(keys, ", ") + ".\n";
  s +=
      "\nRules:\n"
      "1. Play the style described: its feel, swing, ghost notes, dynamics and typical kit voices.\n"
      "2. Every bar has notes; a groove repeats with small variations, and when there are 4 or more bars the "
      "last bar of each phrase may end with a short fill followed by a crash (49) on the next downbeat.\n"
      "3. The examples show the style's grooves in a grid notation (one row per instrument, one character "
      "per step, bars separated by '|'; '-' rest, 'x' hit, 'X' accent, 'g' ghost note, 'o' open hi-hat, "
      "'f' flam). Use them as a guide to the style and write your own part: never copy an example bar "
      "for bar.\n"
      "4. Swing is written into the starts: with triplet swing the off-beat eighth starts at 0.667 of the "
      "beat instead of 0.5.\n"
      "5. At most one note per pitch at the same start; no notes outside the bars asked for.\n";
  return s;
}

std::string user_prompt(const StyleProfile& p, const PatternRequest& r, const std::vector<Example>& examples) {
  const StyleTraits& t = p.traits;
  const auto& model = p.groove.beat(p.groove.feel);
  std::string s = fmt::format("Write a drum part in the style of {} ({}", p.name,
                              p.kind == ProfileKind::artist ? "artist" : "genre");
  if (!p.genres.empty()) s += "; " + join(p.genres, ", ");
  s += ").\n";
  if (!p.description.empty()) s += "About the style: " + p.description + "\n";
  s += "\nStyle profile:\n";
  s += fmt::format("- tempo range {}-{} BPM, typical {}\n", number(p.tempo.min, 1), number(p.tempo.max, 1),
                   number(p.tempo.typical, 1));
  if (!p.feel.empty()) s += "- feel: " + p.feel + "\n";
  s += fmt::format("- grid: {}\n", p.groove.feel == Subdivision::triplet ? "eighth-note triplets (swung/shuffled)"
                                                                          : "sixteenth notes");
  if (t.swing > 0) {
    s += fmt::format("- eighth-note swing ratio {} (1 = straight, 2 = triplet swing)\n", number(t.swing));
  } else if (model.bars > 0) {
    s += fmt::format("- measured eighth-note swing ratio {} (1 = straight, 2 = triplet swing)\n",
                     number(model.swing_ratio));
  }
  if (t.swing_16th > 0) s += fmt::format("- sixteenth-note swing ratio {}\n", number(t.swing_16th));
  if (model.bars > 0) {
    s += fmt::format("- measured: {} hits per bar, {}% of snare hits are ghost notes, fills in {}% of bars\n",
                     number(model.density, 1), number(100.0 * model.ghost_rate, 0),
                     number(100.0 * model.fill_rate, 0));
  }
  s += "- ghost notes: " + describe_scale(t.ghost_notes, "fewer", "more") + "\n";
  s += "- density away from the main beats: " + describe_scale(t.density, "sparser", "busier") + "\n";
  s += "- dynamics (velocity spread): " + describe_scale(t.dynamics, "flatter", "wider") + "\n";
  if (std::fabs(t.laid_back_ms) >= 1.0) {
    s += fmt::format("- timing: {} ms {} the beat\n", number(std::fabs(t.laid_back_ms), 0),
                     t.laid_back_ms > 0 ? "behind" : "ahead of");
  }
  if (t.fill_rate >= 0) s += fmt::format("- fills at {}% of phrase ends\n", number(100.0 * t.fill_rate, 0));
  s += fmt::format("- phrases of {} bars; crash after a fill: {}%\n", t.phrase_bars,
                   number(100.0 * t.crash_after_fill, 0));
  if (t.timekeeper) {
    s += fmt::format("- keeps time on the {} ({})\n", notation_lane_key(*t.timekeeper),
                     lane_default_note(*t.timekeeper));
  }
  if (t.snare_note) {
    const auto* voice = drum_voice(*t.snare_note);
    s += fmt::format("- snare voice: {} ({})\n", voice != nullptr ? voice->gm_name : "note", *t.snare_note);
  }

  const double quarters = quarters_per_bar(r.meter);
  s += fmt::format(
      "\nWrite {} bar{} of {} at {} BPM (each bar is {} quarter-note beats long; starts from 0 to below {}). "
      "Complexity {} on a 0-1 scale (0 = sparse and straight, 1 = busy and syncopated).",
      r.bars, r.bars == 1 ? "" : "s", r.meter.to_string(), number(r.tempo_bpm, 1), number(quarters, 3),
      number(quarters, 3), number(r.complexity));
  if (r.variations > 1) {
    s += fmt::format(" This is variation {} of {}: make it clearly different from the other variations "
                     "(another kick pattern, other ghost notes or timekeeper figures) while keeping the style.",
                     r.variation + 1, r.variations);
  }
  s += "\n";
  if (!examples.empty()) {
    s += fmt::format("\nExample groove{} of this style (do not copy them):\n", examples.size() == 1 ? "" : "s");
    for (const auto& e : examples) s += render_example(e);
  }
  return s;
}

Prompt build_prompt(const StyleProfile& profile, const PatternRequest& request, std::vector<Example> examples) {
  Prompt prompt;
  prompt.system = system_prompt();
  prompt.user = user_prompt(profile, request, examples);
  prompt.examples = std::move(examples);
  // About 40 notes per bar at about 25 tokens each, plus room for the wrapper.
  prompt.max_output_tokens = std::min(32000, 1024 + request.bars * 1100);
  return prompt;
}

}  // namespace mdg::llm
