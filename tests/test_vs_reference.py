"""Every operation against its slow reference twin (hpcs._reference) on the
shared array generator: values, NaN/inf pattern and dtype."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hpcs._ops import REDUCTIONS, ROLLING, Op
from util import array_cases, assert_same, tolerance

CASES = list(array_cases())
OVERFLOWING = {"var", "std", "rolling_var", "rolling_std",
               "rolling_zscore"}  # square 1e300: overflow


def _skip_case(op: Op, label: str) -> bool:
    return label == "huge" and op.name in OVERFLOWING


def _run(func: Any, *args: Any, **kw: Any) -> Any:
    try:
        return func(*args, **kw)
    except ValueError as exc:
        return exc


def _compare(op: Op, label: str, x: np.ndarray, kwargs: dict, fast_args: tuple = ()) -> None:
    context = f"{op.name}({label}, {kwargs}) dtype={x.dtype} shape={x.shape} x={x!r}"
    got = _run(op.fast, x, *fast_args, **kwargs)
    exp = _run(op.reference, x, *fast_args, **kwargs)
    if isinstance(exp, ValueError):
        assert isinstance(got, ValueError), f"{context}: expected ValueError, got {got!r}"
        return
    assert not isinstance(got, Exception), f"{context}: raised {got!r}"
    atol = 0.0
    if op.name in ("sum", "mean") and x.size:
        # Cancellation: compare against the scale of the summands.
        finite = np.asarray(x, dtype=np.float64)
        atol = 1e-14 * float(np.nansum(np.abs(finite[np.isfinite(finite)]))) + 1e-300
    assert_same(got, exp, tolerance(label, x.dtype), context, atol=atol)


def _reduction_kwargs(op: Op) -> list[dict]:
    out = []
    for variant in op.variants:
        for skipna in (False, True):
            out.append({**variant, "skipna": skipna})
    return out


@pytest.mark.parametrize("op", REDUCTIONS, ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES, ids=[c[0] for c in CASES])
def test_reduction_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    if _skip_case(op, label):
        pytest.skip("squares of 1e300 overflow in both")
    for kwargs in _reduction_kwargs(op):
        q = kwargs.pop("q", None)
        args = () if q is None else (q,)
        _compare(op, label, x, kwargs, args)


@pytest.mark.parametrize("op", [o for o in REDUCTIONS if o.takes_where], ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES[:8], ids=[c[0] for c in CASES[:8]])
def test_reduction_where_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    for density in (0.0, 0.3, 1.0):
        where = rng.random(x.shape) < density
        for variant in op.variants:
            _compare(op, label, x, {**variant, "where": where})


def _rolling_params(n: int) -> list[dict]:
    params = []
    for window in (1, 3, 8, n + 3):
        for min_periods in (None, 1, window // 2 + 1):
            for center in (False, True):
                params.append({"window": window, "min_periods": min_periods, "center": center})
    return params


@pytest.mark.parametrize("op", ROLLING, ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES, ids=[c[0] for c in CASES])
def test_rolling_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    if _skip_case(op, label):
        pytest.skip("squares of 1e300 overflow in both")
    for params in _rolling_params(x.size):
        for variant in op.variants:
            kwargs = dict(variant)
            window = params["window"]
            args = (window,) if "q" not in kwargs else (window, kwargs.pop("q"))
            kwargs.update(min_periods=params["min_periods"], center=params["center"])
            _compare(op, label, x, kwargs, args)


@pytest.mark.parametrize("op", REDUCTIONS + ROLLING, ids=lambda o: o.name)
def test_longer_series(op: Op) -> None:
    """Series longer than the vector lanes and blocks, in three layouts."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal(300)
    x[rng.integers(0, 300, 20)] = np.nan
    x[7] = np.inf
    for data in (x, x.astype(np.float32), x[::3]):
        variant = dict(op.variants[-1])
        q = variant.pop("q", None)
        if op.rolling:
            args = (17,) if q is None else (17, q)
            _compare(op, "clone", data, {**variant, "min_periods": 5}, args)
        else:
            args = () if q is None else (q,)
            _compare(op, "clone", data, {**variant, "skipna": True}, args)
