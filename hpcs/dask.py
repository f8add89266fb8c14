"""hpcs on Dask arrays and DataFrames, lazily (contract §10).

Every operation of the registry (:mod:`hpcs._ops`) has a twin here taking a
``dask.array`` (or a ``dask.dataframe`` Series/DataFrame, with §9's rules)
and returning a Dask collection.  Computed, it is bit-identical to the
in-memory function on the computed input, for any chunking and scheduler:

- rolling operations along a chunked axis give each output chunk its own
  chunk plus borders of its neighbours, ``map_overlap``-style.  The borders
  reach back to where the kernel's arithmetic is anchored (see
  :func:`_left_edge`), so each output is computed exactly as in one call;
- sum/mean/var/std over the whole array combine per-chunk exact partial
  sums (the C library's "partial sums" API), rounded once as in memory;
- min/max combine per-chunk extremes; median/mad/quantile over the whole
  array narrow a bracket of order-preserving keys with per-chunk histograms
  of counts, then select among the few values left in it (no chunk is
  gathered); reductions over one axis of an N-D array bring each line along
  that axis together (one chunk along it) and run the in-memory function.

>>> import dask.array as da, numpy as np, hpcs, hpcs.dask
>>> x = np.arange(20.0)
>>> r = hpcs.dask.rolling_mean(da.from_array(x, chunks=3), 4)
>>> np.array_equal(r.compute(), hpcs.rolling_mean(x, 4), equal_nan=True)
True
>>> float(hpcs.dask.median(da.from_array(x, chunks=7)).compute())
9.5
"""

from __future__ import annotations

import builtins
import bisect
import functools
import math
import operator
from typing import Any, Callable, List, Optional, Sequence, Tuple

import dask
import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

import hpcs
from hpcs import _dask_ewm, _reduce
from hpcs import _validate as v
from hpcs._ops import OPS, SPECIAL, Op

__all__ = [name for name, op in OPS.items()
           if op.shape_kind != "other" and op.family != "robust_mean"]

#: The rolling kernels cut the window ends into blocks counted from position
#: 0 of the series (csrc/kernels/rolling_body.h: blocks of `window` ends;
#: rolling_order_body.h: chunks of max(window, RO_MIN_CHUNK)), and a block's
#: rounding depends on the values of its block and the one before.  A piece
#: of the series given to the kernel therefore starts on a block boundary,
#: one whole block before the first output wanted.
_RO_MIN_CHUNK = 512


def _period(op: Op, window: int) -> int:
    """Alignment period of ``op``'s kernel for ``window``."""
    return builtins.max(window, _RO_MIN_CHUNK) if op.family == "rolling_order" else window


