"""Bad and edge-case inputs: one table, every public function.

Each row is ``input -> expected``: either an exception type plus a message
fragment naming the offending argument, or a value checked against a NumPy
oracle (a loop over windows for rolling ops).  The rules the oracle encodes
are those of docs/guide/semantics.rst (inputs, NaN, errors) and docs/decisions.md:

* wrong type of ``x``                          -> TypeError "x: ..." naming the dtype
* 0-d / Python scalar                          -> reductions: a 1-element array;
                                                  rolling: ValueError "x"
* empty                                        -> sum 0.0; min/max ValueError; others NaN;
                                                  rolling: empty output
* NaN anywhere, skipna=False                   -> NaN (min/max too); skipna=True: np.nan*
* rolling: NaN is missing, NaN below min_periods; window > n allowed
* ±inf                                         -> IEEE / NumPy, per window for rolling
* window not an int >= 1 (or > 2**63-1)        -> ValueError "window"
* min_periods not an int in [1, window]        -> ValueError "min_periods"
* axis out of range -> ValueError "axis"; axis not an integer -> TypeError "axis"
* q outside [0, 1] or NaN -> ValueError "q"; q not a number -> TypeError "q"
* ddof < 0 or not an integer (decisions.md)    -> ValueError "ddof"
* unknown method / scale string -> ValueError; scale not a number -> TypeError
* out= wrong shape/dtype/not C-contiguous/read-only -> ValueError "out";
  not an ndarray -> TypeError "out"
* strided / reversed / F-ordered views         -> bit-identical to the contiguous copy
* huge / subnormal values -> NumPy's value, or the exact value (correctly
  rounded) where NumPy overflows ("at least as accurate as NumPy")
* the input is never modified (checked on every call below).
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal, localcontext
from typing import Any, Optional

import numpy as np
import pytest

import hpcs
from hpcs._reference import quantile_of, rolling_apply

REDUCTIONS = ("sum", "mean", "var", "std", "min", "max", "median", "mad", "quantile")
ROLLING = ("rolling_sum", "rolling_mean", "rolling_var", "rolling_std", "rolling_min",
           "rolling_max", "rolling_median", "rolling_mad", "rolling_quantile")
ALL = REDUCTIONS + ROLLING
DDOF_OPS = ("var", "std", "rolling_var", "rolling_std")
Q_OPS = ("quantile", "rolling_quantile")
MAD_OPS = ("mad", "rolling_mad")
X5 = np.array([3.0, 1.0, 4.0, 1.5, 5.0])
RTOL, ATOL = 1e-12, 1e-323  # atol: two subnormal ulps


# --------------------------------------------------------------------------- helpers

def call(name: str, x: Any, **kw: Any) -> Any:
    """Call hpcs.<name>, filling the required positionals (window=3, q=0.5) from kw."""
    args = []
    if name.startswith("rolling_"):
        args.append(kw.pop("window", 3))
    if name.endswith("quantile"):
        args.append(kw.pop("q", 0.5))
    if not name.startswith("rolling_"):
        kw.pop("min_periods", None)
    return getattr(hpcs, name)(x, *args, **kw)


def checked_call(name: str, x: Any, **kw: Any) -> Any:
    """call(), asserting afterwards (even when it raised) that x was not modified."""
    before = copy.deepcopy(x)
    try:
        return call(name, x, **kw)
    finally:
        if isinstance(x, np.ndarray):
            assert x.dtype == before.dtype and x.shape == before.shape
            assert np.array_equal(x, before, equal_nan=x.dtype.kind in "fc"), \
                f"{name} modified its input"
        else:
            assert x == before or (isinstance(x, float) and math.isnan(x)), \
                f"{name} modified its input"


def expect_raises(name: str, x: Any, exc: type, match: str, **kw: Any) -> None:
    with pytest.raises(exc, match=match):
        checked_call(name, x, **kw)


def params(rows: list[tuple], ops: tuple[str, ...], xfails: Optional[dict] = None) -> list:
    """Cross a table of rows (first item: id) with operations; mark known deviations."""
    out = []
    xfails = xfails or {}
    for row in rows:
        for op in ops:
            if row[0] in _ONLY and op not in _ONLY[row[0]]:
                continue
            reason = xfails.get((row[0], op)) or xfails.get((row[0], "*"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(op, *row[1:], id=f"{op}-{row[0]}", marks=marks))
    return out


_ONLY: dict[str, tuple[str, ...]] = {}  # row id -> the only ops it applies to


# --------------------------------------------------------------------------- oracles

def np_reduce(name: str, v: np.ndarray, skipna: bool = False, ddof: int = 0,
              q: Any = 0.5, scale: Any = 1.0, method: str = "linear") -> Any:
    """The NumPy value of reduction ``name`` of the 1-D float64 ``v`` (contract rules)."""
    if skipna:
        v = v[~np.isnan(v)]
    if v.size == 0:
        if name in ("min", "max"):
            raise ValueError(f"{name}: empty")
        if name == "sum":
            return 0.0
        return np.full(np.shape(q), np.nan) if name == "quantile" and np.ndim(q) else math.nan
    if np.isnan(v).any():
        return np.full(np.shape(q), np.nan) if name == "quantile" and np.ndim(q) else math.nan
    scale = 1.482602218505602 if scale == "normal" else float(scale)
    with np.errstate(all="ignore"):
        if name in ("var", "std"):
            if v.size <= ddof:
                return math.nan
            return float(getattr(np, name)(v, ddof=ddof))
        if name == "median":
            return float(np.median(v))
        if name == "mad":
            return float(np.median(np.abs(v - np.median(v)))) * scale
        if name == "quantile":
            if np.ndim(q):
                return np.array([quantile_of(v, qq, method) for qq in q])
            return quantile_of(v, q, method)
        return float(getattr(np, name)(v))


def exact_reduce(name: str, v: np.ndarray, ddof: int = 0, q: Any = 0.5, scale: Any = 1.0,
                 **_: Any) -> Any:
    """The exact (Decimal) value, correctly rounded; NumPy's where inf/NaN make it moot."""
    if v.size == 0 or not np.isfinite(v).all() or np.ndim(q) or name in ("min", "max"):
        return np_reduce(name, v, ddof=ddof, q=q, scale=scale)
    scale = 1.482602218505602 if scale == "normal" else float(scale)
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 1200, 10**6, -(10**6)
        d = sorted(Decimal(float(e)) for e in v)

        def quant(s: list, p: float) -> Decimal:
            pos = Decimal(p) * (len(s) - 1)
            lo = int(pos)
            hi = min(lo + 1, len(s) - 1)
            return s[lo] + (s[hi] - s[lo]) * (pos - lo)

        n = len(d)
        total = sum(d, Decimal(0))
        if name == "sum":
            r = total
        elif name == "mean":
            r = total / n
        elif name in ("var", "std"):
            if n <= ddof:
                return math.nan
            m = total / n
            r = sum(((e - m) ** 2 for e in d), Decimal(0)) / (n - ddof)
            r = r.sqrt() if name == "std" else r
        elif name in ("median", "quantile"):
            r = quant(d, 0.5 if name == "median" else q)
        else:  # mad
            med = quant(d, 0.5)
            r = quant(sorted(abs(e - med) for e in d), 0.5) * Decimal(scale)
        return float(r)


