"""Registry of the public operations: one row each.

Tests, ``hpcs test`` and ``hpcs bench`` iterate this table instead of
naming functions, so adding an operation is one row here (plus its kernel,
wrapper and reference twin).

>>> from hpcs._ops import OPS
>>> OPS["rolling_median"].family
'rolling_order'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import hpcs
from hpcs import _reference


@dataclass(frozen=True)
class Op:
    """One public operation."""

    name: str
    #: "reduce", "select", "rolling" or "rolling_order" (hpcs_family in C);
    #: the §4 operations: "transform", "cumulative", "robust_mean", "group".
    family: str
    #: Extra keyword arguments worth exercising, besides the defaults.
    variants: tuple[dict[str, Any], ...] = field(default=({},))
    #: Whether the operation accepts ``where=``.
    takes_where: bool = False

    @property
    def rolling(self) -> bool:
        return self.family.startswith("rolling")

    @property
    def fast(self) -> Callable[..., Any]:
        return getattr(hpcs, self.name)

    @property
    def reference(self) -> Callable[..., Any]:
        return getattr(_reference, self.name)


def _table() -> dict[str, Op]:
    ddof = ({}, {"ddof": 1})
    rows = [
        Op("sum", "reduce", takes_where=True),
        Op("mean", "reduce", takes_where=True),
        Op("var", "reduce", ddof, takes_where=True),
        Op("std", "reduce", ddof, takes_where=True),
        Op("min", "reduce", takes_where=True),
        Op("max", "reduce", takes_where=True),
        Op("median", "select"),
        Op("mad", "select", ({}, {"scale": "normal"})),
        Op("quantile", "select", ({"q": 0.5}, {"q": [0.0, 0.1, 0.9, 1.0]},
                                  {"q": 0.3, "method": "nearest"})),
        Op("rolling_sum", "rolling"),
        Op("rolling_mean", "rolling"),
        Op("rolling_var", "rolling", ddof),
        Op("rolling_std", "rolling", ddof),
        Op("rolling_min", "rolling"),
        Op("rolling_max", "rolling"),
        Op("rolling_median", "rolling_order"),
        Op("rolling_mad", "rolling_order", ({}, {"scale": "normal"})),
        Op("rolling_quantile", "rolling_order", ({"q": 0.5}, {"q": 0.1},
                                                 {"q": 0.75, "method": "lower"})),
        Op("zscore", "transform", ddof),
        Op("robust_zscore", "transform"),
        Op("normalize_minmax", "transform"),
        Op("clip", "transform", ({"lo": -0.5, "hi": 0.5}, {"lo": None, "hi": 1.0})),
        Op("diff", "transform", ({}, {"n": 2})),
        Op("cummin", "cumulative", ({}, {"skipna": True})),
        Op("cummax", "cumulative", ({}, {"skipna": True})),
        Op("ffill", "cumulative", ({}, {"limit": 2})),
        Op("bfill", "cumulative", ({}, {"limit": 2})),
        Op("trimmed_mean", "robust_mean", ({"proportiontocut": 0.1},
                                           {"proportiontocut": 0.25})),
        Op("winsorized_mean", "robust_mean", ({"limits": 0.1}, {"limits": (0.05, 0.2)})),
        Op("group_sum", "group"),
        Op("group_mean", "group"),
        Op("group_var", "group", ddof),
        Op("group_std", "group", ddof),
        Op("group_min", "group"),
        Op("group_max", "group"),
        Op("group_count", "group"),
    ]
    return {op.name: op for op in rows}


#: Every public operation, by name.
OPS: dict[str, Op] = _table()
#: The §2/§3 families, which the generic harnesses (reductions called as
#: ``f(x, axis, skipna=...)``, rolling ones as ``f(x, window, ...)``) cover.
CORE_FAMILIES = ("reduce", "select", "rolling", "rolling_order")
#: The operations of those families, by name.
CORE: dict[str, Op] = {name: op for name, op in OPS.items() if op.family in CORE_FAMILIES}
REDUCTIONS = tuple(op for op in CORE.values() if not op.rolling)
ROLLING = tuple(op for op in CORE.values() if op.rolling)
#: The §4 operations (transforms, cumulative scans, robust means, groups),
#: exercised by tests/test_extended.py.
EXTENDED = tuple(op for op in OPS.values() if op.family not in CORE_FAMILIES)
