"""C status codes → Python exceptions, in one place."""

from __future__ import annotations

from hpcs._lib import ffi, lib


class HPCSError(RuntimeError):
    """A failure inside the C library that is not a bad argument or lack of memory."""


#: Every status code of ``hpcs_status`` except HPCS_OK, and the exception it raises.
#: tests/test_errors.py (test_every_status_code_is_mapped) checks that no code is missing.
STATUS_EXCEPTIONS: dict[int, type[Exception]] = {
    lib.HPCS_ERR_ARG: ValueError,
    lib.HPCS_ERR_NULL: HPCSError,
    lib.HPCS_ERR_EMPTY: ValueError,
    lib.HPCS_ERR_NOMEM: MemoryError,
    lib.HPCS_ERR_INTERNAL: HPCSError,
}

#: Extra words for codes whose C text alone would not tell a Python user what to do.
_HINTS: dict[int, str] = {
    lib.HPCS_ERR_EMPTY: "zero-size array or no valid (non-NaN, unmasked) value to reduce",
}


def status_message(code: int) -> str:
    """Return the C library's text for a status code.

    >>> status_message(0)
    'HPCS_OK: success'
    """
    return ffi.string(lib.hpcs_status_str(code)).decode()


def check(code: int, op: str) -> None:
    """Raise the exception mapped to ``code`` (a ``hpcs_status``) for operation ``op``.

    >>> check(0, "sum")  # HPCS_OK: nothing happens
    """
    if code == lib.HPCS_OK:
        return
    exc = STATUS_EXCEPTIONS.get(code, HPCSError)
    hint = _HINTS.get(code)
    detail = f"{hint} ({status_message(code)})" if hint else status_message(code)
    raise exc(f"{op}: {detail}")
