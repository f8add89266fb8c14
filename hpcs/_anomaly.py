"""Rolling robust z-scores and anomaly flags built on the rolling and reduction kernels."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from hpcs import _reduce, _rolling
from hpcs import _validate as v
from hpcs._ops import OPS
from hpcs._rolling_pair import rolling_zscore

ArrayLike = Any

#: 1 / Phi^-1(3/4): makes the MAD a consistent estimator of a normal sigma.
NORMAL_MAD_SCALE = 1.482602218505602


def rolling_robust_zscore(x: ArrayLike, window: int, *, min_periods: Optional[int] = None,
                          center: bool = False, axis: int = -1,
                          out: Optional[np.ndarray] = None) -> np.ndarray:
    return _rolling._rolling(OPS["rolling_robust_zscore"].kernels, x, window, min_periods, center, axis, out)


rolling_robust_zscore.__doc__ = _rolling._doc(
    "Moving-window robust z-score ``(x - rolling_median) / (1.4826 * rolling_mad)``.\n\n"
    "    One O(n log window) sweep of the rolling-MAD kernel, which has the\n"
    "    window's median at hand, emits the z-score (no temporaries).  NaN where\n"
    "    x is NaN, below ``min_periods``, or where the window's MAD is zero\n"
    "    (never inf).\n",
    "    >>> import hpcs\n    >>> hpcs.rolling_robust_zscore([1.0, 2.0, 4.0, 8.0, 8.0], 3)\n"
    "    array([      nan,       nan, 1.3489795, 1.3489795,       nan])\n")


def detect_anomalies(x: ArrayLike, threshold: float = 3.0, *, method: str = "zscore",
                     window: Optional[int] = None, axis: int = -1) -> np.ndarray:
    """Flag values whose z-score exceeds ``threshold`` in absolute value.

    Parameters
    ----------
    x : array_like
        Input values.
    threshold : float
        Flag where ``abs(z) > threshold``.
    method : {"zscore", "robust"}
        z-scores ``(x - mean) / std`` or ``(x - median) / (1.4826 * MAD)``.
    window : int, optional
        None: statistics of the whole axis (NaNs skipped); else rolling
        statistics over windows of this length (:func:`rolling_zscore`,
        :func:`rolling_robust_zscore`).
    axis : int
        Axis of the series; other axes are independent.

    Returns
    -------
    ndarray of bool
        Of x's shape; NaN z-scores (NaN input, zero spread, too few values)
        are never anomalies.

    Examples
    --------
    >>> import hpcs
    >>> hpcs.detect_anomalies([1.0, 1.1, 0.9, 1.0, 9.0, 1.0, 1.1, 0.9], 2.0)
    array([False, False, False, False,  True, False, False, False])
    >>> hpcs.detect_anomalies([1.0, 1.1, 0.9, 1.0, 9.0, 1.0], 3.0, method="robust")
    array([False, False, False, False,  True, False])
    """
    if method not in ("zscore", "robust"):
        raise ValueError(f"method: must be 'zscore' or 'robust', got {method!r}")
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise TypeError(f"threshold: must be a real number, got {threshold!r}") from None
    arr = v.as_float_array(x)
    if arr.ndim == 0:
        raise ValueError("x: detect_anomalies needs an array of at least 1 dimension")
    ax = v.check_axis(axis, arr.ndim)
    if window is not None:
        z = (rolling_zscore(arr, window, axis=ax) if method == "zscore"
             else rolling_robust_zscore(arr, window, axis=ax))
    else:
        if method == "zscore":
            loc = _reduce.mean(arr, axis=ax, skipna=True)
            spread = _reduce.std(arr, axis=ax, skipna=True)
        else:
            loc = _reduce.median(arr, axis=ax, skipna=True)
            spread = _reduce.mad(arr, axis=ax, skipna=True, scale=NORMAL_MAD_SCALE)
        return flags(arr, np.expand_dims(loc, ax), np.expand_dims(spread, ax), thr)
    return flags(z, None, None, thr)


def flags(x: np.ndarray, loc: Any, spread: Any, threshold: float) -> np.ndarray:
    """``abs(z) > threshold`` for z = x, or ``(x - loc) / spread`` (NaN
    where spread is zero) when ``loc`` is given: hpcs.dask flags chunks
    with it too."""
    if loc is None:
        z = x
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (x - loc) / np.where(spread == 0, np.nan, spread)
    with np.errstate(invalid="ignore"):
        return np.abs(z) > threshold
