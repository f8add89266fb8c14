"""ISA reporting: the clone the loader resolved, and the clones themselves."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hpcs

TOOLS = Path(__file__).resolve().parents[1] / "tools"
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


needs_objdump = pytest.mark.skipif(
    platform.machine() != "x86_64" or shutil.which("objdump") is None
    or shutil.which("nm") is None or shutil.which("cc") is None,
    reason="x86-64 with binutils and a C compiler only")


@needs_objdump
@pytest.mark.native
@pytest.mark.no_asan  # a sanitizer build is not vectorised as the release one is
def test_clone_check_on_the_installed_library() -> None:
    """tools/check_clones.py: no clone calls a baseline floating-point
    helper, and the main loops' AVX2/AVX-512 clones use ymm/zmm."""
    run = subprocess.run([sys.executable, str(TOOLS / "check_clones.py")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    if len(hpcs.simd_info()["compiled"]) > 1:
        assert "\nOK: " in run.stdout


HELPER_LIB = """
#define CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
INLINE double scaled(const double *x, long n, double s)
{ double t = 0; for (long i = 0; i < n; i++) t += x[i] * s; return t; }
CLONES static double kernel(const double *x, long n)
{ double t = 0; for (long i = 0; i < n; i++) t += x[i]; return t + scaled(x, n, 2.0); }
__attribute__((visibility("default"))) double entry(const double *x, long n)
{ return kernel(x, n); }
"""


@needs_objdump
@pytest.mark.native
@pytest.mark.parametrize("inline", [True, False])
def test_clone_check_finds_a_baseline_helper(tmp_path: Path, inline: bool) -> None:
    """The checker fails a clone that calls a non-inlined FP helper."""
    src = tmp_path / "lib.c"
    attr = "static inline __attribute__((always_inline))" if inline else \
        "__attribute__((noinline)) static"
    src.write_text(HELPER_LIB.replace("INLINE", attr))
    lib = tmp_path / "libprobe.so"
    subprocess.run([shutil.which("cc"), "-O3", "-fPIC", "-shared", "-fvisibility=hidden",
                    str(src), "-o", str(lib)], check=True)
    run = subprocess.run([sys.executable, str(TOOLS / "check_clones.py"), str(lib)],
                         capture_output=True, text=True)
    if inline:
        # The library lacks this package's PENDING helpers: only those fail.
        problems = [ln for ln in run.stdout.splitlines() if ln.startswith("  ")
                    and "PENDING entry" not in ln and " calls " in ln]
        assert problems == [], run.stdout
    else:
        assert run.returncode == 1
        assert "kernel.arch_x86_64_v3 calls scaled" in run.stdout, run.stdout