def rolling_oracle(name: str, x: np.ndarray, oracle: Any, window: int = 3,
                   min_periods: Optional[int] = None, center: bool = False,
                   **kw: Any) -> np.ndarray:
    """The reference's window rules, each window reduced by ``oracle`` over its valid values."""
    return rolling_apply(lambda w: oracle(name[len("rolling_"):], w, **kw), x, window,
                         min_periods, center)


def close(got: Any, exp: Any, rtol: float = RTOL) -> np.ndarray:
    """Elementwise: same NaN/inf pattern and sign, finite values within rtol/ATOL."""
    g, e = np.asarray(got, dtype=np.float64), np.asarray(exp, dtype=np.float64)
    if g.shape != e.shape:
        return np.zeros(e.shape, dtype=bool)
    with np.errstate(all="ignore"):
        ok = (np.isnan(g) & np.isnan(e)) | (g == e)
        ok |= np.isfinite(g) & np.isfinite(e) & (np.abs(g - e) <= ATOL + rtol * np.abs(e))
    return ok


def check_value(name: str, x: Any, exact: bool = False, **kw: Any) -> None:
    """Compare hpcs to the NumPy oracle (or, with ``exact``, NumPy-or-exact per element)."""
    x1 = np.asarray(x, dtype=np.float64).reshape(-1)
    oracles = [np_reduce] + ([exact_reduce] if exact else [])
    if name.startswith("rolling_"):
        expected = [rolling_oracle(name, x1, o, **kw) for o in oracles]
    else:
        red_kw = {k: val for k, val in kw.items() if k != "min_periods"}
        try:
            expected = [o(name, x1, **red_kw) for o in oracles]
        except ValueError:  # min/max of nothing
            expect_raises(name, x, ValueError, f"{name}: .*(zero-size|empty)", **kw)
            return
    got = checked_call(name, x, **kw)
    if name.startswith("rolling_"):
        assert isinstance(got, np.ndarray) and got.shape == np.shape(x)
        assert got.dtype == (np.float32 if np.asarray(x).dtype == np.float32 else np.float64)
    elif np.ndim(kw.get("q", 0)) == 0:
        assert type(got) is float, f"{name} returned {type(got)}, not a Python float"
    rtol = 2e-6 if np.asarray(x).dtype == np.float32 else RTOL
    ok = np.zeros(np.shape(expected[0]), dtype=bool)
    for e in expected:
        ok |= close(got, e, rtol)
    assert ok.all(), f"{name}{kw}: got {got!r}, expected {expected[0]!r}" + (
        f" or exactly {expected[1]!r}" if exact else "")


