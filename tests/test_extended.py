"""The §4 operations (transforms, cumulative scans, robust means, groups)
against their oracles — NumPy, pandas, scipy and hpcs._reference — over the
edge cases of the core: NaN, ±inf, empty, length 1, constant data, float32,
non-contiguous and N-D input along every axis; inputs never modified; the
same bits for every thread count."""

from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import hpcs
from hpcs._ops import EXTENDED, OPS, Op
from hpcs._selftest import call as _call, group_codes as _codes
from util import array_cases, assert_same, tolerance, assert_bits_same_for_any_thread_count

CASES = list(array_cases())
STANDARDISE = ("zscore", "robust_zscore", "normalize_minmax")
ELEMENTS = st.one_of(st.floats(-1e6, 1e6), st.just(np.nan), st.just(np.inf), st.just(-np.inf),
                     st.sampled_from([0.0, 1.0, -2.5]))
SERIES = hnp.arrays(np.float64, st.integers(0, 40), elements=ELEMENTS)
#: Fewer examples than the default profile: these tests are many and cheap ones suffice.
FEW = settings(max_examples=25, deadline=None)


def _result(func: Any) -> Any:
    try:
        return func()
    except ValueError as exc:
        return exc


@pytest.mark.parametrize("op", EXTENDED, ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES, ids=[c[0] for c in CASES])
def test_matches_reference_and_leaves_input_alone(op: Op, label: str, x: np.ndarray) -> None:
    before = np.array(x, copy=True)
    for variant in op.variants:
        kws = [variant]
        if "skipna" in (op.fast.__kwdefaults__ or {}) and "skipna" not in variant:
            kws = [{**variant, "skipna": False}, {**variant, "skipna": True}]
        for kw in kws:
            if op.name in ("group_var", "group_std") and label == "huge":
                continue  # squares of 1e300 overflow (the reference's fsum raises)
            context = f"{op.name}({label}, {kw})"
            got = _result(lambda: _call(op, x, variant=kw))
            exp = _result(lambda: _call(op, x, variant=kw, fast=False))
            if isinstance(exp, ValueError):
                assert isinstance(got, ValueError), f"{context}: expected ValueError, got {got!r}"
                continue
            assert not isinstance(got, Exception), f"{context}: raised {got!r}"
            # z-scores of 1e9 + N(0,1): x - mean cancels ~9 digits.
            atol = 1e-6 if label == "offset_1e9" and op.name in STANDARDISE else 1e-300
            assert_same(got, exp, tolerance(label, x.dtype), context, atol=atol)
    np.testing.assert_array_equal(x, before)


# ---- oracles ----------------------------------------------------------------


@FEW
@given(SERIES, st.sampled_from([0, 1]), st.booleans())
def test_zscore_is_the_numpy_formula(x: np.ndarray, ddof: int, skipna: bool) -> None:
    got = hpcs.zscore(x, ddof=ddof, skipna=skipna)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = np.nanmean(x) if skipna else np.mean(x)
        std = np.nanstd(x, ddof=ddof) if skipna else np.std(x, ddof=ddof)
        count = np.count_nonzero(~np.isnan(x)) if skipna else x.size
        valid = x[~np.isnan(x)] if skipna else x
        constant = valid.size > 0 and bool((valid == valid[0]).all())
        if std == 0 or count <= ddof or constant:  # numpy: rounding noise of a constant
            std = np.nan
        exp = (x - mean) / std
    assert not np.isinf(got[np.isfinite(x)]).any()
    assert_same(got, exp, 1e-9, f"zscore({x!r})", atol=1e-12)


@FEW
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e3, 1e3)))
def test_constant_data_gives_nan_never_inf(x: np.ndarray) -> None:
    c = np.full_like(x, x[0])
    for name in STANDARDISE:
        assert np.isnan(getattr(hpcs, name)(c)).all(), name


@FEW
@given(SERIES, st.one_of(st.none(), st.floats(-10, 10), st.just(-np.inf)),
       st.one_of(st.none(), st.floats(-10, 10), st.just(np.inf)))
def test_clip_is_numpy_clip(x: np.ndarray, lo: Optional[float], hi: Optional[float]) -> None:
    exp = np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi)
    np.testing.assert_array_equal(hpcs.clip(x, lo, hi), exp)
    x32 = x.astype(np.float32)
    np.testing.assert_array_equal(hpcs.clip(x32, lo, hi),
                                  np.clip(x32, np.float32(-np.inf if lo is None else lo),
                                          np.float32(np.inf if hi is None else hi)))


