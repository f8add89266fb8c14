"""Side-by-side benchmark of every hpcs operation against its peers, in one run.

    python tools/benchmarks.py [--size 10000000] [--iterations 5] [--quick]

Times hpcs, NumPy, bottleneck, pandas, polars (and scipy's median filter)
on the same data, at --size elements with windows 10, 100 and 10 000, and
at 100 and 10 000 elements (per-call overhead), and rolling_mad against
pandas' rolling().apply at 100 000.  A C probe measures the
memory floor (read 10M doubles on 1 and 2 threads; read + write into a
fresh and into a preallocated array).  Writes BENCHMARKS.md (the table,
machine, command, date) and benchmarks.png (speed-up chart) at the
repository root; the §4 operations (transforms, EWM, rolling co-moments
and z-scores, groups) go to their own section, "Extended API".  Other
sections of BENCHMARKS.md (Dask, the size sweep) are kept.  Needs the
bench extras: pip install '.[bench]'.

    python tools/benchmarks.py --extended [--size 10000000] [--iterations 5]

times only the §4 operations and replaces the "Extended API" section.

    python tools/benchmarks.py --sweep [--sizes 1e3,1e4,1e5,1e6,1e7,1e8]
        [--rounds 1e7:3,1e8:3] [--peer-budget 2] [--best-peer-budget 20]

times every operation at each size instead (tools/bench_sweep.py: windows
10 to 10 000 up to n/10, every installed peer including numbagg, each
call's peak extra memory; a peer whose call takes over the budget is
skipped at that size and above), then 10 000 series of 100 values along
axis=1 against NumPy and bottleneck, and replaces the "Size sweep" section
of BENCHMARKS.md, with its chart benchmarks_sweep.png (hpcs / best peer
against size, one line per operation).  Progress and an estimate of the
time left go to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import hpcs
from bench_sweep import BEST_PEER_BUDGET, PEER_BUDGET, ROUNDS, ROW_BUDGET
from hpcs._bench import PANDAS_APPLY_MAX, PEER_NAMES, BenchRow, run_bench
from hpcs._ops import CORE as OPS  # §4 transforms/groups: transform_group_rows
from hpcs._ops import SPECIAL

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = (10, 100, 10_000)
SMALL_SIZES = (100, 10_000)


def floor_probe(size: int) -> Optional[dict]:
    """Compile and run tools/floor_probe.c; None without a C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(tmp) / "floor_probe"
        subprocess.run([cc, "-O3", "-march=native", "-pthread", str(ROOT / "tools/floor_probe.c"),
                        "-o", str(exe)], check=True)
        return json.loads(subprocess.run([str(exe), str(size)], check=True,
                                         capture_output=True, text=True).stdout)


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


#: The §4 rolling operations, timed per window (ewm*: span = window) in the
#: "Extended API" section; rolling_robust_zscore's pandas peer is
#: rolling().apply, timed at PANDAS_APPLY_MAX like rolling_mad's.
EXTENDED_ROLLING = ("rolling_zscore", "rolling_robust_zscore", "rolling_cov", "rolling_corr",
                    "ewma", "ewmvar", "ewmstd")
EXTENDED_HEAD = "## Extended API"
SWEEP_HEAD = "## Size sweep"


def collect(size: int, iterations: int, quick: bool,
            only: Optional[list[str]] = None) -> list[BenchRow]:
    """The main table's rows: the §2/§3 operations (``only``: these)."""
    def keep(names: list[str]) -> list[str]:
        return [n for n in names if only is None or n in only]

    core = [name for name in OPS if name not in EXTENDED_ROLLING]
    reductions = keep([name for name in core if not OPS[name].rolling])
    rolling = keep([name for name in core if OPS[name].rolling])
    rows = run_bench(size, iterations, reductions, progress=progress) if reductions else []
    for window in WINDOWS[1:2] if quick else WINDOWS:
        if rolling:
            rows += run_bench(size, iterations, rolling, window=window, progress=progress)
    if only is None:
        for small in SMALL_SIZES:
            rows += run_bench(small, max(iterations, 200 if small == 100 else 20), core,
                              window=10, progress=progress)
    # rolling_mad against pandas' rolling().apply, which is too slow for
    # --size (a Python call per window): on the largest size it is timed at.
    apply_rows = keep(["rolling_mad"])
    for window in WINDOWS[:2] if apply_rows else ():
        rows += run_bench(PANDAS_APPLY_MAX, min(iterations, 3), apply_rows, window=window,
                          progress=progress)
    return rows


