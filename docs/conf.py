"""Sphinx configuration for the hpcs documentation.

Build (from the repository root, with the package and the docs extra
installed): ``sphinx-build -W -b html docs docs/_build/html``.
The API pages are generated from the installed package's docstrings, so
the installed hpcs must be the one being documented.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import hpcs

sys.path.insert(0, str(Path(__file__).parent))
from _api_pages import write_api_pages  # noqa: E402  (needs sys.path above)

project = "hpcs"
author = "the hpcs developers"
copyright = "the hpcs developers (MIT licence)"
release = hpcs.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "api/generated"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"hpcs {release}"

autodoc_typehints = "none"          # the numpydoc "Parameters" sections say it
autodoc_default_options = {"members": False}
autosummary_generate = False
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

intersphinx_mapping = {}            # no network in CI: nothing to fetch

write_api_pages(Path(__file__).parent / "api", hpcs)
# BENCHMARKS.md (included by benchmarks.md) shows its chart by a path
# relative to the repository root; the included text resolves it here.
for _chart in Path(__file__).parent.parent.glob("benchmarks*.png"):
    shutil.copy(_chart, Path(__file__).parent / _chart.name)
