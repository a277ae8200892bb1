#include "style/profile_json.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

#include "core/meter.hpp"
#include "core/text.hpp"
#include "groove/groove_json.hpp"

namespace mdg {
namespace {

using nlohmann::json;

// Time feels a profile may name. Descriptive only, but a closed list catches typos in
// hand-written knowledge-base files and in LLM output.
// The knowledge-base vocabulary (docs/knowledge-base.md) plus three older descriptive
// feels of genre profiles ("triplet", "laid-back", "bounce").
constexpr std::array<std::string_view, 16> kFeels = {
    "straight",   "swing",      "shuffle",     "half-time", "double-time",
    "triplet",    "laid-back",  "syncopated",  "second-line", "clave",
    "one-drop",   "four-on-the-floor", "polyrhythmic", "bounce", "linear", "breakbeat"};

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::unexpected<Error> field_error(std::string_view path, std::string_view what) {
  std::string message = "profile field '";
  message += path;
  message += "': ";
  message += what;
  return fail(Errc::invalid_argument, std::move(message));
}

std::unexpected<Error> type_error(std::string_view path, std::string_view expected,
                                  const json& got) {
  std::string what = "expected ";
  what += expected;
  what += ", got ";
  what += got.type_name();
  return field_error(path, what);
}

// Rejects keys that are not in `allowed`, naming the first unknown one.
Result<void> check_keys(const json& object, std::string_view path,
                        std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string message = "unknown field '";
      message += join_path(path, key);
      message += "'; allowed ";
      message += path.empty() ? "top-level fields" : "fields of '" + std::string(path) + "'";
      message += ": ";
      message += join(allowed);
      return fail(Errc::invalid_argument, std::move(message));
    }
  }
  return {};
}

const json* find(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<double> read_number(const json& value, std::string_view path, double min, double max) {
  if (!value.is_number()) return type_error(path, "a number", value);
  const double v = value.get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    return field_error(path, number_text(v) + " is out of range; allowed " + number_text(min) +
                                 "-" + number_text(max));
  }
  return v;
}

Result<long long> read_integer(const json& value, std::string_view path, long long min,
                               long long max) {
  if (!value.is_number_integer()) return type_error(path, "an integer", value);
  long long v = 0;
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      return field_error(path, std::to_string(u) + " is out of range; allowed " +
                                   std::to_string(min) + "-" + std::to_string(max));
    }
    v = static_cast<long long>(u);
  } else {
    v = value.get<long long>();
  }
  if (v < min || v > max) {
    return field_error(path, std::to_string(v) + " is out of range; allowed " +
                                 std::to_string(min) + "-" + std::to_string(max));
  }
  return v;
}

Result<std::string> read_string(const json& value, std::string_view path) {
  if (!value.is_string()) return type_error(path, "a string", value);
  return value.get<std::string>();
}

Result<std::vector<std::string>> read_string_list(const json& value, std::string_view path) {
  if (!value.is_array()) return type_error(path, "an array of strings", value);
  std::vector<std::string> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    auto s = read_string(value[i], item_path);
    if (!s) return std::unexpected(s.error());
    if (s->empty()) return field_error(item_path, "must not be empty");
    out.push_back(std::move(*s));
  }
  return out;
}

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<std::string> read_id(const json& value, std::string_view path) {
  auto s = read_string(value, path);
  if (!s) return s;
  if (!valid_id(*s)) {
    return field_error(path, "'" + *s +
                                 "' is not a valid id; allowed: a non-empty string of lower-case "
                                 "letters a-z, digits 0-9 and '-'");
  }
  return s;
}

