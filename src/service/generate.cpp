#include "service/generate.hpp"

#include <array>
#include <system_error>

#include <fmt/format.h>

#include "generate/signature.hpp"
#include "midi/midi_file.hpp"

namespace mdg {
namespace {

// Rows top to bottom as drummers read a chart: cymbals, toms, snare, kick.
constexpr std::array<Lane, kLaneCount> kRowOrder = {
    Lane::crash,   Lane::ride,    Lane::open_hat, Lane::closed_hat, Lane::high_tom,
    Lane::mid_tom, Lane::low_tom, Lane::snare,    Lane::kick};

char cell_char(std::uint8_t velocity) {
  if (velocity == 0) return '-';
  if (velocity <= kGhostVelocity) return 'g';
  if (velocity >= 105) return 'X';
  return 'x';
}

std::string row_label(Lane lane, DrumNote note) {
  const auto* voice = drum_voice(note);
  std::string label = voice != nullptr ? std::string(voice->name) : std::string(lane_id(lane));
  if (label.size() > 13) label.resize(13);
  return label;
}

}  // namespace

Result<Resolved> resolve_request(const StyleLibrary& library, const GenerateRequest& request) {
  if (!request.blend.empty()) {
    auto profile = resolve_blend(library, request.blend);
    if (!profile) return std::unexpected(profile.error());
    Resolution how;
    how.query = request.blend;
    how.entry_id = profile->id;
    how.entry_name = profile->name;
    how.matched = request.blend;
    how.reason = "blend of " + request.blend;
    return Resolved{std::move(*profile), std::move(how)};
  }
  const std::string& stand_in = request.genre.empty() ? request.like : request.genre;
  if (request.artist.empty()) return library.resolve_match(stand_in);
  auto resolved = library.resolve_match(request.artist);
  if (resolved || stand_in.empty() || resolved.error().code != Errc::not_found) return resolved;
  return library.resolve_stand_in(request.artist, stand_in);
}

std::string resolution_line(const Resolution& how) {
  std::string line = "entry " + how.entry_id + " (" + std::string(match_kind_name(how.match)) + "): " + how.reason;
  if (how.match == MatchKind::stand_in) line = "STAND-IN, LOW CONFIDENCE: " + line;
  return line;
}

std::string variation_file_name(const Generation& g, int index) {
  return fmt::format("{}_s{}_v{}.mid", g.style_id, g.seed, index + 1);
}

Result<GenerateResponse> run_generate(const StyleLibrary& library, const GenerateRequest& request) {
  if (request.midi_format != 0 && request.midi_format != 1) {
    return fail(Errc::invalid_argument, "MIDI format " + std::to_string(request.midi_format) +
                                            " is not supported; allowed: 0, 1");
  }
  if (!request.blend.empty() && !request.artist.empty()) {
    return fail(Errc::invalid_argument, "give either a style name ('" + request.artist +
                                            "') or --blend, not both; a blend names all its styles");
  }
  if (request.blend.empty() && request.artist.empty() && request.genre.empty() && request.like.empty()) {
    return fail(Errc::invalid_argument, "no style given: name an artist or genre, or use --blend \"A:0.7,B:0.3\"");
  }
  if (!request.genre.empty() && !request.like.empty()) {
    return fail(Errc::invalid_argument, "give one stand-in, --genre or --like, not both");
  }
  if (!request.blend.empty() && (!request.genre.empty() || !request.like.empty())) {
    return fail(Errc::invalid_argument, "--genre and --like stand in for one unknown name; a blend names known styles");
  }
  auto resolved = resolve_request(library, request);
  if (!resolved) return std::unexpected(resolved.error());
  StyleProfile& profile = resolved->profile;
  GenerateOptions options = request.options;
  // A band that leaves its traits and grooves to its drummer's entry plays the drummer's
  // signature grooves.
  if (options.signature != 0 && profile.signature_grooves.empty() && profile.traits == StyleTraits{}) {
    for (const auto& drummer : profile.drummers) {
      if (drummer.id.empty()) continue;
      auto own = library.resolve(drummer.id);
      if (own && !own->signature_grooves.empty()) {
        profile.signature_grooves = own->signature_grooves;
        break;
      }
    }
  }
  // --signature without --time-signature plays the groove in its own meter.
  if (options.signature != 0 && !request.meter_given) {
    auto groove = pick_signature(profile, options.signature);
    if (!groove) return std::unexpected(groove.error());
    auto head = read_signature(**groove);
    if (!head) return std::unexpected(head.error());
    options.meter = head->meter;
  }
  auto generation = generate(profile, options);
  if (!generation) return std::unexpected(generation.error());

  GenerateResponse response;
  response.query = request.blend.empty() ? request.artist : request.blend;
  if (response.query.empty()) response.query = request.genre.empty() ? request.like : request.genre;
  response.profile = std::move(resolved->profile);
  response.resolution = std::move(resolved->how);
  response.generation = std::move(*generation);

  std::error_code ec;
  std::filesystem::create_directories(request.out_dir, ec);
  if (ec) {
    return fail(Errc::io, "cannot create output folder '" + request.out_dir.string() + "': " + ec.message());
  }
  const auto& variations = response.generation.variations;
  for (std::size_t i = 0; i < variations.size(); ++i) {
    const auto path = request.out_dir / variation_file_name(response.generation, static_cast<int>(i));
    MidiWriteOptions write;
    write.format = request.midi_format;
    // The file says which entry it was made from and why.
    write.track_name = variations[i].pattern.name + " [" + resolution_line(response.resolution) + "]";
    if (auto written = write_midi_file(path, variations[i].pattern, write); !written) {
      return std::unexpected(written.error());
    }
    response.files.push_back(path);
  }
  return response;
}

std::string render_grid(const GrooveGrid& grid) {
  const int slots = grid.slots_per_bar();
  if (slots == 0 || grid.bars == 0) return {};
  std::array<bool, kLaneCount> used{};
  for (const auto& cell : grid.cells) {
    for (std::size_t l = 0; l < kLaneCount; ++l) used[l] = used[l] || cell[l] != 0;
  }
  // Wrap so a line stays readable in a terminal (about 80 steps).
  const int bars_per_line = std::max(1, std::min(grid.bars, 80 / std::max(slots, 1)));
  std::string out;
  for (int first = 0; first < grid.bars; first += bars_per_line) {
    const int last = std::min(grid.bars, first + bars_per_line);
    std::string header = fmt::format("  {:<13} ", fmt::format("bar {}", first + 1));
    for (int bar = first; bar < last; ++bar) {
      header += '|';
      int beat = 0;
      for (int s = 0; s < slots; ++s) {
        if (grid.beat_starts[static_cast<std::size_t>(s)]) {
          ++beat;
          header += beat < 10 ? static_cast<char>('0' + beat) : '+';
        } else {
          header += '.';
        }
      }
    }
    out += header + "|\n";
    for (Lane lane : kRowOrder) {
      const auto li = lane_index(lane);
      if (!used[li]) continue;
      std::string row = fmt::format("  {:<13} ", row_label(lane, grid.lane_notes[li]));
      for (int bar = first; bar < last; ++bar) {
        row += '|';
        for (int s = 0; s < slots; ++s) row += cell_char(grid.at(bar, s, lane));
      }
      out += row + "|\n";
    }
    if (last < grid.bars) out += '\n';
  }
  return out;
}

std::string render_generation_text(const GenerateResponse& r) {
  const Generation& g = r.generation;
  const StyleProfile& p = r.profile;
  std::string out = fmt::format("{} ({}{}), {} bar{} of {} at {} BPM, {} grid, seed {}\n", p.name,
                                p.kind == ProfileKind::artist ? "artist, style from " : "genre",
                                p.kind == ProfileKind::artist ? p.base : std::string(), g.bars,
                                g.bars == 1 ? "" : "s", g.meter.to_string(), g.tempo_bpm,
                                subdivision_name(g.subdivision), g.seed);
  out += resolution_line(r.resolution) + "\n";
  if (!g.signature.empty()) out += fmt::format("core: signature groove '{}'\n", g.signature);
  out += "legend: X accent  x hit  g ghost  - rest\n";
  for (std::size_t i = 0; i < g.variations.size(); ++i) {
    const Variation& v = g.variations[i];
    std::string fills;
    for (std::size_t b = 0; b < v.grid.fill_bars.size(); ++b) {
      if (v.grid.fill_bars[b]) fills += (fills.empty() ? "" : ", ") + std::to_string(b + 1);
    }
    out += fmt::format("\nVariation {}: {} hits{} -> {}\n", i + 1, v.pattern.hits.size(),
                       fills.empty() ? std::string() : ", fills in bar " + fills,
                       i < r.files.size() ? r.files[i].string() : std::string("(not written)"));
    out += render_grid(v.grid);
  }
  return out;
}

nlohmann::json generation_to_json(const GenerateResponse& r) {
  const Generation& g = r.generation;
  const StyleProfile& p = r.profile;
  nlohmann::json variations = nlohmann::json::array();
  for (std::size_t i = 0; i < g.variations.size(); ++i) {
    const Variation& v = g.variations[i];
    nlohmann::json fill_bars = nlohmann::json::array();
    for (std::size_t b = 0; b < v.grid.fill_bars.size(); ++b) {
      if (v.grid.fill_bars[b]) fill_bars.push_back(b + 1);
    }
    variations.push_back({{"index", i + 1},
                          {"name", v.pattern.name},
                          {"file", i < r.files.size() ? r.files[i].string() : std::string()},
                          {"hits", v.pattern.hits.size()},
                          {"fill_bars", fill_bars}});
  }
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.files) files.push_back(f.string());
  nlohmann::json out = {{"query", r.query},
          {"artist", p.name},
          {"profile",
           {{"id", p.id},
            {"kind", p.kind == ProfileKind::artist ? "artist" : "genre"},
            {"base", p.base},
            {"genres", p.genres},
            {"feel", p.feel},
            {"tempo_range", {{"min", p.tempo.min}, {"max", p.tempo.max}, {"typical", p.tempo.typical}}},
            {"confidence", p.confidence}}},
          {"resolution",
           {{"entry", r.resolution.entry_id},
            {"entry_name", r.resolution.entry_name},
            {"match", match_kind_name(r.resolution.match)},
            {"score", r.resolution.score},
            {"matched", r.resolution.matched},
            {"drummer", r.resolution.drummer_id},
            {"stand_in", r.resolution.match == MatchKind::stand_in},
            {"reason", r.resolution.reason}}},
          {"tempo", g.tempo_bpm},
          {"meter", g.meter.to_string()},
          {"bars", g.bars},
          {"seed", g.seed},
          {"grid", subdivision_name(g.subdivision)},
          {"files", files},
          {"variations", variations}};
  if (!g.signature.empty()) out["signature"] = g.signature;
  return out;
}

}  // namespace mdg
