"""Property tests against independent oracles: NumPy, pandas, bottleneck."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import hpcs

pd = pytest.importorskip("pandas")

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
with_nan = st.one_of(finite, st.just(np.nan))
series = hnp.arrays(np.float64, st.integers(0, 80), elements=with_nan)
dtypes = st.sampled_from([np.float64, np.float32])


def close(got: np.ndarray, exp: np.ndarray, rtol: float = 1e-9, atol: float = 1e-9) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.asarray(exp, dtype=np.float64),
                               rtol=rtol, atol=atol, equal_nan=True)


@given(x=series, window=st.integers(1, 30), data=st.data(), center=st.booleans())
def test_rolling_vs_pandas(x: np.ndarray, window: int, data: st.DataObject, center: bool) -> None:
    min_periods = data.draw(st.integers(1, window))
    roll = pd.Series(x).rolling(window, min_periods=min_periods, center=center)
    kw = dict(min_periods=min_periods, center=center)
    # Sums of values up to 1e6 over 30 values: absolute slack for cancellation.
    close(hpcs.rolling_sum(x, window, **kw), roll.sum(), atol=1e-6)
    close(hpcs.rolling_mean(x, window, **kw), roll.mean(), atol=1e-7)
    close(hpcs.rolling_min(x, window, **kw), roll.min())
    close(hpcs.rolling_max(x, window, **kw), roll.max())
    close(hpcs.rolling_median(x, window, **kw), roll.median())
    # pandas' running sums leave ~eps * scale**2 in var (e.g. a constant window
    # of -982334.0 gets std 0.0064, not 0): slack for that, not for us.
    scale = float(np.nanmax(np.abs(x))) if np.isfinite(x).any() else 1.0
    close(hpcs.rolling_var(x, window, ddof=1, **kw), roll.var(ddof=1), rtol=1e-7,
          atol=1e-10 * scale**2 + 1e-9)
    close(hpcs.rolling_std(x, window, **kw), roll.std(ddof=0), rtol=1e-7,
          atol=1e-5 * scale + 1e-9)
    q = data.draw(st.floats(0, 1))
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        close(hpcs.rolling_quantile(x, window, q, method=method, **kw),
              roll.quantile(q, interpolation=method))


@given(x=series, window=st.integers(1, 30), min_count=st.integers(1, 30))
# Squares below the normal range (here ~7e-321) keep few digits, in
# bottleneck's sums as in ours: the two std differ by 0.2% there.
@example(np.array([8.24826529e-161, 0, 0, 0, 0]), 5, 1).via("found by hypothesis")
def test_rolling_vs_bottleneck(x: np.ndarray, window: int, min_count: int) -> None:
    bn = pytest.importorskip("bottleneck")
    assume(window <= x.size)  # bottleneck rejects longer windows
    min_count = min(min_count, window)
    # bottleneck's running sums lose ~1e-10 of the data's scale (we do not).
    scale = float(np.nanmax(np.abs(x))) if np.isfinite(x).any() else 1.0
    # Subnormal squares are off by up to half a subnormal each, so a
    # variance by up to ~window of them and, as |sqrt(v + d) - sqrt(v)| <=
    # sqrt(|d|), a std by up to the square root of that.
    subnormal = math.sqrt(4 * window * np.finfo(np.float64).smallest_subnormal)
    kw = dict(min_periods=min_count)
    close(hpcs.rolling_mean(x, window, **kw), bn.move_mean(x, window, min_count=min_count),
          atol=1e-7)
    close(hpcs.rolling_max(x, window, **kw), bn.move_max(x, window, min_count=min_count))
    close(hpcs.rolling_median(x, window, **kw),
          bn.move_median(x, window, min_count=min_count))
    close(hpcs.rolling_std(x, window, **kw), bn.move_std(x, window, min_count=min_count),
          rtol=1e-7, atol=1e-6 * scale + subnormal)


@given(x=hnp.arrays(np.float64, st.integers(0, 200), elements=with_nan), dtype=dtypes,
       q=st.floats(0, 1))
def test_reductions_vs_numpy(x: np.ndarray, dtype: type, q: float) -> None:
    x = x.astype(dtype)
    xd = x.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {
            "mean": np.nanmean(xd), "var": np.nanvar(xd), "std": np.nanstd(xd, ddof=0),
            "median": np.nanmedian(xd) if xd.size else np.nan,
            "quantile": np.nanquantile(xd, q) if xd.size else np.nan,
        }
    close(hpcs.sum(x, skipna=True), np.nansum(xd), atol=1e-6)
    close(hpcs.mean(x, skipna=True), expected["mean"], atol=1e-9)
    close(hpcs.var(x, skipna=True), expected["var"], rtol=1e-8, atol=1e-6)
    close(hpcs.std(x, skipna=True), expected["std"], rtol=1e-8, atol=1e-6)
    close(hpcs.median(x, skipna=True), expected["median"])
    close(hpcs.quantile(x, q, skipna=True), expected["quantile"])
    if np.isnan(xd).all():
        with pytest.raises(ValueError):
            hpcs.min(x, skipna=True)
    else:
        assert hpcs.min(x, skipna=True) == np.nanmin(xd)
        assert hpcs.max(x, skipna=True) == np.nanmax(xd)


@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                    elements=finite), data=st.data())
def test_axis_vs_numpy(x: np.ndarray, data: st.DataObject) -> None:
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    close(hpcs.sum(x, axis=axis), np.sum(x, axis=axis), atol=1e-8)
    close(hpcs.var(x, axis=axis, ddof=0), np.var(x, axis=axis), rtol=1e-9, atol=1e-6)
    close(hpcs.median(x, axis=axis), np.median(x, axis=axis))
    close(hpcs.quantile(x, [0.2, 0.8], axis=axis), np.quantile(x, [0.2, 0.8], axis=axis))
    if x.shape[axis]:
        close(hpcs.max(x, axis=axis), np.max(x, axis=axis))
