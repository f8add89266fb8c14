"""The ``hpcs`` command line (also ``python -m hpcs``).

Exit codes: 0 success, 1 failure, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from typing import Any, Callable, Optional, Sequence

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _progress(message: str) -> None:
    """Progress on stderr, only when it is a terminal (never in pipes or JSON)."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + message)
        sys.stderr.flush()


def _progress_done() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2))


def _positive_int(text: str) -> int:
    """An integer >= 1, also written like ``1e6`` or ``1_000_000`` (as ``--help`` shows)."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
        if not number.is_integer():
            raise argparse.ArgumentTypeError(
                f"expected a positive integer, got {text!r}") from None
        value = int(number)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def _op_list(text: str) -> list[str]:
    """Comma-separated names of registered operations."""
    from hpcs._ops import OPS

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in OPS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown operation(s) {', '.join(unknown) or repr(text)}; known: {', '.join(OPS)}")
    return names


class _VersionAction(argparse.Action):
    """``hpcs --version``: the line ``hpcs version`` prints (hpcs imported only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: Any = argparse.SUPPRESS, help: Optional[str] = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: Optional[str] = None) -> None:
        parser.exit(cmd_version(argparse.Namespace(json=False)))


def cmd_version(args: argparse.Namespace) -> int:
    import hpcs

    simd = hpcs.simd_info()
    data = {"hpcs": hpcs.__version__, "library": hpcs.library_version(), "isa": simd["isa"],
            "compiled": simd["compiled"]}
    if args.json:
        _print_json(data)
    else:
        print(f"hpcs {data['hpcs']} (libhpcs_core {data['library']}), active ISA {data['isa']} "
              f"(compiled: {', '.join(data['compiled'])})")
    return EXIT_OK


def _tick(value: Optional[bool]) -> str:
    return "?" if value is None else ("✓" if value else "✗")


def _kb(value: Optional[int]) -> str:
    return "unknown" if value is None else f"{value:>6} KB"


