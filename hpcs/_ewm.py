"""Exponentially weighted mean, variance and std (pandas ``Series.ewm`` semantics)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib

ArrayLike = Any

#: op -> dtype -> (whole-series kernel, resumable kernel, cffi type of x).
_KERNELS = {op: {dtype: (getattr(lib, f"hpcs_{op}_{sfx}"), getattr(lib, f"hpcs_{op}_resume_{sfx}"),
                         ffi.typeof(ctype))
                 for dtype, (ctype, sfx) in C_TYPES.items()}
            for op in ("ewma", "ewmvar", "ewmstd")}


def center_of_mass(com: Optional[float], span: Optional[float], halflife: Optional[float],
                   alpha: Optional[float]) -> float:
    """pandas' center of mass from exactly one of com, span, halflife, alpha.

    The same arithmetic as pandas, so that ``1 / (1 + com)`` is pandas' alpha
    to the bit.

    >>> center_of_mass(None, 3.0, None, None)
    1.0
    >>> center_of_mass(None, None, None, 0.5)
    1.0
    """
    given = [name for name, value in (("com", com), ("span", span), ("halflife", halflife),
                                      ("alpha", alpha)) if value is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of com, span, halflife, alpha"
                         + (f" (got {', '.join(given)})" if given else ""))
    for name, value in (("com", com), ("span", span), ("halflife", halflife), ("alpha", alpha)):
        if value is not None and (isinstance(value, (bool, np.bool_))
                                  or not isinstance(value, (int, float, np.integer, np.floating))):
            raise TypeError(f"{name}: must be a real number, got {value!r}")
    if com is not None:
        if not com >= 0:
            raise ValueError(f"com: must be >= 0, got {com}")
        return float(com)
    if span is not None:
        if not span >= 1:
            raise ValueError(f"span: must be >= 1, got {span}")
        return float((span - 1) / 2)
    if halflife is not None:
        if not halflife > 0:
            raise ValueError(f"halflife: must be > 0, got {halflife}")
        decay = 1 - np.exp(np.log(0.5) / halflife)
        return float(1 / decay - 1)
    assert alpha is not None
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha: must satisfy 0 < alpha <= 1, got {alpha}")
    return float((1 - alpha) / alpha)


def _prepare(op: str, x: ArrayLike, alpha: Any, span: Any, com: Any, halflife: Any,
             adjust: bool, ignore_na: bool, min_periods: Any, axis: Any,
             bias: bool) -> tuple[np.ndarray, int, tuple[int, int, int], float, int, int]:
    """Validate: (C-contiguous x, axis, (outer, n, inner), alpha, min_periods, flags)."""
    a = 1.0 / (1.0 + center_of_mass(com, span, halflife, alpha))
    mp = 0 if min_periods is None else v._integer(min_periods, "min_periods")
    if mp < 0:
        raise ValueError(f"min_periods: must be >= 0, got {mp}")
    arr = v.as_float_array(x)
    if arr.ndim == 0:
        raise ValueError(f"x: {op} needs an array of at least 1 dimension, got a scalar")
    ax = v.check_axis(axis, arr.ndim)
    arr = v.c_layout(arr)
    flags = ((lib.HPCS_EWM_ADJUST if adjust else 0) | (lib.HPCS_EWM_IGNORE_NA if ignore_na else 0)
             | (lib.HPCS_EWM_BIAS if bias else 0))
    return arr, ax, v.split_shape(arr.shape, ax), a, mp, flags


def _ewm(op: str, x: ArrayLike, alpha: Any, span: Any, com: Any, halflife: Any, adjust: bool,
         ignore_na: bool, min_periods: Any, axis: Any, bias: bool = False) -> np.ndarray:
    """Validate, run ``hpcs_<op>_<dtype>`` along ``axis`` and return the output."""
    arr, _, (outer, n, inner), a, mp, flags = _prepare(op, x, alpha, span, com, halflife, adjust,
                                                       ignore_na, min_periods, axis, bias)
    result = np.empty(arr.shape, dtype=arr.dtype)
    func, _, ctype = _KERNELS[op][arr.dtype]
    rc = func(ffi.from_buffer(ctype, arr), outer, n, inner, a, mp, flags,
              ffi.from_buffer(ctype, result, True))
    if rc:
        check(rc, op)
    return result


def resume(op: str, x: ArrayLike, state: Optional[np.ndarray], *, alpha: Any = None,
           span: Any = None, com: Any = None, halflife: Any = None, adjust: bool = True,
           ignore_na: bool = False, min_periods: Any = 0, bias: bool = False,
           axis: Any = -1) -> tuple[np.ndarray, np.ndarray]:
    """``op`` ("ewma", "ewmvar" or "ewmstd") on a piece of series that continues
    from ``state``: returns (output, state after the piece).

    ``state`` is None for pieces that start their series, else the state a
    previous call returned for the piece before (same op and parameters):
    float64 of x's shape without ``axis``, plus a last axis of
    ``HPCS_EWM_STATE`` (hpcs.h: "Resumable ewm").  Pieces run in order from
    None give the bits of one call on the whole series.  ``state`` is not
    modified.

    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, np.nan, 4.0])
    >>> head, st = resume("ewma", x[:1], None, alpha=0.5)
    >>> tail, _ = resume("ewma", x[1:], st, alpha=0.5)
    >>> np.array_equal(np.concatenate([head, tail]), ewma(x, alpha=0.5))
    True
    """
    arr, ax, (outer, n, inner), a, mp, flags = _prepare(op, x, alpha, span, com, halflife,
                                                        adjust, ignore_na, min_periods, axis,
                                                        bias)
    shape = arr.shape[:ax] + arr.shape[ax + 1:] + (lib.HPCS_EWM_STATE,)
    if state is None:
        st = np.empty(shape)
        check(lib.hpcs_ewm_blank(ffi.from_buffer("double[]", st, True), outer * inner), op)
    else:
        st = np.array(state, dtype=np.float64, order="C", copy=True)
        if st.shape != shape:
            raise ValueError(f"state: expected shape {shape}, got {st.shape}")
    result = np.empty(arr.shape, dtype=arr.dtype)
    _, func, ctype = _KERNELS[op][arr.dtype]
    rc = func(ffi.from_buffer(ctype, arr), outer, n, inner, a, mp, flags,
              ffi.from_buffer("double[]", st, True), ffi.from_buffer(ctype, result, True))
    if rc:
        check(rc, op)
    return result, st


_PARAMS_DOC = """
    Parameters
    ----------
    x : array_like
        Input; float64 and float32 are kept, integers and bools become float64.
    alpha, span, com, halflife : float, optional
        The smoothing, exactly one of them, as pandas: ``0 < alpha <= 1``,
        ``span >= 1`` (alpha = 2 / (span + 1)), ``com >= 0``
        (alpha = 1 / (1 + com)), ``halflife > 0``.
    adjust : bool
        pandas ``adjust``: weights (1 - alpha)**i normalised over the values
        seen (True), or the recursive form (False).
    ignore_na : bool
        pandas ``ignore_na``: whether missing values still age the weights.
    min_periods : int
        Valid values needed before an output (0 counts as 1, as pandas).
    axis : int
        Axis along which to smooth; other axes are independent series.
