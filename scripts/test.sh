#!/usr/bin/env bash
# Quick start, the test suite: install what is missing, build with warnings as errors,
# run every test, then again under AddressSanitizer + UndefinedBehaviorSanitizer, then
# fuzz the MIDI reader and the LLM reply parser (MDG_FUZZ_SECONDS each, default 30).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" test
mkdir -p build

echo "== build (warnings as errors)"
scripts/build.sh build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMDG_WERROR=ON
echo "== tests"
ctest --test-dir build/test --output-on-failure -j"$(nproc)"

echo "== build (ASan + UBSan)"
scripts/build.sh build/asan -DCMAKE_BUILD_TYPE=Debug -DMDG_WERROR=ON -DMDG_SANITIZE=ON -DMDG_BUILD_BENCH=OFF
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$(nproc)"

echo "== fuzz the MIDI reader and the LLM reply parser, ${MDG_FUZZ_SECONDS:-30} s"
BUILD_DIR="$root/build/fuzz" scripts/fuzz.sh "${MDG_FUZZ_SECONDS:-30}"
