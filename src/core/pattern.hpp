#pragma once
// Hits and patterns: plain values, no I/O.
#include <cstdint>
#include <string>
#include <vector>

#include "core/drum_map.hpp"
#include "core/meter.hpp"

namespace mdg {

struct Hit {
  std::int64_t tick = 0;        // onset, in kPpq ticks from the start of the pattern
  DrumNote note = 36;           // GM drum note
  std::uint8_t velocity = 100;  // 1-127
  std::int64_t duration = 60;   // ticks until note-off

  friend bool operator==(const Hit&, const Hit&) = default;
};

struct TempoChange {
  std::int64_t tick = 0;
  double bpm = 120.0;
  friend bool operator==(const TempoChange&, const TempoChange&) = default;
};

// A drum performance or generated groove at kPpq ticks per quarter note.
struct Pattern {
  std::string name;
  Meter meter;
  double tempo_bpm = 120.0;               // the tempo at tick 0
  std::vector<TempoChange> tempo_changes;  // later changes, if any (tick > 0)
  std::int64_t length_ticks = 0;          // total length, normally bars * ticks_per_bar
  std::vector<Hit> hits;                  // sorted by tick, then note

  [[nodiscard]] int bars() const noexcept {
    const auto per_bar = meter.ticks_per_bar();
    return per_bar > 0 ? static_cast<int>((length_ticks + per_bar - 1) / per_bar) : 0;
  }
  // The tempo in force at `tick` (120 when the stored tempo is not a positive number).
  [[nodiscard]] double tempo_at(std::int64_t tick) const noexcept;
  void sort_hits();
};

}  // namespace mdg
