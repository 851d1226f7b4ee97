"""Less common real-world shapes: field-level forms, forms saved as CSV, dates in cells, wards, the 2025 list."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from motcua.clean import run_clean

HEAD1 = [
    "STT",
    "Lĩnh vực",
    "Số hồ sơ nhận giải quyết",
    None,
    None,
    None,
    "Số hồ sơ đã giải quyết",
    None,
    None,
    None,
    "Số hồ sơ đang giải quyết",
    None,
    None,
]
HEAD2 = [
    None,
    None,
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
]
F1 = [12, 2, 8, 2, 10, 6, 3, 1, 2, 2, 0]
F2 = [20, 5, 15, 0, 18, 10, 8, 0, 2, 1, 1]


def test_field_level_form_gives_one_unit_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYỆN TUY AN"])
    ws.append(["Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"])
    ws.append(HEAD1)
    ws.append(HEAD2)
    ws.append(["1", "Hộ tịch", *F1])
    ws.append(["2", "Đất đai", *F2])
    ws.append([None, "Tổng cộng", *[a + b for a, b in zip(F1, F2)]])
    wb.save(tmp_path / "linh-vuc.xlsx")
    res = run_clean([tmp_path / "linh-vuc.xlsx"], None)
    assert len(res.panel) == 1
    row = res.panel.iloc[0]
    assert row["unit_code"] == "559" and row["received_total"] == 32 and row["pending_overdue"] == 1
    assert "field_form" in set(res.quality["rule"])
    assert res.rows_in == res.rows_kept + res.rows_dropped


def test_form_saved_as_csv_with_dates_in_separate_cells(tmp_path):
    lines = [
        "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC;;;;",
        "Từ ngày;01/03/2024;đến ngày;31/03/2024;",
        ";".join("" if v is None else v for v in ["STT", "Đơn vị", *HEAD1[2:]]),
        ";".join("" if v is None else v for v in HEAD2),
        ";".join(["1", "H. Tuy An", *map(str, F1)]),
        ";".join(["2", "P.9", *map(str, F2)]),  # a ward of Tuy Hòa in a district-level file
    ]
    p = tmp_path / "bao-cao.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_clean([p], None)
    got = dict(zip(res.panel["unit_code"], res.panel["unit_level"]))
    assert got == {"559": "district", "22024": "commune"}
    assert res.panel["period_end"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2024-03-31"]


def test_periods_after_the_reform_use_the_2025_list(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kỳ báo cáo: Từ ngày 01/07/2025 đến ngày 31/07/2025"])
    ws.append(["STT", "Đơn vị", *HEAD1[2:]])
    ws.append(HEAD2)
    ws.append(["1", "Phường Tuy Hòa", *F1])
    ws.cell(row=1, column=5).value = datetime(2025, 8, 1)
    wb.save(tmp_path / "t7.xlsx")
    res = run_clean([tmp_path / "t7.xlsx"], None)
    row = res.panel.iloc[0]
    assert (row["unit_schema"], row["unit_code"], row["province_code"]) == ("2025", "22015", "66")


def test_blank_cells_are_reported_not_zeroed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kỳ báo cáo: Từ ngày 01/03/2024 đến ngày 31/03/2024"])
    ws.append(["STT", "Đơn vị", *HEAD1[2:]])
    ws.append(HEAD2)
    ws.append(["1", "Huyện Tuy An", *F1[:-1], None])
    wb.save(tmp_path / "t3.xlsx")
    res = run_clean([tmp_path / "t3.xlsx"], None)
    assert res.panel["pending_overdue"].isna().all()
    b = res.quality[res.quality["rule"] == "blank_count"]
    assert len(b) == 1 and "Quá hạn" in b.iloc[0]["message"]
