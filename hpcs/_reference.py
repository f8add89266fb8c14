"""Slow, obviously correct twins of the public functions (same names and signatures).

They define what the fast C kernels must compute: reductions through
NumPy's own functions, rolling operations through an explicit loop over
windows with pandas' window rules.  Used by the test suite and by
``hpcs test``; never by the fast path.

>>> from hpcs import _reference as ref
>>> ref.rolling_median([1.0, 5.0, 2.0], 2).tolist()
[nan, 3.0, 3.5]
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any, Callable, Optional, Union

import numpy as np

from hpcs import _validate as v

ArrayLike = Any
Result = Union[float, np.ndarray]


def _finish(res: Any, arr: np.ndarray, axis: Optional[int]) -> Result:
    if axis is None and np.ndim(res) == 0:
        return float(res)
    res = np.asarray(res, dtype=np.float64)
    return res.astype(np.float32) if arr.dtype == np.float32 else res


def _prepare(x: ArrayLike, axis: Optional[int]) -> tuple[np.ndarray, Optional[int]]:
    arr = v.as_float_array(x).astype(np.float64)
    if axis is not None:
        axis = v.check_axis(axis, arr.ndim)
    return arr, axis


def _masked_reduce(func: Callable[..., Any], x: ArrayLike, axis: Optional[int], skipna: bool,
                   where: Any, empty_value: float, **kw: Any) -> Result:
    src = v.as_float_array(x)
    arr, axis = _prepare(x, axis)
    keep = np.ones(arr.shape, dtype=bool) if where is None else np.broadcast_to(where, arr.shape)
    if skipna:
        keep = keep & ~np.isnan(arr)
    data = arr if axis is not None else arr.reshape(-1)
    keep = keep if axis is not None else keep.reshape(-1)
    ax = axis if axis is not None else 0

    def one(values: np.ndarray, mask: np.ndarray) -> float:
        vals = values[mask]
        if vals.size == 0:
            return empty_value
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(func(vals, **kw))

    moved = np.moveaxis(data, ax, -1)
    mmask = np.moveaxis(keep, ax, -1)
    out = np.empty(moved.shape[:-1])
    for idx in np.ndindex(*moved.shape[:-1]):
        out[idx] = one(moved[idx], mmask[idx])
    return _finish(out if axis is not None else out[()], src, axis)


def sum(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Reference sum (math.fsum of the included values).

    >>> sum([1e16, 1.0, -1e16])
    1.0
    """
    def exact(vals: np.ndarray) -> float:
        if not np.all(np.isfinite(vals)):
            return float(np.sum(vals))
        return math.fsum(vals.tolist())

    return _masked_reduce(exact, x, axis, skipna, where, 0.0)


def mean(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
         where: Optional[ArrayLike] = None) -> Result:
    """Reference mean (np.mean of the included values; NaN when none).

    >>> mean([1.0, 2.0])
    1.5
    """
    return _masked_reduce(np.mean, x, axis, skipna, where, np.nan)


