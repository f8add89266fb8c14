"""Every public function's bad argument: ValueError/TypeError naming the argument.

Table-driven: for each operation of the registry (``hpcs._ops.OPS``) and
each of its parameters listed in ``BAD``, every bad value must raise
ValueError or TypeError whose message names the parameter — never
OverflowError, never a bare C status text.  The thread and tuning functions
have their own table.  Issue 17's cases are rows here (``2**63`` everywhere,
``set_thresholds({'reduce': 1.5})``, ``set_thresholds(None)``,
``plan_threads('reduce', -1)``, ``axis=2**63``).
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable

import numpy as np
import pytest

import hpcs
from hpcs._ops import CORE as OPS  # the §2/§3 ops; §4: test_extended.py
from util import call_filled

HUGE = [2**63, 2**64, 10**23, -(2**63) - 1, np.uint64(2**64 - 1)]
NOT_INT = [1.5, 2.0, "3", None, True, np.float64(2.0), 1j, [2]]

#: parameter -> bad values.  Only values bad for every function that has the
#: parameter are listed (``window=None`` is bad, ``scale=2**63`` is a number).
BAD: dict[str, list[Any]] = {
    "axis": HUGE + [1.5, "0", [0], 1j, True],
    "window": HUGE + NOT_INT + [0, -1, np.int64(-1)],
    "min_periods": HUGE + [1.5, "1", True, 0, -1, np.int64(-1)],
    "ddof": HUGE + [1.5, "1", None, True, -1, np.int64(-1)],
    "q": [2**63, -1, 1.5, "0.5", None, 1j, [0.5, 2.0], [[0.5]], np.nan],
    "method": [2**63, None, "bogus", ["linear"]],
    "scale": [None, "bogus", [1.0, 2.0], 1j],
    "where": [2**63, "abc", np.ones(7, dtype=bool), np.ones(5, dtype=np.int64)],
    "out": [2**63, [0.0] * 5, np.empty(4)],
    "n": HUGE + [1.5, "1", None, True, -1],
}
X = np.array([3.0, 1.0, 4.0, 1.5, 5.0])


def _expect(call: Callable[[], Any], name: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert not isinstance(info.value, OverflowError), info.value
    message = str(info.value)
    assert re.search(rf"\b{re.escape(name)}\b", message), \
        f"{type(info.value).__name__}({message!r}) does not name {name}"
    assert not message.startswith("HPCS_ERR"), message


def _rows() -> list:
    rows = []
    for op in OPS.values():
        params = inspect.signature(op.fast).parameters
        for name, values in BAD.items():
            if name in params:
                rows += [pytest.param(op.name, name, value, id=f"{op.name}-{name}={value!r}"[:80])
                         for value in values]
    return rows


@pytest.mark.parametrize("op,name,value", _rows())
def test_bad_argument_names_it(op: str, name: str, value: Any) -> None:
    _expect(lambda: call_filled(OPS[op].fast, X.copy(), **{name: value}), name)


# --------------------------------------------------------------------------- threads and tuning

THREADS = [
    # id, call, the argument the message must name
    ("set_num_threads(2**63)", lambda: hpcs.set_num_threads(2**63), "n"),
    ("set_num_threads(10**23)", lambda: hpcs.set_num_threads(10**23), "n"),
    ("set_num_threads(uint64 max)", lambda: hpcs.set_num_threads(np.uint64(2**64 - 1)), "n"),
    ("set_num_threads(-1)", lambda: hpcs.set_num_threads(-1), "n"),
    ("set_num_threads(1.5)", lambda: hpcs.set_num_threads(1.5), "n"),
    ("set_num_threads(None)", lambda: hpcs.set_num_threads(None), "n"),
    ("set_num_threads('2')", lambda: hpcs.set_num_threads("2"), "n"),
    ("set_num_threads(True)", lambda: hpcs.set_num_threads(True), "n"),
    ("set_thresholds(None)", lambda: hpcs.set_thresholds(None), "thresholds"),
    ("set_thresholds(5)", lambda: hpcs.set_thresholds(5), "thresholds"),
    ("set_thresholds([('reduce', 5)])", lambda: hpcs.set_thresholds([("reduce", 5)]),
     "thresholds"),
    ("set_thresholds(reduce=2**63)", lambda: hpcs.set_thresholds({"reduce": 2**63}),
     "thresholds"),
    ("set_thresholds(reduce=1.5)", lambda: hpcs.set_thresholds({"reduce": 1.5}), "thresholds"),
    ("set_thresholds(reduce=None)", lambda: hpcs.set_thresholds({"reduce": None}),
     "thresholds"),
    ("set_thresholds(reduce='5')", lambda: hpcs.set_thresholds({"reduce": "5"}), "thresholds"),
    ("set_thresholds(reduce=True)", lambda: hpcs.set_thresholds({"reduce": True}),
     "thresholds"),
    ("set_thresholds(reduce=0)", lambda: hpcs.set_thresholds({"reduce": 0}), "thresholds"),
    ("set_thresholds(reduce=-1)", lambda: hpcs.set_thresholds({"reduce": -1}), "thresholds"),
    ("set_thresholds(bogus=5)", lambda: hpcs.set_thresholds({"bogus": 5}), "thresholds"),
    ("set_thresholds({1: 5})", lambda: hpcs.set_thresholds({1: 5}), "thresholds"),
    ("plan_threads(elements=2**63)", lambda: hpcs.plan_threads("reduce", 2**63), "elements"),
    ("plan_threads(elements=-1)", lambda: hpcs.plan_threads("reduce", -1), "elements"),
    ("plan_threads(elements=1.5)", lambda: hpcs.plan_threads("reduce", 1.5), "elements"),
    ("plan_threads(elements=None)", lambda: hpcs.plan_threads("reduce", None), "elements"),
    ("plan_threads(elements='10')", lambda: hpcs.plan_threads("reduce", "10"), "elements"),
    ("plan_threads(family='bogus')", lambda: hpcs.plan_threads("bogus", 10), "family"),
    ("plan_threads(family=None)", lambda: hpcs.plan_threads(None, 10), "family"),
    ("plan_threads(family=0)", lambda: hpcs.plan_threads(0, 10), "family"),
    ("plan_threads(family=[])", lambda: hpcs.plan_threads([], 10), "family"),
]


@pytest.mark.parametrize("call,name", [r[1:] for r in THREADS], ids=[r[0] for r in THREADS])
def test_bad_thread_argument_names_it(call: Callable[[], Any], name: str) -> None:
    before = hpcs.get_thresholds(), hpcs.get_num_threads()
    _expect(call, name)
    assert (hpcs.get_thresholds(), hpcs.get_num_threads()) == before  # nothing half-applied


def test_good_thread_arguments_still_work() -> None:
    old = hpcs.get_thresholds()
    try:
        hpcs.set_thresholds({"reduce": np.int64(1000), "select": 2**63 - 1})
        assert hpcs.get_thresholds()["reduce"] == 1000
        assert hpcs.plan_threads("reduce", np.int32(10)) == 1
        assert hpcs.plan_threads("reduce", 2**63 - 1) >= 1
        hpcs.set_num_threads(np.int64(1))
        assert hpcs.get_num_threads() == 1
    finally:
        hpcs.set_thresholds(old)
        hpcs.set_num_threads(0)
