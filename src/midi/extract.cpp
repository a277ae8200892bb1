// Drum-part extraction: which notes count as drums, and how a file's ticks, tempo map
// and meter become a kPpq Pattern. The rules are listed in midi_file.hpp.
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <memory>

#include "midi/midi_file.hpp"

namespace mdg {
namespace {

// Beyond this many file ticks, rescaling to kPpq could overflow int64 arithmetic.
constexpr std::int64_t kMaxFileTick = std::int64_t{1} << 50;
// The longest pattern accepted: 2^36 kPpq ticks (about 143 million quarter notes). Longer
// files are surely malformed, and the writer could not write them back compactly.
constexpr std::int64_t kMaxPatternTick = std::int64_t{1} << 36;
constexpr std::int64_t kDefaultDuration = 60;

bool names_drums(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kWords = {"drum", "drums", "drumkit",
                                                            "kit",  "perc",  "percussion"};
  std::string word;
  auto matches = [&] {
    return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
  };
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) != 0) {
      word.push_back(static_cast<char>(std::tolower(u)));
      continue;
    }
    if (matches()) return true;
    word.clear();
  }
  return matches();
}

class Rescaler {
 public:
  explicit Rescaler(int division) : division_(division) {}
  // Nearest kPpq tick; split into quotient and remainder so large ticks do not overflow.
  [[nodiscard]] std::int64_t operator()(std::int64_t tick) const noexcept {
    const std::int64_t q = tick / division_;
    const std::int64_t r = tick % division_;
    return q * kPpq + (r * kPpq + division_ / 2) / division_;
  }

 private:
  std::int64_t division_;
};

struct OpenNotes {
  // Per (channel, key): indices of hits still sounding, oldest first from `head`.
  std::array<std::vector<std::size_t>, 16 * 128> waiting;
  std::array<std::size_t, 16 * 128> head{};
  std::vector<std::size_t> used;  // keys touched since the last clear()

  void open(std::size_t key, std::size_t hit) {
    if (waiting[key].empty()) used.push_back(key);
    waiting[key].push_back(hit);
  }
  void clear() {
    for (const auto key : used) {
      waiting[key].clear();
      head[key] = 0;
    }
    used.clear();
  }
};

}  // namespace

Result<Pattern> extract_drum_pattern(const MidiFile& file) {
  if (file.division <= 0) {
    return fail(Errc::invalid_argument, "MIDI division " + std::to_string(file.division) +
                                            " is not a positive number of ticks per quarter");
  }
  if (file.end_tick() > kMaxFileTick ||
      Rescaler(file.division)(file.end_tick()) > kMaxPatternTick) {
    return fail(Errc::unsupported, "the MIDI file is too long to convert (" +
                                       std::to_string(file.end_tick()) + " ticks)");
  }
  const Rescaler rescale(file.division);

  bool any_channel_10 = false;
  for (const auto& track : file.tracks) {
    for (const auto& event : track.events) {
      any_channel_10 = any_channel_10 || (event.is_note_on() && event.channel() == kDrumChannel);
    }
  }
  std::vector<bool> selected(file.tracks.size(), false);
  bool any_named = false;
  for (std::size_t t = 0; t < file.tracks.size(); ++t) {
    if (any_channel_10) {
      selected[t] = true;
    } else if (names_drums(file.tracks[t].name)) {
      selected[t] = true;
      any_named = true;
    }
  }

  Pattern pattern;
  auto open = std::make_unique<OpenNotes>();
  std::vector<std::int64_t> end_of_hit;  // kPpq tick each hit ends at, -1 while sounding
  for (std::size_t t = 0; t < file.tracks.size(); ++t) {
    if (!selected[t]) continue;
    const auto& track = file.tracks[t];
    open->clear();
    for (const auto& event : track.events) {
      if (any_channel_10 && event.channel() != kDrumChannel) continue;
      const std::size_t key = static_cast<std::size_t>(event.channel()) * 128 + event.data1;
      if (event.is_note_on()) {
        open->open(key, pattern.hits.size());
        pattern.hits.push_back(Hit{rescale(event.tick), event.data1, event.data2, 0});
        end_of_hit.push_back(-1);
        if (pattern.name.empty()) pattern.name = track.name;
      } else if (event.is_note_off()) {
        auto& head = open->head[key];
        const auto& waiting = open->waiting[key];
        if (head < waiting.size()) {
          end_of_hit[waiting[head]] = rescale(event.tick);
          ++head;
        }
      }
    }
  }
  if (pattern.hits.empty()) {
    std::string names;
    for (const auto& track : file.tracks) {
      if (track.name.empty()) continue;
      names += (names.empty() ? "'" : ", '") + track.name + "'";
    }
    return fail(Errc::not_found,
                std::string("no drum notes: no note-on on channel 10") +
                    (any_named ? " and the tracks named as drums have no notes"
                               : " and no track named drums, drum kit, kit or percussion") +
                    (names.empty() ? std::string(" (no track has a name)")
                                   : " (tracks: " + names + ")"));
  }

  std::int64_t end = rescale(file.end_tick());
  for (std::size_t i = 0; i < pattern.hits.size(); ++i) {
    auto& hit = pattern.hits[i];
    hit.duration = end_of_hit[i] < 0 ? kDefaultDuration : std::max<std::int64_t>(1, end_of_hit[i] - hit.tick);
    end = std::max(end, hit.tick + hit.duration);
  }
  if (pattern.name.empty() && !file.tracks.empty()) pattern.name = file.tracks.front().name;

  if (!file.time_signatures.empty()) {
    const auto& ts = file.time_signatures.front();
    if (auto meter = Meter::make(ts.numerator, ts.denominator)) pattern.meter = *meter;
  }

  if (!file.tempo_map.empty()) {
    const auto& map = file.tempo_map;
    std::size_t i = 0;
    const std::int64_t first_tick = map.front().tick;
    while (i < map.size() && map[i].tick == first_tick) pattern.tempo_bpm = map[i++].bpm();
    for (; i < map.size(); ++i) {
      const double bpm = map[i].bpm();
      const std::int64_t tick = std::max<std::int64_t>(1, rescale(map[i].tick));
      auto& changes = pattern.tempo_changes;
      if (!changes.empty() && changes.back().tick == tick) {
        changes.back().bpm = bpm;  // the last of several at one tick is the one in force
        continue;
      }
      const double current = changes.empty() ? pattern.tempo_bpm : changes.back().bpm;
      if (bpm != current) changes.push_back(TempoChange{tick, bpm});
    }
    // A later change at the same tick may have undone the one before it.
    auto& changes = pattern.tempo_changes;
    std::vector<TempoChange> kept;
    double current = pattern.tempo_bpm;
    for (const auto& change : changes) {
      if (change.bpm == current) continue;
      kept.push_back(change);
      current = change.bpm;
    }
    changes = std::move(kept);
  }

  const std::int64_t per_bar = pattern.meter.ticks_per_bar();
  const std::int64_t bars = std::max<std::int64_t>(1, (end + per_bar - 1) / per_bar);
  pattern.length_ticks = bars * per_bar;
  pattern.sort_hits();
  return pattern;
}

Result<Pattern> read_drum_file(const std::filesystem::path& path) {
  auto file = read_midi_file(path);
  if (!file) return std::unexpected(file.error());
  auto pattern = extract_drum_pattern(*file);
  if (!pattern) {
    auto error = pattern.error();
    error.message = path.string() + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  if (pattern->name.empty()) pattern->name = path.stem().string();
  return pattern;
}

}  // namespace mdg
