#!/usr/bin/env bash
# Fuzz the MIDI reader, the LLM reply parser and the binary groove decoder with libFuzzer for
# SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS]        (BUILD_DIR overrides the build folder)
# Builds fuzz/midi_reader_fuzz.cpp, fuzz/llm_reply_fuzz.cpp and fuzz/groove_binary_fuzz.cpp with
# clang-19 (ASan + UBSan + libFuzzer), runs each on a copy of its seed corpus (fuzz/corpus/midi,
# fuzz/corpus/llm_reply, fuzz/corpus/groove_binary), and exits non-zero if one finds a crash,
# printing where the crashing input was saved (copy it to fuzz/crashes/<corpus> once fixed: the
# tests replay those).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "fuzz.sh: SECONDS must be a positive whole number, got '$seconds'" >&2
  exit 2
fi
build="${BUILD_DIR:-$root/build-fuzz}"
for tool in clang-19 clang++-19 cmake; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
done
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

CC=clang-19 CXX=clang++-19 cmake -S "$root" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON -DMDG_FUZZ=ON -DMDG_BUILD_TESTS=OFF -DMDG_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target midi_fuzz llm_reply_fuzz groove_binary_fuzz -j "${MDG_FUZZ_JOBS:-2}"

failed=0
# target:corpus:max input length
for spec in midi_fuzz:midi:65536 llm_reply_fuzz:llm_reply:65536 groove_binary_fuzz:groove_binary:65536; do
  IFS=: read -r target corpus max_len <<<"$spec"
  work="$(mktemp -d "${TMPDIR:-/tmp}/mdg-fuzz.XXXXXX")"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$root"/fuzz/corpus/"$corpus"/* "$work/corpus/"
  echo "== fuzzing $target for $seconds s (work folder $work)"
  status=0
  "$build/fuzz/$target" "$work/corpus" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" 2>"$work/fuzz.log" || status=$?
  tail -n 25 "$work/fuzz.log"

  shopt -s nullglob
  found=("$work"/artifacts/*)
  if [ "$status" -ne 0 ] || [ "${#found[@]}" -gt 0 ]; then
    echo "fuzz.sh: $target failed (exit $status); full log: $work/fuzz.log" >&2
    for f in "${found[@]}"; do echo "fuzz.sh: crash input saved at $f" >&2; done
    echo "fuzz.sh: reproduce with: $build/fuzz/$target <input>" >&2
    failed=1
    continue
  fi
  echo "fuzz.sh: $target: no crash in $seconds s"
  rm -rf "$work"
done
exit "$failed"
