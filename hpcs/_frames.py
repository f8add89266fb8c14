"""pandas and polars in, pandas and polars out (contract §9).

Every public operation of the registry (:mod:`hpcs._ops`) is wrapped once,
at import, by :func:`install`: a NumPy input goes straight to the function;
a pandas or polars object is converted to NumPy, computed, and the result
rebuilt with the input's index, name and columns according to the
operation's :attr:`~hpcs._ops.Op.shape_kind`.  pandas and polars are
recognised by the module of the input's type, so neither is imported here.

>>> import pandas as pd, hpcs
>>> s = pd.Series([1.0, 2.0, 4.0], index=list("abc"), name="v")
>>> hpcs.rolling_sum(s, 2)
a    NaN
b    3.0
c    6.0
Name: v, dtype: float64
"""

from __future__ import annotations

import functools
import inspect
import sys
from typing import Any, Callable, Dict, List, Optional

import numpy as np

_ndarray = np.ndarray


def kind_of(x: Any) -> str:
    """ "pandas.Series", "pandas.DataFrame", "polars.Series", "polars.DataFrame" or ""."""
    t = type(x)
    root = t.__module__.partition(".")[0]
    if root in ("pandas", "polars") and t.__name__ in ("Series", "DataFrame"):
        return f"{root}.{t.__name__}"
    return ""


def _pandas_values(s: Any) -> np.ndarray:
    """A pandas Series' values as NumPy; missing values (NA) become NaN."""
    dtype = s.dtype
    if isinstance(dtype, np.dtype):
        return s.to_numpy()
    # Extension dtypes (Float64, Int64, boolean, ...): NA -> NaN.
    kind = getattr(dtype, "kind", "O")
    if kind in "fiub":
        target = np.float32 if getattr(dtype, "numpy_dtype", None) == np.float32 else np.float64
        return s.to_numpy(dtype=target, na_value=np.nan)
    return s.to_numpy()


def _polars_values(s: Any) -> np.ndarray:
    """A polars Series' values as NumPy; nulls become NaN."""
    pl = sys.modules["polars"]
    dtype = s.dtype
    if dtype.is_numeric():
        target = pl.Float32 if dtype == pl.Float32 else pl.Float64
        return s.cast(target).fill_null(float("nan")).to_numpy()
    if dtype == pl.Boolean:
        return s.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    return s.to_numpy()


def _plain(value: Any, columns: Any = None) -> Any:
    """An argument other than x: pandas/polars objects as NumPy (DataFrames
    restricted to the column positions ``columns``)."""
    kind = kind_of(value)
    if kind == "pandas.Series":
        return _pandas_values(value)
    if kind == "polars.Series":
        return _polars_values(value)
    if kind == "pandas.DataFrame":
        frame = value if columns is None else value.iloc[:, columns]
        return np.column_stack([_pandas_values(frame.iloc[:, j])
                                for j in range(frame.shape[1])]) if frame.shape[1] else \
            np.empty(frame.shape)
    if kind == "polars.DataFrame":
        cols = range(value.width) if columns is None else columns
        return np.column_stack([_polars_values(value.to_series(j)) for j in cols])
    return value


def _plain_args(args: tuple, kwargs: dict, columns: Any = None) -> tuple:
    return (tuple(_plain(a, columns) for a in args),
            {k: _plain(a, columns) for k, a in kwargs.items()})


def _series(func: Callable, shape_kind: str, x: Any, values: np.ndarray, args: tuple,
            kwargs: dict, make: Callable[[np.ndarray, Any], Any]) -> Any:
    """Run ``func`` on a Series' values; ``make(result, index_slice)`` rebuilds a Series."""
    args, kwargs = _plain_args(args, kwargs)
    result = func(values, *args, **kwargs)
    if not isinstance(result, _ndarray) or result.ndim != 1:
        return result
    n, m = values.shape[0], result.shape[0]
    if shape_kind == "same" and m == n:
        return make(result, slice(None))
    if shape_kind == "shorter" and m <= n:
        return make(result, slice(n - m, n))
    return result


def _column_groups(dtypes: List[Any]) -> Dict[Any, List[int]]:
    """Column positions by dtype, so that each column keeps its dtype."""
    groups: Dict[Any, List[int]] = {}
    for j, dtype in enumerate(dtypes):
        key = dtype if dtype in (np.float32, np.float64) else np.float64
        groups.setdefault(key, []).append(j)
    return groups


