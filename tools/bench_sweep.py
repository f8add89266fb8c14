"""Size sweep for tools/benchmarks.py: every operation at 10^3 .. 10^8 values.

Each size is one interleaved run (hpcs and every installed peer take turns,
round after round, on the same array), with windows 10, 100, 1 000 and
10 000 where the window is at most a tenth of n.  Besides the best time,
each hpcs call's peak extra memory is measured: the rise of the process's
peak resident set (``VmHWM``, reset through ``/proc/self/clear_refs``)
during one call, less the output it returns.

The sweep's time is bounded by a per-call budget.  Every library's call is
timed once (a warm-up) before the rounds; a peer whose call takes longer
than ``peer_budget`` seconds is left out of the rounds at that size and
window and marked ``skip (>B s/call)``, and so are the calls its measured
times predict over budget at larger sizes and windows, without being run.
Predictions are linear in n (and in n * window for the peers that call
Python once per window).  The row's fastest peer gets the larger
``best_peer_budget``, so that a row keeps a comparison where one can be
had.  Rounds per size come from :data:`ROUNDS`, fewer where a round would
take longer than ``row_budget`` seconds.

A last section times many small series: one 10 000 x 100 array reduced
and rolled (window 10) along ``axis=1``, against NumPy's and bottleneck's
``axis=1`` calls.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import numpy as np

from hpcs._bench import _EWM, PEER_NAMES, _array_peer_calls, _hpcs_call, _peer_calls, best_ms
from hpcs._ops import CORE, SPECIAL

#: Operations with a window (for ewm*: the span).
_WINDOWED = {name for name, op in CORE.items() if op.rolling} | set(_EWM) | {"rolling_cov", "rolling_corr"}
#: What the sweep times by default: every operation the bench engine can call.
DEFAULT_OPS = [*CORE, *(n for n in SPECIAL if n in _WINDOWED)]

SIZES = tuple(10**k for k in range(3, 9))
WINDOWS = (10, 100, 1_000, 10_000)
#: Timed rounds per size: many where a call is short, few where it is long.
ROUNDS = {10**3: 100, 10**4: 30, 10**5: 10, 10**6: 5, 10**7: 3, 10**8: 3}
#: Seconds one peer call may take (the row's fastest peer: BEST_PEER_BUDGET).
PEER_BUDGET = 2.0
BEST_PEER_BUDGET = 20.0
#: Seconds of timed rounds per row; fewer rounds (at least 2) above it.
ROW_BUDGET = 10.0
#: Peers that call Python once per window (``rolling().apply``): time ~ n * window.
PER_WINDOW = {("rolling_mad", "pandas"), ("rolling_robust_zscore", "pandas")}
#: The many-small-series input, the window its rolling ops take, and its rounds.
SERIES_2D = (10_000, 100)
WINDOW_2D = 10
ROUNDS_2D = 10


def rounds_for(size: int, rounds: Optional[dict[int, int]] = None) -> int:
    """Timed rounds at ``size``: the entry of the nearest tabled size at or below it."""
    table = {**ROUNDS, **(rounds or {})}
    below = [s for s in table if s <= size]
    return table[max(below)] if below else table[min(table)]


def parse_rounds(spec: str) -> dict[int, int]:
    """``"20"`` (every size) or ``"1e7:4,1e8:2"`` (those sizes) -> {size: rounds}."""
    if ":" not in spec:
        return dict.fromkeys(ROUNDS, int(spec))
    pairs = (item.split(":") for item in spec.split(","))
    return {int(float(size)): int(count) for size, count in pairs}


@dataclass
class SweepRow:
    op: str
    size: int
    window: Optional[int]
    hpcs_ms: float
    peers_ms: dict[str, float] = field(default_factory=dict)
    #: Peer -> why it was not timed, e.g. ">2 s/call".
    skipped: dict[str, str] = field(default_factory=dict)
    extra_bytes: Optional[int] = None
    #: The input's shape when it is 2-D (reduced / rolled along axis=1).
    shape: Optional[tuple[int, ...]] = None

    @property
    def ratio(self) -> Optional[float]:
        """hpcs time / best peer time (below 1: hpcs is faster)."""
        return self.hpcs_ms / min(self.peers_ms.values()) if self.peers_ms else None

    @property
    def label(self) -> str:
        return self.op + (f" w={self.window}" if self.window else "")


def _status_kb(field_name: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_extra_bytes(func: Callable[[], Any]) -> Optional[int]:
    """Peak resident memory one call adds beyond what it returns (None off Linux)."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")           # resets VmHWM to the current RSS
    except OSError:
        return None
    before = _status_kb("VmRSS")
    result = func()
    peak = _status_kb("VmHWM")
    if before is None or peak is None:
        return None
    kept = result.nbytes if isinstance(result, np.ndarray) else 0
    return max(0, (peak - before) * 1024 - kept)


