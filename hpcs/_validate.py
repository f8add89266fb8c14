"""Argument validation shared by the public wrappers.

Every function here either returns a value the C layer can use as it is or
raises ``TypeError`` / ``ValueError`` naming the argument and the reason.

Masked arrays (``numpy.ma``) are honoured here, once for every function:
:func:`as_float_array` turns masked values into NaN (missing: rolling and
NaN-aware operations skip them, so ``min_periods`` applies), and
:func:`masked_where` gives the reductions that take ``where=`` the mask
``~x.mask`` (combined with any ``where`` given).  A masked array where it
has no meaning (``where=``, ``out=``, ``q``) is a TypeError, never
silently read without its mask.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any, Optional

import numpy as np

#: dtypes the C kernels read directly.
NATIVE_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
#: The same, by name: native builtin dtypes are singletons, so ``is`` tests them.
F64, F32 = NATIVE_DTYPES
INT64_MAX = int(np.iinfo(np.int64).max)
_MaskedArray = np.ma.MaskedArray


def as_float_array(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as a float64 or float32 ndarray in native byte order.

    float64/float32 arrays are returned as they are (no copy); integers and
    booleans become float64; other float widths become float64.  Complex,
    object, string, datetime and other non-numeric inputs raise TypeError.
    A ``numpy.ma`` masked array becomes a plain copy with its masked values
    NaN (missing).

    >>> as_float_array([1, 2]).dtype
    dtype('float64')
    >>> as_float_array(np.ones(3, dtype=np.float32)).dtype
    dtype('float32')
    >>> as_float_array(np.ma.array([1, 2, 3], mask=[0, 1, 0])).tolist()
    [1.0, nan, 3.0]
    """
    if type(x) is np.ndarray and (x.dtype is F64 or x.dtype is F32):
        return x  # the common case, decided by identity: native builtin dtypes are singletons
    if isinstance(x, _MaskedArray):
        return _masked_as_nan(x, name)
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested sequences
        raise TypeError(f"{name}: cannot be converted to a numeric array ({exc})") from None
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype.itemsize in (4, 8):
            return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))
        return arr.astype(np.float64)
    if kind in "iub":
        return arr.astype(np.float64)
    raise TypeError(
        f"{name}: unsupported dtype {arr.dtype} (expected a real numeric array: "
        "float64, float32, integer or bool)"
    )


def _masked_as_nan(x: np.ma.MaskedArray, name: str) -> np.ndarray:
    data = as_float_array(np.ma.getdata(x), name)
    mask = np.ma.getmaskarray(x)
    if not mask.any():
        return data
    data = np.array(data, copy=True)  # the caller's data is never written
    data[mask] = np.nan
    return data


def masked_where(x: Any, where: Any) -> Any:
    """``where`` with the masked values of a ``numpy.ma`` array ``x`` left out.

    Returns ``where`` itself when ``x`` is not a masked array (or masks
    nothing), else the boolean array ``~mask`` (and ``where``, broadcast).

    >>> masked_where(np.ma.array([1.0, 2.0], mask=[1, 0]), None).tolist()
    [False, True]
    >>> masked_where([1.0, 2.0], None) is None
    True
    """
    if not isinstance(x, _MaskedArray):
        return where
    reject_masked(where, "where")
    mask = np.ma.getmaskarray(x)
    if not mask.any():
        return where
    keep = ~mask
    if where is None:
        return keep
    return keep & check_where(where, keep.shape).view(np.bool_)


def unmasked_nan(x: np.ma.MaskedArray, axis: Any, result: Any) -> Any:
    """``result`` with NaN for the slices of ``x`` along ``axis`` holding an unmasked NaN.

    For an operation computed on ``x`` with masked values skipped as NaN:
    without ``skipna`` an unmasked NaN must still give NaN.

    >>> unmasked_nan(np.ma.array([np.nan, 1.0], mask=[0, 0]), None, 1.0)
    nan
    """
    data = np.ma.getdata(x)
    if data.dtype.kind not in "fc":
        return result  # integers hold no NaN
    bad = np.any(np.isnan(data) & ~np.ma.getmaskarray(x), axis=axis)
    if bad.ndim == 0:
        if not bad:
            return result
        return math.nan if isinstance(result, float) else np.full_like(result, np.nan)
    result[..., bad] = np.nan  # a fresh array: the wrappers own their results
    return result


def reject_masked(value: Any, name: str) -> None:
    """TypeError if ``value`` is a ``numpy.ma`` array: ``name`` has no use for a mask.

    >>> reject_masked(np.ma.array([1.0]), "out")
    Traceback (most recent call last):
    ...
    TypeError: out: a masked array (numpy.ma) is not accepted here; pass a plain ndarray
    """
    if isinstance(value, _MaskedArray):
        raise TypeError(f"{name}: a masked array (numpy.ma) is not accepted here; "
                        "pass a plain ndarray")


def c_layout(arr: np.ndarray) -> np.ndarray:
    """Return ``arr`` C-contiguous (itself when it already is).

    >>> c_layout(np.ones((2, 3)).T).flags.c_contiguous
    True
    """
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def check_axis(axis: Any, ndim: int) -> int:
    """Normalize an integer axis (negative counts from the end) for an ndim-D array.

    >>> check_axis(-1, 3)
    2
    """
    if type(axis) is int and -ndim <= axis < ndim:
        return axis + ndim if axis < 0 else axis  # the common call (type() excludes bool)
    try:
        index = int(operator.index(axis))  # numpy's bool is no index: only Python's to reject
        if type(axis) is bool:
            raise TypeError
    except TypeError:
        raise TypeError(f"axis: must be an integer or None, got {type(axis).__name__}") from None
    if not -ndim <= index < ndim:
        raise ValueError(f"axis: {index} is out of bounds for an array of dimension {ndim}")
    return index + ndim if index < 0 else index