def cmd_cpuinfo(args: argparse.Namespace) -> int:
    import hpcs

    info = hpcs.get_cpu_info()
    if args.json:
        _print_json(info)
        return EXIT_OK
    width = info["width_doubles"]
    print("=== CPU Information ===\n")
    print(f"CPU Vendor:          {info['vendor'] or 'unknown'}")
    print(f"Model:               {info['model'] or 'unknown'}")
    print(f"Physical Cores:      {info['physical_cores'] or 'unknown'}")
    print(f"Logical Cores:       {info['logical_cores']}")
    print(f"Optimal Threads:     {info['optimal_threads']}")
    print(f"hpcs Threads:        {hpcs.get_num_threads()}\n")
    print("Cache Hierarchy:")
    for level in (1, 2, 3):
        print(f"  L{level}:   {_kb(info[f'l{level}_cache_kb'])}")
    print("\nSIMD Capabilities:")
    print(f"  Active ISA:          {info['isa']}")
    print(f"  Vector width:        {64 * width}-bit ({width} doubles)")
    for label, key in (("SSE2", "has_sse2"), ("AVX", "has_avx"), ("AVX2", "has_avx2"),
                       ("AVX-512", "has_avx512"), ("FMA", "has_fma")):
        print(f"  {label + ':':<21}{_tick(info[key])}")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from hpcs._bench import format_table, missing_peers, run_bench

    try:
        rows = run_bench(size=args.size, iterations=args.iterations, ops=args.ops,
                         window=args.window, progress=None if args.json else _progress)
    except ValueError as exc:
        _progress_done()
        print(f"hpcs bench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _progress_done()
    if args.json:
        _print_json({"size": args.size, "iterations": args.iterations, "window": args.window,
                     "rows": [r.as_dict() for r in rows]})
    else:
        print(f"{args.size:,} float64 values, best of {args.iterations}, rolling window "
              f"{args.window}\n")
        print(format_table(rows))
        missing = missing_peers()
        if missing:
            print(f"not installed, so not compared: {', '.join(missing)} "
                  f"(pip install 'hpcs[bench]')")
    return EXIT_OK


def _compile_flags(include: str, libdir: str) -> tuple[str, str]:
    return f"-I{include}", f"-L{libdir} -Wl,-rpath,{libdir} -lhpcs_core"


def cmd_config(args: argparse.Namespace) -> int:
    import hpcs

    cflags, libs = _compile_flags(hpcs.get_include(),
                                  os.path.dirname(hpcs.get_library_path()))
    if args.path or args.cflags or args.libs:
        if args.path:
            print(hpcs.config_path())
        flags = ([cflags] if args.cflags else []) + ([libs] if args.libs else [])
        if flags:
            print(" ".join(flags))
        return EXIT_OK
    from hpcs._calibrate import describe_threshold

    cfg = hpcs.config()
    print(f"config file:   {cfg['path']} ({'present' if cfg['exists'] else 'absent: defaults'})")
    print(f"threads:       {cfg['num_threads']}")
    print("thread thresholds (elements):")
    for family, value in cfg["thresholds"].items():
        print(f"  {family:<14} {describe_threshold(value)}")
    if cfg["file"]:
        print("in the file:")
        for key, value in cfg["file"].items():
            if key == "thresholds":
                value = ", ".join(f"{k}={describe_threshold(n)}" for k, n in value.items())
            elif key == "calibration" and isinstance(value, dict):
                value = (f"{value.get('threads', '?')} threads, "
                         f"{'quick' if value.get('quick') else 'full'} run"
                         + (f", kept for busy CPUs: {', '.join(value['kept_busy'])}"
                            if value.get("kept_busy") else ""))
            print(f"  {key:<14} {value}")
    print(f"cflags:        {cflags}")
    print(f"libs:          {libs}")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    import hpcs
    from hpcs._calibrate import describe_threshold

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = hpcs.calibrate(quick=args.quick, progress=_progress)
    _progress_done()
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    print(f"calibrated in {time.perf_counter() - t0:.1f} s with {result['threads']} threads; "
          f"written to {result['path']}")
    for family, value in result["thresholds"].items():
        shown = describe_threshold(value)
        shown = f"{shown} (threads do not pay)" if shown == "never" else f"{shown} elements"
        kept = " (kept: the CPUs were busy)" if family in result["kept_busy"] else ""
        print(f"  {family:<14} threads from {shown}{kept}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from hpcs._selftest import run_selftest

    failures: list[str] = []

    def report(name: str, ok: bool) -> None:
        if not ok:
            failures.append(name)
        if args.verbose:
            print(f"{'PASS' if ok else 'FAIL'}  {name}")

    passed, failed = run_selftest(report)
    for name in failures:
        print(f"FAIL  {name}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hpcs", description="hpcs: fast, exact statistics")
    parser.add_argument("--version", action=_VersionAction,
                        help="print the version line of `hpcs version` and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str,
            json_flag: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        # The subcommand's own parser reports its errors (with its usage).
        p.set_defaults(func=func, subparser=p)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    add("version", cmd_version, "package version, C library version, active ISA", True)
    add("cpuinfo", cmd_cpuinfo, "CPU report: vendor, cores, caches, SIMD flags, active ISA", True)
    bench = add("bench", cmd_bench, "time hpcs against NumPy, bottleneck, pandas, polars", True)
    bench.add_argument("--size", type=_positive_int, default=1_000_000,
                       help="elements, e.g. 1000000 or 1e6 (default 1e6)")
    bench.add_argument("--iterations", type=_positive_int, default=5,
                       help="best of K runs (default 5)")
    bench.add_argument("--ops", type=_op_list,
                       help="comma-separated operations, e.g. sum,rolling_mean (default: all)")
    bench.add_argument("--window", type=_positive_int, default=100,
                       help="rolling window (default 100)")
    config = add("config", cmd_config, "the config file and its values; C compile/link flags")
    config.add_argument("--path", action="store_true", help="print the config file's path")
    config.add_argument("--cflags", action="store_true", help="print C compiler flags")
    config.add_argument("--libs", action="store_true", help="print linker flags")
    calibrate = add("calibrate", cmd_calibrate,
                    "measure this machine's thread thresholds and write the config file")
    calibrate.add_argument("--quick", action="store_true", help="fewer sizes (< 10 s)")
    test = add("test", cmd_test, "run the bundled correctness self-test")
    test.add_argument("-v", "--verbose", action="store_true", help="list every check")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``hpcs`` command.

    >>> main(["version"])  # doctest: +ELLIPSIS
    hpcs ...
    0
    """
    args, extra = build_parser().parse_known_args(argv)
    if extra:
        args.subparser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _progress_done()
        return EXIT_FAILURE
    except Exception as exc:  # report, don't dump a traceback at the user
        _progress_done()
        print(f"hpcs {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