class CostModel:
    """Seconds per call seen so far, to predict calls at larger sizes and windows.

    A prediction scales the times measured at the largest size seen at or
    below n (smaller sizes carry per-call overhead that does not scale)
    linearly in n, and in the window for :data:`PER_WINDOW` peers; of the
    windows at or below the one asked, it takes the slowest.
    """

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], dict[tuple[int, int], float]] = {}

    def record(self, op: str, lib: str, size: int, window: Optional[int], seconds: float) -> None:
        self.seen.setdefault((op, lib), {})[(size, window or 1)] = seconds

    def expected(self, op: str, size: int, window: Optional[int]) -> dict[str, float]:
        """Every library's (and "setup"'s) predicted seconds for one call of a row."""
        libs = [lib for (o, lib) in self.seen if o == op]
        predictions = {lib: self.predict(op, lib, size, window) for lib in libs}
        return {lib: t for lib, t in predictions.items() if t is not None}

    def predict(self, op: str, lib: str, size: int, window: Optional[int]) -> Optional[float]:
        w = window or 1
        points = [(n, v) for (n, v) in self.seen.get((op, lib), {}) if n <= size and v <= w]
        if not points:
            return None
        largest = max(n for n, _ in points)
        per_window = (op, lib) in PER_WINDOW
        return max(self.seen[(op, lib)][(n, v)] * size / n * (w / v if per_window else 1.0)
                   for n, v in points if n == largest)


@dataclass
class Budget:
    """The sweep's limits (seconds): see the module docstring."""

    peer: float = PEER_BUDGET
    best_peer: float = BEST_PEER_BUDGET
    row: float = ROW_BUDGET
    rounds: Optional[dict[int, int]] = None

    def limits(self, op: str, expected: dict[str, float]) -> dict[str, float]:
        """Each peer's per-call limit, given its expected call time: the
        fastest vectorised peer's is ``best_peer``, the others' ``peer``."""
        vectorised = [p for p in expected if (op, p) not in PER_WINDOW]
        fastest = min(vectorised, key=expected.__getitem__) if vectorised else None
        return {p: self.best_peer if p == fastest else self.peer for p in expected}

    def rounds_at(self, size: int, round_seconds: float) -> int:
        most = rounds_for(size, self.rounds)
        if round_seconds <= 0:
            return most
        return max(min(2, most), min(most, int(self.row / round_seconds)))


def _skip_reason(limit: float) -> str:
    return f">{limit:g} s/call"


