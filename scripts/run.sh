#!/usr/bin/env bash
# Quick start, the main job: install what is missing, build, and generate variations
# for an artist into ./out.  Usage: scripts/run.sh ["Artist name"] [generate options...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh" run
"$root/scripts/build.sh" "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DMDG_BUILD_TESTS=OFF -DMDG_BUILD_BENCH=OFF
artist="${1:-John Bonham}"
[[ $# -gt 0 ]] && shift
exec "$root/build/release/apps/cli/mididrumigen" generate "$artist" --out ./out "$@"
