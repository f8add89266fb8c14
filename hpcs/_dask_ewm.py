"""ewma/ewmvar/ewmstd on Dask arrays: a chain of states along the axis.

A series' exponential window is sequential: the output at a position
depends on every value before it.  The in-memory kernel runs a small state
(pandas' recurrence: mean, centred moment, weights, count) along the
series, and the C library can resume it from a given state
(``hpcs_ewm*_resume``).  So each block's task takes its block and the state
the block before it along the axis ended in, and returns its output block
and the state it ends in: the steps are exactly those of one call on the
whole series, hence its bits, for any chunking.  The chain is sequential
along the axis and parallel across the blocks of the other axes.

>>> import dask.array as da, numpy as np, hpcs
>>> x = np.array([1.0, np.nan, 3.0, 2.0, 8.0])
>>> lazy = chain(hpcs._ops.SPECIAL["ewma"], da.from_array(x, chunks=2), alpha=0.5)
>>> np.array_equal(lazy.compute(), hpcs.ewma(x, alpha=0.5))
True
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

import hpcs
from hpcs import _ewm
from hpcs import _validate as v
from hpcs._ops import Op


def chain(op: Op, x: da.Array, *args: Any, axis: Any = -1, **kwargs: Any) -> da.Array:
    """Lazy ``op`` along ``axis`` of the float dask array ``x``; arguments are
    checked now, as the in-memory call checks them."""
    func = getattr(hpcs, op.name).__hpcs_plain__
    if x.ndim == 0:
        func(np.zeros(()), *args, axis=axis, **kwargs)  # raises as in memory
    ax = v.check_axis(axis, x.ndim)
    probe = func(np.zeros(1, x.dtype), *args, **kwargs)
    name = f"hpcs-{op.name}-{tokenize(x, op.name, ax, kwargs)}"
    step, state = f"{name}-step", f"{name}-state"
    run = functools.partial(_ewm.resume, op.name, axis=ax, **kwargs)
    last = x.numblocks[ax] - 1
    graph: dict = {}
    for idx in np.ndindex(*x.numblocks):
        i = idx[ax]
        prev = (state,) + idx[:ax] + (i - 1,) + idx[ax + 1:] if i else None
        graph[(step,) + idx] = (run, (x.name,) + idx, prev)
        graph[(name,) + idx] = (operator.getitem, (step,) + idx, 0)
        if i < last:  # only the small state moves to the next block's task
            graph[(state,) + idx] = (operator.getitem, (step,) + idx, 1)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[x])
    return da.Array(hlg, name, x.chunks, dtype=probe.dtype)
