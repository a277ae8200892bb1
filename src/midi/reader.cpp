// Standard MIDI File reader. The policy (what is tolerated, what is an error) is in
// midi_file.hpp; every read goes through Reader, which checks the bounds first.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <new>
#include <optional>

#include "midi/midi_file.hpp"

namespace mdg {
namespace {

std::string hex_byte(std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(b));
  return text;
}

std::string at_byte(std::size_t offset) { return " at byte " + std::to_string(offset); }

bool printable_id(std::span<const std::uint8_t> id) {
  return std::all_of(id.begin(), id.end(), [](std::uint8_t c) { return c >= 0x20 && c <= 0x7E; });
}

std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | static_cast<std::uint32_t>(b[at + 3]);
}

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

class TrackParser {
 public:
  TrackParser(std::span<const std::uint8_t> bytes, std::size_t begin, std::size_t end,
              std::size_t index, MidiFile& file)
      : bytes_(bytes), pos_(begin), end_(end), index_(index), file_(file) {}

  Result<MidiTrack> parse() {
    MidiTrack track;
    bool named = false;
    std::uint8_t running = 0;
    std::int64_t tick = 0;
    while (pos_ < end_) {
      auto delta = varlen("delta time");
      if (!delta) return std::unexpected(delta.error());
      tick += *delta;
      if (pos_ >= end_) {
        return fail(Errc::parse, "track " + std::to_string(index_) +
                                     " ends after a delta time, with no event after it",
                    pos_);
      }
      const std::size_t event_at = pos_;
      const std::uint8_t lead = bytes_[pos_];
      MidiEvent event;
      event.tick = tick;
      if (lead < 0xF0) {
        std::uint8_t status = lead;
        if (lead < 0x80) {
          if (running == 0) {
            return fail(Errc::parse, "data byte " + hex_byte(lead) + " in track " +
                                         std::to_string(index_) +
                                         " with no status byte before it (running status "
                                         "needs an earlier channel message)",
                        event_at);
          }
          status = running;
        } else {
          running = lead;
          ++pos_;
        }
        const std::uint8_t type = status & 0xF0;
        const std::size_t count = (type == 0xC0 || type == 0xD0) ? 1 : 2;
        if (end_ - pos_ < count) {
          return fail(Errc::parse, "track " + std::to_string(index_) + " ends inside a " +
                                       hex_byte(status) + " channel message that needs " +
                                       std::to_string(count) + " data byte(s)",
                      end_);
        }
        for (std::size_t i = 0; i < count; ++i) {
          if (bytes_[pos_ + i] >= 0x80) {
            return fail(Errc::parse, "channel message " + hex_byte(status) +
                                         " has status byte " + hex_byte(bytes_[pos_ + i]) +
                                         " where a data byte (0x00-0x7F) belongs",
                        pos_ + i);
          }
        }
        event.kind = MidiEventKind::channel;
        event.status = status;
        event.data1 = bytes_[pos_];
        event.data2 = count == 2 ? bytes_[pos_ + 1] : std::uint8_t{0};
        pos_ += count;
        track.events.push_back(std::move(event));
        continue;
      }
      if (lead == 0xF0 || lead == 0xF7) {
        ++pos_;
        auto body = payload("sysex");
        if (!body) return std::unexpected(body.error());
        event.kind = MidiEventKind::sysex;
        event.status = lead;
        event.payload = std::move(*body);
        track.events.push_back(std::move(event));
        continue;
      }
      if (lead != 0xFF) {
        return fail(Errc::parse, "status byte " + hex_byte(lead) +
                                     " (system common or real-time) is not allowed in a MIDI "
                                     "file; allowed: channel messages 0x80-0xEF, sysex 0xF0/0xF7, "
                                     "meta 0xFF",
                    event_at);
      }
      ++pos_;
      if (pos_ >= end_) {
        return fail(Errc::parse, "track " + std::to_string(index_) + " ends inside a meta event",
                    pos_);
      }
      const std::uint8_t meta_type = bytes_[pos_++];
      auto body = payload("meta event " + hex_byte(meta_type));
      if (!body) return std::unexpected(body.error());
      if (meta_type == 0x2F) {
        track.end_tick = tick;
        track.has_end_of_track = true;
        if (pos_ < end_) {
          file_.warnings.push_back("ignored " + std::to_string(end_ - pos_) +
                                   " byte(s) after the end-of-track of track " +
                                   std::to_string(index_) + at_byte(pos_));
        }
        return track;
      }
      if (meta_type == 0x03 && !named) {
        track.name.assign(body->begin(), body->end());
        named = true;
      } else if (meta_type == 0x51) {
        note_tempo(tick, *body, event_at);
      } else if (meta_type == 0x58) {
        note_time_signature(tick, *body, event_at);
      }
      event.kind = MidiEventKind::meta;
      event.status = 0xFF;
      event.meta_type = meta_type;
      event.payload = std::move(*body);
      track.events.push_back(std::move(event));
    }
    track.end_tick = tick;
    file_.warnings.push_back("track " + std::to_string(index_) +
                             " has no end-of-track event; accepted because its data ends "
                             "cleanly" +
                             at_byte(end_));
    return track;
  }