# --------------------------------------------------------------------------- 1. x of a wrong type

WRONG_X = [
    ("None", None, r"x: .*object"),
    ("str", "abc", r"x: .*<U3"),
    ("list-of-str", ["1.0", "2.0"], r"x: .*<U3"),
    ("object-array", np.array([1.0, 2.0, None], dtype=object), r"x: .*object"),
    ("complex", np.array([1 + 2j, 3j]), r"x: .*complex"),
    ("complex-scalar", 1j, r"x: .*complex"),
    ("datetime64", np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
     r"x: .*datetime64"),
    ("timedelta64", np.array([1, 2], dtype="timedelta64[s]"), r"x: .*timedelta64"),
    ("ragged", [[1.0, 2.0], [3.0]], r"x: .*numeric"),
    ("ragged-mixed", [1.0, [2.0, 3.0]], r"x: .*numeric"),
]


@pytest.mark.parametrize("op,x,match", params(WRONG_X, ALL))
def test_wrong_type_of_x(op: str, x: Any, match: str) -> None:
    expect_raises(op, x, TypeError, match)


# --------------------------------------------------------------------------- 2. values

NAN = math.nan
INF = math.inf
VALUE_ROWS = [
    # id, x, keyword arguments (rolling ops get window=3 unless given)
    ("0d-array", np.array(3.5), {}),
    ("python-float", 3.5, {}),
    ("python-int", 7, {}),
    ("python-bool", True, {}),
    ("numpy-float32-scalar", np.float32(2.5), {}),
    ("empty", np.empty(0), {}),
    ("empty-list", [], {}),
    ("empty-skipna", np.empty(0), {"skipna": True}),
    ("all-nan", np.full(5, NAN), {}),
    ("all-nan-skipna", np.full(5, NAN), {"skipna": True}),
    ("all-nan-min_periods=1", np.full(5, NAN), {"min_periods": 1}),
    ("nan-first", np.array([NAN, 1.0, 4.0, 1.5, 5.0]), {}),
    ("nan-middle", np.array([3.0, 1.0, NAN, 1.5, 5.0]), {}),
    ("nan-last", np.array([3.0, 1.0, 4.0, 1.5, NAN]), {}),
    ("nan-first-skipna", np.array([NAN, 1.0, 4.0, 1.5, 5.0]), {"skipna": True,
                                                               "min_periods": 2}),
    ("nan-middle-skipna", np.array([3.0, 1.0, NAN, 1.5, 5.0]), {"skipna": True,
                                                                "min_periods": 2}),
    ("nan-last-skipna", np.array([3.0, 1.0, 4.0, 1.5, NAN]), {"skipna": True,
                                                              "min_periods": 2}),
    ("float32-nan-middle", np.array([3.0, 1.0, NAN, 1.5, 5.0], dtype=np.float32),
     {"skipna": True, "min_periods": 1}),
    ("+inf", np.array([3.0, INF, 4.0, 1.5, 5.0]), {"window": 2, "min_periods": 1}),
    ("-inf", np.array([3.0, 1.0, -INF, 1.5, 5.0]), {"window": 2, "min_periods": 1}),
    ("+inf-and-inf", np.array([INF, 1.0, INF, 1.5, 5.0]), {"window": 3, "min_periods": 1}),
    ("+inf-and--inf", np.array([INF, 1.0, -INF, 1.5, 5.0]), {"window": 3,
                                                             "min_periods": 1}),
    ("inf-and-nan-skipna", np.array([INF, NAN, -INF, 1.5, NAN]), {"skipna": True,
                                                                  "min_periods": 1}),
    ("window>n", X5, {"window": 9}),
    ("window>n-min_periods=2", X5, {"window": 9, "min_periods": 2}),
    ("window=n", X5, {"window": 5}),
    ("window=1", X5, {"window": 1}),
    ("window-np.int64", X5, {"window": np.int64(2)}),
    ("window=2**63-1", X5, {"window": 2**63 - 1, "min_periods": 1}),
    ("center-even-window", np.array([3.0, NAN, 4.0, 1.5, 5.0, 9.0]),
     {"window": 4, "min_periods": 1, "center": True}),
    ("ddof=n-1", X5, {"ddof": 4, "window": 5}),
    ("ddof=n->nan", X5, {"ddof": 5, "window": 5, "min_periods": 1}),
    ("ddof=2**40->nan", X5, {"ddof": 2**40}),
    ("q=0", X5, {"q": 0.0}),
    ("q=1", X5, {"q": 1.0}),
    ("q=0-with-inf", np.array([3.0, INF, 4.0, 1.5, 5.0]), {"q": 0.0, "min_periods": 1}),
    ("q=1-with-inf", np.array([3.0, INF, 4.0, INF, 5.0]), {"q": 1.0, "min_periods": 1}),
    ("q-1d", X5, {"q": [0.0, 0.3, 1.0]}),
    ("q-nearest", X5, {"q": 0.3, "method": "nearest"}),
    ("scale=normal", X5, {"scale": "normal"}),
    ("scale=0", X5, {"scale": 0}),
    ("ints", np.array([3, 1, 4, 1, 5]), {}),
    ("bools", np.array([True, False, True, True, False]), {}),
    ("tuple", (3.0, 1.0, 4.0, 1.5, 5.0), {}),
]
_ONLY.update({
    "empty-skipna": REDUCTIONS, "all-nan-skipna": REDUCTIONS, "all-nan-min_periods=1": ROLLING,
    "window>n": ROLLING, "window>n-min_periods=2": ROLLING,
    "window=n": ROLLING, "window=1": ROLLING, "window-np.int64": ROLLING,
    "window=2**63-1": ROLLING, "center-even-window": ROLLING,
    "ddof=n-1": DDOF_OPS, "ddof=n->nan": DDOF_OPS, "ddof=2**40->nan": ("var", "std"),
    "q=0": Q_OPS, "q=1": Q_OPS, "q=0-with-inf": Q_OPS, "q=1-with-inf": Q_OPS, "q-1d": ("quantile",), "q-nearest": Q_OPS,
    "scale=normal": MAD_OPS, "scale=0": MAD_OPS,
})
# 0-d input to a rolling op is an error, not a value (see test_scalar_to_rolling).
_ONLY.update({r[0]: REDUCTIONS for r in VALUE_ROWS[:5]})