Result<TempoRange> read_tempo(const json& value, std::string_view path) {
  if (!value.is_object()) return type_error(path, "an object {min, max, typical}", value);
  if (auto ok = check_keys(value, path, {"min", "max", "typical"}); !ok) {
    return std::unexpected(ok.error());
  }
  TempoRange tempo;
  const std::array<std::pair<std::string_view, double*>, 3> fields = {
      std::pair{std::string_view("min"), &tempo.min},
      std::pair{std::string_view("max"), &tempo.max},
      std::pair{std::string_view("typical"), &tempo.typical}};
  for (const auto& [key, target] : fields) {
    if (const json* v = find(value, key)) {
      auto n = read_number(*v, join_path(path, key), kMinTempo, kMaxTempo);
      if (!n) return std::unexpected(n.error());
      *target = *n;
    }
  }
  if (!(tempo.min <= tempo.typical && tempo.typical <= tempo.max)) {
    return field_error(path, "need min <= typical <= max, got min " + number_text(tempo.min) +
                                 ", typical " + number_text(tempo.typical) + ", max " +
                                 number_text(tempo.max));
  }
  return tempo;
}

Result<std::vector<Source>> read_sources(const json& value, std::string_view path) {
  if (!value.is_array()) return type_error(path, "an array of {title, url} objects", value);
  std::vector<Source> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    const json& item = value[i];
    if (!item.is_object()) return type_error(item_path, "an object {title, url}", item);
    if (auto ok = check_keys(item, item_path, {"title", "url"}); !ok) {
      return std::unexpected(ok.error());
    }
    Source source;
    const json* title = find(item, "title");
    if (title == nullptr) return field_error(join_path(item_path, "title"), "is required");
    auto t = read_string(*title, join_path(item_path, "title"));
    if (!t) return std::unexpected(t.error());
    if (t->empty()) return field_error(join_path(item_path, "title"), "must not be empty");
    source.title = std::move(*t);
    if (const json* url = find(item, "url")) {
      auto u = read_string(*url, join_path(item_path, "url"));
      if (!u) return std::unexpected(u.error());
      source.url = std::move(*u);
    }
    out.push_back(std::move(source));
  }
  return out;
}

// A ratio that is either 0 ("keep the model's") or within 1-3.
Result<double> read_swing(const json& value, std::string_view path) {
  if (!value.is_number()) return type_error(path, "a number", value);
  const double v = value.get<double>();
  if (v == 0.0 || (v >= 1.0 && v <= 3.0)) return v;
  return field_error(path, number_text(v) +
                               " is out of range; allowed 0 (keep the model's swing) or 1-3");
}

