"""The examples in every public docstring run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hpcs

# Every Python module of the installed package (not the compiled ones).
MODULES = sorted(f"hpcs.{p.stem}" for p in Path(hpcs.__file__).parent.glob("*.py")
                 if p.stem not in ("__init__", "__main__", "_build_ffi"))


#: Modules over an optional extra: their examples need it installed.
OPTIONAL = {"hpcs.dask": "dask.array", "hpcs.pandas": "pandas"}
OPTIONAL["hpcs._dask_ewm"] = "dask.array"


@pytest.mark.parametrize("name", ["hpcs", *MODULES])
def test_docstring_examples(name: str) -> None:
    if name in OPTIONAL:
        pytest.importorskip(OPTIONAL[name])
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


# ---------------------------------------------------------------- README.md, verbatim

REPO = Path(__file__).resolve().parents[1]
#: The README's install commands (`python3 -m venv .venv && ... && pip install ...`):
#: the environment running this suite is such an install, so only what follows
#: the install runs here; .ci/run runs the test install itself in a fresh venv.
_INSTALL = re.compile(r"^python3 -m venv \.venv && \. \.venv/bin/activate && "
                      r"pip install '\.\[(\w+)\]' && (.*)$")
#: Commands too slow for the default suite (seconds to minutes on a busy machine).
_SLOW = ("hpcs bench", "demo.py")


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def _runnable(block: str) -> str:
    """The block as it runs in an environment where hpcs is installed."""
    lines = []
    for line in block.splitlines():
        m = _INSTALL.match(line)
        if m:
            line = "" if m.group(2) == "pytest" else m.group(2)  # pytest: this very run
        lines.append(line)
    return "\n".join(lines)


def _readme_params() -> list:
    out = []
    for i, block in enumerate(_shell_blocks((REPO / "README.md").read_text())):
        marks = [pytest.mark.slow] if any(s in block for s in _SLOW) else []
        out.append(pytest.param(block, id=f"block{i}", marks=marks))
    return out


def _c_example_block() -> str:
    """The build lines in examples/c/rolling_median.c's header comment."""
    text = (REPO / "examples/c/rolling_median.c").read_text()
    head = text[: text.index("*/")]
    return "\n".join(line[len(" *   "):] for line in head.splitlines()
                     if line.startswith(" *   "))


def _run_in_clone(script: str, tmp_path: Path, cwd: str = ".") -> subprocess.CompletedProcess:
    """Run ``script`` with bash in a copy of the clone's root: the source ``hpcs/``
    is there, to shadow the installed package as it does in a real clone."""
    root = tmp_path / "clone"
    for name in ("examples", "hpcs"):
        shutil.copytree(REPO / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copy(REPO / "meson.build", root / "meson.build")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
           + os.environ.get("PATH", ""), "HPCS_CONFIG": str(tmp_path / "config.json")}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=root / cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def _needs_tools(script: str) -> None:
    for tool in ("cc", "pkg-config"):
        if re.search(rf"(^|[\s(]){tool}\s", script) and shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    if re.search(r"(^|\s)cc\s", script) and not Path(hpcs.get_include(), "hpcs.h").exists():
        pytest.skip("no installed header (an editable install): C builds need `pip install .`")


# Native: builds and runs native binaries (qemu would not follow them).
@pytest.mark.native
@pytest.mark.parametrize("block", _readme_params())
def test_readme_command_works_from_the_clone_root(block: str, tmp_path: Path) -> None:
    script = _runnable(block)
    _needs_tools(script)
    out = _run_in_clone(script, tmp_path)
    assert out.returncode == 0, f"{script}\n--- stdout\n{out.stdout}\n--- stderr\n{out.stderr}"
    assert "Traceback" not in out.stderr and "Warning" not in out.stderr, out.stderr


def test_readme_install_command_is_what_ci_runs() -> None:
    """The test install is not rerun here: .ci/run runs it, verbatim, in a fresh venv."""
    readme = (REPO / "README.md").read_text()
    commands = [m.group(0) for b in _shell_blocks(readme) for line in b.splitlines()
                if (m := _INSTALL.match(line))]
    assert commands, "no install command in README.md"
    ci = (REPO / ".ci/run").read_text()
    test_install = [c for c in commands if c.endswith("&& pytest")]
    assert test_install and test_install[0].split(" && ", 2)[2] in ci


@pytest.mark.native
def test_c_example_build_lines_work(tmp_path: Path) -> None:
    script = _c_example_block()
    assert "hpcs config" in script and "pkg-config" in script
    _needs_tools(script)
    out = _run_in_clone(script, tmp_path, cwd="examples/c")
    assert out.returncode == 0, f"{script}\n--- stdout\n{out.stdout}\n--- stderr\n{out.stderr}"
    # Both builds ran: each run prints its "hpcs <version>, <ISA> kernels" line.
    assert sum(line.startswith("hpcs ") for line in out.stdout.splitlines()) == 2, out.stdout
