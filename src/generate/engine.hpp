#pragma once
// The local style engine: samples drum-pattern variations from a style profile's groove
// model (step-vector n-gram in bar-position context), with phrase structure, fills,
// crashes after fills and data-driven humanization.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/meter.hpp"
#include "core/pattern.hpp"
#include "style/style_profile.hpp"

namespace mdg {

struct GenerateOptions {
  int bars = 4;                       // 1-16
  std::optional<double> tempo_bpm;    // 40-300; nullopt = drawn from the style's tempo range
  Meter meter{4, 4};
  int variations = 4;                 // 1-8
  double humanize = 1.0;              // 0-1
  double complexity = 0.5;            // 0-1
  std::uint64_t seed = 1;
  // 1-3: play the profile's signature groove N as the core bar(s) of every variation
  // (varied, filled and humanized like any core); 0 = the engine's own core bars. Its meter
  // must be `meter`; without tempo_bpm the groove's tempo is used when it has one.
  int signature = 0;
};

// The quantized view of one variation: what the text grid shows and tests inspect.
struct GrooveGrid {
  Meter meter;
  Subdivision subdivision = Subdivision::sixteenth;
  int bars = 0;
  std::vector<std::int64_t> slot_ticks;   // onset of each slot within a bar
  std::vector<bool> beat_starts;          // per slot: a beat (group) starts here
  // bars * slots cells, each the velocity per lane (0 = rest).
  std::vector<std::array<std::uint8_t, kLaneCount>> cells;
  std::vector<bool> fill_bars;            // per bar: ends with a fill
  std::array<DrumNote, kLaneCount> lane_notes{};  // the GM note each lane is written as

  [[nodiscard]] int slots_per_bar() const noexcept { return static_cast<int>(slot_ticks.size()); }
  [[nodiscard]] std::uint8_t at(int bar, int slot, Lane lane) const noexcept {
    return cells[static_cast<std::size_t>(bar * slots_per_bar() + slot)][lane_index(lane)];
  }
};

struct Variation {
  Pattern pattern;  // humanized; name "<Style> - Variation N"
  GrooveGrid grid;
  int fills = 0;
};

struct Generation {
  std::string style_id;
  std::string style_name;
  double tempo_bpm = 120.0;
  Meter meter;
  int bars = 0;
  std::uint64_t seed = 0;
  Subdivision subdivision = Subdivision::sixteenth;
  std::string signature;  // the name of the signature groove played, if any
  std::vector<Variation> variations;
};

// Checks options against their allowed values (see style/params.hpp).
[[nodiscard]] Result<GenerateOptions> validate(const GenerateOptions& options);

// The tempo generate() plays when none is asked for: drawn from the style's tempo range with
// `seed` (the LLM path asks providers for the same tempo).
[[nodiscard]] double pick_tempo(const StyleProfile& profile, std::uint64_t seed);

// Profile must carry a groove (artists resolved onto their base genre).
[[nodiscard]] Result<Generation> generate(const StyleProfile& profile, const GenerateOptions& options);

}  // namespace mdg
