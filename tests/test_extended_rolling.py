"""Exponential windows, rolling covariance / correlation, rolling z-scores and
anomaly flags against pandas, the reference twins and exact rationals."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import hpcs
from hpcs import _reference as ref

SMOOTHING = st.one_of(
    st.fixed_dictionaries({"alpha": st.floats(0.01, 1.0)}),
    st.fixed_dictionaries({"span": st.floats(1.0, 50.0)}),
    st.fixed_dictionaries({"com": st.floats(0.0, 30.0)}),
    st.fixed_dictionaries({"halflife": st.floats(0.1, 30.0)}),
)
VALUE = st.one_of(st.floats(-1e3, 1e3), st.just(np.nan), st.sampled_from([np.inf, -np.inf]))


def _series(draw_values: list, rng_seed: int = 0) -> np.ndarray:
    return np.array(draw_values, dtype=np.float64)


def _pandas_ewm(stat: str, x: np.ndarray, smoothing: dict, adjust: bool, ignore_na: bool,
                min_periods: int, bias: bool = False) -> np.ndarray:
    e = pd.Series(x).ewm(**smoothing, adjust=adjust, ignore_na=ignore_na,
                         min_periods=min_periods)
    return (e.mean() if stat == "mean" else getattr(e, stat)(bias=bias)).to_numpy()


def _same(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float = 0.0, ctx: str = "") -> None:
    got, exp = np.asarray(got, dtype=np.float64), np.asarray(exp, dtype=np.float64)
    assert got.shape == exp.shape, ctx
    np.testing.assert_array_equal(np.isnan(got), np.isnan(exp), err_msg=f"NaN pattern {ctx}")
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol, equal_nan=True, err_msg=ctx)


# ---- exponential windows ---------------------------------------------------


def _missing_before_value(x: np.ndarray) -> bool:
    """A NaN/inf after the first finite value and before a later one."""
    finite = np.flatnonzero(np.isfinite(x))
    return finite.size >= 2 and not np.isfinite(x[finite[0]:finite[-1]]).all()


#: Whether the installed pandas keeps adjust=False weights un-renormalised
#: across a missing value (pandas 3; pandas 2 renormalises, as hpcs does).
_PANDAS_3_ADJUST_FALSE_GAP = pd.Series([1.0, np.nan, 0.0]).ewm(
    alpha=0.5, adjust=False).mean().iloc[-1] != 1.0 / 3.0


@settings(max_examples=30)
@given(st.lists(VALUE, max_size=60), SMOOTHING, st.booleans(), st.booleans(),
       st.integers(0, 5), st.booleans())
@example([1.0, 1.928349128663312e-64], {"alpha": 1.0}, False, False, 0, False)
def test_ewm_matches_pandas(values, smoothing, adjust, ignore_na, min_periods, bias) -> None:
    """1e-10 relative, and within 1e-12 of the data's magnitude (both
    libraries round at that scale: an output far below it, e.g. the second
    mean of [1, 1e-64] with alpha=1, is exact in neither)."""
    x = np.array(values, dtype=np.float64)
    before = x.copy()
    kw = dict(adjust=adjust, ignore_na=ignore_na, min_periods=min_periods)
    ctx = f"{smoothing} {kw} bias={bias} x={x!r}"
    finite = x[np.isfinite(x)]
    scale = float(np.abs(finite).max()) if finite.size else 0.0
    atol = {"mean": 1e-12 * scale, "var": 1e-12 * scale ** 2, "std": 1e-6 * scale}
    if _PANDAS_3_ADJUST_FALSE_GAP and not adjust and not ignore_na and _missing_before_value(x):
        # pandas 3 stopped renormalising the weights of adjust=False across a
        # missing value; hpcs keeps the documented formula (docs/decisions.md),
        # which test_ewm_matches_reference checks against explicit weights.
        return
    _same(hpcs.ewma(x, **smoothing, **kw), _pandas_ewm("mean", x, smoothing, **kw), 1e-10,
          atol["mean"], ctx=ctx)
    # Unbiased, one observation: NaN, the exact value, where pandas' rounding
    # can give 0 (docs/decisions.md).
    single = np.cumsum(np.isfinite(x)) < 2 if not bias else np.zeros(x.shape, bool)
    # Where pandas' bias correction W^2 / (W^2 - sum w^2) exceeds 1e4 its
    # subtraction has lost most digits (hpcs computes W^2 - sum w^2 without
    # one; test_ewm_accuracy_against_exact_rationals checks those).
    ill = ~(_pandas_ewm("var", x, smoothing, **kw, bias=False)
            <= 1e4 * _pandas_ewm("var", x, smoothing, **kw, bias=True)) & ~single
    for stat in ("var", "std"):
        expected = _pandas_ewm(stat, x, smoothing, **kw, bias=bias).copy()
        expected[single] = np.nan
        got = getattr(hpcs, "ewm" + stat)(x, **smoothing, **kw, bias=bias)
        if not bias:
            expected[ill] = got[ill]
        _same(got, expected, 1e-10, atol[stat], ctx=ctx)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("ignore_na", [False, True])
@pytest.mark.parametrize("adjust", [True, False])
def test_ewm_accuracy_follows_the_data_after_a_level_change(adjust, ignore_na) -> None:
    """A series that starts at 1e8 and settles near 1 (with gaps): once the
    old values' weight has decayed, mean and variance are as accurate
    relative to the new level as pandas' (the shift follows the data)."""
    rng = np.random.default_rng(11)
    x = np.concatenate([np.full(10, 1e8), 1.0 + 0.01 * rng.standard_normal(3000)])
    x[rng.random(x.size) < 0.05] = np.nan
    kw = dict(alpha=0.1, adjust=adjust, ignore_na=ignore_na)
    for stat, rtol in (("mean", 1e-14), ("var", 1e-12), ("std", 1e-12)):
        got = getattr(hpcs, "ewm" + ("a" if stat == "mean" else stat))(x, **kw)[-1000:]
        e = pd.Series(x).ewm(**kw)
        want = (e.mean() if stat == "mean" else getattr(e, stat)()).to_numpy()[-1000:]
        _same(got, want, rtol, ctx=stat)


