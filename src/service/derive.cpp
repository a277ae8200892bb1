#include "service/derive.hpp"

#include "groove/groove_json.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "midi/midi_file.hpp"
#include "style/profile_json.hpp"

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kGmdTitle = "Groove MIDI Dataset, Magenta (Gillick et al., 2019), CC BY 4.0";
constexpr const char* kGmdUrl = "https://magenta.tensorflow.org/datasets/groove";

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(Errc::io, "cannot read " + path.string());
  return buffer.str();
}

struct Definition {
  json profile;                       // the fields a StyleProfile takes
  std::vector<std::string> gmd_styles;
};

Result<std::vector<Definition>> read_definitions(const fs::path& path) {
  auto text = read_text(path);
  if (!text) return std::unexpected(text.error());
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return fail(Errc::parse, path.string() + " is not valid JSON");
  if (!doc.is_object() || !doc.contains("genres") || !doc["genres"].is_array()) {
    return fail(Errc::parse, path.string() + ": expected {\"genres\": [...]}");
  }
  std::vector<Definition> out;
  for (std::size_t i = 0; i < doc["genres"].size(); ++i) {
    const json& g = doc["genres"][i];
    const std::string where = fmt::format("{}: genres[{}]", path.string(), i);
    if (!g.is_object() || !g.contains("id") || !g["id"].is_string()) {
      return fail(Errc::parse, where + " needs a string \"id\"");
    }
    Definition d;
    if (g.contains("gmd_styles")) {
      const json& styles = g["gmd_styles"];
      if (!styles.is_array()) return fail(Errc::parse, where + ".gmd_styles must be a list of strings");
      for (const auto& s : styles) {
        if (!s.is_string() || s.get<std::string>().empty()) {
          return fail(Errc::parse, where + ".gmd_styles must be a list of non-empty strings");
        }
        d.gmd_styles.push_back(s.get<std::string>());
      }
    }
    d.profile = g;
    d.profile.erase("gmd_styles");
    d.profile["kind"] = "genre";
    out.push_back(std::move(d));
  }
  return out;
}

struct Row {
  std::string style;
  std::string beat_type;
  std::string midi_filename;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(cell);
  return cells;
}

// The training rows of info.csv.
Result<std::vector<Row>> read_train_rows(const fs::path& csv) {
  auto text = read_text(csv);
  if (!text) return std::unexpected(text.error());
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line)) return fail(Errc::parse, csv.string() + " is empty");
  const auto header = split_csv_line(line);
  auto column = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  };
  const auto style = column("style"), beat = column("beat_type"), midi = column("midi_filename"),
             split = column("split");
  if (!style || !beat || !midi || !split) {
    return fail(Errc::parse, csv.string() +
                                 " must have the columns style, beat_type, midi_filename and split");
  }
  std::vector<Row> rows;
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    if (cells.size() != header.size()) {
      return fail(Errc::parse, fmt::format("{} line {}: {} columns, expected {}", csv.string(), number,
                                           cells.size(), header.size()));
    }
    if (cells[*split] != "train") continue;
    rows.push_back({cells[*style], cells[*beat], cells[*midi]});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.midi_filename < b.midi_filename; });
  return rows;
}

}  // namespace

bool gmd_style_matches(std::string_view entry, std::string_view style) noexcept {
  if (entry == style) return true;
  if (entry.find('/') != std::string_view::npos) return false;
  return style.size() > entry.size() && style.substr(0, entry.size()) == entry &&
         style[entry.size()] == '/';
}

double confidence_from_bars(std::uint32_t beat_bars) noexcept {
  const double c = 0.2 + 0.75 * (1.0 - std::exp(-static_cast<double>(beat_bars) / 600.0));
  return std::round(c * 100.0) / 100.0;
}

