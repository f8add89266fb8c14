"""The examples in every public docstring run and give what they show."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import hpcs

# Every Python module of the installed package (not the compiled ones).
MODULES = sorted(f"hpcs.{p.stem}" for p in Path(hpcs.__file__).parent.glob("*.py")
                 if p.stem not in ("__init__", "__main__", "_build_ffi"))


@pytest.mark.parametrize("name", ["hpcs", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