@settings(max_examples=30)
@given(st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(np.nan)), max_size=30), SMOOTHING,
       st.booleans(), st.booleans(), st.integers(0, 3))
def test_ewm_matches_reference(values, smoothing, adjust, ignore_na, min_periods) -> None:
    """The recurrences against the explicit weights of _reference."""
    x = np.array(values, dtype=np.float64)
    kw = dict(**smoothing, adjust=adjust, ignore_na=ignore_na, min_periods=min_periods)
    scale = float(np.nanmax(np.abs(x))) if np.isfinite(x).any() else 1.0
    for name in ("ewma", "ewmvar", "ewmstd"):
        atol = 1e-9 * (scale ** 2 if name == "ewmvar" else scale) + 1e-12
        _same(getattr(hpcs, name)(x, **kw), getattr(ref, name)(x, **kw), 1e-8, atol,
              f"{name} {kw} {x!r}")


def test_ewm_float32_nd_every_axis_and_layouts() -> None:
    rng = np.random.default_rng(4)
    base = rng.standard_normal((3, 40, 5))
    base[rng.random(base.shape) < 0.1] = np.nan
    for a in (base, np.asfortranarray(base), base[:, ::2, :], base.astype(np.float32)):
        for axis in range(-3, 3):
            for name in ("ewma", "ewmvar", "ewmstd"):
                got = getattr(hpcs, name)(a, span=7.0, axis=axis)
                assert got.dtype == a.dtype and got.shape == a.shape
                exp = np.apply_along_axis(
                    lambda r, name=name: getattr(hpcs, name)(np.ascontiguousarray(r), span=7.0),
                    axis, a)
                assert got.tobytes() == exp.astype(a.dtype).tobytes(), (name, axis)
    x32 = base[0, :, 0].astype(np.float32)
    _same(hpcs.ewmvar(x32, alpha=0.3), _pandas_ewm("var", x32.astype(np.float64),
                                                    {"alpha": 0.3}, True, False, 0), 1e-6)


