#!/usr/bin/env python3
"""An independent count of drum notes in the Groove MIDI Dataset, for checking the C++
reader: for every .mid under GROOVE_DIR (default ../shared/groove next to the repo), the
number of note-ons with velocity > 0 on channel 10, or, when a file has none, on any
channel of tracks whose name has the word drum(s)/drumkit/kit/perc/percussion.

Writes tests/data/midi/groove_note_counts.tsv as "relative/path<TAB>count", sorted.
Written separately from the C++ reader on purpose (a plain walk of the chunks).
    python3 tests/data/midi/count_groove_notes.py [GROOVE_DIR]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DRUM_WORDS = {"drum", "drums", "drumkit", "kit", "perc", "percussion"}


def read_varlen(data, i):
    value = 0
    for _ in range(4):
        b = data[i]
        i += 1
        value = (value << 7) | (b & 0x7F)
        if b < 0x80:
            return value, i
    raise ValueError("varlen longer than 4 bytes")


def track_notes(data):
    """Returns (track name, {channel: note-on count}) for one MTrk body."""
    i = 0
    status = None
    name = None
    counts = {}
    while i < len(data):
        _, i = read_varlen(data, i)
        b = data[i]
        if b == 0xFF:
            kind = data[i + 1]
            length, i = read_varlen(data, i + 2)
            if kind == 0x03 and name is None:
                name = data[i:i + length].decode("latin-1")
            i += length
            if kind == 0x2F:
                break
            continue
        if b in (0xF0, 0xF7):
            length, i = read_varlen(data, i + 1)
            i += length
            continue
        if b & 0x80:
            status = b
            i += 1
        kind = status & 0xF0
        size = 1 if kind in (0xC0, 0xD0) else 2
        if kind == 0x90 and data[i + 1] > 0:
            ch = status & 0x0F
            counts[ch] = counts.get(ch, 0) + 1
        i += size
    return name or "", counts


def count_file(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"MThd"
    pos = 8 + int.from_bytes(data[4:8], "big")
    tracks = []
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = int.from_bytes(data[pos + 4:pos + 8], "big")
        if kind == b"MTrk":
            tracks.append(track_notes(data[pos + 8:pos + 8 + length]))
        pos += 8 + length
    on_ten = sum(c.get(9, 0) for _, c in tracks)
    if on_ten:
        return on_ten
    total = 0
    for name, c in tracks:
        words = set(re.findall(r"[a-z]+", name.lower()))
        if words & DRUM_WORDS:
            total += sum(c.values())
    return total


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..",
                                                              "shared", "groove")
    rows = []
    for folder, _, files in os.walk(root):
        for f in files:
            if f.lower().endswith(".mid"):
                full = os.path.join(folder, f)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                rows.append((rel, count_file(full)))
    rows.sort()
    with open(os.path.join(HERE, "groove_note_counts.tsv"), "w") as out:
        for rel, n in rows:
            out.write(f"{rel}\t{n}\n")
    print(f"{len(rows)} files, {sum(n for _, n in rows)} drum notes")


if __name__ == "__main__":
    main()
