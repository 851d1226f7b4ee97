"""Aggregate workbooks (form 06, 07a) → records, with every finding recorded.

Grain: one :class:`~motcua.ingest.records.Record` per unit row of every
recognised sheet. Totals and subtotal rows are checked here (against the
sum of the rows they cover, per column) and never become records. Cells that
are not non-negative integers are left empty in the record and reported with
their original text. A row whose name matches no official unit is dropped
and reported with its closest candidates.

Multi-province exports (a national or regional form 06) group the units under
province headings: a section row ("Tỉnh Cao Bằng", "TỈNH LÂM ĐỒNG",
"II. Thành phố Hà Nội"), sometimes carrying the province's subtotal, or a
title block naming one province ("UBND TỈNH CAO BẰNG"). Without a configured
province (config/province.yaml ``province_code: null``) such a heading scopes
the name matching of the unit rows below it to its province, until the next
heading, so that "Huyện Châu Thành" or "Huyện Bảo Lâm" resolve; the
configured province, when set, still wins and a heading naming another
province is reported. A province's subtotal row is checked, never a unit.

A sheet whose header labels contradict the form's column numbers "(1) … (13)"
is one ``header_numbers_disagree`` error naming the number row; its unit rows
are each reported and dropped, never read by a guessed column. Columns placed
by the numbers because the labels left them ambiguous are one
``header_from_numbers`` note. A unit row whose name only folds to a totals word
("Công an tỉnh" → "Cộng") gets a ``totals_word_differs`` note when its name
matches no unit (it explains why a totals-like row was read as a unit); a row
that matched a unit needs no explanation and gets none.
"""

from __future__ import annotations

from pathlib import Path

from motcua.ingest.aggregate_checks import check_totals
from motcua.ingest.aggregate_records import (
    EXTRA_COUNTS,  # noqa: F401 - motcua.clean.run reads it here
    field_record,
    header_rows,
    period_for,
    rows_not_booked,
    unit_record,
)
from motcua.ingest.aggregate_rows import unit_row_records
from motcua.ingest.eras import across_reform, reform_date
from motcua.ingest.form import FormSheet, read_form_tables
from motcua.ingest.grid import Book
from motcua.ingest.periods import Period, period_out_of_range
from motcua.ingest.province_scope import province_scopes
from motcua.ingest.records import Record
from motcua.ingest.unit_match import MatchContext
from motcua.quality import Quality, period_label


