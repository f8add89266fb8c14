"""The command line, through subprocesses, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hpcs

# The CLI runs in native subprocesses: under qemu its ISA differs from ours.
pytestmark = pytest.mark.native


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m hpcs ARGS` from a neutral directory with its own config path."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "hpcs", *args], capture_output=True,
                          text=True, env=full_env, cwd="/", timeout=300)


@pytest.fixture
def config_env(tmp_path: Path) -> dict:
    return {"HPCS_CONFIG": str(tmp_path / "config.json")}


def test_version(config_env) -> None:
    out = run("version", env=config_env)
    assert out.returncode == 0
    assert hpcs.__version__ in out.stdout and hpcs.simd_info()["isa"] in out.stdout
    data = json.loads(run("version", "--json", env=config_env).stdout)
    assert data["hpcs"] == hpcs.__version__ and data["isa"] == hpcs.simd_info()["isa"]


def test_cpuinfo(config_env) -> None:
    out = run("cpuinfo", env=config_env)
    assert out.returncode == 0
    for word in ("CPU Vendor", "Physical Cores", "Logical Cores", "Optimal Threads", "L1",
                 "Active ISA", "AVX2", "AVX-512"):
        assert word in out.stdout
    data = json.loads(run("cpuinfo", "--json", env=config_env).stdout)
    assert data == hpcs.get_cpu_info()


def test_bench_json_and_table(config_env) -> None:
    out = run("bench", "--size", "2000", "--iterations", "1", "--ops", "sum,rolling_median",
              "--json", env=config_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # progress never mixes into JSON
    assert [r["op"] for r in data["rows"]] == ["sum", "rolling_median"]
    assert data["rows"][0]["hpcs_ms"] > 0 and "numpy" in data["rows"][0]["peers_ms"]
    table = run("bench", "--size", "2000", "--iterations", "1", "--ops", "mean", env=config_env)
    assert table.returncode == 0 and "mean" in table.stdout and "numpy" in table.stdout
    assert "\r" not in table.stderr  # no progress on a pipe


def test_bench_bad_op_is_usage_error(config_env) -> None:
    out = run("bench", "--ops", "bogus", env=config_env)
    assert out.returncode == 2 and "bogus" in out.stderr


def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    assert run("bogus").returncode == 2
    assert run("bench", "--size", "many").returncode == 2


@pytest.mark.parametrize("command", ["version", "cpuinfo", "bench", "config", "calibrate",
                                     "test"])
def test_every_command_has_help(command: str) -> None:
    out = run(command, "--help")
    assert out.returncode == 0 and "usage" in out.stdout


def test_selftest_passes_outside_the_repository(config_env) -> None:
    out = run("test", env=config_env)
    assert out.returncode == 0, out.stdout
    assert out.stdout.strip().endswith(", 0 failed")


def test_config_flags_build_a_c_program(tmp_path: Path, config_env) -> None:
    import shutil

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    flags = run("config", "--cflags", "--libs", env=config_env).stdout.split()
    src = tmp_path / "prog.c"
    src.write_text('#include <hpcs.h>\n#include <stdio.h>\nint main(void){double s;'
                   'double x[3]={1,2,3};if(hpcs_sum_f64(x,1,3,1,0,0,&s))return 1;'
                   'printf("%g %s\\n", s, hpcs_version());return 0;}\n')
    exe = tmp_path / "prog"
    subprocess.run([cc, str(src), "-o", str(exe), *flags], check=True)
    assert subprocess.run([str(exe)], capture_output=True, text=True).stdout.split() == \
        ["6", hpcs.__version__]


def test_config_shows_path_and_values(config_env) -> None:
    out = run("config", env=config_env)
    assert out.returncode == 0 and config_env["HPCS_CONFIG"] in out.stdout
    assert run("config", "--path", env=config_env).stdout.strip() == config_env["HPCS_CONFIG"]


def test_calibrate_quick_writes_config_that_is_used(config_env) -> None:
    out = run("calibrate", "--quick", env=config_env)
    assert out.returncode == 0, out.stderr
    saved = json.loads(Path(config_env["HPCS_CONFIG"]).read_text())
    assert set(saved["thresholds"]) == {"reduce", "select", "rolling", "rolling_order"}
    code = "import hpcs, json; print(json.dumps(hpcs.get_thresholds()))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, **config_env}, cwd="/", check=True)
    assert json.loads(loaded.stdout) == saved["thresholds"]


@pytest.mark.parametrize("args,named", [
    (["bench", "--size", "0"], "--size"),
    (["bench", "--size", "-5"], "--size"),
    (["bench", "--size", "1.5"], "--size"),
    (["bench", "--iterations", "0"], "--iterations"),
    (["bench", "--iterations", "-1"], "--iterations"),
    (["bench", "--window", "0"], "--window"),
    (["bench", "--ops", "sum,bogus"], "--ops"),
    (["version", "--jsn"], "--jsn"),
    (["test", "--bogus"], "--bogus"),
])
def test_bad_arguments_are_named_with_the_commands_usage(args: list, named: str) -> None:
    out = run(*args)
    assert out.returncode == 2, out
    assert named in out.stderr and f"usage: hpcs {args[0]}" in out.stderr, out.stderr
    assert "Warning" not in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_bench_size_as_help_writes_it(config_env) -> None:
    """--help says "default 1e6": 1e3 is accepted, as 1000."""
    out = run("bench", "--size", "1e3", "--iterations", "1", "--ops", "sum", "--json",
              env=config_env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["size"] == 1000


def test_version_flag(config_env) -> None:
    out = run("--version", env=config_env)
    assert out.returncode == 0 and out.stdout == run("version", env=config_env).stdout


def test_small_sizes_never_show_zero_times(config_env) -> None:
    out = run("bench", "--size", "100", "--iterations", "2", "--ops", "sum,rolling_mean",
              env=config_env)
    assert out.returncode == 0, out.stderr
    assert " 0.00 " not in out.stdout and "µs" in out.stdout, out.stdout


def test_missing_peers_are_named_with_the_extra(monkeypatch, capsys) -> None:
    from hpcs import _bench
    from hpcs.cli import main

    real = _bench._optional
    monkeypatch.setattr(_bench, "_optional",
                        lambda name: None if name == "polars" else real(name))
    assert main(["bench", "--size", "100", "--iterations", "1", "--ops", "sum"]) == 0
    out = capsys.readouterr().out
    assert "polars" in out and "pip install 'hpcs[bench]'" in out


def test_python_m_hpcs_in_the_source_tree_says_what_to_do(tmp_path: Path) -> None:
    """From a clone's root `python -m hpcs` imports the source tree: say so, no traceback."""
    repo = Path(__file__).resolve().parents[1]
    if Path(hpcs.__file__).resolve().is_relative_to(repo):
        pytest.skip("editable install: the source tree is the installed package")
    import shutil

    shutil.copytree(repo / "hpcs", tmp_path / "hpcs",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copy(repo / "meson.build", tmp_path / "meson.build")
    out = subprocess.run([sys.executable, "-m", "hpcs", "test"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert "shadows the installed hpcs" in out.stderr and "hpcs test" in out.stderr, out.stderr
