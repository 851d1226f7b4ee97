"""The names a notebook's ``parameters`` cell assigns, and a check of the parameters a stage hands it.

papermill only warns about a parameter the notebook does not declare and runs
on with the cell's default: a misspelt key (``unit_shema``) would render the
wrong unit's era without a word. The render stage checks its parameters
against the cell before running anything.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=8)
def _declared(path: str, mtime_ns: int) -> tuple[str, ...]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata", {}).get("tags") or []):
            src = "".join(cell.get("source", []))
            names: list[str] = []
            for node in ast.parse(src).body:
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AnnAssign)
                    else []
                )
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return tuple(names)
    return ()


def declared_parameters(notebook: Path) -> tuple[str, ...]:
    """The names the notebook's cell tagged ``parameters`` assigns, in order (empty without such a cell)."""
    p = Path(notebook)
    return _declared(str(p), p.stat().st_mtime_ns)


def check_parameters(notebook: Path, params: Iterable[str] | dict[str, Any]) -> None:
    """Raise ValueError naming every parameter the notebook does not declare, and every declared one not given."""
    declared = declared_parameters(notebook)
    given = list(params)
    unknown = [k for k in given if k not in declared]
    missing = [k for k in declared if k not in given]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown parameter(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"parameter(s) not given: {', '.join(missing)}")
        raise ValueError(
            f"{Path(notebook).name}: {'; '.join(parts)} (its parameters cell declares {', '.join(declared)})"
        )
