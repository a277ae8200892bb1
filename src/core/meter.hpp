#pragma once
// Meter (time signature), tempo limits and the step grid that patterns live on.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mdg {

inline constexpr int kPpq = 480;  // ticks per quarter note everywhere inside the project
inline constexpr double kMinTempo = 40.0;
inline constexpr double kMaxTempo = 300.0;

// How a beat is divided on the step grid.
enum class Subdivision : std::uint8_t {
  sixteenth,  // 4 steps per quarter note (straight feel)
  triplet,    // 3 steps per quarter note (eighth-note triplets: swing, shuffle)
};
[[nodiscard]] const char* subdivision_name(Subdivision s) noexcept;
[[nodiscard]] Result<Subdivision> parse_subdivision(std::string_view text);

struct Meter {
  int numerator = 4;
  int denominator = 4;

  // "7/8" or "7-8"; numerator 1-16, denominator 2, 4, 8 or 16.
  [[nodiscard]] static Result<Meter> parse(std::string_view text);
  [[nodiscard]] static Result<Meter> make(int numerator, int denominator);

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] std::int64_t ticks_per_bar(int ppq = kPpq) const noexcept {
    return static_cast<std::int64_t>(ppq) * 4 * numerator / denominator;
  }
  // Compound meters (6/8, 9/8, 12/8) count in dotted quarters.
  [[nodiscard]] bool compound() const noexcept {
    return denominator == 8 && numerator % 3 == 0 && numerator > 3;
  }
  // Beat groups in units of the denominator: 4/4 -> {1,1,1,1}, 7/8 -> {2,2,3},
  // 12/8 -> {3,3,3,3}, 5/8 -> {3,2}.
  [[nodiscard]] std::vector<int> beat_groups() const;

  friend bool operator==(const Meter&, const Meter&) = default;
};

// The grid a bar is divided into.
struct Grid {
  Meter meter;
  Subdivision subdivision = Subdivision::sixteenth;

  // Steps per quarter note: 4 for sixteenths, 3 for triplets.
  [[nodiscard]] int steps_per_quarter() const noexcept {
    return subdivision == Subdivision::sixteenth ? 4 : 3;
  }
  // Steps in one bar; meters whose bar is not a whole number of steps (e.g. 7/8 on a
  // triplet grid) round down, callers choose the sixteenth grid for them.
  [[nodiscard]] int steps_per_bar() const noexcept {
    return steps_per_quarter() * 4 * meter.numerator / meter.denominator;
  }
  [[nodiscard]] double ticks_per_step(int ppq = kPpq) const noexcept {
    return static_cast<double>(ppq) / steps_per_quarter();
  }
  [[nodiscard]] bool fits() const noexcept {
    return (steps_per_quarter() * 4 * meter.numerator) % meter.denominator == 0;
  }

  friend bool operator==(const Grid&, const Grid&) = default;
};

[[nodiscard]] Result<double> validate_tempo(double bpm);
// Milliseconds per tick at a tempo.
[[nodiscard]] inline double ms_per_tick(double bpm, int ppq = kPpq) noexcept {
  return 60000.0 / (bpm * ppq);
}

}  // namespace mdg
