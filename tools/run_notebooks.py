"""Executes every notebook in examples/notebooks headless; fails if one errors.

Each notebook runs in its own folder (its figures land in
examples/notebooks/figures/).  Needs the installed package and the
``notebooks`` extra:  pip install '.[notebooks]' && python tools/run_notebooks.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

FOLDER = Path(__file__).resolve().parent.parent / "examples" / "notebooks"


def run(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to run (default: all)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = [FOLDER / n for n in args.names] or sorted(FOLDER.glob("*.ipynb"))
    failed = 0
    for path in paths:
        try:
            print(f"{path.name}: ok in {run(path, args.timeout):.1f} s", flush=True)
        except CellExecutionError as exc:
            failed += 1
            print(f"{path.name}: FAILED\n{exc}", flush=True)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