def test_ewm_edges() -> None:
    assert hpcs.ewma(np.empty(0), alpha=0.5).shape == (0,)
    assert hpcs.ewma([2.0], alpha=0.5).tolist() == [2.0]
    assert np.isnan(hpcs.ewmvar([2.0], alpha=0.5)).all()
    assert hpcs.ewmvar([2.0], alpha=0.5, bias=True).tolist() == [0.0]
    const = np.full(50, 3.25)
    assert (hpcs.ewma(const, span=5) == 3.25).all()
    assert (hpcs.ewmvar(const, span=5)[1:] == 0.0).all()
    for bad in ({}, {"alpha": 0.5, "span": 3}, {"alpha": 0.0}, {"alpha": 1.5}, {"span": 0.5},
                {"com": -1.0}, {"halflife": 0.0}):
        with pytest.raises(ValueError):
            hpcs.ewma([1.0, 2.0], **bad)
    with pytest.raises(ValueError):
        hpcs.ewma([1.0], alpha=0.5, min_periods=-1)
    with pytest.raises(TypeError):
        hpcs.ewma(["a"], alpha=0.5)


EWM_RESUME_KWARGS = [{"alpha": 0.3}, {"span": 4.0, "adjust": False, "min_periods": 3},
                     {"com": 1.5, "ignore_na": True, "bias": True},
                     {"alpha": 1.0, "adjust": False, "ignore_na": True, "min_periods": 5}]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ewm_resume_split_anywhere_gives_whole_bits(dtype: type) -> None:
    """hpcs_ewm*_resume: a series cut at any one or two positions, its pieces
    run in order from the blank state, gives the bits of one call."""
    from hpcs._ewm import resume

    x = np.array([np.nan, np.nan, 2.0, -np.inf, 5.5, np.nan, np.nan, 1e9, 3.0, np.inf, -2.0,
                  np.nan, 7.0], dtype)
    for name in ("ewma", "ewmvar", "ewmstd"):
        for kwargs in EWM_RESUME_KWARGS:
            if name == "ewma":
                kwargs = {k: v for k, v in kwargs.items() if k != "bias"}
            want = getattr(hpcs, name)(x, **kwargs).tobytes()
            for i in range(x.size + 1):
                for j in range(i, x.size + 1, 3):
                    outs, state = [], None
                    for piece in (x[:i], x[i:j], x[j:]):
                        out, state = resume(name, piece, state, **kwargs)
                        outs.append(out)
                    assert np.concatenate(outs).tobytes() == want, (name, kwargs, i, j)


EWM_FLAGS = st.fixed_dictionaries({"adjust": st.booleans(), "ignore_na": st.booleans(),
                                    "bias": st.booleans(), "min_periods": st.integers(0, 3)})


@settings(max_examples=40, deadline=None)
@given(st.lists(VALUE, max_size=700), SMOOTHING, EWM_FLAGS,
       st.lists(st.integers(0, 700), max_size=4), st.sampled_from([np.float64, np.float32]))
def test_ewm_resume_random_splits_give_whole_bits(values, smoothing, flags, cuts, dtype) -> None:
    """Pieces cut anywhere (across the kernel's blocks and its eight-step
    lag), every flag: the bits of one call."""
    from hpcs._ewm import resume

    x = np.array(values, dtype=dtype)
    cuts = sorted(c for c in cuts if c <= x.size)
    for name in ("ewma", "ewmvar", "ewmstd"):
        kw = {**smoothing, **flags}
        if name == "ewma":
            del kw["bias"]
        want = getattr(hpcs, name)(x, **kw).tobytes()
        outs, state = [], None
        for piece in np.split(x, cuts):
            out, state = resume(name, piece, state, **kw)
            outs.append(out)
        assert np.concatenate(outs).tobytes() == want, (name, kw, cuts)


@settings(max_examples=30, deadline=None)
@given(st.floats(-1e12, 1e12), st.integers(1, 600), SMOOTHING, EWM_FLAGS,
       st.lists(st.integers(0, 599), max_size=30))
