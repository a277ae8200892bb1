#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing; silent when
# nothing is missing. Usage: scripts/setup.sh [run|test]   (test adds tools for the
# test suite: GoogleTest, Google Benchmark, clang-19 + libFuzzer).
set -euo pipefail
profile="${1:-run}"

packages=(g++ cmake ninja-build pkg-config nlohmann-json3-dev libcli11-dev libfmt-dev
  libcurl4-openssl-dev)
if [[ "$profile" == "test" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang-19 libclang-rt-19-dev python3)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/mdg-apt.log 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq >/tmp/mdg-apt.log 2>&1
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/mdg-apt.log 2>&1 || {
    echo "setup: apt-get failed, see /tmp/mdg-apt.log" >&2
    tail -20 /tmp/mdg-apt.log >&2
    exit 1
  }
fi
