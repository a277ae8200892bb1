#include "core/drum_map.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace mdg {
namespace {

constexpr std::array<std::string_view, kLaneCount> kLaneIds = {
    "kick", "snare", "hat", "open_hat", "low_tom", "mid_tom", "high_tom", "crash", "ride"};
constexpr std::array<DrumNote, kLaneCount> kLaneNotes = {36, 38, 42, 46, 43, 47, 50, 49, 51};

using L = Lane;
// Sorted by note.
constexpr std::array kVoices = {
    DrumVoiceInfo{22, "closed hi-hat edge", "(TD-11 hi-hat edge, closed)", L::closed_hat},
    DrumVoiceInfo{26, "open hi-hat edge", "(TD-11 hi-hat edge, open)", L::open_hat},
    DrumVoiceInfo{35, "kick 2", "Acoustic Bass Drum", L::kick},
    DrumVoiceInfo{36, "kick", "Bass Drum 1", L::kick},
    DrumVoiceInfo{37, "side stick", "Side Stick", L::snare},
    DrumVoiceInfo{38, "snare", "Acoustic Snare", L::snare},
    // Programmed beats put the clap where a drummer plays the backbeat snare: it folds onto
    // the snare lane (house, trap and drum-and-bass grooves would otherwise lose their 2 and 4).
    DrumVoiceInfo{39, "clap", "Hand Clap", L::snare},
    DrumVoiceInfo{40, "snare rim", "Electric Snare", L::snare},
    DrumVoiceInfo{41, "low floor tom", "Low Floor Tom", L::low_tom},
    DrumVoiceInfo{42, "closed hi-hat", "Closed Hi-Hat", L::closed_hat},
    DrumVoiceInfo{43, "floor tom", "High Floor Tom", L::low_tom},
    DrumVoiceInfo{44, "pedal hi-hat", "Pedal Hi-Hat", L::closed_hat},
    DrumVoiceInfo{45, "low tom", "Low Tom", L::mid_tom},
    DrumVoiceInfo{46, "open hi-hat", "Open Hi-Hat", L::open_hat},
    DrumVoiceInfo{47, "mid tom", "Low-Mid Tom", L::mid_tom},
    DrumVoiceInfo{48, "high-mid tom", "Hi-Mid Tom", L::high_tom},
    DrumVoiceInfo{49, "crash", "Crash Cymbal 1", L::crash},
    DrumVoiceInfo{50, "high tom", "High Tom", L::high_tom},
    DrumVoiceInfo{51, "ride", "Ride Cymbal 1", L::ride},
    DrumVoiceInfo{52, "china", "Chinese Cymbal", L::crash},
    DrumVoiceInfo{53, "ride bell", "Ride Bell", L::ride},
    DrumVoiceInfo{54, "tambourine", "Tambourine", std::nullopt},
    DrumVoiceInfo{55, "splash", "Splash Cymbal", L::crash},
    DrumVoiceInfo{56, "cowbell", "Cowbell", std::nullopt},
    DrumVoiceInfo{57, "crash 2", "Crash Cymbal 2", L::crash},
    DrumVoiceInfo{58, "tom rim", "Vibraslap (TD-11 tom rim)", L::low_tom},
    DrumVoiceInfo{59, "ride 2", "Ride Cymbal 2", L::ride},
    DrumVoiceInfo{60, "high bongo", "Hi Bongo", std::nullopt},
    DrumVoiceInfo{61, "low bongo", "Low Bongo", std::nullopt},
    DrumVoiceInfo{62, "muted high conga", "Mute Hi Conga", std::nullopt},
    DrumVoiceInfo{63, "open high conga", "Open Hi Conga", std::nullopt},
    DrumVoiceInfo{64, "low conga", "Low Conga", std::nullopt},
    DrumVoiceInfo{65, "high timbale", "High Timbale", std::nullopt},
    DrumVoiceInfo{66, "low timbale", "Low Timbale", std::nullopt},
    DrumVoiceInfo{67, "high agogo", "High Agogo", std::nullopt},
    DrumVoiceInfo{68, "low agogo", "Low Agogo", std::nullopt},
    DrumVoiceInfo{69, "cabasa", "Cabasa", std::nullopt},
    DrumVoiceInfo{70, "maracas", "Maracas", std::nullopt},
    DrumVoiceInfo{71, "short whistle", "Short Whistle", std::nullopt},
    DrumVoiceInfo{72, "long whistle", "Long Whistle", std::nullopt},
    DrumVoiceInfo{73, "short guiro", "Short Guiro", std::nullopt},
    DrumVoiceInfo{74, "long guiro", "Long Guiro", std::nullopt},
    DrumVoiceInfo{75, "claves", "Claves", std::nullopt},
    DrumVoiceInfo{76, "high wood block", "Hi Wood Block", std::nullopt},
    DrumVoiceInfo{77, "low wood block", "Low Wood Block", std::nullopt},
    DrumVoiceInfo{78, "muted cuica", "Mute Cuica", std::nullopt},
    DrumVoiceInfo{79, "open cuica", "Open Cuica", std::nullopt},
    DrumVoiceInfo{80, "muted triangle", "Mute Triangle", std::nullopt},
    DrumVoiceInfo{81, "open triangle", "Open Triangle", std::nullopt},
};

struct Alias {
  std::string_view name;
  DrumNote note;
};
constexpr std::array kAliases = {
    Alias{"bd", 36},         Alias{"bass drum", 36},     Alias{"kick drum", 36},
    Alias{"sd", 38},         Alias{"snare drum", 38},    Alias{"rimshot", 40},
    Alias{"cross stick", 37}, Alias{"rim click", 37},    Alias{"hh", 42},
    Alias{"hat", 42},        Alias{"hi-hat", 42},        Alias{"hihat", 42},
    Alias{"closed hat", 42}, Alias{"open hat", 46},      Alias{"oh", 46},
    Alias{"pedal hat", 44},  Alias{"foot hat", 44},      Alias{"crash cymbal", 49},
    Alias{"ride cymbal", 51}, Alias{"bell", 53},         Alias{"rack tom", 48},
    Alias{"tom 1", 50},      Alias{"tom 2", 47},         Alias{"tom 3", 43},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view lane_id(Lane lane) noexcept { return kLaneIds[lane_index(lane)]; }

std::optional<Lane> lane_from_id(std::string_view id) noexcept {
  for (std::size_t i = 0; i < kLaneCount; ++i) {
    if (kLaneIds[i] == id) return kAllLanes[i];
  }
  return std::nullopt;
}

DrumNote lane_default_note(Lane lane) noexcept { return kLaneNotes[lane_index(lane)]; }

std::span<const DrumVoiceInfo> drum_voices() noexcept { return kVoices; }

const DrumVoiceInfo* drum_voice(DrumNote note) noexcept {
  const auto it = std::lower_bound(kVoices.begin(), kVoices.end(), note,
                                   [](const DrumVoiceInfo& v, DrumNote n) { return v.note < n; });
  if (it == kVoices.end() || it->note != note) return nullptr;
  return &*it;
}

std::optional<Lane> lane_of(DrumNote note) noexcept {
  const auto* voice = drum_voice(note);
  return voice != nullptr ? voice->lane : std::nullopt;
}

std::optional<DrumNote> drum_note_from_name(std::string_view name) noexcept {
  const std::string key = lower(name);
  for (const auto& v : kVoices) {
    if (v.name == key || lower(v.gm_name) == key) return v.note;
  }
  for (const auto& a : kAliases) {
    if (a.name == key) return a.note;
  }
  if (auto lane = lane_from_id(key)) return lane_default_note(*lane);
  return std::nullopt;
}

}  // namespace mdg
