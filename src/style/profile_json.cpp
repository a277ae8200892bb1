#include "style/profile_json.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

#include "core/meter.hpp"
#include "groove/groove_json.hpp"

namespace mdg {
namespace {

using nlohmann::json;

// Time feels a profile may name. Descriptive only, but a closed list catches typos in
// hand-written knowledge-base files and in LLM output.
constexpr std::array<std::string_view, 14> kFeels = {
    "straight",   "swing",      "shuffle",     "half-time", "double-time",
    "triplet",    "laid-back",  "syncopated",  "second-line", "clave",
    "one-drop",   "four-on-the-floor", "polyrhythmic", "bounce"};

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string number_text(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  std::ostringstream s;
  s << v;
  return s.str();
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
                           {"density", "ghost_notes", "swing", "swing_16th", "laid_back_ms",
                            "timing_spread", "dynamics", "fill_rate", "crash_after_fill",
                            "phrase_bars", "timekeeper", "snare_note"});
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
  const std::array<Ranged, 6> ranged = {
      Ranged{"density", &traits.density, 0.3, 3.0},
      Ranged{"ghost_notes", &traits.ghost_notes, 0.0, 4.0},
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
    const auto lane = lane_from_id(*s);
    if (!lane) {
      std::string allowed;
      for (const Lane l : kAllLanes) {
        if (!allowed.empty()) allowed += ", ";
        allowed += lane_id(l);
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

bool groove_is_empty(const GrooveSet& set) {
  return set.sixteenth.empty() && set.triplet.empty() && set.fill_sixteenth.empty() &&
         set.fill_triplet.empty();
}

json traits_to_json(const StyleTraits& t) {
  json out = json::object();
  out["density"] = t.density;
  out["ghost_notes"] = t.ghost_notes;
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
                           {"id", "kind", "name", "aliases", "genres", "base", "tempo", "feel",
                            "description", "sources", "confidence", "traits", "groove"});
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
  if (kind == nullptr) return field_error("kind", "is required; allowed: genre, artist");
  auto kind_text = read_string(*kind, "kind");
  if (!kind_text) return std::unexpected(kind_text.error());
  if (*kind_text == "genre") p.kind = ProfileKind::genre;
  else if (*kind_text == "artist") p.kind = ProfileKind::artist;
  else return field_error("kind", "unknown kind '" + *kind_text + "'; allowed: genre, artist");

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

json profile_to_json(const StyleProfile& profile) {
  json out = json::object();
  out["id"] = profile.id;
  out["kind"] = profile.kind == ProfileKind::artist ? "artist" : "genre";
  out["name"] = profile.name;
  out["aliases"] = profile.aliases;
  out["genres"] = profile.genres;
  if (!profile.base.empty()) out["base"] = profile.base;
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
