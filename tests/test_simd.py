"""ISA reporting."""

from __future__ import annotations

import platform

import hpcs


def test_simd_info_shape() -> None:
    info = hpcs.simd_info()
    assert {"isa", "width_doubles", "compiled", "supported"} <= set(info)
    assert info["isa"] in info["compiled"]
    assert info["isa"] in info["supported"]
    assert info["width_doubles"] == {"scalar": 1, "SSE2": 2, "AVX2": 4, "AVX512": 8}[info["isa"]]
    if platform.machine() == "x86_64":
        assert "SSE2" in info["compiled"] and "AVX2" in info["compiled"]


def test_active_clone_is_the_best_supported() -> None:
    info = hpcs.simd_info()
    usable = [isa for isa in info["compiled"] if isa in info["supported"]]
    assert info["isa"] == usable[-1]


def test_versions_agree() -> None:
    assert hpcs.__version__ == hpcs.library_version()
