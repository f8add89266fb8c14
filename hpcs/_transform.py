"""Transforms, cumulative scans and robust means (contract §4).

``zscore``, ``robust_zscore``, ``normalize_minmax``, ``clip``, ``diff``,
``cummin``, ``cummax``, ``ffill``, ``bfill`` return arrays (x's shape, or
shorter along the axis for ``diff``; float32 stays float32);
``trimmed_mean`` and ``winsorized_mean`` reduce like :func:`hpcs.mean`.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Union

import numpy as np

from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib
from hpcs._reduce import _Layout

ArrayLike = Any
Result = Union[float, np.ndarray]

_SKIPNA = lib.HPCS_SKIPNA
_from_buffer = ffi.from_buffer
#: C entry point of each op by input dtype, with the cffi array type of its input.
_KERNELS = {op: {dtype: (getattr(lib, f"hpcs_{op}_{sfx}"), ctype)
                 for dtype, (ctype, sfx) in C_TYPES.items()}
            for op in ("zscore", "robust_zscore", "normalize_minmax", "clip", "diff", "cummin",
                       "cummax", "ffill", "bfill", "trimmed_mean", "winsorized_mean")}


def _along(op: str, x: ArrayLike, axis: Optional[Any]) -> tuple[np.ndarray, int, int, int]:
    """x as a C-contiguous float array and its (outer, n, inner) along ``axis`` (None: flat)."""
    arr = v.c_layout(v.as_float_array(x))
    if axis is None:
        return arr, 1, arr.size, 1
    if arr.ndim == 0:
        raise ValueError(f"x: {op} along an axis needs an array of at least 1 dimension, "
                         "got a scalar")
    return (arr, *v.split_shape(arr.shape, v.check_axis(axis, arr.ndim)))


def _transform(op: str, x: ArrayLike, axis: Optional[Any], *params: Any) -> np.ndarray:
    """Run ``hpcs_<op>_<dtype>(x, outer, n, inner, *params, out)`` into an array of x's shape."""
    arr, outer, n, inner = _along(op, x, axis)
    result = np.empty(arr.shape, dtype=arr.dtype)
    func, ctype = _KERNELS[op][arr.dtype]
    check(func(_from_buffer(ctype, arr), outer, n, inner, *params,
               _from_buffer(ctype, result, True)), op)
    return result


def zscore(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0,
           skipna: bool = False) -> np.ndarray:
    """Standard scores ``(x - mean(x)) / std(x, ddof=ddof)``.

    The statistics are those of :func:`hpcs.mean` and :func:`hpcs.std`, over
    the flattened array (``axis=None``) or along ``axis``; the result has
    x's shape and dtype.  A zero spread (constant data) or ``ddof >= count``
    gives NaN, never inf.

    Parameters
    ----------
    x : array_like
        Input data; float64/float32 are kept, integers become float64.
    axis : int, optional
        Axis along which the statistics are taken; None: the whole array.
    ddof : int
        Delta degrees of freedom of the standard deviation (>= 0).
    skipna : bool
        Compute the statistics without NaN; NaN stays NaN in the output.

    Returns
    -------
    ndarray of x's shape.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.zscore([1.0, 2.0, 3.0])
    array([-1.22474487,  0.        ,  1.22474487])
    >>> hpcs.zscore([5.0, 5.0])
    array([nan, nan])
    """
    return _transform("zscore", x, axis, v.check_ddof(ddof), _SKIPNA if skipna else 0)


def robust_zscore(x: ArrayLike, axis: Optional[int] = None, *,
                  skipna: bool = False) -> np.ndarray:
    """Robust scores ``(x - median(x)) / (1.482602218505602 * mad(x))``.

    Parameters are those of :func:`zscore` (without ``ddof``).  A zero MAD
    gives NaN.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.robust_zscore([1.0, 2.0, 3.0, 4.0, 100.0]).round(4)
    array([-1.349 , -0.6745,  0.    ,  0.6745, 65.4255])
    """
    return _transform("robust_zscore", x, axis, _SKIPNA if skipna else 0)


