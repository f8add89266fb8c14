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
from fractions import Fraction
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

    if _float32_along_axis(x, axis):
        return _masked_reduce(lambda vals: _exact_float32(vals, 0), x, axis, skipna, where, 0.0)
    return _masked_reduce(exact, x, axis, skipna, where, 0.0)


def _float32_along_axis(x: ArrayLike, axis: Optional[int]) -> bool:
    """Whether the result is a float32 array (float32 input reduced along an axis)."""
    return axis is not None and v.as_float_array(x).dtype == np.float32


_F32_EDGE = Fraction(2**128 - 2**103)  # FLT_MAX + half its gap: from there on, inf


def _exact_float32(vals: np.ndarray, per: int) -> float:
    """The float32 nearest to (exact sum of ``vals``) / (count if ``per`` else 1), ties to even.

    Rounded once from the exact rational, as NumPy's float32 cast of a double
    would not be (it rounds twice); non-finite values follow NumPy.

    >>> _exact_float32(np.array([1.0, 2.0**-24, 2.0**-80]), 0) == 1.0 + 2.0**-23
    True
    """
    if vals.size == 0 or not np.all(np.isfinite(vals)):
        return float(np.float32(np.mean(vals) if per else np.sum(vals)))
    q = builtins.sum(map(Fraction, vals.tolist()), Fraction(0))
    if per:
        q /= vals.size
    if abs(q) >= _F32_EDGE:
        return math.copysign(math.inf, q)
    c = np.float32(float(q))
    if not np.isfinite(c):
        c = np.float32(math.copysign(np.finfo(np.float32).max, q))
    cands = [f for f in (np.nextafter(c, np.float32(-np.inf)), c, np.nextafter(c, np.float32(np.inf)))
             if np.isfinite(f)]
    best = builtins.min(cands, key=lambda f: (abs(Fraction(float(f)) - q),
                                               int(np.array(f).view(np.uint32)) & 1))
    return float(best)


def mean(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
         where: Optional[ArrayLike] = None) -> Result:
    """Reference mean (np.mean of the included values; NaN when none).

    >>> mean([1.0, 2.0])
    1.5
    """
    if _float32_along_axis(x, axis):
        return _masked_reduce(lambda vals: _exact_float32(vals, 1), x, axis, skipna, where,
                              np.nan)
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


# ---- transforms, cumulative scans, robust means, groups (contract §4) -----


