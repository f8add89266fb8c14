"""Configuration file: path rules, reading at import, corrupt files, kernels using it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hpcs

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
    for content in ("{not json", "[1, 2]", '{"thresholds": {"reduce": -5}}',
                    '{"thresholds": {"bogus": 5}}', '{"num_threads": "many"}', "\xff\xfe"):
        path = tmp_path / "bad.json"
        path.write_bytes(content.encode("latin-1"))
        out = _import_hpcs({"HPCS_CONFIG": str(path)})
        assert out.returncode == 0, (content, out.stderr)
        assert "ignoring the configuration file" in out.stderr
        assert json.loads(out.stdout) == defaults


def test_unreadable_config_warns(tmp_path: Path) -> None:
    path = tmp_path / "dir.json"
    path.mkdir()  # a directory: reading it fails
    out = _import_hpcs({"HPCS_CONFIG": str(path)})
    assert out.returncode == 0 and "ignoring the configuration file" in out.stderr


def test_config_function() -> None:
    cfg = hpcs.config()
    assert cfg["thresholds"] == hpcs.get_thresholds()
    assert cfg["num_threads"] == hpcs.get_num_threads()
