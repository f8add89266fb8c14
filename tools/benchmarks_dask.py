"""Dask benchmark: hpcs.dask on a LocalCluster against dask's own and in-memory hpcs.

A float64 series of ``--n`` values (10^8 = 800 MB by default) in chunks of
``--chunk`` (10^7), on a LocalCluster of ``--workers`` processes.  Timed,
best of ``--rounds``, on data already held by the workers (persisted):

- ``hpcs.dask.rolling_mean`` / ``rolling_median`` / ``median``;
- ``dask.array`` (``da.median`` has no chunked median: ``da.percentile`` is
  approximate and is timed as the nearest peer) and ``dask.dataframe``
  ``Series.rolling(w).mean()/.median()`` and ``Series.median()``;
- the in-memory hpcs call on the whole series in this process.

Each hpcs.dask result is checked bit for bit against the in-memory call.
``--write FILE`` appends the table, with the command and machine, to FILE
(e.g. BENCHMARKS.md).

    python tools/benchmarks_dask.py --n 100000000 --chunk 10000000 --write BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from typing import Any, Callable, List, Optional

import numpy as np


def _best(fn: Callable[[], Any], rounds: int) -> tuple:
    best, result = float("inf"), None
    for _ in range(rounds):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10**8)
    p.add_argument("--chunk", type=int, default=10**7)
    p.add_argument("--window", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads-per-worker", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--write", metavar="FILE")
    args = p.parse_args(argv)

    import dask.array as da
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    import hpcs
    import hpcs.dask as hd

    n, chunk, w = args.n, args.chunk, args.window
    rows = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=args.threads_per_worker,
                      processes=True, dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster) as client:
        # A random walk made on the workers; the client holds a copy for the
        # in-memory call.
        dx = da.random.default_rng(0).normal(size=n, chunks=chunk).cumsum(axis=0).persist()
        x = client.compute(dx).result()
        ds = dd.from_dask_array(dx).persist()

        def run(collection: Any) -> Any:
            return client.compute(collection).result()

        def on_workers(make: Callable[[], Any]) -> Callable[[], Any]:
            """Compute on the workers and reduce the result there (what a
            pipeline does with it next): no 800 MB sent to the client, and
            no result kept from one round to the next."""
            def go() -> Any:
                result = make()
                return run(result.sum() if getattr(result, "ndim", 0) else result)
            return go

        cases = [
            ("rolling_mean", lambda: hd.rolling_mean(dx, w), lambda: hpcs.rolling_mean(x, w),
             [("dask.dataframe rolling().mean()", on_workers(lambda: ds.rolling(w).mean()))]),
            ("rolling_median", lambda: hd.rolling_median(dx, w),
             lambda: hpcs.rolling_median(x, w),
             [("dask.dataframe rolling().median()",
               on_workers(lambda: ds.rolling(w).median()))]),
            ("median", lambda: hd.median(dx), lambda: hpcs.median(x),
             [("dask.array percentile(50) (approximate)",
               on_workers(lambda: da.percentile(dx, 50))),
              ("dask.dataframe median_approximate()",
               on_workers(lambda: ds.median_approximate()))]),
        ]
        for name, lazy, memory, peers in cases:
            t_dask = _best(on_workers(lazy), args.rounds)[0]
            got = run(lazy())
            t_mem, want = _best(memory, args.rounds)
            same = np.array_equal(np.asarray(got, np.float64).view(np.uint64),
                                  np.asarray(want, np.float64).view(np.uint64))
            peer_times = []
            for label, fn in peers:
                try:
                    peer_times.append((label, _best(fn, args.rounds)[0]))
                except Exception as exc:  # a peer missing in this dask version
                    peer_times.append((label + f" ({type(exc).__name__})", float("nan")))
            rows.append((name, t_dask, t_mem, peer_times, same))

    lines = [
        f"## Dask ({n:,} float64 values, chunks of {chunk:,}, window {w})",
        "",
        f"Command: `python tools/benchmarks_dask.py {' '.join(argv or sys.argv[1:])}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical "
        f"cores; LocalCluster of {args.workers} worker processes x "
        f"{args.threads_per_worker} thread; best of {args.rounds}, seconds; input persisted on the workers, a "
        "series output summed there (the time to compute it, not to send 800 MB to the "
        "client); the in-memory hpcs call runs in the client process.",
        "",
        "| operation | hpcs.dask | in-memory hpcs | peer | peer time | bit-identical |",
        "|---|---|---|---|---|---|",
    ]
    for name, t_dask, t_mem, peers, same in rows:
        for i, (label, t) in enumerate(peers):
            head = f"| {name} | {t_dask:.2f} | {t_mem:.2f} |" if i == 0 else "| | | |"
            lines.append(f"{head} {label} | {t:.2f} | {'yes' if same else 'NO'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
