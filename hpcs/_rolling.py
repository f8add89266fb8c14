"""Rolling (moving-window) operations with pandas ``Series.rolling`` semantics."""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib
from hpcs._reduce import QUANTILE_METHODS

ArrayLike = Any

#: C entry point of each rolling op by input dtype, with the cffi array type
#: of its input and output, looked up once.
_KERNELS = {op: {dtype: (getattr(lib, f"hpcs_rolling_{op}_{sfx}"), ffi.typeof(ctype))
                 for dtype, (ctype, sfx) in C_TYPES.items()}
            for op in ("sum", "mean", "var", "std", "min", "max", "median", "mad", "quantile",
                       "zscore", "robust_zscore")}
_CENTER = lib.HPCS_CENTER
_from_buffer = ffi.from_buffer


def _rolling(op: str, x: ArrayLike, window: Any, min_periods: Any, center: bool, axis: Any,
             out: Optional[np.ndarray], *extra: Any) -> np.ndarray:
    """Validate, run ``hpcs_rolling_<op>_<dtype>`` along ``axis`` and return the output."""
    flags = _CENTER if center else 0
    if (type(x) is np.ndarray and x.ndim == 1 and type(window) is int
            and 0 < window <= v.INT64_MAX and min_periods is None and type(axis) is int
            and -1 <= axis <= 0 and out is None):
        kernel = _KERNELS[op].get(x.dtype)
        if kernel is not None:
            # The common call — a 1-D float64/float32 array and default
            # arguments — is valid as it stands: at ~100 elements the general
            # checks would cost more than the kernel.
            func, ctype = kernel
            try:
                ptr = _from_buffer(ctype, x)
            except ValueError:  # strided
                ptr = _from_buffer(ctype, np.ascontiguousarray(x))
            n = x.size
            result = np.empty(n, x.dtype)
            out_ptr = _from_buffer(ctype, result)
            # A call with *extra costs ~70 ns more: only the ops with extra
            # arguments (var, std, mad, quantile) pay it.
            rc = (func(ptr, 1, n, 1, window, window, *extra, flags, out_ptr) if extra
                  else func(ptr, 1, n, 1, window, window, flags, out_ptr))
            if rc:
                check(rc, f"rolling_{op}")
            return result
    return _rolling_general(op, x, window, min_periods, flags, axis, out, extra)


def _rolling_general(op: str, x: ArrayLike, window: Any, min_periods: Any, flags: int, axis: Any,
                     out: Optional[np.ndarray], extra: tuple) -> np.ndarray:
    """:func:`_rolling` for any input: converts and checks every argument."""
    arr = v.as_float_array(x)
    if arr.ndim == 0:
        raise ValueError(f"x: rolling_{op} needs an array of at least 1 dimension, got a scalar")
    w, mp = v.check_window(window, min_periods)
    ax = v.check_axis(axis, arr.ndim)
    arr = v.c_layout(arr)
    outer, n, inner = v.split_shape(arr.shape, ax)
    if out is None:
        result = np.empty(arr.shape, dtype=arr.dtype)
    else:
        result = v.check_out(out, arr.shape, arr.dtype)
        if np.shares_memory(result, arr):
            # Kernels read ahead of where they write: compute aside, then copy.
            result = np.empty(arr.shape, dtype=arr.dtype)
    func, ctype = _KERNELS[op][arr.dtype]
    rc = func(_from_buffer(ctype, arr), outer, n, inner, w, mp, *extra, flags,
              _from_buffer(ctype, result, True))
    if rc:
        check(rc, f"rolling_{op}")
    if out is not None and result is not out:
        out[...] = result
        return out
    return result


_COMMON_DOC = """
    Parameters
    ----------
    x : array_like
        Input; float64 and float32 are kept (the output has x's dtype),
        integers and bools become float64.
    window : int
        Window length (>= 1); may exceed the length of x.
    min_periods : int, optional
        Valid (non-NaN) values needed for an output; default ``window``.
    center : bool
        Centre the window on the output (pandas ``center=True``).
    axis : int
        Axis along which to roll; other axes are independent series.
    out : ndarray, optional
        Preallocated C-contiguous output of x's shape and dtype.
"""


def _doc(summary: str, examples: str, extra: str = "") -> str:
    return f"{summary}\n{_COMMON_DOC}{extra}\n    Examples\n    --------\n{examples}"