Result<StyleTraits> read_traits(const json& value, std::string_view path) {
  if (!value.is_object()) return type_error(path, "an object", value);
  if (auto ok = check_keys(value, path,
                           {"density", "kick_density", "ghost_notes", "open_hat", "double_kick",
                            "linear", "swing", "swing_16th", "laid_back_ms", "timing_spread",
                            "dynamics", "fill_rate", "crash_after_fill", "phrase_bars",
                            "timekeeper", "snare_note"});
      !ok) {
    return std::unexpected(ok.error());
  }
  StyleTraits traits;
  struct Ranged {
    std::string_view key;
    double* target;
    double min;
    double max;
  };
  const std::array<Ranged, 10> ranged = {
      Ranged{"density", &traits.density, 0.3, 3.0},
      Ranged{"kick_density", &traits.kick_density, 0.3, 3.0},
      Ranged{"ghost_notes", &traits.ghost_notes, 0.0, 4.0},
      Ranged{"open_hat", &traits.open_hat, 0.0, 4.0},
      Ranged{"double_kick", &traits.double_kick, 0.0, 1.0},
      Ranged{"linear", &traits.linear, 0.0, 1.0},
      Ranged{"laid_back_ms", &traits.laid_back_ms, -30.0, 30.0},
      Ranged{"timing_spread", &traits.timing_spread, 0.0, 4.0},
      Ranged{"dynamics", &traits.dynamics, 0.0, 3.0},
      Ranged{"crash_after_fill", &traits.crash_after_fill, 0.0, 1.0}};
  for (const auto& r : ranged) {
    if (const json* v = find(value, r.key)) {
      auto n = read_number(*v, join_path(path, r.key), r.min, r.max);
      if (!n) return std::unexpected(n.error());
      *r.target = *n;
    }
  }
  if (const json* v = find(value, "swing")) {
    auto n = read_swing(*v, join_path(path, "swing"));
    if (!n) return std::unexpected(n.error());
    traits.swing = *n;
  }
  if (const json* v = find(value, "swing_16th")) {
    auto n = read_swing(*v, join_path(path, "swing_16th"));
    if (!n) return std::unexpected(n.error());
    traits.swing_16th = *n;
  }
  if (const json* v = find(value, "fill_rate")) {
    const std::string p = join_path(path, "fill_rate");
    if (!v->is_number()) return type_error(p, "a number", *v);
    const double f = v->get<double>();
    if (!(f == -1.0 || (f >= 0.0 && f <= 1.0))) {
      return field_error(p, number_text(f) + " is out of range; allowed -1 (from the model) or 0-1");
    }
    traits.fill_rate = f;
  }
  if (const json* v = find(value, "phrase_bars")) {
    auto n = read_integer(*v, join_path(path, "phrase_bars"), 1, 16);
    if (!n) return std::unexpected(n.error());
    traits.phrase_bars = static_cast<int>(*n);
  }
  if (const json* v = find(value, "timekeeper")) {
    const std::string p = join_path(path, "timekeeper");
    auto s = read_string(*v, p);
    if (!s) return std::unexpected(s.error());
    const auto lane = lane_from_notation_key(*s);
    if (!lane) {
      std::string allowed;
      for (const Lane l : kAllLanes) {
        if (!allowed.empty()) allowed += ", ";
        allowed += notation_lane_key(l);
      }
      return field_error(p, "unknown lane '" + *s + "'; allowed: " + allowed);
    }
    traits.timekeeper = *lane;
  }
  if (const json* v = find(value, "snare_note")) {
    const std::string p = join_path(path, "snare_note");
    auto n = read_integer(*v, p, 0, 127);
    if (!n) return std::unexpected(n.error());
    const auto note = static_cast<DrumNote>(*n);
    if (drum_voice(note) == nullptr) {
      return field_error(p, std::to_string(*n) +
                                " is not a drum note; allowed: a General MIDI drum note 35-81 "
                                "(e.g. 38 snare, 40 electric snare, 37 side stick)");
    }
    traits.snare_note = note;
  }
  return traits;
}

// Years of a career: the knowledge base covers 1900 up to the current year.
constexpr long long kFirstYear = 1900;
constexpr long long kLastYear = 2026;

Result<std::optional<int>> read_year(const json& object, std::string_view path,
                                     std::string_view key) {
  const json* v = find(object, key);
  if (v == nullptr) return std::optional<int>{};
  auto n = read_integer(*v, join_path(path, key), kFirstYear, kLastYear);
  if (!n) return std::unexpected(n.error());
  return std::optional<int>(static_cast<int>(*n));
}

Result<YearSpan> read_era(const json& value, std::string_view path) {
  if (!value.is_object()) return type_error(path, "an object {from, to}", value);
  if (auto ok = check_keys(value, path, {"from", "to"}); !ok) return std::unexpected(ok.error());
  auto from = read_year(value, path, "from");
  if (!from) return std::unexpected(from.error());
  if (!*from) return field_error(join_path(path, "from"), "is required: the first year active");
  auto to = read_year(value, path, "to");
  if (!to) return std::unexpected(to.error());
  if (*to && **to < **from) {
    return field_error(path, "'to' " + std::to_string(**to) + " is before 'from' " +
                                 std::to_string(**from) + "; omit 'to' when still active");
  }
  return YearSpan{**from, *to};
}