Result<DeriveResult> derive_genre_profiles(const DeriveOptions& options) {
  if (auto v = validate(options.analyzer); !v) return std::unexpected(v.error());
  auto definitions = read_definitions(options.definitions);
  if (!definitions) return std::unexpected(definitions.error());
  auto rows = read_train_rows(options.groove_dir / "info.csv");
  if (!rows) return std::unexpected(rows.error());

  DeriveResult result;
  result.train_files = static_cast<std::uint32_t>(rows->size());

  // Read every training file some genre wants, once.
  std::map<std::string, std::optional<Pattern>> patterns;
  for (const Row& row : *rows) {
    const bool wanted = std::any_of(definitions->begin(), definitions->end(), [&](const Definition& d) {
      return std::any_of(d.gmd_styles.begin(), d.gmd_styles.end(),
                         [&](const std::string& e) { return gmd_style_matches(e, row.style); });
    });
    if (!wanted || patterns.contains(row.midi_filename)) continue;
    auto p = read_drum_file(options.groove_dir / row.midi_filename);
    if (!p) {
      result.unread.push_back(row.midi_filename + ": " + p.error().describe());
      patterns.emplace(row.midi_filename, std::nullopt);
    } else {
      patterns.emplace(row.midi_filename, std::move(*p));
    }
  }

  const Meter common{4, 4};
  // The beat takes the note feel learns from, each with the first genre it feeds.
  std::vector<std::pair<const Pattern*, std::size_t>> feel_takes;
  std::map<std::string, bool> feel_taken;
  for (const Definition& def : *definitions) {
    // Beat models learn from groove bars (fills inside beat takes are left to the fill
    // models); fill models from every bar of the fill takes.
    auto make = [&](Subdivision s, bool groove_only) {
      AnalyzerOptions analyzer = options.analyzer;
      analyzer.groove_bars_only = groove_only;
      // A beat model keeps each take's shape: the engine leans each variation of a genre
      // toward one measured drummer's choices.
      analyzer.take_shapes = groove_only;
      return GrooveAccumulator::create(Grid{common, s}, analyzer);
    };
    auto beat16 = make(Subdivision::sixteenth, true), beat3 = make(Subdivision::triplet, true);
    auto fill16 = make(Subdivision::sixteenth, false), fill3 = make(Subdivision::triplet, false);
    for (const auto* acc : {&beat16, &beat3, &fill16, &fill3}) {
      if (!*acc) return std::unexpected(acc->error());
    }
    DerivedGenre genre;
    for (const Row& row : *rows) {
      const bool match = std::any_of(def.gmd_styles.begin(), def.gmd_styles.end(),
                                     [&](const std::string& e) { return gmd_style_matches(e, row.style); });
      if (!match) continue;
      const auto& p = patterns.at(row.midi_filename);
      if (!p) continue;
      const bool fill = row.beat_type == "fill";
      // A take that follows neither grid (played to another tempo, or in free time)
      // would only smear the step statistics.
      if (p->meter == common && std::min(grid_fit(*p, Grid{common, Subdivision::sixteenth}),
                                         grid_fit(*p, Grid{common, Subdivision::triplet})) > kOffGridFit) {
        ++genre.off_grid_files;
        continue;
      }
      auto& six = fill ? *fill16 : *beat16;
      auto& tri = fill ? *fill3 : *beat3;
      if (!six.add(*p)) {
        ++genre.other_meter_files;
        continue;
      }
      tri.add(*p);
      ++(fill ? genre.fill_files : genre.beat_files);
      if (!fill && !feel_taken[row.midi_filename]) {
        feel_taken[row.midi_filename] = true;
        feel_takes.emplace_back(&*p, result.genres.size());
      }
    }

    json profile_json = def.profile;
    json sources = profile_json.contains("sources") && profile_json["sources"].is_array()
                       ? profile_json["sources"]
                       : json::array();
    const bool has_gmd = std::any_of(sources.begin(), sources.end(), [](const json& s) {
      return s.is_object() && s.contains("url") && s["url"] == kGmdUrl;
    });
    if (!has_gmd) sources.push_back({{"title", kGmdTitle}, {"url", kGmdUrl}});
    profile_json["sources"] = std::move(sources);
    profile_json["confidence"] = confidence_from_bars(beat16->bars());
    auto profile = profile_from_json(profile_json);
    if (!profile) {
      return fail(Errc::parse, options.definitions.string() + ": genre '" +
                                   def.profile["id"].get<std::string>() + "': " +
                                   profile.error().message);
    }
    profile->groove.sixteenth = beat16->finish();
    profile->groove.feel = profile->groove.sixteenth.swing_ratio >= kTripletSwingRatio
                               ? Subdivision::triplet
                               : best_feel(*beat16, *beat3);
    profile->groove.triplet = beat3->finish();
    profile->groove.fill_sixteenth = fill16->finish();
    profile->groove.fill_triplet = fill3->finish();
    genre.sixteenth_error_ms = beat16->mean_abs_quantize_error_ms();
    genre.triplet_error_ms = beat3->mean_abs_quantize_error_ms();
    genre.profile = std::move(*profile);
    result.genres.push_back(std::move(genre));
  }
  if (options.note_feel) {
    NoteFeelTrainer trainer;
    for (const auto& [pattern, g] : feel_takes) {
      trainer.add(quantize_take(*pattern), result.genres[g].profile.groove.sixteenth);
    }
    result.note_feel_notes = trainer.rows();
    auto model = trainer.fit(note_feel_timing_options(), note_feel_velocity_options());
    if (!model) return std::unexpected(model.error());
    result.note_feel = std::move(*model);
  }
  return result;
}

