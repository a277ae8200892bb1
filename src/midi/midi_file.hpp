#pragma once
// Standard MIDI Files: a reader for files from the wild, drum-track extraction into a
// Pattern, and a deterministic writer.
//
// Reader policy (what is accepted and what is refused):
//  - format 0 and 1; format 2 (independent sequences) and SMPTE time division give
//    Errc::unsupported; division 0, formats above 2 and every malformed or truncated
//    structure give Errc::parse with Error::offset = the byte offset of the problem.
//  - Chunks other than MThd/MTrk are skipped. Bytes after the last declared track
//    (padding, trailing garbage, extra chunks) are ignored and noted in `warnings`.
//  - A track that ends without an end-of-track meta is accepted when its last event ends
//    exactly at the end of the chunk (the data ends cleanly); an event cut off by the end
//    of the chunk is a parse error. Bytes after an end-of-track inside a chunk are ignored.
//  - Running status is honoured for channel messages and, as many writers rely on it, is
//    kept across meta and sysex events; a data byte with no status before it is an error.
//  - Sysex (F0 and F7 escapes) and meta events carry a variable-length length; lengths
//    running past the chunk are parse errors. Variable-length quantities longer than
//    4 bytes are parse errors.
//  - System common / real-time status bytes (F1-F6, F8-FE) are not valid in a file and
//    are parse errors.
//  - A set-tempo meta whose length is not 3 or whose value is 0, and a time-signature meta
//    shorter than 4 bytes, are ignored (with a warning), not fatal.
// Memory use is bounded by the input: nothing is reserved from counts in the file, and
// every payload length is checked against the bytes left before it is copied.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/pattern.hpp"

namespace mdg {

enum class MidiEventKind : std::uint8_t { channel, sysex, meta };

struct MidiEvent {
  std::int64_t tick = 0;  // absolute, in the file's own ticks
  MidiEventKind kind = MidiEventKind::channel;
  std::uint8_t status = 0;     // 0x80-0xEF for channel messages, 0xF0/0xF7 sysex, 0xFF meta
  std::uint8_t meta_type = 0;  // meta events only
  std::uint8_t data1 = 0;      // channel messages: first data byte (note, controller, ...)
  std::uint8_t data2 = 0;      // channel messages: second data byte (velocity, value), 0 if none
  std::vector<std::uint8_t> payload;  // sysex and meta bodies (without the length)

  [[nodiscard]] std::uint8_t channel() const noexcept { return status & 0x0F; }
  [[nodiscard]] std::uint8_t type() const noexcept { return status & 0xF0; }
  // A note-on with velocity > 0.
  [[nodiscard]] bool is_note_on() const noexcept {
    return kind == MidiEventKind::channel && type() == 0x90 && data2 > 0;
  }
  // A note-off, or a note-on with velocity 0 (which means note-off).
  [[nodiscard]] bool is_note_off() const noexcept {
    return kind == MidiEventKind::channel &&
           (type() == 0x80 || (type() == 0x90 && data2 == 0));
  }
};

struct MidiTrack {
  std::string name;                 // the first track-name meta (0x03), empty if none
  std::vector<MidiEvent> events;    // in file order, ticks non-decreasing
  std::int64_t end_tick = 0;        // tick of the end-of-track meta, or of the last event
  bool has_end_of_track = false;
};

struct MidiTempo {
  std::int64_t tick = 0;
  std::uint32_t us_per_quarter = 500000;
  [[nodiscard]] double bpm() const noexcept { return 60'000'000.0 / us_per_quarter; }
};

struct MidiTimeSignature {
  std::int64_t tick = 0;
  int numerator = 4;
  int denominator = 4;  // the real denominator (2^power as stored in the file)
  int clocks_per_click = 24;
  int thirty_seconds_per_quarter = 8;
};

struct MidiFile {
  int format = 1;
  int division = 480;  // ticks per quarter note
  std::vector<MidiTrack> tracks;
  std::vector<MidiTempo> tempo_map;                 // every set-tempo of every track, by tick
  std::vector<MidiTimeSignature> time_signatures;   // every time signature, by tick
  std::vector<std::string> warnings;                // tolerated oddities, with byte offsets

  [[nodiscard]] std::int64_t end_tick() const noexcept;  // max end_tick of all tracks
};

[[nodiscard]] Result<MidiFile> read_midi(std::span<const std::uint8_t> bytes) noexcept;
// Errc::io (with the path) when the file cannot be read, else as read_midi.
[[nodiscard]] Result<MidiFile> read_midi_file(const std::filesystem::path& path);

// The drum part of a file as a Pattern at kPpq:
//  - the notes on channel 10 (zero-based 9) of every track; if there are none, the notes of
//    every track whose name has the word drum(s), kit, drumkit, perc or percussion
//    (case-insensitive), on any channel; if still none, Errc::not_found.
//  - ticks are rescaled to kPpq with rounding to nearest; a note lasts until the first
//    matching note-off (same track, channel and key, first-in first-out), at least 1 tick,
//    and 60 ticks when it is never released.
//  - meter = the first time signature; 4/4 when there is none or when it is not a Meter
//    this project supports (numerator 1-16 over 2, 4, 8 or 16).
//  - tempo_bpm = the first set-tempo (the last one if several share its tick), 120 when
//    there is none; later ones go to tempo_changes (repeats of the same tempo dropped).
//  - length_ticks = the later of the last note-off and the last end-of-track, rounded up
//    to whole bars, at least one bar.
//  - name = the name of the first drum track that has one, else the first track's name.
// Errc::unsupported when the file is longer than 2^36 kPpq ticks (surely malformed).
[[nodiscard]] Result<Pattern> extract_drum_pattern(const MidiFile& file);
// read_midi_file + extract_drum_pattern; an empty name becomes the file's stem.
[[nodiscard]] Result<Pattern> read_drum_file(const std::filesystem::path& path);

struct MidiWriteOptions {
  int format = 1;          // 0: one track; 1 (or anything else): conductor track + drum track
  std::string track_name;  // conductor / single track name; the drum track uses it too
                           // ("Drums" when empty); omitted from the conductor when empty
};

// A 480-PPQ file of the pattern: track name, time signature (clocks 24, 8 thirty-seconds),
// tempo and tempo changes, the hits on channel 10 (note-offs before note-ons at the same
// tick), end of track at length_ticks (or just after the last onset if a hit starts later).
// Notes still sounding at the end are cut there, so a loop keeps its length. Same pattern,
// same bytes.
// Values a file cannot hold are made writable rather than refused: ticks are clamped to
// 0..2^36, velocities to 1-127, durations to at least 1 tick, hits with notes above 127
// are left out, a tempo that is not a positive finite number is written as 120 BPM and
// tempos are clamped to the 24-bit microseconds field; a meter that is not a power-of-two
// denominator is written as 4/4.
[[nodiscard]] std::vector<std::uint8_t> write_midi(const Pattern& pattern,
                                                   const MidiWriteOptions& options);
// Writes a temporary file next to `path` and renames it over `path`, so a failure never
// leaves half a file; Errc::io with the path and the reason.
[[nodiscard]] Result<void> write_midi_file(const std::filesystem::path& path,
                                           const Pattern& pattern,
                                           const MidiWriteOptions& options);

}  // namespace mdg
