#include "style/kb_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <system_error>

#include "core/text.hpp"
#include "style/profile_json.hpp"

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr auto kGenres = std::to_array<std::string_view>({
    "rock", "rock and roll", "hard rock", "heavy metal", "thrash metal", "death metal",
    "black metal", "doom metal", "nu metal", "progressive metal", "metalcore", "punk",
    "hardcore punk", "pop punk", "post-punk", "progressive rock", "psychedelic rock", "grunge",
    "alternative", "indie", "new wave", "garage rock", "surf", "funk", "soul", "r&b", "neo-soul",
    "motown", "disco", "gospel", "jazz", "swing", "bebop", "hard bop", "cool jazz", "fusion",
    "latin jazz", "free jazz", "blues", "country", "rockabilly", "bluegrass", "folk", "reggae",
    "ska", "rocksteady", "dub", "dancehall", "hip-hop", "boom-bap", "trap", "g-funk", "drill",
    "electronic", "house", "techno", "drum and bass", "jungle", "dubstep", "breakbeat",
    "trip-hop", "synth-pop", "pop", "k-pop", "j-pop", "latin", "salsa", "bossa nova", "samba",
    "cumbia", "reggaeton", "mpb", "afro-cuban", "afrobeat", "afrobeats", "highlife", "juju",
    "new orleans", "second line", "world", "soundtrack", "experimental"});

constexpr auto kBases = std::to_array<std::string_view>({
    "rock", "funk", "jazz", "latin", "hip-hop", "punk", "reggae", "country", "soul", "pop",
    "afrobeat", "blues", "gospel", "afro-cuban", "new-orleans", "disco", "swing", "half-time",
    "metal", "electronic", "trap", "drum-and-bass"});

constexpr auto kFeelList = std::to_array<std::string_view>({
    "straight", "shuffle", "swing", "half-time", "double-time", "four-on-the-floor",
    "syncopated", "linear", "breakbeat", "one-drop", "clave", "polyrhythmic", "second-line"});

constexpr std::array<std::string_view, 4> kTimekeepers = {"closed_hat", "ride", "open_hat", "low_tom"};

constexpr std::array<std::string_view, 16> kRequired = {
    "id", "kind", "name", "aliases", "genres", "base", "country", "era", "tempo", "feel",
    "meters", "traits", "signature_grooves", "description", "sources", "confidence"};

constexpr int kCurrentYear = 2026;
// A tempo range wider than this factor is not one artist's usual range.
constexpr double kMaxTempoSpread = 5.0;

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& items, std::string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

std::set<std::string> ids_in(const fs::path& dir) {
  std::set<std::string> ids;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return ids;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") ids.insert(it->path().stem().string());
  }
  return ids;
}

// What one entry contributes to the cross-file checks.
struct EntryFacts {
  fs::path file;
  std::string id;
  bool has_style = false;  // non-empty traits or grooves: usable as a relation target
  std::vector<std::string> drummer_ids;  // with the field path of each
  std::vector<std::string> drummer_paths;
  bool needs_relation = false;  // empty traits and no grooves
  std::vector<std::pair<std::string, std::string>> keys;  // folded key, where it came from
};

class EntryChecker {
 public:
  EntryChecker(KbReport& report, const std::set<std::string>& genre_ids)
      : report_(report), genre_ids_(genre_ids) {}

