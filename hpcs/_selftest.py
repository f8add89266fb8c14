"""Correctness self-test bundled with the package (``hpcs test``).

Known answers, then every registered operation (the core's and §4's) against
its slow reference twin on random data with NaN and inf, in float64 and
float32, 1-D and 2-D.
Needs nothing but the installed package.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Optional

import numpy as np

import hpcs
from hpcs._ops import OPS, SPECIAL, Op

Check = tuple[str, Callable[[], bool]]


def _known_answers() -> Iterator[Check]:
    yield "sum cancels exactly", lambda: hpcs.sum([1e16, 1.0, -1e16]) == 1.0
    yield "sum of inf and -inf is NaN", lambda: math.isnan(hpcs.sum([np.inf, -np.inf]))
    yield "mean", lambda: hpcs.mean([1.0, 2.0, 3.0, 4.0]) == 2.5
    yield "var of offset data", lambda: abs(hpcs.var(1e9 + np.arange(5.0)) - 2.0) < 1e-6
    yield "std ddof=1", lambda: hpcs.std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], ddof=1) == \
        float(np.std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], ddof=1))
    yield "min skips NaN", lambda: hpcs.min([3.0, np.nan, 1.0], skipna=True) == 1.0
    yield "max propagates NaN", lambda: math.isnan(hpcs.max([3.0, np.nan]))
    yield "median even", lambda: hpcs.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    yield "mad normal", lambda: hpcs.mad([1.0, 2.0, 3.0, 4.0, 100.0], scale="normal") == \
        1.482602218505602
    yield "quantile", lambda: hpcs.quantile([1.0, 2.0, 3.0, 4.0], 0.25) == 1.75
    yield "rolling_mean", lambda: np.array_equal(hpcs.rolling_mean([1.0, 2.0, 3.0], 2),
                                                 [np.nan, 1.5, 2.5], equal_nan=True)
    yield "rolling_median skips NaN", lambda: np.array_equal(
        hpcs.rolling_median([1.0, np.nan, 5.0, 3.0], 3, min_periods=2),
        [np.nan, np.nan, 3.0, 4.0], equal_nan=True)
    yield "rolling_sum after inf left", lambda: hpcs.rolling_sum([np.inf, 1.0, 2.0], 2)[-1] == 3.0
    yield "min of empty raises", lambda: _raises(ValueError, hpcs.min, [])
    yield "complex raises TypeError", lambda: _raises(TypeError, hpcs.sum, [1j])
    yield "window 0 raises", lambda: _raises(ValueError, hpcs.rolling_mean, [1.0], 0)


def _raises(exc: type, func: Callable[..., Any], *args: Any) -> bool:
    try:
        func(*args)
    except exc:
        return True
    return False


def _same(got: Any, exp: Any, rtol: float) -> bool:
    g, e = np.asarray(got, dtype=np.float64), np.asarray(exp, dtype=np.float64)
    if g.shape != e.shape or not np.array_equal(np.isnan(g), np.isnan(e)):
        return False
    finite = np.isfinite(e)
    return bool(np.array_equal(g[~finite & ~np.isnan(e)], e[~finite & ~np.isnan(e)])
                and np.allclose(g[finite], e[finite], rtol=rtol, atol=1e-12))


def group_codes(size: int) -> np.ndarray:
    """Deterministic group codes 0..11, some -1 (left out)."""
    return (np.arange(size) * 7919) % 13 - 1


def call(op: Op, x: Any, axis: Optional[int] = None, variant: Optional[dict] = None,
         fast: bool = True) -> Any:
    """``op`` (or its reference twin) on ``x`` with ``variant`` (default: its
    last one), by the call convention of its family: rolling ops over
    windows of 7 with min_periods 3, pair ops against a second series made
    from x, group ops with :func:`group_codes`."""
    func = op.fast if fast else op.reference
    kw = dict(op.variants[-1] if variant is None else variant)
    along = -1 if axis is None else axis
    q = kw.pop("q", None)
    args = () if q is None else (q,)
    if op.family == "group":
        return func(x, group_codes(np.size(x)), **kw)
    if op.name == "clip":
        return func(x, **kw)
    if op.family == "rolling_pair":
        y = np.asarray(x)[..., ::-1] * 0.5 + 1.0
        return func(x, y, 7, min_periods=3, axis=along, **kw)
    if op.rolling:
        return func(x, 7, *args, min_periods=3, axis=along, **kw)
    if op.family in ("cumulative", "ewm") or op.name == "diff":
        return func(x, axis=along, **kw)
    if op.family == "anomaly":
        return func(x, 2.0, axis=along, **kw)
    return func(x, *args, axis=axis, skipna=kw.pop("skipna", True), **kw)


def _against_reference(op: Op, x: np.ndarray) -> bool:
    rtol = 1e-5 if x.dtype == np.float32 else 1e-10
    axis = -1 if op.rolling or x.ndim > 1 else None
    return _same(call(op, x, axis), call(op, x, axis, fast=False), rtol)


def _random_checks(seed: int = 0) -> Iterator[Check]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(500)
    x[rng.integers(0, 500, 40)] = np.nan
    x[[10, 20]] = [np.inf, -np.inf]
    m = rng.standard_normal((6, 80))
    for op in [*OPS.values(), *SPECIAL.values()]:
        for label, data in (("f64", x), ("f32", x.astype(np.float32)), ("2-D", m)):
            yield f"{op.name} vs reference ({label})", \
                lambda op=op, data=data: _against_reference(op, data)


def run_selftest(report: Optional[Callable[[str, bool], None]] = None) -> tuple[int, int]:
    """Run every check; return (passed, failed).

    >>> from hpcs._selftest import run_selftest
    >>> passed, failed = run_selftest()
    >>> failed
    0
    """
    passed = failed = 0
    for name, check in [*_known_answers(), *_random_checks()]:
        try:
            ok = bool(check())
        except Exception:  # a crash is a failed check, reported, not raised
            ok = False
        passed, failed = passed + ok, failed + (not ok)
        if report:
            report(name, ok)
    return passed, failed
