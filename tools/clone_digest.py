"""Print the active ISA clone and a digest of every operation's output bits.

Run natively and under ``qemu-x86_64 -cpu <model>`` by tools/run_isas.sh:
equal digests mean every clone computes bit-identical results.  The clone is
the one the dynamic loader resolved (``simd_info()["observed"]``); the
script fails if it could not be observed or differs from GCC's predicted
choice or from --expect-isa.

    python tools/clone_digest.py [--expect-isa AVX2]
"""

from __future__ import annotations

import argparse
import hashlib
import sys

import numpy as np

import hpcs


def digest() -> str:
    """SHA-256 over the outputs of every public operation on fixed data."""
    rng = np.random.default_rng(20261124)
    x = rng.standard_normal(50_000) * 1e3 + 1e6
    x[rng.integers(0, x.size, 200)] = np.nan
    y = x.astype(np.float32)
    m = rng.standard_normal((37, 300))
    h = hashlib.sha256()

    def add(value: object) -> None:
        h.update(np.asarray(value, dtype=np.float64).tobytes())

    for data in (x, y):
        for op in ("sum", "mean", "var", "std", "min", "max", "median", "mad"):
            add(getattr(hpcs, op)(data, skipna=True))
        add(hpcs.quantile(data, [0.1, 0.5, 0.9], skipna=True))
        for window in (3, 100, 1000):
            for op in ("sum", "mean", "var", "std", "min", "max", "median", "mad"):
                add(getattr(hpcs, f"rolling_{op}")(data, window, min_periods=1))
            add(hpcs.rolling_quantile(data, window, 0.3, min_periods=1))
        for window in (3, 100, 1000):
            add(hpcs.rolling_zscore(data, window, min_periods=1))
            add(hpcs.rolling_robust_zscore(data, window, min_periods=1))
            add(hpcs.rolling_cov(data, data[::-1], window, min_periods=1))
            add(hpcs.rolling_corr(data, data[::-1], window, min_periods=1))
        for name in ("ewma", "ewmvar", "ewmstd"):
            add(getattr(hpcs, name)(data, span=20.0))
            add(getattr(hpcs, name)(data, alpha=0.3, adjust=False, ignore_na=True))
            add(getattr(hpcs, name)(data, alpha=0.05, adjust=False))  # the serial mode
    for axis in (0, 1):
        for op in ("sum", "mean", "var", "min", "max", "median"):
            add(getattr(hpcs, op)(m, axis=axis))
        add(hpcs.rolling_mean(m, 7, axis=axis))
    # The §4 operations (transforms, cumulative scans, robust means, groups).
    codes = (np.arange(x.size) * 7919) % 101 - 1
    for data in (x, y, m):
        for op in ("zscore", "robust_zscore", "normalize_minmax"):
            add(getattr(hpcs, op)(data, skipna=True))
        add(hpcs.clip(data, -1.5, 1e6 + 10.0))
        add(hpcs.diff(data, 2))
        for op in ("cummin", "cummax"):
            add(getattr(hpcs, op)(data, skipna=True))
            add(getattr(hpcs, op)(data, axis=0))
        add(hpcs.ffill(data, limit=2))
        add(hpcs.bfill(data))
        add(hpcs.trimmed_mean(data, 0.1, skipna=True))
        add(hpcs.winsorized_mean(data, (0.05, 0.2), skipna=True))
    for data in (x, y):
        for op in ("sum", "mean", "var", "std", "min", "max", "count"):
            add(getattr(hpcs, f"group_{op}")(data, codes))
    for axis in (0, 1):
        add(hpcs.zscore(m, axis, ddof=1))
        add(hpcs.trimmed_mean(m, 0.2, axis))
        add(hpcs.ewmvar(m, span=5.0, axis=axis))
        add(hpcs.rolling_corr(m, m * m, 7, axis=axis))
    return h.hexdigest()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expect-isa", help="fail unless this clone is active")
    args = parser.parse_args(argv)
    info = hpcs.simd_info()
    isa = info["isa"]
    print(f"isa={isa} digest={digest()} clone={info['clone_symbol'] or '-'}")
    if not info["observed"]:
        print(f"the active clone could not be observed ({isa} is inferred)", file=sys.stderr)
        return 1
    if isa != info["isa_inferred"]:
        print(f"the loader chose {isa}, GCC's resolver order predicts "
              f"{info['isa_inferred']}", file=sys.stderr)
        return 1
    if args.expect_isa and isa != args.expect_isa:
        print(f"expected the {args.expect_isa} clone, got {isa}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