def _along_rows(x: ArrayLike, axis: Optional[int],
                row_func: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply row_func to every 1-D slice along ``axis`` (None: the flattened
    array) in float64; the result has x's shape and dtype."""
    src = v.as_float_array(x)
    arr = src.astype(np.float64)
    data = arr.reshape(-1) if axis is None else arr
    ax = 0 if axis is None else v.check_axis(axis, arr.ndim)
    moved = np.moveaxis(data, ax, -1)
    out = np.empty(moved.shape)
    for idx in np.ndindex(*moved.shape[:-1]):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out[idx] = row_func(moved[idx])
    return np.moveaxis(out, -1, ax).reshape(src.shape).astype(src.dtype)


def _standardise(x: ArrayLike, axis: Optional[int], skipna: bool,
                 stats: Callable[[np.ndarray], tuple[float, float]]) -> np.ndarray:
    def row(r: np.ndarray) -> np.ndarray:
        vals = r[~np.isnan(r)] if skipna else r
        shift, spread = stats(vals) if vals.size else (np.nan, np.nan)
        return (r - shift) / (np.nan if spread == 0 else spread)

    return _along_rows(x, axis, row)


def zscore(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0,
           skipna: bool = False) -> np.ndarray:
    """Reference z-scores: (x - np.mean) / np.std(ddof), zero spread -> NaN.

    >>> zscore([1.0, 3.0]).tolist()
    [-1.0, 1.0]
    """
    d = v.check_ddof(ddof)

    def stats(vals: np.ndarray) -> tuple[float, float]:
        if vals.size - d <= 0:
            return float(np.mean(vals)), np.nan
        # Statistics of vals / 2^k (exact) scaled back, so that huge finite
        # data does not overflow the sum of squares (hpcs.std does not).
        top = float(np.max(np.abs(vals))) if np.isfinite(vals).all() else 0.0
        k = math.frexp(top)[1] if top > 1e150 else 0
        scaled = vals / 2.0**k
        return (float(np.mean(scaled)) * 2.0**k,
                float(np.std(scaled, ddof=d)) * 2.0**k)

    return _standardise(x, axis, skipna, stats)


def robust_zscore(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False) -> np.ndarray:
    """Reference robust z-scores: (x - median) / (1.482602218505602 * MAD).

    >>> robust_zscore([1.0, 2.0, 3.0]).tolist() == [-1 / 1.482602218505602, 0.0, 1 / 1.482602218505602]
    True
    """
    def stats(vals: np.ndarray) -> tuple[float, float]:
        med = float(np.median(vals))
        return med, float(np.median(np.abs(vals - med))) * 1.482602218505602

    return _standardise(x, axis, skipna, stats)


def normalize_minmax(x: ArrayLike, axis: Optional[int] = None, *,
                     skipna: bool = False) -> np.ndarray:
    """Reference min-max scaling: (x - min) / (max - min).

    >>> normalize_minmax([1.0, 3.0]).tolist()
    [0.0, 1.0]
    """
    def stats(vals: np.ndarray) -> tuple[float, float]:
        lo = float(np.min(vals))
        return lo, float(np.max(vals)) - lo

    return _standardise(x, axis, skipna, stats)


def clip(x: ArrayLike, lo: Optional[float], hi: Optional[float]) -> np.ndarray:
    """Reference clip: numpy.clip with None as an open side.

    >>> clip([0.0, 5.0], None, 1.0).tolist()
    [0.0, 1.0]
    """
    src = v.as_float_array(x)
    dt = src.dtype.type
    low = dt(-np.inf if lo is None else lo)
    high = dt(np.inf if hi is None else hi)
    return np.minimum(np.maximum(src, low), high)


def diff(x: ArrayLike, n: int = 1, axis: int = -1) -> np.ndarray:
    """Reference diff: numpy.diff.

    >>> diff([1.0, 4.0, 9.0]).tolist()
    [3.0, 5.0]
    """
    return np.diff(v.as_float_array(x), n=n, axis=axis)


def _cum(is_max: bool, skipna: bool) -> Callable[[np.ndarray], np.ndarray]:
    def row(r: np.ndarray) -> np.ndarray:
        out = np.empty_like(r)
        run: Optional[float] = None
        for i, val in enumerate(r):
            if math.isnan(val):
                if not skipna:
                    out[i:] = np.nan
                    return out
                out[i] = np.nan
                continue
            run = val if run is None else (builtins.max(run, val) if is_max else builtins.min(run, val))
            out[i] = run
        return out

    return row


def cummin(x: ArrayLike, axis: int = -1, *, skipna: bool = False) -> np.ndarray:
    """Reference running minimum (pandas cummin when skipna).

    >>> cummin([2.0, float("nan"), 1.0], skipna=True).tolist()[2]
    1.0
    """
    return _along_rows(x, axis, _cum(False, skipna))


def cummax(x: ArrayLike, axis: int = -1, *, skipna: bool = False) -> np.ndarray:
    """Reference running maximum.

    >>> cummax([1.0, 3.0, 2.0]).tolist()
    [1.0, 3.0, 3.0]
    """
    return _along_rows(x, axis, _cum(True, skipna))


def _fill(limit: Optional[int], backward: bool) -> Callable[[np.ndarray], np.ndarray]:
    def row(r: np.ndarray) -> np.ndarray:
        src = r[::-1] if backward else r
        out = src.copy()
        last, gap = None, 0
        for i, val in enumerate(src):
            if not math.isnan(val):
                last, gap = val, 0
                continue
            gap += 1
            if last is not None and (limit is None or gap <= limit):
                out[i] = last
        return out[::-1] if backward else out

    return row


def ffill(x: ArrayLike, *, limit: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Reference forward fill (pandas ffill(limit=)).

    >>> ffill([1.0, float("nan")]).tolist()
    [1.0, 1.0]
    """
    return _along_rows(x, axis, _fill(limit, False))


def bfill(x: ArrayLike, *, limit: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Reference backward fill (pandas bfill(limit=)).

    >>> bfill([float("nan"), 1.0]).tolist()
    [1.0, 1.0]
    """
    return _along_rows(x, axis, _fill(limit, True))


def _kept_mean(vals: np.ndarray, lo: int, hi: int, winsorize: bool) -> float:
    s = np.sort(vals)
    n = s.size
    if winsorize:
        if lo >= hi:
            raise ValueError("winsorized_mean: the proportions to cut leave no value to average")
        kept = np.concatenate([np.full(lo, s[lo]), s[lo:hi], np.full(n - hi, s[hi - 1])])
    else:
        if lo > hi:
            raise ValueError("trimmed_mean: the proportions to cut leave no value to average")
        kept = s[lo:hi]
    if kept.size == 0:
        return np.nan
    if not np.isfinite(kept).all():
        return float(np.sum(kept)) / kept.size
    return math.fsum(kept.tolist()) / kept.size


def trimmed_mean(x: ArrayLike, proportiontocut: float, axis: Optional[int] = None, *,
                 skipna: bool = False) -> Result:
    """Reference trimmed mean: scipy.stats.trim_mean by sorting.

    >>> trimmed_mean([1.0, 2.0, 3.0, 100.0], 0.25)
    2.5
    """
    p = float(proportiontocut)

    def f(vals: np.ndarray) -> float:
        if np.isnan(vals).any():
            return np.nan
        lo = int(p * vals.size)
        return _kept_mean(vals, lo, vals.size - lo, False)

    return _masked_reduce(f, x, axis, skipna, None, np.nan)


def winsorized_mean(x: ArrayLike, limits: Any, axis: Optional[int] = None, *,
                    skipna: bool = False) -> Result:
    """Reference winsorized mean: mean of scipy.stats.mstats.winsorize, by sorting.

    >>> winsorized_mean([1.0, 2.0, 3.0, 100.0], 0.25)
    2.5
    """
    lower, upper = limits if isinstance(limits, (tuple, list)) else (limits, limits)
    lower, upper = float(lower or 0.0), float(upper or 0.0)

    def f(vals: np.ndarray) -> float:
        if np.isnan(vals).any():
            return np.nan
        n = vals.size
        return _kept_mean(vals, int(lower * n), n - int(n * upper), True)

    return _masked_reduce(f, x, axis, skipna, None, np.nan)


def _group(x: ArrayLike, groups: ArrayLike, ngroups: Optional[int], skipna: bool,
           func: Callable[[list], float], empty: float) -> np.ndarray:
    src = v.as_float_array(x)
    vals = src.astype(np.float64).reshape(-1)
    codes = np.asarray(groups).reshape(-1)
    if codes.size != vals.size:
        raise ValueError("groups: one code per value")
    k = (int(codes.max()) + 1 if codes.size else 0) if ngroups is None else int(ngroups)
    members: list[list] = [[] for _ in range(builtins.max(k, 0))]
    for val, code in zip(vals.tolist(), codes.tolist()):
        if code < 0 or (skipna and math.isnan(val)):
            continue
        if code >= k:
            raise ValueError(f"groups: code {code} is not below ngroups={k}")
        members[code].append(val)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = np.array([func(m) if m else empty for m in members], dtype=np.float64)
    return out.astype(np.float32) if src.dtype == np.float32 else out


def _exact_sum(m: list) -> float:
    return math.fsum(m) if all(map(math.isfinite, m)) else float(np.sum(m))


def _group_var(m: list, ddof: int) -> float:
    if len(m) - ddof <= 0 or not all(map(math.isfinite, m)):
        return np.nan
    mu = _exact_sum(m) / len(m)
    return math.fsum((val - mu) ** 2 for val in m) / (len(m) - ddof)


def group_sum(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    """Reference grouped sum (math.fsum per group).

    >>> group_sum([1.0, 2.0, 3.0], [0, 1, 0]).tolist()
    [4.0, 2.0]
    """
    return _group(x, groups, ngroups, skipna, _exact_sum, 0.0)


def group_mean(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
               skipna: bool = True) -> np.ndarray:
    """Reference grouped mean.

    >>> group_mean([1.0, 2.0, 3.0], [0, 1, 0]).tolist()
    [2.0, 2.0]
    """
    return _group(x, groups, ngroups, skipna, lambda m: _exact_sum(m) / len(m), np.nan)


def group_var(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              ddof: int = 0, skipna: bool = True) -> np.ndarray:
    """Reference grouped variance (two-pass, math.fsum).

    >>> group_var([1.0, 3.0], [0, 0]).tolist()
    [1.0]
    """
    return _group(x, groups, ngroups, skipna, lambda m: _group_var(m, ddof), np.nan)


def group_std(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              ddof: int = 0, skipna: bool = True) -> np.ndarray:
    """Reference grouped standard deviation.

    >>> group_std([1.0, 3.0], [0, 0]).tolist()
    [1.0]
    """
    return _group(x, groups, ngroups, skipna, lambda m: math.sqrt(_group_var(m, ddof))
                  if not math.isnan(_group_var(m, ddof)) else np.nan, np.nan)


def group_min(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    """Reference grouped minimum.

    >>> group_min([1.0, 3.0], [0, 0]).tolist()
    [1.0]
    """
    return _group(x, groups, ngroups, skipna, lambda m: float(np.min(m)), np.nan)


def group_max(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    """Reference grouped maximum.

    >>> group_max([1.0, 3.0], [0, 0]).tolist()
    [3.0]
    """
    return _group(x, groups, ngroups, skipna, lambda m: float(np.max(m)), np.nan)


def group_count(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
                skipna: bool = True) -> np.ndarray:
    """Reference grouped count (int64).

    >>> group_count([1.0, float("nan")], [0, 0]).tolist()
    [1]
    """
    return _group(v.as_float_array(x).astype(np.float64), groups, ngroups, skipna,
                  lambda m: float(len(m)), 0.0).astype(np.int64)


# ---- exponential windows, rolling co-moments, z-scores ---------------------


def _ewm(stat: str, x: ArrayLike, alpha: Any, span: Any, com: Any, halflife: Any, adjust: bool,
         ignore_na: bool, min_periods: int, axis: int, bias: bool) -> np.ndarray:
    """EWM statistics from the explicit weights of every value seen.

    pandas' rules: the first value weighs 1; each later step ages every
    weight by (1 - alpha) (missing values age them too unless ignore_na);
    an observation enters with weight 1 (adjust) or alpha, and without
    adjust the weights are rescaled to sum to 1 after it.
    """
    from hpcs._ewm import center_of_mass

    a = 1.0 / (1.0 + center_of_mass(com, span, halflife, alpha))
    src = v.as_float_array(x)
    ax = v.check_axis(axis, src.ndim)
    arr = np.moveaxis(src.astype(np.float64), ax, -1)
    out = np.full(arr.shape, np.nan)
    minp = builtins.max(int(min_periods), 1)
    for idx in np.ndindex(*arr.shape[:-1]):
        vals: list[float] = []
        wts: list[float] = []
        for i, cur in enumerate(arr[idx]):
            obs = math.isfinite(cur)  # pandas reads +-inf as missing
            if vals and (obs or not ignore_na):
                wts = [w * (1.0 - a) for w in wts]
            if obs:
                wts.append(1.0 if not vals or adjust else a)
                vals.append(cur)
                if not adjust:
                    total = math.fsum(wts)
                    wts = [w / total for w in wts]
            if len(vals) < minp:
                continue
            wv, xv = np.array(wts), np.array(vals)
            s0 = math.fsum(wv)
            if s0 == 0.0:
                # Every weight decayed to zero over a gap (alpha = 1): pandas'
                # recurrence keeps its previous output.
                out[idx + (i,)] = out[idx + (i - 1,)] if i else np.nan
                continue
            mean = math.fsum(wv * xv) / s0
            if stat == "mean":
                out[idx + (i,)] = mean
                continue
            var = math.fsum(wv * (xv - mean) ** 2) / s0
            if not bias:
                den = s0 * s0 - math.fsum(wv * wv)
                var = s0 * s0 / den * var if den > 0 else np.nan
            out[idx + (i,)] = math.sqrt(var) if stat == "std" else var
    return np.moveaxis(out, -1, ax).astype(src.dtype)


def ewma(x: ArrayLike, *, alpha: Any = None, span: Any = None, com: Any = None,
         halflife: Any = None, adjust: bool = True, ignore_na: bool = False,
         min_periods: int = 0, axis: int = -1) -> np.ndarray:
    """Reference exponentially weighted mean.

    >>> ewma([1.0, 2.0], alpha=0.5).tolist()
    [1.0, 1.6666666666666667]
    """
    return _ewm("mean", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis,
                False)


def ewmvar(x: ArrayLike, *, alpha: Any = None, span: Any = None, com: Any = None,
           halflife: Any = None, adjust: bool = True, ignore_na: bool = False,
           min_periods: int = 0, bias: bool = False, axis: int = -1) -> np.ndarray:
    """Reference exponentially weighted variance.

    >>> ewmvar([1.0, 3.0], alpha=0.5).tolist()
    [nan, 2.0]
    """
    return _ewm("var", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis, bias)


def ewmstd(x: ArrayLike, *, alpha: Any = None, span: Any = None, com: Any = None,
           halflife: Any = None, adjust: bool = True, ignore_na: bool = False,
           min_periods: int = 0, bias: bool = False, axis: int = -1) -> np.ndarray:
    """Reference exponentially weighted std.

    >>> ewmstd([1.0, 3.0], alpha=0.5, bias=True).tolist()
    [0.0, 0.9428090415820634]
    """
    return _ewm("std", x, alpha, span, com, halflife, adjust, ignore_na, min_periods, axis, bias)


def _rolling_windows(x: ArrayLike, window: int, min_periods: Optional[int], center: bool,
                     axis: int, func: Callable[[np.ndarray, int, int], float],
                     y: Optional[ArrayLike] = None) -> np.ndarray:
    """Apply func(stacked valid rows of the window, position in row, count) per output."""
    src = v.as_float_array(x)
    arrs = [src] if y is None else [src, v.as_float_array(y, "y")]
    dtype = np.result_type(*(a.dtype for a in arrs))
    w, mp = v.check_window(window, min_periods)
    ax = v.check_axis(axis, src.ndim)
    data = np.stack([np.moveaxis(a.astype(np.float64), ax, -1) for a in arrs])
    out = np.full(data.shape[1:], np.nan)
    n = data.shape[-1]
    offset = (w - 1) // 2 if center else 0
    for idx in np.ndindex(*data.shape[1:-1]):
        rows = data[(slice(None),) + idx]
        for i in range(n):
            end = i + offset
            vals = rows[:, builtins.max(0, end - w + 1) : builtins.min(end, n - 1) + 1]
            vals = vals[:, np.isfinite(vals).all(axis=0)]  # pandas: +-inf is missing
            if vals.shape[1] >= mp:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out[idx + (i,)] = func(vals, i, vals.shape[1])
    return np.moveaxis(out, -1, ax).astype(dtype)


def rolling_cov(x: ArrayLike, y: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                center: bool = False, ddof: int = 1, axis: int = -1,
                out: Any = None) -> np.ndarray:
    """Reference rolling covariance over the positions where x and y are both finite.

    >>> rolling_cov([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], 2).tolist()
    [nan, 1.0, -0.5]
    """
    d = v.check_ddof(ddof)

    def cov(vals: np.ndarray, i: int, c: int) -> float:
        dev = vals - vals.mean(axis=1, keepdims=True)
        return math.fsum(dev[0] * dev[1]) / (c - d) if c > d else np.nan

    return _rolling_windows(x, window, min_periods, center, axis, cov, y)


def rolling_corr(x: ArrayLike, y: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                 center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling correlation; NaN where either spread is zero.

    >>> rolling_corr([1.0, 2.0, 3.0], [2.0, 4.0, 5.0], 3).tolist()[2]
    0.9819805060619656
    """

    def corr(vals: np.ndarray, i: int, c: int) -> float:
        dev = vals - vals.mean(axis=1, keepdims=True)
        sxx, syy = math.fsum(dev[0] ** 2), math.fsum(dev[1] ** 2)
        if not (sxx > 0 and syy > 0):
            return np.nan
        return builtins.min(1.0, builtins.max(-1.0, math.fsum(dev[0] * dev[1])
                                              / math.sqrt(sxx * syy)))

    return _rolling_windows(x, window, min_periods, center, axis, corr, y)


def rolling_zscore(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                   center: bool = False, ddof: int = 0, axis: int = -1,
                   out: Any = None) -> np.ndarray:
    """Reference rolling z-score ``(x - mean) / std(ddof)`` of each window.

    >>> rolling_zscore([1.0, 2.0, 4.0, 4.0], 2).tolist()
    [nan, 1.0, 1.0, nan]
    """
    d = v.check_ddof(ddof)

    src = v.as_float_array(x)

    def exact_z(vals: np.ndarray, cur: float) -> float:
        """In rationals: no rounding of the mean at the data's magnitude."""
        if not (np.isfinite(vals).all() and math.isfinite(cur)):
            with np.errstate(all="ignore"):
                sd = np.std(vals, ddof=d) if vals.size > d else np.nan
                return (cur - np.mean(vals)) / sd if sd > 0 else np.nan
        fr = [Fraction(float(t)) for t in vals]
        c = len(fr)
        if c <= d:
            return np.nan
        mean = builtins.sum(fr, Fraction(0)) / c
        var = builtins.sum(((t - mean) ** 2 for t in fr), Fraction(0)) / (c - d)
        try:
            spread = math.sqrt(var)
        except OverflowError:  # squares beyond the double range
            return 0.0 if abs(Fraction(cur) - mean) < 1e300 else np.nan
        # A spread that rounds to 0 (subnormal data) is a zero spread.
        return float(Fraction(cur) - mean) / spread if spread > 0 else np.nan

    w, mp = v.check_window(window, min_periods)
    ax = v.check_axis(axis, src.ndim)
    arr = np.moveaxis(src.astype(np.float64), ax, -1)
    out = np.full(arr.shape, np.nan)
    n = arr.shape[-1]
    offset = (w - 1) // 2 if center else 0
    for idx in np.ndindex(*arr.shape[:-1]):
        row = arr[idx]
        for i in range(n):
            end = i + offset
            vals = row[builtins.max(0, end - w + 1) : builtins.min(end, n - 1) + 1]
            vals = vals[~np.isnan(vals)]
            if vals.size >= mp and not math.isnan(row[i]):
                out[idx + (i,)] = exact_z(vals, float(row[i]))
    return np.moveaxis(out, -1, ax).astype(src.dtype)


def rolling_robust_zscore(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                          center: bool = False, axis: int = -1, out: Any = None) -> np.ndarray:
    """Reference rolling robust z-score ``(x - median) / (1.482602218505602 * MAD)``.

    >>> rolling_robust_zscore([1.0, 2.0, 4.0], 3).tolist()[2]
    1.3489795003921634
    """
    med = rolling_median(x, window, min_periods=min_periods, center=center, axis=axis)
    sd = rolling_mad(x, window, min_periods=min_periods, center=center, axis=axis,
                     scale="normal")
    return _standardise_by(x, med, sd, axis)


def _standardise_by(x: ArrayLike, loc: np.ndarray, spread: np.ndarray, axis: int) -> np.ndarray:
    """(x - loc) / spread, NaN where the spread is zero or NaN."""
    src = v.as_float_array(x)
    loc64, sp64 = loc.astype(np.float64), spread.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (src.astype(np.float64) - loc64) / np.where(sp64 > 0, sp64, np.nan)
    return z.astype(src.dtype)


def detect_anomalies(x: ArrayLike, threshold: float = 3.0, *, method: str = "zscore",
                     window: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Reference anomaly mask ``abs(z) > threshold`` (NaN z never flagged).

    >>> detect_anomalies([0.0, 0.0, 0.0, 0.0, 10.0], 1.5).tolist()
    [False, False, False, False, True]
    """
    if method not in ("zscore", "robust"):
        raise ValueError(f"method: must be 'zscore' or 'robust', got {method!r}")
    src = v.as_float_array(x).astype(np.float64)
    ax = v.check_axis(axis, src.ndim)
    if window is not None:
        z = (rolling_zscore(src, window, axis=ax) if method == "zscore"
             else rolling_robust_zscore(src, window, axis=ax))
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "zscore":
                loc = np.nanmean(src, axis=ax, keepdims=True)
                sd = np.nanstd(src, axis=ax, keepdims=True)
            else:
                loc = np.nanmedian(src, axis=ax, keepdims=True)
                sd = 1.482602218505602 * np.nanmedian(np.abs(src - loc), axis=ax, keepdims=True)
        z = _standardise_by(src, np.broadcast_to(loc, src.shape), np.broadcast_to(sd, src.shape), ax)
    with np.errstate(invalid="ignore"):
        return np.abs(z) > float(threshold)