def _seconds(call: Callable[[], Any]) -> float:
    """Wall time of one call (a warm-up)."""
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def time_row(op: str, size: int, window: Optional[int], calls: dict[str, Callable[[], Any]],
             budget: Budget, model: CostModel) -> SweepRow:
    """One row: warm up each call, drop the peers over budget, time the rest in rounds.

    ``calls`` holds "hpcs" and the peers.  A peer that ``model`` expects over
    its limit is not called at all (and is marked skipped even where it has
    no call at this size, as pandas' ``rolling().apply`` above
    ``PANDAS_APPLY_MAX``).  Every call's time goes into ``model``.
    """
    expected = model.expected(op, size, window)
    expected.pop("hpcs", None)
    expected.pop("setup", None)
    limits = budget.limits(op, expected)
    skipped = {p: _skip_reason(limits[p]) for p, t in expected.items() if t > limits[p]}
    peers = [p for p in calls if p != "hpcs"]
    warm: dict[str, float] = {}
    for name in ("hpcs", *(p for p in peers if p not in skipped)):
        warm[name] = _seconds(calls[name])
    # The fastest peer is known for sure only now.  If the peer predicted
    # fastest was slower than predicted, the new fastest may be one that was
    # skipped on the small budget: warm it up too, so the row keeps a peer.
    known = {**expected, **{p: warm[p] for p in peers if p in warm}}
    limits = budget.limits(op, known)
    for p in sorted((p for p in peers if p in skipped and p not in warm), key=known.get):
        if known[p] <= limits[p]:
            del skipped[p]
            warm[p] = known[p] = _seconds(calls[p])
            limits = budget.limits(op, known)
    for p in peers:
        if p in warm and warm[p] > limits[p]:
            skipped[p] = _skip_reason(limits[p])
            model.record(op, p, size, window, warm[p])
    timed = {name: calls[name] for name in calls if name not in skipped}
    times = best_ms(timed, budget.rounds_at(size, sum(warm[name] for name in timed)))
    for name, ms in times.items():
        model.record(op, name, size, window, ms / 1e3)
    row = SweepRow(op, size, window, times.pop("hpcs"), times, skipped)
    row.extra_bytes = peak_extra_bytes(calls["hpcs"])
    return row


