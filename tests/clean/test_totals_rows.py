"""The clean stage on a commune-level form with a "Công an tỉnh" row between commune rows.

"Công an tỉnh" (the provincial police) folds to "cong an tinh", like a "Cộng …" totals row. Read as written it is a
unit row: every row after it is read, the real "Tổng cộng" row still closes the body (and equals the sum of all the
unit rows, police included), and rows in = rows kept + rows rejected for the whole file. Whether the police row is
kept depends on the unit list knowing the provincial agencies; it is never silently lost and never a totals row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motcua.clean import run_clean
from motcua.ingest.form import read_form_sheet
from motcua.ingest.grid import read_book

ROOT = Path(__file__).resolve().parents[2]
AUG25 = "Từ ngày 01/08/2025 đến ngày 31/08/2025"
COMMUNES = ["Xã Tuy An Bắc", "Phường Tuy Hòa", "Xã Sơn Hòa", "Phường Sông Cầu"]


@pytest.fixture()
def dak_lak_2025(tmp_path, monkeypatch) -> Path:
    """config/ for Đắk Lắk (66) after the reform: 2025 list, commune level."""
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    text = (cfg / "province.yaml").read_text(encoding="utf-8")
    text = (
        text.replace('province_code: "54"', 'province_code: "66"')
        .replace('"Tỉnh Phú Yên"', '"Tỉnh Đắk Lắk"')
        .replace("unit_schema: legacy", 'unit_schema: "2025"')
        .replace("unit_level: district", "unit_level: commune")
    )
    assert 'province_code: "66"' in text and "unit_level: commune" in text
    (cfg / "province.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    return cfg


def _police_form(builders, path: Path) -> Path:
    c = builders.counts
    units = [
        (COMMUNES[0], c(10, 90, 5, 60, 30, 2, 10, 3)),
        (COMMUNES[1], c(41, 17, 6, 25, 22, 4, 9, 4)),
        ("Công an tỉnh", c(300, 120, 40, 250, 150, 5, 40, 15)),
        (COMMUNES[2], c(7, 8, 1, 6, 5, 1, 2, 2)),
        (COMMUNES[3], c(20, 30, 4, 30, 20, 1, 2, 1)),
    ]
    return builders.write_form(path, units, period_text=AUG25, reporter="Văn phòng UBND tỉnh Đắk Lắk")


def test_police_row_read_as_a_unit_row(tmp_path, builders):
    fs = read_form_sheet(read_book(_police_form(builders, tmp_path / "bieu06_2025-08.xlsx")).grids[0])
    assert [(r.name, r.kind) for r in fs.rows] == [
        (COMMUNES[0], "unit"),
        (COMMUNES[1], "unit"),
        ("Công an tỉnh", "unit"),
        (COMMUNES[2], "unit"),
        (COMMUNES[3], "unit"),
        ("Tổng cộng", "total"),
    ]


def test_police_row_never_ends_the_table_when_cleaned(tmp_path, builders, dak_lak_2025):
    raw = tmp_path / "raw"
    raw.mkdir()
    p = _police_form(builders, raw / "bieu06_2025-08.xlsx")
    res = run_clean([raw], tmp_path / "out")
    q, panel = res.quality, res.panel
    name = f"raw/{p.name}"
    # every commune after the police row is kept (before the fix the table ended at "Công an tỉnh": 2 of 4 kept)
    assert set(COMMUNES) <= set(panel["unit_name"]) and len(panel) in (4, 5)
    # the real totals row is recognised and equals the sum of every unit row, the police row included
    assert not (q["rule"] == "totals_mismatch").any()
    # rows in = rows kept + rows rejected, for the whole file: 5 unit rows
    assert res.rows_in == res.rows_kept + res.rows_dropped == 5
    assert [s["rows"] for s in res.meta["sources"] if s["file"] == name] == [5]
    assert (q["action"] == "dropped").sum() == res.rows_dropped
    police = q[(q["row"] == 14)]  # rows 12…16 are the units, the police row third
    if len(panel) == 4:  # the unit list does not know the provincial agencies: rejected with a finding, and a note
        assert list(police.loc[police["action"] == "dropped", "rule"]) == ["unit_unmatched"]
        note = police[police["rule"] == "totals_word_differs"]
        assert len(note) == 1 and note["severity"].iloc[0] == "info" and '"Công an tỉnh"' in note["message"].iloc[0]
        assert "không được đọc là dòng tổng" in note["message"].iloc[0]
    else:  # known as an agency: kept, no note (its name matched a unit, nothing to explain)
        assert len(panel) == 5 and not (police["rule"] == "totals_word_differs").any()