def test_ewm_constant_series_exact(c, n, smoothing, flags, gaps) -> None:
    """A constant series (with gaps): the mean is exactly c, the variance
    exactly 0 (NaN before two observations when unbiased)."""
    from hpcs._ewm import center_of_mass

    x = np.full(n, c)
    x[[g for g in gaps if g < n]] = np.nan
    seen = np.cumsum(~np.isnan(x))
    minp = max(flags["min_periods"], 1)
    kw = {k: v for k, v in flags.items() if k != "bias"}
    mean = hpcs.ewma(x, **smoothing, **kw)
    assert (mean[seen >= minp] == c).all() and np.isnan(mean[seen < minp]).all()
    need = max(minp, 1 if flags["bias"] else 2)
    com = center_of_mass(smoothing.get("com"), smoothing.get("span"), smoothing.get("halflife"),
                         smoothing.get("alpha"))
    if not flags["bias"] and 1.0 / (1.0 + com) == 1.0:
        need = n + 1  # alpha = 1: one weight is not 0, the bias correction is NaN
    for name in ("ewmvar", "ewmstd"):
        got = getattr(hpcs, name)(x, **smoothing, **flags)
        assert (got[seen >= need] == 0.0).all() and np.isnan(got[seen < need]).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(np.nan)), min_size=1, max_size=40),
       st.sampled_from([0.05, 0.1, 0.3, 0.5, 0.9, 1.0]), EWM_FLAGS, st.floats(-1e6, 1e6))
def test_ewm_accuracy_against_exact_rationals(values, alpha, flags, offset) -> None:
    """Mean, biased and unbiased variance against the exact rational weighted
    moments (pandas' weights, adjust=True), even where pandas' bias
    correction cancels (alpha near 1, observations far apart)."""
    x = np.array(values) + offset
    d = Fraction(1) - Fraction(alpha)
    ignore_na = flags["ignore_na"]
    got_m = hpcs.ewma(x, alpha=alpha, ignore_na=ignore_na)
    got_v = hpcs.ewmvar(x, alpha=alpha, ignore_na=ignore_na, bias=True)
    got_u = hpcs.ewmvar(x, alpha=alpha, ignore_na=ignore_na)
    wts: list[Fraction] = []
    vals: list[Fraction] = []
    for i, cur in enumerate(x):
        obs = not np.isnan(cur)
        if vals and (obs or not ignore_na):
            wts = [w * d for w in wts]
        if obs:
            wts.append(Fraction(1))
            vals.append(Fraction(float(cur)))
        if not vals:
            assert np.isnan(got_m[i]) and np.isnan(got_v[i])
            continue
        s0 = sum(wts)
        if s0 == 0:  # alpha = 1 across a gap: every weight is 0, the output is kept
            continue
        mean = sum(w * v for w, v in zip(wts, vals)) / s0
        var = sum(w * (v - mean) ** 2 for w, v in zip(wts, vals)) / s0
        scale = max(abs(float(v)) for v in vals)
        spread = max(float(max(vals) - min(vals)), 1e-300)
        tiny = Fraction(1e-300)  # subnormal inputs
        assert abs(Fraction(float(got_m[i])) - mean) <= Fraction(1e-12) * Fraction(scale) + tiny, i
        assert abs(Fraction(float(got_v[i])) - var) <= (Fraction(1e-9) * Fraction(spread) ** 2
                                                         + Fraction(1e-12) * var + tiny), i
        den = s0 * s0 - sum(w * w for w in wts)
        if den > 0:
            factor = s0 * s0 / den
            err = abs(Fraction(float(got_u[i])) - var * factor)
            assert err <= factor * (Fraction(1e-9) * Fraction(spread) ** 2
                                    + Fraction(1e-11) * var + tiny), i
        else:
            assert np.isnan(got_u[i]), i


