"""ISA reporting: the clone the loader resolved."""

from __future__ import annotations

import platform
import hpcs

WIDTH = {"scalar": 1, "SSE2": 2, "AVX2": 4, "AVX512": 8}
SUFFIX = {"SSE2": ".default", "AVX2": ".arch_x86_64_v3", "AVX512": ".arch_x86_64_v4"}


def test_simd_info_shape() -> None:
    info = hpcs.simd_info()
    assert {"isa", "width_doubles", "compiled", "supported"} <= set(info)
    assert info["isa"] in info["compiled"]
    assert info["isa"] in info["supported"]
    assert info["width_doubles"] == WIDTH[info["isa"]]
    if platform.machine() == "x86_64":
        assert "SSE2" in info["compiled"] and "AVX2" in info["compiled"]


def test_active_clone_is_observed() -> None:
    """`isa` is read back from the loader's resolution, not predicted."""
    info = hpcs.simd_info()
    assert info["observed"]
    if len(info["compiled"]) > 1:
        assert info["clone_symbol"].endswith(SUFFIX[info["isa"]])
    else:
        assert info["clone_symbol"] == ""


def test_observed_clone_is_the_best_supported() -> None:
    """The loader chose what GCC's resolver order predicts: the widest clone
    this CPU supports (under qemu, the emulated CPU's; see run_isas.sh)."""
    info = hpcs.simd_info()
    usable = [isa for isa in info["compiled"] if isa in info["supported"]]
    assert info["isa"] == usable[-1] == info["isa_inferred"]


def test_versions_agree() -> None:
    assert hpcs.__version__ == hpcs.library_version()
