"""Rolling sum/mean/var/std/min/max on the kernel paths other than whole
blocks: long windows (sub-blocks, windows over 640) and short windows of
sum/mean (direct sums, windows up to 16); rolling_mad's short windows (8
outputs side by side, windows up to 16).  The reference twins
(hpcs._reference), NaN/inf patterns, centring, min_periods, thread counts."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import hpcs
from hpcs import _reference as ref

N = 8_000
WINDOWS = (641, 1023, 2500)
#: Direct sums (ROLLING_DIRECT_MAX = 16 in rolling_body.h) and the first
#: window past them.
SHORT_WINDOWS = (1, 2, 10, 16, 17)


def _series(kind: str) -> np.ndarray:
    rng = np.random.default_rng(11)
    x = rng.standard_normal(N) * 10 + 3
    if kind == "sparse-nan":
        x[rng.integers(0, N, 5)] = np.nan
    elif kind == "dense-nan":
        x[rng.random(N) < 0.3] = np.nan
    elif kind == "nan-run":
        x[3000:5500] = np.nan
    elif kind == "inf":
        x[[100, 4000, 4001]] = [np.inf, -np.inf, np.inf]
        x[7000] = np.nan
    return x


def _reference(x: np.ndarray, window: int, center: bool,
               ops: tuple[str, ...]) -> tuple[dict, np.ndarray]:
    """The reference twins' results with min_periods=1 and the count of valid
    values of each window (other min_periods are a mask of these)."""
    kw = {"min_periods": 1, "center": center}
    ref_ops = {op: getattr(ref, f"rolling_{op}")(x, window, **kw) for op in ops}
    count = ref.rolling_sum((~np.isnan(x)).astype(np.float64), window, **kw)
    return ref_ops, np.nan_to_num(count)


def _check_brute_force(kind: str, window: int, ops: tuple[str, ...]) -> None:
    x = _series(kind)
    for center in (False, True):
        full, count = _reference(x, window, center, ops)
        for min_periods in sorted({1, max(1, window // 2), window}):
            expected = {op: np.where(count < min_periods, np.nan, r) for op, r in full.items()}
            for op in ops:
                got = getattr(hpcs, f"rolling_{op}")(x, window, min_periods=min_periods,
                                                      center=center)
                np.testing.assert_array_equal(np.isnan(got), np.isnan(expected[op]), err_msg=op)
                if op in ("min", "max"):
                    np.testing.assert_array_equal(got, expected[op], err_msg=op)
                else:
                    np.testing.assert_allclose(got, expected[op], rtol=1e-12, atol=1e-9,
                                               err_msg=op)


KINDS = ["clean", "sparse-nan", "dense-nan", "nan-run", "inf"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("window", WINDOWS)
def test_long_windows_match_brute_force(kind: str, window: int) -> None:
    _check_brute_force(kind, window, ("sum", "mean", "var", "std", "min", "max"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("window", SHORT_WINDOWS)
def test_short_windows_match_brute_force(kind: str, window: int) -> None:
    _check_brute_force(kind, window, ("sum", "mean"))


@pytest.mark.parametrize("kind", KINDS + ["ties"])
@pytest.mark.parametrize("window", (2, 3, 10, 16, 17))
def test_short_window_mad_matches_reference(kind: str, window: int) -> None:
    """Windows up to 16 take rolling_mad 8 outputs at a time (rolling_order_body.h,
    RO_MAD_LANES_MAX_WINDOW), next to outputs whose windows lack values."""
    x = _series(kind)[:800]
    if kind == "ties":
        x = np.round(x / 10)  # few distinct values: equal deviations on both sides
    for center in (False, True):
        for min_periods in sorted({1, window}):
            for scale in (1.0, "normal"):
                kwargs = {"min_periods": min_periods, "center": center, "scale": scale}
                got = hpcs.rolling_mad(x, window, **kwargs)
                want = ref.rolling_mad(x, window, **kwargs)
                np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, err_msg=str(kwargs))


def test_short_window_cut_to_series() -> None:
    """A window longer than the series is cut to it, below min_periods:
    every output then lacks values, on the direct path too."""
    x = np.arange(1.0, 6.0)
    for op, whole in (("sum", 15.0), ("mean", 3.0)):
        func = getattr(hpcs, f"rolling_{op}")
        assert np.isnan(func(x, 9)).all()
        assert np.isnan(func(x, 9, center=True)).all()
        np.testing.assert_array_equal(func(x, 9, min_periods=5), [np.nan] * 4 + [whole])


def test_long_window_float32() -> None:
    x = _series("sparse-nan")
    expected = ref.rolling_mean(x.astype(np.float32).astype(np.float64), 1000, min_periods=1)
    got = hpcs.rolling_mean(x.astype(np.float32), 1000, min_periods=1)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected.astype(np.float32), rtol=1e-6)


def test_long_window_no_drift_and_inf_leaves() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal(400_000) * 1e6
    x[::5000] = 1e15  # huge values entering and leaving the window
    x[1000] = np.inf
    got = hpcs.rolling_sum(x, 3000)
    tail = slice(-20_000, None)
    exact = sliding_window_view(x[-(20_000 + 2999):], 3000).sum(axis=1)
    np.testing.assert_allclose(got[tail], exact, rtol=1e-9, atol=1e-3)
    assert np.isinf(got[2999:4000]).all() and np.isfinite(got[4000:]).all()


@pytest.mark.parametrize("window", [1000, 4099])
def test_long_window_var_of_offset_data(window: int) -> None:
    rng = np.random.default_rng(6)
    noise = rng.standard_normal(60_000)
    noise[30_000:] += 50  # a level shift inside the series
    x = 1e9 + noise  # x - 1e9 is exact, so `noise` is the exact data
    exact = sliding_window_view(noise, window).var(axis=1)
    got = hpcs.rolling_var(x, window)[window - 1:]
    assert (np.abs(got - exact) / exact).max() <= 1e-7
    got_std = hpcs.rolling_std(x, window, ddof=1)[window - 1:]
    exact_std = sliding_window_view(noise, window).std(axis=1, ddof=1)
    assert (np.abs(got_std - exact_std) / exact_std).max() <= 1e-7
    const = np.full(20_000, 0.1) + 1e6
    assert (hpcs.rolling_var(const, window)[window - 1:] == 0.0).all()


@pytest.mark.parametrize("op", ["sum", "mean", "var", "std", "min", "max"])
def test_bit_identical_for_any_thread_count(op: str, thread_everything) -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal(700_001)
    x[rng.integers(0, x.size, 30)] = np.nan
    x[200_000:200_050] = np.nan
    for window in (3, 16, 1000, 5003, 70_000):
        for center in (False, True):
            results = []
            for threads in (1, 2, 3, 8):
                hpcs.set_num_threads(threads)
                results.append(getattr(hpcs, f"rolling_{op}")(x, window, min_periods=1,
                                                              center=center).tobytes())
            assert all(r == results[0] for r in results[1:]), (window, center)
