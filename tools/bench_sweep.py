"""Size sweep for tools/benchmarks.py: every operation at 10^3 .. 10^8 values.

Each size is one interleaved run (hpcs and every installed peer take turns,
round after round, on the same array), with windows 10, 100, 1 000 and
10 000 where the window is at most a tenth of n.  Besides the best time,
each hpcs call's peak extra memory is measured: the rise of the process's
peak resident set (``VmHWM``, reset through ``/proc/self/clear_refs``)
during one call, less the output it returns.

Peers too slow to time at a size (a call over ``--peer-budget`` seconds at
the size below) are left out there and marked ``skip``.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from hpcs._bench import _EWM, PEER_NAMES, _hpcs_call, _peer_calls, best_ms
from hpcs._ops import CORE, SPECIAL

#: Operations with a window (for ewm*: the span).
_WINDOWED = {name for name, op in CORE.items() if op.rolling} | set(_EWM) | {"rolling_cov", "rolling_corr"}
#: What the sweep times by default: every operation the bench engine can call.
DEFAULT_OPS = [*CORE, *(n for n in SPECIAL if n in _WINDOWED)]

SIZES = tuple(10**k for k in range(3, 9))
WINDOWS = (10, 100, 1_000, 10_000)


@dataclass
class SweepRow:
    op: str
    size: int
    window: Optional[int]
    hpcs_ms: float
    peers_ms: dict[str, float] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    extra_bytes: Optional[int] = None

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


def sweep(sizes: tuple[int, ...] = SIZES, iterations: int = 5, ops: Optional[list[str]] = None,
          peer_budget: float = 20.0, seed: int = 0,
          progress: Optional[Callable[[str], None]] = None) -> list[SweepRow]:
    """Time every op (rolling ops at every window <= n/10) at every size."""
    names = list(ops) if ops is not None else DEFAULT_OPS
    rows: list[SweepRow] = []
    too_slow: set[tuple[str, Optional[int], str]] = set()
    for size in sizes:
        x = np.random.default_rng(seed).standard_normal(size)
        # Fewer rounds where one call takes long; many where it is short.
        rounds = max(2, min(200, int(iterations * max(1, 1e6 // size) ** 0.5)))
        if size >= 10**8:
            rounds = max(2, iterations // 2)
        for name in names:
            windows = [w for w in WINDOWS if w <= size // 10] if name in _WINDOWED else [None]
            for window in windows:
                if progress:
                    progress(f"n={size:,} {name}" + (f" w={window}" if window else ""))
                peers = _peer_calls(name, x, window or 100)
                skipped = tuple(p for p in peers if (name, window, p) in too_slow)
                for p in skipped:
                    del peers[p]
                times = best_ms({"hpcs": _hpcs_call(name, x, window or 100), **peers}, rounds)
                row = SweepRow(name, size, window, times.pop("hpcs"), times, skipped)
                row.extra_bytes = peak_extra_bytes(_hpcs_call(name, x, window or 100))
                for p, ms in times.items():
                    if ms / 1e3 * 10 > peer_budget:      # ~10x more at the next size
                        too_slow.add((name, window, p))
                rows.append(row)
        del x
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


def render_sweep(rows: list[SweepRow]) -> list[str]:
    """One Markdown table per size."""
    lines: list[str] = []
    peers = [p for p in PEER_NAMES if any(p in r.peers_ms or p in r.skipped for r in rows)]
    for size in sorted({r.size for r in rows}):
        lines += [f"### n = {size:,}", ""]
        head = ["operation", "window", "hpcs ms", *[f"{p} ms" for p in peers],
                "hpcs / best", "extra memory"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in (r for r in rows if r.size == size):
            ratio = r.ratio
            cells = [r.op, str(r.window or ""), _fmt_ms(r.hpcs_ms),
                     *[("skip" if p in r.skipped else _fmt_ms(r.peers_ms.get(p))) for p in peers],
                     "" if ratio is None else (f"**{ratio:.2f}**" if ratio >= 1 else f"{ratio:.2f}"),
                     _fmt_bytes(r.extra_bytes)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
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
        if r.ratio is not None:
            series.setdefault(r.label, []).append((r.size, r.ratio))
    fig, ax = plt.subplots(figsize=(11, 7))
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
    ax.legend(fontsize=6, ncol=3, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True