 private:
  // A variable-length quantity: at most 4 bytes, 7 bits each, high bit = more follows.
  Result<std::int64_t> varlen(const char* what) {
    const std::size_t start = pos_;
    std::int64_t value = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= end_) {
        return fail(Errc::parse, "track " + std::to_string(index_) +
                                     " ends inside a variable-length " + what,
                    pos_);
      }
      const std::uint8_t b = bytes_[pos_++];
      value = (value << 7) | (b & 0x7F);
      if ((b & 0x80) == 0) return value;
    }
    return fail(Errc::parse, std::string("variable-length ") + what +
                                 " is longer than 4 bytes (allowed: at most 4 bytes, "
                                 "values up to 0x0FFFFFFF)",
                start);
  }

  Result<std::vector<std::uint8_t>> payload(const std::string& what) {
    const std::size_t length_at = pos_;
    auto length = varlen("length");
    if (!length) return std::unexpected(length.error());
    const auto left = end_ - pos_;
    if (static_cast<std::uint64_t>(*length) > left) {
      return fail(Errc::parse, what + " declares " + std::to_string(*length) +
                                   " byte(s) but only " + std::to_string(left) +
                                   " are left in track " + std::to_string(index_),
                  length_at);
    }
    const auto n = static_cast<std::size_t>(*length);
    std::vector<std::uint8_t> body(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                   bytes_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return body;
  }

  void note_tempo(std::int64_t tick, const std::vector<std::uint8_t>& body, std::size_t at) {
    if (body.size() != 3) {
      file_.warnings.push_back("ignored a set-tempo event of " + std::to_string(body.size()) +
                               " bytes (3 expected)" + at_byte(at));
      return;
    }
    const std::uint32_t us = (static_cast<std::uint32_t>(body[0]) << 16) |
                             (static_cast<std::uint32_t>(body[1]) << 8) | body[2];
    if (us == 0) {
      file_.warnings.push_back("ignored a set-tempo event of 0 microseconds" + at_byte(at));
      return;
    }
    file_.tempo_map.push_back(MidiTempo{tick, us});
  }

  void note_time_signature(std::int64_t tick, const std::vector<std::uint8_t>& body,
                           std::size_t at) {
    if (body.size() < 4 || body[1] > 6) {
      file_.warnings.push_back("ignored a malformed time signature (needs 4 bytes and a "
                               "denominator power 0-6)" +
                               at_byte(at));
      return;
    }
    file_.time_signatures.push_back(
        MidiTimeSignature{tick, body[0], 1 << body[1], body[2], body[3]});
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_;
  std::size_t end_;
  std::size_t index_;
  MidiFile& file_;
};

Result<MidiFile> parse_file(std::span<const std::uint8_t> bytes) {
  static constexpr std::uint8_t kMThd[4] = {'M', 'T', 'h', 'd'};
  static constexpr std::uint8_t kMTrk[4] = {'M', 'T', 'r', 'k'};
  const std::size_t size = bytes.size();
  if (size == 0) {
    return fail(Errc::parse, "empty input: not a Standard MIDI File (expected an 'MThd' header)", 0);
  }
  const std::size_t probe = std::min<std::size_t>(size, 4);
  if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(probe), kMThd)) {
    return fail(Errc::parse, "not a Standard MIDI File: it must start with the 'MThd' header", 0);
  }
  if (size < 14) {
    return fail(Errc::parse, "truncated header: the file has " + std::to_string(size) +
                                 " byte(s), an MThd header needs 14",
                size);
  }
  const std::uint32_t header_length = be32(bytes, 4);
  if (header_length < 6) {
    return fail(Errc::parse, "MThd length " + std::to_string(header_length) +
                                 " is too short; at least 6",
                4);
  }
  if (header_length > size - 8) {
    return fail(Errc::parse, "truncated header: MThd declares " + std::to_string(header_length) +
                                 " bytes but only " + std::to_string(size - 8) + " follow",
                4);
  }
  MidiFile file;
  file.format = be16(bytes, 8);
  const std::uint16_t declared_tracks = be16(bytes, 10);
  const std::uint16_t division = be16(bytes, 12);
  if (file.format == 2) {
    return fail(Errc::unsupported,
                "MIDI format 2 (independent sequences) is not supported; allowed: 0, 1", 8);
  }
  if (file.format > 2) {
    return fail(Errc::parse,
                "unknown MIDI format " + std::to_string(file.format) + "; allowed: 0, 1", 8);
  }
  if ((division & 0x8000) != 0) {
    return fail(Errc::unsupported,
                "SMPTE time division is not supported; allowed: ticks per quarter note", 12);
  }
  if (division == 0) {
    return fail(Errc::parse, "time division of 0 ticks per quarter note; allowed: 1-32767", 12);
  }
  file.division = division;
  if (file.format == 0 && declared_tracks != 1) {
    file.warnings.push_back("format 0 file declares " + std::to_string(declared_tracks) +
                            " tracks (1 expected); reading them all");
  }

  std::size_t pos = 8 + static_cast<std::size_t>(header_length);
  while (file.tracks.size() < declared_tracks) {
    if (pos >= size) {
      return fail(Errc::parse, "the header declares " + std::to_string(declared_tracks) +
                                   " track(s) but the file ends after " +
                                   std::to_string(file.tracks.size()),
                  pos);
    }
    if (size - pos < 8) {
      return fail(Errc::parse, "truncated chunk header: " + std::to_string(size - pos) +
                                   " byte(s) left, a chunk header needs 8",
                  pos);
    }
    const auto id = bytes.subspan(pos, 4);
    if (!printable_id(id)) {
      return fail(Errc::parse, "expected a chunk (such as 'MTrk'), found bytes " +
                                   hex_byte(id[0]) + " " + hex_byte(id[1]) + " " +
                                   hex_byte(id[2]) + " " + hex_byte(id[3]),
                  pos);
    }
    const std::uint32_t length = be32(bytes, pos + 4);
    const std::string name(id.begin(), id.end());
    if (length > size - pos - 8) {
      return fail(Errc::parse, "chunk '" + name + "' declares " + std::to_string(length) +
                                   " bytes but only " + std::to_string(size - pos - 8) +
                                   " are left in the file",
                  pos + 4);
    }
    const std::size_t begin = pos + 8;
    const std::size_t end = begin + length;
    if (std::equal(id.begin(), id.end(), kMTrk)) {
      TrackParser parser(bytes, begin, end, file.tracks.size(), file);
      auto track = parser.parse();
      if (!track) return std::unexpected(track.error());
      file.tracks.push_back(std::move(*track));
    } else {
      file.warnings.push_back("skipped unknown chunk '" + name + "' of " +
                              std::to_string(length) + " bytes" + at_byte(pos));
    }
    pos = end;
  }
  if (pos < size) {
    file.warnings.push_back("ignored " + std::to_string(size - pos) +
                            " byte(s) after the last track" + at_byte(pos));
  }
  auto by_tick = [](const auto& a, const auto& b) { return a.tick < b.tick; };
  std::stable_sort(file.tempo_map.begin(), file.tempo_map.end(), by_tick);
  std::stable_sort(file.time_signatures.begin(), file.time_signatures.end(), by_tick);
  return file;
}

}  // namespace

