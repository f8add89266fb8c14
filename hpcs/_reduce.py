"""Reductions: sum, mean, var, std, min, max, median, mad, quantile; exact partial sums.

Each wrapper validates its arguments, describes the array to C as
(outer, n, inner) — no copy for C- or F-contiguous float64/float32 input —
calls the kernel and shapes the result like NumPy does.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np

from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib
from hpcs._ops import OPS, Kernels

ArrayLike = Any
Result = Union[float, np.ndarray]

_SKIPNA = lib.HPCS_SKIPNA
_ROUND_FLOAT = lib.HPCS_ROUND_FLOAT
#: Correctly rounded operations: along an axis of float32 input, C rounds
#: their exact value once to float (not to double, then to float).
_ROUNDED_ONCE = frozenset({"sum", "mean"})
QUANTILE_METHODS = {
    "linear": lib.HPCS_Q_LINEAR,
    "lower": lib.HPCS_Q_LOWER,
    "higher": lib.HPCS_Q_HIGHER,
    "midpoint": lib.HPCS_Q_MIDPOINT,
    "nearest": lib.HPCS_Q_NEAREST,
}


class _Layout:
    """An input array prepared for C: data pointer, (outer, n, inner) and result shape."""

    __slots__ = ("arr", "ptr", "outer", "n", "inner", "shape", "axis", "mask", "reversed")

    def __init__(self, x: ArrayLike, axis: Optional[Any], where: Optional[Any] = None) -> None:
        arr = v.as_float_array(x)
        if where is not None:
            v.reject_masked(where, "where")
        mask = None if where is None else np.asarray(where)
        if axis is not None:
            axis = v.check_axis(axis, arr.ndim)
        self.reversed = arr.ndim > 1 and not arr.flags.c_contiguous and arr.flags.f_contiguous
        if self.reversed:
            # An F-ordered array is the C-ordered transpose: no copy needed.
            if axis is not None:
                axis = arr.ndim - 1 - axis
            if mask is not None:
                mask = np.broadcast_to(mask, arr.shape).T
            arr = arr.T
        arr = v.c_layout(arr)
        if axis is None:
            self.outer, self.n, self.inner = 1, arr.size, 1
            self.shape = None
        else:
            self.outer, self.n, self.inner = v.split_shape(arr.shape, axis)
            self.shape = arr.shape[:axis] + arr.shape[axis + 1 :]
        self.mask = ffi.NULL if mask is None else ffi.from_buffer(v.check_where(mask, arr.shape))
        self.arr = arr
        self.ptr = ffi.from_buffer(C_TYPES[arr.dtype][0], arr)
        self.axis = axis

    def output(self, nres: int = 1) -> tuple[np.ndarray, Any]:
        out = np.empty(nres * self.outer * self.inner, dtype=np.float64)
        return out, ffi.from_buffer("double[]", out, require_writable=True)

    def result(self, out: np.ndarray, lead: tuple[int, ...] = ()) -> Result:
        """Shape the C output like NumPy: a float for axis=None, else an array."""
        if self.shape is None and not lead:
            return float(out[0])
        shape = lead + (self.shape if self.shape is not None else ())
        res = out.reshape(shape)
        if self.reversed and self.shape is not None:
            # Computed on the transpose: put the remaining axes back in order.
            res = res.transpose(list(range(len(lead))) + list(range(res.ndim - 1, len(lead) - 1, -1)))
            res = np.ascontiguousarray(res)
        if self.shape is not None and self.arr.dtype == np.float32:
            # Along an axis NumPy keeps float32 (accumulation was in double).
            res = res.astype(np.float32)
        return res


#: Spare ``double *`` cells for scalar results.  A call pops one and puts it
#: back once it has read the result, so concurrent calls (cffi releases the
#: GIL) and re-entrant ones (a signal handler) never share a cell;
#: list.pop/append are atomic.  ffi.new costs more than the whole C call of
#: a small reduction.
_CELLS: list = []
_NULL = ffi.NULL
_DOUBLES = ffi.typeof("double[]")
_from_buffer = ffi.from_buffer


def _reduce(op: Kernels, x: ArrayLike, axis: Any, skipna: bool, params: tuple = (),
            where: Any = None, lead: Optional[tuple[int, ...]] = None) -> Result:
    """Run ``hpcs_<op>_<dtype>(x, outer, n, inner, [mask,] *params, flags, out)``.

    The mask argument is there when the registry row says ``takes_where``.

    ``lead`` is the shape of the leading result axis when there are several
    results per slice (quantile with a 1-D q); None means one result.

    The common call — a whole C-contiguous float64/float32 ndarray, no axis,
    mask or leading axis — goes straight to the kernel: at ~100 elements
    Python bookkeeping, not the kernel, is the cost of a call.
    """
    flags = _SKIPNA if skipna else 0
    if axis is None and where is None and lead is None and type(x) is np.ndarray:
        kernel = op.by_dtype.get(x.dtype)
        if kernel is not None:
            func, ctype = kernel
            try:
                ptr = _from_buffer(ctype, x)
            except ValueError:  # not C-contiguous: the general path copies it
                pass
            else:
                try:
                    cell = _CELLS.pop()
                except IndexError:
                    cell = ffi.new("double *")
                # Spelled out by arity: a call with *params builds an argument
                # tuple, measurable on small inputs (docs/decisions.md).
                if not params:  # sum, mean, min, max, median
                    rc = (func(ptr, 1, x.size, 1, _NULL, flags, cell) if op.takes_where
                          else func(ptr, 1, x.size, 1, flags, cell))
                elif op.takes_where:  # var, std: ddof
                    rc = func(ptr, 1, x.size, 1, _NULL, params[0], flags, cell)
                else:  # mad, quantile
                    rc = func(ptr, 1, x.size, 1, *params, flags, cell)
                if rc:
                    check(rc, op.name)
                value = cell[0]
                _CELLS.append(cell)
                return value
    return _reduce_general(op, x, axis, flags, params, where, lead)


def _reduce_general(op: Kernels, x: ArrayLike, axis: Any, flags: int, params: tuple, where: Any,
                    lead: Optional[tuple[int, ...]]) -> Result:
    """:func:`_reduce` for any input: converts x, splits it along ``axis``, shapes the result.

    A ``numpy.ma`` input leaves its masked values out: through ``where`` for
    the ops that take one; for the others the masked values are NaN in the
    converted array, skipped, and a slice is NaN if it has an unmasked NaN
    and NaNs are not skipped.
    """
    masked_select = False
    if op.takes_where:
        where = v.masked_where(x, where)
    elif isinstance(x, np.ma.MaskedArray) and not flags & _SKIPNA:
        masked_select = True
        flags |= _SKIPNA
    lay = _Layout(x, axis, where)
    if lay.shape is not None and lay.arr.dtype == np.float32 and op.name in _ROUNDED_ONCE:
        flags |= _ROUND_FLOAT  # the float32 result is rounded once, from the exact value
    out, optr = lay.output(1 if lead is None else math.prod(lead))
    mask = (lay.mask,) if op.takes_where else ()
    func = op.by_dtype[lay.arr.dtype][0]
    check(func(lay.ptr, lay.outer, lay.n, lay.inner, *mask, *params, flags, optr), op.name)
    result = lay.result(out, lead or ())
    return v.unmasked_nan(x, axis, result) if masked_select else result


_SUM = OPS["sum"].kernels


def sum(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Sum of the elements (compensated: error independent of the length).

    Parameters
    ----------
    x : array_like
        Input data; float64/float32 are read without a copy.
    axis : int, optional
        Axis to reduce; None (default) reduces the flattened array.
    skipna : bool
        Ignore NaN (like ``numpy.nansum``).
    where : array_like of bool, optional
        Elements to include, broadcast to ``x``.

    Returns
    -------
    float, or ndarray when ``axis`` is given.  Empty input gives 0.0.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.sum([1.0, 2.0, 3.0])
    6.0
    >>> hpcs.sum([[1, 2], [3, 4]], axis=0)
    array([4., 6.])
    >>> hpcs.sum([1.0, float("nan")], skipna=True)
    1.0
    """
    return _reduce(_SUM, x, axis, skipna, (), where)