@FEW
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=ELEMENTS), st.integers(0, 4), st.data())
def test_diff_is_numpy_diff(x: np.ndarray, n: int, data: Any) -> None:
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    with np.errstate(all="ignore"):
        exp = np.diff(x, n=n, axis=axis)
    got = hpcs.diff(x, n, axis)
    assert got.shape == exp.shape
    np.testing.assert_array_equal(got, exp)


@FEW
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=ELEMENTS), st.data())
def test_cummin_cummax_are_accumulate_and_pandas(x: np.ndarray, data: Any) -> None:
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    np.testing.assert_array_equal(hpcs.cummin(x, axis), np.minimum.accumulate(x, axis))
    np.testing.assert_array_equal(hpcs.cummax(x, axis), np.maximum.accumulate(x, axis))
    if x.ndim == 1:
        s = pd.Series(x)
        np.testing.assert_array_equal(hpcs.cummin(x, skipna=True), s.cummin().to_numpy())
        np.testing.assert_array_equal(hpcs.cummax(x, skipna=True), s.cummax().to_numpy())
        np.testing.assert_array_equal(hpcs.cummin(x.astype(np.float32), skipna=True),
                                      s.astype(np.float32).cummin().to_numpy())


@FEW
@given(hnp.arrays(np.float64, st.integers(0, 40),
                  elements=st.one_of(st.floats(-5, 5), st.just(np.nan), st.just(np.nan))),
       st.one_of(st.none(), st.integers(1, 4)))
def test_ffill_bfill_are_pandas(x: np.ndarray, limit: Optional[int]) -> None:
    s = pd.Series(x, dtype=np.float64)
    np.testing.assert_array_equal(hpcs.ffill(x, limit=limit), s.ffill(limit=limit).to_numpy())
    np.testing.assert_array_equal(hpcs.bfill(x, limit=limit), s.bfill(limit=limit).to_numpy())
    m = np.stack([x, x[::-1]], axis=1)
    exp = pd.DataFrame(m).ffill(limit=limit).to_numpy()
    np.testing.assert_array_equal(hpcs.ffill(m, limit=limit, axis=0), exp)


@FEW
@given(hnp.arrays(np.float64, st.integers(1, 50),
                  elements=st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1.0]))),
       st.floats(0, 0.5))
def test_trimmed_mean_is_scipy(x: np.ndarray, p: float) -> None:
    lo = int(p * x.size)
    if lo >= x.size - lo:
        return  # scipy: mean of nothing (a warning) — hpcs gives NaN
    exp = scipy.stats.trim_mean(x, p)
    assert np.isclose(hpcs.trimmed_mean(x, p), exp, rtol=1e-12, atol=1e-12)


@FEW
@given(hnp.arrays(np.float64, st.integers(1, 50),
                  elements=st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1.0]))),
       st.floats(0, 0.45), st.floats(0, 0.45))
def test_winsorized_mean_is_scipy(x: np.ndarray, lower: float, upper: float) -> None:
    exp = float(scipy.stats.mstats.winsorize(x, (lower, upper)).mean())
    assert np.isclose(hpcs.winsorized_mean(x, (lower, upper)), exp, rtol=1e-12, atol=1e-12)


def test_robust_means_nd_every_axis_and_nan_rules() -> None:
    m = np.random.default_rng(5).standard_normal((4, 9, 6))
    for axis in (None, 0, 1, 2, -1):
        np.testing.assert_allclose(hpcs.trimmed_mean(m, 0.2, axis),
                                   scipy.stats.trim_mean(m, 0.2, axis), rtol=1e-12)
        np.testing.assert_allclose(hpcs.winsorized_mean(m.T, 0.1, axis),
                                   np.asarray(scipy.stats.mstats.winsorize(
                                       m.T.copy(), 0.1, axis=axis).mean(axis=axis)),
                                   rtol=1e-12)
    x = np.array([1.0, np.nan, 3.0, 100.0, 2.0])
    assert np.isnan(hpcs.trimmed_mean(x, 0.2))
    assert hpcs.trimmed_mean(x, 0.25, skipna=True) == 2.5
    assert np.isnan(hpcs.trimmed_mean([], 0.1))
    with pytest.raises(ValueError):
        hpcs.trimmed_mean([1.0, 2.0, 3.0], 0.9)  # scipy: "Proportion too big."
    assert np.isnan(hpcs.trimmed_mean([1.0, 2.0], 0.5))  # scipy: mean of nothing
    with pytest.raises(ValueError):
        hpcs.winsorized_mean([1.0, 2.0], (0.5, 0.5))
    assert hpcs.trimmed_mean(np.arange(10, dtype=np.float32), 0.1) == 4.5


