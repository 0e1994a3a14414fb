#!/usr/bin/env python3
"""Executes every notebook in this folder against results folders, as CI does.

Usage: execute.py RUN_FOLDER COMPARE_FOLDER [OUT_FOLDER]

RUN_FOLDER is a `bcpsim run` folder of a scenario with [recovery]; COMPARE_FOLDER a
`bcpsim compare` folder. Executed copies (with their outputs and figures) go to OUT_FOLDER
(default: a temporary folder); the notebooks here stay output-free. Exits non-zero, naming
the notebook and the cell, if any cell fails.
"""
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    run, compare = (Path(a).resolve() for a in sys.argv[1:3])
    out = Path(sys.argv[3]).resolve() if len(sys.argv) == 4 else Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(BCPSIM_RUN=str(run), BCPSIM_COMPARE=str(compare),
                      BCPSIM_FIGURES=str(out / "figures"))
    notebooks = sorted(HERE.glob("*.ipynb"))
    if not notebooks:
        print("no notebooks found", file=sys.stderr)
        return 1
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
        except CellExecutionError as e:
            print(f"{path.name}: a cell failed\n{e}", file=sys.stderr)
            return 1
        nbformat.write(nb, out / path.name)
        print(f"{path.name}: {len(nb.cells)} cells executed -> {out / path.name}")
    figures = sorted((out / "figures").glob("*.png"))
    print(f"{len(figures)} figures in {out / 'figures'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
