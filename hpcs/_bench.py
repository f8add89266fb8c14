"""Timing engine: hpcs against NumPy, bottleneck, pandas, polars (and scipy) on the same data.

Used by ``hpcs bench`` and ``tools/benchmarks.py``.  Peers that have no
such operation are absent from a row; :func:`missing_peers` names those that
are not installed (the ``bench`` extra installs them).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import numpy as np

from hpcs._ops import CORE as OPS  # §2/§3, called by their registry rows
from hpcs._ops import SPECIAL

Func = Callable[[], Any]
DEFAULT_WINDOW = 100
#: pandas has no rolling MAD, only ``rolling().apply`` of a Python function
#: (one Python call per window): it is timed on inputs up to this size only.
PANDAS_APPLY_MAX = 100_000
PEER_NAMES = ("numpy", "bottleneck", "pandas", "polars", "scipy", "numbagg")


@dataclass
class BenchRow:
    """One operation's timings: best-of milliseconds per library."""

    op: str
    size: int
    window: Optional[int]
    hpcs_ms: float
    peers_ms: dict[str, float] = field(default_factory=dict)

    def speedup(self) -> dict[str, float]:
        """hpcs's speed-up over each peer (> 1: hpcs is faster)."""
        return {name: ms / self.hpcs_ms for name, ms in self.peers_ms.items()}

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "size": self.size, "window": self.window,
                "hpcs_ms": self.hpcs_ms, "peers_ms": self.peers_ms, "speedup": self.speedup()}


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def missing_peers() -> list[str]:
    """The peer libraries that cannot be imported here (``pip install 'hpcs[bench]'``)."""
    return [name for name in PEER_NAMES if _optional(name) is None]


def _mad(median: Callable[[Any], Any], x: Any) -> Any:
    return median(abs(x - median(x)))


def _hpcs_call(op: str, x: np.ndarray, window: int, axis: Optional[int] = None) -> Func:
    """hpcs's call: the registry row's first variant (the peers' defaults: ddof=0, q=0.5);
    ewm* take the window as their span, rolling_cov/corr a second series.  With
    ``axis``, a registry row's call along that axis (the many-series case)."""
    if op in _EWM:
        func = SPECIAL[op].fast
        return lambda: func(x, span=window)
    if op in ("rolling_cov", "rolling_corr"):
        func, y = SPECIAL[op].fast, _second(x)
        return lambda: func(x, y, window)
    row = OPS[op]
    func, kw = row.fast, row.variants[0]
    if axis is not None:
        kw = {**kw, "axis": axis}
    if row.rolling:
        return lambda: func(x, window, **kw)
    return lambda: func(x, **kw)


_EWM = ("ewma", "ewmvar", "ewmstd")
#: 1 / Phi^-1(3/4), as hpcs' scale="normal".
_NORMAL = 1.482602218505602


def _second(x: np.ndarray) -> np.ndarray:
    """The second series of rolling_cov / rolling_corr: x reversed, plus x."""
    return x[::-1] + x


def _extended_peer_calls(op: str, x: np.ndarray, w: int) -> dict[str, Func]:
    """Peers of the z-score, exponential and two-series operations: what users
    write today (pandas / polars expressions, numbagg)."""
    calls: dict[str, Func] = {}
    pd, pl, nb = _optional("pandas"), _optional("polars"), _optional("numbagg")
    y = _second(x)
    if op == "rolling_zscore":
        if pd is not None:
            s = pd.Series(x)
            calls["pandas"] = lambda: (s - s.rolling(w).mean()) / s.rolling(w).std(ddof=0)
        if pl is not None:
            ps = pl.Series(x)
            calls["polars"] = lambda: (ps - ps.rolling_mean(w)) / ps.rolling_std(w, ddof=0)
    elif op == "rolling_robust_zscore" and pd is not None and x.size <= PANDAS_APPLY_MAX:
        s = pd.Series(x)

        def robust() -> Any:
            med = s.rolling(w).median()
            mad = s.rolling(w).apply(lambda a: _mad(np.median, a), raw=True)
            return (s - med) / (_NORMAL * mad)

        calls["pandas"] = robust
    elif op in _EWM:
        kind = {"ewma": "mean", "ewmvar": "var", "ewmstd": "std"}[op]
        if pd is not None:
            s = pd.Series(x)
            calls["pandas"] = lambda: getattr(s.ewm(span=w), kind)()
        if pl is not None:
            ps = pl.Series(x)
            calls["polars"] = lambda: getattr(ps, f"ewm_{kind}")(span=w)
        if nb is not None:
            f = getattr(nb, {"mean": "move_exp_nanmean", "var": "move_exp_nanvar",
                             "std": "move_exp_nanstd"}[kind])
            calls["numbagg"] = lambda: f(x, alpha=2.0 / (w + 1.0))
    elif op in ("rolling_cov", "rolling_corr"):
        kind = op[8:]
        if pd is not None:
            s, t = pd.Series(x), pd.Series(y)
            calls["pandas"] = lambda: getattr(s.rolling(w), kind)(t)
        if pl is not None:
            frame = pl.DataFrame({"x": x, "y": y})
            fn = getattr(pl, f"rolling_{kind}")
            calls["polars"] = lambda: frame.select(fn("x", "y", window_size=w)).to_series()
        if nb is not None:
            f = getattr(nb, f"move_{kind}")
            calls["numbagg"] = lambda: f(x, y, window=w)
    return calls


