"""Accuracy bounds of the contract: summation, variance, rolling drift."""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import hpcs


def test_sum_at_least_as_accurate_as_numpy() -> None:
    rng = np.random.default_rng(0)
    for trial in range(20):
        x = rng.standard_normal(100_000) * 10.0 ** rng.integers(0, 12, 100_000)
        x = np.concatenate([x, -x[:50_000]])  # heavy cancellation
        rng.shuffle(x)
        exact = math.fsum(x)
        ours = abs(hpcs.sum(x) - exact)
        theirs = abs(float(np.sum(x)) - exact)
        assert ours <= theirs or ours <= 1e-15 * math.fsum(np.abs(x)), (trial, ours, theirs)


def test_sum_classic_cancellation() -> None:
    assert hpcs.sum([1e16, 1.0, -1e16]) == 1.0
    assert hpcs.mean([1e16, 1.0, -1e16, 3.0]) == 1.0
    assert hpcs.sum([np.inf, 1.0]) == np.inf
    assert np.isnan(hpcs.sum([np.inf, -np.inf]))
    assert hpcs.sum([1e308, 1e308]) == np.inf


def test_var_of_offset_data() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(1_000_000)
    ref = np.var(x)
    assert abs(hpcs.var(1e9 + x) - ref) <= 1e-6 * ref
    assert abs(hpcs.std(1e9 + x, ddof=1) - np.std(x, ddof=1)) <= 1e-6 * np.std(x)


def test_rolling_var_does_not_drift() -> None:
    rng = np.random.default_rng(2)
    noise = rng.standard_normal(1_000_000)
    x = 1e9 + noise  # x - 1e9 is exact, so `noise` is the exact data
    exact = np.full(x.size, np.nan)
    exact[99:] = sliding_window_view(x - 1e9, 100).var(axis=1)
    got = hpcs.rolling_var(x, 100)
    rel = np.abs(got[99:] - exact[99:]) / exact[99:]
    assert rel.max() <= 1e-7, rel.max()
    got_std = hpcs.rolling_std(x, 100)
    assert (np.abs(got_std[99:] - np.sqrt(exact[99:])) / np.sqrt(exact[99:])).max() <= 1e-7


def test_rolling_mean_does_not_drift() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(2_000_000) * 1e6
    x[::1000] = 1e15  # large values entering and leaving the window
    got = hpcs.rolling_mean(x, 50)
    exact = sliding_window_view(x, 50).mean(axis=1)
    tail = slice(-10_000, None)
    np.testing.assert_allclose(got[49:][tail], exact[tail], rtol=1e-9, atol=1e-3)


def test_inf_leaving_the_window_has_no_effect() -> None:
    x = np.array([1.0, np.inf, 1.0, 1.0, 1.0, -np.inf, 2.0, 2.0])
    np.testing.assert_array_equal(hpcs.rolling_sum(x, 2),
                                  [np.nan, np.inf, np.inf, 2, 2, -np.inf, -np.inf, 4])
    assert hpcs.rolling_var(x, 2)[-1] == 0.0
    np.testing.assert_array_equal(hpcs.rolling_mean(x, 3)[4], 1.0)


def test_constant_window_has_zero_variance() -> None:
    x = np.full(1000, 0.1) + 1e6
    assert (hpcs.rolling_var(x, 10)[9:] == 0.0).all()
    assert hpcs.var(x) == 0.0
