"""hpcs — fast, exact statistics over NumPy arrays.

Reductions (``sum``, ``mean``, ``var``, ``std``, ``min``, ``max``, ``median``,
``mad``, ``quantile``) and rolling-window operations (``rolling_*``) run in a
C library whose kernels are compiled for SSE2, AVX2 and AVX-512 and chosen at
load time.  See the API contract in the project docs.

>>> import hpcs
>>> hpcs.rolling_mean([1.0, 2.0, 3.0], 2)
array([nan, 1.5, 2.5])
"""

try:
    from hpcs import _lib  # the compiled module; its ImportError says why it is missing
except ImportError as _exc:  # pragma: no cover - only when run from a source tree
    import sys as _sys

    if _sys.argv[:1] == ["-m"]:  # `python -m hpcs ...`: a message, not a traceback
        _sys.exit(f"python -m hpcs: error: {_exc}")
    raise

from hpcs._calibrate import calibrate
from hpcs._config import config, config_path
from hpcs._config import load_config as _load_config
from hpcs._cpu import get_cpu_info
from hpcs._errors import HPCSError
from hpcs._hardware import library_version, simd_info
from hpcs._ops import OPS as _OPS
from hpcs._ops import SPECIAL as _SPECIAL
from hpcs._paths import get_include, get_library_path, get_pkgconfig_dir
from hpcs._reduce import mad, max, mean, median, min, quantile, std, sum, var
from hpcs._threads import (
    get_num_threads,
    get_thresholds,
    plan_threads,
    reset_thresholds,
    set_num_threads,
    set_thresholds,
)
from hpcs._threads import apply_environment as _apply_environment
from hpcs._rolling import (
    rolling_mad,
    rolling_max,
    rolling_mean,
    rolling_median,
    rolling_min,
    rolling_quantile,
    rolling_std,
    rolling_sum,
    rolling_var,
)
from hpcs._transform import (
    bfill,
    clip,
    cummax,
    cummin,
    diff,
    ffill,
    normalize_minmax,
    robust_zscore,
    trimmed_mean,
    winsorized_mean,
    zscore,
)
from hpcs._group import (
    group_count,
    group_max,
    group_mean,
    group_min,
    group_std,
    group_sum,
    group_var,
)
from hpcs._ewm import ewma, ewmstd, ewmvar
from hpcs._rolling_pair import rolling_corr, rolling_cov, rolling_zscore
from hpcs._anomaly import detect_anomalies, rolling_robust_zscore

#: Package version; equal to the C library's (both come from VERSION).
__version__ = library_version()

_apply_environment()
_load_config()

#: The operations (one per row of hpcs._ops.OPS) and the helpers around them.
__all__ = [
    "HPCSError",
    "__version__",
    "calibrate",
    "config",
    "config_path",
    "get_cpu_info",
    "get_include",
    "get_library_path",
    "get_num_threads",
    "get_thresholds",
    "get_pkgconfig_dir",
    "library_version",
    "plan_threads",
    "reset_thresholds",
    "set_num_threads",
    "set_thresholds",
    "simd_info",
    *_OPS,
    *_SPECIAL,
]

# pandas/polars in and out (§9) for every registry operation: last, so that
# every operation defined above is wrapped.
from hpcs import _frames

_frames.install(globals())
del _frames
