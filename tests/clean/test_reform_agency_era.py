"""Inputs on which the legacy (Phú Yên, "54") and the 2025 (Đắk Lắk, "66") configuration of one province once gave
different panels: a provincial agency before the reform on a sheet naming no province, and a tidy CSV without a
``unit_schema`` column. Each is cleaned under both configurations: the panels are equal and nothing is booked to
a province the input does not name or imply."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from reform_config import clean_both

ROOT = Path(__file__).resolve().parents[2]
KEY = ["unit_schema", "unit_code", "unit_level", "province_code", "period_start", "period_end", "received_total"]

COLS = ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn"]
COLS += ["Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
GROUPS = ["Số hồ sơ nhận giải quyết"] + [None] * 3 + ["Số hồ sơ đã giải quyết"] + [None] * 3
GROUPS += ["Số hồ sơ đang giải quyết", None, None]


def _row(n: int) -> list[int]:
    return [n + 1, n // 2, n - n // 2, 1, n, n // 2, n - n // 2, 0, 1, 1, 0]


def _book(path: Path, title: list[str], month: str, body: list[tuple[str, int]]) -> None:
    """One form-06 sheet of ``month`` ("03/2024"): ``title`` lines, the header, ``body`` (name, size) rows."""
    mm, yyyy = month.split("/")
    last = (pd.Timestamp(f"{yyyy}-{mm}-01") + pd.offsets.MonthEnd(0)).day
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in title:
        ws.append([line])
    ws.append([f"Kỳ báo cáo: từ ngày 01/{mm}/{yyyy} đến ngày {last}/{mm}/{yyyy}"])
    ws.append(["STT", "Đơn vị", *GROUPS])
    ws.append([None, None, *COLS])
    for i, (name, n) in enumerate(body):
        ws.append([str(i + 1), name, *_row(n)])
    wb.save(path)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("agency-era")
    raw = tmp / "raw"
    raw.mkdir()
    report = "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    # legacy agencies alone, no province named: Phú Yên's or legacy Đắk Lắk's Sở Tư pháp? refused, naming both
    # ... unless the name says whose
    _book(
        raw / "cap-tinh-2024-03.xlsx",
        [report],
        "03/2024",
        [("Sở Tư pháp", 40), ("Công an tỉnh", 90), ("Sở Xây dựng tỉnh Phú Yên", 39)],
    )
    # beside Phú Yên's districts: the sheet is Phú Yên's, so are its agencies
    _book(
        raw / "bc-2024-04.xlsx",
        [report],
        "04/2024",
        [("Thành phố Tuy Hòa", 300), ("Huyện Đồng Xuân", 120), ("Sở Tư pháp", 41)],
    )
    # a title naming legacy Đắk Lắk: its agency
    _book(raw / "dl-2024-05.xlsx", ["UBND TỈNH ĐẮK LẮK", report], "05/2024", [("Sở Xây dựng", 42)])
    # after the reform the province is one: the 2025 Đắk Lắk's agency, whatever is configured
    _book(raw / "cap-tinh-2025-09.xlsx", [report], "09/2025", [("Sở Tư pháp", 43), ("Xã Ea Kar", 44)])
    # a tidy CSV without unit_schema: each row's period decides its list (Tuy Hòa 555 before, Phường Tuy Hòa after)
    (raw / "tidy.csv").write_text(
        "period_start,period_end,unit_code,received_total\n"
        "2025-06-01,2025-06-30,555,310\n"
        "2025-08-01,2025-08-31,22015,320\n",
        encoding="utf-8",
    )
    return clean_both(raw, tmp)


def _booked(res) -> set[tuple[str, str, str]]:
    p = res.panel
    return set(zip(p["source"].astype(str).map(lambda s: Path(s).name), p["unit_code"], p["unit_schema"]))


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_an_agency_is_booked_to_the_province_its_sheet_names_or_implies(cleaned, cfg):
    got = _booked(cleaned[cfg])
    assert ("bc-2024-04.xlsx", "54-so-tu-phap", "legacy") in got
    assert ("dl-2024-05.xlsx", "66-so-xay-dung", "legacy") in got
    assert ("cap-tinh-2025-09.xlsx", "66-so-tu-phap", "2025") in got
    assert ("tidy.csv", "555", "legacy") in got and ("tidy.csv", "22015", "2025") in got
    assert {g for g in got if g[0] == "cap-tinh-2024-03.xlsx"} == {
        ("cap-tinh-2024-03.xlsx", "54-so-xay-dung", "legacy")
    }


@pytest.mark.parametrize("cfg", ["54", "66"])
def test_an_agency_of_two_possible_provinces_is_one_finding_naming_both(cleaned, cfg):
    res = cleaned[cfg]
    assert res.rows_in == res.rows_kept + res.rows_dropped == 11
    q = res.quality
    q = q[q["file"].str.endswith("cap-tinh-2024-03.xlsx") & (q["rule"] == "agency_province_unknown")]
    assert sorted(q["unit"]) == ["Công an tỉnh", "Sở Tư pháp"]
    sotp = q[q["unit"] == "Sở Tư pháp"].iloc[0]
    assert "54-so-tu-phap" in sotp["message"] and "66-so-tu-phap" in sotp["message"]
    assert "Tỉnh Phú Yên" in sotp["message"] and "Tỉnh Đắk Lắk" in sotp["message"] and pd.notna(sotp["row"])


def test_same_panel_under_the_legacy_and_the_2025_configuration(cleaned):
    a = cleaned["54"].panel[KEY].reset_index(drop=True)
    b = cleaned["66"].panel[KEY].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 9