#: NumPy's reductions that take ``axis`` (NaN-free data: nan* = plain).
_NUMPY_REDUCE = ("sum", "mean", "var", "std", "min", "max", "median")
#: bottleneck's reductions; its rolling ops are ``move_<kind>``.
_BN_REDUCE = {"sum": "nansum", "mean": "nanmean", "var": "nanvar", "std": "nanstd",
              "min": "nanmin", "max": "nanmax", "median": "median"}


def _array_peer_calls(op: str, x: np.ndarray, window: int,
                     axis: Optional[int] = None) -> dict[str, Func]:
    """NumPy's and bottleneck's equivalents of ``op`` (along ``axis`` when given:
    then only the calls that take an axis)."""
    calls: dict[str, Func] = {}
    ax = {} if axis is None else {"axis": axis}
    rolling = op.startswith("rolling_")
    if op in _NUMPY_REDUCE:
        calls["numpy"] = lambda f=getattr(np, op): f(x, **ax)
    elif axis is None and op == "quantile":
        calls["numpy"] = lambda: np.quantile(x, 0.5)
    elif axis is None and op == "mad":
        calls["numpy"] = lambda: _mad(np.median, x)
    bn = _optional("bottleneck")
    name = _BN_REDUCE.get(op) or (f"move_{op[8:]}" if rolling else None)
    if bn is not None and name and hasattr(bn, name):
        f = getattr(bn, name)
        calls["bottleneck"] = (lambda: f(x, window, **ax)) if rolling else (lambda: f(x, **ax))
    return calls


def _peer_calls(op: str, x: np.ndarray, window: int) -> dict[str, Func]:
    """Each installed peer's equivalent of ``op`` (NaN-free data: nan* = plain)."""
    if op in ("rolling_zscore", "rolling_robust_zscore", "rolling_cov", "rolling_corr") + _EWM:
        return _extended_peer_calls(op, x, window)
    calls = _array_peer_calls(op, x, window)
    w = window
    pd = _optional("pandas")
    if pd is not None:
        s = pd.Series(x)
        if op.startswith("rolling_"):
            kind = op[8:]
            if kind in ("var", "std"):
                calls["pandas"] = lambda: getattr(s.rolling(w), kind)(ddof=0)
            elif kind == "quantile":
                calls["pandas"] = lambda: s.rolling(w).quantile(0.5)
            elif kind == "mad":
                if x.size <= PANDAS_APPLY_MAX:
                    calls["pandas"] = lambda: s.rolling(w).apply(
                        lambda a: _mad(np.median, a), raw=True)
            else:
                calls["pandas"] = lambda: getattr(s.rolling(w), kind)()
        elif op in ("var", "std"):
            calls["pandas"] = lambda: getattr(s, op)(ddof=0)
        elif op == "quantile":
            calls["pandas"] = lambda: s.quantile(0.5)
        elif op == "mad":
            calls["pandas"] = lambda: _mad(lambda v: v.median(), s)
        else:
            calls["pandas"] = lambda: getattr(s, op)()
    pl = _optional("polars")
    if pl is not None:
        ps = pl.Series(x)
        if op.startswith("rolling_"):
            kind = op[8:]
            if kind in ("var", "std"):
                calls["polars"] = lambda: getattr(ps, op)(w, ddof=0)
            elif kind == "quantile":
                calls["polars"] = lambda: ps.rolling_quantile(0.5, "linear", w)
            elif kind != "mad":
                calls["polars"] = lambda: getattr(ps, op)(w)
        elif op in ("var", "std"):
            calls["polars"] = lambda: getattr(ps, op)(ddof=0)
        elif op == "quantile":
            calls["polars"] = lambda: ps.quantile(0.5, "linear")
        elif op == "mad":
            calls["polars"] = lambda: _mad(lambda v: v.median(), ps)
        else:
            calls["polars"] = lambda: getattr(ps, op)()
    if op == "rolling_median":
        ndimage = _optional("scipy.ndimage")
        if ndimage is not None:
            calls["scipy"] = lambda: ndimage.median_filter(x, size=w, mode="nearest")
    return calls