def _frame(func: Callable, shape_kind: str, has_axis: bool, columns_of: Callable[[List[int]], np.ndarray],
           dtypes: List[Any], nrows: int, args: tuple, kwargs: dict) -> Any:
    """Compute down the columns of a frame, one call per column dtype.

    Returns ``("columns", {position: 1-D result})``, ``("value", result)``
    (reduction over everything) or ``("rows", result)`` (axis=1).
    """
    axis = kwargs.get("axis", 0 if shape_kind != "reduce" else None) if has_axis else 0
    ncols = len(dtypes)
    if axis is None or axis not in (0, -2):
        # Over all values or along the rows: one array of the common dtype.
        every = list(range(ncols))
        a, kw = _plain_args(args, kwargs, every)
        return ("value" if axis is None else "rows"), func(columns_of(every), *a, **kw)
    results: Dict[int, np.ndarray] = {}
    if shape_kind == "reduce":
        # Column by column, so that each value is the column's own (a float
        # accumulated in float64 for float32 too, as for a Series).
        for j in range(ncols):
            a, kw = _plain_args(args, kwargs, [j])
            kw.pop("axis", None)
            results[j] = np.asarray(func(columns_of([j])[:, 0], *a, **kw))
        return "columns", results
    for cols in _column_groups(dtypes).values():
        a, kw = _plain_args(args, kwargs, cols)
        if has_axis:
            kw["axis"] = 0
        out = func(columns_of(cols), *a, **kw)
        out = np.asarray(out)
        for i, j in enumerate(cols):
            results[j] = out[..., i] if out.ndim else out
    return "columns", results


def _argument(func: Callable, name: str, args: tuple, kwargs: dict) -> Any:
    """The value given to parameter ``name`` of ``func(x, *args, **kwargs)``, or None."""
    try:
        bound = inspect.signature(func).bind_partial(None, *args, **kwargs)
    except TypeError:
        return None
    return bound.arguments.get(name)


def _pandas_frame(func: Callable, shape_kind: str, has_axis: bool, df: Any, args: tuple,
                  kwargs: dict) -> Any:
    pd = sys.modules["pandas"]
    dtypes = list(df.dtypes)

    def columns_of(cols: List[int]) -> np.ndarray:
        if not cols:
            return np.empty((df.shape[0], 0))
        return np.column_stack([_pandas_values(df.iloc[:, j]) for j in cols])

    how, res = _frame(func, shape_kind, has_axis, columns_of, dtypes, df.shape[0], args, kwargs)
    if how == "value":
        return res
    if how == "rows":
        if isinstance(res, _ndarray) and res.ndim == 1 and res.shape[0] == df.shape[0]:
            return pd.Series(res, index=df.index)
        if isinstance(res, _ndarray) and res.shape == df.shape:
            return pd.DataFrame(res, index=df.index, columns=df.columns)
        return res
    n = df.shape[0]
    cols = [res[j] for j in range(len(dtypes))]
    if shape_kind == "reduce":
        if all(np.ndim(c) == 0 for c in cols):
            return pd.Series([float(c) for c in cols], index=df.columns, dtype=np.float64)
        out = pd.DataFrame({j: c for j, c in enumerate(cols)})
        out.columns = df.columns
        q = _argument(func, "q", args, kwargs)
        if q is not None and np.ndim(q) == 1 and len(q) == out.shape[0]:
            out.index = pd.Index(np.asarray(q, dtype=np.float64))
        return out
    m = cols[0].shape[0] if cols else n
    if shape_kind in ("same", "shorter") and all(c.ndim == 1 and c.shape[0] == m for c in cols) \
            and (m == n or shape_kind == "shorter"):
        out = pd.DataFrame({j: c for j, c in enumerate(cols)}, index=df.index[n - m:])
        out.columns = df.columns
        return out
    return np.column_stack(cols) if cols else np.empty((0, 0))


def _polars_frame(func: Callable, shape_kind: str, has_axis: bool, df: Any, args: tuple,
                  kwargs: dict) -> Any:
    pl = sys.modules["polars"]
    dtypes = [np.float32 if d == pl.Float32 else np.float64 for d in df.dtypes]

    def columns_of(cols: List[int]) -> np.ndarray:
        if not cols:
            return np.empty((df.height, 0))
        return np.column_stack([_polars_values(df.to_series(j)) for j in cols])

    how, res = _frame(func, shape_kind, has_axis, columns_of, dtypes, df.height, args, kwargs)
    if how != "columns":
        return res
    cols = [res[j] for j in range(len(dtypes))]
    if shape_kind == "reduce":
        if all(np.ndim(c) == 0 for c in cols):
            return {name: float(c) for name, c in zip(df.columns, cols)}
        return pl.DataFrame({name: c for name, c in zip(df.columns, cols)})
    if all(c.ndim == 1 for c in cols) and shape_kind in ("same", "shorter"):
        return pl.DataFrame([pl.Series(name, c) for name, c in zip(df.columns, cols)])
    return np.column_stack(cols) if cols else np.empty((0, 0))


