#include "service/derive_kb.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "service/derive.hpp"
#include "style/groove_notation.hpp"
#include "style/profile_json.hpp"

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kKbSourceTitle = "MidiDrumiGen knowledge base (data/artists): signature grooves";

Result<std::vector<json>> read_kb_definitions(const fs::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return fail(Errc::parse, path.string() + " is not valid JSON");
  if (!doc.is_object() || !doc.contains("kb_genres") || !doc["kb_genres"].is_array()) {
    return fail(Errc::parse, path.string() + ": expected a \"kb_genres\": [...] list of the genres "
                                             "learned from the knowledge base");
  }
  std::vector<json> out;
  for (std::size_t i = 0; i < doc["kb_genres"].size(); ++i) {
    const json& g = doc["kb_genres"][i];
    if (!g.is_object() || !g.contains("id") || !g["id"].is_string()) {
      return fail(Errc::parse, fmt::format("{}: kb_genres[{}] needs a string \"id\"", path.string(), i));
    }
    for (const char* derived : {"tempo", "feel", "confidence", "sources", "kind"}) {
      if (g.contains(derived)) {
        return fail(Errc::parse, fmt::format("{}: kb_genres[{}] ('{}'): \"{}\" is derived from the "
                                             "entries; leave it out (allowed: id, name, aliases, "
                                             "genres, description, traits)",
                                             path.string(), i, g["id"].get<std::string>(), derived));
      }
    }
    out.push_back(g);
  }
  return out;
}

