"""Every operation against its slow reference twin (hpcs._reference) on the
shared array generator: values, NaN/inf pattern and dtype."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hpcs._ops import REDUCTIONS, ROLLING, Op
from util import array_cases, assert_same, tolerance

CASES = list(array_cases())
OVERFLOWING = {"var", "std", "rolling_var", "rolling_std",
               "rolling_zscore"}  # square 1e300: overflow


def _skip_case(op: Op, label: str) -> bool:
    return label == "huge" and op.name in OVERFLOWING


def _run(func: Any, *args: Any, **kw: Any) -> Any:
    try:
        return func(*args, **kw)
    except ValueError as exc:
        return exc


def _compare(op: Op, label: str, x: np.ndarray, kwargs: dict, fast_args: tuple = ()) -> None:
    context = f"{op.name}({label}, {kwargs}) dtype={x.dtype} shape={x.shape} x={x!r}"
    got = _run(op.fast, x, *fast_args, **kwargs)
    exp = _run(op.reference, x, *fast_args, **kwargs)
    if isinstance(exp, ValueError):
        assert isinstance(got, ValueError), f"{context}: expected ValueError, got {got!r}"
        return
    assert not isinstance(got, Exception), f"{context}: raised {got!r}"
    atol = 0.0
    if op.name in ("sum", "mean") and x.size:
        # Cancellation: compare against the scale of the summands.
        finite = np.asarray(x, dtype=np.float64)
        atol = 1e-14 * float(np.nansum(np.abs(finite[np.isfinite(finite)]))) + 1e-300
    assert_same(got, exp, tolerance(label, x.dtype), context, atol=atol)


def _reduction_kwargs(op: Op) -> list[dict]:
    out = []
    for variant in op.variants:
        for skipna in (False, True):
            out.append({**variant, "skipna": skipna})
    return out


@pytest.mark.parametrize("op", REDUCTIONS, ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES, ids=[c[0] for c in CASES])
def test_reduction_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    if _skip_case(op, label):
        pytest.skip("squares of 1e300 overflow in both")
    for kwargs in _reduction_kwargs(op):
        q = kwargs.pop("q", None)
        args = () if q is None else (q,)
        _compare(op, label, x, kwargs, args)


@pytest.mark.parametrize("op", [o for o in REDUCTIONS if o.takes_where], ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES[:8], ids=[c[0] for c in CASES[:8]])
def test_reduction_where_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    for density in (0.0, 0.3, 1.0):
        where = rng.random(x.shape) < density
        for variant in op.variants:
            _compare(op, label, x, {**variant, "where": where})


def _rolling_params(n: int) -> list[dict]:
    params = []
    for window in (1, 3, 8, n + 3):
        for min_periods in (None, 1, window // 2 + 1):
            for center in (False, True):
                params.append({"window": window, "min_periods": min_periods, "center": center})
    return params


@pytest.mark.parametrize("op", ROLLING, ids=lambda o: o.name)
@pytest.mark.parametrize("label,x", CASES, ids=[c[0] for c in CASES])
def test_rolling_matches_reference(op: Op, label: str, x: np.ndarray) -> None:
    if _skip_case(op, label):
        pytest.skip("squares of 1e300 overflow in both")
    for params in _rolling_params(x.size):
        for variant in op.variants:
            kwargs = dict(variant)
            window = params["window"]
            args = (window,) if "q" not in kwargs else (window, kwargs.pop("q"))
            kwargs.update(min_periods=params["min_periods"], center=params["center"])
            _compare(op, label, x, kwargs, args)


@pytest.mark.parametrize("op", REDUCTIONS + ROLLING, ids=lambda o: o.name)
def test_longer_series(op: Op) -> None:
    """Series longer than the vector lanes and blocks, in three layouts."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal(300)
    x[rng.integers(0, 300, 20)] = np.nan
    x[7] = np.inf
    for data in (x, x.astype(np.float32), x[::3]):
        variant = dict(op.variants[-1])
        q = variant.pop("q", None)
        if op.rolling:
            args = (17,) if q is None else (17, q)
            _compare(op, "clone", data, {**variant, "min_periods": 5}, args)
        else:
            args = () if q is None else (q,)
            _compare(op, "clone", data, {**variant, "skipna": True}, args)


# ---------------------------------------------------------------- the registry is the one list

def test_every_registered_op_is_wired() -> None:
    """Each row of hpcs._ops.OPS has its wrapper, reference twin and C kernels, and is exported."""
    import hpcs
    from hpcs._ops import OPS

    assert len(hpcs.__all__) == len(set(hpcs.__all__)), "hpcs.__all__ lists a name twice"
    for op in OPS.values():
        assert op.name in hpcs.__all__ and callable(op.fast) and callable(op.reference)
        assert {np.dtype(np.float64), np.dtype(np.float32)} <= set(op.kernels.by_dtype)


