#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh DIR [cmake args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$1"
mkdir -p "$(dirname "$dir")"
shift
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S "$root" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1 || {
    cat "$dir.configure.log" >&2
    exit 1
  }
fi
cmake --build "$dir" -- -j"$(nproc)" >"$dir.build.log" 2>&1 || {
  grep -E 'error|Error|FAILED' -A5 "$dir.build.log" | head -80 >&2
  exit 1
}
