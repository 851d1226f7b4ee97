"""One small fixture per remaining quality rule: each finding names file, sheet and row."""

from __future__ import annotations

import re
from datetime import datetime

import openpyxl

from motcua.clean import run_clean
from motcua.sample.workbook import FileStyle, RowSpec

H1 = [
    "STT",
    "Đơn vị",
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
H2 = [
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
ROW = [110, 10, 90, 10, 100, 60, 39, 1, 10, 9, 1]


def _wb(path, title, rows, extra_sheet=False, header=(H1, H2)):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    ws.append([title])
    for h in header:
        ws.append(h)
    for r in rows:
        ws.append(r)
    if extra_sheet:
        wb.create_sheet("Hướng dẫn").append(["Ghi chú: nhập số liệu vào trang Biểu 06"])
    wb.save(path)
    return path


def _rules(res, file_suffix=""):
    q = res.quality
    q = q[q["file"].str.endswith(file_suffix)] if file_suffix else q
    return q


def test_cell_level_rules(tmp_path):
    rows = [
        ["1", "Huyện Tuy An", "1,110", 10, 1100, 0, 1100, 1000, 99, 1, 0, 0, 0],  # English thousands comma
        ["2", "Huyện Sơn Hòa", "n/a", 10, 90, 10, 100, 60, 39, 1, 10, 9, 1],  # non-numeric
        ["3", None, *ROW],  # counts without a unit name
        ["4", "Huyện Sông Hinhh", *ROW],  # typo: fuzzy match
        [None, "Tổng cộng", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ]
    p = _wb(tmp_path / "t3.xlsx", "Tháng 3 năm 2024", rows, extra_sheet=True)
    res = run_clean([p], None)
    q = res.quality.set_index("rule")
    assert q.loc["period_from_label", "severity"] == "warning"
    assert "1,110" in q.loc["number_format", "message"] and q.loc["number_format", "row"] == 4
    assert q.loc["non_numeric_count", "row"] == 5 and "n/a" in q.loc["non_numeric_count", "message"]
    assert q.loc["row_without_unit", "row"] == 6 and q.loc["row_without_unit", "action"] == "dropped"
    assert q.loc["unit_matched_fuzzy", "unit"] == "561"
    assert q.loc["ignored_sheet", "sheet"] == "Hướng dẫn"
    assert q.loc["totals_mismatch", "sheet"] == "Biểu 06"
    assert len(res.panel) == 3 and res.rows_in == 4 and res.rows_dropped == 1
    assert set(res.panel["period_start"].dt.strftime("%Y-%m-%d")) == {"2024-03-01"}


def test_subtotal_and_rate_rules(tmp_path, builders):
    c = builders.counts
    a, b = c(1, 9, 2, 5, 4, 1, 1, 1), c(2, 8, 1, 5, 4, 1, 1, 0)
    sub = {k: a[k] + b[k] for k in a}
    sub["received_online"] += 5
    a_rate = {**a, "_rate": "50,00%"}  # true rate 90 %
    p = builders.write_form(
        tmp_path / "t3.xlsx",
        [],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
        style=FileStyle(extra_rate_col=True),
        extra_rows=[
            RowSpec("I", "Cấp huyện", sub),
            RowSpec("1", "Huyện Tuy An", a_rate),
            RowSpec("2", "Huyện Tây Hòa", b),
        ],
        totals={k: a[k] + b[k] for k in a},
    )
    res = run_clean([p], None)
    rules = set(res.quality["rule"])
    assert {"subtotal_mismatch", "rate_column_mismatch"} <= rules
    assert "totals_mismatch" not in rules and len(res.panel) == 2
    msg = res.quality.loc[res.quality["rule"] == "rate_column_mismatch", "message"].iloc[0]
    assert re.search(r"tính lại \(\(8\)\+\(9\)\)/\(7\) = \d+,\d\d%\.$", msg), msg  # Vietnamese decimal comma


def test_overlapping_non_calendar_periods_newest_wins(tmp_path, builders):
    c = builders.counts
    builders.write_form(
        tmp_path / "cal.xlsx",
        [("Huyện Tuy An", c(1, 9, 0, 5, 4, 1, 0, 0))],
        period_text="Từ ngày 01/03/2024 đến ngày 31/03/2024",
        created=datetime(2024, 4, 2),
    )
    builders.write_form(
        tmp_path / "nat.xlsx",
        [("Huyện Tuy An", c(2, 9, 0, 5, 4, 1, 1, 0))],
        period_text="Từ ngày 15/02/2024 đến ngày 14/03/2024",
        created=datetime(2024, 3, 16),
    )
    res = run_clean([tmp_path], None)
    assert len(res.panel) == 1 and res.panel.iloc[0]["period_start"].day == 1
    f = res.quality[res.quality["rule"] == "overlapping_period"].iloc[0]
    assert f["file"].endswith("nat.xlsx") and f["action"] == "dropped" and "cal.xlsx" in f["message"]


def test_identity_received_and_pending(tmp_path):
    rows = [["1", "Huyện Tuy An", 111, 10, 90, 10, 100, 60, 39, 1, 11, 9, 1]]
    res = run_clean([_wb(tmp_path / "t3.xlsx", "Từ ngày 01/03/2024 đến ngày 31/03/2024", rows)], None)
    rules = set(res.quality["rule"])
    assert {"identity_received", "identity_pending"} <= rules and "identity_balance" not in rules


def test_tidy_missing_columns_left_empty(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(
        "unit_code;period_start;period_end;received_online;received_offline\n559;2024-03-01;2024-03-31;5;95\n",
        encoding="utf-8",
    )
    res = run_clean([p], None)
    assert res.panel.iloc[0]["received_online"] == 5 and res.panel["resolved_total"].isna().all()
    assert "tidy_missing_column" in set(res.quality["rule"])