std::string profile_file_text(const StyleProfile& profile) {
  StyleProfile header = profile;
  header.groove = GrooveSet{};
  return profile_to_json(header).dump(1) + "\n";
}

std::string groove_file_text(const GrooveSet& groove) {
  return groove_set_to_json(groove).dump(1) + "\n";
}

Result<void> write_derived_file(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return fail(Errc::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  fs::path temp = path;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) return fail(Errc::io, "cannot write " + temp.string());
  }
  fs::rename(temp, path, ec);
  if (ec) return fail(Errc::io, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

Result<DeriveResult> derive_profiles(const DeriveOptions& options) {
  auto result = derive_genre_profiles(options);
  if (!result) return result;
  if (result->note_feel) {
    if (auto r = write_derived_file(options.out_dir / kNoteFeelFile, note_feel_text(*result->note_feel)); !r) {
      return std::unexpected(r.error());
    }
  }
  for (const DerivedGenre& g : result->genres) {
    const std::string file = g.profile.id + ".json";
    if (auto r = write_derived_file(options.out_dir / "genres" / file, profile_file_text(g.profile)); !r) {
      return std::unexpected(r.error());
    }
    if (auto r = write_derived_file(options.out_dir / "grooves" / file, groove_file_text(g.profile.groove)); !r) {
      return std::unexpected(r.error());
    }
  }
  return result;
}

std::string derive_summary_line(const DerivedGenre& g) {
  const GrooveSet& groove = g.profile.groove;
  std::string line = fmt::format(
      "{}: {} beat files ({} bars), {} fill files ({} bars), feel {} (error {:.1f} ms sixteenth, "
      "{:.1f} ms triplet), swing {:.2f}, confidence {:.2f}",
      g.profile.id, g.beat_files, groove.sixteenth.bars, g.fill_files, groove.fill_sixteenth.bars,
      subdivision_name(groove.feel), g.sixteenth_error_ms, g.triplet_error_ms,
      groove.sixteenth.swing_ratio, g.profile.confidence);
  if (g.other_meter_files > 0) line += fmt::format(", {} files in other meters ignored", g.other_meter_files);
  if (g.off_grid_files > 0) line += fmt::format(", {} off-grid takes ignored", g.off_grid_files);
  return line;
}

}  // namespace mdg
