"""Run a thin report notebook in this process, as a kernel would, without starting one.

Each code cell is executed in one namespace; when its last statement is an
expression whose value has ``_repr_html_``, the cell gets an ``execute_result``
output with ``text/html`` and ``text/plain`` — what IPython records; each object
passed to ``IPython.display.display`` gets a ``display_data`` output, likewise. The
``parameters`` cell is followed by an ``injected-parameters`` cell, as papermill
does. Fast enough for unit tests (no kernel start-up, no papermill).
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import nbformat


def run(path: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if "parameters" in cell.metadata.get("tags", []):
            src = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
            inj = nbformat.v4.new_code_cell(src)
            inj.metadata["tags"] = ["injected-parameters"]
            cells.append(inj)
    nb = copy.deepcopy(nb)
    nb.cells = cells
    ns: dict[str, Any] = {}
    count = 0
    import IPython.display as ipd

    shown: list[nbformat.NotebookNode] = []

    def display(*objs: Any, **_: Any) -> None:
        shown.extend(nbformat.v4.new_output("display_data", data=_data(v)) for v in objs)

    real_display = ipd.display
    ipd.display = display  # the notebook's "from IPython.display import display" finds this one
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            cell.execution_count = count
            cell.outputs = []
            shown.clear()
            tree = ast.parse(cell.source)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = tree.body[:-1] if last is not None else tree.body
            exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), ns)
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last is not None else None
            cell.outputs.extend(shown)
            if value is not None:
                cell.outputs.append(nbformat.v4.new_output("execute_result", data=_data(value), execution_count=count))
    finally:
        ipd.display = real_display
    return nb


def _data(value: Any) -> dict[str, str]:
    data = {"text/plain": repr(value)}
    if hasattr(value, "_repr_html_"):
        data["text/html"] = value._repr_html_()
    return data
