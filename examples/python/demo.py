"""A short hpcs demo: clean a noisy sensor series and compare with NumPy.

    python examples/python/demo.py
"""

import time

import numpy as np

import hpcs

rng = np.random.default_rng(7)
n = 5_000_000
signal = np.sin(np.linspace(0, 60, n)) + rng.standard_normal(n) * 0.2
signal[rng.integers(0, n, 500)] += 25.0  # spikes
signal[rng.integers(0, n, 500)] = np.nan  # dropouts

print(f"hpcs {hpcs.__version__}, kernels: {hpcs.simd_info()['isa']}")


def timed(label, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"  {label:<38} {1e3 * (time.perf_counter() - t0):8.1f} ms")
    return result


print(f"{n:,} samples:")
mean = timed("hpcs.mean(skipna=True)", lambda: hpcs.mean(signal, skipna=True))
timed("numpy.nanmean", lambda: np.nanmean(signal))
std = timed("hpcs.std(skipna=True)", lambda: hpcs.std(signal, skipna=True))
timed("numpy.nanstd", lambda: np.nanstd(signal))
med = timed("hpcs.rolling_median(window=101)",
            lambda: hpcs.rolling_median(signal, 101, min_periods=1, center=True))
mad = timed("hpcs.rolling_mad(window=101)",
            lambda: hpcs.rolling_mad(signal, 101, min_periods=1, center=True, scale="normal"))
spikes = np.abs(signal - med) > 5 * mad
print(f"mean {mean:.4f}, std {std:.4f}; {int(spikes.sum())} points flagged beyond 5 MADs "
      f"(500 spikes injected)")