Result<std::vector<DrummerCredit>> read_drummers(const json& value, std::string_view path) {
  if (!value.is_array()) return type_error(path, "an array of {name, id, from, to} objects", value);
  std::vector<DrummerCredit> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    const json& item = value[i];
    if (!item.is_object()) return type_error(item_path, "an object {name, id, from, to}", item);
    if (auto ok = check_keys(item, item_path, {"name", "id", "from", "to"}); !ok) {
      return std::unexpected(ok.error());
    }
    DrummerCredit credit;
    const json* name = find(item, "name");
    if (name == nullptr) return field_error(join_path(item_path, "name"), "is required");
    auto n = read_string(*name, join_path(item_path, "name"));
    if (!n) return std::unexpected(n.error());
    if (n->empty()) return field_error(join_path(item_path, "name"), "must not be empty");
    credit.name = std::move(*n);
    if (const json* id = find(item, "id")) {
      auto id_value = read_id(*id, join_path(item_path, "id"));
      if (!id_value) return std::unexpected(id_value.error());
      credit.id = std::move(*id_value);
    }
    auto from = read_year(item, item_path, "from");
    if (!from) return std::unexpected(from.error());
    auto to = read_year(item, item_path, "to");
    if (!to) return std::unexpected(to.error());
    if (*from && *to && **to < **from) {
      return field_error(item_path, "'to' " + std::to_string(**to) + " is before 'from' " +
                                        std::to_string(**from) + "; omit 'to' when still playing");
    }
    credit.from = *from;
    credit.to = *to;
    out.push_back(std::move(credit));
  }
  return out;
}

Result<Meter> read_meter_text(const json& value, std::string_view path) {
  auto text = read_string(value, path);
  if (!text) return std::unexpected(text.error());
  auto meter = Meter::parse(*text);
  if (!meter || text->find('/') == std::string::npos) {
    return field_error(path, "'" + *text + "' is not a meter; allowed: N/D with N 1-16 and D 2, 4, "
                                           "8 or 16 (e.g. 4/4, 6/8, 7/8, 12/8)");
  }
  return *meter;
}

Result<std::vector<Meter>> read_meters(const json& value, std::string_view path) {
  if (!value.is_array()) return type_error(path, "an array of meters like \"4/4\"", value);
  std::vector<Meter> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto m = read_meter_text(value[i], std::string(path) + "[" + std::to_string(i) + "]");
    if (!m) return std::unexpected(m.error());
    out.push_back(*m);
  }
  return out;
}

Result<std::string> read_country(const json& value, std::string_view path) {
  auto s = read_string(value, path);
  if (!s) return s;
  if (s->size() != 2 || !std::all_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return field_error(path, "'" + *s + "' is not a country code; allowed: an ISO 3166-1 alpha-2 "
                                        "code in capitals (GB, US, NG, JP, BR)");
  }
  return s;
}

Result<SignatureGroove> read_groove(const json& item, std::string_view path) {
  if (!item.is_object()) {
    return type_error(path, "an object {name, recording, meter, grid, tempo, lanes}", item);
  }
  if (auto ok = check_keys(item, path, {"name", "recording", "meter", "grid", "tempo", "lanes"}); !ok) {
    return std::unexpected(ok.error());
  }
  SignatureGroove g;
  if (const json* v = find(item, "name")) {
    auto s = read_string(*v, join_path(path, "name"));
    if (!s) return std::unexpected(s.error());
    g.name = std::move(*s);
  }
  if (const json* v = find(item, "recording")) {
    auto s = read_string(*v, join_path(path, "recording"));
    if (!s) return std::unexpected(s.error());
    g.recording = std::move(*s);
  }
  const json* meter = find(item, "meter");
  if (meter == nullptr) return field_error(join_path(path, "meter"), "is required, e.g. \"4/4\"");
  auto m = read_meter_text(*meter, join_path(path, "meter"));
  if (!m) return std::unexpected(m.error());
  g.meter = *m;
  const json* grid = find(item, "grid");
  if (grid == nullptr) {
    return field_error(join_path(path, "grid"), "is required; allowed: 16th, triplet, 8th, 16th-triplet");
  }
  auto grid_text = read_string(*grid, join_path(path, "grid"));
  if (!grid_text) return std::unexpected(grid_text.error());
  auto grid_value = parse_notation_grid(*grid_text);
  if (!grid_value) return field_error(join_path(path, "grid"), grid_value.error().message);
  g.grid = *grid_value;
  if (const json* v = find(item, "tempo")) {
    auto t = read_number(*v, join_path(path, "tempo"), kMinTempo, kMaxTempo);
    if (!t) return std::unexpected(t.error());
    g.tempo = *t;
  }
  const json* lanes = find(item, "lanes");
  if (lanes == nullptr) return field_error(join_path(path, "lanes"), "is required");
  if (!lanes->is_object()) return type_error(join_path(path, "lanes"), "an object lane -> steps", *lanes);
  for (const auto& [key, text] : lanes->items()) {
    auto s = read_string(text, join_path(join_path(path, "lanes"), key));
    if (!s) return std::unexpected(s.error());
    g.lanes.push_back(GrooveLaneText{key, std::move(*s)});
  }
  if (auto parsed = parse_groove(g); !parsed) {
    return field_error(join_path(path, "lanes"), parsed.error().message);
  }
  return g;
}

