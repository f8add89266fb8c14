"""Errors: the right exception, with a message naming the argument."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

import hpcs
from hpcs._errors import STATUS_EXCEPTIONS, HPCSError, check, status_message
from hpcs._lib import lib
from hpcs._ops import CORE as OPS  # the §2/§3 harness; §4 ops: test_extended.py

X = np.arange(10.0)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
@pytest.mark.parametrize(
    "bad,dtype_word",
    [
        (np.array([1 + 2j, 3j]), "complex"),
        (np.array([object(), object()], dtype=object), "object"),
        (np.array(["a", "b"]), "<U1"),
        (np.array(["2024-01-01"], dtype="datetime64[D]"), "datetime64"),
        ([[1.0, 2.0], [3.0]], "numeric"),
        (None, "object"),
    ],
    ids=["complex", "object", "str", "datetime", "ragged", "None"],
)
def test_wrong_types_raise_typeerror(op, bad, dtype_word) -> None:
    variant = dict(op.variants[-1])
    q = variant.pop("q", None)
    args = ((4,) if op.rolling else ()) + (() if q is None else (q,))
    with pytest.raises(TypeError, match=r"x: .*" + dtype_word.replace("[", r"\[")):
        op.fast(bad, *args, **variant)


ROLLING = [o for o in OPS.values() if o.rolling]


@pytest.mark.parametrize("op", ROLLING, ids=lambda o: o.name)
@pytest.mark.parametrize("window", [0, -1, 2.5, True, 2**63, "3", None])
def test_bad_window(op, window) -> None:
    q = op.variants[0].get("q")
    args = (window,) if q is None else (window, q)
    with pytest.raises(ValueError, match="window"):
        op.fast(X, *args)


@pytest.mark.parametrize("op", ROLLING, ids=lambda o: o.name)
@pytest.mark.parametrize("min_periods", [0, -1, 5, 1.5])
def test_bad_min_periods(op, min_periods) -> None:
    q = op.variants[0].get("q")
    args = (4,) if q is None else (4, q)
    with pytest.raises(ValueError, match="min_periods"):
        op.fast(X, *args, min_periods=min_periods)


def test_window_larger_than_series_is_allowed() -> None:
    out = hpcs.rolling_mean(X, 100, min_periods=1)
    np.testing.assert_allclose(out, np.cumsum(X) / np.arange(1, 11))
    assert np.isnan(hpcs.rolling_median(X, 100)).all()


@pytest.mark.parametrize("q", [-0.1, 1.1, np.nan, [0.5, 2.0], [[0.5]]])
def test_bad_q(q) -> None:
    with pytest.raises(ValueError, match="q"):
        hpcs.quantile(X, q)
    if np.ndim(q) == 0:
        with pytest.raises(ValueError, match="q"):
            hpcs.rolling_quantile(X, 3, q)


def test_bad_method_ddof_scale_axis() -> None:
    with pytest.raises(ValueError, match="method"):
        hpcs.quantile(X, 0.5, method="bogus")
    with pytest.raises(ValueError, match="ddof"):
        hpcs.var(X, ddof=-1)
    with pytest.raises(ValueError, match="ddof"):
        hpcs.rolling_std(X, 3, ddof=-1)
    with pytest.raises(ValueError, match="scale"):
        hpcs.mad(X, scale="bogus")
    with pytest.raises(ValueError):
        hpcs.sum(X, axis=1)
    with pytest.raises(ValueError):
        hpcs.rolling_sum(X, 3, axis=2)
    with pytest.raises(TypeError, match="axis"):
        hpcs.sum(X, axis=1.5)


def test_bad_out() -> None:
    with pytest.raises(ValueError, match="out.*shape"):
        hpcs.rolling_sum(X, 3, out=np.empty(9))
    with pytest.raises(ValueError, match="out.*dtype"):
        hpcs.rolling_sum(X, 3, out=np.empty(10, dtype=np.float32))
    with pytest.raises(ValueError, match="out.*contiguous"):
        hpcs.rolling_sum(X, 3, out=np.empty(20)[::2])
    ro = np.empty(10)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out.*read-only"):
        hpcs.rolling_sum(X, 3, out=ro)
    with pytest.raises(TypeError, match="out"):
        hpcs.rolling_sum(X, 3, out=[0.0] * 10)


def test_empty_reductions() -> None:
    e = np.empty(0)
    assert hpcs.sum(e) == 0.0
    for f in (hpcs.mean, hpcs.var, hpcs.std, hpcs.median, hpcs.mad):
        assert np.isnan(f(e))
    assert np.isnan(hpcs.quantile(e, 0.5))
    for f in (hpcs.min, hpcs.max):
        with pytest.raises(ValueError, match=f.__name__):
            f(e)
        with pytest.raises(ValueError):
            f([np.nan, np.nan], skipna=True)
        with pytest.raises(ValueError):
            f([1.0, 2.0], where=[False, False])
    assert np.isnan(hpcs.var([1.0, 2.0], ddof=2))


def test_scalars_and_0d() -> None:
    assert hpcs.sum(3.0) == 3.0
    assert hpcs.mean(np.float64(2.0)) == 2.0
    with pytest.raises(ValueError, match="x"):
        hpcs.rolling_mean(3.0, 1)


def test_every_status_code_is_mapped() -> None:
    for code in range(1, lib.HPCS_STATUS_COUNT):
        assert code in STATUS_EXCEPTIONS, f"status {code} has no exception"
        assert status_message(code).startswith("HPCS_ERR_")
        with pytest.raises(STATUS_EXCEPTIONS[code], match="op"):
            check(code, "op")
    assert status_message(0).startswith("HPCS_OK")
    assert status_message(999).startswith("HPCS_UNKNOWN")
    assert issubclass(HPCSError, RuntimeError)
    assert STATUS_EXCEPTIONS[lib.HPCS_ERR_NOMEM] is MemoryError
    assert STATUS_EXCEPTIONS[lib.HPCS_ERR_ARG] is ValueError


def test_allocation_failure_is_memoryerror() -> None:
    # A window far larger than memory: the median's order-statistic structure
    # cannot be allocated for a huge series, and C reports HPCS_ERR_NOMEM.
    from hpcs._lib import ffi

    x = np.zeros(4)
    out = np.empty(4)
    rc = lib.hpcs_median_f64(ffi.from_buffer("double[]", x), 1, 2**60, 1, 0,
                             ffi.from_buffer("double[]", out, require_writable=True))
    assert rc == lib.HPCS_ERR_NOMEM


def test_date_like_objects_rejected() -> None:
    with pytest.raises(TypeError):
        hpcs.sum([datetime.date(2024, 1, 1)])


@pytest.mark.parametrize("center", [False, True])
@pytest.mark.parametrize("op", ["sum", "max", "var", "median", "quantile"])
def test_window_near_int64_max(op: str, center: bool) -> None:
    """Found by the fuzzer: a ~2**63 window overflowed block counts (SIGFPE or
    uninitialised output).  Such a window covers the whole series."""
    x = np.arange(70_000.0) % 10  # long enough to be split over threads
    args = (0.5,) if op == "quantile" else ()
    fn = getattr(hpcs, f"rolling_{op}")
    before = hpcs.get_num_threads()
    try:
        hpcs.set_num_threads(2)
        got = fn(x, 2**63 - 3, *args, min_periods=1, center=center)
        want = fn(x, 2 * x.size + 1, *args, min_periods=1, center=center)
    finally:
        hpcs.set_num_threads(before)
    np.testing.assert_array_equal(got, want)
    whole = {"sum": x.sum(), "max": x.max(), "var": x.var(), "median": np.median(x),
             "quantile": np.quantile(x, 0.5)}[op]
    if center:  # every centred window holds the whole series
        np.testing.assert_allclose(got, whole, rtol=1e-12)
