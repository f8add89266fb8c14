"""Inputs: never modified, zero-copy where promised, any array-like accepted."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpcs
from hpcs import _validate
from hpcs._ops import CORE as OPS, Op  # the §2/§3 harness; §4 ops: test_extended.py
from util import array_cases, call_filled


def _call(op: Op, x: object) -> object:
    variant = dict(op.variants[-1])
    q = variant.pop("q", None)
    args = () if q is None else (q,)
    if op.rolling:
        return op.fast(x, 4, *args, min_periods=1, **variant)
    try:
        return op.fast(x, *args, skipna=True, **variant)
    except ValueError:
        return None


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
def test_input_never_modified(op: Op) -> None:
    for label, x in array_cases():
        before = np.array(x, copy=True)
        _call(op, x)
        np.testing.assert_array_equal(x, before, err_msg=f"{op.name} modified {label}")
        assert x.dtype == before.dtype


def test_native_contiguous_input_is_not_copied() -> None:
    for dtype in (np.float64, np.float32):
        x = np.arange(10, dtype=dtype)
        assert _validate.as_float_array(x) is x
        assert _validate.c_layout(x) is x


def test_out_is_filled_and_returned() -> None:
    x = np.arange(10.0)
    out = np.empty_like(x)
    res = hpcs.rolling_mean(x, 3, out=out)
    assert res is out
    np.testing.assert_array_equal(out, hpcs.rolling_mean(x, 3))
    out32 = np.empty(10, dtype=np.float32)
    assert hpcs.rolling_max(x.astype(np.float32), 3, out=out32) is out32


def test_out_overlapping_input() -> None:
    x = np.arange(10.0)
    expected = hpcs.rolling_sum(x, 3, min_periods=1)
    y = x.copy()
    assert hpcs.rolling_sum(y, 3, min_periods=1, out=y) is y
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
def test_layouts_give_identical_results(op: Op) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(64)
    x[[2, 9]] = np.nan
    expected = _call(op, x)
    ro = x.copy()
    ro.flags.writeable = False
    variants = {
        "strided": np.repeat(x, 3)[::3],
        "reversed-twice": x[::-1][::-1],
        "negative-stride": x[::-1].copy()[::-1],
        "byteswapped": x.astype(">f8"),
        "readonly": ro,
        "list": x.tolist(),
        "tuple": tuple(x.tolist()),
        "memoryview": memoryview(x),
    }
    for name, data in variants.items():
        got = _call(op, data)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(expected),
                                      err_msg=f"{op.name} on {name}")


def test_pandas_series_input() -> None:
    pd = pytest.importorskip("pandas")
    s = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert hpcs.sum(s) == 10.0
    np.testing.assert_array_equal(hpcs.rolling_sum(s, 2), [np.nan, 3, 5, 7])


def test_ints_and_bools_become_float64() -> None:
    assert hpcs.sum(np.arange(5)) == 10.0
    assert hpcs.rolling_sum(np.arange(5), 2).dtype == np.float64
    assert hpcs.mean(np.array([True, False, True, True])) == 0.75
    assert hpcs.rolling_max([1, 2, 3], 2).dtype == np.float64


# --------------------------------------------------------------------------- numpy.ma
# Masked values are left out of reductions (as where=~mask) and are NaN
# (missing) in rolling inputs; where a mask has no meaning, TypeError.

_MASK = np.zeros((4, 6), dtype=bool)
_MASK[0, 1] = _MASK[2, 2] = _MASK[3, 5] = _MASK[1, 0] = True
_MASK[:, 3] = True  # a whole column: an empty slice along axis 0


def _masked(fill: float, dtype: object = np.float64) -> np.ma.MaskedArray:
    data = np.random.default_rng(8).standard_normal((4, 6)).astype(dtype)
    data[_MASK] = fill
    return np.ma.array(data, mask=_MASK)


def _outcome(func: object) -> object:
    try:
        return ("value", np.asarray(func()))
    except (TypeError, ValueError) as exc:
        return ("raises", type(exc))


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
@pytest.mark.parametrize("shape", ["1d", "2d-axis0", "2d-flat"])
def test_masked_values_are_never_used(op: Op, shape: str) -> None:
    """Whatever the data under the mask, the result is the same: it is never read."""
    outcomes = []
    for fill in (1e300, -1e300, np.nan, 0.0):
        x = _masked(fill)
        kw: dict = {}
        if shape == "1d":
            x = x.ravel()
        elif shape == "2d-axis0":
            kw["axis"] = 0
        if op.rolling:
            kw["min_periods"] = 1
            if shape == "2d-flat":
                continue
        before = (x.data.copy(), x.mask.copy())
        outcomes.append(_outcome(lambda: call_filled(op.fast, x, **kw)))
        np.testing.assert_array_equal(x.data, before[0])
        np.testing.assert_array_equal(x.mask, before[1])
    for got in outcomes[1:]:
        assert got[0] == outcomes[0][0]
        if got[0] == "value":
            np.testing.assert_array_equal(got[1], outcomes[0][1])
        else:
            assert got[1] is outcomes[0][1]


@pytest.mark.parametrize("op", [o for o in OPS.values() if o.takes_where], ids=lambda o: o.name)
def test_masked_reduction_is_where_not_mask(op: Op) -> None:
    x = _masked(1e300)
    rows = np.array([True, False, True, True, True, True])
    for kw in ({}, {"axis": 1}, {"skipna": True}):
        got = op.fast(x[:, [0, 1, 2, 4, 5]], **kw)
        expected = op.fast(x.data[:, [0, 1, 2, 4, 5]], where=~_MASK[:, [0, 1, 2, 4, 5]], **kw)
        np.testing.assert_array_equal(got, expected)
    # where= given too: both apply.
    got = op.fast(x[:, [0, 1, 2, 4, 5]], where=rows[:5])
    expected = op.fast(x.data[:, [0, 1, 2, 4, 5]], where=~_MASK[:, [0, 1, 2, 4, 5]] & rows[:5])
    assert got == expected
    if op.name in ("sum", "mean", "min", "max"):
        ref = getattr(np.ma, op.name)(x)
        assert math.isclose(op.fast(x), ref, rel_tol=1e-12)


def test_masked_issue_example_and_empty_rules() -> None:
    assert hpcs.sum(np.ma.array([1.0, 2, 100, 4], mask=[0, 0, 1, 0])) == 7.0
    everything = np.ma.array([1.0, 2.0], mask=[1, 1])
    assert hpcs.sum(everything) == 0.0 and math.isnan(hpcs.mean(everything))
    assert math.isnan(hpcs.median(everything))
    with pytest.raises(ValueError):
        hpcs.min(everything)
    # nomask and an all-False mask: the plain array's result.
    assert hpcs.var(np.ma.array([1.0, 2.0, 4.0])) == hpcs.var([1.0, 2.0, 4.0])
    assert hpcs.var(np.ma.array([1.0, 2.0, 4.0], mask=[0, 0, 0])) == hpcs.var([1.0, 2.0, 4.0])


@pytest.mark.parametrize("name", ["median", "mad", "quantile"])
def test_masked_selection_uses_the_unmasked_values(name: str) -> None:
    x = _masked(1e300)
    func = getattr(hpcs, name)
    q = {"q": [0.1, 0.5]} if name == "quantile" else {}
    np.testing.assert_array_equal(func(x, **q), func(x.compressed(), **q))
    by_rows = func(x, axis=1, **q)
    expected = np.stack([func(row.compressed(), **q) for row in x], axis=-1)
    np.testing.assert_array_equal(by_rows, expected)
    # An unmasked NaN still gives NaN (only in its row) unless skipna.
    y = x.copy()
    y.data[1, 4] = np.nan
    got = func(y, axis=1, **q)
    assert np.isnan(got[..., 1]).all() and not np.isnan(np.delete(got, 1, axis=-1)).any()
    skipped = func(y, axis=1, skipna=True, **q)
    row = y[1].compressed()
    np.testing.assert_array_equal(skipped[..., 1], func(row[~np.isnan(row)], **q))


@pytest.mark.parametrize("op", [o for o in OPS.values() if o.rolling], ids=lambda o: o.name)
def test_masked_rolling_is_nan(op: Op) -> None:
    for dtype in (np.float64, np.float32):
        x = _masked(1e30, dtype)
        filled = x.filled(np.nan)
        for kw in ({"min_periods": 1}, {}, {"axis": 0, "min_periods": 2}):
            got = call_filled(op.fast, x, **kw)
            assert type(got) is np.ndarray and got.dtype == dtype
            np.testing.assert_array_equal(got, call_filled(op.fast, filled, **kw))
    ints = np.ma.array(np.arange(8), mask=[0, 0, 1, 0, 0, 0, 0, 0])
    got = call_filled(op.fast, ints, min_periods=1)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(
        got, call_filled(op.fast, np.where(ints.mask, np.nan, ints.data), min_periods=1))


def test_masked_where_out_and_q_are_rejected() -> None:
    x = np.arange(5.0)
    with pytest.raises(TypeError, match="where"):
        hpcs.sum(x, where=np.ma.array([True] * 5, mask=[0, 1, 0, 0, 0]))
    with pytest.raises(TypeError, match="where"):
        hpcs.sum(np.ma.array(x, mask=[1, 0, 0, 0, 0]),
                 where=np.ma.array([True] * 5, mask=[0, 1, 0, 0, 0]))
    with pytest.raises(TypeError, match="out"):
        hpcs.rolling_sum(x, 2, out=np.ma.array(np.empty(5)))
    with pytest.raises(TypeError, match=r"\bq\b"):
        hpcs.quantile(x, np.ma.array([0.5, 0.9], mask=[0, 1]))