Result<std::vector<SignatureGroove>> read_grooves(const json& value, std::string_view path) {
  if (!value.is_array()) return type_error(path, "an array of grooves", value);
  std::vector<SignatureGroove> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto g = read_groove(value[i], std::string(path) + "[" + std::to_string(i) + "]");
    if (!g) return std::unexpected(g.error());
    out.push_back(std::move(*g));
  }
  return out;
}

json groove_to_json(const SignatureGroove& g) {
  json lanes = json::object();
  for (const auto& lane : g.lanes) lanes[lane.key] = lane.text;
  json out = {{"name", g.name}, {"meter", g.meter.to_string()},
              {"grid", std::string(notation_grid_name(g.grid))}, {"lanes", std::move(lanes)}};
  if (!g.recording.empty()) out["recording"] = g.recording;
  if (g.tempo) out["tempo"] = *g.tempo;
  return out;
}

bool groove_is_empty(const GrooveSet& set) {
  return set.sixteenth.empty() && set.triplet.empty() && set.fill_sixteenth.empty() &&
         set.fill_triplet.empty();
}

json traits_to_json(const StyleTraits& t) {
  json out = json::object();
  out["density"] = t.density;
  out["kick_density"] = t.kick_density;
  out["ghost_notes"] = t.ghost_notes;
  out["open_hat"] = t.open_hat;
  out["double_kick"] = t.double_kick;
  out["linear"] = t.linear;
  out["swing"] = t.swing;
  out["swing_16th"] = t.swing_16th;
  out["laid_back_ms"] = t.laid_back_ms;
  out["timing_spread"] = t.timing_spread;
  out["dynamics"] = t.dynamics;
  out["fill_rate"] = t.fill_rate;
  out["crash_after_fill"] = t.crash_after_fill;
  out["phrase_bars"] = t.phrase_bars;
  if (t.timekeeper) out["timekeeper"] = std::string(lane_id(*t.timekeeper));
  if (t.snare_note) out["snare_note"] = static_cast<int>(*t.snare_note);
  return out;
}

