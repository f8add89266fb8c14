"""The configuration file: where it is, reading it at import, writing it.

Path: ``$HPCS_CONFIG``, else ``$XDG_CONFIG_HOME/hpcs/config.json``, else
``~/.config/hpcs/config.json``.  Contents (all optional)::

    {"version": 1,
     "num_threads": 2,
     "thresholds": {"reduce": 1048576, "select": 1048576, "rolling": 262144,
                    "rolling_order": 16384},
     "calibration": {...what calibrate() measured...}}

A corrupt or unreadable file gives a warning and the built-in defaults.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from hpcs import _threads

CONFIG_VERSION = 1


def config_path() -> Path:
    """The configuration file's path (it may not exist).

    >>> import hpcs
    >>> hpcs.config_path().is_absolute() or "HPCS_CONFIG" in __import__("os").environ
    True
    """
    explicit = os.environ.get("HPCS_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hpcs" / "config.json"


def read_config(path: Path) -> dict[str, Any]:
    """Parse and check a config file; raise ValueError if it is malformed."""
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict) or any(
        name not in _threads.FAMILIES or not isinstance(value, int) or value < 1
        for name, value in thresholds.items()
    ):
        raise ValueError(f"{path}: 'thresholds' must map {_threads.FAMILIES} to integers >= 1")
    threads = data.get("num_threads")
    if threads is not None and (not isinstance(threads, int) or threads < 0):
        raise ValueError(f"{path}: 'num_threads' must be an integer >= 0")
    return data


def apply_config(data: dict[str, Any]) -> None:
    """Push a checked config's settings into the C library."""
    _threads.set_thresholds(data.get("thresholds", {}))
    if data.get("num_threads") is not None and not os.environ.get("HPCS_NUM_THREADS"):
        _threads.set_num_threads(data["num_threads"])


def load_config() -> None:
    """Read the config file if there is one (at import); on error warn and keep defaults."""
    path = config_path()
    if not path.exists():
        return
    try:
        apply_config(read_config(path))
    except ValueError as exc:
        _threads.reset_thresholds()
        warnings.warn(f"hpcs: ignoring the configuration file: {exc}", RuntimeWarning,
                      stacklevel=2)


def write_config(data: dict[str, Any]) -> Path:
    """Write ``data`` as the config file (atomically) and return its path."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"version": CONFIG_VERSION, **data}, indent=2) + "\n")
    tmp.replace(path)
    return path


def config() -> dict[str, Any]:
    """The configuration in force: file path, whether it exists, threads, thresholds.

    >>> import hpcs
    >>> sorted(hpcs.config())
    ['exists', 'num_threads', 'path', 'thresholds']
    """
    path = config_path()
    return {
        "path": str(path),
        "exists": path.exists(),
        "num_threads": _threads.get_num_threads(),
        "thresholds": _threads.get_thresholds(),
    }