std::int64_t MidiFile::end_tick() const noexcept {
  std::int64_t end = 0;
  for (const auto& track : tracks) end = std::max(end, track.end_tick);
  return end;
}

Result<MidiFile> read_midi(std::span<const std::uint8_t> bytes) noexcept {
  try {
    return parse_file(bytes);
  } catch (const std::bad_alloc&) {
    return fail(Errc::unsupported, "out of memory while reading a MIDI file of " +
                                       std::to_string(bytes.size()) + " bytes");
  } catch (const std::exception& e) {
    return fail(Errc::parse, std::string("MIDI file could not be read: ") + e.what());
  }
}

Result<MidiFile> read_midi_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return fail(Errc::not_found, "MIDI file '" + path.string() + "' does not exist");
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    // Appended, not "'" + std::string&&: GCC 12 misreports that form under -O3 (-Wrestrict).
    std::string message(1, '\'');
    message.append(path.string()).append("' is not a regular file");
    return fail(Errc::io, std::move(message));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(Errc::io, "cannot open MIDI file '" + path.string() + "'");
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) {
    return fail(Errc::io, "cannot read MIDI file '" + path.string() + "'");
  }
  auto file = read_midi(bytes);
  if (!file) {
    auto error = file.error();
    error.message = path.string() + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  return file;
}

}  // namespace mdg