Result<StyleProfile> decode(const json& json_value) {
  if (!json_value.is_object()) {
    return fail(Errc::invalid_argument,
                std::string("a style profile must be a JSON object, got ") + json_value.type_name());
  }
  if (auto ok = check_keys(json_value, "",
                           {"id", "kind", "name", "aliases", "drummers", "genres", "base",
                            "country", "era", "tempo", "feel", "meters", "description", "sources",
                            "confidence", "traits", "signature_grooves", "groove"});
      !ok) {
    return std::unexpected(ok.error());
  }
  StyleProfile p;

  const json* id = find(json_value, "id");
  if (id == nullptr) return field_error("id", "is required");
  auto id_value = read_id(*id, "id");
  if (!id_value) return std::unexpected(id_value.error());
  p.id = std::move(*id_value);

  const json* kind = find(json_value, "kind");
  constexpr std::string_view kKinds = "genre, band, artist, drummer, producer";
  if (kind == nullptr) return field_error("kind", "is required; allowed: " + std::string(kKinds));
  auto kind_text = read_string(*kind, "kind");
  if (!kind_text) return std::unexpected(kind_text.error());
  if (*kind_text == "genre") {
    p.kind = ProfileKind::genre;
  } else if (const auto artist_kind = artist_kind_from_name(*kind_text)) {
    p.kind = ProfileKind::artist;
    p.artist_kind = *artist_kind;
  } else {
    return field_error("kind", "unknown kind '" + *kind_text + "'; allowed: " + std::string(kKinds));
  }

  const json* name = find(json_value, "name");
  if (name == nullptr) return field_error("name", "is required");
  auto name_value = read_string(*name, "name");
  if (!name_value) return std::unexpected(name_value.error());
  if (name_value->empty()) return field_error("name", "must not be empty");
  p.name = std::move(*name_value);

  if (const json* v = find(json_value, "aliases")) {
    auto list = read_string_list(*v, "aliases");
    if (!list) return std::unexpected(list.error());
    p.aliases = std::move(*list);
  }
  if (const json* v = find(json_value, "genres")) {
    auto list = read_string_list(*v, "genres");
    if (!list) return std::unexpected(list.error());
    p.genres = std::move(*list);
  }
  if (const json* v = find(json_value, "base")) {
    auto base = read_id(*v, "base");
    if (!base) return std::unexpected(base.error());
    p.base = std::move(*base);
  }
  if (const json* v = find(json_value, "drummers")) {
    auto drummers = read_drummers(*v, "drummers");
    if (!drummers) return std::unexpected(drummers.error());
    p.drummers = std::move(*drummers);
  }
  if (const json* v = find(json_value, "country")) {
    auto country = read_country(*v, "country");
    if (!country) return std::unexpected(country.error());
    p.country = std::move(*country);
  }
  if (const json* v = find(json_value, "era")) {
    auto era = read_era(*v, "era");
    if (!era) return std::unexpected(era.error());
    p.era = *era;
  }
  if (const json* v = find(json_value, "meters")) {
    auto meters = read_meters(*v, "meters");
    if (!meters) return std::unexpected(meters.error());
    p.meters = std::move(*meters);
  }
  if (const json* v = find(json_value, "signature_grooves")) {
    auto grooves = read_grooves(*v, "signature_grooves");
    if (!grooves) return std::unexpected(grooves.error());
    p.signature_grooves = std::move(*grooves);
  }
  if (p.kind == ProfileKind::artist && p.base.empty()) {
    return field_error("base", "is required for artist profiles: the id of a genre profile");
  }
  if (const json* v = find(json_value, "tempo")) {
    auto tempo = read_tempo(*v, "tempo");
    if (!tempo) return std::unexpected(tempo.error());
    p.tempo = *tempo;
  }
  if (const json* v = find(json_value, "feel")) {
    auto feel = read_string(*v, "feel");
    if (!feel) return std::unexpected(feel.error());
    if (!feel->empty() && std::find(kFeels.begin(), kFeels.end(), *feel) == kFeels.end()) {
      std::string allowed;
      for (const auto f : kFeels) {
        if (!allowed.empty()) allowed += ", ";
        allowed += f;
      }
      return field_error("feel", "unknown feel '" + *feel + "'; allowed: " + allowed);
    }
    p.feel = std::move(*feel);
  }
  if (const json* v = find(json_value, "description")) {
    auto text = read_string(*v, "description");
    if (!text) return std::unexpected(text.error());
    p.description = std::move(*text);
  }
  if (const json* v = find(json_value, "sources")) {
    auto sources = read_sources(*v, "sources");
    if (!sources) return std::unexpected(sources.error());
    p.sources = std::move(*sources);
  }
  if (const json* v = find(json_value, "confidence")) {
    auto c = read_number(*v, "confidence", 0.0, 1.0);
    if (!c) return std::unexpected(c.error());
    p.confidence = *c;
  }
  if (const json* v = find(json_value, "traits")) {
    auto traits = read_traits(*v, "traits");
    if (!traits) return std::unexpected(traits.error());
    p.traits = std::move(*traits);
  }
  if (const json* v = find(json_value, "groove")) {
    auto groove = groove_set_from_json(*v);
    if (!groove) {
      Error e = groove.error();
      e.message = "profile field 'groove': " + e.message;
      return std::unexpected(std::move(e));
    }
    p.groove = std::move(*groove);
  }
  return p;
}

}  // namespace

std::string_view artist_kind_name(ArtistKind kind) noexcept {
  switch (kind) {
    case ArtistKind::band: return "band";
    case ArtistKind::artist: return "artist";
    case ArtistKind::drummer: return "drummer";
    case ArtistKind::producer: return "producer";
  }
  return "artist";
}