  EntryFacts check(const fs::path& file) {
    EntryFacts facts;
    facts.file = file;
    file_ = file;
    auto text = read_text_file(file);
    if (!text) {
      problem("", text.error().message);
      return facts;
    }
    const json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded()) {
      problem("", "not valid JSON; check brackets, commas and quotes (python3 -m json.tool shows "
                  "the line)");
      return facts;
    }
    if (!doc.is_object()) {
      problem("", "an entry must be a JSON object");
      return facts;
    }
    collect_keys(doc, facts);
    for (const auto key : kRequired) {
      if (!doc.contains(key)) problem(std::string(key), "is required (see docs/knowledge-base.md)");
    }
    if (doc.contains("groove")) {
      problem("groove", "knowledge-base entries carry no measured groove; it comes from 'base'");
    }
    const std::string stem = file.stem().string();
    if (const auto it = doc.find("id"); it != doc.end() && it->is_string() && *it != stem) {
      problem("id", "'" + it->get<std::string>() + "' must equal the file name without .json ('" +
                        stem + "')");
    }
    if (const auto it = doc.find("kind"); it != doc.end() && it->is_string()) {
      const std::string kind = it->get<std::string>();
      if (kind != "band" && kind != "artist" && kind != "drummer" && kind != "producer") {
        problem("kind", "'" + kind + "' is not allowed here; allowed: band, artist, drummer, producer");
      }
    }
    if (const auto it = doc.find("tempo"); it != doc.end() && it->is_object()) {
      for (const char* key : {"min", "max", "typical"}) {
        if (!it->contains(key)) problem(std::string("tempo.") + key, "is required (BPM 40-300)");
      }
    }
    auto profile = profile_from_json(doc);
    if (!profile) {
      decode_problem(profile.error().message);
      return facts;
    }
    check_profile(*profile, doc, facts);
    return facts;
  }

 private:
  void problem(std::string field, std::string message) {
    report_.problems.push_back(KbProblem{file_, std::move(field), std::move(message)});
  }

  // "profile field 'traits.x': what" -> field "traits.x", message "what".
  void decode_problem(const std::string& message) {
    constexpr std::string_view kPrefix = "profile field '";
    if (message.starts_with(kPrefix)) {
      const auto end = message.find("': ", kPrefix.size());
      if (end != std::string::npos) {
        problem(message.substr(kPrefix.size(), end - kPrefix.size()), message.substr(end + 3));
        return;
      }
    }
    constexpr std::string_view kUnknown = "unknown field '";
    if (message.starts_with(kUnknown)) {
      const auto end = message.find('\'', kUnknown.size());
      if (end != std::string::npos) {
        problem(message.substr(kUnknown.size(), end - kUnknown.size()), message);
        return;
      }
    }
    problem("", message);
  }

  void collect_keys(const json& doc, EntryFacts& facts) {
    auto add = [&facts](const json& value, const std::string& where) {
      if (!value.is_string()) return;
      const std::string key = fold_name(value.get<std::string>());
      if (!key.empty()) facts.keys.emplace_back(key, where);
    };
    if (const auto it = doc.find("id"); it != doc.end()) {
      add(*it, "id");
      if (it->is_string()) facts.id = it->get<std::string>();
    }
    if (const auto it = doc.find("name"); it != doc.end()) add(*it, "name");
    if (const auto it = doc.find("aliases"); it != doc.end() && it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        add((*it)[i], "aliases[" + std::to_string(i) + "]");
        if ((*it)[i].is_string() && fold_name((*it)[i].get<std::string>()).empty()) {
          problem("aliases[" + std::to_string(i) + "]",
                  "has no letters or digits to look it up by; remove it");
        }
      }
    }
  }

  void check_profile(const StyleProfile& p, const json& doc, EntryFacts& facts) {
    const std::string kind(artist_kind_name(p.artist_kind));
    ++report_.per_kind[kind];
    ++report_.per_base[p.base];
    if (!p.country.empty()) ++report_.per_country[p.country];

    if (p.genres.empty() || p.genres.size() > 4) {
      problem("genres", std::to_string(p.genres.size()) + " genres; allowed 1-4 tags, most "
                        "characteristic first");
    }
    for (std::size_t i = 0; i < p.genres.size(); ++i) {
      if (!contains(kGenres, p.genres[i])) {
        problem("genres[" + std::to_string(i) + "]",
                "'" + p.genres[i] + "' is not in the vocabulary; allowed: " + join(kGenres));
      }
      ++report_.per_genre[p.genres[i]];
    }
    if (!contains(kBases, p.base)) {
      problem("base", "'" + p.base + "' is not a base genre; allowed: " + join(kBases));
    } else if (!genre_ids_.contains(p.base)) {
      problem("base", "'" + p.base + "' has no genre profile in " +
                          (report_.data_dir / "genres").string() + "; allowed now: " + genre_list());
    }
    if (p.era) {
      const int last = p.era->to.value_or(kCurrentYear);
      for (int decade = p.era->from / 10 * 10; decade <= last; decade += 10) ++report_.per_decade[decade];
    }
    // Tempo: plausible for one artist.
    if (p.tempo.max > kMaxTempoSpread * p.tempo.min) {
      problem("tempo", "min " + number_text(p.tempo.min) + " to max " + number_text(p.tempo.max) +
                           " BPM is not a plausible range for one artist; allowed: max at most " +
                           number_text(kMaxTempoSpread) + " x min");
    }
    if (!p.feel.empty() && !contains(kFeelList, p.feel)) {
      problem("feel", "'" + p.feel + "' is not allowed; allowed: " + join(kFeelList));
    }
    if (doc.contains("feel") && p.feel.empty()) problem("feel", "must not be empty; allowed: " + join(kFeelList));
    if (doc.contains("meters") && p.meters.empty()) {
      problem("meters", "needs at least one meter, most common first, e.g. [\"4/4\"]");
    }
    if (p.traits.timekeeper) {
      const auto key = notation_lane_key(*p.traits.timekeeper);
      if (!contains(kTimekeepers, key)) {
        problem("traits.timekeeper", "'" + std::string(key) + "' is not allowed; allowed: " + join(kTimekeepers));
      }
    }
    const bool kind_needs_drummers = p.artist_kind == ArtistKind::band || p.artist_kind == ArtistKind::artist;
    if (kind_needs_drummers && p.drummers.empty()) {
      problem("drummers", "a " + kind + " lists its main drummer(s): [{\"name\", \"id\" (when the "
                          "drummer has an entry), \"from\", \"to\"}]");
    }
    for (std::size_t i = 0; i < p.drummers.size(); ++i) {
      const std::string path = "drummers[" + std::to_string(i) + "]";
      if (!p.drummers[i].from) problem(path + ".from", "is required: the first year with them (1900-2026)");
      if (!p.drummers[i].id.empty()) {
        facts.drummer_ids.push_back(p.drummers[i].id);
        facts.drummer_paths.push_back(path + ".id");
      }
    }
    const json* traits_json = doc.contains("traits") ? &doc.at("traits") : nullptr;
    const bool empty_traits = traits_json != nullptr && traits_json->is_object() && traits_json->empty();
    facts.has_style = !p.signature_grooves.empty() || (traits_json != nullptr && !empty_traits);
    if (empty_traits && p.signature_grooves.empty()) {
      facts.needs_relation = true;
      if (facts.drummer_ids.empty()) {
        problem("traits", "is empty and there are no signature grooves: allowed only when a drummer "
                          "in 'drummers' has an 'id' naming their entry (whose style is then used)");
      }
    } else if (p.signature_grooves.empty() || p.signature_grooves.size() > 3) {
      problem("signature_grooves", std::to_string(p.signature_grooves.size()) +
                                       " grooves; allowed 1-3 (or [] together with empty traits and "
                                       "a drummer id)");
    }
    for (std::size_t i = 0; i < p.signature_grooves.size(); ++i) {
      const auto& g = p.signature_grooves[i];
      const std::string path = "signature_grooves[" + std::to_string(i) + "]";
      ++report_.signature_grooves;
      if (g.name.empty()) problem(path + ".name", "is required: what the groove is called");
      if (g.tempo && (*g.tempo < p.tempo.min || *g.tempo > p.tempo.max)) {
        problem(path + ".tempo", number_text(*g.tempo) + " BPM is outside the entry's tempo range; "
                                 "allowed " + number_text(p.tempo.min) + "-" + number_text(p.tempo.max));
      }
    }
    if (doc.contains("description") && p.description.empty()) {
      problem("description", "must not be empty: 1-4 sentences by the team");
    }
    if (doc.contains("sources") && p.sources.empty()) {
      problem("sources", "needs at least one {\"title\", \"url\"} where the facts can be checked");
    }
    if (doc.contains("name") && p.name.empty()) problem("name", "must not be empty");
  }

  std::string genre_list() const {
    std::string out;
    for (const auto& id : genre_ids_) {
      if (!out.empty()) out += ", ";
      out += id;
    }
    return out;
  }

  KbReport& report_;
  const std::set<std::string>& genre_ids_;
  fs::path file_;
};

}  // namespace

