#pragma once
// The General MIDI percussion map (channel 10, notes 35-81) with the names drummers
// use, and the nine lanes the groove model works in.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mdg {

using DrumNote = std::uint8_t;                 // a MIDI note number on the drum channel
inline constexpr std::uint8_t kDrumChannel = 9;  // channel 10, zero-based

// The nine voices of a kit that grooves are modelled in (the Groove MIDI Dataset's
// reduced mapping). Every GM drum note folds onto one lane, or none (auxiliary percussion).
enum class Lane : std::uint8_t {
  kick,
  snare,
  closed_hat,
  open_hat,
  low_tom,
  mid_tom,
  high_tom,
  crash,
  ride,
};
inline constexpr std::size_t kLaneCount = 9;
inline constexpr std::array<Lane, kLaneCount> kAllLanes = {
    Lane::kick,    Lane::snare,    Lane::closed_hat, Lane::open_hat, Lane::low_tom,
    Lane::mid_tom, Lane::high_tom, Lane::crash,      Lane::ride};

[[nodiscard]] constexpr std::size_t lane_index(Lane lane) noexcept {
  return static_cast<std::size_t>(lane);
}
// Short id used in JSON and grids: "kick", "snare", "hat", "open_hat", "low_tom", ...
[[nodiscard]] std::string_view lane_id(Lane lane) noexcept;
[[nodiscard]] std::optional<Lane> lane_from_id(std::string_view id) noexcept;
// The GM note a lane is written as by default (36, 38, 42, 46, 43, 47, 50, 49, 51).
[[nodiscard]] DrumNote lane_default_note(Lane lane) noexcept;

struct DrumVoiceInfo {
  DrumNote note;
  std::string_view name;      // what drummers call it: "kick", "snare", "closed hi-hat"
  std::string_view gm_name;   // the General MIDI name: "Acoustic Bass Drum"
  std::optional<Lane> lane;   // the lane it folds onto, if any
};

// Every note this map knows: GM 35-81 plus the Roland TD-11 articulations that the
// Groove MIDI Dataset uses (22 closed hat edge, 26 open hat edge, 58 tom rim, 55 crash).
[[nodiscard]] std::span<const DrumVoiceInfo> drum_voices() noexcept;
[[nodiscard]] const DrumVoiceInfo* drum_voice(DrumNote note) noexcept;
[[nodiscard]] std::optional<Lane> lane_of(DrumNote note) noexcept;
// Accepts drummer names and aliases ("kick", "bd", "snare", "hh", "ride bell"...),
// case-insensitive; nullopt when unknown.
[[nodiscard]] std::optional<DrumNote> drum_note_from_name(std::string_view name) noexcept;

}  // namespace mdg