def _strip(op: str, kw: dict) -> dict:
    kw = dict(kw)
    if op.startswith("rolling_"):
        kw.pop("skipna", None)
    else:
        for k in ("window", "center"):
            kw.pop(k, None)
    return kw


@pytest.mark.parametrize("op,x,kw", params(VALUE_ROWS, ALL))
def test_value_matches_oracle(op: str, x: Any, kw: dict) -> None:
    check_value(op, x, **_strip(op, kw))


_PANDAS = {"rolling_sum": "sum", "rolling_mean": "mean", "rolling_var": "var",
           "rolling_std": "std", "rolling_min": "min", "rolling_max": "max",
           "rolling_median": "median", "rolling_quantile": "quantile"}


@pytest.mark.parametrize("op,x,kw", params([r for r in VALUE_ROWS if np.ndim(r[1]) and np.all(
    ~np.isinf(np.asarray(r[1], dtype=float))) and np.ndim(r[2].get("q", 0)) == 0
    and "scale" not in r[2] and "method" not in r[2]], tuple(_PANDAS)))
def test_rolling_oracle_is_pandas(op: str, x: Any, kw: dict) -> None:
    """The window-loop oracle is pandas' Series.rolling (on data without inf, which pandas'
    running sums mishandle; see docs/decisions.md)."""
    pd = pytest.importorskip("pandas")
    kw = _strip(op, kw)
    window, mp = kw.pop("window", 3), kw.pop("min_periods", None)
    roll = pd.Series(np.asarray(x, dtype=np.float64)).rolling(
        window if window < 2**31 else len(x) + 1, min_periods=mp,
        center=kw.pop("center", False))
    args = (kw.pop("q", 0.5),) if op == "rolling_quantile" else ()
    if op in ("rolling_var", "rolling_std"):
        kw.setdefault("ddof", 0)
    expected = getattr(roll, _PANDAS[op])(*args, **kw).to_numpy()
    mine = rolling_oracle(op, np.asarray(x, dtype=np.float64), np_reduce, window=window,
                          min_periods=mp, center=roll.center, **kw,
                          **({"q": args[0]} if args else {}))
    assert close(mine, expected, 1e-9).all(), f"{mine} != pandas {expected}"