std::optional<ArtistKind> artist_kind_from_name(std::string_view name) noexcept {
  for (const auto kind : {ArtistKind::band, ArtistKind::artist, ArtistKind::drummer, ArtistKind::producer}) {
    if (artist_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

json profile_to_json(const StyleProfile& profile) {
  json out = json::object();
  out["id"] = profile.id;
  out["kind"] = profile.kind == ProfileKind::artist ? std::string(artist_kind_name(profile.artist_kind))
                                                    : std::string("genre");
  out["name"] = profile.name;
  out["aliases"] = profile.aliases;
  if (!profile.drummers.empty()) {
    json drummers = json::array();
    for (const auto& d : profile.drummers) {
      json item = {{"name", d.name}};
      if (!d.id.empty()) item["id"] = d.id;
      if (d.from) item["from"] = *d.from;
      if (d.to) item["to"] = *d.to;
      drummers.push_back(std::move(item));
    }
    out["drummers"] = std::move(drummers);
  }
  out["genres"] = profile.genres;
  if (!profile.base.empty()) out["base"] = profile.base;
  if (!profile.country.empty()) out["country"] = profile.country;
  if (profile.era) {
    out["era"] = {{"from", profile.era->from}};
    if (profile.era->to) out["era"]["to"] = *profile.era->to;
  }
  if (!profile.meters.empty()) {
    json meters = json::array();
    for (const auto& m : profile.meters) meters.push_back(m.to_string());
    out["meters"] = std::move(meters);
  }
  out["tempo"] = {{"min", profile.tempo.min},
                  {"max", profile.tempo.max},
                  {"typical", profile.tempo.typical}};
  out["feel"] = profile.feel;
  out["description"] = profile.description;
  json sources = json::array();
  for (const auto& s : profile.sources) sources.push_back({{"title", s.title}, {"url", s.url}});
  out["sources"] = std::move(sources);
  out["confidence"] = profile.confidence;
  out["traits"] = traits_to_json(profile.traits);
  if (!profile.signature_grooves.empty()) {
    json grooves = json::array();
    for (const auto& g : profile.signature_grooves) grooves.push_back(groove_to_json(g));
    out["signature_grooves"] = std::move(grooves);
  }
  if (!groove_is_empty(profile.groove)) out["groove"] = groove_set_to_json(profile.groove);
  return out;
}

Result<StyleProfile> profile_from_json(const json& json_value) {
  // The decoder only uses non-throwing accessors after type checks; the guard keeps a
  // library surprise (e.g. from the groove codec) from escaping as an exception.
  try {
    return decode(json_value);
  } catch (const json::exception& e) {
    return fail(Errc::invalid_argument, std::string("invalid style profile: ") + e.what());
  }
}

Result<StyleProfile> profile_from_text(std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann counts bytes read (1-based); Error::offset is the 0-based offending byte.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    return fail(Errc::parse, std::string("style profile is not valid JSON: ") + e.what(), offset);
  } catch (const json::exception& e) {
    return fail(Errc::parse, std::string("style profile is not valid JSON: ") + e.what());
  }
  return profile_from_json(parsed);
}

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::not_found, "file '" + path.string() + "' does not exist");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(Errc::io, "cannot read '" + path.string() + "': " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open '" + path.string() + "'");
  // One sized read; streaming through rdbuf() is several times slower on large files.
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (static_cast<std::size_t>(in.gcount()) != text.size()) {
    return fail(Errc::io, "cannot read '" + path.string() + "'");
  }
  return text;
}

Result<StyleProfile> load_profile_file(const std::filesystem::path& path) {
  auto read = read_text_file(path);
  if (!read) {
    Error e = read.error();
    e.message = "style profile " + e.message;
    return std::unexpected(std::move(e));
  }
  const std::string& text = *read;
  auto profile = profile_from_text(text);
  if (!profile) {
    Error e = profile.error();
    e.message = path.string() + ": " + e.message;
    return std::unexpected(std::move(e));
  }
  return profile;
}

}  // namespace mdg
