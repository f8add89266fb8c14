"""Configuration file: path rules, reading at import, corrupt files, kernels using it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Optional

import pytest

import hpcs
from hpcs import _calibrate, _config, _threads

SHOW = "import hpcs, json; print(json.dumps([hpcs.get_thresholds(), hpcs.get_num_threads()]))"


def _import_hpcs(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("HPCS_CONFIG", "XDG_CONFIG_HOME", "HPCS_NUM_THREADS")}
    return subprocess.run([sys.executable, "-W", "always", "-c", SHOW], capture_output=True,
                          text=True, env={**clean, **env}, cwd="/")


def test_path_rules(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HPCS_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert hpcs.config_path() == tmp_path / "xdg" / "hpcs" / "config.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert hpcs.config_path() == tmp_path / "home" / ".config" / "hpcs" / "config.json"
    monkeypatch.setenv("HPCS_CONFIG", str(tmp_path / "explicit.json"))
    assert hpcs.config_path() == tmp_path / "explicit.json"


def test_config_read_at_import_and_used_by_kernels(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"version": 1, "num_threads": 2,
                                "thresholds": {"reduce": 12345, "rolling": 777}}))
    out = _import_hpcs({"HPCS_CONFIG": str(path)})
    assert out.returncode == 0, out.stderr
    thresholds, threads = json.loads(out.stdout)
    assert thresholds["reduce"] == 12345 and thresholds["rolling"] == 777 and threads == 2
    # The kernels' plan follows the file: threaded just above the threshold.
    plan = ("import hpcs; print(hpcs.plan_threads('reduce', 12344), "
            "hpcs.plan_threads('reduce', 200000))")
    env = {**os.environ, "HPCS_CONFIG": str(path)}
    res = subprocess.run([sys.executable, "-c", plan], capture_output=True, text=True, env=env,
                         cwd="/", check=True)
    assert res.stdout.split() == ["1", "2"]


def test_xdg_location_is_read(tmp_path: Path) -> None:
    path = tmp_path / "hpcs" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"thresholds": {"select": 4242}}))
    out = _import_hpcs({"XDG_CONFIG_HOME": str(tmp_path)})
    assert json.loads(out.stdout)[0]["select"] == 4242


def test_corrupt_config_warns_and_uses_defaults(tmp_path: Path) -> None:
    defaults = json.loads(_import_hpcs({"HPCS_CONFIG": str(tmp_path / "none.json")}).stdout)
    for content in ("{not json", "\xff\xfe"):
        path = tmp_path / "bad.json"
        path.write_bytes(content.encode("latin-1"))
        out = _import_hpcs({"HPCS_CONFIG": str(path)})
        assert out.returncode == 0, (content, out.stderr)
        assert "ignoring the configuration file" in out.stderr
        assert json.loads(out.stdout) == defaults


# --------------------------------------------------------------------------- nothing breaks import
# Each case is read in-process by load_config() (what import runs), with the
# warnings recorded; one subprocess test below checks the import itself.

@pytest.fixture
def load(monkeypatch, tmp_path: Path):
    """load(content or path, env) -> (warning texts, thresholds, threads) after load_config()."""
    monkeypatch.delenv("HPCS_NUM_THREADS", raising=False)
    old = hpcs.get_thresholds()
    defaults_threads = (hpcs.set_num_threads(0), hpcs.get_num_threads())[1]

    def run(content: object, env: Optional[dict] = None) -> tuple[list[str], dict, int]:
        hpcs.reset_thresholds()
        hpcs.set_num_threads(0)
        if isinstance(content, Path):
            path = content
        else:
            path = tmp_path / "config.json"
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        monkeypatch.setenv("HPCS_CONFIG", str(path))
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _threads.apply_environment()
            _config.load_config()
        return [str(w.message) for w in caught], hpcs.get_thresholds(), hpcs.get_num_threads()

    hpcs.reset_thresholds()
    defaults = hpcs.get_thresholds()
    yield run, defaults, defaults_threads
    hpcs.set_thresholds(old)
    hpcs.set_num_threads(0)


_DEEP = "[" * 200_000 + "]" * 200_000
# id, file content, the key the warning must name (None: the whole file is ignored)
BAD_VALUES = [
    ("int-10**23", '{"thresholds": {"reduce": 100000000000000000000000}}', "thresholds.reduce"),
    ("int-2**63", '{"thresholds": {"rolling": 9223372036854775808}}', "thresholds.rolling"),
    ("float", '{"thresholds": {"reduce": 1.5}}', "thresholds.reduce"),
    ("string", '{"thresholds": {"select": "1000"}}', "thresholds.select"),
    ("bool", '{"thresholds": {"reduce": true}}', "thresholds.reduce"),
    ("zero", '{"thresholds": {"reduce": 0}}', "thresholds.reduce"),
    ("negative", '{"thresholds": {"reduce": -5}}', "thresholds.reduce"),
    ("null", '{"thresholds": {"reduce": null}}', "thresholds.reduce"),
    ("unknown-family", '{"thresholds": {"bogus": 5}}', "thresholds.bogus"),
    ("thresholds-list", '{"thresholds": [1, 2]}', "'thresholds'"),
    ("threads-string", '{"num_threads": "many"}', "num_threads"),
    ("threads-huge", '{"num_threads": 99999999999999999999}', "num_threads"),
    ("threads-negative", '{"num_threads": -1}', "num_threads"),
    ("threads-float", '{"num_threads": 2.0}', "num_threads"),
    ("threads-nan", '{"num_threads": NaN}', "num_threads"),
    ("version-string", '{"version": "1"}', "version"),
    ("version-2", '{"version": 2}', "version"),
    ("unknown-key", '{"num_thread": 2}', "num_thread"),
    ("deep-nesting", '{"thresholds": ' + _DEEP + "}", None),
    ("deep-top", _DEEP, None),
    ("huge-digits", '{"num_threads": ' + "9" * 5000 + "}", None),
    ("not-utf8", b'{"num_threads": "\xff"}', None),
    ("not-an-object", "[1, 2]", None),
    ("empty", "", None),
]


@pytest.mark.parametrize("content,key", [r[1:] for r in BAD_VALUES], ids=[r[0] for r in BAD_VALUES])
def test_bad_value_warns_once_naming_the_key(load, content, key) -> None:
    run, defaults, threads = load
    messages, thresholds, nthreads = run(content)
    assert len(messages) == 1, messages
    assert thresholds == defaults and nthreads == threads
    if key is None:
        assert "ignoring the configuration file" in messages[0]
    else:
        assert key in messages[0], messages


def test_good_values_survive_a_bad_one(load) -> None:
    run, defaults, _ = load
    messages, thresholds, nthreads = run(json.dumps(
        {"version": 1, "num_threads": 1, "thresholds": {"reduce": 4321, "select": 1.5}}))
    assert len(messages) == 1 and "thresholds.select" in messages[0]
    assert thresholds == {**defaults, "reduce": 4321} and nthreads == 1


@pytest.mark.parametrize("make", ["too-big", "directory", "long-component", "long-path",
                                  "file-as-dir"])
def test_odd_files_warn_and_use_defaults(load, tmp_path: Path, make: str) -> None:
    run, defaults, threads = load
    if make == "too-big":
        path = tmp_path / "big.json"
        path.write_text('{"num_threads": 1' + " " * (1 << 20) + "}")
    elif make == "directory":
        path = tmp_path / "dir.json"
        path.mkdir()
    elif make == "long-component":
        path = tmp_path / ("x" * 300) / "config.json"
    elif make == "long-path":
        path = Path("/" + "/".join(["y" * 200] * 30))
    else:
        path = tmp_path / "file" / "config.json"
        (tmp_path / "file").write_text("{}")  # a file where a directory is expected
    messages, thresholds, nthreads = run(path)
    assert thresholds == defaults and nthreads == threads
    assert len(messages) <= 1 and all("configuration file" in m for m in messages), messages
    if make in ("too-big", "directory", "long-component"):
        assert len(messages) == 1


def _limit_memory() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # an unbounded read fails fast


@pytest.mark.no_asan  # ASan reserves terabytes of shadow: the address-space limit kills it
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom"])
def test_import_with_a_special_file_as_config(tmp_path: Path, kind: str) -> None:
    """In a subprocess, with a timeout and a memory limit: a regression must not hang the run."""
    if kind == "fifo":
        path = tmp_path / "fifo"
        os.mkfifo(path)  # nobody writes: a blocking open or read would hang the import
    else:
        path = Path(kind)
        if not path.exists():
            pytest.skip(f"no {path}")
    clean = {k: v for k, v in os.environ.items() if k not in ("HPCS_CONFIG", "XDG_CONFIG_HOME")}
    env = {**clean, "HPCS_CONFIG": str(path)}
    if kind == "fifo":
        env["HPCS_NUM_THREADS"] = "99999999999999999999"
    out = subprocess.run([sys.executable, "-W", "always", "-c", SHOW], capture_output=True,
                         text=True, cwd="/", timeout=60, env=env, preexec_fn=_limit_memory)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("Warning") == (2 if kind == "fifo" else 1), out.stderr
    assert "not a regular file" in out.stderr
    if kind == "fifo":
        assert "HPCS_NUM_THREADS" in out.stderr


@pytest.mark.parametrize("value", ["99999999999999999999", "abc", "-1", "2.0", "1e3", "٣",
                                   "²", " ", "9223372036854775808"])
def test_bad_hpcs_num_threads_warns_and_file_value_applies(load, value: str) -> None:
    run, _, _ = load
    messages, _, nthreads = run('{"num_threads": 1}', {"HPCS_NUM_THREADS": value})
    named = [m for m in messages if "HPCS_NUM_THREADS" in m]
    assert len(named) == (0 if not value.strip() else 1), messages
    assert nthreads == 1  # the environment's bad value falls back: the file's setting holds


# --------------------------------------------------------------------------- calibrate
# The machine's load is simulated by injecting the /proc/stat reader; the
# sizes are shrunk so that a run takes milliseconds.  No timing is asserted.

def _fake_stat(busy_step: int):
    state = [0, 0]

    def read() -> tuple[int, int]:
        state[0] += busy_step
        state[1] += 1000
        return state[0], state[1]
    return read


@pytest.fixture
def tiny_calibrate(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(_calibrate, "_plan", lambda quick: ([1024, 2048], 2, 0.0))
    monkeypatch.setenv("HPCS_CONFIG", str(tmp_path / "config.json"))
    old = hpcs.get_thresholds()
    yield tmp_path / "config.json"
    hpcs.set_thresholds(old)
    hpcs.set_num_threads(0)


def test_calibrate_on_a_busy_machine_keeps_the_previous_thresholds(monkeypatch,
                                                                  tiny_calibrate) -> None:
    previous = {"reduce": 5000, "select": 6000, "rolling": 7000, "rolling_order": 8000}
    hpcs.set_thresholds(previous)
    monkeypatch.setattr(_calibrate, "read_cpu_times", _fake_stat(busy_step=900))
    with pytest.warns(RuntimeWarning, match="other processes"):
        result = hpcs.calibrate(quick=True)
    assert result["kept_busy"] == list(_threads.FAMILIES)
    assert result["thresholds"] == previous == hpcs.get_thresholds()
    saved = json.loads(tiny_calibrate.read_text())
    assert saved["thresholds"] == previous and saved["version"] == 1


def test_calibrate_on_a_quiet_machine_uses_what_it_measured(monkeypatch, tiny_calibrate) -> None:
    monkeypatch.setattr(_calibrate, "read_cpu_times", _fake_stat(busy_step=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = hpcs.calibrate(quick=True, write=False)
    assert result["kept_busy"] == []
    for family, record in result["families"].items():
        assert result["thresholds"][family] == record["measured"] == record["threshold"]
        assert record["others_cpu_share"] == 0.0
        assert len(record["timings"]) == 2 and all(row["speedup"] > 0 for row in record["timings"])
    assert not tiny_calibrate.exists()


def test_calibrate_without_proc_stat_still_measures(monkeypatch, tiny_calibrate) -> None:
    monkeypatch.setattr(_calibrate, "read_cpu_times", lambda: None)
    result = hpcs.calibrate(quick=True, write=False)
    assert result["kept_busy"] == [] and set(result["thresholds"]) == set(_threads.FAMILIES)


def test_calibrate_keeps_the_other_settings_of_the_file(monkeypatch, tiny_calibrate) -> None:
    tiny_calibrate.write_text(json.dumps({"num_threads": 1, "thresholds": {"reduce": 99}}))
    monkeypatch.setattr(_calibrate, "read_cpu_times", _fake_stat(busy_step=0))
    hpcs.calibrate(quick=True)
    saved = json.loads(tiny_calibrate.read_text())
    assert saved["num_threads"] == 1 and set(saved["thresholds"]) == set(_threads.FAMILIES)


def test_proc_stat_reader() -> None:
    sample = _calibrate.read_cpu_times()
    if not Path("/proc/stat").exists():
        assert sample is None
        return
    busy, total = sample
    assert 0 <= busy <= total


def test_never_is_shown_as_never() -> None:
    assert _calibrate.describe_threshold(_calibrate.NEVER) == "never"
    assert _calibrate.describe_threshold(2**63 - 1) == "never"
    assert _calibrate.describe_threshold(262144) == "262,144"