def rolling_sum(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1,
                out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling("sum", x, window, min_periods, center, axis, out)


def rolling_mean(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                 center: bool = False, axis: int = -1,
                 out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling("mean", x, window, min_periods, center, axis, out)


def rolling_var(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Optional[np.ndarray] = None,
                ddof: int = 0) -> np.ndarray:
    return _rolling("var", x, window, min_periods, center, axis, out, v.check_ddof(ddof))


def rolling_std(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Optional[np.ndarray] = None,
                ddof: int = 0) -> np.ndarray:
    return _rolling("std", x, window, min_periods, center, axis, out, v.check_ddof(ddof))


def rolling_min(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1,
                out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling("min", x, window, min_periods, center, axis, out)


def rolling_max(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1,
                out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling("max", x, window, min_periods, center, axis, out)


def rolling_median(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                   center: bool = False, axis: int = -1,
                   out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling("median", x, window, min_periods, center, axis, out)


def rolling_mad(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Optional[np.ndarray] = None,
                scale: Union[float, str] = 1.0) -> np.ndarray:
    return _rolling("mad", x, window, min_periods, center, axis, out, v.check_scale(scale))


def rolling_quantile(x: ArrayLike, window: int, q: float, *, method: str = "linear",
                     min_periods: Optional[int] = None, center: bool = False, axis: int = -1,
                     out: Optional[np.ndarray] = None) -> np.ndarray:
    qf = v.check_probability(q)
    m = v.check_method(method, QUANTILE_METHODS)
    return _rolling("quantile", x, window, min_periods, center, axis, out, qf, m)


rolling_sum.__doc__ = _doc(
    "Moving-window sum of the valid values (NaN below ``min_periods``).",
    "    >>> import hpcs\n    >>> hpcs.rolling_sum([1.0, 2.0, 3.0, 4.0], 2)\n"
    "    array([nan,  3.,  5.,  7.])\n")
rolling_mean.__doc__ = _doc(
    "Moving-window mean; no drift on long series (block prefix/suffix sums).",
    "    >>> import hpcs\n    >>> hpcs.rolling_mean([1.0, 2.0, 3.0, 4.0], 2, min_periods=1)\n"
    "    array([1. , 1.5, 2.5, 3.5])\n")
rolling_var.__doc__ = _doc(
    "Moving-window variance, ``M2 / (count - ddof)``; numerically stable.",
    "    >>> import hpcs\n    >>> hpcs.rolling_var([1.0, 2.0, 4.0, 8.0], 2)\n"
    "    array([ nan, 0.25, 1.  , 4.  ])\n",
    "    ddof : int\n        Delta degrees of freedom (>= 0); NaN when count <= ddof.\n")
rolling_std.__doc__ = _doc(
    "Moving-window standard deviation, the square root of :func:`rolling_var`.",
    "    >>> import hpcs\n    >>> hpcs.rolling_std([1.0, 3.0, 5.0, 9.0], 2)\n"
    "    array([nan,  1.,  1.,  2.])\n",
    "    ddof : int\n        Delta degrees of freedom (>= 0).\n")
rolling_min.__doc__ = _doc(
    "Moving-window minimum of the valid values.",
    "    >>> import hpcs\n    >>> hpcs.rolling_min([3.0, 1.0, 2.0, 5.0], 2)\n"
    "    array([nan,  1.,  1.,  2.])\n")
rolling_max.__doc__ = _doc(
    "Moving-window maximum of the valid values.",
    "    >>> import hpcs\n    >>> hpcs.rolling_max([3.0, 1.0, 2.0, 5.0], 2)\n"
    "    array([nan,  3.,  2.,  5.])\n")
rolling_median.__doc__ = _doc(
    "Moving-window median, O(n log window).",
    "    >>> import hpcs\n    >>> hpcs.rolling_median([1.0, 9.0, 2.0, 8.0, 3.0], 3)\n"
    "    array([nan, nan,  2.,  8.,  3.])\n")
rolling_mad.__doc__ = _doc(
    "Moving-window median absolute deviation ``median(|x - median|) * scale``.",
    "    >>> import hpcs\n    >>> hpcs.rolling_mad([1.0, 2.0, 4.0, 8.0], 3)\n"
    "    array([nan, nan,  1.,  2.])\n",
    "    scale : float or \"normal\"\n        Factor applied to the MAD (\"normal\" = 1.4826...).\n")
rolling_quantile.__doc__ = _doc(
    "Moving-window quantile ``q`` in [0, 1] (numpy.quantile ``method``), O(n log window).",
    "    >>> import hpcs\n    >>> hpcs.rolling_quantile([1.0, 2.0, 3.0, 4.0], 2, 0.5)\n"
    "    array([nan, 1.5, 2.5, 3.5])\n",
    "    q : float\n        Probability in [0, 1].\n"
    "    method : str\n        \"linear\", \"lower\", \"higher\", \"midpoint\" or \"nearest\".\n")
