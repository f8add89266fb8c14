"""hpcs.dask (contract §10): lazily, bit-identical to the in-memory call for
any chunking (chunks shorter than the window included) and any scheduler."""

import subprocess
import sys

import numpy as np
import pytest

import hpcs
from hpcs._ops import OPS

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
hd = pytest.importorskip("hpcs.dask")

ROLLING = [op for op in OPS.values() if op.rolling and hasattr(hd, op.name)]
REDUCTIONS = [op for op in OPS.values() if op.shape_kind == "reduce" and hasattr(hd, op.name)]
N = 80
# One chunk, even chunks, chunks shorter than the windows, uneven ones.
CHUNKINGS = [N, 11, 3, (33, 1, 20, 26)]


def _chunkings(n):
    """One chunk, even chunks, uneven ones with a chunk of 1."""
    if n < 3:
        return [n]
    return [n, 11, (n // 2, 1, n - n // 2 - 1)]


def _data(n=N, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 1e3 + 1e6
    x[[2, 11, 12]] = np.nan
    x[25:45] = np.nan  # longer than the windows: blocks with no finite value
    x[60] = np.inf
    x[n - 3:] = np.nan
    return x.astype(dtype)


def _same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    view = {8: np.uint64, 4: np.uint32}[want.dtype.itemsize]
    np.testing.assert_array_equal(got.view(view), want.view(view))


def _args(op, window):
    kwargs = dict(op.variants[-1])
    args = (kwargs.pop("q"),) if "q" in kwargs else ()
    return (window,) + args, kwargs


@pytest.mark.parametrize("op", ROLLING, ids=lambda op: op.name)
def test_rolling_any_chunking(op):
    cases = []
    for dtype in (np.float64, np.float32):
        x = _data(dtype=dtype)
        for window, center, min_periods in ((4, False, None), (15, True, 1)):
            args, kwargs = _args(op, window)
            kwargs.update(center=center, min_periods=min_periods)
            want = getattr(hpcs, op.name)(x, *args, **kwargs)
            for chunks in CHUNKINGS:
                lazy = getattr(hd, op.name)(da.from_array(x, chunks=chunks), *args, **kwargs)
                assert isinstance(lazy, da.Array)
                cases.append((lazy, want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


@pytest.mark.parametrize("op", ROLLING, ids=lambda op: op.name)
def test_rolling_long_windows(op):
    # Windows past the kernels' sub-block and chunk thresholds, in chunks
    # shorter than the window.
    x = _data(3000, seed=1)
    for window in (600, 700):
        args, kwargs = _args(op, window)
        kwargs["min_periods"] = 1
        want = getattr(hpcs, op.name)(x, *args, **kwargs)
        for chunks in (250, (1000, 7, 1993)):
            got = getattr(hd, op.name)(da.from_array(x, chunks=chunks), *args, **kwargs)
            _same_bits(got.compute(scheduler="threads"), want)


def test_rolling_nd_and_borders_only():
    x = np.random.default_rng(2).normal(size=(5, 60))
    want = hpcs.rolling_std(x, 7, axis=1)
    lazy = hd.rolling_std(da.from_array(x, chunks=(2, 9)), 7, axis=1)
    _same_bits(lazy.compute(scheduler="threads"), want)
    _same_bits(hd.rolling_median(da.from_array(x.T, chunks=(11, 3)), 7, axis=0).compute(),
               hpcs.rolling_median(x.T, 7, axis=0))
    # Output chunks are the input's; each piece handed to the kernel is its
    # chunk plus borders of at most two blocks (here windows) of 50.
    big = da.from_array(np.arange(10_000.0), chunks=1000)
    lazy = hd.rolling_mean(big, 50)
    assert lazy.chunks == big.chunks


def test_lazy_and_checked_now():
    x = da.from_array(np.arange(10.0), chunks=3)
    with pytest.raises(ValueError):
        hd.rolling_mean(x, 0)
    with pytest.raises(ValueError):
        hd.rolling_quantile(x, 3, 1.5)
    with pytest.raises(TypeError):
        hd.rolling_mean(da.from_array(np.array(["a"] * 4)), 2)
    assert isinstance(hd.median(x), da.Array)


@pytest.mark.parametrize("op", REDUCTIONS, ids=lambda op: op.name)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reductions_any_chunking(op, dtype):
    x = _data(dtype=dtype)
    finite = x[np.isfinite(x)]
    cases = []
    for data in (x, finite, finite[:1]):
        for skipna in (False, True):
            for variant in op.variants:
                kwargs = dict(variant, skipna=skipna)
                args = (kwargs.pop("q"),) if "q" in kwargs else ()
                want = getattr(hpcs, op.name)(data, *args, **kwargs)
                for chunks in _chunkings(data.size):
                    got = getattr(hd, op.name)(da.from_array(data, chunks=chunks), *args,
                                               **kwargs)
                    cases.append((got, np.asarray(want, np.float64)))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


def test_reductions_over_an_axis_and_where():
    x = np.random.default_rng(3).normal(size=(6, 40))
    dx = da.from_array(x, chunks=(4, 7))
    for op in REDUCTIONS:
        args = (0.25,) if op.name == "quantile" else ()
        kw = dict(op.variants[0]) if op.family == "robust_mean" else {}
        for axis in (0, 1, -1):
            _same_bits(getattr(hd, op.name)(dx, *args, axis=axis, **kw).compute(),
                       getattr(hpcs, op.name)(x, *args, axis=axis, **kw))
        _same_bits(getattr(hd, op.name)(dx, *args, **kw).compute(),
                   np.float64(getattr(hpcs, op.name)(x, *args, **kw)))
        if op.takes_where:
            mask = x > -0.5
            _same_bits(getattr(hd, op.name)(dx, where=mask).compute(),
                       np.float64(getattr(hpcs, op.name)(x, where=mask)))
    _same_bits(hd.quantile(dx, [0.1, 0.9], axis=1).compute(), hpcs.quantile(x, [0.1, 0.9], axis=1))


@pytest.mark.parametrize("limit", [1 << 20, 16], ids=["gather", "bracket"])
def test_selection_with_many_ties_and_wide_range(limit, monkeypatch):
    # limit 16: the bracket is narrowed by histogram passes before gathering.
    monkeypatch.setattr(hd, "_GATHER_LIMIT", limit)
    rng = np.random.default_rng(4)
    x = np.concatenate([np.full(5000, 2.5), rng.normal(size=3000) * 1e300,
                        rng.normal(size=3000) * 1e-300, [0.0, -0.0, np.inf, -np.inf]])
    rng.shuffle(x)
    for chunks in (1000, (7, 10990, 7)):
        dx = da.from_array(x, chunks=chunks)
        _same_bits(hd.median(dx).compute(), np.float64(hpcs.median(x)))
        _same_bits(hd.quantile(dx, [0.0, 0.3, 0.77, 1.0]).compute(),
                   hpcs.quantile(x, [0.0, 0.3, 0.77, 1.0]))
        for method in ("lower", "higher", "midpoint", "nearest"):
            _same_bits(hd.quantile(dx, 0.41, method=method).compute(),
                       np.float64(hpcs.quantile(x, 0.41, method=method)))
    finite = x[np.isfinite(x)]
    _same_bits(hd.mad(da.from_array(finite, chunks=999), scale="normal").compute(),
               np.float64(hpcs.mad(finite, scale="normal")))


def test_empty_min_raises_at_compute():
    x = da.from_array(np.full(10, np.nan), chunks=3)
    with pytest.raises(ValueError):
        hd.min(x, skipna=True).compute()


def test_dask_dataframe():
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(5)
    index = pd.date_range("2024-01-01", periods=80, freq="h")
    s = pd.Series(rng.normal(size=80), index=index, name="price")
    s.iloc[[4, 40]] = np.nan
    ds = dd.from_pandas(s, npartitions=7)
    pd.testing.assert_series_equal(hd.rolling_mean(ds, 10, min_periods=1).compute(),
                                   hpcs.rolling_mean(s, 10, min_periods=1))
    assert hd.median(ds, skipna=True).compute() == hpcs.median(s, skipna=True)
    df = pd.DataFrame({"a": s.to_numpy(np.float32), "b": s.to_numpy()}, index=index)
    ddf = dd.from_pandas(df, npartitions=3)
    got = hd.rolling_max(ddf, 5).compute()
    pd.testing.assert_frame_equal(got, hpcs.rolling_max(df, 5))
    pd.testing.assert_series_equal(hd.max(ddf, axis=0, skipna=True).compute(),
                                   hpcs.max(df, axis=0, skipna=True))


EWM_OPS = ("ewma", "ewmvar", "ewmstd")
# One chunk, chunks of 1 and of 3, even chunks, uneven ones with a chunk of 1.
EWM_CHUNKINGS = [N, 1, 3, 11, (33, 1, 20, 26)]


def _ewm_data(dtype=np.float64):
    x = _data(dtype=dtype)
    x[:7] = np.nan  # leading NaNs over several chunks
    x[[8, 9, 22, 23]] = [np.inf, -np.inf, -np.inf, np.nan]  # across chunk borders (11, 3)
    return x


def _ewm_kwargs(name):
    """Every combination of adjust, ignore_na, min_periods 0/5 (and bias),
    each smoothing parameter in turn."""
    smoothing = [{"alpha": 0.3}, {"span": 4.0}, {"com": 0.5}, {"halflife": 2.0}]
    out = []
    for k, (adjust, ignore_na, min_periods, bias) in enumerate(
            np.ndindex(2, 2, 2, 2 if name != "ewma" else 1)):
        kwargs = dict(smoothing[k % 4], adjust=bool(adjust), ignore_na=bool(ignore_na),
                      min_periods=5 * min_periods)
        if name != "ewma":
            kwargs["bias"] = bool(bias)
        out.append(kwargs)
    return out


@pytest.mark.parametrize("name", EWM_OPS)
def test_ewm_any_chunking(name):
    cases, inputs = [], []
    for dtype in (np.float64, np.float32):
        x = _ewm_data(dtype)
        inputs.append((x, x.copy()))
        grid = _ewm_kwargs(name)
        for kwargs in grid if dtype == np.float64 else grid[::5]:
            want = getattr(hpcs, name)(x, **kwargs)
            for chunks in EWM_CHUNKINGS:
                dx = da.from_array(x, chunks=chunks)
                lazy = getattr(hd, name)(dx, **kwargs)
                assert isinstance(lazy, da.Array) and lazy.chunks == dx.chunks
                cases.append((lazy, want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)
    for x, kept in inputs:
        assert x.tobytes() == kept.tobytes()


def test_ewm_nd_chunked_on_both_axes():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(9, 40)) + 1e6
    x[:, :6] = np.nan
    x[2:5, 10:25] = np.nan
    x[rng.random(x.shape) < 0.05] = np.inf
    cases = []
    for name in EWM_OPS:
        for axis in (0, 1, -1):
            for chunks in ((2, 7), (4, 1), (9, 40), (1, (13, 27))):
                kwargs = dict(com=2.0, adjust=axis == 0, min_periods=2)
                cases.append((getattr(hd, name)(da.from_array(x, chunks=chunks), axis=axis,
                                                **kwargs),
                              getattr(hpcs, name)(x, axis=axis, **kwargs)))
    x3 = rng.normal(size=(3, 10, 4)).astype(np.float32)
    cases.append((hd.ewmstd(da.from_array(x3, chunks=(2, 3, 3)), alpha=0.4, axis=1),
                  hpcs.ewmstd(x3, alpha=0.4, axis=1)))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


def test_ewm_lazy_checked_now_and_frames():
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    x = da.from_array(np.arange(10), chunks=3)  # integers become float64, as in memory
    _same_bits(hd.ewma(x, span=3.0).compute(), hpcs.ewma(np.arange(10), span=3.0))
    for bad in ({}, {"alpha": 1.5}, {"alpha": 0.5, "com": 1.0}, {"alpha": 0.5, "min_periods": -1},
                {"alpha": 0.5, "axis": 1}):
        with pytest.raises(ValueError):
            hd.ewmvar(x, **bad)
    with pytest.raises(ValueError):
        hd.ewma(da.from_array(np.float64(1.0)), alpha=0.5)
    assert {"ewma", "ewmvar", "ewmstd"} <= set(hd.__all__)
    index = pd.date_range("2024-01-01", periods=60, freq="h")
    s = pd.Series(_ewm_data()[:60], index=index, name="price")
    ds = dd.from_pandas(s, npartitions=7)
    pd.testing.assert_series_equal(hd.ewma(ds, alpha=0.1).compute(), hpcs.ewma(s, alpha=0.1))
    df = pd.DataFrame({"a": s.to_numpy(np.float32), "b": s.to_numpy()[::-1]}, index=index)
    ddf = dd.from_pandas(df, npartitions=4)
    pd.testing.assert_frame_equal(hd.ewmstd(ddf, span=5.0, bias=True).compute(),
                                  hpcs.ewmstd(df, span=5.0, bias=True))


def test_import_hpcs_does_not_import_dask():
    code = "import sys, hpcs; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd="/")
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=40)
    except Exception as exc:  # pragma: no cover - environment without process spawning
        pytest.skip(f"no LocalCluster: {exc}")
    client = distributed.Client(cluster)
    try:
        # The workers must run the installed hpcs, the same as this process's.
        paths = client.run(lambda: __import__("hpcs").__file__)
        assert set(paths.values()) == {hpcs.__file__}
        yield client
    finally:
        client.close()
        cluster.close()


def test_distributed_cluster(cluster_client):
    x = _data(400, seed=6)
    dx = da.from_array(x, chunks=(150, 3, 37, 210))
    cases = []
    for name, args in (("rolling_mean", (20,)), ("rolling_var", (9,)),
                       ("rolling_median", (25,)), ("rolling_quantile", (6, 0.3))):
        cases.append((getattr(hd, name)(dx, *args, min_periods=1),
                      getattr(hpcs, name)(x, *args, min_periods=1)))
    cases.append((hd.ewmvar(dx, span=30.0, min_periods=3),
                  hpcs.ewmvar(x, span=30.0, min_periods=3)))
    for name, args in (("median", ()), ("quantile", ([0.1, 0.5],)), ("mad", ()), ("max", ()),
                       ("std", ())):
        cases.append((getattr(hd, name)(dx, *args, skipna=True),
                      np.asarray(getattr(hpcs, name)(x, *args, skipna=True), np.float64)))
    codes = np.arange(400) % 7 - 1
    cases.append((hd.group_var(dx, da.from_array(codes, chunks=90), ngroups=6, ddof=1),
                  hpcs.group_var(x, codes, ngroups=6, ddof=1)))
    got = cluster_client.gather(cluster_client.compute([c[0] for c in cases]))
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


def test_sums_combine_exactly():
    # Cancellation across chunks, overflowing squares (var's rescaled pass).
    rng = np.random.default_rng(7)
    datasets = [rng.normal(size=500) * 1e3 + 1e9, np.array([1e308, 1e308, -1e308, 1.0] * 3),
                np.array([1e200, -1e200, 3.0] * 20), np.array([1e308, -1e308] * 5)]
    cases = []
    for x in datasets:
        for chunks in _chunkings(x.size):
            dx = da.from_array(x, chunks=chunks)
            for name in ("sum", "mean", "var", "std"):
                kwargs = {"ddof": 1} if name in ("var", "std") else {}
                cases.append((getattr(hd, name)(dx, **kwargs),
                              np.float64(getattr(hpcs, name)(x, **kwargs))))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


@pytest.mark.parametrize("name", ["rolling_cov", "rolling_corr"])
def test_rolling_pairs_any_chunking(name):
    # y's missing values differ from x's: a pair counts only where both are finite,
    # and the block shift looks ahead for the first such pair.
    cases = []
    for dtype_y in (np.float64, np.float32):
        x = _data(seed=3)
        y = (0.5 * _data(seed=4)[::-1] + np.arange(N)).astype(dtype_y)
        y[[5, 6, 50]] = np.nan
        for dtype_x in {dtype_y, np.float64}:
            xx = x.astype(dtype_x)
            for window, center, min_periods in ((4, False, None), (15, True, 1), (200, False, 1)):
                want = getattr(hpcs, name)(xx, y, window, center=center, min_periods=min_periods)
                for chunks in CHUNKINGS:
                    got = getattr(hd, name)(da.from_array(xx, chunks=chunks),
                                            da.from_array(y, chunks=chunks[::-1]
                                                          if isinstance(chunks, tuple) else 7),
                                            window, center=center, min_periods=min_periods)
                    cases.append((got, want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, w) in zip(got, cases):
        _same_bits(g, w)
    x = np.arange(30.0).reshape(3, 10)
    with pytest.raises(ValueError, match="y"):
        getattr(hd, name)(da.from_array(x), da.from_array(x[:, :5]), 3)
    nd = getattr(hd, name)(da.from_array(x, chunks=(2, 3)), da.from_array(x[::-1], chunks=(1, 4)),
                           3, axis=1)
    _same_bits(nd.compute(), getattr(hpcs, name)(x, x[::-1], 3, axis=1))


@pytest.mark.parametrize("method", ["zscore", "robust"])
@pytest.mark.parametrize("window", [None, 9])
def test_detect_anomalies_any_chunking(method, window):
    rng = np.random.default_rng(11)
    x = rng.normal(size=N)
    x[[3, 40, 41]] = [9.0, -7.0, np.nan]
    want = hpcs.detect_anomalies(x, 2.0, method=method, window=window)
    for chunks in CHUNKINGS:
        got = hd.detect_anomalies(da.from_array(x, chunks=chunks), 2.0, method=method,
                                  window=window).compute()
        np.testing.assert_array_equal(got, want)
    m = x[:78].reshape(6, 13)
    for axis in (0, 1):
        got = hd.detect_anomalies(da.from_array(m, chunks=(4, 5)), 1.5, method=method,
                                  window=window, axis=axis).compute()
        np.testing.assert_array_equal(got, hpcs.detect_anomalies(m, 1.5, method=method,
                                                                 window=window, axis=axis))


@pytest.mark.parametrize("name,cuts", [("trimmed_mean", (0.0, 0.1, 0.5)),
                                       ("winsorized_mean", (0.1, (0.05, 0.3), (0.5, 0.4)))])
def test_robust_means_any_chunking(name, cuts):
    # Ties at the cut points, cancellation, sums beyond DBL_MAX, infinities, NaN.
    rng = np.random.default_rng(5)
    datasets = [rng.normal(size=97) * 1e3 + 1e9, np.round(rng.normal(size=60)),
                np.full(100, 1e308), np.array([1e308, -1e308, 1.0, 3.0] * 10),
                np.array([1.0, np.inf, -np.inf, 2.0, 3.0, 4.0, 5.0]),
                np.r_[rng.normal(size=50), [np.nan] * 3], np.zeros(0)]
    cases = []
    for x in datasets:
        for dtype in (np.float64, np.float32):
            with np.errstate(over="ignore"):
                xx = x.astype(dtype)
            for cut in cuts:
                for skipna in (False, True):
                    try:
                        want = np.float64(getattr(hpcs, name)(xx, cut, skipna=skipna))
                    except ValueError:
                        with pytest.raises(ValueError):
                            getattr(hd, name)(da.from_array(xx, chunks=7), cut,
                                              skipna=skipna).compute()
                        continue
                    for chunks in _chunkings(xx.size):
                        cases.append((getattr(hd, name)(da.from_array(xx, chunks=chunks), cut,
                                                        skipna=skipna), want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)
    m = rng.normal(size=(6, 20))
    _same_bits(getattr(hd, name)(da.from_array(m, chunks=(4, 7)), cuts[1], axis=1).compute(),
               getattr(hpcs, name)(m, cuts[1], axis=1))


TRANSFORMS = [("zscore", {}), ("zscore", {"skipna": True, "ddof": 1}),
              ("robust_zscore", {}), ("robust_zscore", {"skipna": True}),
              ("normalize_minmax", {}), ("normalize_minmax", {"skipna": True}),
              ("cummin", {}), ("cummin", {"skipna": True}), ("cummax", {"skipna": True}),
              ("ffill", {}), ("ffill", {"limit": 2}), ("ffill", {"limit": 25}),
              ("bfill", {}), ("bfill", {"limit": 3}), ("clip", {"lo": -5e5, "hi": 1e6}),
              ("diff", {}), ("diff", {"n": 3})]


@pytest.mark.parametrize("name,kwargs", TRANSFORMS,
                         ids=[f"{n}-{'-'.join(map(str, k.values()))}" for n, k in TRANSFORMS])
def test_transforms_and_scans_any_chunking(name, kwargs):
    # Statistics over the chunks, then each chunk where it is; scans carry one
    # value per line from chunk to chunk (NaN runs longer than chunks and limits).
    cases = []
    for dtype in (np.float64, np.float32):
        x = _data(dtype=dtype, seed=8)
        want = getattr(hpcs, name)(x, **kwargs)
        for chunks in CHUNKINGS + [1]:
            cases.append((getattr(hd, name)(da.from_array(x, chunks=chunks), **kwargs), want))
    m = _data(seed=9)[:78].reshape(6, 13)
    m[4] = np.nan
    for axis in (0, 1):
        if name == "clip":
            continue
        want = getattr(hpcs, name)(m, **kwargs, axis=axis)
        cases.append((getattr(hd, name)(da.from_array(m, chunks=(4, 5)), **kwargs, axis=axis),
                      want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, w) in zip(got, cases):
        _same_bits(g, w)


# -- group operations: per-part tables, merged in part order as in memory

GROUPS = [op for op in OPS.values() if op.family == "group"]
PART = 1 << 16  # HPCS_CHUNK: a part's length for few groups


def _group_data(n, dtype=np.float64, seed=8):
    """Values 1e9 + N(0,1) in 6 groups: 0 with NaN scattered, 1 empty,
    2 with +inf, 3 with +-inf, 4 all NaN, 5 finite; code -1 (left out) too."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) + 1e9
    codes = rng.integers(-1, 6, size=n)
    codes[codes == 1] = 0
    x[(rng.random(n) < 0.05) & (codes <= 0)] = np.nan
    x[codes == 4] = np.nan
    for g, vals in ((2, [np.inf]), (3, [np.inf, -np.inf])):
        where = np.flatnonzero(codes == g)[-len(vals):]
        x[where] = vals[:where.size]
    return x.astype(dtype), codes


def _group_kwargs(op, skipna):
    kwargs = {"skipna": skipna}
    if op.name in ("group_var", "group_std"):
        kwargs["ddof"] = 1
    return kwargs


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_group_any_chunking(dtype):
    cases = []
    for n, chunkings in ((80, _chunkings(80) + [1, 3]),
                         (3 * PART + 123, [PART - 5, 20_011,
                                           (0, 70_000, 1, 3, 0, 3 * PART + 123 - 70_004)]),
                         (0, [0])):
        x, codes = _group_data(n, dtype)
        for op in GROUPS:
            for skipna in (True, False):
                for ngroups in (None, 9):
                    kwargs = dict(_group_kwargs(op, skipna), ngroups=ngroups)
                    want = getattr(hpcs, op.name)(x, codes, **kwargs)
                    for chunks in chunkings:
                        dx = da.from_array(x, chunks=chunks)
                        got = getattr(hd, op.name)(dx, codes, **kwargs)
                        assert isinstance(got, da.Array) and got.shape == want.shape
                        cases.append((got, want))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for g, (_, want) in zip(got, cases):
        _same_bits(g, want)


def test_group_codes_as_dask_nd_and_frames():
    x, codes = _group_data(2 * PART + 7, seed=9)
    want = hpcs.group_mean(x, codes)
    # Codes chunked unlike the values, with negatives and another dtype.
    dg = da.from_array(codes.astype(np.int32), chunks=(PART + 3, 5, PART - 1))
    dx = da.from_array(x, chunks=50_000)
    _same_bits(hd.group_mean(dx, dg).compute(), want)
    _same_bits(hd.group_count(dx, dg.astype(np.uint16) % 3).compute(),
               hpcs.group_count(x, codes.astype(np.uint16) % 3))
    # N-D values and codes, flattened in C order as in memory.
    x2, c2 = x[:-7].reshape(4, -1), codes[:-7].reshape(4, -1)
    _same_bits(hd.group_var(da.from_array(x2, chunks=(3, 10_000)),
                            da.from_array(c2, chunks=(1, 7_000))).compute(),
               hpcs.group_var(x2, c2))
    _same_bits(hd.group_max(list(x[:9]), list(codes[:9])).compute(),
               hpcs.group_max(x[:9], codes[:9]))
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"x": x[:500], "g": codes[:500]}), npartitions=4)
    _same_bits(hd.group_sum(frame["x"], frame["g"], ngroups=6).compute(),
               hpcs.group_sum(x[:500], codes[:500], ngroups=6))


def test_group_checks():
    x = da.from_array(np.arange(10.0), chunks=3)
    codes = np.arange(10) % 3
    with pytest.raises(ValueError):
        hd.group_sum(x, codes[:-1])
    with pytest.raises(TypeError):
        hd.group_sum(x, codes.astype(float))
    with pytest.raises(TypeError):
        hd.group_sum(x, da.from_array(codes.astype(float), chunks=4))
    with pytest.raises(ValueError):
        hd.group_sum(x, codes, ngroups=-1)
    with pytest.raises(ValueError):
        hd.group_var(x, codes, ddof=-1)
    # A code >= ngroups in a dask array of codes is found when computing.
    lazy = hd.group_sum(x, da.from_array(codes, chunks=4), ngroups=2)
    with pytest.raises(ValueError, match="ngroups=2"):
        lazy.compute()
    with pytest.raises(ValueError):  # ... and at the call for in-memory codes
        hd.group_sum(x, codes, ngroups=2)
    big = da.from_array(np.array([0, 2**63], np.uint64), chunks=1)
    with pytest.raises(ValueError):
        hd.group_sum(da.from_array(np.ones(2), chunks=1), big).compute()


def test_group_part_tables_reproduce_the_whole_call():
    # hpcs.h "Part tables": each part fed in arbitrary consecutive slices,
    # the tables merged and finalised, is the in-memory call bit for bit.
    from hpcs import _group

    rng = np.random.default_rng(10)
    assert _group._parts(2**40, 3)[1] == 256 and _group._parts(0, 3)[1] == 1
    assert _group._parts(3 * PART + 1, 3000) == (96_000, 3)  # 32 values per group
    for dtype in (np.float64, np.float32):
        x, codes = _group_data(3 * PART + 1, dtype, seed=11)
        for op in GROUPS:
            kind = op.name[len("group_"):]
            kwargs = _group_kwargs(op, True)
            part_len, nparts = _group._parts(x.size, 6)
            tables = []
            for p in range(nparts):
                s, t = p * part_len, min(x.size, (p + 1) * part_len)
                table = _group._new_table(kind, 6)
                cuts = np.unique(np.concatenate([[s, t], rng.integers(s, t, size=5)]))
                for lo, hi in zip(cuts[:-1], cuts[1:]):
                    _group._accumulate(table, kind, x[lo:hi], codes[lo:hi], True)
                tables.append(table)
            got = _group._finish(tables, kind, 6, kwargs.get("ddof", 0), x.dtype)
            _same_bits(got, getattr(hpcs, op.name)(x, codes, **kwargs))


def test_scans_with_different_options_computed_together():
    # Their graphs must not share keys (the step's options are in the token).
    x = _data(seed=12)
    dx = da.from_array(x, chunks=7)
    pairs = [("cummin", {"skipna": True}, {"skipna": False}), ("ffill", {"limit": 1}, {}),
             ("ewma", {"alpha": 0.3}, {"alpha": 0.6})]
    for name, a, b in pairs:
        got_a, got_b = dask.compute(getattr(hd, name)(dx, **a), getattr(hd, name)(dx, **b))
        _same_bits(got_a, getattr(hpcs, name)(x, **a))
        _same_bits(got_b, getattr(hpcs, name)(x, **b))
