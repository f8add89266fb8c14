"""Where the installed C library, header and pkg-config file are."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def get_include() -> str:
    """Directory holding ``hpcs.h``, for ``-I``.

    >>> import hpcs, os
    >>> os.path.exists(os.path.join(hpcs.get_include(), "hpcs.h"))
    True
    """
    return str(_PACKAGE_DIR / "include")


def get_library_path() -> str:
    """Full path of the installed ``libhpcs_core.so``.

    >>> import hpcs, os
    >>> os.path.basename(hpcs.get_library_path())
    'libhpcs_core.so'
    """
    return str(_PACKAGE_DIR / "libhpcs_core.so")


def get_pkgconfig_dir() -> str:
    """Directory holding ``hpcs_core.pc``, for ``PKG_CONFIG_PATH``.

    >>> import hpcs, os
    >>> os.path.exists(os.path.join(hpcs.get_pkgconfig_dir(), "hpcs_core.pc"))
    True
    """
    return str(_PACKAGE_DIR / "lib" / "pkgconfig")