def _windows(name: str, size: int) -> list[Optional[int]]:
    return [w for w in WINDOWS if w <= size // 10] if name in _WINDOWED else [None]


def predict_row_seconds(op: str, size: int, window: Optional[int], model: CostModel,
                        budget: Budget) -> float:
    """Expected wall time of one sweep row (0 for the parts not yet seen)."""
    expected = model.expected(op, size, window)
    hpcs_s = expected.pop("hpcs", 0.0)
    setup_s = expected.pop("setup", 0.0)
    limits = budget.limits(op, expected)
    per_round = hpcs_s + sum(t for p, t in expected.items() if t <= limits[p])
    # warm-up and rounds, then one more hpcs call for its memory
    return setup_s + per_round * (1 + budget.rounds_at(size, per_round)) + hpcs_s


def predict_seconds(todo: Iterable[tuple[str, int]], model: CostModel, budget: Budget) -> float:
    """Expected wall time of the (op, size) pairs still to do."""
    return sum(predict_row_seconds(op, size, w, model, budget)
               for op, size in todo for w in _windows(op, size))


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def sweep(sizes: tuple[int, ...] = SIZES, ops: Optional[list[str]] = None,
          budget: Optional[Budget] = None, seed: int = 0, series_2d: bool = True,
          progress: Optional[Callable[[str], None]] = None,
          model: Optional[CostModel] = None) -> list[SweepRow]:
    """Time every op (rolling ops at every window <= n/10) at every size, then
    the many-small-series rows (``series_2d``)."""
    names = list(ops) if ops is not None else DEFAULT_OPS
    budget = budget or Budget()
    model = model if model is not None else CostModel()
    rows: list[SweepRow] = []
    todo = [(name, size) for size in sizes for name in names]
    start = time.perf_counter()
    for i, (name, size) in enumerate(todo):
        if i == 0 or todo[i - 1][1] != size:
            x = np.random.default_rng(seed).standard_normal(size)
        t_op = time.perf_counter()
        for window in _windows(name, size):
            t0 = time.perf_counter()
            peers = _peer_calls(name, x, window or 100)
            calls = {"hpcs": _hpcs_call(name, x, window or 100), **peers}
            model.record(name, "setup", size, window, time.perf_counter() - t0)
            rows.append(time_row(name, size, window, calls, budget, model))
        if progress:
            now = time.perf_counter()
            left = predict_seconds(todo[i + 1:], model, budget)
            skips = "; ".join(f"{r.label}: " + ", ".join(f"{p} {w}" for p, w in r.skipped.items())
                              for r in rows[-len(_windows(name, size)):] if r.skipped)
            progress(f"[{_clock(now - start)} elapsed, ~{_clock(left)} left] n={size:,} {name}: "
                     f"{now - t_op:.1f} s" + (f" (skip {skips})" if skips else ""))
    if series_2d:
        rows += sweep_2d(names, seed, progress)
    return rows


def sweep_2d(ops: Optional[list[str]] = None, seed: int = 0,
             progress: Optional[Callable[[str], None]] = None, rounds: int = ROUNDS_2D,
             shape: tuple[int, int] = SERIES_2D) -> list[SweepRow]:
    """Many small series: each op bottleneck has, along axis=1 of a 10 000 x 100 array."""
    x = np.random.default_rng(seed).standard_normal(shape)
    rows = []
    for name in ops if ops is not None else DEFAULT_OPS:
        window = WINDOW_2D if name in _WINDOWED else None
        peers = _array_peer_calls(name, x, WINDOW_2D, axis=1) if name in CORE else {}
        if "bottleneck" not in peers:
            continue
        if progress:
            progress(f"{shape[0]:,} x {shape[1]:,} axis=1 {name}")
        calls = {"hpcs": _hpcs_call(name, x, WINDOW_2D, axis=1), **peers}
        times = best_ms(calls, rounds)
        row = SweepRow(name, x.size, window, times.pop("hpcs"), times, shape=x.shape)
        row.extra_bytes = peak_extra_bytes(calls["hpcs"])
        rows.append(row)
    return rows


def _fmt_ms(ms: Optional[float]) -> str:
    if ms is None:
        return ""
    if ms < 0.01:
        return f"{ms * 1e3:.2f} µs"
    return f"{ms:.3g}" if ms < 10 else f"{ms:.1f}"


def _fmt_bytes(b: Optional[int]) -> str:
    if b is None:
        return ""
    if b < 1024 * 1024:
        return f"{b / 1024:.0f} KB"
    return f"{b / 1024 / 1024:.1f} MB"


def _table(rows: list[SweepRow]) -> list[str]:
    peers = [p for p in PEER_NAMES if any(p in r.peers_ms or p in r.skipped for r in rows)]
    head = ["operation", "window", "hpcs ms", *[f"{p} ms" for p in peers],
            "hpcs / best", "extra memory"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ratio = r.ratio
        cells = [r.op, str(r.window or ""), _fmt_ms(r.hpcs_ms),
                 *[(f"skip ({r.skipped[p]})" if p in r.skipped else _fmt_ms(r.peers_ms.get(p)))
                   for p in peers],
                 "" if ratio is None else (f"**{ratio:.2f}**" if ratio >= 1 else f"{ratio:.2f}"),
                 _fmt_bytes(r.extra_bytes)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def render_sweep(rows: list[SweepRow]) -> list[str]:
    """One Markdown table per size, then one of the 2-D (many small series) rows."""
    lines: list[str] = []
    flat = [r for r in rows if r.shape is None]
    for size in sorted({r.size for r in flat}):
        lines += [f"### n = {size:,}", "", *_table([r for r in flat if r.size == size])]
    for shape in sorted({r.shape for r in rows if r.shape is not None}):
        series, length = (f"{k:,}".replace(",", " ") for k in shape)
        lines += [f"### {series} series × {length} values, axis=1", "",
                  *_table([r for r in rows if r.shape == shape])]
    return lines


def chart_sweep(rows: list[SweepRow], path: Path) -> bool:
    """hpcs / best peer against size, one line per operation (and window)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    series: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        if r.ratio is not None and r.shape is None:
            series.setdefault(r.label, []).append((r.size, r.ratio))
    fig, ax = plt.subplots(figsize=(14, 7))
    cmap = plt.get_cmap("tab20")
    for i, (label, pts) in enumerate(sorted(series.items())):
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, lw=1,
                color=cmap(i % 20), ls=("-", "--", ":")[i // 20 % 3], label=label)
    ax.axhline(1.0, color="black", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (values)")
    ax.set_ylabel("hpcs time / best peer time (below 1: hpcs is faster)")
    ax.set_title("hpcs against the best of NumPy, bottleneck, pandas, polars, scipy, numbagg")
    ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True
