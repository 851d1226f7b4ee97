"""motcua.sample.corrections: one more dossier in one unit row, nothing else changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motcua.clean.run import run_clean
from motcua.sample.corrections import add_one_dossier

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "sample"


def test_add_one_dossier_changes_one_row_by_one(tmp_path: Path) -> None:
    src = SAMPLE / "bieu06_2024-03.xlsx"
    raw = tmp_path / "raw"
    raw.mkdir()
    target = raw / src.name
    shutil.copy(src, target)
    before = run_clean([target]).panel.set_index("unit_code")
    where = add_one_dossier(target)
    assert where.startswith(src.name + " row ")
    after = run_clean([target]).panel.set_index("unit_code")
    diff = (
        after[["received_total", "received_offline", "resolved_total", "resolved_ontime", "received_online"]]
        - before[["received_total", "received_offline", "resolved_total", "resolved_ontime", "received_online"]]
    )
    changed = diff[(diff != 0).any(axis=1)]
    assert len(changed) == 1
    assert changed.iloc[0].tolist() == [1, 1, 1, 1, 0]


def test_workbook_without_numbering_row_is_refused(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "không phải biểu 06"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(ValueError):
        add_one_dossier(path)
