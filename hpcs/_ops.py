"""Registry of the public operations: one row each.

The wrappers (``_reduce``, ``_rolling``) find their C entry points here,
``hpcs.__all__``, the tests, ``hpcs test``, ``hpcs bench`` and
``tools/benchmarks.py`` iterate this table instead of naming functions, so
adding an operation is one row here plus its C kernel
(``hpcs_<name>_f64``/``_f32``), its wrapper (``hpcs.<name>``) and its
reference twin (``hpcs._reference.<name>``).

>>> from hpcs._ops import OPS
>>> OPS["rolling_median"].family
'rolling_order'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
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
    #: Shape of the result, for the pandas/polars/Dask adapters: "same" (the
    #: input's shape: rolling ops, transforms), "reduce" (a float, or an
    #: array over ``axis``), "shorter" (shorter along the axis: ``diff``) or
    #: "other" (left as it is: group ops).  "" = from the family.
    output: str = ""

    @property
    def rolling(self) -> bool:
        return self.family.startswith("rolling")

    @property
    def shape_kind(self) -> str:
        """:attr:`output`, or "reduce" for reductions and "same" otherwise."""
        if self.output:
            return self.output
        if self.family in ("reduce", "select", "robust_mean"):
            return "reduce"
        return "other" if self.family == "group" else "same"

    @property
    def fast(self) -> Callable[..., Any]:
        return getattr(hpcs, self.name)

    @property
    def reference(self) -> Callable[..., Any]:
        return getattr(_reference, self.name)

    @cached_property
    def kernels(self) -> Kernels:
        """The C entry points ``hpcs_<name>_f64``/``_f32``, looked up once."""
        return Kernels(self)


class Kernels:
    """An operation's C entry points, as the wrappers use them on every call.

    A slotted object, not the dataclass: its attributes are read on every
    call of a wrapper, and slots are the cheapest to read.
    """

    __slots__ = ("name", "takes_where", "by_dtype")

    def __init__(self, op: Op) -> None:
        from hpcs._lib import C_TYPES, ffi, lib

        self.name = op.name
        #: Whether the entry point takes a ``where`` mask (after x, outer, n, inner).
        self.takes_where = op.takes_where
        #: Input dtype -> (C function, cffi array type of its input).
        self.by_dtype = {dtype: (getattr(lib, f"hpcs_{op.name}_{sfx}"), ffi.typeof(ctype))
                         for dtype, (ctype, sfx) in C_TYPES.items()}


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
        Op("diff", "transform", ({}, {"n": 2}), output="shorter"),
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
        Op("rolling_zscore", "rolling", ddof),
        Op("rolling_robust_zscore", "rolling_order"),
    ]
    return {op.name: op for op in rows}


def _special() -> dict[str, Op]:
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
#: ewm*, rolling_cov/corr, detect_anomalies: calls that do not follow the
#: one-array conventions (two inputs, no window or no skipna); see _special.
SPECIAL: dict[str, Op] = _special()
