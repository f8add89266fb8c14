"""Group operations on Dask arrays (contract §4, §10), for :mod:`hpcs.dask`.

The in-memory kernel cuts the series into parts whose bounds depend only on
its length and the number of groups (``hpcs_group_parts``), fills one table
of per-group accumulators per part, and merges the tables in part order.
Here the parts starting in a chunk are filled by one task on that chunk,
which takes the rest of its last part from the chunks after it (only that
piece moves between workers; a chunk boundary inside a part changes
nothing, the pass just continues in the next slice), and one last task
merges all the tables in part order and finalises: the same arithmetic, so
the same bits, for any chunking and scheduler.
"""

from __future__ import annotations

import bisect
import math
import operator
from typing import Any, Callable, List, Optional, Sequence, Tuple

import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from hpcs import _group
from hpcs import _validate as v



def _as_codes(piece: np.ndarray) -> np.ndarray:
    if piece.dtype.kind == "u" and piece.size and piece.max() > v.INT64_MAX:
        raise ValueError("groups: codes must fit in int64")
    return np.ascontiguousarray(piece, dtype=np.int64)


def _part_tables(op: str, ngroups: int, skipna: bool, part_len: int,
                 xs: Sequence[np.ndarray], gs: Sequence[np.ndarray]) -> List[np.ndarray]:
    """The tables of consecutive parts (``part_len`` values each, the last
    one maybe fewer) from their value slices ``xs`` and code slices ``gs``
    (each list in order, covering the parts; their cuts need not match)."""
    xe = np.cumsum([0] + [len(a) for a in xs]).tolist()
    ge = np.cumsum([0] + [len(a) for a in gs]).tolist()
    starts = list(range(0, xe[-1], part_len)) or [0]
    tables = [_group._new_table(op, ngroups) for _ in starts]
    cuts = sorted(set(xe) | set(ge) | set(starts))
    for lo, hi in zip(cuts, cuts[1:]):
        i = bisect.bisect_right(xe, lo) - 1
        j = bisect.bisect_right(ge, lo) - 1
        _group._accumulate(tables[lo // part_len],
                           op, np.ascontiguousarray(xs[i][lo - xe[i]:hi - xe[i]]),
                           _as_codes(gs[j][lo - ge[j]:hi - ge[j]]), skipna)
    return tables


def _finish(tables: Sequence[List[np.ndarray]], op: str, ngroups: int, ddof: int,
            dtype: np.dtype) -> np.ndarray:
    return _group._finish([t for run in tables for t in run], op, ngroups, ddof, dtype)


def _slices(graph: dict, arr: da.Array, bounds: List[int], name: str, task: int, start: int,
            stop: int) -> list:
    """Keys of the pieces of ``arr`` (1-D, chunk bounds ``bounds``) covering
    [start, stop): whole chunks as they are, a slice task for a chunk the
    part covers only partly."""
    keys = []
    for j in range(max(bisect.bisect_right(bounds, start) - 1, 0), len(bounds) - 1):
        b0, b1 = bounds[j], bounds[j + 1]
        if b0 >= stop:
            break
        if b1 <= start:
            continue
        lo, hi = max(start, b0) - b0, min(stop, b1) - b0
        if lo == 0 and hi == b1 - b0:
            keys.append((arr.name, j))
        else:
            graph[(name, task, j)] = (operator.getitem, (arr.name, j), slice(lo, hi))
            keys.append((name, task, j))
    return keys


def _known(arr: da.Array, what: str) -> None:
    if any(math.isnan(c) for c in arr.chunks[0]):
        raise ValueError(f"{what}: chunk sizes unknown; call compute_chunk_sizes() first")


def _codes_array(groups: Any, x: da.Array, ngroups: Any) -> Tuple[da.Array, int]:
    """groups as a 1-D dask array of integer codes and the number of groups
    (``max(code) + 1`` computed now when ``ngroups`` is None)."""
    size = int(x.shape[0])
    if not isinstance(groups, da.Array):
        codes, k = _group._codes(groups, size, ngroups)  # every check, as in memory
        if codes.size and codes.max() >= k:  # in memory already: say so now
            raise _group._not_below(k)
        return da.from_array(codes, chunks=x.chunks), k
    g = groups.reshape(-1) if groups.ndim != 1 else groups
    _known(g, "groups")
    g = _group._checked(g, size)
    return g, _group._ngroups(ngroups, lambda: g.max().compute() if g.size else -1)


def group_op(op: str, x: da.Array, groups: Any, ngroups: Optional[Any], skipna: bool,
             ddof: int = 0) -> da.Array:
    """Lazy ``hpcs.group_<op>`` of the float dask array ``x`` (any shape,
    flattened in C order as in memory)."""
    if x.ndim != 1:
        x = x.reshape(-1)
    _known(x, "x")
    n = int(x.shape[0])
    g, k = _codes_array(groups, x, ngroups)
    skipna = bool(skipna)
    part_len, nparts = _group._parts(n, k)
    dtype = np.dtype(np.int64) if op == "count" else x.dtype
    token = tokenize(x, g, op, k, skipna, ddof)
    name = f"hpcs-group-{op}-{token}"
    graph: dict = {}
    runs = []
    xb, gb = (np.cumsum((0,) + a.chunks[0]).tolist() for a in (x, g))
    # One task per chunk of x in which parts start: it fills their tables,
    # taking the rest of its last part from the chunks after it.
    for c in range(len(xb) - 1):
        first = -(-xb[c] // part_len)
        last = min(-(-xb[c + 1] // part_len), nparts)
        if first >= last:
            continue
        start, stop = first * part_len, min(n, last * part_len)
        xs = _slices(graph, x, xb, f"{name}-x", c, start, stop)
        gs = _slices(graph, g, gb, f"{name}-g", c, start, stop)
        graph[(f"{name}-parts", c)] = (_part_tables, op, k, skipna, part_len, xs, gs)
        runs.append((f"{name}-parts", c))
    if not runs:  # no value: one empty part
        graph[(f"{name}-parts", 0)] = (_part_tables, op, k, skipna, part_len, [], [])
        runs.append((f"{name}-parts", 0))
    graph[(name, 0)] = (_finish, runs, op, k, ddof, x.dtype)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[x, g])
    return da.Array(hlg, name, ((k,),), dtype=dtype)


_DOC = """Lazy :func:`hpcs.{name}` of a Dask array: computed, the result is
    bit-identical to the in-memory call for any chunking and scheduler.

    The in-memory kernel cuts the values into at most 256 parts whose bounds
    depend only on their number and ``ngroups``, one table of per-group
    accumulators per part; here the parts starting in a chunk are filled by
    one task on that chunk, fed the rest of its last part by the next chunks
    (only that piece moves), and a last task merges the tables in part
    order, as in memory.

    Parameters
    ----------
    x : dask.array.Array or array_like
        Values (any shape; flattened in C order, as in memory).
    groups : dask.array.Array or array_like of int
        One integer code per value; a negative code leaves the value out.
        Its chunks need not match those of ``x``.
    ngroups : int, optional
        Length of the result.  When omitted, ``max(code) + 1`` is computed
        **now** (one pass over ``groups``, not over ``x``): the part bounds,
        hence the graph, depend on it.  Give it to stay fully lazy.
    {extra}skipna : bool
        Leave NaN values out (default); else a NaN makes its group's result NaN.

    Returns
    -------
    dask.array.Array
        One chunk of ``ngroups`` entries ({dtype}).  A length mismatch,
        non-integer codes or a bad ``ngroups`` raise at the call; a code
        ``>= ngroups`` raises ValueError at the call when ``groups`` is in
        memory, when computed when it is a Dask array.

    Examples
    --------
    >>> import dask.array as da, numpy as np, hpcs, hpcs.dask
    >>> x = np.arange(10.0)
    >>> codes = np.array([0, 1, 2, -1, 0, 1, 2, 0, 1, 2])
    >>> lazy = hpcs.dask.{name}(da.from_array(x, chunks=3), codes, ngroups=3)
    >>> lazy.compute()
    {example}
    >>> np.array_equal(lazy.compute(), hpcs.{name}(x, codes, ngroups=3), equal_nan=True)
    True
"""

_EXAMPLES = {
    "group_sum": "array([11., 14., 17.])",
    "group_mean": "array([3.66666667, 4.66666667, 5.66666667])",
    "group_var": "array([8.22222222, 8.22222222, 8.22222222])",
    "group_std": "array([2.86744176, 2.86744176, 2.86744176])",
    "group_min": "array([0., 1., 2.])",
    "group_max": "array([7., 8., 9.])",
    "group_count": "array([3, 3, 3])",
}


def _docstring(op: str) -> str:
    name = f"group_{op}"
    extra = ("ddof : int\n        Delta degrees of freedom, as :func:`hpcs.var`.\n    "
             if op in ("var", "std") else "")
    return _DOC.format(name=name, extra=extra, example=_EXAMPLES[name],
                       dtype="int64" if op == "count" else "float64; float32 for float32 values")


def make(op: str, float_array: Callable[[Any], da.Array]) -> Callable[..., da.Array]:
    """The Dask twin of ``hpcs.group_<op>``; ``float_array`` converts x as
    the in-memory functions do."""
    name = f"group_{op}"

    def prepare(x: Any) -> da.Array:
        return float_array(_from_frame(x))

    if op in ("var", "std"):
        def lazy(x: Any, groups: Any, *, ngroups: Optional[int] = None, ddof: int = 0,
                 skipna: bool = True) -> da.Array:
            return group_op(op, prepare(x), _from_frame(groups), ngroups, skipna,
                            v.check_ddof(ddof))
    else:
        def lazy(x: Any, groups: Any, *, ngroups: Optional[int] = None,
                 skipna: bool = True) -> da.Array:
            return group_op(op, prepare(x), _from_frame(groups), ngroups, skipna)
    lazy.__name__ = lazy.__qualname__ = name
    lazy.__module__ = "hpcs.dask"
    lazy.__doc__ = _docstring(op)
    return lazy


def _from_frame(obj: Any) -> Any:
    """A dask Series/DataFrame as a dask array (known chunk sizes), else ``obj``."""
    if type(obj).__module__.startswith(("dask.dataframe", "dask_expr")):
        return obj.to_dask_array(lengths=True)
    return obj

