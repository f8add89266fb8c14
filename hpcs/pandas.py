"""``Series.hpcs`` and ``DataFrame.hpcs`` accessors (contract §9).

Importing this module registers them; their methods are hpcs' functions of
the same names, applied to the Series or DataFrame (a DataFrame down its
columns, as ``DataFrame.rolling``).

>>> import pandas as pd
>>> import hpcs.pandas
>>> pd.Series([3.0, 1.0, 2.0], name="v").hpcs.rolling_median(2)
0    NaN
1    2.0
2    1.5
Name: v, dtype: float64
>>> pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 6.0]}).hpcs.mean(axis=0)
a    2.0
b    4.0
dtype: float64
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

import hpcs
from hpcs._ops import OPS, SPECIAL

__all__ = ["HpcsAccessor"]


class HpcsAccessor:
    """The ``.hpcs`` namespace of a pandas Series or DataFrame."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj


def _method(name: str) -> Callable[..., Any]:
    func = getattr(hpcs, name)

    def method(self: HpcsAccessor, *args: Any, **kwargs: Any) -> Any:
        return func(self._obj, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = func.__doc__
    return method


for _name in {**OPS, **SPECIAL}:
    if hasattr(hpcs, _name):
        setattr(HpcsAccessor, _name, _method(_name))
del _name

pd.api.extensions.register_series_accessor("hpcs")(HpcsAccessor)
pd.api.extensions.register_dataframe_accessor("hpcs")(HpcsAccessor)