std::span<const std::string_view> kb_genre_vocabulary() noexcept { return kGenres; }
std::span<const std::string_view> kb_base_genres() noexcept { return kBases; }
std::span<const std::string_view> kb_feels() noexcept { return kFeelList; }

Result<KbReport> check_knowledge_base(const fs::path& data_dir) {
  std::error_code ec;
  const fs::path artists = data_dir / "artists";
  if (!fs::is_directory(artists, ec)) {
    return fail(Errc::not_found, "knowledge-base folder '" + artists.string() +
                                     "' does not exist; pass --data DIR with artists/ and genres/");
  }
  KbReport report;
  report.data_dir = data_dir;
  const std::set<std::string> genre_ids = ids_in(data_dir / "genres");
  report.genre_profiles = genre_ids.size();

  std::vector<fs::path> files;
  for (fs::directory_iterator it(artists, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) return fail(Errc::io, "cannot list '" + artists.string() + "': " + ec.message());
  std::sort(files.begin(), files.end());

  EntryChecker checker(report, genre_ids);
  std::vector<EntryFacts> facts;
  facts.reserve(files.size());
  for (const auto& file : files) facts.push_back(checker.check(file));
  report.entries = files.size();

  // Cross-file: unique folded keys, drummer ids, relations.
  std::map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < facts.size(); ++i) {
    if (!facts[i].id.empty()) by_id.emplace(facts[i].id, i);
  }
  std::map<std::string, std::vector<std::pair<std::size_t, std::string>>> owners;
  for (std::size_t i = 0; i < facts.size(); ++i) {
    for (const auto& [key, where] : facts[i].keys) owners[key].emplace_back(i, where);
  }
  for (const auto& [key, list] : owners) {
    std::set<std::size_t> distinct;
    for (const auto& [index, where] : list) distinct.insert(index);
    if (distinct.size() < 2) continue;
    // Reported on every entry that uses the key, naming the others.
    std::set<std::size_t> reported;
    for (const auto& [index, where] : list) {
      if (!reported.insert(index).second) continue;
      std::string others;
      for (const std::size_t other : distinct) {
        if (other == index) continue;
        if (!others.empty()) others += ", ";
        others += facts[other].file.filename().string();
      }
      report.problems.push_back(KbProblem{
          facts[index].file, where,
          "'" + key + "' (case, accents and punctuation folded) is also used by " + others +
              "; names, ids and aliases must be unique across the base"});
    }
  }
  for (const auto& f : facts) {
    bool relation_ok = !f.needs_relation;
    for (std::size_t k = 0; k < f.drummer_ids.size(); ++k) {
      const auto it = by_id.find(f.drummer_ids[k]);
      if (it == by_id.end()) {
        report.problems.push_back(KbProblem{f.file, f.drummer_paths[k],
                                            "'" + f.drummer_ids[k] + "' has no entry (data/artists/" +
                                                f.drummer_ids[k] + ".json); give an id only when the "
                                                "drummer has an entry"});
        continue;
      }
      if (facts[it->second].has_style) relation_ok = true;
    }
    if (!relation_ok && !f.drummer_ids.empty()) {
      report.problems.push_back(KbProblem{
          f.file, "traits",
          "is empty and there are no signature grooves, but no drummer id names an entry with traits "
          "or grooves to use instead"});
    }
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const KbProblem& a, const KbProblem& b) { return a.file < b.file; });
  return report;
}

