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

from motcua.ingest.aggregate_checks import cell_error_message, check_rate, check_totals, refusal_message
from motcua.ingest.aggregate_records import (
    EXTRA_COUNTS,  # noqa: F401 - motcua.clean.run reads it here
    field_record,
    header_rows,
    period_for,
    rows_not_booked,
    unit_record,
)
from motcua.ingest.form import FormSheet, read_form_sheet
from motcua.ingest.grid import Book
from motcua.ingest.periods import period_out_of_range
from motcua.ingest.province_scope import match_in_scope, province_scopes, sheet_province
from motcua.ingest.records import Record
from motcua.ingest.rowlabels import has_marks
from motcua.ingest.unit_match import MatchContext
from motcua.numfmt import num, vi_count
from motcua.quality import Quality, period_label


def read_aggregate_book(
    book: Book, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> tuple[list[Record], bool]:
    """Records from every recognised sheet; (records, any_sheet_recognised)."""
    records: list[Record] = []
    recognised = False
    sheets = []
    for g in book.grids:
        fs = read_form_sheet(g)
        if fs is None:
            if any(any(v is not None for v in r) for r in g.rows):
                sheets.append((g.sheet, None))
            continue
        sheets.append((g.sheet, fs))
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
    if period is None:
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
        q.add(
            display,
            "period_out_of_range",
            "error",
            f"Kỳ báo cáo {plabel} không thể có thật ({bad_period}); loại {len(units)} dòng đơn vị của trang tính "
            f"(từng dòng ghi bên dưới).",
            sheet=fs.sheet,
            period=plabel,
            action="checked",
        )
        for r in units:
            q.add(
                display,
                "period_out_of_range",
                "error",
                f'Dòng "{r.name}" bị loại vì kỳ báo cáo {plabel} không hợp lệ.',
                sheet=fs.sheet,
                row=r.row,
                unit=r.name,
                period=plabel,
                action="dropped",
            )
        return [unit_record(r, None, fs, display, period, {}, order, status="dropped") for r in units]
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
    q.findings.extend(scope_q.findings)
    check_totals(fs, display, q, plabel)
    if fs.field_mode:
        return field_record(fs, display, q, ctx, order, period, plabel)
    out: list[Record] = []
    hint = sheet_province(fs, ctx, period.start)
    for r in units:
        scope = scopes.get(r.row)
        m = match_in_scope(r.name, ctx, period.start, scope, scope.code if scope else hint) if r.name else None
        who = (m.unit_code if m is not None and m.matched else r.name) or ""
        vals: dict[str, int | None] = {}
        for col, pc in r.values.items():
            if pc.error:
                q.add(
                    display,
                    pc.error,
                    "error",
                    cell_error_message(pc.error, pc.raw, fs.column_labels.get(col, col)),
                    sheet=fs.sheet,
                    row=r.row,
                    unit=who,
                    match=m,
                    period=plabel,
                    action="value_removed",
                )
            elif pc.note:
                q.add(
                    display,
                    "number_format",
                    "info",
                    f'Cột {fs.column_labels.get(col, col)}: "{pc.raw}" đọc là {vi_count(pc.value)} ({pc.note}).',
                    sheet=fs.sheet,
                    row=r.row,
                    unit=who,
                    match=m,
                    period=plabel,
                    action="kept",
                )
            vals[col] = pc.value
        blanks = [fs.column_labels.get(c, c) for c, pc in r.values.items() if pc.blank and c in fs.columns]
        if blanks:
            q.add(
                display,
                "blank_count",
                "warning",
                "Ô để trống (không đọc là 0): " + "; ".join(blanks) + ".",
                sheet=fs.sheet,
                row=r.row,
                unit=who,
                match=m,
                period=plabel,
                action="kept",
            )
        if m is None:
            q.add(
                display,
                "row_without_unit",
                "error",
                "Dòng có số liệu nhưng không có tên đơn vị; loại dòng.",
                sheet=fs.sheet,
                row=r.row,
                period=plabel,
                action="dropped",
            )
            out.append(unit_record(r, None, fs, display, period, vals, order, status="dropped"))
            continue
        if not m.matched:
            rule, msg = refusal_message(m, r.name, plabel, period.start)
            if rule:
                pass
            elif m.method == "other_province" and scope is not None:
                msg = (
                    f'Không khớp "{r.name}": không có đơn vị này trong {scope.name} ({scope.code}), tỉnh {scope.where()}; '
                    f"đơn vị cùng tên ở tỉnh khác: {m.candidates_text(3)}. Loại dòng; kiểm tra dòng tiêu đề tỉnh "
                    f"hoặc vị trí dòng trong tệp."
                )
            else:
                why = "có nhiều đơn vị trùng tên" if m.method == "ambiguous" else "độ khớp thấp"
                if scope is not None:
                    why += f", trong {scope.name} {scope.where()}"
                elif m.method == "ambiguous" and ctx.province_code is None:
                    why += ', tệp không có dòng tiêu đề tỉnh ("Tỉnh …") trên các đơn vị'
                msg = (
                    f'Không khớp "{r.name}" với đơn vị chính thức ({why}); gần nhất: {m.candidates_text(3)}. Loại dòng; '
                    f"thêm bí danh vào config/aliases.yaml nếu đúng."
                )
            q.add(
                display,
                rule or "unit_unmatched",
                "error",
                msg,
                sheet=fs.sheet,
                row=r.row,
                unit=r.name,
                period=plabel,
                action="dropped",
            )
            if r.extra.get("_folds_to_totals"):
                why = (
                    "nhưng viết khác"
                    if has_marks(r.name)
                    else "nhưng là tên đơn vị (not_totals_row trong config/layouts)"
                )
                q.add(
                    display,
                    "totals_word_differs",
                    "info",
                    f'Dòng "{r.name}" không được đọc là dòng tổng: bỏ dấu thì giống "{r.extra["_folds_to_totals"]}" '
                    f"{why}; đọc là dòng đơn vị, các dòng bên dưới vẫn được đọc. Nếu đây đúng là dòng tổng, "
                    f'sửa chữ cho đúng dấu ("Tổng cộng", "Cộng").',
                    sheet=fs.sheet,
                    row=r.row,
                    unit=r.name,
                    period=plabel,
                    action="checked",
                )
            out.append(unit_record(r, m, fs, display, period, vals, order, status="dropped"))
            continue
        if m.method == "fuzzy":
            q.add(
                display,
                "unit_matched_fuzzy",
                "warning",
                f'"{r.name}" khớp gần đúng với {m.unit_name} ({m.unit_code}), điểm {num(m.score, "vi")}.',
                sheet=fs.sheet,
                row=r.row,
                unit=m.unit_code or "",
                match=m,
                period=plabel,
                action="kept",
            )
        rec = unit_record(r, m, fs, display, period, vals, order)
        if scope is not None and ctx.province_code is None:
            rec.note = f"tỉnh {scope.name} ({scope.code}) {scope.where()}"
        out.append(rec)
        if fs.layout.startswith("form06") and r.extra.get("_rate") not in (None, ""):
            check_rate(r, vals, display, fs.sheet, q, m, plabel)
    return out
