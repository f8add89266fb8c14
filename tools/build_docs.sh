#!/usr/bin/env bash
# Builds the Sphinx documentation with warnings as errors and runs the
# examples of its pages as doctests (the docstrings' examples are run by
# tests/test_docs.py).  Needs the installed package and the docs extra:
#   pip install '.[docs]' && bash tools/build_docs.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/_build}
# `python -I`: the repository root (with the source hpcs/, which has no
# compiled module) stays off sys.path, so conf.py imports the installed hpcs.
py=${PYTHON:-python}
"$py" -I -m sphinx -W --keep-going -q -b html docs "$out/html"
"$py" -I -m sphinx -W --keep-going -q -b doctest docs "$out/doctest"
echo "docs: $out/html/index.html"