def test_ewm_resume_lines_states_and_errors() -> None:
    from hpcs._ewm import resume
    from hpcs._lib import lib

    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 30, 3))
    x[rng.random(x.shape) < 0.2] = np.nan
    xf = np.asfortranarray(x)
    xf.flags.writeable = False
    for axis in (0, 1, 2):
        want = hpcs.ewmvar(x, alpha=0.2, axis=axis)
        cut = x.shape[axis] // 2
        first = np.take(xf, range(cut), axis=axis)
        out1, state = resume("ewmvar", first, None, alpha=0.2, axis=axis)
        assert state.shape == tuple(np.delete(x.shape, axis)) + (lib.HPCS_EWM_STATE,)
        kept = state.copy()
        out2, state2 = resume("ewmvar", np.take(xf, range(cut, x.shape[axis]), axis=axis),
                              state, alpha=0.2, axis=axis)
        assert state.tobytes() == kept.tobytes()  # the state passed in is not modified
        assert np.concatenate([out1, out2], axis=axis).tobytes() == want.tobytes()
        assert state2.shape == state.shape
    blank = resume("ewma", np.empty((2, 0)), None, alpha=0.5)[1]
    assert blank.shape == (2, lib.HPCS_EWM_STATE)
    assert np.isnan(blank[:, [0, 2, 3]]).all()
    assert (blank[:, [1]] == 0).all() and (blank[:, 4:] == 0).all()
    with pytest.raises(ValueError):
        resume("ewma", np.ones((2, 3)), np.zeros((3, lib.HPCS_EWM_STATE)), alpha=0.5)
    for nobs in (-1.0, 0.5, np.nan, 2.0 ** 60):
        bad = blank.copy()
        bad[1, 1] = nobs
        with pytest.raises(ValueError):
            resume("ewma", np.ones((2, 3)), bad, alpha=0.5)


def test_ewm_resume_any_thread_count(thread_everything) -> None:
    """Each line's state goes with its line, whichever thread runs it."""
    from hpcs._ewm import resume
    from util import assert_bits_same_for_any_thread_count

    rng = np.random.default_rng(6)
    for x, axis in ((rng.standard_normal((64, 300)), 0), (rng.standard_normal((64, 300)), 1),
                    (rng.standard_normal(5000), 0)):
        x[rng.random(x.shape) < 0.1] = np.nan
        head, tail = np.split(x, [40], axis=axis)

        def run(head: np.ndarray = head, tail: np.ndarray = tail, axis: int = axis) -> np.ndarray:
            out1, state = resume("ewmstd", head, None, alpha=0.1, axis=axis)
            out2, end = resume("ewmstd", tail, state, alpha=0.1, axis=axis)
            return np.concatenate([np.concatenate([out1, out2], axis=axis).ravel(), end.ravel()])

        assert_bits_same_for_any_thread_count(run, f"ewmstd resume, axis {axis}")
        want = hpcs.ewmstd(x, alpha=0.1, axis=axis).ravel()
        assert run()[: x.size].tobytes() == want.tobytes()


@pytest.mark.parametrize("alpha", [0.5, 0.05])
def test_ewmvar_offset_1e9_against_exact_rationals(alpha: float) -> None:
    """1e9 + N(0, 1): within 1e-6 relative of the exact weighted variance."""
    rng = np.random.default_rng(9)
    x = 1e9 + rng.standard_normal(150)
    got = hpcs.ewmvar(x, alpha=alpha)
    f = Fraction(1) - Fraction(alpha)
    for i in (10, 60, 149):
        w = [f ** (i - j) for j in range(i + 1)]
        xs = [Fraction(float(t)) for t in x[: i + 1]]
        s0, s1 = sum(w), sum(wj * xj for wj, xj in zip(w, xs))
        mean = s1 / s0
        biased = sum(wj * (xj - mean) ** 2 for wj, xj in zip(w, xs)) / s0
        exact = biased * s0 * s0 / (s0 * s0 - sum(wj * wj for wj in w))
        assert abs(got[i] - float(exact)) <= 1e-6 * float(exact), (i, got[i], float(exact))


# ---- rolling covariance / correlation ----------------------------------------


def _pandas_pair(kind: str, x: np.ndarray, y: np.ndarray, w: int, mp, center: bool,
                 **kw) -> np.ndarray:
    r = pd.Series(x).rolling(w, min_periods=mp, center=center)
    return getattr(r, kind)(pd.Series(y), **kw).to_numpy().copy()