json kb_report_to_json(const KbReport& r) {
  json problems = json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"file", p.file.string()}, {"field", p.field}, {"message", p.message}});
  }
  json decades = json::object();
  for (const auto& [decade, n] : r.per_decade) decades[std::to_string(decade) + "s"] = n;
  return {{"data_dir", r.data_dir.string()},
          {"ok", r.ok()},
          {"entries", r.entries},
          {"genre_profiles", r.genre_profiles},
          {"signature_grooves", r.signature_grooves},
          {"per_kind", r.per_kind},
          {"per_genre", r.per_genre},
          {"per_decade", decades},
          {"per_base", r.per_base},
          {"countries", r.per_country.size()},
          {"problems", problems}};
}

std::string render_kb_report(const KbReport& r) {
  std::string out = "knowledge base " + r.data_dir.string() + ": " + std::to_string(r.entries) +
                    " entries, " + std::to_string(r.signature_grooves) + " signature grooves, " +
                    std::to_string(r.per_country.size()) + " countries, " +
                    std::to_string(r.genre_profiles) + " genre profiles\n";
  auto line = [&out](std::string_view title, const auto& counts, auto label) {
    out += std::string(title) + ":";
    for (const auto& [key, n] : counts) out += " " + label(key) + " " + std::to_string(n) + ",";
    if (out.back() == ',') out.pop_back();
    out += '\n';
  };
  line("kinds", r.per_kind, [](const std::string& k) { return k; });
  line("genres (" + std::to_string(r.per_genre.size()) + ")", r.per_genre,
       [](const std::string& k) { return k; });
  line("decades", r.per_decade, [](int d) { return std::to_string(d) + "s"; });
  line("bases", r.per_base, [](const std::string& k) { return k; });
  if (r.ok()) {
    out += "ok: no problems\n";
    return out;
  }
  out += std::to_string(r.problems.size()) + " problem" + (r.problems.size() == 1 ? "" : "s") + ":\n";
  for (const auto& p : r.problems) {
    out += "  " + p.file.string() + ": " + (p.field.empty() ? std::string() : p.field + ": ") + p.message + '\n';
  }
  return out;
}

}  // namespace mdg
