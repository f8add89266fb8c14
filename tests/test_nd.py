"""N-D input: every axis, every layout, against the 1-D results."""

from __future__ import annotations

import numpy as np
import pytest

from hpcs._ops import REDUCTIONS, ROLLING, Op
from util import assert_same

SHAPES = [(4, 5), (3, 1, 6), (2, 3, 4, 5), (0, 3), (3, 0)]


def _layouts(a: np.ndarray) -> list[tuple[str, np.ndarray]]:
    out = [("C", a), ("F", np.asfortranarray(a))]
    if a.ndim >= 2:
        out.append(("strided", np.repeat(a, 2, axis=-1)[..., ::2]))
        out.append(("transposed", np.ascontiguousarray(np.swapaxes(a, 0, -1)).swapaxes(0, -1)))
    return out


@pytest.mark.parametrize("op", REDUCTIONS, ids=lambda o: o.name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reduction_every_axis(op: Op, shape: tuple) -> None:
    rng = np.random.default_rng(0)
    base = rng.standard_normal(shape)
    if base.size:
        base.flat[rng.integers(0, base.size, 3)] = np.nan
    variant = dict(op.variants[-1])
    q = variant.pop("q", None)
    args = () if q is None else (q,)
    for name, a in _layouts(base):
        for axis in range(-a.ndim, a.ndim):
            ctx = f"{op.name} {name} shape={shape} axis={axis}"
            try:
                exp = op.reference(a, *args, axis=axis, skipna=True, **variant)
            except ValueError:
                with pytest.raises(ValueError):
                    op.fast(a, *args, axis=axis, skipna=True, **variant)
                continue
            got = op.fast(a, *args, axis=axis, skipna=True, **variant)
            assert_same(got, exp, 1e-12, ctx, atol=1e-13)


@pytest.mark.parametrize("op", ROLLING, ids=lambda o: o.name)
@pytest.mark.parametrize("shape", SHAPES[:3], ids=str)
def test_rolling_every_axis(op: Op, shape: tuple) -> None:
    rng = np.random.default_rng(1)
    base = rng.standard_normal(shape)
    base.flat[rng.integers(0, base.size, 3)] = np.nan
    variant = dict(op.variants[-1])
    q = variant.pop("q", None)
    for name, a in _layouts(base):
        for axis in range(-a.ndim, a.ndim):
            args = (3,) if q is None else (3, q)
            got = op.fast(a, *args, min_periods=1, axis=axis, **variant)
            exp = op.reference(a, *args, min_periods=1, axis=axis, **variant)
            assert_same(got, exp, 1e-12, f"{op.name} {name} shape={shape} axis={axis}")


def test_float32_axis_result_dtype() -> None:
    import hpcs

    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert hpcs.sum(a, axis=0).dtype == np.float32
    assert isinstance(hpcs.sum(a), float)
    assert hpcs.rolling_mean(a, 2).dtype == np.float32
