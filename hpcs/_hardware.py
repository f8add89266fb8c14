"""What the library was built for and what runs: ISA clones."""

from __future__ import annotations

from typing import Any

from hpcs._errors import check
from hpcs._lib import ffi, lib


def _isa_name(isa: int) -> str:
    return ffi.string(lib.hpcs_isa_name(isa)).decode()


def _mask_names(mask: int) -> list[str]:
    return [_isa_name(i) for i in range(lib.HPCS_ISA_COUNT) if mask & (1 << i)]


def simd_info() -> dict[str, Any]:
    """Report the SIMD clone the kernels run and the ones available.

    Returns a dict with ``isa`` (active clone: "SSE2", "AVX2", "AVX512", or
    "scalar" off x86), ``width_doubles`` (doubles per vector register of that
    clone), ``width_bits``, ``compiled`` (clones built into the library),
    ``supported`` (levels this CPU supports), ``observed`` (True when ``isa``
    is the clone the dynamic loader resolved for a kernel, read back from the
    library, rather than predicted), ``clone_symbol`` (that clone's symbol,
    e.g. "sum_1d_f64.arch_x86_64_v3"; "" without clones) and
    ``isa_inferred`` (the clone GCC's resolver order predicts from the CPU's
    features; equal to ``isa`` unless the resolver changed).

    Examples
    --------
    >>> import hpcs
    >>> info = hpcs.simd_info()
    >>> info["isa"] in info["compiled"]
    True
    """
    info = ffi.new("hpcs_simd_info *")
    check(lib.hpcs_get_simd_info(info), "simd_info")
    return {
        "isa": _isa_name(info.active),
        "width_doubles": int(info.width_doubles),
        "width_bits": int(info.width_doubles) * 64,
        "compiled": _mask_names(info.compiled_mask),
        "supported": _mask_names(info.supported_mask),
        "observed": bool(info.observed),
        "clone_symbol": ffi.string(info.clone_symbol).decode(),
        "isa_inferred": _isa_name(info.inferred),
    }


def library_version() -> str:
    """Version of the loaded C library.

    >>> import hpcs
    >>> hpcs.library_version() == hpcs.__version__
    True
    """
    return ffi.string(lib.hpcs_version()).decode()