"""


def ewma(x: ArrayLike, *, alpha: Optional[float] = None, span: Optional[float] = None,
         com: Optional[float] = None, halflife: Optional[float] = None, adjust: bool = True,
         ignore_na: bool = False, min_periods: int = 0, axis: int = -1) -> np.ndarray:
    return _ewm("ewma", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis)


def ewmvar(x: ArrayLike, *, alpha: Optional[float] = None, span: Optional[float] = None,
           com: Optional[float] = None, halflife: Optional[float] = None, adjust: bool = True,
           ignore_na: bool = False, min_periods: int = 0, bias: bool = False,
           axis: int = -1) -> np.ndarray:
    return _ewm("ewmvar", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis,
                bias)


def ewmstd(x: ArrayLike, *, alpha: Optional[float] = None, span: Optional[float] = None,
           com: Optional[float] = None, halflife: Optional[float] = None, adjust: bool = True,
           ignore_na: bool = False, min_periods: int = 0, bias: bool = False,
           axis: int = -1) -> np.ndarray:
    return _ewm("ewmstd", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis,
                bias)


_BIAS_DOC = "    bias : bool\n        pandas ``bias``: False applies the unbiasing factor.\n"
ewma.__doc__ = f"""Exponentially weighted moving average: pandas ``Series.ewm(...).mean()``.

    One pass over unnormalised weighted sums (pandas' weights, not its
    rounding: within about 1e-15 of pandas on ordinary data; a constant
    series gives exactly its value); NaN and +-inf are missing, as in pandas.
{_PARAMS_DOC}
    Returns
    -------
    ndarray
        Of x's shape and dtype.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.ewma([1.0, 2.0, 3.0], alpha=0.5)
    array([1.        , 1.66666667, 2.42857143])
"""
ewmvar.__doc__ = f"""Exponentially weighted moving variance: pandas ``Series.ewm(...).var(bias)``.

    One pass of a West-style weighted update of the mean and the centred
    moment (stable on data far from zero); NaN where fewer than two values.
{_PARAMS_DOC}{_BIAS_DOC}
    Returns
    -------
    ndarray
        Of x's shape and dtype.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.ewmvar([1.0, 2.0, 4.0], alpha=0.5)
    array([nan, 0.5, 2.5])
"""
ewmstd.__doc__ = f"""Exponentially weighted moving std: the square root of :func:`ewmvar`.
{_PARAMS_DOC}{_BIAS_DOC}
    Returns
    -------
    ndarray
        Of x's shape and dtype.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.ewmstd([1.0, 3.0, 5.0], com=1.0)
    array([       nan, 1.41421356, 1.92724822])
"""
