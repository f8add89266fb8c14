"""Test configuration: the installed hpcs must be the one under test."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

try:
    import hpcs._hpcs_cffi  # noqa: F401
except ImportError:  # pragma: no cover
    raise pytest.UsageError(
        "the imported hpcs has no compiled module (the source tree was imported?): "
        "install the package (pip install '.[test]') and run plain `pytest`, "
        "not `python -m pytest`"
    ) from None

import hpcs

settings.register_profile(
    "default", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("quick", deadline=None, max_examples=10,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session", autouse=True)
def expected_clone() -> None:
    """tools/run_isas.sh sets HPCS_EXPECT_ISA: fail if another clone runs."""
    expected = os.environ.get("HPCS_EXPECT_ISA")
    if expected:
        active = hpcs.simd_info()["isa"]
        assert active == expected, f"expected the {expected} clone, {active} is active"


@pytest.fixture
def thread_everything():
    """Thresholds of 1 element: every input takes the threaded path."""
    old = hpcs.get_thresholds()
    hpcs.set_thresholds({name: 1 for name in old})
    yield
    hpcs.set_thresholds(old)
    hpcs.set_num_threads(0)
