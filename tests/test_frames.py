"""pandas and polars in and out (contract §9), against pandas/polars themselves."""

import subprocess
import sys

import numpy as np
import pytest

import hpcs
from hpcs._ops import OPS

pd = pytest.importorskip("pandas")


def _series(n=50, seed=0, name="price"):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=n)
    values[[3, 17, 18]] = np.nan
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.Series(values, index=index, name=name)


def _frame(n=40, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n).astype(np.float32), "b": rng.normal(size=n),
                       "c": rng.normal(size=n).astype(np.float32)},
                      index=pd.date_range("2024-01-01", periods=n, freq="D"))
    df.iloc[5, 0] = np.nan
    df.iloc[7, 1] = np.nan
    return df


def _call(op, x, **extra):
    """The op on x with its first variant's arguments (window 5 for rolling)."""
    kwargs = dict(op.variants[0], **extra)
    if op.rolling:
        return getattr(hpcs, op.name)(x, 5, **kwargs)
    return getattr(hpcs, op.name)(x, **kwargs)


def test_import_hpcs_imports_no_frame_library():
    code = ("import sys, hpcs; print(sorted(m for m in ('pandas', 'polars', 'dask') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd="/")
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.shape_kind == "same"],
                         ids=lambda op: op.name)
def test_series_keeps_index_and_name(op):
    s = _series()
    got = _call(op, s)
    assert isinstance(got, pd.Series)
    assert got.name == "price"
    pd.testing.assert_index_equal(got.index, s.index)
    np.testing.assert_array_equal(got.to_numpy(), _call(op, s.to_numpy()))


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.shape_kind == "reduce"],
                         ids=lambda op: op.name)
def test_series_reduction_is_a_float(op):
    s = _series()
    got = _call(op, s, skipna=True)
    want = _call(op, s.to_numpy(), skipna=True)
    if np.ndim(want) == 0:
        assert type(got) is float
    np.testing.assert_array_equal(got, want)


def test_rolling_matches_pandas():
    s = _series(200)
    for w, mp in [(5, None), (7, 3), (30, 1)]:
        for center in (False, True):
            roll = s.rolling(w, min_periods=mp, center=center)
            for name in ("sum", "mean", "var", "std", "min", "max", "median"):
                got = getattr(hpcs, f"rolling_{name}")(s, w, min_periods=mp, center=center)
                want = getattr(roll, name)(**({"ddof": 0} if name in ("var", "std") else {}))
                pd.testing.assert_series_equal(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.shape_kind == "same"],
                         ids=lambda op: op.name)
def test_dataframe_rolls_down_columns_keeping_dtypes(op):
    df = _frame()
    got = _call(op, df)
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_index_equal(got.index, df.index)
    pd.testing.assert_index_equal(got.columns, df.columns)
    assert list(got.dtypes) == list(df.dtypes)
    for col in df.columns:
        np.testing.assert_array_equal(got[col].to_numpy(), _call(op, df[col].to_numpy()))


def test_dataframe_matches_pandas_rolling():
    df = _frame().astype(np.float64)
    pd.testing.assert_frame_equal(hpcs.rolling_mean(df, 4), df.rolling(4).mean(), rtol=1e-12)
    pd.testing.assert_frame_equal(hpcs.rolling_max(df, 3, min_periods=1),
                                  df.rolling(3, min_periods=1).max())


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.shape_kind == "reduce"],
                         ids=lambda op: op.name)
def test_dataframe_reductions(op):
    df = _frame()
    per_column = _call(op, df, axis=0, skipna=True)
    want = [_call(op, df[c].to_numpy(), skipna=True) for c in df.columns]
    if np.ndim(want[0]) == 0:
        assert isinstance(per_column, pd.Series)
        pd.testing.assert_index_equal(per_column.index, df.columns)
        np.testing.assert_array_equal(per_column.to_numpy(), want)
    else:  # quantile with several q: one row per q, like DataFrame.quantile
        assert isinstance(per_column, pd.DataFrame)
        np.testing.assert_array_equal(per_column.to_numpy(), np.column_stack(want))
    everything = _call(op, df, skipna=True)
    want_all = _call(op, np.column_stack([df[c].to_numpy(np.float64) for c in df.columns]),
                     skipna=True)
    np.testing.assert_array_equal(everything, want_all)
    if np.ndim(want_all) == 0:
        assert type(everything) is float


def test_dataframe_reductions_match_pandas():
    df = _frame().astype(np.float64)
    pd.testing.assert_series_equal(hpcs.mean(df, axis=0, skipna=True), df.mean(), rtol=1e-12)
    pd.testing.assert_series_equal(hpcs.median(df, axis=0, skipna=True), df.median())
    pd.testing.assert_frame_equal(hpcs.quantile(df, [0.25, 0.5], axis=0, skipna=True),
                                  df.quantile([0.25, 0.5]))
    rows = hpcs.max(df, axis=1, skipna=True)
    pd.testing.assert_series_equal(rows, df.max(axis=1))