// Every entry under artists/, in file-name order (the ids), fully validated.
Result<std::vector<StyleProfile>> read_entries(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(Errc::io, "no artists folder at " + dir.string());
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return fail(Errc::io, "cannot list '" + dir.string() + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<StyleProfile> out;
  out.reserve(files.size());
  for (const auto& file : files) {
    auto p = load_profile_file(file);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

double confidence_from_grooves(std::uint32_t grooves) noexcept {
  const double c = 0.2 + 0.6 * (1.0 - std::exp(-static_cast<double>(grooves) / 30.0));
  return std::round(c * 100.0) / 100.0;
}

Result<KbDeriveResult> derive_kb_genre_profiles(const KbDeriveOptions& options) {
  if (options.min_grooves < 1 || options.min_grooves > 1000) {
    return fail(Errc::invalid_argument,
                fmt::format("min_grooves {} is not allowed; allowed: 1-1000", options.min_grooves));
  }
  if (auto v = validate(options.analyzer); !v) return std::unexpected(v.error());
  auto definitions = read_kb_definitions(options.definitions);
  if (!definitions) return std::unexpected(definitions.error());
  auto entries = read_entries(options.artists_dir);
  if (!entries) return std::unexpected(entries.error());

  const Meter common{4, 4};
  KbDeriveResult result;
  for (const json& def : *definitions) {
    const std::string id = def["id"].get<std::string>();
    auto make = [&](Subdivision s) {
      AnalyzerOptions analyzer = options.analyzer;
      analyzer.groove_bars_only = true;
      return GrooveAccumulator::create(Grid{common, s}, analyzer);
    };
    auto beat16 = make(Subdivision::sixteenth), beat3 = make(Subdivision::triplet);
    if (!beat16) return std::unexpected(beat16.error());
    if (!beat3) return std::unexpected(beat3.error());

    KbDerivedGenre genre;
    std::vector<double> mins, maxes, typicals;
    std::vector<std::string> feels;  // one per contributing entry, in id order
    for (const StyleProfile& entry : *entries) {
      if (entry.base != id || entry.signature_grooves.empty()) continue;
      bool used = false;
      for (std::size_t g = 0; g < entry.signature_grooves.size(); ++g) {
        const SignatureGroove& sg = entry.signature_grooves[g];
        auto parsed = parse_groove(sg);
        if (!parsed) {
          return fail(Errc::parse, fmt::format("{}: signature_grooves[{}] ('{}'): {}", entry.id, g,
                                               sg.name, parsed.error().message));
        }
        if (!(parsed->meter == common)) {
          ++genre.other_meter_grooves;
          continue;
        }
        Pattern once = parsed->to_pattern(sg.tempo.value_or(entry.tempo.typical), sg.name);
        // Played twice: the loop's second pass gives the step across the bar line.
        Pattern loop = once;
        for (const Hit& h : once.hits) {
          Hit again = h;
          again.tick += once.length_ticks;
          loop.hits.push_back(again);
        }
        loop.length_ticks = 2 * once.length_ticks;
        loop.sort_hits();
        beat16->add(loop);
        beat3->add(loop);
        ++genre.grooves;
        used = true;
      }
      if (used) {
        genre.entries.push_back(entry.id);
        mins.push_back(entry.tempo.min);
        maxes.push_back(entry.tempo.max);
        typicals.push_back(entry.tempo.typical);
        feels.push_back(entry.feel);
      }
    }
    if (genre.grooves < static_cast<std::uint32_t>(options.min_grooves)) {
      result.refused.push_back(
          {id, fmt::format("{}: {} usable signature grooves (4/4) from {} entries with base '{}'; at "
                           "least {} needed to learn a genre from the knowledge base",
                           id, genre.grooves, genre.entries.size(), id, options.min_grooves)});
      continue;
    }

    // The most common feel; ties go to the one met first.
    std::string feel;
    std::size_t best = 0;
    for (const auto& f : feels) {
      const auto n = static_cast<std::size_t>(std::count(feels.begin(), feels.end(), f));
      if (n > best) {
        best = n;
        feel = f;
      }
    }
    json profile_json = def;
    profile_json["kind"] = "genre";
    profile_json["tempo"] = {{"min", *std::min_element(mins.begin(), mins.end())},
                             {"max", *std::max_element(maxes.begin(), maxes.end())},
                             {"typical", std::round(median(typicals))}};
    profile_json["feel"] = feel;
    profile_json["confidence"] = confidence_from_grooves(genre.grooves);
    std::string entry_list;
    for (std::size_t i = 0; i < genre.entries.size(); ++i) {
      entry_list += (i > 0 ? ", " : "") + genre.entries[i];
    }
    profile_json["sources"] = json::array(
        {{{"title", fmt::format("{} of {} entries with base '{}' ({})", kKbSourceTitle,
                                genre.entries.size(), id, entry_list)}}});
    auto profile = profile_from_json(profile_json);
    if (!profile) {
      return fail(Errc::parse, options.definitions.string() + ": kb genre '" + id + "': " +
                                   profile.error().message);
    }
    profile->groove.sixteenth = beat16->finish();
    profile->groove.triplet = beat3->finish();
    profile->groove.feel = profile->groove.sixteenth.swing_ratio >= kTripletSwingRatio
                               ? Subdivision::triplet
                               : best_feel(*beat16, *beat3);
    genre.profile = std::move(*profile);
    result.genres.push_back(std::move(genre));
  }
  return result;
}

Result<KbDeriveResult> derive_kb_profiles(const KbDeriveOptions& options) {
  auto result = derive_kb_genre_profiles(options);
  if (!result) return result;
  for (const KbDerivedGenre& g : result->genres) {
    const std::string file = g.profile.id + ".json";
    if (auto r = write_derived_file(options.out_dir / "genres" / file, profile_file_text(g.profile)); !r) {
      return std::unexpected(r.error());
    }
    if (auto r = write_derived_file(options.out_dir / "grooves" / file, groove_file_text(g.profile.groove));
        !r) {
      return std::unexpected(r.error());
    }
  }
  return result;
}

std::string kb_derive_summary_line(const KbDerivedGenre& g) {
  const StyleProfile& p = g.profile;
  std::string line = fmt::format(
      "{}: {} signature grooves from {} entries, feel {} (grid {}), {:.0f}-{:.0f} BPM (typical "
      "{:.0f}), confidence {:.2f}",
      p.id, g.grooves, g.entries.size(), p.feel, subdivision_name(p.groove.feel), p.tempo.min,
      p.tempo.max, p.tempo.typical, p.confidence);
  if (g.other_meter_grooves > 0) line += fmt::format(", {} grooves in other meters left out", g.other_meter_grooves);
  return line;
}

}  // namespace mdg