def collect_extended(size: int, iterations: int, quick: bool) -> list[BenchRow]:
    """The "Extended API" section's rows: the §4 rolling operations per
    window, then the transforms, scans, robust means and groups."""
    rolling = [n for n in EXTENDED_ROLLING if n in OPS or n in SPECIAL]
    rows = []
    for window in WINDOWS[1:2] if quick else WINDOWS:
        rows += run_bench(size, iterations, rolling, window=window, progress=progress)
    for window in WINDOWS[:2]:
        rows += run_bench(PANDAS_APPLY_MAX, min(iterations, 3), ["rolling_robust_zscore"],
                          window=window, progress=progress)
    return rows + transform_group_rows(size, iterations)


def transform_group_rows(size: int, iterations: int) -> list[BenchRow]:
    """§4 transforms, cumulative scans, robust means and group reductions
    against what users write today (NumPy expressions, pandas, polars,
    scipy, numbagg, bottleneck), on one float64 array of ``size``."""
    import bottleneck
    import numbagg
    import numpy as np
    import pandas as pd
    import polars as pl
    import scipy.stats
    from scipy.stats import mstats

    from hpcs._bench import best_ms

    rng = np.random.default_rng(0)
    x = rng.standard_normal(size)
    holes = x.copy()
    holes[rng.random(size) < 0.3] = np.nan  # fills: 30% NaN
    codes = rng.integers(0, 1000, size)      # groups: 1 000 groups
    s, sh = pd.Series(x), pd.Series(holes)
    ps, psh = pl.Series(x), pl.Series(holes, nan_to_null=True)
    frame = pl.DataFrame({"x": x, "g": codes})

    def robust_numpy() -> object:
        med = np.median(x)
        return (x - med) / (1.482602218505602 * np.median(np.abs(x - med)))

    def group(op: str, pandas_op: str, polars_expr: object, numbagg_fn: object) -> dict:
        return {
            "hpcs": lambda: getattr(hpcs, f"group_{op}")(x, codes, ngroups=1000),
            "pandas": lambda: getattr(s.groupby(codes), pandas_op)(),
            "polars": lambda: frame.group_by("g").agg(polars_expr),
            "numbagg": lambda: numbagg_fn(x, codes, num_labels=1000),
        }

    cases: dict[str, dict] = {
        "zscore": {"hpcs": lambda: hpcs.zscore(x),
                   "numpy": lambda: (x - x.mean()) / x.std(),
                   "pandas": lambda: (s - s.mean()) / s.std(ddof=0),
                   "polars": lambda: (ps - ps.mean()) / ps.std(ddof=0)},
        "robust_zscore": {"hpcs": lambda: hpcs.robust_zscore(x), "numpy": robust_numpy},
        "normalize_minmax": {"hpcs": lambda: hpcs.normalize_minmax(x),
                             "numpy": lambda: (x - x.min()) / (x.max() - x.min()),
                             "polars": lambda: (ps - ps.min()) / (ps.max() - ps.min())},
        "clip": {"hpcs": lambda: hpcs.clip(x, -1.0, 1.0), "numpy": lambda: np.clip(x, -1.0, 1.0),
                 "pandas": lambda: s.clip(-1.0, 1.0), "polars": lambda: ps.clip(-1.0, 1.0)},
        "diff": {"hpcs": lambda: hpcs.diff(x), "numpy": lambda: np.diff(x),
                 "pandas": lambda: s.diff(), "polars": lambda: ps.diff()},
        "cummin": {"hpcs": lambda: hpcs.cummin(x), "numpy": lambda: np.minimum.accumulate(x),
                   "pandas": lambda: s.cummin(), "polars": lambda: ps.cum_min()},
        "cummax": {"hpcs": lambda: hpcs.cummax(x), "numpy": lambda: np.maximum.accumulate(x),
                   "pandas": lambda: s.cummax(), "polars": lambda: ps.cum_max()},
        "ffill": {"hpcs": lambda: hpcs.ffill(holes), "bottleneck": lambda: bottleneck.push(holes),
                  "pandas": lambda: sh.ffill(), "polars": lambda: psh.forward_fill(),
                  "numbagg": lambda: numbagg.ffill(holes)},
        "bfill": {"hpcs": lambda: hpcs.bfill(holes), "pandas": lambda: sh.bfill(),
                  "polars": lambda: psh.backward_fill(), "numbagg": lambda: numbagg.bfill(holes)},
        "trimmed_mean": {"hpcs": lambda: hpcs.trimmed_mean(x, 0.1),
                         "scipy": lambda: scipy.stats.trim_mean(x, 0.1)},
        "winsorized_mean": {"hpcs": lambda: hpcs.winsorized_mean(x, 0.1),
                            "scipy": lambda: mstats.winsorize(x, (0.1, 0.1)).mean()},
        "group_sum": group("sum", "sum", pl.col("x").sum(), numbagg.group_nansum),
        "group_mean": group("mean", "mean", pl.col("x").mean(), numbagg.group_nanmean),
        "group_var": group("var", "var", pl.col("x").var(), numbagg.group_nanvar),
        "group_std": group("std", "std", pl.col("x").std(), numbagg.group_nanstd),
        "group_min": group("min", "min", pl.col("x").min(), numbagg.group_nanmin),
        "group_max": group("max", "max", pl.col("x").max(), numbagg.group_nanmax),
        "group_count": group("count", "count", pl.col("x").count(), numbagg.group_nancount),
    }
    rows = []
    for name, calls in cases.items():
        progress(f"bench {name}")
        times = best_ms(calls, iterations)
        row = BenchRow(name, size, None, times.pop("hpcs"))
        row.peers_ms.update(times)
        rows.append(row)
    return rows


