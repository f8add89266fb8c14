"""CPU report from the OS (procfs/sysfs) and the library's own CPUID view.

Nothing is guessed: a value the system does not expose is ``None``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Optional

from hpcs._hardware import simd_info

_SYS_CPU = Path("/sys/devices/system/cpu")


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _cpuinfo_fields(text: str) -> dict[str, str]:
    """The first processor block of /proc/cpuinfo as a dict."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def _allowed_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return list(range(os.cpu_count() or 1))


def _physical_cores(cpus: list[int]) -> Optional[int]:
    """Distinct (package, core) pairs among the CPUs we may run on."""
    cores = set()
    for cpu in cpus:
        topo = _SYS_CPU / f"cpu{cpu}" / "topology"
        package = _read(topo / "physical_package_id")
        core = _read(topo / "core_id")
        if package is None or core is None:
            return None
        cores.add((package, core))
    return len(cores) or None


def _cgroup_cpu_limit() -> Optional[int]:
    """CPUs allowed by a cgroup v2 (cpu.max) or v1 (cfs quota) limit, if any."""
    text = _read(Path("/sys/fs/cgroup/cpu.max"))
    if text:
        quota, _, period = text.partition(" ")
        if quota != "max" and period:
            return max(1, math.ceil(int(quota) / int(period)))
        return None
    quota = _read(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"))
    period = _read(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))
    if quota and period and int(quota) > 0:
        return max(1, math.ceil(int(quota) / int(period)))
    return None


def _size_kb(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    units = {"K": 1, "M": 1024, "G": 1024 * 1024}
    if text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text) // 1024


def _caches(cpu: int) -> dict[str, Optional[int]]:
    """L1 data, L2 and L3 sizes in KiB of one CPU's caches."""
    sizes: dict[str, Optional[int]] = {"l1_cache_kb": None, "l2_cache_kb": None,
                                       "l3_cache_kb": None}
    for index in sorted((_SYS_CPU / f"cpu{cpu}" / "cache").glob("index*")):
        level, kind = _read(index / "level"), _read(index / "type")
        if level not in ("1", "2", "3") or kind == "Instruction":
            continue
        sizes[f"l{level}_cache_kb"] = _size_kb(_read(index / "size"))
    return sizes


def get_cpu_info() -> dict[str, Any]:
    """Describe this machine's CPU as the OS and CPUID report it.

    Keys: ``vendor``, ``model``, ``physical_cores``, ``logical_cores`` (CPUs
    this process may run on), ``optimal_threads`` (physical cores, capped by a
    cgroup CPU quota), ``l1_cache_kb``, ``l2_cache_kb``, ``l3_cache_kb``,
    ``has_sse2``, ``has_avx``, ``has_avx2``, ``has_avx512``, ``has_fma``, and
    ``isa`` / ``width_doubles`` of the active kernel clone.  Unknown → None.

    Examples
    --------
    >>> import hpcs
    >>> info = hpcs.get_cpu_info()
    >>> info["logical_cores"] >= 1
    True
    """
    fields = _cpuinfo_fields(_read(Path("/proc/cpuinfo")) or "")
    flags = set(fields.get("flags", "").split()) if "flags" in fields else None
    cpus = _allowed_cpus()
    physical = _physical_cores(cpus)
    limit = _cgroup_cpu_limit()
    optimal = physical if physical is not None else len(cpus)
    if limit is not None:
        optimal = min(optimal, limit)

    def flag(name: str) -> Optional[bool]:
        return None if flags is None else name in flags

    simd = simd_info()
    return {
        "vendor": fields.get("vendor_id"),
        "model": fields.get("model name"),
        "physical_cores": physical,
        "logical_cores": len(cpus),
        "optimal_threads": optimal,
        **_caches(cpus[0] if cpus else 0),
        "has_sse2": flag("sse2"),
        "has_avx": flag("avx"),
        "has_avx2": flag("avx2"),
        "has_avx512": flag("avx512f"),
        "has_fma": flag("fma"),
        "isa": simd["isa"],
        "width_doubles": simd["width_doubles"],
    }
