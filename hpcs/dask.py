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
  that axis together (one chunk along it) and run the in-memory function;
- group ops fill the in-memory kernel's per-part tables chunk by chunk and
  merge them in part order (hpcs/_dask_group.py).

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
import inspect
import math
import operator
from typing import Any, Callable, List, Optional, Sequence, Tuple

import dask
import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

import hpcs
from hpcs import _ewm, _reduce
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


def _period(family: str, window: int) -> int:
    """Alignment period of a ``family`` kernel (rolling_pair_body.h: as
    rolling_body.h) for ``window``."""
    return builtins.max(window, _RO_MIN_CHUNK) if family == "rolling_order" else window


def _left_edge(family: str, window: int, first_end: int) -> int:
    """Where a piece must start so that the window ending at ``first_end`` and
    every later one are computed as from position 0."""
    p = _period(family, window)
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


def _first_finite(axis: int, *blocks: np.ndarray) -> Tuple[np.ndarray, ...]:
    """Along ``axis``, the first position where every block is finite: each
    block's value there (NaN where there is none), keeping the axis."""
    block = blocks[0]
    if block.shape[axis] == 0:
        shape = list(block.shape)
        shape[axis] = 1
        return tuple(np.full(shape, np.nan, b.dtype) for b in blocks)
    fin = np.logical_and.reduce([np.isfinite(b) for b in blocks])
    idx = np.expand_dims(fin.argmax(axis=axis), axis)
    found = np.expand_dims(fin.any(axis=axis), axis)
    return tuple(np.where(found, np.take_along_axis(b, idx, axis), np.nan).astype(b.dtype)
                 for b in blocks)


def _first_of(*parts: Tuple[np.ndarray, ...]) -> Tuple[np.ndarray, ...]:
    """Element-wise the first found of ``parts`` (tuples of _first_finite:
    their arrays are NaN together where nothing was found)."""
    out = [a.copy() for a in parts[0]]
    for p in parts[1:]:
        missing = np.isnan(out[0])
        out = [np.where(missing, b, a) for a, b in zip(out, p)]
    return tuple(out)


def _one_along(chunks: Tuple[Tuple[int, ...], ...], axis: int) -> Tuple[Tuple[int, ...], ...]:
    return tuple((1,) * len(c) if i == axis else c for i, c in enumerate(chunks))


# ---------------------------------------------------------------------------
# rolling and other input-shaped operations


def _piece(pieces: list, ahead: Optional[tuple], func: Callable, axis: int, lo: int,
           hi: int, args: tuple, kwargs: dict) -> np.ndarray:
    """Run ``func`` on each input's concatenated pieces (plus its look-ahead
    value) and keep outputs [lo, hi)."""
    segs = []
    for k, parts in enumerate(pieces):
        if ahead is not None:
            parts = parts + [ahead[k]]
        segs.append(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=axis))
    out = func(*segs, *args, axis=axis, **kwargs)
    return out[_along(out.ndim, axis, slice(lo, hi))]


def _first_finite_from(start: int, axis: int, *blocks: np.ndarray) -> Tuple[np.ndarray, ...]:
    return _first_finite(axis, *(b[_along(b.ndim, axis, slice(start, None))] for b in blocks))


def _rolling(op: Op, x: Any, window: Any, *args: Any, axis: int = -1, center: bool = False,
             min_periods: Any = None, **kwargs: Any) -> da.Array:
    func = getattr(hpcs, op.name).__hpcs_plain__
    return _rolling_on([x], op.name, op.family, func, window, args, axis, center, min_periods,
                       kwargs)