def test_every_public_wrapper_is_registered() -> None:
    import inspect

    from hpcs import _reduce, _rolling
    from hpcs._ops import OPS

    for module in (_reduce, _rolling):
        public = [name for name, obj in vars(module).items() if inspect.isfunction(obj)
                  and obj.__module__ == module.__name__ and not name.startswith("_")]
        assert set(public) <= set(OPS), f"{module.__name__}: {set(public) - set(OPS)} unregistered"


def test_fuzz_harness_covers_the_registry() -> None:
    """tests/fuzz/fuzz_entry_points.c calls every registered op (in registry order)."""
    import re
    from pathlib import Path

    from hpcs._ops import CORE as OPS  # the fuzz harness covers the §2/§3 entry points

    harness = Path(__file__).resolve().parent / "fuzz" / "fuzz_entry_points.c"
    if not harness.exists():
        pytest.skip("no fuzz harness next to these tests")
    block = re.search(r"op_names\[OP_COUNT\]\s*=\s*\{(.*?)\};", harness.read_text(), re.S)
    assert block, "op_names not found in the fuzz harness"
    assert re.findall(r'"(\w+)"', block.group(1)) == list(OPS)


# ---------------------------------------------------------------- every clone, bit for bit

def _call_bits(op: Op, x: np.ndarray, args: tuple, kwargs: dict) -> bytes:
    try:
        return np.asarray(op.fast(x, *args, **kwargs), dtype=np.float64).tobytes()
    except ValueError as exc:
        return repr(exc).encode()


def clone_case_digest() -> str:
    """SHA-256 of hpcs's outputs (no reference) over the cases this file checks against
    the reference, plus long windows (every rolling kernel path), 2-D axes and threads.

    Natively these outputs match the reference (the tests above); a clone whose
    digest equals the native one's therefore passes them too, without running
    the slow reference under an emulator.
    """
    import hashlib

    import hpcs

    h = hashlib.sha256()
    rng = np.random.default_rng(9)
    long = rng.standard_normal(5000) * 10 + 3
    long[rng.random(5000) < 0.05] = np.nan
    long[[100, 4000]] = [np.inf, -np.inf]
    cases = [*CASES, ("long", long), ("long_f32", long.astype(np.float32))]
    old = hpcs.get_thresholds()
    try:
        for threads, thresholds in ((1, old), (2, {name: 1 for name in old})):
            hpcs.set_num_threads(threads)
            hpcs.set_thresholds(thresholds)
            for op in REDUCTIONS + ROLLING:
                for variant in op.variants:
                    kw = dict(variant)
                    q = kw.pop("q", None)
                    for label, x in cases:
                        if op.rolling:
                            windows = (1, 3, 8, 16, 17, x.size + 3)
                            if label.startswith("long"):
                                windows += (641, 2500)
                            for w in windows:
                                for center in (False, True):
                                    args = (w,) if q is None else (w, q)
                                    h.update(_call_bits(op, x, args, {
                                        **kw, "min_periods": 1, "center": center}))
                        else:
                            args = () if q is None else (q,)
                            for skipna in (False, True):
                                h.update(_call_bits(op, x, args, {**kw, "skipna": skipna}))
                    m = long[:4800].reshape(60, 80)
                    for axis in (0, 1):
                        if op.rolling:
                            args = (5,) if q is None else (5, q)
                            h.update(_call_bits(op, m, args, {**kw, "axis": axis}))
                        else:
                            args = () if q is None else (q,)
                            h.update(_call_bits(op, m, args, {**kw, "axis": axis}))
    finally:
        hpcs.set_thresholds(old)
        hpcs.set_num_threads(0)
    return h.hexdigest()


def test_clone_matches_native_bit_for_bit() -> None:
    """Under qemu (tools/run_isas.sh sets HPCS_EXPECT_ISA) this process runs the emulated
    clone and a child process runs natively (qemu-user does not follow exec): their
    digests over the cases above must be equal.  Natively both sides are the same clone."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if not os.environ.get("HPCS_EXPECT_ISA"):
        pytest.skip("the native clone is checked against the reference by the tests above")
    here = Path(__file__).resolve().parent
    code = (f"import sys; sys.path.insert(0, {str(here)!r}); "
            "import test_vs_reference as t; print(t.clone_case_digest())")
    env = {k: val for k, val in os.environ.items() if k != "HPCS_EXPECT_ISA"}
    native = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd="/", check=True, timeout=600).stdout.strip()
    assert clone_case_digest() == native
