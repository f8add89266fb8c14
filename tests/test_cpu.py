"""get_cpu_info() against what the OS says directly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hpcs

CPUINFO = Path("/proc/cpuinfo")
pytestmark = pytest.mark.skipif(not CPUINFO.exists(), reason="needs Linux procfs")


def _first_block() -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in CPUINFO.read_text().splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def test_keys_and_types() -> None:
    info = hpcs.get_cpu_info()
    for key in ("vendor", "model", "physical_cores", "logical_cores", "optimal_threads",
                "l1_cache_kb", "l2_cache_kb", "l3_cache_kb", "has_sse2", "has_avx",
                "has_avx2", "has_avx512", "has_fma"):
        assert key in info
    assert info["logical_cores"] >= 1 and info["optimal_threads"] >= 1


def test_matches_procfs_and_affinity() -> None:
    info = hpcs.get_cpu_info()
    block = _first_block()
    assert info["vendor"] == block.get("vendor_id")
    assert info["model"] == block.get("model name")
    flags = set(block.get("flags", "").split())
    assert info["has_avx2"] == ("avx2" in flags)
    assert info["has_avx512"] == ("avx512f" in flags)
    assert info["has_fma"] == ("fma" in flags)
    assert info["logical_cores"] == len(os.sched_getaffinity(0))


def test_physical_cores_from_sysfs() -> None:
    info = hpcs.get_cpu_info()
    pairs = set()
    for cpu in os.sched_getaffinity(0):
        topo = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        if not topo.exists():
            pytest.skip("no sysfs topology")
        pairs.add(((topo / "physical_package_id").read_text(), (topo / "core_id").read_text()))
    assert info["physical_cores"] == len(pairs)
    assert info["optimal_threads"] <= info["physical_cores"]
    assert hpcs.get_num_threads() >= 1


def test_cache_sizes_from_sysfs() -> None:
    cache = Path("/sys/devices/system/cpu/cpu0/cache/index0")
    if not cache.exists():
        pytest.skip("no sysfs cache info")
    info = hpcs.get_cpu_info()
    assert info["l1_cache_kb"] is None or 4 <= info["l1_cache_kb"] <= 4096
    if info["l2_cache_kb"] and info["l1_cache_kb"]:
        assert info["l2_cache_kb"] >= info["l1_cache_kb"]
