#include "service/humanize.hpp"

#include <cmath>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "midi/midi_file.hpp"

namespace mdg {

Result<HumanizeResponse> run_humanize(const StyleLibrary& library, const HumanizeRequest& request) {
  if (request.midi_format != 0 && request.midi_format != 1) {
    return fail(Errc::invalid_argument, "MIDI format " + std::to_string(request.midi_format) +
                                            " is not supported; allowed: 0, 1");
  }
  auto options = validate(request.options);
  if (!options) return std::unexpected(options.error());
  if (request.output.empty()) {
    return fail(Errc::invalid_argument, "no output file given; name one with -o OUT.mid");
  }
  auto input = read_drum_file(request.input);
  if (!input) {
    // A missing file or one without drums is a problem with the input file, not an
    // unknown name: report it as such.
    const Errc code = input.error().code == Errc::not_found ? Errc::io : input.error().code;
    return fail(code, "cannot humanize '" + request.input.string() + "': " + input.error().message,
                input.error().offset);
  }
  auto profile = library.resolve(request.style);
  if (!profile) return std::unexpected(profile.error());
  // The learned note feel shipped with the data, when the data folder has one.
  std::optional<NoteFeelModel> note_feel;
  const std::filesystem::path feel_file = library.data_dir() / kNoteFeelFile;
  if (std::error_code ec; std::filesystem::exists(feel_file, ec)) {
    auto model = read_note_feel_file(feel_file);
    if (!model) return std::unexpected(model.error());
    note_feel = std::move(*model);
  }
  auto humanized = humanize(*input, *profile, *options, note_feel ? &*note_feel : nullptr);
  if (!humanized) return std::unexpected(humanized.error());

  HumanizeResponse r;
  r.query = request.style;
  r.input = request.input;
  r.output = request.output;
  r.options = *options;
  r.pattern = std::move(*humanized);
  r.pattern.name = input->name + " - humanized (" + profile->name + ")";
  r.notes = r.pattern.hits.size();
  // Notes keep their pitch and, per pitch, their order (they never cross a grid step).
  std::vector<std::vector<const Hit*>> before(128), after(128);
  for (const auto& h : input->hits) before[h.note].push_back(&h);
  for (const auto& h : r.pattern.hits) after[h.note].push_back(&h);
  double shift = 0.0, velocity = 0.0;
  std::size_t n = 0;
  for (std::size_t note = 0; note < 128; ++note) {
    for (std::size_t i = 0; i < std::min(before[note].size(), after[note].size()); ++i) {
      shift += std::fabs(static_cast<double>(after[note][i]->tick - before[note][i]->tick)) *
               ms_per_tick(input->tempo_bpm > 0 ? input->tempo_bpm : 120.0);
      velocity += std::fabs(static_cast<double>(after[note][i]->velocity) - before[note][i]->velocity);
      ++n;
    }
  }
  if (n > 0) {
    r.mean_shift_ms = shift / static_cast<double>(n);
    r.mean_velocity_change = velocity / static_cast<double>(n);
  }
  r.profile = std::move(*profile);

  if (const auto dir = request.output.parent_path(); !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(Errc::io, "cannot create output folder '" + dir.string() + "': " + ec.message());
  }
  MidiWriteOptions write;
  write.format = request.midi_format;
  write.track_name = r.pattern.name;
  if (auto written = write_midi_file(request.output, r.pattern, write); !written) {
    return std::unexpected(written.error());
  }
  return r;
}

std::string render_humanize_text(const HumanizeResponse& r) {
  const StyleProfile& p = r.profile;
  return fmt::format(
      "{} -> {}\n{} notes humanized in the style of {} ({}{}), amount {}, seed {}\n"
      "onsets moved {:.1f} ms and velocities changed {:.1f} on average\n",
      r.input.string(), r.output.string(), r.notes, p.name,
      p.kind == ProfileKind::artist ? "artist, feel from " : "genre",
      p.kind == ProfileKind::artist ? p.base : std::string(), r.options.amount, r.options.seed,
      r.mean_shift_ms, r.mean_velocity_change);
}

nlohmann::json humanize_to_json(const HumanizeResponse& r) {
  return {{"query", r.query},
          {"style", r.profile.name},
          {"profile", {{"id", r.profile.id}, {"kind", r.profile.kind == ProfileKind::artist ? "artist" : "genre"},
                       {"base", r.profile.base}}},
          {"input", r.input.string()},
          {"output", r.output.string()},
          {"track_name", r.pattern.name},
          {"amount", r.options.amount},
          {"seed", r.options.seed},
          {"notes", r.notes},
          {"meter", r.pattern.meter.to_string()},
          {"tempo", r.pattern.tempo_bpm},
          {"mean_shift_ms", r.mean_shift_ms},
          {"mean_velocity_change", r.mean_velocity_change}};
}

}  // namespace mdg
