"""Shared test helpers: the array generator and result comparison."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np


def array_cases(n: int = 37, seed: int = 0) -> Iterator[tuple[str, np.ndarray]]:
    """Yield (label, 1-D array) covering the contract's input kinds."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(n)
    yield "normal", base.copy()
    with_nan = base.copy()
    with_nan[rng.integers(0, n, n // 5)] = np.nan
    yield "nan", with_nan
    yield "all_nan", np.full(n, np.nan)
    nan_first_last = base.copy()
    nan_first_last[[0, -1]] = np.nan
    yield "nan_ends", nan_first_last
    with_inf = base.copy()
    with_inf[[3, 11]] = [np.inf, -np.inf]
    yield "inf", with_inf
    pos_inf = base.copy()
    pos_inf[5] = np.inf
    yield "posinf", pos_inf
    yield "ties", rng.integers(0, 4, n).astype(np.float64)
    yield "constant", np.full(n, 2.5)
    yield "empty", np.empty(0)
    yield "one", base[:1].copy()
    yield "two", base[:2].copy()
    yield "float32", base.astype(np.float32)
    yield "float32_nan", with_nan.astype(np.float32)
    yield "strided", np.repeat(base, 2)[::2]
    yield "reversed", base[::-1]
    ro = base.copy()
    ro.flags.writeable = False
    yield "readonly", ro
    yield "byteswapped", base.astype(">f8")
    yield "offset_1e9", 1e9 + base
    yield "huge", base * 1e300
    yield "subnormal", base * 1e-310
    yield "ints", rng.integers(-5, 5, n)
    yield "bools", rng.integers(0, 2, n).astype(bool)


def tolerance(label: str, dtype: Any) -> float:
    """Relative tolerance for a case: the contract's 1e-12 for float64."""
    if np.dtype(dtype) == np.float32 or "float32" in label:
        return 2e-6
    return 1e-12 if label != "offset_1e9" else 1e-9


def assert_same(got: Any, expected: Any, rtol: float, context: str, atol: float = 0.0) -> None:
    """Values (NaN == NaN, inf == inf) and type/dtype must agree."""
    if isinstance(expected, float):
        assert isinstance(got, float), f"{context}: expected a Python float, got {type(got)}"
    else:
        assert isinstance(got, np.ndarray), f"{context}: expected an ndarray, got {type(got)}"
        assert got.dtype == expected.dtype, f"{context}: dtype {got.dtype} != {expected.dtype}"
        assert got.shape == expected.shape, f"{context}: shape {got.shape} != {expected.shape}"
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    same_special = (np.isnan(g) == np.isnan(e)) & (np.isinf(g) == np.isinf(e))
    assert same_special.all(), f"{context}: NaN/inf pattern differs\n got {g}\n exp {e}"
    finite = np.isfinite(e)
    assert (g[np.isinf(e)] == e[np.isinf(e)]).all(), f"{context}: inf sign differs"
    np.testing.assert_allclose(g[finite], e[finite], rtol=rtol, atol=atol, err_msg=context)


#: Valid values for the required parameters of the public functions, by name.
REQUIRED_ARGS: dict[str, Any] = {
    "window": 3, "q": 0.5, "lo": None, "hi": None, "proportiontocut": 0.1, "limits": 0.1}


def call_filled(func: Any, x: Any, **kw: Any) -> Any:
    """``func(x, **kw)`` with every other required parameter from REQUIRED_ARGS, by keyword.

    A parameter no value is known for (``y``, ``groups``: shaped like x) is
    made from x; any other unknown one skips the test.
    """
    import inspect

    import pytest

    for i, (name, param) in enumerate(inspect.signature(func).parameters.items()):
        if i == 0 or name in kw or param.default is not inspect.Parameter.empty:
            continue
        if name == "y":
            kw[name] = np.ones(np.shape(x))
        elif name == "groups":
            kw[name] = np.arange(np.size(x)).reshape(np.shape(x)) % 2
        elif name in REQUIRED_ARGS:
            kw[name] = REQUIRED_ARGS[name]
        else:
            pytest.skip(f"no valid value known for {func.__name__}'s {name}")
    return func(x, **kw)


def assert_bits_same_for_any_thread_count(compute: Any, label: str) -> None:
    """``compute()`` gives the same bytes with 1, 2, 3 and 8 threads (leaves 1 set)."""
    import hpcs

    results = []
    for threads in (1, 2, 3, 8):
        hpcs.set_num_threads(threads)
        results.append(np.asarray(compute()).tobytes())
    hpcs.set_num_threads(1)
    assert all(r == results[0] for r in results[1:]), label