def _left_edge(op: Op, window: int, first_end: int) -> int:
    """Where a piece must start so that the window ending at ``first_end`` and
    every later one are computed as from position 0."""
    p = _period(op, window)
    return builtins.max(0, (first_end // p - 1) * p)


# ---------------------------------------------------------------------------
# helpers on dask arrays


def _float_array(x: Any) -> da.Array:
    """x as a dask array of float64/float32, as the in-memory functions convert it."""
    x = da.asarray(x)
    if x.dtype not in (np.float64, np.float32):
        v.as_float_array(np.zeros(0, x.dtype))  # TypeError for complex, object, ...
        x = x.astype(np.float64)
    elif not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    return x


def _along(ndim: int, axis: int, sl: Any) -> Tuple[Any, ...]:
    return tuple(sl if i == axis else slice(None) for i in range(ndim))


def _first_finite(block: np.ndarray, axis: int) -> np.ndarray:
    """First finite value along ``axis`` (NaN where none), keeping the axis."""
    if block.shape[axis] == 0:
        shape = list(block.shape)
        shape[axis] = 1
        return np.full(shape, np.nan, block.dtype)
    fin = np.isfinite(block)
    idx = fin.argmax(axis=axis)
    vals = np.take_along_axis(block, np.expand_dims(idx, axis), axis)
    return np.where(np.expand_dims(fin.any(axis=axis), axis), vals, np.nan).astype(block.dtype)


def _first_of(*parts: np.ndarray) -> np.ndarray:
    """Element-wise the first non-NaN of ``parts`` (all the same shape)."""
    out = parts[0].copy()
    for p in parts[1:]:
        out = np.where(np.isnan(out), p, out)
    return out


def _suffix_first(f: np.ndarray, axis: int) -> np.ndarray:
    """For each position j along axis, the first non-NaN of f[j:]."""
    out = f.copy()
    n = f.shape[axis]
    for j in range(n - 2, -1, -1):
        here = _along(f.ndim, axis, slice(j, j + 1))
        nxt = _along(f.ndim, axis, slice(j + 1, j + 2))
        out[here] = np.where(np.isnan(out[here]), out[nxt], out[here])
    return out


def _one_along(chunks: Tuple[Tuple[int, ...], ...], axis: int) -> Tuple[Tuple[int, ...], ...]:
    return tuple((1,) * len(c) if i == axis else c for i, c in enumerate(chunks))


# ---------------------------------------------------------------------------
# rolling and other input-shaped operations


def _piece(pieces: list, ahead: Optional[np.ndarray], func: Callable, axis: int, lo: int,
           hi: int, args: tuple, kwargs: dict) -> np.ndarray:
    """Run ``func`` on the concatenated pieces (plus the look-ahead value)
    and keep outputs [lo, hi)."""
    if ahead is not None:
        pieces = pieces + [ahead]
    seg = pieces[0] if len(pieces) == 1 else np.concatenate(pieces, axis=axis)
    out = func(seg, *args, axis=axis, **kwargs)
    return out[_along(out.ndim, axis, slice(lo, hi))]


def _first_finite_from(block: np.ndarray, start: int, axis: int) -> np.ndarray:
    return _first_finite(block[_along(block.ndim, axis, slice(start, None))], axis)


def _rolling(op: Op, x: Any, window: Any, *args: Any, axis: int = -1, center: bool = False,
             min_periods: Any = None, **kwargs: Any) -> da.Array:
    func = getattr(hpcs, op.name).__hpcs_plain__
    kwargs = dict(kwargs, center=center, min_periods=min_periods)
    kwargs.pop("out", None)
    x = _float_array(x)
    if x.ndim == 0:
        func(np.zeros(()), window, *args, **kwargs)  # raises as in memory
    ax = v.check_axis(axis, x.ndim)
    # Arguments are checked now, as the in-memory call would.
    probe = func(np.zeros(1, x.dtype), window, *args, **kwargs)
    w = int(window)
    n = x.shape[ax]
    offset = (w - 1) // 2 if center else 0
    params = dict(func=func, axis=ax, args=(window,) + args, kwargs=kwargs)
    if len(x.chunks[ax]) <= 1 or n + offset <= w:
        # One chunk along the axis, or a series shorter than a window.
        one = x.rechunk({ax: -1})
        return one.map_blocks(lambda b: _piece([b], None, lo=0, hi=n, **params),
                              dtype=probe.dtype)
    token = tokenize(x, op.name, window, args, kwargs)
    name = f"hpcs-{op.name.replace('_', '-')}-{token}"
    border, first, after = f"{name}-border", f"{name}-first", f"{name}-after"
    bounds = [int(b) for b in np.cumsum((0,) + x.chunks[ax])]
    nb = len(bounds) - 1
    lookahead = op.family == "rolling"  # see _left_edge; rolling_body.h's block_shift
    graph: dict = {}
    for idx in np.ndindex(*x.numblocks):
        i = idx[ax]

        def key(j: int, prefix: str = x.name, *extra: int) -> tuple:
            return (prefix,) + idx[:ax] + (j,) + idx[ax + 1:] + extra

        if lookahead and i == 0:
            # First finite value of each block, then of each block and all after it.
            for j in range(nb):
                graph[key(j, first)] = (_first_finite, key(j), ax)
            graph[key(nb - 1, after)] = key(nb - 1, first)
            for j in range(nb - 2, -1, -1):
                graph[key(j, after)] = (_first_of, key(j, first), key(j + 1, after))
        c0, c1 = bounds[i], bounds[i + 1]
        s = _left_edge(op, w, c0 + offset)
        t = builtins.min(n, builtins.max(c1 + offset, s + w))
        pieces = []
        for j in range(nb):
            b0, b1 = bounds[j], bounds[j + 1]
            if b1 <= s or b0 >= t:
                continue
            lo, hi = builtins.max(s, b0) - b0, builtins.min(t, b1) - b0
            if lo == 0 and hi == b1 - b0:
                pieces.append(key(j))
            else:  # only the border moves between workers
                graph[key(j, border, i)] = (operator.getitem, key(j),
                                            _along(x.ndim, ax, slice(lo, hi)))
                pieces.append(key(j, border, i))
        ahead = None
        if lookahead and t < n:
            jt = bisect.bisect_right(bounds, t) - 1
            ahead = (_first_finite_from, key(jt), t - bounds[jt], ax)
            if jt + 1 < nb:
                ahead = (_first_of, ahead, key(jt + 1, after))
        graph[(name,) + idx] = (functools.partial(_piece, lo=c0 - s, hi=c1 - s, **params),
                                pieces, ahead)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[x])
    return da.Array(hlg, name, x.chunks, dtype=probe.dtype)


def _whole_axis(op: Op, x: Any, *args: Any, axis: Any = -1, **kwargs: Any) -> da.Array:
    """An input-shaped operation computed on whole lines along ``axis``."""
    func = getattr(hpcs, op.name).__hpcs_plain__
    x = _float_array(x)
    if axis is None:
        one = x.rechunk(-1)
        probe = func(np.zeros((1,) * builtins.max(x.ndim, 1), x.dtype), *args, axis=None,
                     **kwargs)
        return one.map_blocks(func, *args, axis=None, dtype=probe.dtype, **kwargs)
    ax = v.check_axis(axis, x.ndim)
    probe = func(np.zeros(1, x.dtype), *args, **kwargs)
    chunks = None
    if op.shape_kind == "shorter":
        m = func(np.zeros(x.shape[ax], x.dtype), *args, **kwargs).shape[0]
        chunks = tuple((m,) if i == ax else c for i, c in enumerate(x.chunks))
    one = x.rechunk({ax: -1})
    return one.map_blocks(func, *args, axis=ax, dtype=probe.dtype, chunks=chunks or one.chunks,
                          **kwargs)


# ---------------------------------------------------------------------------
# reductions


def _reduce_lines(op: Op, x: da.Array, ax: int, args: tuple, kwargs: dict) -> da.Array:
    """Reduction over one axis: each line along it in one chunk, in-memory call."""
    func = getattr(hpcs, op.name).__hpcs_plain__
    probe = np.asarray(func(np.zeros((1, 1), x.dtype), *args, axis=0, **kwargs))
    one = x.rechunk({ax: -1})
    lead = probe.shape[:-1]  # quantile with several q: a new first axis
    chunks = tuple(c for i, c in enumerate(one.chunks) if i != ax)
    if lead:
        return one.map_blocks(func, *args, axis=ax, **kwargs, dtype=probe.dtype,
                              chunks=tuple((d,) for d in lead) + chunks,
                              drop_axis=ax, new_axis=list(range(len(lead))))
    return one.map_blocks(func, *args, axis=ax, **kwargs, dtype=probe.dtype, chunks=chunks,
                          drop_axis=ax)


def _blocks(x: da.Array) -> list:
    return list(x.to_delayed().ravel())


# -- min / max: per-chunk extremes


def _extreme_part(block: np.ndarray, mask: Optional[np.ndarray], is_max: bool) -> tuple:
    b = block.ravel()
    if mask is not None:
        b = b[np.broadcast_to(mask, block.shape).ravel()]
    nan = np.isnan(b)
    valid = b[~nan]
    if valid.size == 0:
        return (np.nan, 0, bool(nan.any()))
    return (float(valid.max() if is_max else valid.min()), valid.size, bool(nan.any()))


def _extreme_total(parts: Sequence[tuple], is_max: bool, skipna: bool, name: str) -> float:
    if not skipna and builtins.any(p[2] for p in parts):
        return math.nan
    vals = [p[0] for p in parts if p[1]]
    if not vals:
        raise ValueError(f"{name}: zero-size array or no valid (non-NaN, unmasked) value to "
                         "reduce")
    return float(np.max(vals) if is_max else np.min(vals))




# -- median / mad / quantile: bracketing on order-preserving keys

_SIGN = np.uint64(1 << 63)
_BINS_LOG2 = 16
_GATHER_LIMIT = 1 << 20


def _keys(vals: np.ndarray) -> np.ndarray:
    bits = vals.view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def _values(block: np.ndarray, center: Optional[float]) -> tuple:
    """A block's valid values as float64 (deviations from ``center`` if given)
    and its NaN count."""
    b = block.ravel().astype(np.float64, copy=False)
    nan = np.isnan(b)
    b = b[~nan]
    if center is not None:
        b = np.abs(b - center)
    return b, int(nan.sum())


def _stats(block: np.ndarray, center: Optional[float]) -> tuple:
    vals, nnan = _values(block, center)
    if vals.size == 0:
        return 0, nnan, None, None
    k = _keys(vals)
    return vals.size, nnan, int(k.min()), int(k.max())


def _quantile_ranks(q: float, count: int, method: str) -> Tuple[int, int, float]:
    """hpcs__quantile_pos (csrc/hpcs_internal.h), the same double arithmetic."""
    pos = q * float(count - 1)
    fl = math.floor(pos)
    lo = builtins.min(builtins.max(int(fl), 0), count - 1)
    hi = lo + 1 if lo + 1 < count else lo
    f = pos - fl
    if method == "lower":
        hi, f = lo, 0.0
    elif method == "higher":
        if f > 0.0:
            lo = hi
        else:
            hi = lo
        f = 0.0
    elif method == "midpoint":
        if f > 0.0:
            f = 0.5
        else:
            hi = lo
    elif method == "nearest":
        lo = hi = round(pos)  # half to even, as nearbyint
        f = 0.0
    return lo, hi, f


def _lerp(a: float, b: float, t: float) -> float:
    """hpcs__lerp: numpy's _lerp."""
    diff = b - a
    r = b - diff * (1.0 - t) if t >= 0.5 else a + diff * t
    return a if a == b else r


class _Target:
    """The ranks one statistic needs and the key bracket known to hold them."""

    def __init__(self, lo_rank: int, hi_rank: int, klo: int, khi: int) -> None:
        self.lo_rank, self.hi_rank = lo_rank, hi_rank
        self.klo, self.khi, self.below, self.inside = klo, khi, 0, None

    def settled(self) -> bool:
        return self.klo == self.khi or (self.inside is not None and self.inside <= _GATHER_LIMIT)


def _start(parts: Sequence[tuple], rules: Sequence[Tuple[Any, str]], skipna: bool) -> Any:
    """Count the values; None if the statistic is NaN, else the targets."""
    count = builtins.sum(p[0] for p in parts)
    nnan = builtins.sum(p[1] for p in parts)
    if count == 0 or (nnan and not skipna):
        return None
    klo = builtins.min(p[2] for p in parts if p[0])
    khi = builtins.max(p[3] for p in parts if p[0])
    targets = []
    for q, method in rules:
        if q is None:  # median: numpy's middle one or two
            k = (count - 1) // 2
            k2 = k if count % 2 else k + 1
        else:
            k, k2, _ = _quantile_ranks(q, count, method)
        t = _Target(k, k2, klo, khi)
        t.inside = count
        targets.append(t)
    return count, targets


def _per_target(block: np.ndarray, state: Any, center: Optional[float], skip: Callable,
                each: Callable) -> Any:
    """``each(target, values, keys, inside)`` for the targets not ``skip``-ped
    (None for those), over the block's valid values; ``inside``: the mask of
    values in the target's bracket."""
    if state is None:
        return None
    vals, _ = _values(block, center)
    keys = _keys(vals)
    return [None if skip(t) else
            each(t, vals, keys, (keys >= np.uint64(t.klo)) & (keys <= np.uint64(t.khi)))
            for t in state[1]]


def _bins(t: _Target, vals: np.ndarray, keys: np.ndarray, inside: np.ndarray) -> np.ndarray:
    shift = builtins.max(0, (t.khi - t.klo).bit_length() - _BINS_LOG2)
    bins = (keys[inside] - np.uint64(t.klo)) >> np.uint64(shift)
    return np.bincount(bins.astype(np.int64), minlength=1 << _BINS_LOG2)


def _histogram(block: np.ndarray, state: Any, center: Optional[float]) -> Any:
    return _per_target(block, state, center, _Target.settled, _bins)


def _narrow(state: Any, *hists: Any) -> Any:
    if state is None:
        return None
    count, targets = state
    new = []
    for i, t in enumerate(targets):
        if t.settled():
            new.append(t)
            continue
        h = np.sum([hs[i] for hs in hists], axis=0)
        cum = np.cumsum(h)
        shift = builtins.max(0, (t.khi - t.klo).bit_length() - _BINS_LOG2)
        b1 = int(np.searchsorted(cum, t.lo_rank - t.below, side="right"))
        b2 = int(np.searchsorted(cum, t.hi_rank - t.below, side="right"))
        n = _Target(t.lo_rank, t.hi_rank, t.klo + (b1 << shift),
                    builtins.min(t.khi, t.klo + ((b2 + 1) << shift) - 1))
        n.below = t.below + (int(cum[b1 - 1]) if b1 else 0)
        n.inside = int(cum[b2]) - (int(cum[b1 - 1]) if b1 else 0)
        new.append(n)
    return count, new


def _gather(block: np.ndarray, state: Any, center: Optional[float]) -> Any:
    return _per_target(block, state, center, lambda t: t.klo == t.khi,
                       lambda t, vals, keys, inside: vals[inside])


def _key_value(key: int) -> float:
    k = np.uint64(key)
    bits = k & ~_SIGN if k & _SIGN else ~k
    return float(np.array([bits], np.uint64).view(np.float64)[0])


def _order_stats(state: Any, *gathered: Any) -> Any:
    """For each target, the values at its two ranks (None: NaN statistic)."""
    if state is None:
        return None
    count, targets = state
    out = []
    for i, t in enumerate(targets):
        if t.klo == t.khi:
            x = _key_value(t.klo)
            out.append((x, x))
            continue
        vals = np.sort(np.concatenate([g[i] for g in gathered]))
        out.append((float(vals[t.lo_rank - t.below]), float(vals[t.hi_rank - t.below])))
    return count, out


def _select(blocks: list, rules: Sequence[Tuple[Any, str]], skipna: bool,
            center: Any = None) -> Any:
    """Delayed (count, [(value at lo rank, value at hi rank)] per rule) or None."""
    d = dask.delayed
    state = d(_start)([d(_stats)(b, center) for b in blocks], rules, skipna)
    for _ in range(64 // _BINS_LOG2):
        hists = [d(_histogram)(b, state, center) for b in blocks]
        state = d(_narrow)(state, *hists)
    return d(_order_stats)(state, *[d(_gather)(b, state, center) for b in blocks])


def _median_value(res: Any) -> float:
    if res is None:
        return math.nan
    count, ((lo, hi),) = res
    return lo if count % 2 else (lo + hi) / 2.0


def _quantile_values(res: Any, qs: Sequence[float], method: str, scalar: bool) -> Any:
    if res is None:
        out = np.full(len(qs), np.nan)
    else:
        count, pairs = res
        out = np.array([_lerp(a, b, _quantile_ranks(q, count, method)[2])
                        for q, (a, b) in zip(qs, pairs)])
    return float(out[0]) if scalar else out


def _mad_value(res: Any, scale: float) -> float:
    return _median_value(res) * scale


def _from_delayed(value: Any, shape: tuple = ()) -> da.Array:
    return da.from_delayed(dask.delayed(np.asarray)(value, np.float64), shape=shape,
                           dtype=np.float64)


def _reduction(op: Op, x: Any, *args: Any, axis: Any = None, **kwargs: Any) -> da.Array:
    name = op.name
    func = getattr(hpcs, name).__hpcs_plain__
    x = _float_array(x)
    where = kwargs.get("where")
    # Arguments are checked now, as the in-memory call would.
    if where is None:
        func(np.zeros(1, x.dtype), *args, **kwargs)
    if axis is not None:
        ax = v.check_axis(axis, x.ndim)
        if where is not None:
            kwargs = dict(kwargs, where=da.broadcast_to(da.asarray(where), x.shape).rechunk(x.chunks))
            return _reduce_lines_where(op, x, ax, args, kwargs)
        return _reduce_lines(op, x, ax, args, kwargs)
    skipna = bool(kwargs.get("skipna", False))
    if name in ("min", "max"):
        is_max = name == "max"
        if where is not None:
            w = da.broadcast_to(da.asarray(where), x.shape).rechunk(x.chunks)
            pairs = zip(_blocks(x), _blocks(w))
        else:
            pairs = ((b, None) for b in _blocks(x))
        parts = [dask.delayed(_extreme_part)(b, m, is_max) for b, m in pairs]
        return _from_delayed(dask.delayed(_extreme_total)(parts, is_max, skipna, name))
    if name == "median":
        return _from_delayed(dask.delayed(_median_value)(_select(_blocks(x), [(None, "")], skipna)))
    if name == "mad":
        scale = v.check_scale(kwargs.get("scale", 1.0))
        blocks = _blocks(x)
        center = dask.delayed(_median_value)(_select(blocks, [(None, "")], skipna))
        dev = _select(blocks, [(None, "")], skipna, center)
        return _from_delayed(dask.delayed(_center_checked)(center, dev, scale))
    if name == "quantile":
        q = args[0] if args else kwargs["q"]
        method = kwargs.get("method", "linear")
        qa = v.check_quantiles(q)
        v.check_method(method, {"linear": 0, "lower": 1, "higher": 2, "midpoint": 3,
                                "nearest": 4})
        qs = [float(t) for t in np.atleast_1d(qa)]
        rules = [(t, method) for t in qs]
        res = _select(_blocks(x), rules, skipna)
        scalar = np.ndim(qa) == 0
        shape = () if scalar else (len(qs),)
        return _from_delayed(dask.delayed(_quantile_values)(res, qs, method, scalar), shape)
    return _sum_family(op, x, args, kwargs)


def _center_checked(center: float, dev: Any, scale: float) -> float:
    if math.isnan(center):
        return math.nan
    if math.isinf(center):
        raise NotImplementedError("hpcs.dask.mad: an infinite median")
    return _mad_value(dev, scale)


def _reduce_lines_where(op: Op, x: da.Array, ax: int, args: tuple, kwargs: dict) -> da.Array:
    func = getattr(hpcs, op.name).__hpcs_plain__
    where = kwargs.pop("where").rechunk({ax: -1})
    one = x.rechunk({ax: -1})
    chunks = tuple(c for i, c in enumerate(one.chunks) if i != ax)

    def run(b: np.ndarray, m: np.ndarray) -> np.ndarray:
        return np.asarray(func(b, *args, axis=ax, where=m, **kwargs))

    return da.map_blocks(run, one, where, dtype=np.float64, chunks=chunks, drop_axis=ax)


_SCALE_DOWN = 2.0 ** -512


def _sum_part(block: np.ndarray, mask: Optional[np.ndarray], skipna: bool) -> tuple:
    m = None if mask is None else np.broadcast_to(mask, block.shape)
    return _reduce._sum_partial(block, m, skipna)


def _sumsq_part(block: np.ndarray, mask: Optional[np.ndarray], skipna: bool, state: Any,
                scaled: bool) -> Any:
    """Terms of the chunk's sum of squared deviations from the mean (scaled
    down only when the unscaled total overflowed), or None when not needed."""
    mean, count, first = state
    if not math.isfinite(mean) or count == 0 or (scaled and not math.isinf(first)):
        return None
    m = None if mask is None else np.broadcast_to(mask, block.shape)
    return _reduce._sumsq_partial(block, mean, _SCALE_DOWN if scaled else 1.0, m, skipna)[0]


def _mean_state(parts: Sequence[tuple]) -> tuple:
    """(correctly rounded mean, count, sum)."""
    terms = _terms([p[0] for p in parts])
    count = builtins.sum(p[1] for p in parts)
    return _reduce._partials_div(terms, count), count, _reduce._partials_div(terms, 1)


def _with_first(state: tuple, first: float) -> tuple:
    return state[0], state[1], first


def _terms(parts: Sequence[Any]) -> np.ndarray:
    return np.concatenate([np.zeros(0)] + [p for p in parts if p is not None])


def _var_first(state: tuple, ddof: int, *terms: Any) -> float:
    mean, count, _ = state
    if not math.isfinite(mean) or count <= ddof:
        return math.nan
    return _reduce._partials_div(_terms(terms), count - ddof)


def _var_final(state: tuple, ddof: int, root: bool, first: float, *scaled: Any) -> float:
    if not math.isinf(first) or math.isnan(first):
        return math.sqrt(first) if root and not math.isnan(first) else first
    _, count, _ = state
    var = _reduce._partials_div(_terms(scaled), count - ddof)
    if root:
        return math.sqrt(var) * 2.0 ** 512
    with np.errstate(over="ignore"):  # inf if it must, as in C
        return float(np.float64(var) * np.float64(2.0 ** 1023) * 2.0)


def _sum_family(op: Op, x: da.Array, args: tuple, kwargs: dict) -> da.Array:
    """sum/mean/var/std over everything from per-chunk exact partial sums
    (hpcs.h: "Partial sums"), combined as the in-memory call rounds them."""
    d = dask.delayed
    skipna = bool(kwargs.get("skipna", False))
    where = kwargs.get("where")
    blocks = _blocks(x)
    if where is None:
        masks: list = [None] * len(blocks)
    else:
        masks = _blocks(da.broadcast_to(da.asarray(where), x.shape).rechunk(x.chunks))
    parts = [d(_sum_part)(b, m, skipna) for b, m in zip(blocks, masks)]
    state = d(_mean_state)(parts)
    if op.name == "sum":
        return _from_delayed(d(operator.itemgetter(2))(state))
    if op.name == "mean":
        return _from_delayed(d(operator.itemgetter(0))(state))
    ddof = v.check_ddof(kwargs.get("ddof", 0))
    unscaled = [d(_sumsq_part)(b, m, skipna, d(_with_first)(state, math.nan), False)
                for b, m in zip(blocks, masks)]
    first = d(_var_first)(state, ddof, *unscaled)
    scaled_state = d(_with_first)(state, first)
    scaled = [d(_sumsq_part)(b, m, skipna, scaled_state, True) for b, m in zip(blocks, masks)]
    return _from_delayed(d(_var_final)(state, ddof, op.name == "std", first, *scaled))


# ---------------------------------------------------------------------------
# dask.dataframe


def _frame_kind(x: Any) -> str:
    mod = type(x).__module__
    if mod.startswith("dask.dataframe") or mod.startswith("dask_expr"):
        return type(x).__name__
    return ""


def _on_frame(fn: Callable, op: Op, x: Any, args: tuple, kwargs: dict) -> Any:
    """§9's rules on a dask Series/DataFrame: down each column."""
    import dask.dataframe as dd

    if type(x).__name__ == "DataFrame":
        if op.shape_kind == "reduce" and kwargs.get("axis", None) is None:
            arr = x.to_dask_array(lengths=True).astype(np.float64)
            return fn(op, arr, *args, **kwargs)
        cols = {c: _on_frame(fn, op, x[c], args, dict(kwargs, axis=0)) for c in x.columns}
        if op.shape_kind == "reduce":
            import pandas as pd

            # A Series indexed by the columns, computed lazily.
            return dask.delayed(lambda *v: pd.Series([np.asarray(a)[()] for a in v],
                                                     index=x.columns))(*cols.values())
        return dd.concat(list(cols.values()), axis=1)
    arr = x.to_dask_array(lengths=True)
    kwargs = dict(kwargs)
    if op.shape_kind != "reduce":
        kwargs["axis"] = 0
    else:
        kwargs.pop("axis", None)
    res = fn(op, arr, *args, **kwargs)
    if op.shape_kind == "same":
        return dd.from_dask_array(res, columns=x.name, index=x.index)
    return res


def _ewm_chain(op: Op, x: Any, *args: Any, **kwargs: Any) -> da.Array:
    """ewma/ewmvar/ewmstd: a chain of states along the axis (hpcs/_dask_ewm.py)."""
    return _dask_ewm.chain(op, _float_array(x), *args, **kwargs)


def _make(op: Op) -> Callable[..., Any]:
    if op.family == "ewm":
        impl = _ewm_chain
    elif op.shape_kind == "reduce":
        impl = _reduction
    elif op.rolling:
        impl = _rolling
    else:
        impl = _whole_axis
    plain = getattr(hpcs, op.name)

    @functools.wraps(plain)
    def lazy(x: Any, *args: Any, **kwargs: Any) -> Any:
        if _frame_kind(x):
            return _on_frame(impl, op, x, args, kwargs)
        return impl(op, x, *args, **kwargs)

    lazy.__doc__ = (f"Lazy :func:`hpcs.{op.name}` on a Dask array or DataFrame; computed, "
                    f"bit-identical to the in-memory call.\n\n" + (plain.__doc__ or ""))
    return lazy


# Not (yet) on Dask: group ops (their output is not the input's shape) and the
# robust means (no exact per-chunk combination written yet).
for _op in OPS.values():
    if hasattr(hpcs, _op.name) and _op.shape_kind != "other" and _op.family != "robust_mean":
        globals()[_op.name] = _make(_op)
del _op

# ewma/ewmvar/ewmstd, outside OPS (hpcs._ops._special): on Dask by their family.
for _op in SPECIAL.values():
    if _op.family == "ewm":
        globals()[_op.name] = _make(_op)
        __all__.append(_op.name)
del _op
