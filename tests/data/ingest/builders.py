"""Small hand-written messy fixtures for the ingest and clean tests (built in a temporary folder).

Each fixture is a real .xlsx written with openpyxl through the sample's workbook writer, so the
reader sees the same structures as in exported files: merged headers, title block, totals row.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from motcua.sample.workbook import FileStyle, RowSpec, build_workbook, save_deterministic

COLS06 = ["received_total", "received_online", "received_offline", "carried_over", "resolved_total", "resolved_early",
          "resolved_ontime", "resolved_late", "pending_total", "pending_ontime", "pending_overdue"]


def counts(online: int, offline: int, carried: int, early: int, ontime: int, late: int, p_ok: int, p_over: int) -> dict[str, int]:
    """A consistent form-06 row from its parts."""
    rec = online + offline + carried
    res = early + ontime + late
    return {"received_total": rec, "received_online": online, "received_offline": offline, "carried_over": carried,
            "resolved_total": res, "resolved_early": early, "resolved_ontime": ontime, "resolved_late": late,
            "pending_total": p_ok + p_over, "pending_ontime": p_ok, "pending_overdue": p_over}


def write_form(path: Path, units: list[tuple[str, dict[str, Any]]], *, period_text: str | None,
               style: FileStyle = FileStyle(), totals: dict[str, Any] | None = None, extra_rows: list[RowSpec] | None = None,
               unmerge: bool = False, created: datetime = datetime(2024, 4, 5, 8, 0),
               reporter: str = "Văn phòng UBND tỉnh Phú Yên") -> Path:
    """Write a form workbook: ``units`` are (name as written, values); totals are the sums unless given."""
    rows: list[RowSpec] = list(extra_rows or [])
    for i, (name, vals) in enumerate(units):
        rows.append(RowSpec(str(i + 1), name, dict(vals)))
    if style.totals_row:
        keys = {k for _, v in units for k in v}
        tot = totals if totals is not None else {k: sum(int(v.get(k, 0)) for _, v in units if isinstance(v.get(k), int)) for k in keys}
        rows.append(RowSpec("", "Tổng cộng", tot, kind="total"))
    wb = build_workbook(period_text=period_text or "", rows=rows, style=style, reporter=reporter,
                        place_date="Phú Yên, ngày 05 tháng 04 năm 2024", note="Fixture")
    if period_text is None:
        ws = wb.active
        ws.cell(row=5, column=1 + style.leading_blank_col).value = "Báo cáo tình hình giải quyết TTHC"
    if unmerge:
        ws = wb.active
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
    return save_deterministic(wb, path, created=created, title="fixture", keywords="")


#: A flattened one-row form-06 header: "Quá hạn" twice, every group label folded into its leaf.
FLAT06 = ["STT", "Đơn vị", "Tổng số hồ sơ tiếp nhận", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
          "Tổng số đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số đang giải quyết", "Trong hạn", "Quá hạn"]


def write_flat_form(path: Path, units: list[tuple[str, dict[str, Any]]], *, period_text: str,
                    header: Sequence[Any] = FLAT06, numbers: Sequence[Any] | None = None, number_row: bool = True,
                    extra_header: Sequence[Any] = (), extra_numbers: Sequence[Any] = (), totals: bool = True,
                    created: datetime = datetime(2025, 9, 5, 8, 0), reporter: str = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK") -> Path:
    """A form-06 sheet with a one-row header (``header``) and, unless ``number_row`` is False, the form's number row
    (``numbers``; "(1)" … "(13)" by default) right under it; ``extra_header``/``extra_numbers`` add columns at the
    right (e.g. "Ghi chú" numbered "(14)"). Title, period line at row 3, header at row 5; units from row 6 or 7."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    ws.append([reporter])
    ws.append(["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws.append([f"Kỳ báo cáo: {period_text}"])
    ws.append([])
    ws.append(list(header) + list(extra_header))
    if number_row:
        ws.append(list(numbers if numbers is not None else [f"({i})" for i in range(1, 14)]) + list(extra_numbers))
    for i, (name, vals) in enumerate(units):
        ws.append([str(i + 1), name] + [vals.get(k) for k in COLS06])
    if totals:
        ws.append([None, "Tổng cộng"] + [sum(int(v.get(k) or 0) for _, v in units) for k in COLS06])
    return save_deterministic(wb, path, created=created, title="fixture", keywords="")
