#!/usr/bin/env bash
# Build the library with the C tests of tests/c (meson option -Dtests=true,
# off for wheels) in a fresh build directory and run them with `meson test`:
#   rolling_order  hpcs_rolling_{median,quantile,mad} against a brute-force
#                  reference, bit for bit
#   failmalloc     the LD_PRELOAD shim of tests/test_memory.py fails the
#                  allocation it is told to; the library reports NOMEM
#   group_parts    the public group part tables against hpcs_group_*, bit
#                  for bit, and their argument checks
#
# usage: tools/run_ctests.sh [MESON_SETUP_ARGS...]   (e.g. -Dforce_isa=sse2)
# needs: meson, ninja, a C compiler
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
meson setup "$build" "$repo" -Dtests=true "$@" >"$build.setup.log" 2>&1 || {
    cat "$build.setup.log" >&2; rm -f "$build.setup.log"; exit 1; }
rm -f "$build.setup.log"
meson compile -C "$build" >/dev/null
meson test -C "$build" --print-errorlogs
