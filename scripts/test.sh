#!/usr/bin/env bash
# Quick start, the test suite: install what is missing, build with warnings as errors,
# run every test, then again under AddressSanitizer + UndefinedBehaviorSanitizer, then
# fuzz the MIDI reader, the LLM reply parser and the binary groove decoder (MDG_FUZZ_SECONDS each,
# default 30).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" test
mkdir -p build
# Unity builds (several .cpp files per compiler run) and line-table-only debug info cut the two
# builds from about 16 to about 7 minutes on 2 cores; test files keep their helpers in a
# namespace named after the file so they can share a compiler run.
fast=(-DCMAKE_UNITY_BUILD=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_CXX_FLAGS_DEBUG=-g1")

echo "== build (warnings as errors)"
scripts/build.sh build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMDG_WERROR=ON "${fast[@]}"
echo "== tests"
ctest --test-dir build/test --output-on-failure -j"$(nproc)"

echo "== build (ASan + UBSan)"
scripts/build.sh build/asan -DCMAKE_BUILD_TYPE=Debug -DMDG_WERROR=ON -DMDG_SANITIZE=ON -DMDG_BUILD_BENCH=OFF \
  "${fast[@]}"
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$(nproc)"

echo "== fuzz the MIDI reader, the LLM reply parser and the binary groove decoder, ${MDG_FUZZ_SECONDS:-30} s"
BUILD_DIR="$root/build/fuzz" scripts/fuzz.sh "${MDG_FUZZ_SECONDS:-30}"
