"""A correction as analysts make them: one more dossier in one unit row of a form-06 workbook.

Used by the benchmark (bench/run.py, case e) and the incremental-build test to
change one unit's older month and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path


def add_one_dossier(workbook: Path) -> str:
    """Add one dossier received in person and resolved on time to the first unit row of ``workbook``.

    Columns are located by the "(1) … (13)" numbering row; (3), (5), (7) and (9)
    each grow by one, so the form's identities still hold. Returns "NAME row N".
    Raises ValueError when the workbook has no numbering row.
    """
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb.worksheets[0]
    cols: dict[str, int] = {}
    for row in ws.iter_rows():
        vals = [str(c.value).strip() if c.value is not None else "" for c in row]
        if "(3)" in vals and "(13)" in vals:
            cols = {v: i + 1 for i, v in enumerate(vals) if re.fullmatch(r"\(\d+\)", v)}
            r = row[0].row + 1
            break
    else:
        raise ValueError(f"{workbook.name}: no (1)…(13) row to locate columns")
    while ws.cell(r, cols["(3)"]).value in (None, ""):
        r += 1
    for col in ("(3)", "(5)", "(7)", "(9)"):
        cell = ws.cell(r, cols[col])
        cell.value = int(str(cell.value).replace(".", "")) + 1
    wb.save(workbook)
    return f"{workbook.name} row {r}"
