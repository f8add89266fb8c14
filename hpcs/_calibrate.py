"""Measure this machine: from which input size threads pay, per family.

For each operation family, time a representative operation at growing
sizes with one thread and with every thread (bit-identical results either
way), in interleaved rounds (serial, threaded, serial, threaded, ...) so
that a change of machine load hits both alike, and keep the smallest size
from which the threaded run is clearly faster in most rounds.  The
thresholds are written to the config file, read at import, and used by the
C kernels (``hpcs.plan_threads`` shows the effect).

Other work on the machine makes threads look useless (they wait for a
core), and a "never" measured then would stay in force on a quiet machine.
So each family's measurement is watched through ``/proc/stat``: if other
processes used more than a tenth of the CPUs meanwhile, the family keeps the
threshold it had before (the config file's, or the default) and calibrate
warns.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from typing import Any, Callable, Optional

import numpy as np

from hpcs import _config, _reduce, _rolling, _threads

#: family -> (label, function of an input array); 2-D inputs split by rows.
_PROBES: dict[str, tuple[str, Callable[[np.ndarray], Any], bool]] = {
    "reduce": ("sum", _reduce.sum, False),
    "select": ("median by rows", lambda a: _reduce.median(a, axis=1), True),
    "rolling": ("rolling_mean(w=64) by rows", lambda a: _rolling.rolling_mean(a, 64), True),
    "rolling_order": ("rolling_median(w=64) by rows", lambda a: _rolling.rolling_median(a, 64),
                      True),
}
NEVER = 2**62  # threshold meaning "threads never pay here"
_GAIN = 1.15   # threaded must be this much faster to count
#: Share of all CPUs' time that other processes may use during a family's
#: measurement before it is not trusted.
BUSY_SHARE = 0.10


def describe_threshold(value: int) -> str:
    """A threshold for people: ``never`` for :data:`NEVER` and above, else the size.

    >>> describe_threshold(2**62), describe_threshold(1048576)
    ('never', '1,048,576')
    """
    return "never" if value >= NEVER else f"{value:,}"


def read_cpu_times() -> Optional[tuple[int, int]]:
    """(busy, total) jiffies of all CPUs from ``/proc/stat``; None where it is not readable."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if len(fields) < 5 or fields[0] != b"cpu":
        return None
    # user nice system idle iowait irq softirq steal (guest is inside user).
    values = [int(v) for v in fields[1:9]]
    idle = sum(values[3:5])
    return sum(values) - idle, sum(values)


def _own_jiffies() -> float:
    t = os.times()
    return (t.user + t.system) * os.sysconf("SC_CLK_TCK")


class _LoadWatch:
    """CPU time used by other processes between start() and share()."""

    def __init__(self, reader: Callable[[], Optional[tuple[int, int]]]) -> None:
        self.reader = reader
        self.start()

    def start(self) -> None:
        self.before = self.reader()
        self.own = _own_jiffies()

    def share(self) -> Optional[float]:
        """Others' busy jiffies over all jiffies since start(); None if unknown."""
        after = self.reader()
        if self.before is None or after is None:
            return None
        busy = after[0] - self.before[0] - (_own_jiffies() - self.own)
        total = after[1] - self.before[1]
        return max(busy, 0.0) / total if total > 0 else None


def _plan(quick: bool) -> tuple[list[int], int, float]:
    """Sizes measured, rounds per size, seconds of repeats per timing."""
    if quick:
        return [2**k for k in range(14, 23, 2)], 3, 0.01
    return [2**k for k in range(14, 23)], 5, 0.08


def _best_time(func: Callable[[], Any], budget_s: float) -> float:
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 2 or (spent < budget_s and runs < 30):
        t0 = time.perf_counter()
        func()
        dt = time.perf_counter() - t0
        best, spent, runs = min(best, dt), spent + dt, runs + 1
    return best


def _input(size: int, by_rows: bool, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(size)
    return x.reshape(-1, 1024) if by_rows else x


def _measure(probe: Callable[[np.ndarray], Any], x: np.ndarray, threads: int, rounds: int,
             budget: float) -> dict[str, float]:
    """Serial and threaded timings in interleaved rounds; the median of the paired ratios."""
    serial, threaded = [], []
    for _ in range(rounds):
        _threads.set_num_threads(1)
        serial.append(_best_time(lambda: probe(x), budget))
        _threads.set_num_threads(threads)
        threaded.append(_best_time(lambda: probe(x), budget))
    ratios = [s / t for s, t in zip(serial, threaded) if t > 0]
    return {"serial_ms": min(serial) * 1e3, "threaded_ms": min(threaded) * 1e3,
            "speedup": statistics.median(ratios) if ratios else 0.0}


def calibrate(quick: bool = False, progress: Optional[Callable[[str], None]] = None,
              write: bool = True) -> dict[str, Any]:
    """Measure the thread thresholds of this machine and (by default) save them.

    ``quick`` measures fewer sizes (under 10 s; the full run is under 60 s).
    Returns what was measured: per family the threshold and the timings.
    A family measured while other processes kept the CPUs busy keeps its
    previous threshold (``kept_busy`` in the result lists those families)
    and a RuntimeWarning says so.

    Examples
    --------
    >>> import hpcs
    >>> result = hpcs.calibrate(quick=True, write=False)  # doctest: +SKIP
    >>> sorted(result["thresholds"])  # doctest: +SKIP
    ['reduce', 'rolling', 'rolling_order', 'select']
    """
    rng = np.random.default_rng(0)
    threads = _threads.get_num_threads()
    sizes, rounds, budget = _plan(quick)
    old = _threads.get_thresholds()
    results: dict[str, Any] = {"threads": threads, "rounds": rounds, "families": {}}
    thresholds: dict[str, int] = {}
    busy: list[str] = []
    watch = _LoadWatch(read_cpu_times)
    try:
        _threads.set_thresholds({name: 1 for name in _threads.FAMILIES})  # always threaded
        for family, (label, probe, by_rows) in _PROBES.items():
            rows = []
            found = NEVER
            watch.start()
            for size in sizes:
                if progress:
                    progress(f"calibrate {family:<13} {label:<30} n={size:>9,}")
                timing = _measure(probe, _input(size, by_rows, rng), threads, rounds, budget)
                rows.append({"n": size, **timing})
                if threads > 1 and timing["speedup"] > _GAIN and found == NEVER:
                    found = size
            others = watch.share()
            record = {"probe": label, "measured": found, "others_cpu_share": others,
                      "timings": rows}
            if others is not None and others > BUSY_SHARE:
                busy.append(family)
                found = old[family]
            thresholds[family] = record["threshold"] = found
            results["families"][family] = record
    finally:
        _threads.set_num_threads(0)
        _threads.set_thresholds(old)
    if busy:
        warnings.warn(
            f"hpcs calibrate: other processes used more than {BUSY_SHARE:.0%} of the CPUs "
            f"while {', '.join(busy)} {'was' if len(busy) == 1 else 'were'} measured; "
            "kept the previous thresholds there (run it again on a quiet machine)",
            RuntimeWarning, stacklevel=2)
    _threads.set_thresholds(thresholds)
    results["thresholds"] = thresholds
    results["kept_busy"] = busy
    if write:
        results["path"] = str(_config.write_config(
            {"thresholds": thresholds, "calibration": {"quick": quick, **results}}))
    return results
