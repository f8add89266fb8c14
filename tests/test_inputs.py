"""Inputs: never modified, zero-copy where promised, any array-like accepted."""

from __future__ import annotations

import numpy as np
import pytest

import hpcs
from hpcs import _validate
from hpcs._ops import CORE as OPS, Op  # the §2/§3 harness; §4 ops: test_extended.py
from util import array_cases


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
