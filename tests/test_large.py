"""Large slices: the paths that only long inputs take (selection by
bracketing, chunked threads) against NumPy, bit for bit where exact."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import hpcs
from hpcs import _reference as reference

N = 200_003  # several chunks
# Bracketing starts at 1024 values (select_body.h): at it, mid-size, large.
SIZES = (1_024, 5_001, N)


def _cases(n: int) -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(11)
    x = rng.standard_normal(n)
    with_nan = x.copy()
    with_nan[rng.integers(0, n, n // 10)] = np.nan
    with_inf = x.copy()
    with_inf[rng.integers(0, n, 50)] = np.inf
    with_inf[rng.integers(0, n, 50)] = -np.inf
    bimodal = np.where(rng.random(n) < 0.5, -1e6, 1e6) + rng.standard_normal(n)
    one_nan = x.copy()
    one_nan[n // 2 + 1] = np.nan  # off the bracketing sample's stride: found by the pass
    return [
        ("normal", x),
        ("nan", with_nan),
        ("one_nan", one_nan),
        # trending: the bracketed values crowd into a few chunks and
        # overflow their regions (select_body.h), which gather them again
        ("random_walk", np.cumsum(x)),
        ("inf", with_inf),
        ("ties", rng.integers(0, 3, n).astype(float)),
        ("constant", np.full(n, 7.0)),
        ("sorted", np.sort(x)),
        ("reversed", np.sort(x)[::-1].copy()),
        ("bimodal", bimodal),
        ("mostly_nan", np.where(rng.random(n) < 0.9, np.nan, x)),
        ("float32", x.astype(np.float32)),
        ("heavy_tail", rng.standard_cauchy(n)),
    ]


CASES = [(f"{label}-{n}", x) for n in SIZES for label, x in _cases(n)]


@pytest.mark.parametrize("label,x", CASES, ids=[label for label, _ in CASES])
@pytest.mark.parametrize("skipna", [False, True])
def test_large_order_statistics_exact(label: str, x: np.ndarray, skipna: bool) -> None:
    xd = x.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        med = np.nanmedian(xd) if skipna else np.median(xd)
        qs = [0.0, 0.01, 0.25, 0.5, 0.9, 1.0]
        # numpy, except equal inf neighbours give inf (docs/decisions.md)
        quant = reference.quantile(xd, qs, skipna=skipna)
        mad = (np.nanmedian if skipna else np.median)(np.abs(xd - med))
    assert np.array_equal(hpcs.median(x, skipna=skipna), med, equal_nan=True), label
    got_q = hpcs.quantile(x, qs, skipna=skipna)
    finite = np.isfinite(quant)
    assert np.array_equal(np.isnan(got_q), np.isnan(quant)), label
    assert np.array_equal(got_q[finite], quant[finite]), label
    if np.isfinite(med):
        assert np.array_equal(hpcs.mad(x, skipna=skipna), mad, equal_nan=True), label


def test_selection_past_the_partition_buffer() -> None:
    """Ranges over 2**21 values are partitioned in place, shorter ones out of
    place (select_body.h).  x: ties at the median, so the bracketed values
    are all equal.  spread: one value holds the middle two thirds, the
    bracket misses, and the copy path selects on all 3M values, taking both
    partitions."""
    rng = np.random.default_rng(13)
    x = rng.integers(0, 5, 3_000_001).astype(np.float64)
    x[::1000] = -0.0
    assert hpcs.median(x) == np.median(x)
    np.testing.assert_array_equal(hpcs.quantile(x, [0.1, 0.5, 0.93]),
                                  np.quantile(x, [0.1, 0.5, 0.93]))
    spread = rng.standard_normal(3_000_001)
    spread[:2_000_000] = 1.0  # one value holds the middle: a bracket miss
    assert hpcs.median(spread) == np.median(spread)
    assert hpcs.mad(spread) == np.median(np.abs(spread - np.median(spread)))


@pytest.mark.parametrize("threads", [1, 2])
def test_large_results_do_not_depend_on_threads(threads: int) -> None:
    rng = np.random.default_rng(12)
    x = rng.standard_normal(1_000_003)
    x[::777] = np.nan
    walk = np.cumsum(rng.standard_normal(1_000_003))  # bracketed values overflow some chunks

    def results() -> list[float]:
        return [hpcs.median(x, skipna=True), hpcs.mad(x, skipna=True),
                *hpcs.quantile(x, [0.1, 0.7], skipna=True), hpcs.sum(x, skipna=True),
                hpcs.var(x, skipna=True), hpcs.median(walk), hpcs.mad(walk),
                *hpcs.quantile(walk, [0.1, 0.7])]

    old = hpcs.get_thresholds()
    try:
        hpcs.set_thresholds({name: 1 for name in old})
        hpcs.set_num_threads(threads)
        got = results()
    finally:
        hpcs.set_thresholds(old)
        hpcs.set_num_threads(0)
    hpcs.set_num_threads(1)
    try:
        serial = results()
    finally:
        hpcs.set_num_threads(0)
    assert np.array(got).tobytes() == np.array(serial).tobytes()
    assert got[6] == np.median(walk)
    np.testing.assert_array_equal(got[8:], np.quantile(walk, [0.1, 0.7]))


# ---- 64-bit lengths --------------------------------------------------------

HUGE_N = 2**31 + 16  # past every int32 index


def _available_memory() -> int:
    with open("/proc/meminfo") as f:
        info = dict(line.split(":", 1) for line in f)
    return int(info["MemAvailable"].split()[0]) * 1024


@pytest.mark.slow
def test_float32_longer_than_int32() -> None:
    """sum, the tail of rolling_sum and median of 2**31 + 16 float32 values.

    Needs ~18 GB (input and rolling output); run with ``pytest -m slow``.
    The values are laid out so that a length or index truncated to 32 bits
    gives a wrong answer: zeros then twos, and a ramp in the last 16.
    """
    if _available_memory() < 20 * 2**30:
        pytest.skip("needs ~20 GB of free memory")
    x = np.zeros(HUGE_N, dtype=np.float32)
    half = HUGE_N // 2
    x[half:] = 2.0
    x[-16:] = np.arange(16, dtype=np.float32)  # tail 0, 1, ..., 15
    expected_sum = 2.0 * (HUGE_N - half - 16) + float(np.arange(16).sum())
    assert hpcs.sum(x) == expected_sum

    window = 8
    out = hpcs.rolling_sum(x, window)
    tail = x[-(window + 16):].astype(np.float64)
    expected_tail = np.convolve(tail, np.ones(window), mode="valid")[-16:]
    np.testing.assert_array_equal(out[-16:], expected_tail.astype(np.float32))
    assert out.shape == (HUGE_N,) and out.dtype == np.float32
    del out

    # Exactly half zeros; the rest are 2 and a ramp 1..16: the two middle
    # elements are the last zero and 1.
    x[-16:] += 1.0
    assert hpcs.median(x) == 0.5 * (0.0 + 1.0)
