"""Grouped reductions: group_sum, group_mean, group_var, group_std, group_min,
group_max, group_count (contract §4), one pass over values and codes."""

from __future__ import annotations

from typing import Any, Callable, Optional

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


def _checked(g: Any, size: int) -> Any:
    """Codes (a NumPy or Dask array) checked: an integer dtype, one per value."""
    if g.size == 0 and g.dtype.kind == "f":  # an empty list
        g = g.astype(np.int64)
    if g.dtype.kind not in "iu":
        raise TypeError(f"groups: must be integer codes, got dtype {g.dtype}")
    if g.size != size:
        raise ValueError(f"groups: {g.size} codes for {size} values (one code per value)")
    return g


def _ngroups(ngroups: Optional[Any], top: Callable[[], Any]) -> int:
    """The number of groups: ``ngroups`` checked, or ``top() + 1`` (the
    largest code, -1 for none)."""
    if ngroups is None:
        t = int(top())
        if t > v.INT64_MAX:
            raise ValueError("groups: codes must fit in int64")
        return max(t + 1, 0)
    k = v._integer(ngroups, "ngroups")
    if k < 0:
        raise ValueError(f"ngroups: must be >= 0, got {k}")
    return k


def _codes(groups: ArrayLike, size: int, ngroups: Optional[Any]) -> tuple[np.ndarray, int]:
    """groups as a contiguous int64 array of ``size`` codes, and the number of groups."""
    g = _checked(np.asarray(groups), size)
    if g.dtype.kind == "u" and g.size and g.max() > v.INT64_MAX:
        raise ValueError("groups: codes must fit in int64")
    g = np.ascontiguousarray(g.ravel(), dtype=np.int64)
    # The kernel refuses a code >= k (HPCS_ERR_ARG): no extra pass here.
    return g, _ngroups(ngroups, lambda: g.max() if g.size else -1)


def _not_below(k: int) -> ValueError:
    return ValueError(f"groups: a code is not below ngroups={k}")


def _check(rc: int, op: str, k: int) -> None:
    if rc == lib.HPCS_ERR_ARG:
        raise _not_below(k)
    check(rc, f"group_{op}")


def _typed(out: np.ndarray, op: str, dtype: np.dtype) -> np.ndarray:
    """The result's dtype: int64 counts, float32 for float32 input, else float64."""
    if op == "count":
        return out.astype(np.int64, copy=False)
    if dtype == np.float32:
        return out.astype(np.float32)
    return out


def _group(op: str, x: ArrayLike, groups: ArrayLike, ngroups: Any, skipna: bool,
           *params: Any) -> np.ndarray:
    arr = v.c_layout(v.as_float_array(x)).reshape(-1)
    codes, k = _codes(groups, arr.size, ngroups)
    out = np.empty(k, dtype=np.int64 if op == "count" else np.float64)
    func, ctype = _KERNELS[op][arr.dtype]
    optr = _from_buffer("int64_t[]" if op == "count" else "double[]", out, True)
    rc = func(_from_buffer(ctype, arr), _from_buffer("int64_t[]", codes), arr.size, k, *params,
              _SKIPNA if skipna else 0, optr)
    _check(rc, op, k)
    return _typed(out, op, arr.dtype)


# -- part tables (hpcs.h, "Part tables"): the same arithmetic, one part at a
# time, for hpcs.dask.

_OP_CODES = {op: getattr(lib, f"HPCS_GROUP_{op.upper()}")
             for op in ("sum", "mean", "var", "std", "min", "max", "count")}
_ACCUMULATE = {dtype: (getattr(lib, f"hpcs_group_accumulate_{sfx}"), ctype)
               for dtype, (ctype, sfx) in C_TYPES.items()}


def _parts(n: int, ngroups: int) -> tuple[int, int]:
    """(part_len, nparts): part p covers [p * part_len, min(n, (p + 1) * part_len))."""
    part_len, nparts = ffi.new("int64_t *"), ffi.new("int64_t *")
    check(lib.hpcs_group_parts(n, ngroups, part_len, nparts), "group_parts")
    return int(part_len[0]), int(nparts[0])


def _new_table(op: str, ngroups: int) -> np.ndarray:
    """An empty part table (4 * ngroups doubles)."""
    table = np.empty(4 * ngroups)
    check(lib.hpcs_group_table_init(ngroups, _OP_CODES[op], _from_buffer("double[]", table,
                                                                         True)),
          "group_table_init")
    return table


def _accumulate(table: np.ndarray, op: str, x: np.ndarray, codes: np.ndarray,
                skipna: bool) -> None:
    """Continue ``table``'s pass over the next values of its part: ``x``
    contiguous float64/float32, ``codes`` contiguous int64, the same length."""
    func, ctype = _ACCUMULATE[x.dtype]
    k = table.size // 4
    rc = func(_from_buffer(ctype, x), _from_buffer("int64_t[]", codes), x.size, k, _OP_CODES[op],
              _SKIPNA if skipna else 0, _from_buffer("double[]", table, True))
    _check(rc, op, k)


def _finish(tables: list, op: str, ngroups: int, ddof: int, dtype: np.dtype) -> np.ndarray:
    """Merge the parts' tables (in part order) and finalise, as group_<op>."""
    merged = np.concatenate(tables) if len(tables) > 1 else tables[0].copy()
    out = np.empty(ngroups)
    rc = lib.hpcs_group_finish(_from_buffer("double[]", merged, True), len(tables), ngroups,
                               _OP_CODES[op], ddof, _from_buffer("double[]", out, True))
    check(rc, f"group_{op}")
    return _typed(out, op, dtype)


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
