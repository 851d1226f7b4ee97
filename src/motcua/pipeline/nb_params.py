"""The names a notebook's ``parameters`` cell assigns, their literal defaults, and a check of the parameters a stage
hands it.

papermill only warns about a parameter the notebook does not declare and runs
on with the cell's default: a misspelt key (``unit_cod``) would render the
default unit for every district without a word. The stages check their
parameters against the cell (names, and the type of each literal default)
before running anything.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

#: A default the parameters cell gives as an expression, not a literal: any value is accepted.
NOT_LITERAL = object()


@lru_cache(maxsize=8)
def _declared(path: str, mtime_ns: int) -> tuple[tuple[str, Any], ...]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata", {}).get("tags") or []):
            src = "".join(cell.get("source", []))
            out: list[tuple[str, Any]] = []
            for node in ast.parse(src).body:
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign):
                    targets, value = [node.target], node.value
                else:
                    continue
                try:
                    default = ast.literal_eval(value) if value is not None else NOT_LITERAL
                except (ValueError, SyntaxError, TypeError):
                    default = NOT_LITERAL
                out += [(t.id, default) for t in targets if isinstance(t, ast.Name)]
            return tuple(out)
    return ()


def declared_defaults(notebook: Path) -> dict[str, Any]:
    """Each name the notebook's cell tagged ``parameters`` assigns, with its literal default (:data:`NOT_LITERAL`
    for an expression), in order; empty without such a cell."""
    p = Path(notebook)
    return dict(_declared(str(p), p.stat().st_mtime_ns))


def declared_parameters(notebook: Path) -> tuple[str, ...]:
    """The names the notebook's cell tagged ``parameters`` assigns, in order (empty without such a cell)."""
    return tuple(declared_defaults(notebook))


def _type_ok(default: Any, value: Any) -> bool:
    """``value`` has the literal type of ``default``: any value where the default is None or not a literal, an
    int where it is a float, never a bool for a number."""
    if default is None or default is NOT_LITERAL:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def check_parameters(notebook: Path, params: Iterable[str] | dict[str, Any]) -> None:
    """Raise ValueError naming the notebook and every parameter it does not declare, every declared one not given
    and (for a dict) every value of another literal type than the cell's default."""
    defaults = declared_defaults(notebook)
    declared = tuple(defaults)
    given = list(params)
    unknown = [k for k in given if k not in declared]
    missing = [k for k in declared if k not in given]
    wrong = (
        [
            f"{k} = {params[k]!r} (a {type(params[k]).__name__}; the cell's default is a {type(defaults[k]).__name__})"
            for k in given
            if k in defaults and not _type_ok(defaults[k], params[k])
        ]
        if isinstance(params, dict)
        else []
    )
    if unknown or missing or wrong:
        parts = []
        if unknown:
            parts.append(f"unknown parameter(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"parameter(s) not given: {', '.join(missing)}")
        if wrong:
            parts.append(f"parameter(s) of the wrong type: {', '.join(wrong)}")
        raise ValueError(
            f"{Path(notebook).name}: {'; '.join(parts)} (its parameters cell declares {', '.join(declared)})"
        )