def call(func: Callable, shape_kind: str, has_axis: bool, x: Any, args: tuple,
         kwargs: dict) -> Any:
    """``func(x, *args, **kwargs)`` for a pandas/polars ``x``, result rebuilt as §9 says."""
    kind = kind_of(x)
    if kind == "pandas.Series":
        pd = sys.modules["pandas"]
        return _series(func, shape_kind, x, _pandas_values(x), args, kwargs,
                       lambda r, sl: pd.Series(r, index=x.index[sl], name=x.name))
    if kind == "polars.Series":
        pl = sys.modules["polars"]
        return _series(func, shape_kind, x, _polars_values(x), args, kwargs,
                       lambda r, sl: pl.Series(x.name, r))
    if kind == "pandas.DataFrame":
        return _pandas_frame(func, shape_kind, has_axis, x, args, kwargs)
    if kind == "polars.DataFrame":
        return _polars_frame(func, shape_kind, has_axis, x, args, kwargs)
    return func(x, *args, **kwargs)


#: The default of ``axis`` in an adapter's signature: "not given", which for
#: a DataFrame means down the columns, whatever the NumPy default.
_AXIS_UNSET = object()


def _adapter_source(func: Callable) -> Optional[tuple[str, Dict[str, Any]]]:
    """Source of an adapter with ``func``'s own signature, and its globals.

    Spelling the parameters out (instead of ``*args, **kwargs``) keeps a
    NumPy call a plain call: at ~100 elements, packing and unpacking the
    arguments costs more than the kernel.  None when the signature has
    ``*args``, ``**kwargs`` or positional-only parameters.
    """
    params = list(inspect.signature(func).parameters.values())
    if not params or any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        return None
    env: Dict[str, Any] = {"_AXIS_UNSET": _AXIS_UNSET}
    heads, passes, named = [], [], []
    for i, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and "*" not in heads:
            heads.append("*")
        if p.default is p.empty:
            heads.append(p.name)
        elif p.name == "axis":
            heads.append("axis=_AXIS_UNSET")
            env["_axis_default"] = p.default
        else:
            env[f"_d{i}"] = p.default
            heads.append(f"{p.name}=_d{i}")
        value = "_axis_default if axis is _AXIS_UNSET else axis" if p.name == "axis" else p.name
        passes.append(value if p.kind is p.POSITIONAL_OR_KEYWORD else f"{p.name}={value}")
        if i and p.name != "axis":
            named.append(f"{p.name!r}: {p.name}")
    x = params[0].name
    given_axis = ("\n    if axis is not _AXIS_UNSET:\n        kw['axis'] = axis"
                  if "_axis_default" in env else "")
    source = (f"def {func.__name__}({', '.join(heads)}):\n"
              f"    if type({x}) is _ndarray or not _kind_of({x}):\n"
              f"        return _func({', '.join(passes)})\n"
              f"    kw = {{{', '.join(named)}}}{given_axis}\n"
              f"    return _call(_func, _shape_kind, _has_axis, {x}, (), kw)\n")
    return source, env


def wrap(func: Callable, shape_kind: str) -> Callable:
    """``func`` taking pandas/polars inputs as well (§9); NumPy input unchanged.

    >>> import numpy as np, hpcs
    >>> hpcs.sum.__hpcs_plain__(np.ones(3)) == hpcs.sum(np.ones(3)) == 3.0
    True
    """
    has_axis = "axis" in inspect.signature(func).parameters
    generated = _adapter_source(func)
    if generated is not None:
        source, env = generated
        env.update(_func=func, _ndarray=_ndarray, _kind_of=kind_of, _call=call,
                   _shape_kind=shape_kind, _has_axis=has_axis)
        exec(compile(source, f"<hpcs adapter of {func.__name__}>", "exec"), env)
        adapted = functools.update_wrapper(env[func.__name__], func)
    else:
        @functools.wraps(func)
        def adapted(x: Any, *args: Any, **kwargs: Any) -> Any:
            if type(x) is _ndarray or not kind_of(x):
                return func(x, *args, **kwargs)
            return call(func, shape_kind, has_axis, x, args, kwargs)

    adapted.__hpcs_plain__ = func  # type: ignore[attr-defined]
    return adapted


def install(namespace: Dict[str, Any]) -> None:
    """Replace every registry operation in ``namespace`` (hpcs' globals) by its adapted twin."""
    from hpcs._ops import OPS, SPECIAL

    for name, op in {**OPS, **SPECIAL}.items():
        func = namespace.get(name)
        if func is not None and not hasattr(func, "__hpcs_plain__"):
            namespace[name] = wrap(func, op.shape_kind)