@settings(max_examples=30)
@given(st.integers(0, 80), st.integers(1, 12), st.booleans(), st.integers(0, 2),
       st.floats(0.0, 0.3), st.integers(0, 2**32 - 1))
@example(76, 4, False, 0, 0.25, 13442)  # a window of two pairs: -1 exactly
def test_rolling_cov_corr_match_pandas(n, w, center, ddof, nan_rate, seed) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * 3 + 1
    y = 0.5 * x + rng.standard_normal(n)
    x[rng.random(n) < nan_rate] = np.nan
    y[rng.random(n) < nan_rate] = np.nan
    mp = int(rng.integers(1, w + 1))
    ctx = f"n={n} w={w} mp={mp} center={center} ddof={ddof}"
    got = hpcs.rolling_cov(x, y, w, min_periods=mp, center=center, ddof=ddof)
    exp = _pandas_pair("cov", x, y, w, mp, center, ddof=ddof)
    exp[~np.isfinite(exp)] = np.nan  # pandas: count - ddof <= 0 gives +-inf or NaN
    _same(got, exp, 1e-9, 1e-11, ctx)
    got = hpcs.rolling_corr(x, y, w, min_periods=mp, center=center)
    exp = _pandas_pair("corr", x, y, w, mp, center)
    exp[~np.isfinite(exp)] = np.nan
    # pandas is the oracle where it is itself accurate: its running sums
    # lose ~eps * (mean^2 + var) / var of a window's digits (two valid
    # pairs of nearly equal x have a correlation of exactly +-1, which
    # pandas gave as -0.99999998974).  The reference checks every window.
    ill = ~(np.fmax(_window_condition(x, y, w, center), _window_condition(y, x, w, center))
            <= 1e6)
    exp[ill] = got[ill]
    _same(got, np.clip(exp, -1, 1), 1e-9, 1e-11, ctx)
    _same(got, ref.rolling_corr(x, y, w, min_periods=mp, center=center), 1e-10, 1e-12, ctx)


def _window_condition(x: np.ndarray, y: np.ndarray, w: int, center: bool) -> np.ndarray:
    """(mean^2 + var) / var of x over each window's pairs where x and y are
    both finite (inf where the spread is 0, NaN where no pair)."""
    xm = pd.Series(np.where(np.isfinite(x) & np.isfinite(y), x, np.nan))
    r = xm.rolling(w, min_periods=1, center=center)
    mean, var = r.mean().to_numpy(), r.var(ddof=0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (mean * mean + var) / var


@settings(max_examples=30)
@given(st.lists(st.tuples(VALUE, VALUE), max_size=40), st.integers(1, 10), st.booleans())
def test_rolling_cov_corr_match_reference(pairs, w, center) -> None:
    """NaN, +-inf, constant windows: the reference twins (zero spread -> NaN)."""
    x = np.array([p[0] for p in pairs], dtype=np.float64)
    y = np.array([p[1] for p in pairs], dtype=np.float64)
    kw = dict(min_periods=1, center=center)
    with np.errstate(all="ignore"):
        scale = float(np.nanmax(np.abs(np.where(np.isfinite(x), x, np.nan)))) if x.size and \
            np.isfinite(x).any() else 1.0
        scale_y = float(np.nanmax(np.abs(np.where(np.isfinite(y), y, np.nan)))) if y.size and \
            np.isfinite(y).any() else 1.0
    got = hpcs.rolling_cov(x, y, w, **kw)
    exp = ref.rolling_cov(x, y, w, **kw)
    finite = np.isfinite(exp) & np.isfinite(got)
    np.testing.assert_allclose(got[finite], exp[finite], rtol=1e-9,
                               atol=1e-9 * scale * scale_y + 1e-300)
    # Windows holding +-inf: NaN or an infinity, never a finite number.
    assert not (np.isfinite(got) & ~np.isfinite(exp)).any()
    corr = hpcs.rolling_corr(x, y, w, **kw)
    assert not (np.abs(corr) > 1).any()
    constant = hpcs.rolling_corr(np.full(20, 7.5), np.arange(20.0), 4)
    assert np.isnan(constant).all()


def test_rolling_pair_nd_float32_and_bad_inputs() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 30, 3))
    y = rng.standard_normal((4, 30, 3))
    for axis in range(-3, 3):
        got = hpcs.rolling_corr(x, y, 5, axis=axis)
        exp = ref.rolling_corr(x, y, 5, axis=axis)
        _same(got, exp, 1e-10, 1e-12, f"axis={axis}")
        assert got.tobytes() == hpcs.rolling_corr(np.asfortranarray(x), y[...], 5,
                                                  axis=axis).tobytes()
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    assert hpcs.rolling_cov(x32, y32, 5).dtype == np.float32
    assert hpcs.rolling_cov(x32, y, 5).dtype == np.float64
    _same(hpcs.rolling_cov(x32, y32, 5), ref.rolling_cov(x32, y32, 5), 1e-5, 1e-6)
    out = np.empty_like(x)
    assert hpcs.rolling_cov(x, y, 5, out=out) is out
    assert hpcs.rolling_cov([], [], 3).shape == (0,)
    assert np.isnan(hpcs.rolling_cov([1.0], [2.0], 5, min_periods=1)).all()
    with pytest.raises(ValueError):
        hpcs.rolling_cov(x, y[:2], 5)
    with pytest.raises(ValueError):
        hpcs.rolling_corr(x, y, 0)


