#!/usr/bin/env bash
# Run a representative, fast subset of the test suite under valgrind memcheck
# and fail on any memory error (invalid read/write, use of uninitialised
# values, bad free, overlapping memcpy, definite leak) whose stack passes
# through libhpcs_core or the _hpcs_cffi extension.
#
# Errors elsewhere (CPython, numpy, pandas, scipy...) are not ours: the few
# known ones are suppressed by tools/valgrind-python.supp, and any other one
# is listed as "ignored" but does not fail the run.  The decision is made by
# parsing valgrind's XML report, so a noisy interpreter cannot hide or fake
# an hpcs error.  The script also fails when pytest fails.
#
# valgrind has no AVX-512, so the library runs its AVX2 clone (or SSE2 on a
# CPU without AVX2); the active clone is printed.  It takes minutes (the
# measured run time is in docs/decisions.md).
#
# usage: tools/run_valgrind.sh PYTHON [PYTEST_ARGS...]
#   PYTHON       the python of a venv where hpcs is installed (pip install .)
#                with pytest, hypothesis, numpy, pandas, scipy, bottleneck
#   PYTEST_ARGS  replace the default selection (test files and -k/-m options)
#   env: HPCS_VALGRIND_KEEP=DIR   keep valgrind's XML and log in DIR
# needs: valgrind (Debian package valgrind), python3 (XML filter)
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 PYTHON [PYTEST_ARGS...]" >&2
    exit 2
fi
py=$1
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "run_valgrind: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
if [ -n "${HPCS_VALGRIND_KEEP:-}" ]; then
    work=$HPCS_VALGRIND_KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
# Run from a directory that is not the source tree, so that the installed
# hpcs (with its compiled module) is imported, never the repository's hpcs/.
cd "$work"

# Where the library under test lives (for the report).
"$py" -c 'import hpcs, hpcs._hpcs_cffi as m; print("run_valgrind: hpcs from", hpcs.__file__)'

# Default selection (~180 tests): every op against its reference on the
# data kinds that reach the edge paths (float32 with NaN, strided views,
# empty, NaN runs at the ends, ties), the `where` masks, rolling along every
# axis of an N-D array, and the argument-error paths.  The rest of these
# files adds run time (pandas/scipy reference code is interpreted by
# valgrind too) more than coverage of the C code.
if [ $# -eq 0 ]; then
    set -- -m "not native and not slow" \
        "$repo/tests/test_errors.py" "$repo/tests/test_nd.py" "$repo/tests/test_vs_reference.py" \
        -k "(test_errors and not test_wrong_types and not test_bad_window and not test_bad_min_periods) or test_rolling_every_axis or test_float32_axis or test_reduction_where or ((test_rolling_matches_reference or test_reduction_matches_reference) and (float32_nan or strided or empty or nan_ends or ties))"
fi

xml="$work/valgrind.xml"
log="$work/pytest.log"
start=$(date +%s)
rc=0
# PYTHONMALLOC=malloc: every allocation goes through malloc, so memcheck sees
# each object's real bounds (pymalloc arenas would hide them).
PYTHONMALLOC=malloc HYPOTHESIS_PROFILE=quick \
    valgrind --tool=memcheck --error-exitcode=86 --track-origins=no \
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --suppressions="$repo/tools/valgrind-python.supp" \
    --xml=yes --xml-file="$xml" \
    "$py" -c 'import hpcs; print("run_valgrind: active clone:", hpcs.simd_info()["isa"]); import sys, pytest; sys.exit(pytest.main(sys.argv[1:]))' \
    -q -x -p no:cacheprovider --rootdir "$repo" -c "$repo/pyproject.toml" "$@" \
    >"$log" 2>&1 || rc=$?
elapsed=$(( $(date +%s) - start ))
grep -E "^run_valgrind:|passed|failed|error" "$log" | tail -5 || true
echo "run_valgrind: valgrind+pytest exit $rc after ${elapsed}s"

# Classify every error of the XML report: ours if a frame is in hpcs code.
status=0
python3 - "$xml" <<'EOF' || status=1
import sys
import xml.etree.ElementTree as ET

OURS = ("libhpcs_core", "_hpcs_cffi")
tree = ET.parse(sys.argv[1])
ours, ignored = [], []
for err in tree.getroot().iter("error"):
    kind = err.findtext("kind", "?")
    what = err.findtext("what") or err.findtext("xwhat/text") or ""
    frames = []
    for stack in err.iter("stack"):
        for fr in stack.iter("frame"):
            frames.append((fr.findtext("obj", ""), fr.findtext("fn", "?"),
                           fr.findtext("file", ""), fr.findtext("line", "")))
    # Leaks: only memory allocated by libhpcs_core itself.  The cffi module's
    # own objects (built at import, kept until exit) are not leaks of ours.
    tags = ("libhpcs_core",) if kind.startswith("Leak_") else OURS
    mine = any(any(tag in (obj or "") for tag in tags) for obj, *_ in frames)
    (ours if mine else ignored).append((kind, what, frames))

def show(kind, what, frames, limit):
    print(f"  {kind}: {what}")
    for obj, fn, file, line in frames[:limit]:
        where = f"{file}:{line}" if file else obj.rsplit("/", 1)[-1]
        print(f"      {fn} ({where})")

print(f"run_valgrind: {len(ours)} error(s) in hpcs code, {len(ignored)} ignored elsewhere")
for e in ignored[:5]:
    show(*e, limit=4)
for e in ours:
    show(*e, limit=16)
sys.exit(1 if ours else 0)
EOF
# 86: valgrind saw errors (classified above); anything else non-zero: pytest failed.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 86 ]; then
    echo "run_valgrind: pytest failed (exit $rc); log: $log"
    tail -30 "$log"
    status=1
fi
if [ "$status" -eq 0 ]; then echo "run_valgrind: clean"; else echo "run_valgrind: FAILED"; fi
exit $status