def normalize_minmax(x: ArrayLike, axis: Optional[int] = None, *,
                     skipna: bool = False) -> np.ndarray:
    """Min-max scaling ``(x - min(x)) / (max(x) - min(x))`` into [0, 1].

    Parameters are those of :func:`zscore` (without ``ddof``).  Constant
    data gives NaN; a slice without valid value gives NaN (no exception).

    Examples
    --------
    >>> import hpcs
    >>> hpcs.normalize_minmax([2.0, 4.0, 6.0])
    array([0. , 0.5, 1. ])
    """
    return _transform("normalize_minmax", x, axis, _SKIPNA if skipna else 0)


def _bound(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a real number or None, got {value!r}") from None


def clip(x: ArrayLike, lo: Optional[float], hi: Optional[float]) -> np.ndarray:
    """Limit the values to ``[lo, hi]``, as ``numpy.clip(x, lo, hi)``.

    Parameters
    ----------
    x : array_like
        Input data.
    lo, hi : float or None
        Bounds; None (or -inf/+inf) leaves that side open.  NaN in x (or as
        a bound) gives NaN; ``lo > hi`` gives ``hi`` everywhere, as NumPy.
        float32 input is compared with the bounds rounded to float32.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.clip([-2.0, 0.5, 3.0], -1.0, 1.0)
    array([-1. ,  0.5,  1. ])
    >>> hpcs.clip([-2.0, 3.0], None, 0.0)
    array([-2.,  0.])
    """
    lo_v, hi_v = _bound(lo, "lo", -math.inf), _bound(hi, "hi", math.inf)
    arr = v.c_layout(v.as_float_array(x))
    result = np.empty(arr.shape, dtype=arr.dtype)
    func, ctype = _KERNELS["clip"][arr.dtype]
    check(func(_from_buffer(ctype, arr), arr.size, lo_v, hi_v,
               _from_buffer(ctype, result, True)), "clip")
    return result


def diff(x: ArrayLike, n: int = 1, axis: int = -1) -> np.ndarray:
    """n-th order differences along ``axis``, as ``numpy.diff(x, n, axis)``.

    The output is ``n`` shorter along ``axis`` (empty when ``n`` >= its
    length); ``n=0`` returns a copy.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.diff([1.0, 4.0, 9.0, 16.0])
    array([3., 5., 7.])
    >>> hpcs.diff([1.0, 4.0, 9.0, 16.0], n=2)
    array([2., 2.])
    """
    order = v._integer(n, "n")
    if order < 0:
        raise ValueError(f"n: order must be non-negative, got {order}")
    arr, outer, length, inner = _along("diff", x, axis)
    ax = v.check_axis(axis, arr.ndim)
    shape = arr.shape[:ax] + (max(length - order, 0),) + arr.shape[ax + 1:]
    result = np.empty(shape, dtype=arr.dtype)
    func, ctype = _KERNELS["diff"][arr.dtype]
    check(func(_from_buffer(ctype, arr), outer, length, inner, order,
               _from_buffer(ctype, result, True)), "diff")
    return result


def cummin(x: ArrayLike, axis: int = -1, *, skipna: bool = False) -> np.ndarray:
    """Running minimum along ``axis``.

    ``skipna=False`` is ``numpy.minimum.accumulate`` (a NaN makes every
    later output NaN); ``skipna=True`` is pandas ``cummin``: a NaN stays NaN
    at its own position and does not affect later values.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.cummin([3.0, 1.0, float("nan"), 2.0, 0.0], skipna=True)
    array([ 3.,  1., nan,  1.,  0.])
    >>> hpcs.cummin([3.0, float("nan"), 2.0])
    array([ 3., nan, nan])
    """
    return _transform("cummin", x, axis, _SKIPNA if skipna else 0)


def cummax(x: ArrayLike, axis: int = -1, *, skipna: bool = False) -> np.ndarray:
    """Running maximum along ``axis``; NaN rules as :func:`cummin`.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.cummax([1.0, 3.0, 2.0, 5.0])
    array([1., 3., 3., 5.])
    """
    return _transform("cummax", x, axis, _SKIPNA if skipna else 0)


def _limit(limit: Any) -> int:
    if limit is None:
        return 0
    lim = v._integer(limit, "limit")
    if lim < 1:
        raise ValueError(f"limit: must be >= 1 or None, got {lim}")
    return lim


def ffill(x: ArrayLike, *, limit: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Fill NaN with the last valid value before it, as pandas ``ffill(limit=)``.

    At most ``limit`` consecutive NaNs after a valid value are filled
    (None: all); leading NaNs stay NaN.

    Examples
    --------
    >>> import hpcs
    >>> nan = float("nan")
    >>> hpcs.ffill([nan, 1.0, nan, nan, 4.0])
    array([nan,  1.,  1.,  1.,  4.])
    >>> hpcs.ffill([1.0, nan, nan], limit=1)
    array([ 1.,  1., nan])
    """
    return _transform("ffill", x, axis, _limit(limit))


def bfill(x: ArrayLike, *, limit: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Fill NaN with the next valid value after it, as pandas ``bfill(limit=)``.

    Examples
    --------
    >>> import hpcs
    >>> nan = float("nan")
    >>> hpcs.bfill([nan, 1.0, nan, 4.0, nan])
    array([ 1.,  1.,  4.,  4., nan])
    """
    return _transform("bfill", x, axis, _limit(limit))


def _proportion(value: Any, name: str) -> float:
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: must be in [0, 1], got {value!r}")
    return p


def _robust_mean(op: str, x: ArrayLike, axis: Any, skipna: bool, params: tuple) -> Result:
    lay = _Layout(x, axis)
    out, optr = lay.output()
    func = _KERNELS[op][lay.arr.dtype][0]
    rc = func(lay.ptr, lay.outer, lay.n, lay.inner, *params, _SKIPNA if skipna else 0, optr)
    if rc == lib.HPCS_ERR_ARG:
        raise ValueError(f"{op}: the proportions to cut leave no value to average")
    check(rc, op)
    return lay.result(out)


def trimmed_mean(x: ArrayLike, proportiontocut: float, axis: Optional[int] = None, *,
                 skipna: bool = False) -> Result:
    """Mean after cutting ``proportiontocut`` of the values off each end.

    As ``scipy.stats.trim_mean``: with ``count`` values, the
    ``int(proportiontocut * count)`` smallest and largest are left out.
    O(n) by selection (no sort).  A NaN makes the result NaN unless
    ``skipna`` (then NaNs are dropped before counting); empty input gives NaN.

    Parameters
    ----------
    x : array_like
        Input data.
    proportiontocut : float
        Fraction in [0, 1] cut from each end; more than half leaves
        nothing and raises ValueError.
    axis : int, optional
        Axis to reduce; None (default) reduces the flattened array.
    skipna : bool
        Ignore NaN.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.trimmed_mean([1.0, 2.0, 3.0, 4.0, 100.0], 0.2)
    3.0
    """
    p = _proportion(proportiontocut, "proportiontocut")
    return _robust_mean("trimmed_mean", x, axis, skipna, (p,))


def winsorized_mean(x: ArrayLike, limits: Union[float, tuple], axis: Optional[int] = None, *,
                    skipna: bool = False) -> Result:
    """Mean of the winsorized data, as ``scipy.stats.mstats.winsorize(x, limits).mean()``.

    With ``count`` values, the ``int(lower * count)`` smallest are replaced
    by the next smallest and the ``int(upper * count)`` largest by the next
    largest before averaging.  O(n) by selection (no sort).  NaN rules as
    :func:`trimmed_mean`.

    Parameters
    ----------
    limits : float or (float, float)
        Proportions ``(lower, upper)`` in [0, 1] (one float: both; None in
        the tuple: 0); ``lower + upper`` must leave a value (ValueError).

    Examples
    --------
    >>> import hpcs
    >>> hpcs.winsorized_mean([1.0, 2.0, 3.0, 4.0, 100.0], 0.2)
    3.0
    >>> hpcs.winsorized_mean([1.0, 2.0, 3.0, 4.0, 100.0], (0.0, 0.2))
    2.8
    """
    return _robust_mean("winsorized_mean", x, axis, skipna, winsor_limits(limits))


def winsor_limits(limits: Any) -> tuple[float, float]:
    """Checked ``(lower, upper)`` proportions of :func:`winsorized_mean`."""
    if isinstance(limits, tuple) or isinstance(limits, list):
        if len(limits) != 2:
            raise ValueError(f"limits: must be a float or a pair, got {limits!r}")
        lower, upper = limits
    else:
        lower = upper = limits
    return (0.0 if lower is None else _proportion(lower, "limits"),
            0.0 if upper is None else _proportion(upper, "limits"))