def test_rolling_cov_does_not_drift_on_offset_data() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(20_000), rng.standard_normal(20_000)
    exact = hpcs.rolling_cov(a, a + b, 100)
    got = hpcs.rolling_cov(1e9 + a, 1e9 + a + b, 100)
    np.testing.assert_allclose(got[99:], exact[99:], rtol=1e-7, atol=1e-7)
    corr = hpcs.rolling_corr(1e9 + a, 1e9 + a + b, 100)
    np.testing.assert_allclose(corr[99:], hpcs.rolling_corr(a, a + b, 100)[99:], atol=1e-7)


# ---- rolling z-scores ----------------------------------------------------------


@settings(max_examples=30)
@given(st.integers(0, 60), st.integers(1, 12), st.booleans(), st.integers(0, 1),
       st.floats(0.0, 0.3), st.integers(0, 2**32 - 1), st.booleans())
def test_rolling_zscore_matches_pandas(n, w, center, ddof, nan_rate, seed, ties) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, n).astype(np.float64) if ties else rng.standard_normal(n) * 5
    x[rng.random(n) < nan_rate] = np.nan
    mp = int(rng.integers(1, w + 1))
    s = pd.Series(x)
    r = s.rolling(w, min_periods=mp, center=center)
    sd = r.std(ddof=ddof).to_numpy()
    exp = ((s - r.mean()).to_numpy()) / np.where(sd > 1e-12, sd, np.nan)
    got = hpcs.rolling_zscore(x, w, min_periods=mp, center=center, ddof=ddof)
    _same(got, exp, 1e-8, 1e-9, f"n={n} w={w} mp={mp} center={center} ddof={ddof}")


@settings(max_examples=30)
@given(st.integers(0, 50), st.integers(1, 9), st.booleans(), st.floats(0.0, 0.3),
       st.integers(0, 2**32 - 1), st.booleans())
def test_rolling_robust_zscore_matches_pandas(n, w, center, nan_rate, seed, ties) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, n).astype(np.float64) if ties else rng.standard_normal(n)
    x[rng.random(n) < nan_rate] = np.nan
    mp = int(rng.integers(1, w + 1))
    s = pd.Series(x)
    r = s.rolling(w, min_periods=mp, center=center)
    mad = r.apply(lambda a: np.median(np.abs(a[~np.isnan(a)] - np.median(a[~np.isnan(a)]))),
                  raw=True).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = (x - r.median().to_numpy()) / np.where(mad > 0, 1.482602218505602 * mad, np.nan)
    got = hpcs.rolling_robust_zscore(x, w, min_periods=mp, center=center)
    _same(got, exp, 1e-12, 0.0, f"n={n} w={w} mp={mp} center={center}")