_MEAN = OPS["mean"].kernels


def mean(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
         where: Optional[ArrayLike] = None) -> Result:
    """Arithmetic mean (compensated sum / count); NaN for empty input.

    Parameters are those of :func:`sum`.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.mean([1.0, 2.0, 3.0, 4.0])
    2.5
    >>> hpcs.mean([1.0, 2.0, 30.0], where=[True, True, False])
    1.5
    """
    return _reduce(_MEAN, x, axis, skipna, (), where)


_MIN = OPS["min"].kernels


def min(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Minimum; NaN if any NaN unless ``skipna``.  Empty input raises ValueError.

    Parameters are those of :func:`sum`.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.min([3.0, 1.0, 2.0])
    1.0
    >>> hpcs.min([3.0, float("nan")], skipna=True)
    3.0
    """
    return _reduce(_MIN, x, axis, skipna, (), where)


_MAX = OPS["max"].kernels


def max(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Maximum; NaN if any NaN unless ``skipna``.  Empty input raises ValueError.

    Parameters are those of :func:`sum`.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.max([3.0, 1.0, 2.0])
    3.0
    """
    return _reduce(_MAX, x, axis, skipna, (), where)


_VAR = OPS["var"].kernels


def var(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Variance, ``sum((x - mean)**2) / (count - ddof)``; one stable pass over memory.

    Parameters are those of :func:`sum`, plus ``ddof`` (>= 0).  NaN when
    ``count <= ddof``.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.var([1.0, 2.0, 3.0, 4.0])
    1.25
    >>> round(hpcs.var([1.0, 2.0, 3.0, 4.0], ddof=1), 6)
    1.666667
    """
    return _reduce(_VAR, x, axis, skipna, (v.check_ddof(ddof),), where)


_STD = OPS["std"].kernels


def std(x: ArrayLike, axis: Optional[int] = None, *, ddof: int = 0, skipna: bool = False,
        where: Optional[ArrayLike] = None) -> Result:
    """Standard deviation, the square root of :func:`var`.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    2.0
    """
    return _reduce(_STD, x, axis, skipna, (v.check_ddof(ddof),), where)


_MEDIAN = OPS["median"].kernels


def median(x: ArrayLike, axis: Optional[int] = None, *, skipna: bool = False) -> Result:
    """Median (selection on a scratch copy, O(n)); NaN for empty input.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.median([3.0, 1.0, 2.0, 10.0])
    2.5
    >>> hpcs.median([1.0, float("nan"), 3.0], skipna=True)
    2.0
    """
    return _reduce(_MEDIAN, x, axis, skipna)


_MAD = OPS["mad"].kernels


def mad(x: ArrayLike, axis: Optional[int] = None, *, scale: Union[float, str] = 1.0,
        skipna: bool = False) -> Result:
    """Median absolute deviation, ``median(|x - median(x)|) * scale``.

    ``scale="normal"`` multiplies by 1.482602218505602, making the MAD a
    consistent estimator of the standard deviation for normal data.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.mad([1.0, 2.0, 3.0, 4.0, 100.0])
    1.0
    >>> hpcs.mad([1.0, 2.0, 3.0, 4.0, 100.0], scale="normal")
    1.482602218505602
    """
    return _reduce(_MAD, x, axis, skipna, (v.check_scale(scale),))


_QUANTILE = OPS["quantile"].kernels


def quantile(x: ArrayLike, q: Union[float, ArrayLike], axis: Optional[int] = None, *,
             method: str = "linear", skipna: bool = False) -> Result:
    """Quantile(s) ``q`` in [0, 1], as ``numpy.quantile(x, q, axis, method=method)``.

    ``method`` is one of "linear", "lower", "higher", "midpoint", "nearest".
    A 1-D ``q`` puts the quantiles on a new first axis of the result.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.quantile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    >>> hpcs.quantile([1.0, 2.0, 3.0, 4.0], [0.0, 1.0])
    array([1., 4.])
    """
    if type(q) is float and 0.0 <= q <= 1.0:  # the common call: one probability, no array
        m = v.check_method(method, QUANTILE_METHODS)
        return _reduce(_QUANTILE, x, axis, skipna, (ffi.new("double *", q), 1, m))
    qa = v.check_quantiles(q)
    m = v.check_method(method, QUANTILE_METHODS)
    if qa.size == 0:  # as NumPy: an empty leading axis
        return _Layout(x, axis).result(np.empty(0), (0,))
    params = (_from_buffer(_DOUBLES, qa), qa.size, m)
    return _reduce(_QUANTILE, x, axis, skipna, params, None, None if qa.ndim == 0 else qa.shape)


# ---- exact partial sums (private: for combining chunk results, hpcs.dask) ----


def _partial(kind: str, x: ArrayLike, where: Any, skipna: bool, extra: tuple) -> tuple[np.ndarray, int]:
    """Run ``hpcs_<kind>_partial_<dtype>`` over the flattened ``x``."""
    arr = np.ravel(v.as_float_array(x), order="C")
    arr = np.ascontiguousarray(arr)
    mask = ffi.NULL
    if where is not None:
        mask = ffi.from_buffer(v.check_where(np.ravel(np.broadcast_to(where, np.shape(x))), arr.shape))
    ctype, sfx = C_TYPES[arr.dtype]
    terms = np.empty(lib.HPCS_PARTIAL_MAX, dtype=np.float64)
    nterms = ffi.new("int64_t *")
    count = ffi.new("int64_t *")
    func = getattr(lib, f"hpcs_{kind}_partial_{sfx}")
    check(func(ffi.from_buffer(ctype, arr), arr.size, mask, _SKIPNA if skipna else 0, *extra,
               ffi.from_buffer("double[]", terms, require_writable=True), nterms, count), kind)
    return terms[: nterms[0]].copy(), int(count[0])


def _sum_partial(x: ArrayLike, where: Any = None, skipna: bool = False) -> tuple[np.ndarray, int]:
    """The exact sum of the included values of ``x`` (flattened) as a few doubles, and their count.

    The exact sum of the returned terms is the exact sum of the values (a
    non-finite sum is one term: NaN, inf or -inf).  Concatenating the terms of
    several chunks and passing them to :func:`_partials_div` gives the bits
    of the in-memory call.

    >>> terms, count = _sum_partial([1e16, 1.0, -1e16, 0.5])
    >>> terms.tolist(), count
    ([1.5], 4)
    """
    return _partial("sum", x, where, skipna, ())


def _sumsq_partial(x: ArrayLike, mean: float, scale: float = 1.0, where: Any = None,
                   skipna: bool = False) -> tuple[np.ndarray, int]:
    """Terms of the exact sum of ``fl(fl(x * scale - mean * scale) ** 2)``, and the count.

    With ``mean`` the correctly rounded mean of the whole data,
    ``_partials_div(terms, count - ddof)`` is ``hpcs.var`` (see hpcs.h for
    the rescaling when that overflows).

    >>> terms, count = _sumsq_partial([1.0, 2.0, 3.0], 2.0)
    >>> terms.tolist(), count
    ([2.0], 3)
    """
    return _partial("sumsq", x, where, skipna, (float(mean), float(scale)))


def _partials_div(terms: ArrayLike, divisor: int) -> float:
    """The double nearest to (exact sum of ``terms``) / ``divisor``; NaN for divisor 0.

    >>> _partials_div([1e16, 1.0, -1e16], 1)
    1.0
    >>> _partials_div([1.0, 2.0], 3)
    1.0
    """
    return _partials_muldiv(terms, (), (), divisor)


def _partials_muldiv(terms: ArrayLike, x: Sequence[float], k: Sequence[int],
                     divisor: int) -> float:
    """The double nearest to (exact sum of ``terms`` + sum of ``x[i] * k[i]``) / ``divisor``.

    >>> _partials_muldiv([0.5], [1e308], [100], 100)
    1e+308
    """
    t = np.ascontiguousarray(terms, dtype=np.float64).ravel()
    xs = np.ascontiguousarray(x, dtype=np.float64)
    ks = np.ascontiguousarray(k, dtype=np.int64)
    out = ffi.new("double *")
    check(lib.hpcs_partials_muldiv(ffi.from_buffer("double[]", t), t.size,
                                   ffi.from_buffer("double[]", xs), ffi.from_buffer("int64_t[]", ks),
                                   xs.size, int(divisor), out), "partials_muldiv")
    return float(out[0])
