"""The compiled binding: ``ffi`` and ``lib`` of the cffi module, loaded once."""

from __future__ import annotations



def _missing_module_message() -> str:
    """Why the compiled module is missing, and what to run instead."""
    import os
    import sys
    from importlib import metadata

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        installed = metadata.distribution("hpcs")
    except metadata.PackageNotFoundError:
        installed = None
    if installed is not None and os.path.exists(os.path.join(here, "..", "meson.build")):
        where = os.path.dirname(here)
        return (
            f"`import hpcs` found the source tree {here} (the current directory comes first "
            f"on sys.path for `python -m` and `python -c`), which has no compiled module; "
            f"it shadows the installed hpcs {installed.version}.  Run from outside {where} "
            f"(e.g. `cd /tmp && {os.path.basename(sys.executable)} -m hpcs test`), or use the "
            f"`hpcs` command (`hpcs test`), `python -I` or plain `pytest`."
        )
    return ("hpcs' compiled module is missing: install the package (pip install .) and run "
            "from outside the source tree")


try:
    from hpcs._hpcs_cffi import ffi, lib
except ImportError:  # pragma: no cover - only when run from a source tree
    raise ImportError(_missing_module_message()) from None

import numpy as np

#: cffi element type and C function suffix of each dtype the kernels read.
C_TYPES = {np.dtype(np.float64): ("double[]", "f64"), np.dtype(np.float32): ("float[]", "f32")}

__all__ = ["C_TYPES", "ffi", "lib"]
