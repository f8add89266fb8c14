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
    #: "reduce", "select", "rolling" or "rolling_order" (hpcs_family in C).
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
        Op("rolling_zscore", "rolling", ddof),
        Op("rolling_robust_zscore", "rolling_order"),
    ]
    return {op.name: op for op in rows}


def _extended() -> dict[str, Op]:
    """Operations whose calls do not follow the reduction / rolling conventions
    (no ``skipna``, no window, or two inputs): kept out of :data:`OPS` until
    the registry describes call signatures."""
    smoothing = ({"alpha": 0.3}, {"span": 10.0, "adjust": False}, {"com": 2.0, "ignore_na": True},
                 {"halflife": 4.0, "min_periods": 3})
    rows = [
        Op("ewma", "ewm", smoothing),
        Op("ewmvar", "ewm", smoothing + ({"alpha": 0.2, "bias": True},)),
        Op("ewmstd", "ewm", smoothing + ({"alpha": 0.2, "bias": True},)),
        Op("rolling_cov", "rolling_pair", ({}, {"ddof": 0})),
        Op("rolling_corr", "rolling_pair"),
        Op("detect_anomalies", "anomaly", ({}, {"method": "robust"}, {"window": 50},
                                           {"window": 50, "method": "robust"})),
    ]
    return {op.name: op for op in rows}


#: Every public operation, by name.
OPS: dict[str, Op] = _table()
REDUCTIONS = tuple(op for op in OPS.values() if not op.rolling)
ROLLING = tuple(op for op in OPS.values() if op.rolling)
#: ewm*, rolling_cov/corr, detect_anomalies (see _extended).
EXTENDED: dict[str, Op] = _extended()
