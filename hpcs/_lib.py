"""The compiled binding: ``ffi`` and ``lib`` of the cffi module, loaded once."""

from __future__ import annotations

try:
    from hpcs._hpcs_cffi import ffi, lib
except ImportError as exc:  # pragma: no cover - only when run from a source tree
    raise ImportError(
        "hpcs' compiled module is missing: install the package (pip install .) and run "
        "from outside the source tree, e.g. `pytest` rather than `python -m pytest`"
    ) from exc

import numpy as np

#: cffi element type and C function suffix of each dtype the kernels read.
C_TYPES = {np.dtype(np.float64): ("double[]", "f64"), np.dtype(np.float32): ("float[]", "f32")}

__all__ = ["C_TYPES", "ffi", "lib"]