@pytest.mark.parametrize("op", ROLLING)
@pytest.mark.parametrize("x", [np.array(3.5), 3.5, 7, np.float32(1.0)],
                         ids=["0d-array", "python-float", "python-int", "numpy-float32"])
def test_scalar_to_rolling(op: str, x: Any) -> None:
    """Rolling needs an axis to roll along: 0-d -> ValueError naming x (bottleneck does too)."""
    expect_raises(op, x, ValueError, r"\bx\b", window=1)


# --------------------------------------------------------------------------- 3. huge / subnormal

HUGE_ROWS = [
    ("1e308-x3", np.array([1e308, 1e308, 1e308])),
    ("1e308-overflow-then-back", np.array([1e308, 1e308, -1e308, 1.0, 2.0])),
    ("+-1e308-cancel", np.array([1e308, -1e308, 1e308, -1e308, 1.0])),
    ("-1e308-x3", np.array([-1e308, -1e308, -1e308])),
    ("+-1.7e308-spread", np.array([1.7e308, -1.7e308, 1.0, 2.0, 3.0])),
    ("max-float", np.array([np.finfo(float).max, np.finfo(float).max, 0.0])),
    ("huge-and-subnormal", np.array([1e308, 5e-324, -1e308, 5e-324])),
    ("subnormal-5e-324-x5", np.full(5, 5e-324)),
    ("subnormal-mixed", np.array([5e-324, -5e-324, 0.0, 3e-310, 1e-320])),
    ("subnormal-and-one", np.array([1.0, 5e-324, 1.0, 2.5e-320])),
]
HUGE_XFAIL: dict = {}


@pytest.mark.parametrize("op,x", params(HUGE_ROWS, ALL, HUGE_XFAIL))
def test_huge_and_subnormal(op: str, x: np.ndarray) -> None:
    """NumPy's value, or the exact one where NumPy overflows (at least as accurate)."""
    kw = {"window": 2, "min_periods": 1} if op.startswith("rolling_") else {}
    check_value(op, x, exact=True, **kw)


# --------------------------------------------------------------------------- 4. bad arguments

