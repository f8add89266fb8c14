"""Writes the API reference pages from the installed package.

One page per group of functions, listed from ``hpcs.__all__`` so that a new
public function appears in the reference without editing the docs; the
operations are grouped by their family in the ``hpcs._ops`` registry.
"""

from __future__ import annotations

import types
from pathlib import Path

#: Page title of each registry family; families not listed get their own name.
TITLES = {
    "reduce": "Reductions",
    "select": "Order statistics",
    "rolling": "Rolling windows",
    "rolling_order": "Rolling order statistics",
    "transform": "Transforms",
    "cumulative": "Cumulative scans and fills",
    "robust_mean": "Robust means",
    "group": "Grouped reductions",
    "ewm": "Exponentially weighted windows",
    "rolling_pair": "Rolling covariance and correlation",
    "anomaly": "Anomaly detection",
}
OTHER = "Configuration, threads and hardware"


def _groups(pkg: types.ModuleType) -> dict[str, list[str]]:
    from hpcs._ops import OPS, SPECIAL

    ops = {**OPS, **SPECIAL}
    groups: dict[str, list[str]] = {}
    for name in sorted(pkg.__all__):
        obj = getattr(pkg, name)
        if name.startswith("__") or not callable(obj) or isinstance(obj, type):
            continue
        op = ops.get(name)
        title = OTHER if op is None else TITLES.get(op.family, op.family.replace("_", " ").capitalize())
        groups.setdefault(title, []).append(name)
    return groups


def write_api_pages(folder: Path, pkg: types.ModuleType) -> None:
    folder.mkdir(exist_ok=True)
    groups = _groups(pkg)
    pages = []
    for title, names in groups.items():
        slug = title.lower().replace(",", "").replace(" ", "_")
        pages.append(slug)
        body = [title, "=" * len(title), "", ".. currentmodule:: hpcs", ""]
        for name in names:
            body += [f".. autofunction:: {name}", ""]
        (folder / f"{slug}.rst").write_text("\n".join(body))
    index = ["API reference", "=============", "",
             "Every public function of ``hpcs``, from its docstring.  The",
             "examples in them are run as tests.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {slug}" for slug in pages]
    index += ["", "Exceptions", "----------", "", ".. autoexception:: hpcs.HPCSError", ""]
    (folder / "index.rst").write_text("\n".join(index))