@pytest.mark.parametrize("op", ["sum", "mean", "var", "std", "min", "max", "count"])
@FEW
@given(x=hnp.arrays(np.float64, st.integers(0, 60),
                    elements=st.one_of(st.floats(-1e6, 1e6), st.just(np.nan))), data=st.data())
def test_group_ops_are_pandas_groupby(op: str, x: np.ndarray, data: Any) -> None:
    codes = np.asarray(data.draw(st.lists(st.integers(-1, 5), min_size=x.size, max_size=x.size)),
                       dtype=np.int64)
    k = int(codes.max()) + 1 if codes.size else 0
    got = getattr(hpcs, f"group_{op}")(x, codes.astype(np.int16))
    keep = codes >= 0
    grouped = pd.Series(x[keep]).groupby(codes[keep])
    kw = {"ddof": 0} if op in ("var", "std") else {}
    exp = getattr(grouped, op)(**kw).reindex(range(k))
    if op == "sum":
        exp = exp.fillna(0.0)
    elif op == "count":
        exp = exp.fillna(0).astype(np.int64)
    assert got.shape == (k,)
    if op == "count":
        np.testing.assert_array_equal(got, exp.to_numpy())
    else:
        np.testing.assert_allclose(got, exp.to_numpy(dtype=np.float64), rtol=1e-12, atol=1e-9)


def test_group_rules() -> None:
    x = np.array([1.0, 2.0, np.nan, 4.0, 8.0])
    codes = [0, 0, 0, -1, 3]
    np.testing.assert_array_equal(hpcs.group_sum(x, codes), [3.0, 0.0, 0.0, 8.0])
    np.testing.assert_array_equal(hpcs.group_count(x, codes), [2, 0, 0, 1])
    np.testing.assert_array_equal(hpcs.group_count(x, codes, skipna=False), [3, 0, 0, 1])
    assert np.isnan(hpcs.group_sum(x, codes, skipna=False)[0])
    assert np.isnan(hpcs.group_min(x, codes)[1]) and np.isnan(hpcs.group_mean(x, codes)[2])
    assert hpcs.group_sum(x, codes, ngroups=6).shape == (6,)
    assert hpcs.group_mean(x.astype(np.float32), codes).dtype == np.float32
    assert hpcs.group_sum(x, np.array(codes, dtype=np.int8)).tolist() == [3.0, 0.0, 0.0, 8.0]
    assert hpcs.group_sum([], []).shape == (0,)
    with pytest.raises(ValueError, match="ngroups"):
        hpcs.group_sum(x, codes, ngroups=3)
    with pytest.raises(ValueError, match="groups"):
        hpcs.group_sum(x, codes[:4])
    with pytest.raises(TypeError, match="groups"):
        hpcs.group_sum(x, np.zeros(5))
    assert np.isnan(hpcs.group_var([1.0, 2.0], [0, 0], ddof=2)[0])


def test_group_var_and_sum_are_accurate() -> None:
    rng = np.random.default_rng(9)
    noise = rng.standard_normal(300_000)
    codes = rng.integers(0, 7, noise.size)
    got = hpcs.group_var(1e9 + noise, codes)
    exp = np.array([np.var(noise[codes == k]) for k in range(7)])
    np.testing.assert_allclose(got, exp, rtol=1e-6)
    big = rng.standard_normal(200_000) * 1e10
    big[::2] = -big[1::2] + 1e-3 * rng.standard_normal(100_000)
    sums = hpcs.group_sum(big, codes[:big.size])
    ref = hpcs._reference.group_sum(big, codes[:big.size])
    np.testing.assert_allclose(sums, ref, rtol=1e-12)


def test_group_var_with_an_outlier_first_in_every_part() -> None:
    # Each group's first value in each part (parts of 2^16 values here) is
    # far from the rest: sums of squares about that value would cancel most
    # of their digits; Welford's updates do not.
    rng = np.random.default_rng(11)
    codes = rng.integers(0, 3, 140_000)
    x = 1.0 + 1e-3 * rng.standard_normal(codes.size)
    for start in range(0, codes.size, 1 << 16):
        for k in range(3):
            x[start + np.flatnonzero(codes[start:] == k)[0]] = 1e3
    got = hpcs.group_var(x, codes)
    np.testing.assert_allclose(got, hpcs._reference.group_var(x, codes), rtol=1e-12)