BAD_ARGS = [
    # id, keyword arguments, exception, message fragment
    ("window=0", {"window": 0}, ValueError, "window"),
    ("window=-1", {"window": -1}, ValueError, "window"),
    ("window=2.5", {"window": 2.5}, ValueError, "window"),
    ("window=2.0", {"window": 2.0}, ValueError, "window"),
    ("window=True", {"window": True}, ValueError, "window"),
    ("window=2**63", {"window": 2**63}, ValueError, "window"),
    ("window='3'", {"window": "3"}, ValueError, "window"),
    ("window=None", {"window": None}, ValueError, "window"),
    ("min_periods=0", {"min_periods": 0}, ValueError, "min_periods"),
    ("min_periods=-1", {"min_periods": -1}, ValueError, "min_periods"),
    ("min_periods>window", {"min_periods": 4}, ValueError, "min_periods"),
    ("min_periods=2.5", {"min_periods": 2.5}, ValueError, "min_periods"),
    ("min_periods=True", {"min_periods": True}, ValueError, "min_periods"),
    ("min_periods=2**63", {"min_periods": 2**63}, ValueError, "min_periods"),
    ("axis=5", {"axis": 5}, ValueError, "axis"),
    ("axis=-5", {"axis": -5}, ValueError, "axis"),
    ("axis=1.5", {"axis": 1.5}, TypeError, "axis"),
    ("axis='0'", {"axis": "0"}, TypeError, "axis"),
    ("q=-0.1", {"q": -0.1}, ValueError, r"\bq\b"),
    ("q=1.1", {"q": 1.1}, ValueError, r"\bq\b"),
    ("q=nan", {"q": NAN}, ValueError, r"\bq\b"),
    ("q=inf", {"q": INF}, ValueError, r"\bq\b"),
    ("q=[0.5,1.5]", {"q": [0.5, 1.5]}, ValueError, r"\bq\b"),
    ("q=[[0.5]]", {"q": [[0.5]]}, ValueError, r"\bq\b"),
    ("q='a'", {"q": "a"}, TypeError, r"\bq\b"),
    ("q='0.5'", {"q": "0.5"}, TypeError, r"\bq\b"),
    ("q=None", {"q": None}, TypeError, r"\bq\b"),
    ("q=0.5j", {"q": 0.5j}, TypeError, r"\bq\b"),
    ("q=[0.5,None]", {"q": [0.5, None]}, TypeError, r"\bq\b"),
    ("q=[]-rolling", {"q": []}, ValueError, r"\bq\b"),
    ("q=[0.5]-rolling", {"q": [0.5]}, ValueError, r"\bq\b"),
    ("ddof=-1", {"ddof": -1}, ValueError, "ddof"),
    # docs/decisions.md: non-integer ddof is a ValueError, like window/min_periods.
    ("ddof=1.5", {"ddof": 1.5}, ValueError, "ddof"),
    ("ddof='1'", {"ddof": "1"}, ValueError, "ddof"),
    ("ddof=2**63", {"ddof": 2**63}, ValueError, "ddof"),
    ("method='bogus'", {"method": "bogus"}, ValueError, "method"),
    ("method='LINEAR'", {"method": "LINEAR"}, ValueError, "method"),
    ("method='inverted_cdf'", {"method": "inverted_cdf"}, ValueError, "method"),
    ("method=None", {"method": None}, ValueError, "method"),
    ("method=['linear']", {"method": ["linear"]}, ValueError, "method"),
    ("scale='bogus'", {"scale": "bogus"}, ValueError, "scale"),
    ("scale='Normal'", {"scale": "Normal"}, ValueError, "scale"),
    ("scale=None", {"scale": None}, TypeError, "scale"),
    ("scale=[1.0,2.0]", {"scale": [1.0, 2.0]}, TypeError, "scale"),
    ("scale=1j", {"scale": 1j}, TypeError, "scale"),
]
_ONLY.update({r[0]: ROLLING for r in BAD_ARGS if r[0].startswith(("window", "min_periods"))})
_ONLY.update({r[0]: Q_OPS for r in BAD_ARGS if r[0].startswith(("q=", "method"))})
_ONLY.update({"q=[]-rolling": ("rolling_quantile",), "q=[0.5]-rolling": ("rolling_quantile",)})
_ONLY.update({r[0]: DDOF_OPS for r in BAD_ARGS if r[0].startswith("ddof")})
_ONLY.update({r[0]: MAD_OPS for r in BAD_ARGS if r[0].startswith("scale")})


@pytest.mark.parametrize("op,kw,exc,match", params(BAD_ARGS, ALL))
def test_bad_argument(op: str, kw: dict, exc: type, match: str) -> None:
    expect_raises(op, X5.copy(), exc, match, **kw)


@pytest.mark.parametrize("op", ALL)
@pytest.mark.parametrize("axis,exc", [(2, ValueError), (-3, ValueError), (1.0, TypeError)],
                         ids=["axis=2", "axis=-3", "axis=1.0"])
def test_bad_axis_2d(op: str, axis: Any, exc: type) -> None:
    expect_raises(op, np.ones((3, 4)), exc, "axis", axis=axis)


def test_quantile_of_empty_q_is_empty() -> None:
    got = checked_call("quantile", X5.copy(), q=[])
    assert isinstance(got, np.ndarray) and got.shape == (0,) and got.dtype == np.float64
    got = checked_call("quantile", np.ones((3, 4)), q=[], axis=1)
    assert got.shape == (0, 3)


# --------------------------------------------------------------------------- 5. out=

def _readonly(shape: tuple, dtype: Any = np.float64) -> np.ndarray:
    a = np.zeros(shape, dtype=dtype)
    a.flags.writeable = False
    return a