def split_shape(shape: tuple[int, ...], axis: int) -> tuple[int, int, int]:
    """(outer, n, inner) of a C-contiguous array of ``shape`` along ``axis``.

    >>> split_shape((2, 3, 4), 1)
    (2, 3, 4)
    """
    # math.prod of Python ints: np.prod would cost microseconds per call.
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1 :])


def _integer(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: must be an integer, got bool {value!r}")
    try:
        result = operator.index(value)
    except TypeError:
        raise ValueError(f"{name}: must be an integer, got {value!r}") from None
    if result > INT64_MAX:
        raise ValueError(f"{name}: {result} does not fit in 64 bits")
    return int(result)


def check_window(window: Any, min_periods: Optional[Any]) -> tuple[int, int]:
    """Validate a rolling window and min_periods (None means ``window``).

    >>> check_window(5, None)
    (5, 5)
    >>> check_window(5, 2)
    (5, 2)
    """
    w = _integer(window, "window")
    if w < 1:
        raise ValueError(f"window: must be >= 1, got {w}")
    if min_periods is None:
        return w, w
    mp = _integer(min_periods, "min_periods")
    if not 1 <= mp <= w:
        raise ValueError(f"min_periods: must be in [1, window={w}], got {mp}")
    return w, mp


def check_ddof(ddof: Any) -> int:
    """Validate ddof: a non-negative integer.

    >>> check_ddof(1)
    1
    """
    if type(ddof) is int and 0 <= ddof <= INT64_MAX:
        return ddof  # the common call, without the checks below
    d = _integer(ddof, "ddof")
    if d < 0:
        raise ValueError(f"ddof: must be >= 0, got {d}")
    return d


def check_quantiles(q: Any) -> np.ndarray:
    """Return q as a contiguous float64 array of probabilities in [0, 1] (0-D or 1-D).

    >>> check_quantiles([0.25, 0.5]).tolist()
    [0.25, 0.5]
    """
    if type(q) is float and 0.0 <= q <= 1.0:
        return np.array(q)  # the common call, without the checks below
    reject_masked(q, "q")
    try:
        qa = np.asarray(q)
        if qa.dtype.kind not in "biuf" and not (
                qa.dtype.kind == "O" and all(isinstance(e, numbers.Real) for e in qa.flat)):
            raise TypeError  # None, strings, complex, dates: not probabilities
        qa = np.array(qa, dtype=np.float64)  # a contiguous copy; keeps 0-D
    except (TypeError, ValueError):
        raise TypeError(f"q: must be a number or a 1-D sequence of numbers, got {q!r}") from None
    if qa.ndim > 1:
        raise ValueError(f"q: must be a scalar or 1-D, got {qa.ndim}-D")
    if not np.all((qa >= 0.0) & (qa <= 1.0)):  # also rejects NaN
        raise ValueError(f"q: probabilities must be in [0, 1], got {q!r}")
    return qa


def check_probability(q: Any) -> float:
    """A single probability in [0, 1], as a float (rolling_quantile's ``q``).

    >>> check_probability(0.25)
    0.25
    """
    if type(q) is float and 0.0 <= q <= 1.0:
        return q  # the common call, without the checks of check_quantiles
    qa = check_quantiles(q)
    if qa.ndim != 0:
        raise ValueError("q: rolling_quantile takes a single probability")
    return float(qa)


def check_scale(scale: Any) -> float:
    """MAD scale: a number, or "normal" for the consistency constant 1.4826…

    >>> check_scale("normal")
    1.482602218505602
    """
    if type(scale) is float:
        return scale  # the common call
    if isinstance(scale, str):
        if scale == "normal":
            return 1.482602218505602
        raise ValueError(f"scale: must be a number or 'normal', got {scale!r}")
    try:
        return float(scale)
    except (TypeError, ValueError):
        raise TypeError(f"scale: must be a number or 'normal', got {scale!r}") from None


def check_where(where: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Broadcast a boolean mask to ``shape``; return it C-contiguous as uint8.

    >>> check_where(True, (2,)).tolist()
    [1, 1]
    """
    mask = np.asarray(where)
    if mask.dtype != np.bool_:
        raise TypeError(f"where: must be a boolean mask, got dtype {mask.dtype}")
    try:
        mask = np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(
            f"where: shape {mask.shape} cannot be broadcast to the input's shape {shape}"
        ) from None
    return np.ascontiguousarray(mask).view(np.uint8)


def check_out(out: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Validate a preallocated output: ndarray of ``shape`` and ``dtype``, C-contiguous, writable.

    >>> check_out(np.empty(3), (3,), np.dtype(np.float64)).shape
    (3,)
    """
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out: must be a numpy.ndarray, got {type(out).__name__}")
    reject_masked(out, "out")
    if out.shape != shape:
        raise ValueError(f"out: shape {out.shape} does not match the result's shape {shape}")
    if out.dtype != dtype:
        raise ValueError(f"out: dtype {out.dtype} does not match the result's dtype {dtype}")
    if not out.flags.c_contiguous:
        raise ValueError("out: must be C-contiguous")
    if not out.flags.writeable:
        raise ValueError("out: is read-only")
    return out


def check_method(method: Any, methods: dict[str, int]) -> int:
    """Map a quantile method name to its C enum value.

    >>> check_method("linear", {"linear": 0})
    0
    """
    try:
        return methods[method]
    except (KeyError, TypeError):
        raise ValueError(f"method: must be one of {sorted(methods)}, got {method!r}") from None
