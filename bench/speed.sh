#!/usr/bin/env bash
# The speed benchmarks of the foundation (bench/bench_main.cpp): builds a Release tree
# (build/release) with the mididrumigen command and bench_mididrumigen, then runs them;
# prints Google Benchmark's table, then medians and ratios against same-run baselines.
# Extra arguments go to the benchmark (e.g. --benchmark_filter=Cli).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh" test
dir="$root/build/release"
if [[ ! -f "$dir/build.ninja" ]]; then
  mkdir -p "$dir"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMDG_BUILD_TESTS=OFF \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; exit 1; }
fi
cmake --build "$dir" --target mididrumigen bench_mididrumigen -- -j"$(nproc)" >"$dir.build.log" 2>&1 || {
  grep -E 'error|FAILED' -A5 "$dir.build.log" | head -80 >&2
  exit 1
}
cd "$root"
exec "$dir/bench/bench_mididrumigen" "$@"