def _rolling_on(xs: List[Any], name: str, family: str, func: Callable, window: Any,
                args: tuple, axis: int, center: bool, min_periods: Any,
                kwargs: dict) -> da.Array:
    """``func(*xs, window, *args, ...)`` rolled along ``axis`` of dask arrays
    of one shape: per output chunk, the inputs' pieces from the kernel's
    block boundary (:func:`_left_edge`) on, plus the look-ahead value."""
    kwargs = dict(kwargs, center=center, min_periods=min_periods)
    kwargs.pop("out", None)
    xs = [_float_array(x) for x in xs]
    if len(xs) > 1:
        if builtins.any(x.shape != xs[0].shape for x in xs):
            raise ValueError(f"y: must have x's shape {xs[0].shape}, got "
                             f"{[x.shape for x in xs[1:]]}")
        # As in memory: float32 only when every input is.
        dtype = np.result_type(*(x.dtype for x in xs))
        xs = [xs[0].astype(dtype)] + [x.astype(dtype).rechunk(xs[0].chunks) for x in xs[1:]]
    x = xs[0]
    if x.ndim == 0:
        func(*[np.zeros(())] * len(xs), window, *args, **kwargs)  # raises as in memory
    ax = v.check_axis(axis, x.ndim)
    # Arguments are checked now, as the in-memory call would.
    probe = func(*[np.zeros(1, x.dtype)] * len(xs), window, *args, **kwargs)
    w = int(window)
    n = x.shape[ax]
    offset = (w - 1) // 2 if center else 0
    params = dict(func=func, axis=ax, args=(window,) + args, kwargs=kwargs)
    if len(x.chunks[ax]) <= 1 or n + offset <= w:
        # One chunk along the axis, or a series shorter than a window.
        ones = [a.rechunk({ax: -1}) for a in xs]
        return da.map_blocks(lambda *b: _piece([[c] for c in b], None, lo=0, hi=n, **params),
                             *ones, dtype=probe.dtype)
    token = tokenize(*xs, name, window, args, kwargs)
    name = f"hpcs-{name.replace('_', '-')}-{token}"
    border, first, after = f"{name}-border", f"{name}-first", f"{name}-after"
    bounds = [int(b) for b in np.cumsum((0,) + x.chunks[ax])]
    nb = len(bounds) - 1
    # rolling_body.h's and rolling_pair_body.h's block shift: the first
    # finite value from the block on, wherever it is (see _left_edge).
    lookahead = family in ("rolling", "rolling_pair")
    graph: dict = {}
    for idx in np.ndindex(*x.numblocks):
        i = idx[ax]

        def key(j: int, prefix: str, *extra: int) -> tuple:
            return (prefix,) + idx[:ax] + (j,) + idx[ax + 1:] + extra

        def keys(j: int) -> list:
            return [key(j, a.name) for a in xs]

        if lookahead and i == 0:
            # First finite values of each block, then of each block and all after it.
            for j in range(nb):
                graph[key(j, first)] = (_first_finite, ax, *keys(j))
            graph[key(nb - 1, after)] = key(nb - 1, first)
            for j in range(nb - 2, -1, -1):
                graph[key(j, after)] = (_first_of, key(j, first), key(j + 1, after))
        c0, c1 = bounds[i], bounds[i + 1]
        s = _left_edge(family, w, c0 + offset)
        t = builtins.min(n, builtins.max(c1 + offset, s + w))
        pieces: list = [[] for _ in xs]
        for j in range(nb):
            b0, b1 = bounds[j], bounds[j + 1]
            if b1 <= s or b0 >= t:
                continue
            lo, hi = builtins.max(s, b0) - b0, builtins.min(t, b1) - b0
            for k, a in enumerate(xs):
                if lo == 0 and hi == b1 - b0:
                    pieces[k].append(key(j, a.name))
                else:  # only the border moves between workers
                    graph[key(j, f"{border}-{k}", i)] = (operator.getitem, key(j, a.name),
                                                         _along(x.ndim, ax, slice(lo, hi)))
                    pieces[k].append(key(j, f"{border}-{k}", i))
        ahead = None
        if lookahead and t < n:
            jt = bisect.bisect_right(bounds, t) - 1
            ahead = (_first_finite_from, t - bounds[jt], ax, *keys(jt))
            if jt + 1 < nb:
                ahead = (_first_of, ahead, key(jt + 1, after))
        graph[(name,) + idx] = (functools.partial(_piece, lo=c0 - s, hi=c1 - s, **params),
                                pieces, ahead)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=xs)
    return da.Array(hlg, name, x.chunks, dtype=probe.dtype)


