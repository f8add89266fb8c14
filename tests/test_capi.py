"""C users: the installed header, library and pkg-config file work."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import hpcs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "c" / "rolling_median.c"
CC = shutil.which("cc") or shutil.which("gcc")

pytestmark = [pytest.mark.skipif(CC is None, reason="no C compiler"), pytest.mark.native]


def _build_and_run(tmp_path: Path, flags: list[str]) -> str:
    exe = tmp_path / "rolling_median"
    subprocess.run([CC, str(EXAMPLE), "-o", str(exe), *flags], check=True,
                   capture_output=True, text=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout


def test_installed_files_exist() -> None:
    assert os.path.isfile(os.path.join(hpcs.get_include(), "hpcs.h"))
    assert os.path.isfile(hpcs.get_library_path())
    assert os.path.isfile(os.path.join(hpcs.get_pkgconfig_dir(), "hpcs_core.pc"))


def test_example_links_against_installed_library(tmp_path: Path) -> None:
    libdir = os.path.dirname(hpcs.get_library_path())
    out = _build_and_run(tmp_path, [f"-I{hpcs.get_include()}", f"-L{libdir}",
                                    f"-Wl,-rpath,{libdir}", "-lhpcs_core", "-lm"])
    lines = out.splitlines()
    assert lines[0].startswith(f"hpcs {hpcs.__version__}, {hpcs.simd_info()['isa']}")
    # window 3, min_periods 2 over [1, 2, 100, 3, 4, nan, 5, 6]
    assert lines[1] == "nan 1.5 2 3 4 3.5 4.5 5.5"
    assert lines[2] == "sum(skipna) = 121"
    assert lines[3].startswith("window 0 -> HPCS_ERR_ARG")


@pytest.mark.skipif(shutil.which("pkg-config") is None, reason="no pkg-config")
def test_example_builds_with_pkg_config(tmp_path: Path) -> None:
    env = {**os.environ, "PKG_CONFIG_PATH": hpcs.get_pkgconfig_dir()}
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "hpcs_core"], env=env,
                           check=True, capture_output=True, text=True).stdout.split()
    out = _build_and_run(tmp_path, flags + ["-lm"])
    assert "nan 1.5 2 3 4 3.5 4.5 5.5" in out


C_TESTS = Path(__file__).resolve().parent / "c"
HARNESSES = sorted(C_TESTS.glob("test_*.c"))
#: Harnesses that run under LD_PRELOAD of the failmalloc shim (as in
#: tests/c/meson.build).
PRELOAD_SHIM = {"test_failmalloc"}


# The shim's LD_PRELOAD would displace the ASan runtime, which must come first.
@pytest.mark.parametrize("harness", [pytest.param(h, marks=pytest.mark.no_asan)
                                     if h.stem in PRELOAD_SHIM else h for h in HARNESSES],
                         ids=lambda p: p.stem)
def test_c_harness(tmp_path: Path, harness: Path) -> None:
    """The Python-free C harnesses of tests/c, linked against the installed
    library (every clone and the dispatch; Meson runs them too, against its
    build: tools/run_ctests.sh)."""
    libdir = os.path.dirname(hpcs.get_library_path())
    exe = tmp_path / harness.stem
    subprocess.run([CC, "-std=gnu11", "-O2", "-ffp-contract=off", f"-I{hpcs.get_include()}",
                    str(harness), f"-L{libdir}", f"-Wl,-rpath,{libdir}", "-lhpcs_core",
                    "-lm", "-ldl", "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    env = dict(os.environ)
    if harness.stem in PRELOAD_SHIM:
        shim = tmp_path / "libfailmalloc.so"
        subprocess.run([CC, "-shared", "-fPIC", "-O1", "-o", str(shim),
                        str(C_TESTS / "failmalloc.c"), "-ldl"], check=True)
        env["LD_PRELOAD"] = str(shim)
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert " 0 failed" in out.stdout


def test_public_header_has_64_bit_lengths() -> None:
    """Every length, window or count in the C API is int64_t, never int/long."""
    import re

    text = Path(hpcs.get_include(), "hpcs.h").read_text()
    narrow = re.findall(r"\b(?:int|long|unsigned|int32_t|uint32_t)\s+"
                        r"(?:n|nq|window|min_periods|ddof|outer|inner|len|size|count)\b", text)
    assert narrow == []
