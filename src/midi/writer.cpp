// Standard MIDI File writer: 480 PPQ, format 0 or 1, drums on channel 10. The byte layout
// is fixed (no running status, a stable event order) so the same Pattern always gives
// the same file; the golden tests pin it.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "midi/midi_file.hpp"

namespace mdg {
namespace {

constexpr std::uint8_t kNoteOn = 0x90 | kDrumChannel;
constexpr std::uint8_t kNoteOff = 0x80 | kDrumChannel;
constexpr std::uint8_t kNoteOffVelocity = 64;
// Ticks are clamped to 0..2^36 (about 143 million quarter notes, far beyond any real
// pattern) so absurd values cannot make the writer produce gigabytes of padding.
constexpr std::int64_t kMaxTick = std::int64_t{1} << 36;

std::int64_t writable_tick(std::int64_t tick) { return std::clamp<std::int64_t>(tick, 0, kMaxTick); }

// One event to place on a track; `order` breaks ties at a tick: metas, then note-offs,
// then note-ons, then the end of the track.
struct Placed {
  std::int64_t tick = 0;
  int order = 0;
  std::vector<std::uint8_t> bytes;  // the event without its delta time
};

void put_varlen(std::vector<std::uint8_t>& out, std::uint32_t value) {
  std::uint8_t groups[5];
  int n = 0;
  do {
    groups[n++] = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0 && n < 5);
  while (n-- > 0) out.push_back(static_cast<std::uint8_t>(groups[n] | (n > 0 ? 0x80 : 0x00)));
}

void put_be(std::vector<std::uint8_t>& out, std::uint32_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::vector<std::uint8_t> meta(std::uint8_t type, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> out{0xFF, type};
  put_varlen(out, static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<std::uint8_t> text_meta(std::uint8_t type, const std::string& text) {
  // A longer name than a 4-byte length can express is cut; no real name comes close.
  const auto n = std::min<std::size_t>(text.size(), 0x0FFFFFFF);
  std::vector<std::uint8_t> body(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(n));
  return meta(type, body);
}

std::vector<std::uint8_t> tempo_meta(double bpm) {
  if (!std::isfinite(bpm) || bpm <= 0.0) bpm = 120.0;
  const double us = std::clamp(std::round(60'000'000.0 / bpm), 1.0, 16'777'215.0);
  std::vector<std::uint8_t> body;
  put_be(body, static_cast<std::uint32_t>(us), 3);
  return meta(0x51, body);
}

std::vector<std::uint8_t> time_signature_meta(const Meter& meter) {
  int numerator = meter.numerator;
  int power = 0;
  while (power < 8 && (1 << power) < meter.denominator) ++power;
  if (numerator < 1 || numerator > 255 || (1 << power) != meter.denominator) {
    numerator = 4;
    power = 2;
  }
  const std::uint8_t body[4] = {static_cast<std::uint8_t>(numerator),
                                static_cast<std::uint8_t>(power), 24, 8};
  return meta(0x58, body);
}

void add_conductor_events(std::vector<Placed>& events, const Pattern& pattern) {
  events.push_back({0, 1, time_signature_meta(pattern.meter)});
  events.push_back({0, 2, tempo_meta(pattern.tempo_bpm)});
  for (const auto& change : pattern.tempo_changes) {
    events.push_back({writable_tick(change.tick), 2, tempo_meta(change.bpm)});
  }
}

// Notes are cut at `end` so a loop keeps its length in a DAW; a hit at or after `end`
// still sounds for at least one tick (the caller moves `end` past the last onset).
void add_notes(std::vector<Placed>& events, const Pattern& pattern, std::int64_t end) {
  for (const auto& hit : pattern.hits) {
    if (hit.note > 127) continue;
    const std::int64_t on = writable_tick(hit.tick);
    const std::int64_t off = on + std::clamp<std::int64_t>(hit.duration, 1, std::max<std::int64_t>(1, end - on));
    const auto velocity = static_cast<std::uint8_t>(std::clamp<int>(hit.velocity, 1, 127));
    events.push_back({off, 3, {kNoteOff, hit.note, kNoteOffVelocity}});
    events.push_back({on, 4, {kNoteOn, hit.note, velocity}});
  }
}

void put_track(std::vector<std::uint8_t>& out, std::vector<Placed> events, std::int64_t end) {
  // Stable: within a tick and kind, the pattern's own (note-sorted) order stays.
  std::stable_sort(events.begin(), events.end(), [](const Placed& a, const Placed& b) {
    if (a.tick != b.tick) return a.tick < b.tick;
    if (a.order != b.order) return a.order < b.order;
    // Note events: by key, so an unsorted pattern still gives one byte order.
    if (a.order >= 3 && a.bytes[1] != b.bytes[1]) return a.bytes[1] < b.bytes[1];
    return false;
  });
  for (const auto& e : events) end = std::max(end, e.tick);
  events.push_back({end, 5, meta(0x2F, {})});

  std::vector<std::uint8_t> body;
  std::int64_t now = 0;
  for (const auto& e : events) {
    // A delta time holds at most 28 bits; a longer gap is bridged with empty marker metas.
    std::int64_t delta = e.tick - now;
    while (delta > 0x0FFFFFFF) {
      put_varlen(body, 0x0FFFFFFF);
      const auto pad = meta(0x06, {});
      body.insert(body.end(), pad.begin(), pad.end());
      delta -= 0x0FFFFFFF;
    }
    put_varlen(body, static_cast<std::uint32_t>(delta));
    body.insert(body.end(), e.bytes.begin(), e.bytes.end());
    now = e.tick;
  }
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  put_be(out, static_cast<std::uint32_t>(body.size()), 4);
  out.insert(out.end(), body.begin(), body.end());
}

std::string io_reason() { return std::strerror(errno); }

}  // namespace

std::vector<std::uint8_t> write_midi(const Pattern& pattern, const MidiWriteOptions& options) {
  const bool single = options.format == 0;
  const std::string drum_name = options.track_name.empty() ? "Drums" : options.track_name;
  std::vector<std::uint8_t> out{'M', 'T', 'h', 'd', 0, 0, 0, 6};
  put_be(out, single ? 0 : 1, 2);
  put_be(out, single ? 1 : 2, 2);
  put_be(out, static_cast<std::uint32_t>(kPpq), 2);

  std::int64_t end = writable_tick(pattern.length_ticks);
  for (const auto& hit : pattern.hits) {
    if (hit.note <= 127) end = std::max(end, writable_tick(hit.tick) + 1);
  }
  std::vector<Placed> notes;
  add_notes(notes, pattern, end);

  if (single) {
    std::vector<Placed> events = std::move(notes);
    events.push_back({0, 0, text_meta(0x03, drum_name)});
    add_conductor_events(events, pattern);
    put_track(out, std::move(events), end);
    return out;
  }
  std::vector<Placed> conductor;
  if (!options.track_name.empty()) conductor.push_back({0, 0, text_meta(0x03, options.track_name)});
  add_conductor_events(conductor, pattern);
  put_track(out, std::move(conductor), end);

  notes.push_back({0, 0, text_meta(0x03, drum_name)});
  put_track(out, std::move(notes), end);
  return out;
}

Result<void> write_midi_file(const std::filesystem::path& path, const Pattern& pattern,
                             const MidiWriteOptions& options) {
  const auto bytes = write_midi(pattern, options);
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Built by appending: GCC 12 misreports `"." + std::string&&` under -O3 (-Wrestrict).
  std::string temp_name(".");
  temp_name.append(path.filename().string()).append(".tmp-XXXXXX");
  std::string temp = (folder / temp_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return fail(Errc::io, "cannot create a temporary file next to '" + path.string() +
                              "': " + io_reason());
  }
  auto give_up = [&](const std::string& what) {
    const std::string reason = io_reason();
    ::close(fd);
    ::unlink(temp.c_str());
    return fail(Errc::io, what + " '" + path.string() + "': " + reason);
  };
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return give_up("cannot write MIDI file");
    }
    written += static_cast<std::size_t>(n);
  }
  // mkstemp creates the file 0600; a MIDI file is an ordinary document.
  if (::fchmod(fd, 0644) != 0) return give_up("cannot set permissions of MIDI file");
  if (::fsync(fd) != 0) return give_up("cannot flush MIDI file");
  if (::close(fd) != 0) {
    const std::string reason = io_reason();
    ::unlink(temp.c_str());
    return fail(Errc::io, "cannot close MIDI file '" + path.string() + "': " + reason);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = io_reason();
    ::unlink(temp.c_str());
    return fail(Errc::io, "cannot move the new MIDI file into place at '" + path.string() +
                              "': " + reason);
  }
  return {};
}

}  // namespace mdg
