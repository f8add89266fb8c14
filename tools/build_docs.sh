#!/usr/bin/env bash
# Builds the Sphinx documentation with warnings as errors and runs the
# examples of its pages as doctests (the docstrings' examples are run by
# tests/test_docs.py).  Needs the installed package and the docs extra:
#   pip install '.[docs]' && bash tools/build_docs.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/_build}
# Run from the repository root, the source hpcs/ would shadow the installed
# package: Sphinx imports it only through conf.py, which does not add the
# root to sys.path.
sphinx-build -W --keep-going -q -b html docs "$out/html"
sphinx-build -W --keep-going -q -b doctest docs "$out/doctest"
echo "docs: $out/html/index.html"
