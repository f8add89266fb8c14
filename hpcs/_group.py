"""Grouped reductions: group_sum, group_mean, group_var, group_std, group_min,
group_max, group_count (contract §4), one pass over values and codes."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from hpcs import _validate as v
from hpcs._errors import check
from hpcs._lib import C_TYPES, ffi, lib

ArrayLike = Any

_SKIPNA = lib.HPCS_SKIPNA
_from_buffer = ffi.from_buffer
_KERNELS = {op: {dtype: (getattr(lib, f"hpcs_group_{op}_{sfx}"), ctype)
                 for dtype, (ctype, sfx) in C_TYPES.items()}
            for op in ("sum", "mean", "var", "std", "min", "max", "count")}


def _codes(groups: ArrayLike, size: int, ngroups: Optional[Any]) -> tuple[np.ndarray, int]:
    """groups as a contiguous int64 array of ``size`` codes, and the number of groups."""
    g = np.asarray(groups)
    if g.size == 0 and g.dtype.kind == "f":  # an empty list
        g = g.astype(np.int64)
    if g.dtype.kind not in "iu":
        raise TypeError(f"groups: must be integer codes, got dtype {g.dtype}")
    if g.size != size:
        raise ValueError(f"groups: {g.size} codes for {size} values (one code per value)")
    if g.dtype.kind == "u" and g.size and g.max() > v.INT64_MAX:
        raise ValueError("groups: codes must fit in int64")
    g = np.ascontiguousarray(g.ravel(), dtype=np.int64)
    if ngroups is None:
        return g, max(int(g.max()) + 1 if g.size else 0, 0)
    k = v._integer(ngroups, "ngroups")
    if k < 0:
        raise ValueError(f"ngroups: must be >= 0, got {k}")
    return g, k  # the kernel refuses a code >= k (HPCS_ERR_ARG): no extra pass here


def _group(op: str, x: ArrayLike, groups: ArrayLike, ngroups: Any, skipna: bool,
           *params: Any) -> np.ndarray:
    arr = v.c_layout(v.as_float_array(x)).reshape(-1)
    codes, k = _codes(groups, arr.size, ngroups)
    out = np.empty(k, dtype=np.int64 if op == "count" else np.float64)
    func, ctype = _KERNELS[op][arr.dtype]
    optr = _from_buffer("int64_t[]" if op == "count" else "double[]", out, True)
    rc = func(_from_buffer(ctype, arr), _from_buffer("int64_t[]", codes), arr.size, k, *params,
              _SKIPNA if skipna else 0, optr)
    if rc == lib.HPCS_ERR_ARG:
        raise ValueError(f"groups: a code is not below ngroups={k}")
    check(rc, f"group_{op}")
    if op != "count" and arr.dtype == np.float32:
        return out.astype(np.float32)
    return out


_DOC = """
    Parameters
    ----------
    x : array_like
        Values (any shape; flattened).
    groups : array_like of int
        One integer code per value (any integer dtype, or a list); code k
        sends the value to group k, a negative code leaves it out.
    ngroups : int, optional
        Length of the result; default ``max(code) + 1``.  A code
        ``>= ngroups`` or a length mismatch raises ValueError.
    skipna : bool
        Leave NaN values out (default, as pandas); else a NaN makes its
        group's result NaN.

    Returns
    -------
    ndarray of ``ngroups`` entries (float64, float32 for float32 input).
"""


def _doc(summary: str, examples: str) -> str:
    return f"{summary}\n{_DOC}\n    Examples\n    --------\n{examples}"


def group_sum(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    return _group("sum", x, groups, ngroups, skipna)


def group_mean(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
               skipna: bool = True) -> np.ndarray:
    return _group("mean", x, groups, ngroups, skipna)


def group_var(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              ddof: int = 0, skipna: bool = True) -> np.ndarray:
    return _group("var", x, groups, ngroups, skipna, v.check_ddof(ddof))


def group_std(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              ddof: int = 0, skipna: bool = True) -> np.ndarray:
    return _group("std", x, groups, ngroups, skipna, v.check_ddof(ddof))


def group_min(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    return _group("min", x, groups, ngroups, skipna)


def group_max(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
              skipna: bool = True) -> np.ndarray:
    return _group("max", x, groups, ngroups, skipna)


def group_count(x: ArrayLike, groups: ArrayLike, *, ngroups: Optional[int] = None,
                skipna: bool = True) -> np.ndarray:
    return _group("count", x, groups, ngroups, skipna)


group_sum.__doc__ = _doc(
    "Sum of each group (compensated; an empty group gives 0.0).",
    "    >>> import hpcs\n    >>> hpcs.group_sum([1.0, 2.0, 3.0, 4.0], [0, 1, 0, -1])\n"
    "    array([4., 2.])\n")
group_mean.__doc__ = _doc(
    "Mean of each group (NaN for an empty group).",
    "    >>> import hpcs\n    >>> hpcs.group_mean([1.0, 2.0, 3.0], [0, 0, 2])\n"
    "    array([1.5, nan, 3. ])\n")
group_var.__doc__ = _doc(
    "Variance of each group, ``ddof`` as :func:`hpcs.var` (Welford, merged by Chan).",
    "    >>> import hpcs\n    >>> hpcs.group_var([1.0, 3.0, 5.0, 5.0], [0, 0, 1, 1])\n"
    "    array([1., 0.])\n")
group_std.__doc__ = _doc(
    "Standard deviation of each group, the square root of :func:`group_var`.",
    "    >>> import hpcs\n    >>> hpcs.group_std([1.0, 3.0, 5.0, 5.0], [0, 0, 1, 1], ddof=1)\n"
    "    array([1.41421356, 0.        ])\n")
group_min.__doc__ = _doc(
    "Minimum of each group (NaN for an empty group).",
    "    >>> import hpcs\n    >>> hpcs.group_min([3.0, 1.0, 2.0], [0, 0, 1])\n"
    "    array([1., 2.])\n")
group_max.__doc__ = _doc(
    "Maximum of each group (NaN for an empty group).",
    "    >>> import hpcs\n    >>> hpcs.group_max([3.0, 1.0, 2.0], [0, 0, 1])\n"
    "    array([3., 2.])\n")
group_count.__doc__ = _doc(
    "Number of values in each group (int64): non-NaN ones with ``skipna`` (pandas "
    "``count``), all of them without (pandas ``size``).",
    "    >>> import hpcs\n    >>> hpcs.group_count([3.0, float('nan'), 2.0], [0, 0, 1])\n"
    "    array([1, 1])\n")
