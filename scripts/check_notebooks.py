"""Fail when a notebook is committed with outputs: every code cell of notebooks/*.ipynb must have no
outputs and no execution count (the executed copies live under reports/notebooks/).

Usage: ``python scripts/check_notebooks.py [NOTEBOOK...]`` (default: notebooks/*.ipynb); exit status 1
with one line per offending cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {i} has outputs")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {i} has an execution count")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = [p for path in paths for p in problems(path)]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print("clear them (Jupyter: Edit → Clear Outputs of All Cells) before committing", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
