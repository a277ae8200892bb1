#pragma once
// The analyze use case: measure the groove of a MIDI file or a folder of them.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/pattern.hpp"
#include "groove/analyzer.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

struct SkippedFile {
  std::filesystem::path path;
  std::string error;
};

struct GrooveReport {
  std::filesystem::path source;                 // what was asked for
  std::vector<std::filesystem::path> files;     // files read, sorted
  std::vector<SkippedFile> skipped;             // files that could not be read, with why
  std::uint32_t other_meter_files = 0;          // read, but not in the dominant meter
  double tempo_mean = 0.0;                      // initial tempo of the files read (BPM)
  double tempo_min = 0.0;
  double tempo_max = 0.0;
  Meter meter;                                  // the most common meter
  std::uint32_t bars = 0;                       // bars analysed in that meter
  Subdivision feel = Subdivision::sixteenth;    // the grid the onsets fit best
  double sixteenth_error_ms = 0.0;              // mean |onset - nearest step| on each grid
  double triplet_error_ms = 0.0;
  GrooveModel sixteenth;                        // the models of the dominant meter
  GrooveModel triplet;                          // empty when the meter has no triplet grid

  [[nodiscard]] const GrooveModel& model() const noexcept {
    return feel == Subdivision::triplet ? triplet : sixteenth;
  }
};

// Analyses performances that are already in memory (files listed as "<pattern name>").
[[nodiscard]] Result<GrooveReport> analyze_performances(std::span<const Pattern> patterns,
                                                        const AnalyzerOptions& options = {});

// A .mid/.midi file, or a directory walked recursively in sorted order (only .mid/.midi
// files, any case). Unreadable files are listed in `skipped`; the call fails only when the
// path does not exist or no file could be read (the error then lists why, file by file).
[[nodiscard]] Result<GrooveReport> analyze_path(const std::filesystem::path& file_or_dir,
                                                const AnalyzerOptions& options = {});

// Terminal output: summary, per-lane table, onset-probability grid and per-step velocity
// and timing rows for the main lanes, on the report's feel grid.
[[nodiscard]] std::string render_report_text(const GrooveReport& report);
[[nodiscard]] nlohmann::json report_to_json(const GrooveReport& report);

// The .mid/.midi files under a directory, recursively, sorted; Errc::io on a walk error.
[[nodiscard]] Result<std::vector<std::filesystem::path>> list_midi_files(
    const std::filesystem::path& dir);

}  // namespace mdg