def _fmt(ms: Optional[float]) -> str:
    return "" if ms is None else (f"{ms:.3g}" if ms < 10 else f"{ms:.1f}")


def _provenance(command: str) -> list[str]:
    cpu = hpcs.get_cpu_info()
    return [
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}  ",
        f"Machine: {cpu['model']} ({cpu['vendor']}), {cpu['physical_cores']} physical / "
        f"{cpu['logical_cores']} logical cores, L2 {cpu['l2_cache_kb']} KB, "
        f"L3 {cpu['l3_cache_kb']} KB; hpcs {hpcs.__version__}, {hpcs.simd_info()['isa']} "
        f"clone, {hpcs.get_num_threads()} threads; Python {platform.python_version()}",
    ]


def _table(rows: list[BenchRow], floor: Optional[dict]) -> list[str]:
    head = ["operation", "n", "window", "hpcs", *PEER_NAMES, "vs best", "/ floor"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        best = min(r.peers_ms.values()) if r.peers_ms else None
        floor_ms = None
        if floor and r.size == floor["n"]:
            floor_ms = floor["rw_fresh"] if r.window else floor["read_1t"]
        cells = [r.op, f"{r.size:,}", str(r.window or ""), _fmt(r.hpcs_ms),
                 *[_fmt(r.peers_ms.get(p)) for p in PEER_NAMES],
                 f"{best / r.hpcs_ms:.2f}x" if best else "",
                 f"{r.hpcs_ms / floor_ms:.2f}" if floor_ms else ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(rows: list[BenchRow], floor: Optional[dict], command: str) -> str:
    """The top of BENCHMARKS.md: the §2/§3 table and its chart."""
    lines = [
        "# Benchmarks",
        "",
        *_provenance(command),
        "",
        "Best-of wall times in ms, all libraries on the same float64 data in one process. "
        "**vs best** = best peer time / hpcs time (above 1: hpcs is faster). "
        "**/ floor** = hpcs time / the memory floor (reductions: reading the input on one "
        "core; rolling: reading the input and writing a fresh output). "
        "pandas has no rolling MAD: its rolling_mad time is `Series.rolling(w).apply` of a "
        f"NumPy MAD (raw=True), timed up to n = {PANDAS_APPLY_MAX:,}.",
        "",
    ]
    if floor:
        lines += [
            f"Memory floor at n = {floor['n']:,}: read {floor['read_1t']:.2f} ms (1 thread), "
            f"{floor['read_2t']:.2f} ms (2 threads); read + write {floor['rw_fresh']:.2f} ms "
            f"(fresh output), {floor['rw_prealloc']:.2f} ms (preallocated).",
            "",
        ]
    lines += _table(rows, floor)
    lines += ["", "![speed-up over the best peer](benchmarks.png)", ""]
    return "\n".join(lines)


def render_extended(rows: list[BenchRow], command: str) -> str:
    """The "Extended API" section: the §4 operations against what users
    write today."""
    lines = [
        f"{EXTENDED_HEAD} (transforms, EWM, rolling co-moments and z-scores, groups)",
        "",
        *_provenance(command),
        "",
        "Best-of wall times in ms, as above. Each §4 function against what users write "
        "today: NumPy expressions, pandas (`rolling` composites, `ewm`, `groupby`, "
        "`ffill`), polars, scipy (`trim_mean`, `mstats.winsorize`), bottleneck (`push`) "
        "and numbagg (`move_exp_*`, `move_cov/corr`, `group_nan*`, `ffill`). EWM rows use "
        "span = window. Groups: 1 000 groups, random int64 codes. Fills: 30% NaN. "
        "rolling_robust_zscore's pandas time is `rolling().apply`, timed up to "
        f"n = {PANDAS_APPLY_MAX:,}.",
        "",
        *_table(rows, None),
        "",
    ]
    return "\n".join(lines)


def replace_section(text: str, head: str, section: str) -> str:
    """``text`` with the section starting at the line ``head`` (up to the
    next ``## `` heading) replaced by ``section``, or ``section`` appended;
    ``head`` None replaces what precedes the first ``## `` heading."""
    def block_end(start: int) -> int:
        nxt = text.find("\n## ", start + 1)
        return len(text) if nxt < 0 else nxt + 1

    section = section.rstrip("\n") + "\n\n"
    if head is None:
        return section + text[block_end(-1):] if "\n## " in text else section
    at = text.find("\n" + head)
    if at < 0:
        return text.rstrip("\n") + "\n\n" + section
    return text[: at + 1] + section + text[block_end(at + 1):]


def write_section(out: Path, head: Optional[str], section: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(text, head, section).rstrip("\n") + "\n")


def chart(rows: list[BenchRow], size: int, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    big = [r for r in rows if r.size == size and r.peers_ms]
    labels = [r.op + (f" w={r.window}" if r.window else "") for r in big]
    ratios = [min(r.peers_ms.values()) / r.hpcs_ms for r in big]
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(big) + 1.5))
    ax.barh(labels, ratios, color=["tab:green" if v >= 1 else "tab:red" for v in ratios])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("speed-up over the best peer (best peer time / hpcs time, log scale)")
    ax.set_title(f"hpcs vs NumPy/bottleneck/pandas/polars/scipy, n = {size:,}")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="window 100 only")
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--extended", action="store_true",
                        help="only the §4 operations: replace the Extended API section")
    parser.add_argument("--ops", help="comma-separated operations to time (default: all; "
                        "no small sizes then)")
    parser.add_argument("--sweep", action="store_true",
                        help="time every operation at each of --sizes instead, and write the "
                             "size-sweep section of BENCHMARKS.md and benchmarks_sweep.png")
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7,1e8",
                        help="sizes of the sweep (default: 1e3,...,1e8)")
    parser.add_argument("--rounds", help="sweep: timed rounds, one count for every size or "
                        "size:count pairs, e.g. 1e7:4,1e8:2 (default: "
                        + ", ".join(f"1e{len(str(s)) - 1}:{r}" for s, r in ROUNDS.items()) + ")")
    parser.add_argument("--peer-budget", type=float, default=PEER_BUDGET,
                        help="sweep: seconds a peer's call may take; slower peers are skipped "
                             "at that size and window and above (default: %(default)g)")
    parser.add_argument("--best-peer-budget", type=float, default=BEST_PEER_BUDGET,
                        help="sweep: the same for the fastest vectorised peer of a row "
                             "(default: %(default)g)")
    parser.add_argument("--row-budget", type=float, default=ROW_BUDGET,
                        help="sweep: seconds of timed rounds per row; fewer rounds (at least "
                             "2) above it (default: %(default)g)")
    parser.add_argument("--no-2d", action="store_true",
                        help="sweep: leave out the 10 000 x 100, axis=1 rows")
    parser.add_argument("--extrapolate", metavar="SIZES",
                        help="sweep: afterwards, print how long a sweep of these sizes "
                             "would take, predicted from the times measured (e.g. 1e6,1e7,1e8)")
    args = parser.parse_args(argv)
    command = "python tools/benchmarks.py " + " ".join(argv)
    if args.sweep:
        return sweep_main(args, command.strip())
    extended = render_extended(collect_extended(args.size, args.iterations, args.quick),
                               command.strip()) if args.extended or not args.ops else None
    if not args.extended:
        floor = floor_probe(args.size)
        rows = collect(args.size, args.iterations, args.quick,
                       args.ops.split(",") if args.ops else None)
        write_section(args.out, None, render(rows, floor, command.strip()))
        if not chart(rows, args.size, args.out / "benchmarks.png"):
            print("matplotlib missing: no chart", file=sys.stderr)
    if extended:
        write_section(args.out, EXTENDED_HEAD, extended)
    print((args.out / "BENCHMARKS.md").read_text())
    return 0


