#!/usr/bin/env python3
"""Builds the MIDI reader corpus: valid/*.mid and invalid/<reason>/*.mid, plus
valid/expected.tsv and invalid/expected.tsv with what the reader must report.

Every file is assembled byte by byte here, so the expectations come from how the file
was built, not from the C++ reader. Run from anywhere; the output is deterministic:
    python3 tests/data/midi/make_corpus.py
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varlen(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def chunk(kind, body):
    return kind + struct.pack(">I", len(body)) + body


def header(fmt, ntracks, division, length=6):
    return b"MThd" + struct.pack(">IHHH", length, fmt, ntracks, division)


def meta(kind, body):
    return bytes([0xFF, kind]) + varlen(len(body)) + body


def name(text):
    return meta(0x03, text.encode())


def tempo(bpm):
    us = round(60_000_000 / bpm)
    return meta(0x51, us.to_bytes(3, "big"))


def timesig(num, den):
    return meta(0x58, bytes([num, den.bit_length() - 1, 24, 8]))


END = meta(0x2F, b"")


def track(events, end=True, end_delta=0):
    """events: list of (delta, bytes)."""
    body = b"".join(varlen(d) + e for d, e in events)
    if end:
        body += varlen(end_delta) + END
    return chunk(b"MTrk", body)


def on(ch, note, vel):
    return bytes([0x90 | ch, note, vel])


def off(ch, note, vel=64):
    return bytes([0x80 | ch, note, vel])


def bar_round(end_ticks, num, den):
    per_bar = 480 * 4 * num // den
    return max(1, -(-end_ticks // per_bar)) * per_bar


def rescale(tick, division):
    return (tick * 480 + division // 2) // division


VALID = {}    # name -> (bytes, expectations dict)
INVALID = {}  # (reason, name) -> (bytes, errc, offset)


def valid(filename, data, **expect):
    VALID[filename] = (data, expect)


def invalid(reason, filename, data, errc, offset):
    INVALID[(reason, filename)] = (data, errc, offset)


def basic_beat(ch=9, step=120, bars=1, num=4, den=4, division=480):
    """Kick on beats, snare on 2 and 4, hats on eighths; returns events and hit count."""
    per_bar = division * 4 * num // den
    events = []
    hits = 0
    now = 0
    notes_at = {}
    for t in range(0, per_bar * bars, division // 2):
        notes = [42]
        beat = (t % per_bar) // division
        if t % division == 0:
            notes.append(36 if beat % 2 == 0 else 38)
        notes_at[t] = notes
    for t, notes in sorted(notes_at.items()):
        for i, n in enumerate(notes):
            events.append((t - now if i == 0 else 0, on(ch, n, 100)))
            now = t
            hits += 1
        for i, n in enumerate(notes):
            events.append((step if i == 0 else 0, off(ch, n)))
        now = t + step
    return events, hits, now


def build_valid():
    # Format 0, one track with everything, 480 PPQ.
    events, hits, last = basic_beat()
    data = header(0, 1, 480) + track([(0, name("Beat")), (0, timesig(4, 4)), (0, tempo(100))] + events)
    valid("format0_basic.mid", data, format=0, division=480, tracks=1, hits=hits,
          meter="4/4", tempo=100.0, tempo_changes=0, length=bar_round(last, 4, 4), name="Beat")

    # Format 1: conductor + drums written with running status and note-on velocity 0 as off.
    body = [(0, on(9, 36, 110))]
    body += [(0, bytes([38, 90]))]          # running status: another note-on
    body += [(240, bytes([36, 0]))]         # note-on velocity 0 = note-off
    body += [(0, bytes([38, 0]))]
    for i in range(6):
        body += [(0, bytes([42, 70 + i])), (120, bytes([42, 0]))]
    body += [(0, bytes([46, 80])), (60, bytes([46, 0]))]
    length_end = 240 + 6 * 120 + 60
    data = header(1, 2, 480) + track([(0, name("Song")), (0, timesig(3, 4)), (0, tempo(90))]) + \
        track([(0, name("Kit"))] + body)
    valid("format1_running_status.mid", data, format=1, division=480, tracks=2, hits=2 + 6 + 1,
          meter="3/4", tempo=90.0, tempo_changes=0, length=bar_round(length_end, 3, 4), name="Kit")

    # Many tracks: melodic parts on channels 0-7, drums split over two tracks on channel 10.
    tracks = [track([(0, name("Conductor")), (0, timesig(4, 4)), (0, tempo(128))])]
    for ch in range(8):
        ev = [(0, name(f"Part {ch}")), (0, bytes([0xC0 | ch, ch * 8]))]
        for k in range(4):
            ev += [(0 if k == 0 else 240, on(ch, 48 + ch + k, 80)), (240, off(ch, 48 + ch + k))]
        tracks.append(track(ev))
    kick_ev = [(0, name("Kick"))]
    for i in range(8):
        kick_ev += [(0 if i == 0 else 420, on(9, 36, 120)), (60, off(9, 36))]
    snare_ev = [(0, name("Snare")), (480, on(9, 38, 100)), (60, off(9, 38)),
                (900, on(9, 38, 100)), (60, off(9, 38))]
    tracks += [track(kick_ev), track(snare_ev)]
    data = header(1, len(tracks), 480) + b"".join(tracks)
    valid("many_tracks.mid", data, format=1, division=480, tracks=len(tracks), hits=8 + 2,
          meter="4/4", tempo=128.0, tempo_changes=0, length=bar_round(7 * 480 + 60, 4, 4),
          name="Kick")

    # Tempo changes in the conductor and one in the drum track; ends with a long EOT.
    events, hits, last = basic_beat(bars=4)
    conductor = track([(0, tempo(120)), (0, timesig(4, 4)), (1920, tempo(140)),
                       (1920, tempo(100.5))])
    drums = track([(0, name("Drums"))] + events, end_delta=100)
    data = header(1, 3, 480) + conductor + drums + \
        track([(5760, tempo(160))])
    valid("tempo_changes.mid", data, format=1, division=480, tracks=3, hits=hits,
          meter="4/4", tempo=120.0, tempo_changes=3, length=bar_round(last + 100, 4, 4),
          name="Drums")

    # Sysex (F0 and F7 escape) and assorted metas between the notes.
    gm_on = bytes([0xF0]) + varlen(5) + bytes([0x7E, 0x7F, 0x09, 0x01, 0xF7])
    escape = bytes([0xF7]) + varlen(2) + bytes([0xF8, 0xFA])
    body = [(0, meta(0x02, b"(c) nobody")), (0, gm_on), (0, meta(0x01, b"some text")),
            (0, meta(0x59, bytes([0xFF, 0x00]))), (0, meta(0x54, bytes([0x60, 0, 0, 0, 0]))),
            (0, meta(0x7F, bytes([0x00, 0x00, 0x41, 0x01]))), (0, meta(0x21, bytes([0]))),
            (0, meta(0x60, b"unknown meta kind")), (0, tempo(75)), (0, timesig(6, 8)),
            (0, on(9, 36, 100)), (0, escape), (100, off(9, 36)), (0, meta(0x06, b"Marker")),
            (620, on(9, 38, 101)), (0, meta(0x05, b"la")), (100, off(9, 38))]
    data = header(0, 1, 480) + track(body)
    valid("sysex_and_metas.mid", data, format=0, division=480, tracks=1, hits=2, meter="6/8",
          tempo=75.0, tempo_changes=0, length=bar_round(820, 6, 8), name="")

    # Drums on channel 1 in a track called "Drums"; a bass track on channel 2.
    bass = track([(0, name("Bass")), (0, on(1, 40, 90)), (960, off(1, 40))])
    drums_ev = [(0, name("Drums"))]
    for i in range(5):
        drums_ev += [(0 if i == 0 else 180, on(0, 36 + 2 * i, 90)), (60, off(0, 36 + 2 * i))]
    data = header(1, 3, 480) + track([(0, tempo(110))]) + bass + track(drums_ev)
    valid("named_drums_channel1.mid", data, format=1, division=480, tracks=3, hits=5,
          meter="4/4", tempo=110.0, tempo_changes=0, length=bar_round(4 * 240 + 60, 4, 4),
          name="Drums")

    # Same idea with "Percussion" (case-insensitive) and no note-offs at all.
    perc = [(0, name("PERCUSSION")), (0, on(3, 39, 90)), (240, on(3, 39, 91)),
            (240, on(3, 54, 92))]
    data = header(1, 1, 480) + track(perc)
    valid("percussion_missing_note_off.mid", data, format=1, division=480, tracks=1, hits=3,
          meter="4/4", tempo=120.0, tempo_changes=0, length=bar_round(480 + 60, 4, 4),
          name="PERCUSSION")

    # 96 PPQ in 7/8.
    events, hits, last = basic_beat(num=7, den=8, division=96, step=24)
    data = header(1, 2, 96) + track([(0, timesig(7, 8)), (0, tempo(140))]) + track(events)
    valid("ppq96_7_8.mid", data, format=1, division=96, tracks=2, hits=hits, meter="7/8",
          tempo=140.0, tempo_changes=0, length=bar_round(rescale(last, 96), 7, 8), name="")

    # 1000 PPQ in 12/8 with ticks that do not divide evenly.
    ev = [(0, timesig(12, 8)), (0, tempo(60))]
    now = 0
    count = 0
    for t in range(0, 6000, 333):
        ev += [(t - now, on(9, 42, 64)), (100, off(9, 42))]
        now = t + 100
        count += 1
    data = header(0, 1, 1000) + track(ev)
    valid("ppq1000_12_8.mid", data, format=0, division=1000, tracks=1, hits=count, meter="12/8",
          tempo=60.0, tempo_changes=0, length=bar_round(rescale(now, 1000), 12, 8), name="")

    # An unknown chunk between tracks, a longer MThd, and trailing garbage after the last track.
    events, hits, last = basic_beat()
    data = b"MThd" + struct.pack(">IHHH", 8, 1, 2, 480) + b"\x00\x00" + \
        track([(0, tempo(120))]) + chunk(b"XFIH", b"vendor data") + track(events) + b"\x00\x01junk"
    valid("unknown_chunk_trailing_bytes.mid", data, format=1, division=480, tracks=2, hits=hits,
          meter="4/4", tempo=120.0, tempo_changes=0, length=bar_round(last, 4, 4), name="")

    # A track without end-of-track whose data ends cleanly, at 240 PPQ, in 5/4.
    events, hits, last = basic_beat(num=5, den=4, division=240, step=60)
    data = header(0, 1, 240) + track([(0, timesig(5, 4))] + events, end=False)
    valid("no_end_of_track.mid", data, format=0, division=240, tracks=1, hits=hits, meter="5/4",
          tempo=120.0, tempo_changes=0, length=bar_round(rescale(last, 240), 5, 4), name="")

    # An unsupported time signature (3/1 is not a project Meter): falls back to 4/4.
    data = header(0, 1, 480) + track([(0, meta(0x58, bytes([3, 0, 24, 8]))),
                                      (0, on(9, 36, 100)), (120, off(9, 36))])
    valid("odd_meter_fallback.mid", data, format=0, division=480, tracks=1, hits=1,
          meter="4/4", tempo=120.0, tempo_changes=0, length=1920, name="")


def build_invalid():
    good_track = track([(0, on(9, 36, 100)), (120, off(9, 36))])

    invalid("missing_mthd", "empty.mid", b"", "parse", 0)
    invalid("missing_mthd", "riff.mid", b"RIFF\x00\x00\x00\x04RMID", "parse", 0)
    invalid("missing_mthd", "track_first.mid", good_track + header(0, 1, 480), "parse", 0)

    invalid("truncated_header", "only_id.mid", b"MThd", "parse", 4)
    invalid("truncated_header", "cut_division.mid", header(0, 1, 480)[:12], "parse", 12)
    invalid("truncated_header", "long_length.mid", header(0, 1, 480, length=64) + b"\x00" * 8,
            "parse", 4)
    invalid("short_header_length", "length4.mid", header(0, 1, 480, length=4) + good_track,
            "parse", 4)

    full = header(0, 1, 480) + good_track
    invalid("bad_chunk_length", "cut_file.mid", full[:-3], "parse", 18)
    invalid("bad_chunk_length", "huge_length.mid",
            header(0, 1, 480) + b"MTrk" + struct.pack(">I", 0xFFFFFFF0) + b"\x00\xff\x2f\x00",
            "parse", 18)
    invalid("bad_chunk_length", "unknown_chunk_overrun.mid",
            header(1, 1, 480) + b"JUNK" + struct.pack(">I", 100) + b"abc", "parse", 18)

    # Track data that stops mid-event while the chunk length itself is consistent.
    body = varlen(0) + on(9, 36, 100) + varlen(10) + bytes([0x99, 36])
    invalid("truncated_track", "cut_note.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + len(body))
    body = varlen(0) + on(9, 36, 100) + bytes([0x81])
    invalid("truncated_track", "cut_delta.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + len(body))
    body = varlen(0) + on(9, 36, 100) + varlen(5)
    invalid("truncated_track", "delta_without_event.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + len(body))
    data = header(1, 3, 480) + good_track + good_track
    invalid("truncated_track", "missing_tracks.mid", data, "parse", len(data))
    data = header(1, 2, 480) + good_track + b"MTr"
    invalid("truncated_track", "cut_chunk_header.mid", data, "parse", len(data) - 3)

    body = varlen(0) + on(9, 36, 100) + bytes([0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) + off(9, 36)
    invalid("bad_varlen", "five_byte_delta.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 4)
    body = varlen(0) + bytes([0xFF, 0x01, 0x80, 0x80, 0x80, 0x80, 0x01]) + b"x"
    invalid("bad_varlen", "five_byte_meta_length.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 1 + 2)

    body = varlen(0) + bytes([36, 100]) + varlen(0) + END
    invalid("running_status_without_status", "first_event.mid",
            header(0, 1, 480) + chunk(b"MTrk", body), "parse", 14 + 8 + 1)

    body = varlen(0) + bytes([0xF0]) + varlen(200) + bytes([1, 2, 3, 0xF7]) + varlen(0) + END
    invalid("sysex_overrun", "length200.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 2)
    body = varlen(0) + bytes([0xF7]) + varlen(0x0FFFFFFF)
    invalid("sysex_overrun", "max_length.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 2)

    body = varlen(0) + bytes([0xFF, 0x03]) + varlen(50) + b"Drums" + varlen(0) + END
    invalid("meta_overrun", "name50.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 3)
    body = varlen(0) + bytes([0xFF])
    invalid("meta_overrun", "no_meta_type.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 2)

    invalid("format2", "two_sequences.mid", header(2, 2, 480) + good_track + good_track,
            "unsupported", 8)
    invalid("bad_format", "format7.mid", header(7, 1, 480) + good_track, "parse", 8)
    invalid("smpte", "25fps.mid", header(1, 1, 0xE728) + good_track, "unsupported", 12)
    invalid("zero_division", "division0.mid", header(0, 1, 0) + good_track, "parse", 12)

    body = varlen(0) + bytes([0xF2, 0x10, 0x10]) + varlen(0) + END
    invalid("bad_status", "song_position.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 1)
    body = varlen(0) + bytes([0x99, 36, 0x90]) + varlen(0) + END
    invalid("bad_data_byte", "status_as_velocity.mid", header(0, 1, 480) + chunk(b"MTrk", body),
            "parse", 14 + 8 + 3)
    data = header(1, 2, 480) + good_track + b"\x00\x01\x02\x03" + struct.pack(">I", 0)
    invalid("bad_chunk_id", "binary_id.mid", data, "parse", 14 + len(good_track))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    build_valid()
    build_invalid()
    for sub in ("valid", "invalid"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    rows = ["file\tformat\tdivision\ttracks\thits\tmeter\ttempo\ttempo_changes\tlength\tname"]
    for filename, (data, e) in sorted(VALID.items()):
        write(os.path.join(HERE, "valid", filename), data)
        rows.append("\t".join(str(x) for x in (
            filename, e["format"], e["division"], e["tracks"], e["hits"], e["meter"],
            e["tempo"], e["tempo_changes"], e["length"], e["name"])))
    with open(os.path.join(HERE, "valid", "expected.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    rows = ["file\terror\toffset"]
    for (reason, filename), (data, errc, offset) in sorted(INVALID.items()):
        rel = f"{reason}/{filename}"
        write(os.path.join(HERE, "invalid", reason, filename), data)
        rows.append(f"{rel}\t{errc}\t{offset}")
    with open(os.path.join(HERE, "invalid", "expected.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