def best_ms(calls: dict[str, Func], iterations: int) -> dict[str, float]:
    """Best wall time in milliseconds of each call over ``iterations`` rounds.

    Rounds take one call of every library in turn, so that a slow spell of
    a noisy machine (another tenant, a frequency drop) hits all of them
    rather than the one being timed at the moment.
    """
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(iterations):
        for name, func in calls.items():
            t0 = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - t0)
    return {name: t * 1e3 for name, t in best.items()}


def run_bench(size: int = 1_000_000, iterations: int = 5, ops: Optional[Iterable[str]] = None,
              window: int = DEFAULT_WINDOW, seed: int = 0,
              progress: Optional[Callable[[str], None]] = None) -> list[BenchRow]:
    """Time every op (or ``ops``) in hpcs and each installed peer on one array.

    Examples
    --------
    >>> from hpcs._bench import run_bench
    >>> rows = run_bench(size=1000, iterations=1, ops=["sum"])
    >>> rows[0].op, rows[0].hpcs_ms > 0
    ('sum', True)
    """
    for arg, value in (("size", size), ("iterations", iterations), ("window", window)):
        if type(value) is not int or value < 1:
            raise ValueError(f"{arg}: expected an integer >= 1, got {value!r}")
    names = list(ops) if ops is not None else list(OPS)
    unknown = [name for name in names if name not in OPS and name not in SPECIAL]
    if unknown:
        raise ValueError(f"ops: unknown operations {unknown}; known: {sorted(OPS)}")
    x = np.random.default_rng(seed).standard_normal(size)
    rows = []
    for name in names:
        if progress:
            progress(f"bench {name}")
        rolling = name in _EWM or name in SPECIAL and SPECIAL[name].rolling or name in OPS and OPS[name].rolling
        times = best_ms({"hpcs": _hpcs_call(name, x, window), **_peer_calls(name, x, window)},
                        iterations)
        row = BenchRow(name, size, window if rolling else None, times.pop("hpcs"))
        row.peers_ms.update(times)
        rows.append(row)
    return rows


def format_time(ms: float) -> str:
    """A time with its unit: µs below a millisecond, so that small sizes never show 0.00."""
    return f"{ms:.2f} ms" if ms >= 1.0 else f"{ms * 1e3:.2f} µs"


def format_table(rows: list[BenchRow]) -> str:
    """A plain-text table: time per library and hpcs's speed-up over each.

    >>> print(format_table([BenchRow("sum", 100, None, 0.0004, {"numpy": 0.0021})]))
    ... # doctest: +NORMALIZE_WHITESPACE
    operation  hpcs  numpy  x
    ---...
    sum  0.40 µs  2.10 µs  5.2x
    x = peer time / hpcs time (above 1: hpcs is faster)
    """
    peers = [p for p in PEER_NAMES if any(p in r.peers_ms for r in rows)]
    head = f"{'operation':<24}{'hpcs':>12}" + "".join(f"{p:>13}{'x':>7}" for p in peers)
    lines = [head, "-" * len(head)]
    for r in rows:
        label = r.op + (f"(w={r.window})" if r.window else "")
        line = f"{label:<24}{format_time(r.hpcs_ms):>12}"
        for p in peers:
            if p in r.peers_ms:
                line += f"{format_time(r.peers_ms[p]):>13}{r.peers_ms[p] / r.hpcs_ms:>6.1f}x"
            else:
                line += f"{'-':>13}{'':>7}"
        lines.append(line)
    lines.append("x = peer time / hpcs time (above 1: hpcs is faster)")
    return "\n".join(lines)
