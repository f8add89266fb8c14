"""Generate the cffi (API mode) binding from the public C header.

Run by Meson at build time::

    python hpcs/_build_ffi.py csrc/include/hpcs.h <build>/_hpcs_cffi.c

The header is the single source of truth: the declarations between the
``HPCS_CDEF_BEGIN`` and ``HPCS_CDEF_END`` markers are given to ``ffi.cdef``
(cdef runs no preprocessor, so ``#`` lines are dropped), and the generated C
includes the real header, so the compiler checks the two agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import cffi

BEGIN_MARKER = "/* HPCS_CDEF_BEGIN */"
END_MARKER = "/* HPCS_CDEF_END */"


def cdef_from_header(header_text: str) -> str:
    """Return the cdef-ready declarations of the public header.

    >>> cdef_from_header("x /* HPCS_CDEF_BEGIN */ int f(void); /* HPCS_CDEF_END */")
    'int f(void);'
    """
    try:
        start = header_text.index(BEGIN_MARKER) + len(BEGIN_MARKER)
        end = header_text.index(END_MARKER, start)
    except ValueError:
        raise SystemExit(f"{BEGIN_MARKER}/{END_MARKER} markers not found in the header") from None
    block = header_text[start:end]
    lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith("#")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def make_ffi(header: Path) -> cffi.FFI:
    """Build the FFI object for module ``hpcs._hpcs_cffi``."""
    ffi = cffi.FFI()
    ffi.cdef(cdef_from_header(header.read_text()))
    ffi.set_source("hpcs._hpcs_cffi", '#include "hpcs.h"')
    return ffi


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: _build_ffi.py HEADER OUTPUT.c", file=sys.stderr)
        return 2
    make_ffi(Path(argv[1])).emit_c_code(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
