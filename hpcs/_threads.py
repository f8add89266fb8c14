"""Thread count and per-family threading thresholds of the C library."""

from __future__ import annotations

import operator
import os
import warnings
from typing import Any

from hpcs._errors import check
from hpcs._lib import ffi, lib

#: hpcs_family names, in enum order.
FAMILIES = ("reduce", "select", "rolling", "rolling_order")


def set_num_threads(n: int) -> None:
    """Use up to ``n`` threads for large inputs (0 restores the default: physical cores).

    Results do not depend on it: work is cut into fixed chunks combined in
    a fixed order.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.set_num_threads(1); hpcs.get_num_threads()
    1
    >>> hpcs.set_num_threads(0)
    """
    try:
        count = operator.index(n)
    except TypeError:
        raise TypeError(f"n: must be an integer, got {n!r}") from None
    if count < 0:
        raise ValueError(f"n: must be >= 0, got {count}")
    check(lib.hpcs_set_num_threads(count), "set_num_threads")


def get_num_threads() -> int:
    """Threads hpcs uses for large inputs.

    >>> import hpcs
    >>> hpcs.get_num_threads() >= 1
    True
    """
    out = ffi.new("int64_t *")
    check(lib.hpcs_get_num_threads(out), "get_num_threads")
    return int(out[0])


def get_thresholds() -> dict[str, int]:
    """Per family, the input size (elements) from which threads are used.

    >>> import hpcs
    >>> sorted(hpcs.get_thresholds())
    ['reduce', 'rolling', 'rolling_order', 'select']
    """
    tuning = ffi.new("hpcs_tuning *")
    check(lib.hpcs_get_tuning(tuning), "get_thresholds")
    return {name: int(tuning.parallel_min_elements[i]) for i, name in enumerate(FAMILIES)}


def set_thresholds(thresholds: dict[str, Any]) -> None:
    """Change some families' thresholds (values >= 1); the others keep theirs.

    >>> import hpcs
    >>> old = hpcs.get_thresholds()
    >>> hpcs.set_thresholds({"reduce": 1000}); hpcs.get_thresholds()["reduce"]
    1000
    >>> hpcs.set_thresholds(old)
    """
    unknown = set(thresholds) - set(FAMILIES)
    if unknown:
        raise ValueError(f"thresholds: unknown families {sorted(unknown)}; known: {FAMILIES}")
    merged = {**get_thresholds(), **thresholds}
    tuning = ffi.new("hpcs_tuning *")
    for i, name in enumerate(FAMILIES):
        value = operator.index(merged[name])
        if value < 1:
            raise ValueError(f"thresholds: {name} must be >= 1, got {value}")
        tuning.parallel_min_elements[i] = value
    check(lib.hpcs_set_tuning(tuning), "set_thresholds")


def reset_thresholds() -> None:
    """Restore the built-in thresholds.

    >>> import hpcs; hpcs.reset_thresholds()
    """
    check(lib.hpcs_reset_tuning(), "reset_thresholds")


def plan_threads(family: str, elements: int) -> int:
    """Threads a call of ``family`` over ``elements`` elements would use now.

    >>> import hpcs
    >>> hpcs.plan_threads("reduce", 10)
    1
    """
    if family not in FAMILIES:
        raise ValueError(f"family: must be one of {FAMILIES}, got {family!r}")
    out = ffi.new("int64_t *")
    check(lib.hpcs_plan_threads(FAMILIES.index(family), operator.index(elements), out),
          "plan_threads")
    return int(out[0])


def apply_environment() -> None:
    """Read HPCS_NUM_THREADS (at import); a bad value warns and is ignored."""
    value = os.environ.get("HPCS_NUM_THREADS")
    if not value:
        return
    try:
        set_num_threads(int(value))
    except (TypeError, ValueError):
        warnings.warn(f"HPCS_NUM_THREADS={value!r} is not a non-negative integer; ignored",
                      RuntimeWarning, stacklevel=2)