def var(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Reference variance (two-pass np.var; NaN when count <= ddof).

    >>> var([1.0, 3.0])
    1.0
    """
    d = v.check_ddof(ddof)

    def f(vals: np.ndarray) -> float:
        return float(np.var(vals, ddof=d)) if vals.size > d else np.nan

    return _masked_reduce(f, x, axis, skipna, where, np.nan)


def std(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Reference standard deviation.

    >>> std([1.0, 3.0])
    1.0
    """
    d = v.check_ddof(ddof)

    def f(vals: np.ndarray) -> float:
        return float(np.std(vals, ddof=d)) if vals.size > d else np.nan

    return _masked_reduce(f, x, axis, skipna, where, np.nan)


def _extreme(func: Callable[..., Any], name: str, x: ArrayLike, axis: Optional[int],
             skipna: bool, where: Any) -> Result:
    def f(vals: np.ndarray) -> float:
        return float(func(vals))

    res = _masked_reduce(f, x, axis, skipna, where, np.inf)
    if np.any(np.isposinf(res)) and not _has_value(x, axis, skipna, where):
        raise ValueError(f"{name}: zero-size array or no valid value to reduce")
    return res


def _has_value(x: ArrayLike, axis: Optional[int], skipna: bool, where: Any) -> bool:
    arr, axis = _prepare(x, axis)
    keep = np.ones(arr.shape, dtype=bool) if where is None else np.broadcast_to(where, arr.shape)
    if skipna:
        keep = keep & ~np.isnan(arr)
    if axis is None:
        return bool(keep.any())
    return bool(np.all(keep.any(axis=axis)))


def min(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Reference minimum (ValueError when a slice has no value).

    >>> min([2.0, 1.0])
    1.0
    """
    return _extreme(np.min, "min", x, axis, skipna, where)


def max(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Reference maximum (ValueError when a slice has no value).

    >>> max([2.0, 1.0])
    2.0
    """
    return _extreme(np.max, "max", x, axis, skipna, where)


def median(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False) -> Result:
    """Reference median (np.median / np.nanmedian).

    >>> median([3.0, 1.0, 2.0])
    2.0
    """
    return _masked_reduce(np.median, x, axis, skipna, None, np.nan)


def mad(x: ArrayLike, axis: Optional[int] = None, *, scale: Union[float, str] = 1.0,
        skipna: bool = False) -> Result:
    """Reference MAD: median(|x - median(x)|) * scale.

    >>> mad([1.0, 2.0, 4.0])
    1.0
    """
    s = v.check_scale(scale)

    def f(vals: np.ndarray) -> float:
        return float(np.median(np.abs(vals - np.median(vals)))) * s

    return _masked_reduce(f, x, axis, skipna, None, np.nan)


def quantile_of(vals: np.ndarray, q: float, method: str) -> float:
    """The quantile rule: np.quantile's positions and interpolation (numpy's _lerp),
    except that two equal neighbours give that value (docs/decisions.md:
    quantile([inf, inf]) is inf).  ``vals`` holds no NaN.

    >>> quantile_of(np.array([1.0, np.inf, np.inf]), 0.75, "linear")
    inf
    """
    s = np.sort(vals)
    pos = q * (s.size - 1)
    lo = int(np.floor(pos))
    hi = builtins.min(lo + 1, s.size - 1)
    t = pos - lo
    if method == "lower":
        hi, t = lo, 0.0
    elif method == "higher":
        lo = hi if t > 0 else lo
        hi, t = lo, 0.0
    elif method == "nearest":
        lo = hi = int(np.round(pos))
        t = 0.0
    elif method == "midpoint" and t > 0:
        t = 0.5
    a, b = float(s[lo]), float(s[hi])
    if a == b:
        return a
    with np.errstate(invalid="ignore"):
        return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t


def quantile(x: ArrayLike, q: Union[float, ArrayLike], axis: Optional[int] = None, *,
             method: str = "linear", skipna: bool = False) -> Result:
    """Reference quantile (numpy.quantile semantics, q first axis when 1-D).

    >>> quantile([1.0, 2.0, 3.0], 0.5)
    2.0
    """
    qa = v.check_quantiles(q)

    def one(qq: float) -> Result:
        def f(vals: np.ndarray) -> float:
            return np.nan if np.isnan(vals).any() else quantile_of(vals, qq, method)

        return _masked_reduce(f, x, axis, skipna, None, np.nan)

    if qa.ndim == 0:
        return one(float(qa))
    return np.stack([np.asarray(one(float(qq))) for qq in qa])


# ---- rolling --------------------------------------------------------------


#: Windows per block of :func:`rolling_apply` with ``rowwise=True`` (bounds its memory).
_BLOCK_ELEMENTS = 1 << 20


def _window_block(row: np.ndarray, start: int, stop: int, w: int, center: bool) -> np.ndarray:
    """Windows of outputs start..stop-1 of ``row``, one per line, NaN where a value is missing.

    The window rule (pandas'): output i covers ``[i + offset - w + 1, i + offset]``,
    ``offset = (w - 1) // 2`` when centred else 0, clipped to the series.
    """
    n = row.size
    offset = (w - 1) // 2 if center else 0
    if w <= 2 * n + 1:
        # The series padded with w - 1 missing values before it and offset after it:
        # line i of its sliding windows is output i's window.
        padded = np.concatenate([np.full(w - 1, np.nan), row, np.full(offset, np.nan)])
        return np.lib.stride_tricks.sliding_window_view(padded, w)[offset + start:offset + stop]
    # A window longer than twice the series (w may be 2**63 - 1): clip it.
    lo = [builtins.max(0, i + offset - w + 1) for i in range(start, stop)]
    hi = [builtins.min(i + offset, n - 1) + 1 for i in range(start, stop)]
    block = np.full((stop - start, n), np.nan)
    for line, (a, b) in enumerate(zip(lo, hi)):
        block[line, : builtins.max(0, b - a)] = row[a:b]
    return block


def rolling_apply(func: Callable[[np.ndarray], Any], x: ArrayLike, window: int,
                  min_periods: Optional[int] = None, center: bool = False, axis: int = -1, *,
                  rowwise: bool = False) -> np.ndarray:
    """Apply ``func`` to every window (pandas' rules): the reference of every rolling op.

    ``func`` gets the window's valid (non-NaN) values and returns a float;
    with ``rowwise=True`` it gets a 2-D block of windows, one per line with
    NaN where a value is missing, and returns one value per line (NumPy's
    ``nan*`` functions with ``axis=1`` do).  Outputs with fewer than
    ``min_periods`` valid values are NaN.

    >>> rolling_apply(np.sum, [1.0, np.nan, 3.0], 2, min_periods=1).tolist()
    [1.0, 1.0, 3.0]
    """
    src = v.as_float_array(x)
    w, mp = v.check_window(window, min_periods)
    ax = v.check_axis(axis, src.ndim)
    arr = np.moveaxis(src.astype(np.float64), ax, -1)
    out = np.full(arr.shape, np.nan)
    n = arr.shape[-1]
    step = builtins.max(1, _BLOCK_ELEMENTS // builtins.max(1, builtins.min(w, n)))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for idx in np.ndindex(*arr.shape[:-1]):
            row = arr[idx]
            for start in range(0, n, step):
                stop = builtins.min(n, start + step)
                block = _window_block(row, start, stop, w, center)
                counts = (~np.isnan(block)).sum(axis=1)
                if rowwise:
                    res = np.asarray(func(block), dtype=np.float64)
                else:
                    res = np.array([func(b[~np.isnan(b)]) if c >= mp else np.nan
                                    for b, c in zip(block, counts)], dtype=np.float64)
                out[idx + (slice(start, stop),)] = np.where(counts >= mp, res, np.nan)
    return np.moveaxis(out, -1, ax).astype(src.dtype)


def _nanvar_rows(block: np.ndarray, ddof: int) -> np.ndarray:
    """np.var of each line's valid values; NaN when there are no more than ``ddof``."""
    count = (~np.isnan(block)).sum(axis=1)
    return np.where(count > ddof, np.nanvar(block, axis=1, ddof=builtins.min(ddof, 1 << 62)),
                    np.nan)


def rolling_sum(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling sum.

    >>> rolling_sum([1.0, 2.0, 3.0], 2).tolist()
    [nan, 3.0, 5.0]
    """
    return rolling_apply(lambda b: np.nansum(b, axis=1), x, window, min_periods, center, axis,
                         rowwise=True)


def rolling_mean(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                 center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling mean.

    >>> rolling_mean([1.0, 2.0, 3.0], 2).tolist()
    [nan, 1.5, 2.5]
    """
    return rolling_apply(lambda b: np.nanmean(b, axis=1), x, window, min_periods, center, axis,
                         rowwise=True)


def rolling_var(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None,
                ddof: int = 0) -> np.ndarray:
    """Reference rolling variance.

    >>> rolling_var([1.0, 3.0, 5.0], 2).tolist()
    [nan, 1.0, 1.0]
    """
    d = v.check_ddof(ddof)
    return rolling_apply(lambda b: _nanvar_rows(b, d), x, window, min_periods, center, axis,
                         rowwise=True)


def rolling_std(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None,
                ddof: int = 0) -> np.ndarray:
    """Reference rolling standard deviation.

    >>> rolling_std([1.0, 3.0, 5.0], 2).tolist()
    [nan, 1.0, 1.0]
    """
    d = v.check_ddof(ddof)
    return rolling_apply(lambda b: np.sqrt(_nanvar_rows(b, d)), x, window, min_periods, center,
                         axis, rowwise=True)


def rolling_min(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling minimum.

    >>> rolling_min([3.0, 1.0, 2.0], 2).tolist()
    [nan, 1.0, 1.0]
    """
    return rolling_apply(lambda b: np.nanmin(b, axis=1), x, window, min_periods, center, axis,
                         rowwise=True)


def rolling_max(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling maximum.

    >>> rolling_max([3.0, 1.0, 2.0], 2).tolist()
    [nan, 3.0, 2.0]
    """
    return rolling_apply(lambda b: np.nanmax(b, axis=1), x, window, min_periods, center, axis,
                         rowwise=True)


def rolling_median(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                   center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling median.

    >>> rolling_median([1.0, 5.0, 2.0], 2).tolist()
    [nan, 3.0, 3.5]
    """
    return rolling_apply(np.median, x, window, min_periods, center, axis)


def rolling_mad(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, axis: int = -1, out: Any = None,
                scale: Union[float, str] = 1.0) -> np.ndarray:
    """Reference rolling MAD.

    >>> rolling_mad([1.0, 2.0, 4.0], 3).tolist()
    [nan, nan, 1.0]
    """
    s = v.check_scale(scale)
    return rolling_apply(lambda a: np.median(np.abs(a - np.median(a))) * s, x, window,
                         min_periods, center, axis)


def rolling_quantile(x: ArrayLike, window: int, q: float, *, method: str = "linear",
                     min_periods: Optional[int] = None, center: bool = False, axis: int = -1,
                     out: Any = None) -> np.ndarray:
    """Reference rolling quantile.

    >>> rolling_quantile([1.0, 2.0, 3.0], 2, 0.5).tolist()
    [nan, 1.5, 2.5]
    """
    qq = float(v.check_quantiles(q))
    return rolling_apply(lambda a: quantile_of(a, qq, method), x, window, min_periods, center,
                         axis)
