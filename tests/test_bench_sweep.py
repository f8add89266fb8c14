"""tools/bench_sweep.py: the size sweep's budget, predictions and tables (no timings asserted)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
if not TOOLS.is_dir():  # pragma: no cover
    pytest.skip("tools/ is not beside the tests", allow_module_level=True)
sys.path.insert(0, str(TOOLS))
bench_sweep = pytest.importorskip("bench_sweep")

from bench_sweep import (  # noqa: E402
    Budget, CostModel, SweepRow, parse_rounds, predict_seconds, render_sweep, rounds_for, sweep,
    sweep_2d, time_row,
)


def test_rounds_table_and_spec() -> None:
    assert rounds_for(10**8) == 3 and rounds_for(10**3) == 100
    assert rounds_for(3 * 10**5) == rounds_for(10**5)    # nearest tabled size below
    assert rounds_for(10) == rounds_for(10**3)
    assert parse_rounds("1e7:4,1e8:2") == {10**7: 4, 10**8: 2}
    assert rounds_for(10**8, parse_rounds("1e7:4,1e8:2")) == 2
    assert set(parse_rounds("7").values()) == {7}
    assert Budget(row=1.0).rounds_at(10**3, 0.1) == 10
    assert Budget(row=1.0).rounds_at(10**3, 5.0) == 2      # never below two rounds


def test_predictions_scale_with_n_and_window_for_apply() -> None:
    model = CostModel()
    model.record("rolling_mean", "pandas", 1000, 10, 0.001)
    model.record("rolling_mean", "pandas", 10_000, 10, 0.002)
    # from the largest size seen, linear in n; the window does not matter
    assert model.predict("rolling_mean", "pandas", 100_000, 100) == pytest.approx(0.02)
    assert model.predict("rolling_mean", "pandas", 100, 10) is None
    model.record("rolling_mad", "pandas", 1000, 10, 0.05)
    # rolling().apply: linear in n * window
    assert model.predict("rolling_mad", "pandas", 10_000, 100) == pytest.approx(5.0)
    assert model.predict("rolling_mad", "pandas", 10_000, 1) is None


def _counting(calls: dict, delay: float = 0.0):
    def call() -> None:
        calls["n"] += 1
        if delay:
            time.sleep(delay)
    return call


def test_peer_over_budget_is_skipped_within_the_size_and_above() -> None:
    model = CostModel()
    budget = Budget(peer=0.001, best_peer=10.0, row=0.0, rounds=parse_rounds("2"))
    fast, slow = {"n": 0}, {"n": 0}
    calls = {"hpcs": lambda: None, "numpy": _counting(fast), "pandas": _counting(slow, 0.02)}
    row = time_row("rolling_mean", 1000, 10, calls, budget, model)
    assert row.skipped == {"pandas": ">0.001 s/call"} and set(row.peers_ms) == {"numpy"}
    assert slow["n"] == 1 and fast["n"] == 3        # warm-up only / warm-up + 2 rounds
    # a larger window or size: predicted over budget, not called at all
    for size, window in ((1000, 100), (10_000, 10)):
        row = time_row("rolling_mean", size, window, calls, budget, model)
        assert "pandas" in row.skipped and slow["n"] == 1
    # a peer with no call at this size but predicted over budget is marked too
    row = time_row("rolling_mean", 10_000, 10, {"hpcs": lambda: None}, budget, model)
    assert row.skipped == {"pandas": ">0.001 s/call"} and row.ratio is None


def test_fastest_peer_gets_the_larger_budget() -> None:
    budget = Budget(peer=0.001, best_peer=10.0, row=0.0, rounds=parse_rounds("2"))
    only = {"n": 0}
    row = time_row("rolling_median", 1000, 10, {"hpcs": lambda: None,
                                                "bottleneck": _counting(only, 0.005)},
                   budget, CostModel())
    assert not row.skipped and "bottleneck" in row.peers_ms and only["n"] == 3
    # ... except pandas' rolling().apply, one Python call per window
    row = time_row("rolling_mad", 1000, 10, {"hpcs": lambda: None,
                                             "pandas": _counting(only, 0.005)},
                   budget, CostModel())
    assert row.skipped == {"pandas": ">0.001 s/call"}


def test_row_keeps_a_peer_when_the_predicted_fastest_is_slower() -> None:
    """The 10^8 rolling_median case: the peer predicted fastest (scipy) turns
    out slower than the runner-up (bottleneck), which was skipped on the small
    budget; the runner-up is then called after all, and the row has a peer."""
    model = CostModel()
    model.record("rolling_median", "scipy", 10, 10, 0.0005)       # predicts 0.005 s
    model.record("rolling_median", "bottleneck", 10, 10, 0.0006)  # predicts 0.006 s
    budget = Budget(peer=0.001, best_peer=10.0, row=0.0, rounds=parse_rounds("2"))
    bn, sp = {"n": 0}, {"n": 0}
    calls = {"hpcs": lambda: None, "bottleneck": _counting(bn, 0.006),
             "scipy": _counting(sp, 0.03)}
    row = time_row("rolling_median", 100, 10, calls, budget, model)
    assert row.skipped == {"scipy": ">0.001 s/call"}
    assert set(row.peers_ms) == {"bottleneck"} and bn["n"] == 3 and sp["n"] == 1


def test_small_sweep_rows_tables_and_estimate() -> None:
    lines: list[str] = []
    model, budget = CostModel(), Budget(rounds=parse_rounds("1"))
    rows = sweep((100, 1000), ["sum", "rolling_mean"], budget, series_2d=False,
                 progress=lines.append, model=model)
    assert [(r.op, r.size, r.window) for r in rows] == [
        ("sum", 100, None), ("rolling_mean", 100, 10), ("sum", 1000, None),
        ("rolling_mean", 1000, 10), ("rolling_mean", 1000, 100)]
    assert all(r.hpcs_ms > 0 and r.peers_ms for r in rows)
    assert len(lines) == 4 and all("left]" in line for line in lines)
    assert predict_seconds([("rolling_mean", 10**6)], model, budget) > 0
    text = "\n".join(render_sweep(rows))
    assert "### n = 100" in text and "### n = 1,000" in text and "extra memory" in text


def test_many_small_series_rows() -> None:
    rows = sweep_2d(rounds=1, shape=(30, 20))
    assert [r.op for r in rows] == [
        "sum", "mean", "var", "std", "min", "max", "median", "rolling_sum", "rolling_mean",
        "rolling_var", "rolling_std", "rolling_min", "rolling_max", "rolling_median"]
    assert all("bottleneck" in r.peers_ms and r.shape == (30, 20) for r in rows)
    assert all(("numpy" in r.peers_ms) == (r.window is None) for r in rows)
    flat = SweepRow("sum", 100, None, 1.0, {"numpy": 2.0}, {"pandas": ">2 s/call"})
    text = "\n".join(render_sweep([flat, *rows]))
    assert "### 30 series × 20 values, axis=1" in text
    assert "skip (>2 s/call)" in text and text.index("### n = 100") < text.index("### 30 series")


def test_benchmarks_md_sections_are_replaced_in_place() -> None:
    """Each benchmark run rewrites its own part of BENCHMARKS.md only."""
    from benchmarks import EXTENDED_HEAD, SWEEP_HEAD, replace_section

    text = "# Benchmarks\n\nold top\n\n## Dask (x)\n\ndask\n\n" + SWEEP_HEAD + "\n\nsweep\n"
    top = replace_section(text, None, "# Benchmarks\n\nnew top\n")
    assert top == "# Benchmarks\n\nnew top\n\n## Dask (x)\n\ndask\n\n" + SWEEP_HEAD + "\n\nsweep\n"
    ext = replace_section(top, EXTENDED_HEAD, EXTENDED_HEAD + " (4)\n\nrows 1\n")
    assert ext.endswith(SWEEP_HEAD + "\n\nsweep\n\n" + EXTENDED_HEAD + " (4)\n\nrows 1\n\n")
    again = replace_section(ext, EXTENDED_HEAD, EXTENDED_HEAD + " (4)\n\nrows 2\n")
    assert again == ext.replace("rows 1", "rows 2")
    swept = replace_section(again, SWEEP_HEAD, SWEEP_HEAD + "\n\nnew sweep\n")
    assert swept == again.replace("\nsweep\n", "\nnew sweep\n")
    assert replace_section("# Benchmarks\n\nold\n", None, "# Benchmarks\n\nnew\n") == \
        "# Benchmarks\n\nnew\n\n"
