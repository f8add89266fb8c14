"""The configuration file: where it is, reading it at import, writing it.

Path: ``$HPCS_CONFIG``, else ``$XDG_CONFIG_HOME/hpcs/config.json``, else
``~/.config/hpcs/config.json``.  Contents (all optional)::

    {"version": 1,
     "num_threads": 2,
     "thresholds": {"reduce": 1048576, "select": 1048576, "rolling": 262144,
                    "rolling_order": 16384},
     "calibration": {...what calibrate() measured...}}

The file is read only if it is a regular file of at most 1 MiB, opened
without blocking.  A file that cannot be used gives one warning and the
built-in defaults; a bad value (wrong type, out of range, unknown key) gives
one warning naming its key, and that setting keeps its default.  Nothing in
the file or the environment makes ``import hpcs`` fail.
"""

from __future__ import annotations

import json
import os
import stat
import warnings
from pathlib import Path
from typing import Any

from hpcs import _threads
from hpcs._validate import INT64_MAX

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


#: Largest config file read; a larger one is not ours (or not a config).
MAX_BYTES = 1 << 20
_SHOWN = 60  # characters of a key or value quoted in a warning


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_BYTES, opened without blocking."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: a FIFO without a writer must not hang import
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES} bytes")
        chunks, size = [], 0
        while size <= MAX_BYTES:  # the size may change while we read: bound the read itself
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_count(data: dict, key: str, low: int, problems: list[str], shown: str) -> bool:
    value = data[key]
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= INT64_MAX:
        return True
    problems.append(f"{shown} must be an integer in [{low}, 2**63 - 1], got {_shown(value)}; "
                    "using the default")
    return False


def read_config(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Read and check a config file: (its valid settings, one problem per bad key).

    A file that cannot be used at all (missing, not a regular file, over
    1 MiB, not UTF-8 JSON, nested too deep, not an object) raises ValueError.
    """
    try:
        text = _read_bytes(path).decode("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:  # ValueError: UnicodeDecodeError, JSONDecodeError
        raise ValueError(f"cannot read {path}: {exc}") from None
    except RecursionError:
        raise ValueError(f"cannot read {path}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(data).__name__}")
    problems: list[str] = []
    settings: dict[str, Any] = {}
    for key, value in data.items():
        if key == "version":
            if value == CONFIG_VERSION and type(value) is int:
                settings[key] = value
            else:
                problems.append(f"'version' must be {CONFIG_VERSION}, got {_shown(value)}; "
                                "read as version 1")
        elif key == "num_threads":
            if _check_count(data, key, 0, problems, "'num_threads'"):
                settings[key] = value
        elif key == "thresholds":
            if not isinstance(value, dict):
                problems.append(f"'thresholds' must be an object, got {_shown(value)}; "
                                "using the defaults")
                continue
            thresholds = {}
            for name in value:
                label = f"'thresholds.{_shown(name)[1:-1]}'"
                if name not in _threads.FAMILIES:
                    problems.append(f"{label} is not one of {_threads.FAMILIES}; ignored")
                elif _check_count(value, name, 1, problems, label):
                    thresholds[name] = value[name]
            settings[key] = thresholds
        elif key == "calibration":
            settings[key] = value  # a record of what calibrate() measured; not applied
        else:
            problems.append(f"unknown key {_shown(key)}; ignored")
    return settings, problems


def apply_config(data: dict[str, Any]) -> None:
    """Push a checked config's settings into the C library."""
    _threads.set_thresholds(data.get("thresholds", {}))
    if data.get("num_threads") is not None and _threads.environment_threads() is None:
        _threads.set_num_threads(data["num_threads"])


def _warn(message: str) -> None:
    warnings.warn(f"hpcs: {message}", RuntimeWarning, stacklevel=3)


def load_config() -> None:
    """Read the config file if there is one (at import).

    Never raises: an unusable file gives one warning and the defaults; a bad
    value gives one warning naming its key, and that setting's default.
    """
    try:
        path = config_path()
        if not path.exists():  # an over-long name raises OSError: a warning below
            return
        settings, problems = read_config(path)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        # OSError: an over-long path component; RuntimeError/KeyError: no home directory.
        _threads.reset_thresholds()
        _warn(f"ignoring the configuration file: {exc}")
        return
    for problem in problems:
        _warn(f"configuration file {path}: {problem}")
    apply_config(settings)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a path component longer than the system allows
        return False


def file_settings() -> dict[str, Any]:
    """The valid settings of the config file, {} when there is none (no warnings)."""
    try:
        return read_config(config_path())[0]
    except (OSError, ValueError, RuntimeError, KeyError):
        return {}


def write_config(data: dict[str, Any]) -> Path:
    """Write ``data`` over the config file's valid settings (atomically); return its path."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = {"version": CONFIG_VERSION, **file_settings(), **data}
    merged["version"] = CONFIG_VERSION
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, indent=2) + "\n")
    tmp.replace(path)
    return path


def config() -> dict[str, Any]:
    """The configuration in force: file path, whether it exists, threads, thresholds.

    ``file`` holds the config file's valid settings as read (``version``,
    ``num_threads``, ``thresholds``, ``calibration``); {} without a file.

    >>> import hpcs
    >>> sorted(hpcs.config())
    ['exists', 'file', 'num_threads', 'path', 'thresholds']
    """
    path = config_path()
    return {
        "path": str(path),
        "exists": _exists(path),
        "num_threads": _threads.get_num_threads(),
        "thresholds": _threads.get_thresholds(),
        "file": file_settings(),
    }
