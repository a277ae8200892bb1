#!/usr/bin/env bash
# The style-quality benchmark of issue 3: builds a Release tree (build/quality) with the
# mididrumigen command and bench_quality, then measures generated and humanized drumming
# against the Groove MIDI Dataset (../shared/groove: learns from the train split, judges on
# the validation split). Usage: bench/quality.sh [GROOVE_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/build/quality"
groove="${1:-$root/../shared/groove}"
jobs="${MDG_JOBS:-2}"
if [[ ! -f "$dir/build.ninja" ]]; then
  mkdir -p "$dir"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMDG_BUILD_TESTS=OFF \
    -DMDG_BUILD_BENCH=ON >"$dir.configure.log" 2>&1 || {
    cat "$dir.configure.log" >&2
    exit 1
  }
fi
# Only the two programs the benchmark runs, so half-finished work elsewhere cannot stop it.
cmake --build "$dir" --target mididrumigen bench_quality -- -j"$jobs" >"$dir.build.log" 2>&1 || {
  grep -E 'error|FAILED' -A5 "$dir.build.log" | head -80 >&2
  exit 1
}
exec "$dir/bench/bench_quality" --groove "$groove" --cli "$dir/apps/cli/mididrumigen"