X2 = np.arange(12.0).reshape(3, 4)
BAD_OUT = [
    # id, x, out, exception, message fragment
    ("shape-short", X5, np.empty(4), ValueError, "out.*shape"),
    ("shape-2d-for-1d", X5, np.empty((1, 5)), ValueError, "out.*shape"),
    ("shape-transposed", X2, np.empty((4, 3)), ValueError, "out.*shape"),
    ("dtype-float32", X5, np.empty(5, dtype=np.float32), ValueError, "out.*dtype"),
    ("dtype-int64", np.arange(5), np.empty(5, dtype=np.int64), ValueError, "out.*dtype"),
    ("dtype-float64-for-float32-x", X5.astype(np.float32), np.empty(5), ValueError,
     "out.*dtype"),
    ("dtype-big-endian", X5, np.empty(5, dtype=">f8"), ValueError, "out.*dtype"),
    ("F-order", X2, np.empty((3, 4), order="F"), ValueError, "out.*contiguous"),
    ("strided", X5, np.empty(10)[::2], ValueError, "out.*contiguous"),
    ("reversed", X5, np.empty(5)[::-1], ValueError, "out.*contiguous"),
    ("read-only", X5, _readonly((5,)), ValueError, "out.*read-only"),
    ("list", X5, [0.0] * 5, TypeError, "out"),
    ("memoryview", X5, memoryview(np.empty(5)), TypeError, "out"),
]


@pytest.mark.parametrize("op,x,out,exc,match", params(BAD_OUT, ROLLING))
def test_bad_out(op: str, x: np.ndarray, out: Any, exc: type, match: str) -> None:
    x = x.copy()
    before = copy.deepcopy(out) if isinstance(out, (np.ndarray, list)) else None
    expect_raises(op, x, exc, match, window=2, out=out)
    if before is not None:  # a rejected out= is left alone
        np.testing.assert_array_equal(np.asarray(out), np.asarray(before))


@pytest.mark.parametrize("op", ROLLING)
@pytest.mark.parametrize("x", [X5, X2, X5.astype(np.float32), np.arange(5)],
                         ids=["1d", "2d", "float32", "int"])
def test_good_out_is_filled_and_returned(op: str, x: np.ndarray) -> None:
    out = np.full(x.shape, -7.0, dtype=np.float32 if x.dtype == np.float32 else np.float64)
    res = checked_call(op, x, window=2, min_periods=1, out=out)
    assert res is out
    np.testing.assert_array_equal(out, call(op, x, window=2, min_periods=1))


# --------------------------------------------------------------------------- 6. layouts

_BASE = np.array([3.0, 1.0, NAN, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0])
_B2 = np.arange(24.0).reshape(4, 6) ** 1.5 % 7
_B2[1, 2] = NAN
LAYOUTS = [
    # id, view, axis (None for reductions means flattened; rolling uses -1)
    ("x[::2]", np.repeat(_BASE, 2)[::2], None),
    ("x[::-1]", _BASE[::-1], None),
    ("x[1::3]", _BASE[1::3], None),
    ("x[::-2]", _BASE[::-2], None),
    ("float32[::-1]", _BASE.astype(np.float32)[::-1], None),
    ("big-endian", _BASE.astype(">f8"), None),
    ("readonly", np.lib.stride_tricks.as_strided(_BASE, writeable=False), None),
    ("2d-F-order-axis0", np.asfortranarray(_B2), 0),
    ("2d-F-order-axis-1", np.asfortranarray(_B2), -1),
    ("2d-T-axis0", _B2.T, 0),
    ("2d[:,::-1]-axis-1", _B2[:, ::-1], -1),
    ("2d[::-1,::2]-axis0", _B2[::-1, ::2], 0),
    ("2d[::-2]-flat", _B2[::-2], None),
]


@pytest.mark.parametrize("op,view,axis", params(LAYOUTS, ALL))
def test_view_equals_contiguous_copy(op: str, view: np.ndarray, axis: Optional[int]) -> None:
    kw: dict = {"axis": axis} if axis is not None else {}
    if op.startswith("rolling_"):
        kw.update(window=3, min_periods=1)
    else:
        kw["skipna"] = True
    got = checked_call(op, view, **kw)
    expected = call(op, np.ascontiguousarray(view), **kw)
    assert type(got) is type(expected)
    assert np.asarray(got).dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(got, expected)  # bit-identical (NaN == NaN)
