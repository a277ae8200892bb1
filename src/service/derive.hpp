#pragma once
// Derives the shipped genre profiles (data/genres/*.json) from the Groove MIDI Dataset:
// the genre definitions say what each genre is called and which GMD styles feed it; the
// training split's performances give the measured groove models.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "groove/analyzer.hpp"
#include "groove/note_feel.hpp"
#include "style/style_profile.hpp"

namespace mdg {

struct DeriveOptions {
  std::filesystem::path groove_dir;   // holds info.csv and the drummer*/ folders
  std::filesystem::path definitions;  // data/genre_definitions.json
  std::filesystem::path out_dir;      // the data folder: genres/<id>.json, grooves/<id>.json
  AnalyzerOptions analyzer;
  bool note_feel = true;              // also learn the note feel model (groove/note_feel.hpp)
};

struct DerivedGenre {
  StyleProfile profile;               // groove filled in
  std::uint32_t beat_files = 0;       // 4/4 beat performances analysed
  std::uint32_t fill_files = 0;       // 4/4 fill performances analysed
  std::uint32_t other_meter_files = 0;  // matching files in other meters, not analysed
  std::uint32_t off_grid_files = 0;    // takes that fit neither grid (see grid_fit)
  double sixteenth_error_ms = 0.0;
  double triplet_error_ms = 0.0;
};

struct DeriveResult {
  std::vector<DerivedGenre> genres;   // in the order of the definitions file
  std::uint32_t train_files = 0;      // rows of the training split
  std::vector<std::string> unread;    // training files that could not be read, with why
  // The note feel model, learned from every 4/4 beat take that feeds a genre (each take once,
  // with the groove model of the first genre it feeds); empty when not asked for.
  std::optional<NoteFeelModel> note_feel;
  std::size_t note_feel_notes = 0;
};

// A GMD style ("rock/halftime") belongs to a gmd_styles entry when the entry has no slash
// and equals the style's family ("rock"), or when it equals the whole style.
[[nodiscard]] bool gmd_style_matches(std::string_view entry, std::string_view style) noexcept;

// Confidence of a genre profile from the amount of data behind it: 0.2 with no beat
// bars, rising towards 0.95 (0.2 + 0.75 * (1 - exp(-bars / 600))).
[[nodiscard]] double confidence_from_bars(std::uint32_t beat_bars) noexcept;

// Reads the definitions and the dataset and builds every genre profile (nothing written).
[[nodiscard]] Result<DeriveResult> derive_genre_profiles(const DeriveOptions& options);

// The exact bytes written: the profile without its groove, and the groove, each dumped
// with indent 1 and a final newline.
[[nodiscard]] std::string profile_file_text(const StyleProfile& profile);
[[nodiscard]] std::string groove_file_text(const GrooveSet& groove);

// Writes a derived file atomically (a temporary beside it, then renamed), creating its folder.
[[nodiscard]] Result<void> write_derived_file(const std::filesystem::path& path, const std::string& text);

// derive_genre_profiles, then writes for every genre <out_dir>/genres/<id>.json (the
// profile without its groove, small, read when the library opens) and
// <out_dir>/grooves/<id>.json (the measured GrooveSet, read when the style is used), and
// the note feel model to <out_dir>/feel/note_feel.txt.
[[nodiscard]] Result<DeriveResult> derive_profiles(const DeriveOptions& options);

// "rock: 187 beat files (2350 bars), 221 fill files, feel sixteenth, confidence 0.93"
[[nodiscard]] std::string derive_summary_line(const DerivedGenre& genre);

}  // namespace mdg
