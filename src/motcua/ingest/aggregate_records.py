"""Records of an aggregate sheet: one :class:`~motcua.ingest.records.Record` per unit row (or per field row
of a form that lists fields under a unit), the period a sheet covers, its header rows and the rows of a
sheet that no unit books."""

from __future__ import annotations

from pathlib import Path

from motcua.ingest.aggregate_checks import refusal_message
from motcua.ingest.form import FormRow, FormSheet
from motcua.ingest.names import UnitMatch
from motcua.ingest.periods import Period, parse_period_filename, parse_period_sheetname
from motcua.ingest.records import Record
from motcua.ingest.unit_match import MatchContext, match_with_fallback
from motcua.panel import COUNT_COLUMNS, column_ref
from motcua.quality import Quality, period_label

EXTRA_COUNTS = ("received_new", "resolved_early_ontime", "supplement", "returned")


def period_for(fs: FormSheet, path: Path, display: str, q: Quality) -> Period | None:
    p = fs.period
    if p is not None and not p.from_label:
        return p
    fp = parse_period_filename(path.name)
    if fp is not None and not fp.from_label:
        return fp
    # a workbook of month sheets ("T10.2025", "T11.2025" in "BC quy IV-2025.xlsx", or under a title "QUÝ IV"): each
    # sheet's own month, when it lies within the period the sheet's title or the file's name states
    sp = parse_period_sheetname(fs.sheet, p if p is not None else fp)
    lab = sp or p or fp
    if lab is not None:
        src = "trong tên trang tính" if sp is not None else ("trong trang tính" if p is not None else "trong tên tệp")
        q.add(
            display,
            "period_from_label",
            "warning",
            f'Kỳ báo cáo chỉ có nhãn {src} ("{lab.text}"), không có ngày bắt đầu/kết thúc; '
            f"dùng kỳ theo lịch {period_label(lab.start, lab.end)}.",
            sheet=fs.sheet,
            period=period_label(lab.start, lab.end),
            action="derived",
        )
        return lab
    return None


def header_rows(fs: FormSheet) -> str:
    """ "dòng 8–10", "dòng 5": where a sheet's header labels are."""
    last = fs.header_row + fs.header_depth - 1
    return f"dòng {fs.header_row}" if last == fs.header_row else f"dòng {fs.header_row}–{last}"


def rows_not_booked(fs: FormSheet, display: str, q: Quality, period: Period, plabel: str, order: tuple) -> list[Record]:
    """A sheet whose header labels and column numbers disagree: every unit row reported and dropped, none guessed."""
    if fs.field_mode:
        fake = FormRow(fs.header_row, "", fs.title_unit, {}, "unit")
        q.add(
            display,
            "header_numbers_disagree",
            "error",
            f"Biểu theo lĩnh vực{f' của {fs.title_unit}' if fs.title_unit else ''} không được ghi nhận vì nhãn tiêu đề và "
            f"dòng số thứ tự cột không khớp.",
            sheet=fs.sheet,
            row=fs.header_row,
            unit=fs.title_unit,
            period=plabel,
            action="dropped",
        )
        return [unit_record(fake, None, fs, display, period, {}, order, status="dropped")]
    out = []
    for r in (u for u in fs.rows if u.kind == "unit"):
        q.add(
            display,
            "header_numbers_disagree",
            "error",
            f'Dòng "{r.name}" không được ghi nhận vì nhãn tiêu đề và dòng số thứ tự cột không khớp.',
            sheet=fs.sheet,
            row=r.row,
            unit=r.name,
            period=plabel,
            action="dropped",
        )
        out.append(unit_record(r, None, fs, display, period, {}, order, status="dropped"))
    return out


def unit_record(
    r: FormRow,
    m: UnitMatch | None,
    fs: FormSheet,
    display: str,
    period: Period,
    vals: dict[str, int | None],
    order: tuple,
    status: str = "kept",
) -> Record:
    values = {c: vals.get(c) for c in COUNT_COLUMNS}
    extra = {c: vals[c] for c in EXTRA_COUNTS if c in vals}
    return Record(
        file=display,
        sheet=fs.sheet,
        row=r.row,
        name=r.name,
        unit=m,
        start=period.start,
        end=period.end,
        period_kind=period.kind,
        cumulative=period.cumulative,
        values=values,
        extra=extra,
        order=order,
        source_kind=fs.layout,
        source_ref=f"{fs.sheet}!{r.row}",
        other_outcomes=fs.other_outcomes,
        status=status,
        hidden=r.row in fs.hidden_rows,
    )


def field_record(
    fs: FormSheet, display: str, q: Quality, ctx: MatchContext, order: tuple, period: Period, plabel: str
) -> list[Record]:
    """A form whose rows are fields (lĩnh vực) of one unit: one record, from the totals row or the sum of fields."""
    fields = [r for r in fs.rows if r.kind == "unit"]
    totals = [r for r in fs.rows if r.kind == "total"]
    name = fs.title_unit
    if totals:
        src = totals[0]
        vals = {c: pc.value for c, pc in src.values.items()}
        how = f'dòng "{src.name}"'
    else:
        src = fields[0] if fields else None
        vals = {}
        for c in fs.columns:
            parts = [f.values[c].value for f in fields]
            vals[c] = None if not parts or any(v is None for v in parts) else sum(parts)  # type: ignore[arg-type]
        how = f"tổng {len(fields)} lĩnh vực"
    row = src.row if src is not None else fs.header_row
    for f in fields:
        for col, pc in f.values.items():
            if pc.error:
                q.add(
                    display,
                    pc.error,
                    "error",
                    f'Lĩnh vực "{f.name}", cột {column_ref(col)}: "{pc.raw}" không phải số nguyên không âm.',
                    sheet=fs.sheet,
                    row=f.row,
                    unit=name,
                    period=plabel,
                    action="value_removed",
                )
    fake = FormRow(row, "", name, {}, "unit")
    if not name:
        q.add(
            display,
            "row_without_unit",
            "error",
            'Biểu theo lĩnh vực nhưng không tìm thấy tên đơn vị ở phần đầu ("UBND huyện …" hoặc "Đơn vị báo cáo: …"); loại.',
            sheet=fs.sheet,
            row=row,
            period=plabel,
            action="dropped",
        )
        return [unit_record(fake, None, fs, display, period, vals, order, status="dropped")]
    m = match_with_fallback(name, ctx, period.start)
    if not m.matched:
        rule, msg = refusal_message(m, name, plabel, period.start)  # another era's unit, an agency, a code
        q.add(
            display,
            rule or "unit_unmatched",
            "error",
            msg or f'Không khớp "{name}" với đơn vị chính thức; gần nhất: {m.candidates_text(3)}. Loại.',
            sheet=fs.sheet,
            row=row,
            unit=name,
            period=plabel,
            action="dropped",
        )
        return [unit_record(fake, m, fs, display, period, vals, order, status="dropped")]
    q.add(
        display,
        "field_form",
        "info",
        f"Biểu theo lĩnh vực ({len(fields)} dòng) của {m.unit_name}: số liệu đơn vị lấy từ {how}.",
        sheet=fs.sheet,
        row=row,
        unit=m.unit_code or "",
        match=m,
        period=plabel,
        action="derived",
    )
    return [unit_record(fake, m, fs, display, period, vals, order)]
