"""Rolling covariance and correlation of two series, rolling z-scores of one."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from hpcs import _rolling
from hpcs._ops import OPS
from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib

ArrayLike = Any

_KERNELS = {op: {dtype: (getattr(lib, f"hpcs_rolling_{op}_{sfx}"), ffi.typeof(ctype))
                 for dtype, (ctype, sfx) in C_TYPES.items()}
            for op in ("cov", "corr")}


def _pair(op: str, x: ArrayLike, y: ArrayLike, window: Any, min_periods: Any, center: bool,
          axis: Any, out: Optional[np.ndarray], *extra: Any) -> np.ndarray:
    """Validate, run ``hpcs_rolling_<op>_<dtype>`` on (x, y) along ``axis``."""
    ax_ = v.as_float_array(x)
    ay_ = v.as_float_array(y, "y")
    if ax_.shape != ay_.shape:
        raise ValueError(f"y: must have x's shape {ax_.shape}, got {ay_.shape}")
    if ax_.ndim == 0:
        raise ValueError(f"x: rolling_{op} needs an array of at least 1 dimension, got a scalar")
    # float32 only when both are: the kernels read one element type.
    dtype = np.result_type(ax_.dtype, ay_.dtype)
    w, mp = v.check_window(window, min_periods)
    ax = v.check_axis(axis, ax_.ndim)
    arr_x = v.c_layout(ax_.astype(dtype, copy=False))
    arr_y = v.c_layout(ay_.astype(dtype, copy=False))
    outer, n, inner = v.split_shape(arr_x.shape, ax)
    if out is None:
        result = np.empty(arr_x.shape, dtype=dtype)
    else:
        result = v.check_out(out, arr_x.shape, dtype)
        if np.shares_memory(result, arr_x) or np.shares_memory(result, arr_y):
            result = np.empty(arr_x.shape, dtype=dtype)
    func, ctype = _KERNELS[op][dtype]
    rc = func(ffi.from_buffer(ctype, arr_x), ffi.from_buffer(ctype, arr_y), outer, n, inner, w,
              mp, *extra, lib.HPCS_CENTER if center else 0, ffi.from_buffer(ctype, result, True))
    if rc:
        check(rc, f"rolling_{op}")
    if out is not None and result is not out:
        out[...] = result
        return out
    return result


def rolling_cov(x: ArrayLike, y: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, ddof: int = 1, axis: int = -1,
                out: Optional[np.ndarray] = None) -> np.ndarray:
    return _pair("cov", x, y, window, min_periods, center, axis, out, v.check_ddof(ddof))


def rolling_corr(x: ArrayLike, y: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                 center: bool = False, axis: int = -1,
                 out: Optional[np.ndarray] = None) -> np.ndarray:
    return _pair("corr", x, y, window, min_periods, center, axis, out)


def rolling_zscore(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                   center: bool = False, ddof: int = 0, axis: int = -1,
                   out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling._rolling(OPS["rolling_zscore"].kernels, x, window, min_periods, center, axis, out,
                             v.check_ddof(ddof))


_PAIR_DOC = """
    Parameters
    ----------
    x, y : array_like
        Inputs of the same shape; float32 is kept when both are float32.
        A position counts only where both are finite (pandas: NaN and
        +-inf are missing).
    window : int
        Window length (>= 1); may exceed the length of x.
    min_periods : int, optional
        Valid pairs needed for an output; default ``window``.
    center : bool
        Centre the window on the output (pandas ``center=True``).
    axis : int
        Axis along which to roll; other axes are independent series.
    out : ndarray, optional
        Preallocated C-contiguous output of x's shape and the result dtype.
"""

rolling_cov.__doc__ = f"""Moving-window covariance: pandas ``x.rolling(w).cov(y, ddof=ddof)``.

    O(n) whatever the window, with no running sums (block prefix/suffix
    scans of shifted co-moments: stable on data far from zero).
{_PAIR_DOC}    ddof : int
        Delta degrees of freedom (>= 0); NaN when count <= ddof.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.rolling_cov([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 5.0], 3)
    array([nan, nan, 0.5, 1. ])
"""
rolling_corr.__doc__ = f"""Moving-window Pearson correlation: pandas ``x.rolling(w).corr(y)``.

    NaN where either series is constant over the window (zero spread).
{_PAIR_DOC}
    Examples
    --------
    >>> import hpcs
    >>> hpcs.rolling_corr([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 7.0], 3)
    array([       nan,        nan, 1.        , 0.98198051])
"""
rolling_zscore.__doc__ = _rolling._doc(
    "Moving-window z-score ``(x - rolling_mean) / rolling_std``, in one pass.\n\n"
    "    The window statistics and the transform come out of one O(n) scan (no\n"
    "    temporaries); NaN where x is NaN, below ``min_periods``, or where the\n"
    "    window is constant (zero spread: never inf).\n",
    "    >>> import hpcs\n    >>> hpcs.rolling_zscore([1.0, 2.0, 4.0, 4.0, 4.0], 2)\n"
    "    array([nan,  1.,  1., nan, nan])\n",
    "    ddof : int\n        Delta degrees of freedom of the std (>= 0); NaN when count <= ddof.\n")
