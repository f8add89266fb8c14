"""Thread count and per-family threading thresholds of the C library."""

from __future__ import annotations

import operator
import os
import warnings
from collections.abc import Mapping
from typing import Any, Optional

import numpy as np

from hpcs._errors import check
from hpcs._lib import ffi, lib
from hpcs._validate import INT64_MAX

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
    check(lib.hpcs_set_num_threads(_count(n, "n", 0)), "set_num_threads")


def _count(value: Any, name: str, low: int) -> int:
    """An integer in [low, 2**63 - 1] (the C library's int64_t); else TypeError/ValueError."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: must be an integer, got bool {value!r}")
    try:
        count = operator.index(value)
    except TypeError:
        raise TypeError(f"{name}: must be an integer, got {type(value).__name__} {value!r}"
                        ) from None
    if not low <= count <= INT64_MAX:
        raise ValueError(f"{name}: must be an integer in [{low}, 2**63 - 1], got {count}")
    return int(count)


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
    if not isinstance(thresholds, Mapping):
        raise TypeError("thresholds: must be a dict of family name -> integer, got "
                        f"{type(thresholds).__name__}")
    unknown = [name for name in thresholds if name not in FAMILIES]
    if unknown:
        raise ValueError(f"thresholds: unknown families {unknown!r}; known: {FAMILIES}")
    checked = {name: _count(value, f"thresholds[{name!r}]", 1)
               for name, value in thresholds.items()}
    merged = {**get_thresholds(), **checked}
    tuning = ffi.new("hpcs_tuning *")
    for i, name in enumerate(FAMILIES):
        tuning.parallel_min_elements[i] = merged[name]
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
    if not isinstance(family, str) or family not in FAMILIES:
        raise ValueError(f"family: must be one of {FAMILIES}, got {family!r}")
    count = _count(elements, "elements", 0)
    out = ffi.new("int64_t *")
    check(lib.hpcs_plan_threads(FAMILIES.index(family), count, out), "plan_threads")
    return int(out[0])


def environment_threads() -> Optional[int]:
    """HPCS_NUM_THREADS as a thread count, or None when it is unset or not valid."""
    value = os.environ.get("HPCS_NUM_THREADS", "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19:  # no sign, "1_0", "²"
        return None
    count = int(value)
    return count if count <= INT64_MAX else None


def apply_environment() -> None:
    """Read HPCS_NUM_THREADS (at import); a bad value warns and is ignored."""
    value = os.environ.get("HPCS_NUM_THREADS", "")
    if not value.strip():
        return
    count = environment_threads()
    if count is None:
        shown = value if len(value) <= 40 else value[:40] + "..."
        warnings.warn(f"hpcs: HPCS_NUM_THREADS={shown!r} is not an integer in "
                      "[0, 2**63 - 1]; ignored (default threads)", RuntimeWarning, stacklevel=2)
        return
    set_num_threads(count)