def _whole_lines(func: Callable, x: da.Array, ax: int, kwargs: dict) -> da.Array:
    """An input-shaped ``func`` computed on whole lines along axis ``ax``."""
    return x.rechunk({ax: -1}).map_blocks(func, axis=ax, dtype=x.dtype, **kwargs)


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
    """Order-preserving keys: ~bits for negatives, bits | sign for the rest
    (as bits ^ (sign-extended sign | sign), in one temporary)."""
    keys = (vals.view(np.int64) >> 63).view(np.uint64)
    keys |= _SIGN
    keys ^= vals.view(np.uint64)
    return keys


def _values(block: np.ndarray, center: Optional[float]) -> tuple:
    """A block's valid values as float64 (deviations from ``center`` if given)
    and its NaN count."""
    b = block.ravel().astype(np.float64, copy=False)
    nan = np.isnan(b)
    nnan = int(np.count_nonzero(nan))
    if nnan:
        b = b[~nan]
    if center is not None:
        b = np.abs(b - center)
    return b, nnan


def _stats(block: np.ndarray, center: Optional[float]) -> tuple:
    vals, nnan = _values(block, center)
    if vals.size == 0:
        return 0, nnan, None, None
    # Key bounds from the value bounds (one pass each); -0.0 and 0.0 compare
    # equal but have two keys: the bracket takes both.
    lo, hi = vals.min(), vals.max()
    lo, hi = (-0.0 if lo == 0 else lo), (0.0 if hi == 0 else hi)
    k = _keys(np.array([lo, hi], np.float64))
    return vals.size, nnan, int(k[0]), int(k[1])


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
    if all(skip(t) for t in state[1]):  # nothing left to narrow: no pass over the block
        return [None] * len(state[1])
    vals, _ = _values(block, center)
    keys = _keys(vals)
    out = []
    for t in state[1]:
        if skip(t):
            out.append(None)
            continue
        rel = keys - np.uint64(t.klo)  # wraps below klo: outside as above khi
        out.append(each(t, vals, rel, rel <= np.uint64(t.khi - t.klo)))
    return out


def _bins(t: _Target, vals: np.ndarray, keys: np.ndarray, inside: np.ndarray) -> np.ndarray:
    shift = builtins.max(0, (t.khi - t.klo).bit_length() - _BINS_LOG2)
    bins = keys[inside] >> np.uint64(shift)  # keys relative to the bracket's start
    return np.bincount(bins.view(np.int64), minlength=1 << _BINS_LOG2)


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


def _checked(plain: Callable, x: Any, args: tuple, kwargs: dict) -> da.Array:
    """``x`` as a float dask array, ``plain``'s arguments checked now (on a
    small array of x's dimension), as the in-memory call checks them."""
    x = _float_array(x)
    if x.ndim == 0:
        plain(np.zeros(()), *args, **kwargs)  # raises as in memory
    plain(np.zeros((1,) * x.ndim, x.dtype), *args, **kwargs)
    return x


def _ewm_chain(op: Op, x: Any, *args: Any, axis: Any = -1, **kwargs: Any) -> da.Array:
    """ewma/ewmvar/ewmstd: the chunks along the axis in order, each run by
    the resumable kernel from the state the one before ended in
    (``HPCS_EWM_STATE`` doubles per line): the steps of one in-memory call."""
    x = _checked(getattr(hpcs, op.name).__hpcs_plain__, x, args, dict(kwargs, axis=axis))
    ax = v.check_axis(axis, x.ndim)
    step = functools.partial(_ewm_step, op.name, ax, kwargs)
    return _chain(x, ax, step, op.name)


