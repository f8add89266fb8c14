"""Measure this machine: from which input size threads pay, per family.

For each operation family, time a representative operation at growing
sizes with one thread and with every thread (bit-identical results either
way) and keep the smallest size from which the threaded run is clearly
faster.  The thresholds are written to the config file, read at import,
and used by the C kernels (``hpcs.plan_threads`` shows the effect).
"""

from __future__ import annotations

import time
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


def _best_time(func: Callable[[], Any], budget_s: float) -> float:
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 3 or (spent < budget_s and runs < 50):
        t0 = time.perf_counter()
        func()
        dt = time.perf_counter() - t0
        best, spent, runs = min(best, dt), spent + dt, runs + 1
    return best


def _input(size: int, by_rows: bool, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(size)
    return x.reshape(-1, 1024) if by_rows else x


def calibrate(quick: bool = False, progress: Optional[Callable[[str], None]] = None,
              write: bool = True) -> dict[str, Any]:
    """Measure the thread thresholds of this machine and (by default) save them.

    ``quick`` measures fewer sizes (under 10 s; the full run is under 60 s).
    Returns what was measured: per family the threshold and the timings.

    Examples
    --------
    >>> import hpcs
    >>> result = hpcs.calibrate(quick=True, write=False)  # doctest: +SKIP
    >>> sorted(result["thresholds"])  # doctest: +SKIP
    ['reduce', 'rolling', 'rolling_order', 'select']
    """
    rng = np.random.default_rng(0)
    threads = _threads.get_num_threads()
    sizes = [2**k for k in range(14, 23, 2 if quick else 1)]
    budget = 0.02 if quick else 0.4  # seconds of repeats per measurement
    old = _threads.get_thresholds()
    results: dict[str, Any] = {"threads": threads, "families": {}}
    thresholds: dict[str, int] = {}
    try:
        _threads.set_thresholds({name: 1 for name in _threads.FAMILIES})  # always threaded
        for family, (label, probe, by_rows) in _PROBES.items():
            rows = []
            found = NEVER
            for size in sizes:
                if progress:
                    progress(f"calibrate {family:<13} {label:<30} n={size:>9,}")
                x = _input(size, by_rows, rng)
                _threads.set_num_threads(1)
                serial = _best_time(lambda: probe(x), budget)
                _threads.set_num_threads(threads)
                parallel = _best_time(lambda: probe(x), budget)
                rows.append({"n": size, "serial_ms": serial * 1e3, "threaded_ms": parallel * 1e3})
                if threads > 1 and serial > _GAIN * parallel and found == NEVER:
                    found = size
            thresholds[family] = found
            results["families"][family] = {"probe": label, "threshold": found, "timings": rows}
    finally:
        _threads.set_num_threads(0)
        _threads.set_thresholds(old)
    _threads.set_thresholds(thresholds)
    results["thresholds"] = thresholds
    if write:
        results["path"] = str(_config.write_config(
            {"thresholds": thresholds, "calibration": {"quick": quick, **results}}))
    return results