def test_group_ops_with_a_large_table() -> None:
    # From 16 384 groups on the pass prefetches the entries of the codes
    # ahead of it (a negative or too large code asks for entry 0): the same
    # results as pandas, codes near the end included, and a bad code found.
    rng = np.random.default_rng(13)
    k = 20_000
    x = rng.standard_normal(100_000)
    x[::97] = np.nan
    codes = rng.integers(-1, k, x.size)
    codes[-5:] = [k - 1, -1, 0, -1, k - 1]
    keep = codes >= 0
    grouped = pd.Series(x[keep]).groupby(codes[keep])
    for op in ("sum", "mean", "var", "std", "min", "max", "count"):
        kw = {"ddof": 0} if op in ("var", "std") else {}
        got = getattr(hpcs, f"group_{op}")(x, codes, ngroups=k, **kw)
        exp = getattr(grouped, op)(**kw).reindex(range(k))
        exp = exp.fillna(0).astype(np.int64) if op == "count" else (
            exp.fillna(0.0) if op == "sum" else exp)
        np.testing.assert_allclose(got, exp.to_numpy(), rtol=1e-12, atol=1e-12)
    bad = codes.copy()
    bad[-2] = k  # within the prefetch distance of the end
    with pytest.raises(ValueError, match="ngroups"):
        hpcs.group_var(x, bad, ngroups=k)


@pytest.mark.parametrize("ngroups", [3, 2_500])
@pytest.mark.parametrize("skipna", [True, False])
def test_group_ops_bit_identical_for_any_thread_count(ngroups: int, skipna: bool,
                                                      thread_everything) -> None:
    # Several parts, and with 2 500 groups several blocks of groups in the
    # merge, whichever threads take them.
    rng = np.random.default_rng(12)
    x = rng.standard_normal(300_001)
    x[::101] = np.nan
    codes = rng.integers(-1, ngroups, x.size)
    for op in ("sum", "mean", "var", "std", "min", "max", "count"):
        assert_bits_same_for_any_thread_count(
            lambda: getattr(hpcs, f"group_{op}")(x, codes, ngroups=ngroups, skipna=skipna),
            f"group_{op}")


# ---- layouts, dtypes, threads ------------------------------------------------


@pytest.mark.parametrize("name", STANDARDISE + ("cummin", "ffill", "diff"))
def test_nd_every_axis_matches_reference(name: str) -> None:
    op = OPS[name]
    m = np.random.default_rng(4).standard_normal((3, 5, 4))
    m[1, 2, :] = np.nan
    for axis in range(-3, 3):
        for arr in (m, np.asfortranarray(m), m.astype(np.float32), m[:, ::2]):
            got, exp = _call(op, arr, axis), _call(op, arr, axis, fast=False)
            assert_same(got, exp, tolerance("", arr.dtype), f"{name} axis={axis}")


def test_wrong_types_raise_typeerror() -> None:
    for op in EXTENDED:
        with pytest.raises(TypeError, match="x: "):
            _call(op, np.array([1 + 2j, 3j]))


@pytest.mark.parametrize("op", EXTENDED, ids=lambda o: o.name)
def test_bit_identical_for_any_thread_count(op: Op, thread_everything) -> None:
    rng = np.random.default_rng(0)
    long = rng.standard_normal(300_001)
    long[::97] = np.nan
    long[1000:200_000] = np.nan if op.name in ("ffill", "bfill") else long[1000:200_000]
    inputs = [(long, None), (rng.standard_normal((64, 2_000)), 0),
              (rng.standard_normal((40, 20_000)), -1)]
    for x, axis in inputs:
        assert_bits_same_for_any_thread_count(lambda: _call(op, x, axis), op.name)
    hpcs.set_num_threads(1)
    ref = _call(op, long[:5000], None, fast=False)
    assert_same(_call(op, long[:5000]), ref, 1e-9, op.name, atol=1e-300)


def test_long_series_scans_match_reference_across_chunks(thread_everything) -> None:
    """Chunked scans of one long series: the carry between chunks."""
    x = np.random.default_rng(2).standard_normal(200_000)
    x[70_000:140_000] = np.nan
    x[::1000] = np.nan
    s = pd.Series(x)
    hpcs.set_num_threads(3)
    np.testing.assert_array_equal(hpcs.ffill(x, limit=100_000), s.ffill(limit=100_000).to_numpy())
    np.testing.assert_array_equal(hpcs.bfill(x, limit=5), s.bfill(limit=5).to_numpy())
    np.testing.assert_array_equal(hpcs.bfill(x), s.bfill().to_numpy())
    np.testing.assert_array_equal(hpcs.cummax(x, skipna=True), s.cummax().to_numpy())
    np.testing.assert_array_equal(hpcs.cummin(x), np.minimum.accumulate(x))