def test_nullable_and_missing_values():
    s = pd.Series([1.0, None, 3.0, 4.0], dtype="Float64", name="n")
    got = hpcs.rolling_mean(s, 2, min_periods=1)
    np.testing.assert_array_equal(got.to_numpy(), [1.0, 1.0, 3.0, 3.5])
    assert got.name == "n"
    ints = pd.Series([1, None, 3], dtype="Int64")
    assert hpcs.sum(ints, skipna=True) == 4.0
    f32 = pd.Series([1.0, None, 3.0], dtype="Float32")
    assert hpcs.rolling_max(f32, 2, min_periods=1).dtype == np.float32


def test_datetime_values_are_rejected():
    s = pd.Series(pd.date_range("2024-01-01", periods=3))
    with pytest.raises(TypeError):
        hpcs.rolling_mean(s, 2)


def test_accessors():
    import hpcs.pandas  # noqa: F401  (registers the accessors)

    s = _series()
    pd.testing.assert_series_equal(s.hpcs.rolling_median(10, min_periods=1),
                                   hpcs.rolling_median(s, 10, min_periods=1))
    df = _frame()
    pd.testing.assert_frame_equal(df.hpcs.rolling_std(6), hpcs.rolling_std(df, 6))
    pd.testing.assert_series_equal(df.hpcs.max(axis=0, skipna=True),
                                   hpcs.max(df, axis=0, skipna=True))
    for name in OPS:
        assert hasattr(s.hpcs, name) and hasattr(df.hpcs, name)
        assert getattr(s.hpcs, name).__doc__ == getattr(hpcs, name).__doc__


def test_polars_series():
    pl = pytest.importorskip("polars")
    s = pl.Series("speed", [1.0, None, 3.0, float("nan"), 5.0, 6.0])
    got = hpcs.rolling_mean(s, 2, min_periods=1)
    assert isinstance(got, pl.Series) and got.name == "speed"
    np.testing.assert_array_equal(got.to_numpy(), [1.0, 1.0, 3.0, 3.0, 5.0, 5.5])
    assert hpcs.median(s, skipna=True) == 4.0
    assert np.isnan(hpcs.median(s))
    want = s.fill_null(float("nan")).fill_nan(None).rolling_max(3, min_samples=1) \
        if hasattr(s, "rolling_max") else None
    got_max = hpcs.rolling_max(s, 3, min_periods=1)
    if want is not None:
        np.testing.assert_array_equal(got_max.to_numpy(), want.to_numpy())
    f32 = pl.Series("f", [1.0, 2.0, None], dtype=pl.Float32)
    assert hpcs.rolling_sum(f32, 2, min_periods=1).dtype == pl.Float32
    ints = pl.Series("i", [1, None, 3])
    assert hpcs.sum(ints, skipna=True) == 4.0


def test_polars_dataframe():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": pl.Series([4.0, None, 6.0], dtype=pl.Float32)})
    got = hpcs.rolling_sum(df, 2, min_periods=1)
    assert isinstance(got, pl.DataFrame) and got.columns == ["a", "b"]
    assert got.schema["b"] == pl.Float32
    np.testing.assert_array_equal(got["b"].to_numpy(), [4.0, 4.0, 6.0])


def test_numpy_results_unchanged():
    x = np.arange(10.0)
    assert type(hpcs.rolling_mean(x, 3)) is np.ndarray
    assert type(hpcs.sum(x)) is float


def test_adapters_have_the_functions_own_signature():
    """Each public op's adapter spells out its parameters (no *args/**kwargs)."""
    import inspect

    from hpcs import _frames
    from hpcs._ops import SPECIAL

    for name in {**OPS, **SPECIAL}:
        func = getattr(hpcs, name)
        plain = func.__hpcs_plain__
        assert _frames._adapter_source(plain) is not None, name
        assert inspect.signature(func) == inspect.signature(plain), name
        assert func.__doc__ == plain.__doc__ and func.__name__ == name


def test_dataframe_axis_given_or_not():
    """Not given, axis is down the columns; given (even as NumPy's default -1), it is used."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [10.0, 20.0, 40.0]})
    down = hpcs.rolling_sum(df, 2)
    assert isinstance(down, pd.DataFrame) and down["b"].tolist()[1:] == [30.0, 60.0]
    across = hpcs.rolling_sum(df, 2, axis=-1)
    np.testing.assert_array_equal(np.asarray(across)[:, 1], [11.0, 22.0, 44.0])
    assert hpcs.sum(df, 0).tolist() == [7.0, 70.0]  # axis given positionally
    with pytest.raises(TypeError, match="rolling_sum"):
        hpcs.rolling_sum(np.ones(3), 2, nonsense=1)