def sweep_main(args: argparse.Namespace, command: str) -> int:
    """Run the size sweep; replace the sweep section of BENCHMARKS.md with it."""
    from bench_sweep import (DEFAULT_OPS, Budget, CostModel, chart_sweep, parse_rounds,
                             predict_seconds, render_sweep, rounds_for, sweep)

    def parse_sizes(spec: str) -> tuple[int, ...]:
        return tuple(int(float(s)) for s in spec.split(","))

    ops = args.ops.split(",") if args.ops else None
    budget = Budget(args.peer_budget, args.best_peer_budget, args.row_budget,
                    parse_rounds(args.rounds) if args.rounds else None)
    model = CostModel()
    sizes = parse_sizes(args.sizes)
    rows = sweep(sizes, ops, budget, series_2d=not args.no_2d,
                 progress=progress, model=model)
    if args.extrapolate:
        per_size = {size: predict_seconds([(op, size) for op in ops or DEFAULT_OPS], model, budget)
                    for size in parse_sizes(args.extrapolate)}
        print(f"predicted time of a sweep of {args.extrapolate}: "
              f"{sum(per_size.values()) / 60:.1f} min ("
              + ", ".join(f"n={size:,}: {s / 60:.1f} min" for size, s in per_size.items()) + ")",
              file=sys.stderr)
    cpu = hpcs.get_cpu_info()
    section = [
        SWEEP_HEAD, "",
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}  ",
        f"Machine: {cpu['model']} ({cpu['vendor']}), {cpu['physical_cores']} cores; hpcs "
        f"{hpcs.__version__}, {hpcs.simd_info()['isa']} clone, {hpcs.get_num_threads()} threads",
        "",
        "Best-of times, each size one interleaved run (libraries take turns, round after "
        "round, on the same array). **hpcs / best** = hpcs time / best peer time: below 1 "
        "hpcs is faster; above 1 (bold) a peer is. **extra memory** = the rise of peak RSS "
        "during one hpcs call, less its output. Every call is timed once before the rounds: "
        f"a peer slower than {args.peer_budget:g} s a call ({args.best_peer_budget:g} s for "
        "a row's fastest vectorised peer) is `skip`ped there, and wherever its times "
        "predict it over that budget (linear in n, and in n x window for pandas' "
        "`rolling().apply`). Rounds per size: "
        + ", ".join(f"{size:,}: {rounds_for(size, budget.rounds)}" for size in sizes)
        + f" (fewer, at least 2, where a round takes over {budget.row:g} s)."
        + ("" if args.no_2d else " The last table is many small series: a 10 000 x 100 array "
           "along axis=1, rolling ops at window 10, against NumPy's and bottleneck's axis=1 "
           "calls."),
        "",
        "![hpcs / best peer against size](benchmarks_sweep.png)",
        "",
        *render_sweep(rows),
    ]
    write_section(args.out, SWEEP_HEAD, "\n".join(section))
    if not chart_sweep(rows, args.out / "benchmarks_sweep.png"):
        print("matplotlib missing: no chart", file=sys.stderr)
    print("\n".join(section))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