def _ewm_step(name: str, ax: int, kwargs: dict, state: Any,
              block: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    return _ewm.resume(name, block, state, axis=ax, **kwargs)


def _make(op: Op) -> Callable[..., Any]:
    if op.family == "ewm":
        impl = _ewm_chain
    elif op.shape_kind == "reduce":
        impl = _reduction
    else:
        impl = _rolling
    plain = getattr(hpcs, op.name)

    @functools.wraps(plain)
    def lazy(x: Any, *args: Any, **kwargs: Any) -> Any:
        if _frame_kind(x):
            return _on_frame(impl, op, x, args, kwargs)
        return impl(op, x, *args, **kwargs)

    lazy.__doc__ = (f"Lazy :func:`hpcs.{op.name}` on a Dask array or DataFrame; computed, "
                    f"bit-identical to the in-memory call.\n\n" + (plain.__doc__ or ""))
    return lazy


# The reductions and rolling ops of the registry; the robust means and the
# rest of §4 are below, group ops: per-part tables, see hpcs/_dask_group.py.
for _op in OPS.values():
    if (_op.shape_kind == "reduce" and _op.family != "robust_mean") or _op.rolling:
        globals()[_op.name] = _make(_op)
del _op


# ---------------------------------------------------------------------------
# §4's calls outside the one-array conventions (hpcs._ops.SPECIAL)


def _pair(name: str) -> Callable[..., Any]:
    plain = getattr(hpcs, name).__hpcs_plain__

    @functools.wraps(plain)
    def lazy(x: Any, y: Any, window: Any, *, min_periods: Any = None, center: bool = False,
             axis: int = -1, **kwargs: Any) -> Any:
        kind = _frame_kind(x)
        if kind:  # §9: column by column (y's column of the same name), index kept
            import dask.dataframe as dd

            kw = dict(kwargs, min_periods=min_periods, center=center)
            if kind == "DataFrame":
                return dd.concat([lazy(x[c], y[c] if _frame_kind(y) == "DataFrame" else y,
                                       window, **kw) for c in x.columns], axis=1)
            ys = y.to_dask_array(lengths=True) if _frame_kind(y) else y
            res = lazy(x.to_dask_array(lengths=True), ys, window, axis=0, **kw)
            return dd.from_dask_array(res, columns=x.name, index=x.index)
        return _rolling_on([x, y], name, "rolling_pair", plain, window, (), axis, center,
                           min_periods, kwargs)

    lazy.__doc__ = (f"Lazy :func:`hpcs.{name}` on two Dask arrays of one shape (y is "
                    "rechunked as x); computed, bit-identical to the in-memory call.\n\n"
                    + (plain.__doc__ or ""))
    return lazy


rolling_cov = _pair("rolling_cov")
rolling_corr = _pair("rolling_corr")


def detect_anomalies(x: Any, threshold: float = 3.0, *, method: str = "zscore",
                     window: Optional[int] = None, axis: int = -1) -> da.Array:
    """Lazy :func:`hpcs.detect_anomalies` on a Dask array; computed,
    bit-identical to the in-memory call.  With ``window``, the rolling
    z-scores of this module; without, the exact whole-axis statistics
    (mean/std or median/MAD) of this module, then the flags chunk by chunk."""
    from hpcs import _anomaly

    if _frame_kind(x):
        return _on_frame(lambda _op, a, *args, **kw: detect_anomalies(a, *args, **kw),
                         SPECIAL["detect_anomalies"], x, (threshold,),
                         {"method": method, "window": window, "axis": axis})
    plain = hpcs.detect_anomalies.__hpcs_plain__
    x = _float_array(x)
    plain(np.zeros((1,) * builtins.max(x.ndim, 1), x.dtype), threshold, method=method,
          window=window, axis=-1 if x.ndim == 0 else axis)  # checks the arguments now
    ax = v.check_axis(axis, x.ndim)
    thr = float(threshold)
    robust = method == "robust"
    if window is not None:
        z = (rolling_robust_zscore if robust else rolling_zscore)(x, window, axis=ax)
        return z.map_blocks(_anomaly.flags, None, None, thr, dtype=bool)
    over = None if x.ndim == 1 else ax
    if robust:
        loc = median(x, axis=over, skipna=True)
        spread = mad(x, axis=over, skipna=True, scale=_anomaly.NORMAL_MAD_SCALE)
    else:
        loc, spread = mean(x, axis=over, skipna=True), std(x, axis=over, skipna=True)
    if over is not None:
        loc, spread = da.expand_dims(loc, ax), da.expand_dims(spread, ax)
    return da.map_blocks(_anomaly.flags, x, loc, spread, thr, dtype=bool)


__all__ += ["rolling_cov", "rolling_corr", "detect_anomalies"]


# -- trimmed / winsorized means: the cut points by selection, then exact sums


def _trim_plan(stats: Sequence[tuple], kind: str, lower: float, upper: float,
               skipna: bool) -> Any:
    """trim_body.h's (count, lo, hi) of the kept ranks; None: the mean is NaN."""
    count = builtins.sum(p[0] for p in stats)
    if builtins.any(p[1] for p in stats) and not skipna:
        return None
    lo = int(lower * float(count))
    hi = count - lo if kind == "trimmed_mean" else count - int(float(count) * upper)
    if count == 0 or (kind == "trimmed_mean" and lo == hi):
        return None
    if lo > hi or (kind == "winsorized_mean" and lo >= hi):
        raise ValueError(f"{kind}: the proportions to cut leave no value to average")
    return count, lo, hi


def _trim_rules(plan: Any) -> list:
    """The ranks lo and hi - 1 as trim_body.h asks hpcs_quantile for them."""
    if plan is None:
        return [(0.0, "nearest")]
    count, lo, hi = plan
    denom = float(count - 1) if count > 1 else 1.0
    return [(lo / denom, "nearest"), ((hi - 1) / denom, "nearest")]


def _trim_part(block: np.ndarray, plan: Any, cuts: Any) -> Any:
    """A block's exact sum of the values strictly between the cut points A
    and B, and its counts of values <= A and < B."""
    if plan is None:
        return None
    (a, _), (b, _) = cuts[1]
    vals, _ = _values(block, None)
    if a == b:
        return np.zeros(0), 0, 0
    terms, _ = _reduce._sum_partial(vals, (vals > a) & (vals < b))
    return terms, int((vals <= a).sum()), int((vals < b).sum())


def _trim_final(kind: str, plan: Any, cuts: Any, *parts: Any) -> float:
    if plan is None:
        return math.nan
    count, lo, hi = plan
    (a, _), (b, _) = cuts[1]
    terms = _terms([p[0] for p in parts])
    if a == b:
        xs, ks = [a], [hi - lo]
    else:
        le_a, lt_b = builtins.sum(p[1] for p in parts), builtins.sum(p[2] for p in parts)
        xs, ks = [a, b], [builtins.min(le_a, hi) - lo, hi - builtins.max(lt_b, lo)]
    if kind == "trimmed_mean":
        return _reduce._partials_muldiv(terms, xs, [builtins.max(k, 0) for k in ks], hi - lo)
    xs, ks = xs + [a, b], ks + [lo, count - hi]
    return _reduce._partials_muldiv(terms, xs, [builtins.max(k, 0) for k in ks], count)


def _robust_mean(name: str) -> Callable[..., Any]:
    from hpcs import _transform

    plain = getattr(hpcs, name).__hpcs_plain__

    sig = inspect.signature(plain)
    cut_name = list(sig.parameters)[1]  # proportiontocut / limits

    @functools.wraps(plain)
    def lazy(*call: Any, **kw: Any) -> Any:
        bound = sig.bind(*call, **kw)
        bound.apply_defaults()
        x, cut = bound.arguments["x"], bound.arguments[cut_name]
        axis, skipna = bound.arguments["axis"], bound.arguments["skipna"]
        if _frame_kind(x):
            return _on_frame(lambda _op, a, *args, **kw: lazy(a, *args, **kw), OPS[name], x,
                             (cut,), {"axis": axis, "skipna": skipna})
        x = _float_array(x)
        plain(np.zeros(1, x.dtype), cut, skipna=skipna)  # checks the arguments now
        if axis is not None:
            return _reduce_lines(OPS[name], x, v.check_axis(axis, x.ndim), (cut,),
                                 {"skipna": skipna})
        lower, upper = ((_transform._proportion(cut, "proportiontocut"),) * 2
                        if name == "trimmed_mean" else _transform.winsor_limits(cut))
        d = dask.delayed
        blocks = _blocks(x)
        plan = d(_trim_plan)([d(_stats)(b, None) for b in blocks], name, lower, upper, skipna)
        cuts = _select(blocks, d(_trim_rules)(plan), True)
        parts = [d(_trim_part)(b, plan, cuts) for b in blocks]
        return _from_delayed(d(_trim_final)(name, plan, cuts, *parts))

    lazy.__doc__ = (f"Lazy :func:`hpcs.{name}` on a Dask array or DataFrame; computed, "
                    "bit-identical to the in-memory call.  Over the whole array, the cut "
                    "points are selected as :func:`median` is (no chunk gathered), then "
                    "the kept values are summed exactly per chunk.\n\n" + (plain.__doc__ or ""))
    return lazy


trimmed_mean = _robust_mean("trimmed_mean")
winsorized_mean = _robust_mean("winsorized_mean")
__all__ += ["trimmed_mean", "winsorized_mean"]


# -- transforms and scans without gathering a line: statistics, then chunks;
#    scans as a chain of chunks along the axis


def _apply_transform(block: np.ndarray, shift: Any, spread: Any) -> np.ndarray:
    """transform_body.h's ``(T)(((double)x - shift) / spread)``, a zero
    spread read as NaN."""
    shift = np.asarray(shift, np.float64)
    spread = np.asarray(spread, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (block.astype(np.float64) - shift) / np.where(spread == 0.0, np.nan, spread)
    return z.astype(block.dtype)


def _extreme_or_nan(parts: Sequence[tuple], is_max: bool, skipna: bool) -> float:
    """min/max of the parts, NaN where :func:`hpcs.min` would raise
    (normalize_minmax of a slice without valid value is NaN)."""
    if builtins.any(p[1] for p in parts) or (not skipna and builtins.any(p[2] for p in parts)):
        return _extreme_total(parts, is_max, skipna, "")
    return math.nan


def _transform(name: str) -> Callable[..., Any]:
    plain = getattr(hpcs, name).__hpcs_plain__

    @functools.wraps(plain)
    def lazy(x: Any, axis: Any = None, **kwargs: Any) -> Any:
        if _frame_kind(x):
            return _on_frame(lambda _op, a, *args, **kw: lazy(a, *args, **kw), OPS[name], x,
                             (), dict(kwargs, axis=0 if axis is None else axis))
        x = _float_array(x)
        plain(np.zeros((1,) * builtins.max(x.ndim, 1), x.dtype), axis=None, **kwargs)  # checks
        skipna = bool(kwargs.get("skipna", False))
        if axis is not None and x.ndim > 1:
            # Statistics per line along the axis: each line in one chunk.
            return _whole_lines(plain, x, v.check_axis(axis, x.ndim), kwargs)
        if axis is not None:
            v.check_axis(axis, x.ndim)
        if name == "zscore":
            stats = [mean(x, skipna=skipna), std(x, skipna=skipna, ddof=kwargs.get("ddof", 0))]
        elif name == "robust_zscore":
            stats = [median(x, skipna=skipna), mad(x, skipna=skipna, scale="normal")]
        else:
            parts = [[dask.delayed(_extreme_part)(b, None, m) for b in _blocks(x)]
                     for m in (False, True)]
            lo, hi = (_from_delayed(dask.delayed(_extreme_or_nan)(p, m, skipna))
                      for p, m in zip(parts, (False, True)))
            stats = [lo, hi - lo]
        return da.map_blocks(_apply_transform, x, *stats, dtype=x.dtype)

    lazy.__doc__ = (f"Lazy :func:`hpcs.{name}` on a Dask array or DataFrame; computed, "
                    "bit-identical to the in-memory call: the exact statistics of this "
                    "module, then each chunk transformed where it is.\n\n"
                    + (plain.__doc__ or ""))
    return lazy


def _chain(x: da.Array, ax: int, step: Callable, label: str, reverse: bool = False) -> da.Array:
    """Blocks along ``ax`` in order (or reversed): ``step(context, block)``
    gives the output block and the context of the next one (None first)."""
    token = tokenize(x, label, ax, reverse, step)
    name = f"hpcs-{label}-{token}"
    nb = x.numblocks[ax]
    graph: dict = {}
    for idx in np.ndindex(*x.numblocks):
        i = idx[ax]
        prev = i + 1 if reverse else i - 1
        ctx = None
        if 0 <= prev < nb:
            ctx = (f"{name}-ctx",) + idx[:ax] + (prev,) + idx[ax + 1:]
        graph[(f"{name}-step",) + idx] = (step, ctx, (x.name,) + idx)
        graph[(name,) + idx] = (operator.getitem, (f"{name}-step",) + idx, 0)
        # A key of its own: only the context moves to the next block's task.
        graph[(f"{name}-ctx",) + idx] = (operator.getitem, (f"{name}-step",) + idx, 1)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[x])
    return da.Array(hlg, name, x.chunks, dtype=x.dtype)


def _last_valid(a: np.ndarray, ax: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along ``ax`` (of length >= 1), each line's last non-NaN value (NaN
    where none), its position, and whether there is one; the axis kept."""
    valid = ~np.isnan(a)
    last = np.expand_dims(a.shape[ax] - 1 - np.flip(valid, ax).argmax(axis=ax), ax)
    has = np.expand_dims(valid.any(axis=ax), ax)
    return np.where(has, np.take_along_axis(a, last, ax), np.nan), last, has


def _cum_step(func: Callable, ax: int, skipna: bool, ctx: Any,
              block: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """cummin/cummax of a block behind the running extreme so far (one
    value per line, NaN for none yet), by the in-memory kernel."""
    if ctx is None:
        out = func(block, axis=ax, skipna=skipna)
        full = out
    else:
        full = func(np.concatenate([ctx, block], axis=ax), axis=ax, skipna=skipna)
        out = full[_along(full.ndim, ax, slice(1, None))]
    if full.shape[ax] == 0:
        return out, ctx
    if not skipna:
        return out, full[_along(full.ndim, ax, slice(-1, None))]
    return out, _last_valid(full, ax)[0]


def _fill_step(func: Callable, ax: int, limit: Any, backward: bool, ctx: Any,
               block: np.ndarray) -> Tuple[np.ndarray, tuple]:
    """ffill (bfill) of a block, then its leading (trailing) NaN run filled
    from the last valid value before it (after it): ``ctx`` = (value or
    NaN, NaNs between it and the block) per line."""
    out = func(block, limit=limit, axis=ax)
    b = np.flip(block, ax) if backward else block
    n = b.shape[ax]
    shape = list(b.shape)
    shape[ax] = 1
    if n == 0:
        return out, ctx if ctx is not None else (np.full(shape, np.nan, b.dtype),
                                                 np.zeros(shape, np.int64))
    value, last, has = _last_valid(b, ax)
    first = np.where(has, np.expand_dims((~np.isnan(b)).argmax(axis=ax), ax), n)
    if ctx is not None:
        before, gap = ctx
        pos = np.arange(n).reshape([-1 if i == ax else 1 for i in range(b.ndim)])
        fill = (pos < first) & ~np.isnan(before)
        if limit is not None:
            fill &= gap + pos + 1 <= limit
        o = np.flip(out, ax) if backward else out
        o = np.where(fill, before.astype(b.dtype), o)
        out = np.flip(o, ax) if backward else o
    # Context of the next block: this block's last valid value and the NaNs after it.
    gap = np.where(has, n - 1 - last, n)
    if ctx is not None:
        value = np.where(has, value, ctx[0])
        gap = np.where(has, gap, ctx[1] + n)
    return out, (value, gap)


def _scan(name: str) -> Callable[..., Any]:
    plain = getattr(hpcs, name).__hpcs_plain__

    @functools.wraps(plain)
    def lazy(x: Any, *args: Any, **kwargs: Any) -> Any:
        if _frame_kind(x):
            return _on_frame(lambda _op, a, *ar, **kw: lazy(a, *ar, **kw), OPS[name], x, args,
                             kwargs)
        x = _checked(plain, x, args, kwargs)
        if name in ("cummin", "cummax"):
            axis = args[0] if args else kwargs.get("axis", -1)
            ax = v.check_axis(axis, x.ndim)
            step = functools.partial(_cum_step, plain, ax, bool(kwargs.get("skipna", False)))
            return _chain(x, ax, step, name)
        ax = v.check_axis(kwargs.get("axis", -1), x.ndim)
        limit = kwargs.get("limit")
        step = functools.partial(_fill_step, plain, ax, limit, name == "bfill")
        return _chain(x, ax, step, name, reverse=name == "bfill")

    lazy.__doc__ = (f"Lazy :func:`hpcs.{name}` on a Dask array or DataFrame; computed, "
                    "bit-identical to the in-memory call: the chunks along the axis run in "
                    "order, each given what it needs of the ones before it (one value per "
                    "line).\n\n" + (plain.__doc__ or ""))
    return lazy


def clip(x: Any, lo: Any, hi: Any) -> Any:
    plain = hpcs.clip.__hpcs_plain__
    if _frame_kind(x):
        return _on_frame(lambda _op, a, *args, **kw: clip(a, *args), OPS["clip"], x, (lo, hi), {})
    x = _float_array(x)
    plain(np.zeros(1, x.dtype), lo, hi)  # checks the arguments now
    return x.map_blocks(plain, lo, hi, dtype=x.dtype)


def diff(x: Any, n: int = 1, axis: int = -1) -> Any:
    plain = hpcs.diff.__hpcs_plain__
    if _frame_kind(x):
        return _on_frame(lambda _op, a, *args, **kw: diff(a, *args, **kw), OPS["diff"], x, (n,),
                         {"axis": axis})
    x = _float_array(x)
    plain(np.zeros((2,) * builtins.max(x.ndim, 1), x.dtype), n, axis=axis)  # checks
    ax = v.check_axis(axis, x.ndim)
    # NumPy's repeated first differences, which the C kernel's bits are.
    for _ in range(builtins.min(int(n), x.shape[ax] + 1)):
        x = x[_along(x.ndim, ax, slice(1, None))] - x[_along(x.ndim, ax, slice(None, -1))]
    return x


clip.__doc__ = ("Lazy :func:`hpcs.clip` on a Dask array or DataFrame, chunk by chunk.\n\n"
                + (hpcs.clip.__doc__ or ""))
diff.__doc__ = ("Lazy :func:`hpcs.diff` on a Dask array or DataFrame: differences across "
                "chunk borders by Dask's slicing, the in-memory call's bits.\n\n"
                + (hpcs.diff.__doc__ or ""))
zscore = _transform("zscore")
robust_zscore = _transform("robust_zscore")
normalize_minmax = _transform("normalize_minmax")
cummin, cummax, ffill, bfill = (_scan(n) for n in ("cummin", "cummax", "ffill", "bfill"))

from hpcs import _dask_group  # noqa: E402  (needs _float_array above)

for _op in OPS.values():
    if _op.family == "group":
        globals()[_op.name] = _dask_group.make(_op.name[len("group_"):], _float_array)
        __all__.append(_op.name)
del _op

# ewma/ewmvar/ewmstd, outside OPS (hpcs._ops._special): on Dask by their family.
for _op in SPECIAL.values():
    if _op.family == "ewm":
        globals()[_op.name] = _make(_op)
        __all__.append(_op.name)
del _op
