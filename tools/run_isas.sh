#!/usr/bin/env bash
# Exercise every ISA clone of the installed hpcs:
#   native        -> AVX512 clone on an AVX-512 machine (else the best it has)
#   qemu Haswell  -> AVX2 clone (x86-64-v3)
#   qemu Nehalem  -> SSE2 baseline clone
# First tools/check_clones.py reads the installed library's code: no clone
# calls a baseline floating-point helper, the main loops' AVX2/AVX-512 clones
# use ymm/zmm.  Then for each CPU: check simd_info() names the expected
# clone as the one the loader resolved (observed, not predicted), run the
# test suite (but the tests marked `native`, which run native binaries), and
# compare a digest of every operation's output bits, which must be identical
# across clones.
#
# usage: tools/run_isas.sh [PYTHON [TEST_PATH...]]
#   PYTHON      the venv's python with hpcs installed
#   TEST_PATH   test files to run under qemu, relative to the repository
#               (default: tests, the whole suite)
# needs: qemu-x86_64 (Debian package qemu-user)
set -euo pipefail

py=${1:-python}
if [ $# -gt 0 ]; then shift; fi
repo=$(cd "$(dirname "$0")/.." && pwd)
targets=()
for path in "${@:-tests}"; do targets+=("$repo/$path"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Run from an empty directory so the source tree's hpcs/ is never imported.
cd "$work"

if [ "$(uname -m)" != x86_64 ]; then
    echo "run_isas: not x86-64, single plain build: native run only"
    "$py" "$repo/tools/clone_digest.py"
    exit 0
fi
if ! command -v qemu-x86_64 >/dev/null; then
    echo "run_isas: qemu-x86_64 missing (apt-get install qemu-user)" >&2
    exit 1
fi

status=0
echo "== clone check (tools/check_clones.py)"
"$py" "$repo/tools/check_clones.py" || status=1

native=$("$py" "$repo/tools/clone_digest.py") || { echo "FAIL: native ($native)"; exit 1; }
echo "native:  $native"
for cpu in Haswell:AVX2 Nehalem:SSE2; do
    model=${cpu%%:*}
    isa=${cpu##*:}
    emu=(qemu-x86_64 -cpu "$model")
    out=$("${emu[@]}" "$py" "$repo/tools/clone_digest.py" --expect-isa "$isa" 2>/dev/null) || {
        echo "FAIL: $model did not run the $isa clone ($out)"; status=1; continue; }
    echo "$model: $out"
    digest() { local d=${1#* digest=}; echo "${d%% *}"; }
    if [ "$(digest "$out")" != "$(digest "$native")" ]; then
        echo "FAIL: $isa clone results differ from the native clone's"; status=1
    fi
    echo "== pytest under qemu -cpu $model ($isa clone)"
    # hpcs._bench's doctest imports the peers; polars wheels need a newer CPU
    # than Nehalem and die with SIGILL there (the test runs natively).
    HPCS_EXPECT_ISA=$isa "${emu[@]}" "$py" -m pytest -q -m "not native and not slow" -p no:cacheprovider \
        --deselect "tests/test_docs.py::test_docstring_examples[hpcs._bench]" \
        --rootdir "$repo" -c "$repo/pyproject.toml" "${targets[@]}" 2>/dev/null || status=1
done
exit $status