def read_aggregate_book(
    book: Book, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> tuple[list[Record], bool]:
    """Records from every recognised sheet; (records, any_sheet_recognised)."""
    records: list[Record] = []
    recognised = False
    sheets = []
    for g in book.grids:
        tables = read_form_tables(g)
        if not tables:
            if any(any(v is not None for v in r) for r in g.rows):
                sheets.append((g.sheet, None))
            continue
        sheets += [(g.sheet, fs) for fs in tables]
    if not any(fs for _, fs in sheets):
        return [], False
    for sheet, fs in sheets:
        if fs is None:
            q.add(
                display,
                "ignored_sheet",
                "info",
                "Trang tính không có bảng số liệu nhận dạng được; bỏ qua.",
                sheet=sheet,
                action="checked",
            )
            continue
        recognised = True
        records += _sheet_records(fs, book.path, display, q, ctx, order)
    return records, recognised


def _sheet_records(
    fs: FormSheet, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> list[Record]:
    """The records of one recognised sheet: none when its period is unknown, dropped ones when the period cannot
    be real or the header contradicts the column numbers; otherwise its unit rows (or field rows) read."""
    period = period_for(fs, path, display, q)
    scope_q = Quality()  # heading findings, kept only when the sheet's rows are read
    scopes = province_scopes(
        fs,
        ctx,
        period.start if period else None,
        display,
        scope_q,
        period_label(period.start, period.end) if period else "",
    )
    units = [r for r in fs.rows if r.kind == "unit"]
    if fs.header_disagreements:
        _report_header_disagreement(fs, units, period, display, q)
    if period is None:
        _drop_without_period(fs, units, display, q)
        return []
    plabel = period_label(period.start, period.end)
    if fs.header_disagreements:
        return rows_not_booked(fs, display, q, period, plabel, order)
    if not units and not fs.field_mode:
        q.add(
            display,
            "no_rows",
            "warning",
            f"Trang tính có tiêu đề biểu mẫu {fs.layout} (dòng {fs.header_row}) nhưng không có dòng đơn vị nào có số liệu.",
            sheet=fs.sheet,
            period=plabel,
            action="checked",
        )
    bad_period = period_out_of_range(period.start, period.end)
    if bad_period:
        return _drop_out_of_range(fs, units, display, q, order, period, plabel, bad_period)
    if across_reform(period.start, period.end):
        return _drop_out_of_range(fs, units, display, q, order, period, plabel, "", rule="period_across_reform")
    _column_notes(fs, display, q, plabel)
    q.findings.extend(scope_q.findings)
    check_totals(fs, display, q, plabel)
    if fs.field_mode:
        return field_record(fs, display, q, ctx, order, period, plabel)
    return unit_row_records(fs, units, scopes, display, q, ctx, order, period, plabel)


def _report_header_disagreement(fs: FormSheet, units: list, period: Period | None, display: str, q: Quality) -> None:
    """The one error of a sheet whose header labels contradict the form's column numbers."""
    n = len(units) if not fs.field_mode else 1
    q.add(
        display,
        "header_numbers_disagree",
        "error",
        f"Nhãn tiêu đề ({header_rows(fs)}) và dòng số thứ tự cột của biểu "
        f"(dòng {fs.number_row}) không khớp: " + "; ".join(fs.header_disagreements) + ". Không đoán cột nào đúng: "
        f"{n} dòng {'đơn vị' if not fs.field_mode else 'số liệu'} của trang tính không được ghi nhận"
        f"{' (từng dòng ghi bên dưới)' if period is not None and not fs.field_mode else ''}. "
        f"Sửa nhãn hoặc dòng số trong tệp rồi chạy lại.",
        sheet=fs.sheet,
        row=fs.number_row,
        period=period_label(period.start, period.end) if period else "",
        action="checked",
    )


def _drop_without_period(fs: FormSheet, units: list, display: str, q: Quality) -> None:
    """The error of a sheet without a readable period, and one per unit row dropped."""
    why = (
        f'dòng "{fs.period_text}" có ngày không hợp lệ'
        if fs.period_text
        else 'không có "Từ ngày … đến ngày …" trong trang tính hay trong tên tệp'
    )
    q.add(
        display,
        "no_period",
        "error",
        f"Không xác định được kỳ báo cáo ({why}); "
        f"loại {len(units)} dòng đơn vị của trang tính (từng dòng ghi bên dưới).",
        sheet=fs.sheet,
        action="checked",
    )
    for r in units:
        q.add(
            display,
            "no_period",
            "error",
            f'Dòng "{r.name}" bị loại vì kỳ báo cáo không xác định.',
            sheet=fs.sheet,
            row=r.row,
            unit=r.name,
            action="dropped",
        )


def _drop_out_of_range(
    fs: FormSheet,
    units: list,
    display: str,
    q: Quality,
    order: tuple,
    period: Period,
    plabel: str,
    bad_period: str,
    rule: str = "period_out_of_range",
) -> list[Record]:
    """The error of a sheet whose period cannot be real (``period_out_of_range``) or spans the reform of 1 July
    2025 (``period_across_reform``: its rows belong to neither era's list), one per unit row; the rows as dropped
    records."""
    if rule == "period_across_reform":
        day = reform_date()
        why = (
            f"Kỳ báo cáo {plabel} bắc qua ngày {day:%d/%m/%Y}, ngày các đơn vị hành chính được sắp xếp lại: số liệu "
            f"gộp cả đơn vị cũ và đơn vị mới, không ghi được cho danh mục nào; loại {len(units)} dòng đơn vị của "
            f"trang tính (từng dòng ghi bên dưới). Lập báo cáo riêng cho phần trước và phần từ ngày {day:%d/%m/%Y}."
        )
        each = f"kỳ báo cáo {plabel} bắc qua ngày {day:%d/%m/%Y}"
    else:
        why = (
            f"Kỳ báo cáo {plabel} không thể có thật ({bad_period}); loại {len(units)} dòng đơn vị của trang tính "
            f"(từng dòng ghi bên dưới)."
        )
        each = f"kỳ báo cáo {plabel} không hợp lệ"
    q.add(display, rule, "error", why, sheet=fs.sheet, period=plabel, action="checked")
    for r in units:
        q.add(
            display,
            rule,
            "error",
            f'Dòng "{r.name}" bị loại vì {each}.',
            sheet=fs.sheet,
            row=r.row,
            unit=r.name,
            period=plabel,
            action="dropped",
        )
    return [unit_record(r, None, fs, display, period, {}, order, status="dropped") for r in units]


def _column_notes(fs: FormSheet, display: str, q: Quality, plabel: str) -> None:
    """Notes on the columns: those outside the form, those placed by the column numbers, those summed."""
    for lab in fs.ignored_columns:
        use = "chỉ dùng để đối chiếu với tỷ lệ tính lại" if "tỷ lệ" in lab.lower() else "không dùng"
        q.add(
            display,
            "ignored_column",
            "info",
            f'Cột "{lab}" không thuộc biểu mẫu {fs.layout}; {use}.',
            sheet=fs.sheet,
            period=plabel,
            action="checked",
        )
    if fs.by_numbers:
        q.add(
            display,
            "header_from_numbers",
            "info",
            f"Nhãn tiêu đề ({header_rows(fs)}) không đủ phân biệt các cột "
            + ", ".join(f'({k}) "{lab}"' for _, k, lab in fs.by_numbers)
            + f"; vị trí các cột này lấy theo dòng số thứ tự cột của biểu (dòng {fs.number_row}), khớp với nhãn.",
            sheet=fs.sheet,
            row=fs.number_row,
            period=plabel,
            action="derived",
        )
    for target, parts in fs.sums:
        q.add(
            display,
            "derived_column",
            "info",
            f"Cột {target} = "
            + " + ".join(f'"{fs.column_labels.get(p, p)}"' for p in parts)
            + " (tách trong tệp, cộng lại).",
            sheet=fs.sheet,
            period=plabel,
            action="derived",
        )
