"""Throughput of hpcs calls from 1 and 2 Python threads: is the GIL released?

Each Python thread calls one operation in a loop on its own 1M-element
array for a fixed time, with the C library held to one thread per call
(``hpcs.set_num_threads(1)``), so any speed-up comes from Python threads
running kernels at the same time.  On two free cores, two threads should
give about 2x the calls per second of one.  Writes a Markdown table to
BENCHMARKS_THREADS.md (or ``--out``) and prints it.

    python tools/bench_threads.py [--seconds 1.0] [--size 1000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

import hpcs

CALLS: dict[str, Callable[[np.ndarray], object]] = {
    "sum": hpcs.sum,
    "var": hpcs.var,
    "median": hpcs.median,
    "rolling_mean w=100": lambda x: hpcs.rolling_mean(x, 100),
    "rolling_std w=100": lambda x: hpcs.rolling_std(x, 100),
    "rolling_median w=100": lambda x: hpcs.rolling_median(x, 100),
}


def calls_per_second(fn: Callable[[np.ndarray], object], nthreads: int, size: int,
                     seconds: float) -> float:
    """Total calls per second of ``nthreads`` Python threads calling ``fn`` until time is up."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(size) for _ in range(nthreads)]
    counts = [0] * nthreads
    start = threading.Barrier(nthreads + 1)
    stop = threading.Event()

    def worker(i: int) -> None:
        start.wait()
        while not stop.is_set():
            fn(arrays[i])
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--size", type=int, default=1_000_000, help="elements per array")
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS_THREADS.md"))
    args = parser.parse_args()

    hpcs.set_num_threads(1)  # one core per call: parallelism comes from Python threads
    rows = []
    for name, fn in CALLS.items():
        fn(np.ones(args.size))  # warm up
        one = calls_per_second(fn, 1, args.size, args.seconds)
        two = calls_per_second(fn, 2, args.size, args.seconds)
        rows.append(f"| {name} | {one:.1f} | {two:.1f} | {two / one:.2f}x |")
    cpu = hpcs.get_cpu_info()
    table = "\n".join([
        "# Python threads: throughput of 1 vs 2 threads",
        "",
        f"Command: `python tools/bench_threads.py --seconds {args.seconds} --size {args.size}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {cpu.get('model')}, {cpu.get('physical_cores')} physical cores, "
        f"{os.cpu_count()} logical; hpcs {hpcs.__version__}, {hpcs.simd_info()['isa']} clone, "
        f"1 C thread per call; Python {platform.python_version()}",
        "",
        f"Calls per second on {args.size:,}-element float64 arrays (each thread its own).",
        "",
        "| operation | 1 thread | 2 threads | speed-up |",
        "|---|---|---|---|",
        *rows,
        "",
    ])
    args.out.write_text(table)
    print(table)


if __name__ == "__main__":
    main()
