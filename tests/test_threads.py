"""Threads: results never depend on the thread count; concurrent calls are safe."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

import numpy as np
import pytest

import hpcs
from hpcs._ops import CORE as OPS, Op  # the §2/§3 harness; §4 ops: test_extended.py
from util import assert_bits_same_for_any_thread_count


def _call(op: Op, x: np.ndarray, axis: Optional[int] = None) -> object:
    """op on x with its last test variant (skipping NaN; rolling: window 50,
    min_periods 1), along ``axis`` if given."""
    variant = dict(op.variants[-1])
    q = variant.pop("q", None)
    args = () if q is None else (q,)
    if axis is not None:
        variant["axis"] = axis
    if op.rolling:
        return op.fast(x, 50, *args, min_periods=1, **variant)
    return op.fast(x, *args, skipna=True, **variant)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
def test_bit_identical_for_any_thread_count(op: Op, thread_everything) -> None:
    rng = np.random.default_rng(0)
    # A long series; columns (strided slices); rows (contiguous slices, whose
    # rolling output the calling thread faults in ahead of the others).
    inputs = [(rng.standard_normal(300_001), None), (rng.standard_normal((64, 2_000)), 0),
              (rng.standard_normal((2_000, 64)), 0), (rng.standard_normal((40, 20_000)), -1)]
    inputs[0][0][::97] = np.nan
    for x, axis in inputs:
        assert_bits_same_for_any_thread_count(lambda: _call(op, x, axis), op.name)


@pytest.mark.parametrize("op", ["rolling_mean", "rolling_median"])
def test_threaded_rolling_into_a_file_backed_output(op: str, tmp_path, thread_everything) -> None:
    """The calling thread faults the output in ahead of the others: a shared
    file mapping takes it as well as fresh anonymous memory."""
    x = np.random.default_rng(1).standard_normal(1_000_003)
    hpcs.set_num_threads(1)
    expected = getattr(hpcs, op)(x, 30)
    hpcs.set_num_threads(2)
    out = np.memmap(tmp_path / "out.f64", dtype=np.float64, mode="w+", shape=x.shape)
    assert getattr(hpcs, op)(x, 30, out=out) is out
    assert out.tobytes() == expected.tobytes()


def test_threshold_changes_the_code_path() -> None:
    old = hpcs.get_thresholds()
    try:
        hpcs.set_num_threads(2)
        hpcs.set_thresholds({"reduce": 10**9})
        assert hpcs.plan_threads("reduce", 10**6) == 1
        hpcs.set_thresholds({"reduce": 1000})
        assert hpcs.plan_threads("reduce", 10**6) == 2
    finally:
        hpcs.set_thresholds(old)
        hpcs.set_num_threads(0)


def test_bad_thread_arguments() -> None:
    with pytest.raises(ValueError):
        hpcs.set_num_threads(-1)
    with pytest.raises(TypeError):
        hpcs.set_num_threads(1.5)
    with pytest.raises(ValueError):
        hpcs.set_thresholds({"reduce": 0})
    with pytest.raises(ValueError):
        hpcs.set_thresholds({"bogus": 5})


def test_environment_variable_sets_threads() -> None:
    code = "import hpcs; print(hpcs.get_num_threads())"
    env = {**os.environ, "HPCS_NUM_THREADS": "3"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd="/", check=True)
    assert out.stdout.strip() == "3"
    bad = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True,
                         text=True, env={**env, "HPCS_NUM_THREADS": "many"}, cwd="/")
    assert bad.returncode == 0 and "HPCS_NUM_THREADS" in bad.stderr


@pytest.mark.parametrize("op", OPS.values(), ids=lambda o: o.name)
def test_concurrent_python_threads_get_the_serial_answer(op: Op) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(200_000)
    x[::101] = np.nan
    x.flags.writeable = False
    expected = np.asarray(_call(op, x))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: np.asarray(_call(op, x)), range(16)))
    for r in results:
        assert r.tobytes() == expected.tobytes()


def test_concurrent_small_calls_each_get_their_own_result() -> None:
    """Scalar results of the whole-array fast path (which reuses its result
    cells) from 8 threads at once: every call returns its own input's answer."""
    rng = np.random.default_rng(2)
    inputs = [rng.standard_normal(int(n)) for n in rng.integers(1, 500, 48)]
    ops = (hpcs.sum, hpcs.var, hpcs.min, hpcs.median, lambda a: hpcs.quantile(a, 0.3))
    expected = [[f(x) for f in ops] for x in inputs]

    def work(seed: int) -> bool:
        order = np.random.default_rng(seed).permutation(len(inputs))
        return all([f(inputs[i]) for f in ops] == expected[i] for _ in range(10) for i in order)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(16)))