def test_rolling_zscores_constant_windows_give_nan_never_inf() -> None:
    x = np.concatenate([np.full(30, 4.0), np.arange(10.0), np.full(30, -2.0)])
    for f in (hpcs.rolling_zscore, hpcs.rolling_robust_zscore):
        for a in (x, x.astype(np.float32), 1e9 + x):
            z = f(a, 5, min_periods=1)
            assert not np.isinf(z).any()
            assert np.isnan(z[:30]).all() and np.isnan(z[-25:]).all()


def test_rolling_zscore_offset_data_and_window_over_n() -> None:
    rng = np.random.default_rng(5)
    a = rng.standard_normal(5_000)
    np.testing.assert_allclose(hpcs.rolling_zscore(1e9 + a, 100)[99:],
                               hpcs.rolling_zscore(a, 100)[99:], rtol=1e-6, atol=1e-6)
    assert np.isnan(hpcs.rolling_zscore(a[:10], 20)).all()
    z = hpcs.rolling_zscore(a[:10], 20, min_periods=2)
    _same(z, ref.rolling_zscore(a[:10], 20, min_periods=2), 1e-12)


# ---- anomalies --------------------------------------------------------------


def test_detect_anomalies() -> None:
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 400))
    x[:, [50, 300]] = [[12.0, -15.0]] * 3
    x[1, 7] = np.nan
    before = x.copy()
    for method in ("zscore", "robust"):
        for window in (None, 40):
            for axis in (-1, 0):
                got = hpcs.detect_anomalies(x, 3.0, method=method, window=window, axis=axis)
                exp = ref.detect_anomalies(x, 3.0, method=method, window=window, axis=axis)
                assert got.dtype == bool and got.shape == x.shape
                np.testing.assert_array_equal(got, exp, err_msg=f"{method} {window} {axis}")
            flagged = hpcs.detect_anomalies(x, 3.0, method=method, window=window)
            assert flagged[:, [50, 300]].all() and not flagged[1, 7]
    np.testing.assert_array_equal(x, before)
    assert not hpcs.detect_anomalies(np.full(10, 1.0)).any()  # zero spread: NaN z
    assert not hpcs.detect_anomalies(np.full(10, 1.0), method="robust", window=3).any()
    with pytest.raises(ValueError):
        hpcs.detect_anomalies(x, method="iqr")


# ---- threads -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ewma", "ewmvar", "ewmstd", "rolling_cov", "rolling_corr",
                                  "rolling_zscore", "rolling_robust_zscore"])
def test_bit_identical_for_any_thread_count(name: str, thread_everything) -> None:
    rng = np.random.default_rng(0)
    f = getattr(hpcs, name)
    inputs = [(rng.standard_normal(200_001), -1), (rng.standard_normal((64, 1_500)), 0),
              (rng.standard_normal((30, 9_000)), -1)]
    inputs[0][0][::97] = np.nan
    for x, axis in inputs:
        if name.startswith("ewm"):
            def call(x=x, axis=axis):
                return f(x, span=30.0, axis=axis)
        elif name in ("rolling_cov", "rolling_corr"):
            def call(x=x, axis=axis):
                return f(x, x[..., ::-1] * 0.5 + 1.0, 50, min_periods=1, axis=axis)
        else:
            def call(x=x, axis=axis):
                return f(x, 50, min_periods=1, axis=axis)
        results = []
        for threads in (1, 2, 3, 8):
            hpcs.set_num_threads(threads)
            results.append(call().tobytes())
        assert all(r == results[0] for r in results[1:]), name


@pytest.mark.parametrize("adjust", [True, False])
def test_ewmvar_single_observation_is_nan(adjust) -> None:
    """A hypothesis find: pandas' rounding gives 0 here, the exact value is NaN."""
    x = np.array([0.0, np.nan, np.nan, np.nan])
    for name in ("ewmvar", "ewmstd"):
        got = getattr(hpcs, name)(x, alpha=0.3910487258796344, adjust=adjust)
        assert np.isnan(got).all(), (name, got)
        assert np.isnan(getattr(ref, name)(x, alpha=0.3910487258796344, adjust=adjust)).all()
    assert hpcs.ewmvar(x, alpha=0.3910487258796344, adjust=adjust, bias=True)[-1] == 0.0
