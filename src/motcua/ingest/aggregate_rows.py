"""The unit rows of an aggregate sheet → records, each row's findings recorded.

Grain: one :class:`~motcua.ingest.records.Record` per unit row (kept, or ``status`` "dropped" when its
name matches no official unit or is missing). Per row: each cell that is not a non-negative integer
is one finding and left empty; a number read from an unusual format ("1.234,0") is one note; blank
cells are one warning (never read as 0); a fuzzy match is one warning; a refused match names the
closest candidates (within the province heading's scope when there is one). Quirk: a row whose name
only folds to a totals word ("Công an tỉnh" → "Cộng") was read as a unit, and says so when unmatched.
"""

from __future__ import annotations

from motcua.ingest.aggregate_checks import cell_error_message, check_rate, refusal_message
from motcua.ingest.aggregate_records import unit_record
from motcua.ingest.form import FormSheet
from motcua.ingest.periods import Period
from motcua.ingest.province_scope import match_in_scope, sheet_province
from motcua.ingest.records import Record
from motcua.ingest.rowlabels import has_marks
from motcua.ingest.unit_match import MatchContext, settle_agencies
from motcua.numfmt import num, vi_count
from motcua.quality import Quality


def unit_row_records(
    fs: FormSheet,
    units: list,
    scopes: dict,
    display: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple,
    period: Period,
    plabel: str,
) -> list[Record]:
    """One record per unit row of the sheet, matched within its province heading's scope (``scopes``: row →
    scope) or the sheet's province."""
    hint = sheet_province(fs, ctx, period.start)
    matches = [_match(r, scopes.get(r.row), hint, ctx, period) for r in units]
    # agencies whose province neither a heading nor the title tells: the province of the sheet's units
    matches = settle_agencies(matches, lambda i, code: _match(units[i], scopes.get(units[i].row), code, ctx, period))
    return [
        _row_record(r, m, scopes.get(r.row), fs, display, q, ctx, order, period, plabel) for r, m in zip(units, matches)
    ]


def _match(r, scope, hint, ctx: MatchContext, period: Period):
    """The unit row ``r``'s match (None for a row without a name)."""
    return match_in_scope(r.name, ctx, period.start, scope, scope.code if scope else hint) if r.name else None


def _row_record(
    r,
    m,
    scope,
    fs: FormSheet,
    display: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple,
    period: Period,
    plabel: str,
) -> Record:
    """The record of unit row ``r`` (matched as ``m``) and its findings."""
    who = (m.unit_code if m is not None and m.matched else r.name) or ""
    vals = _cell_values(r, fs, display, q, m, who, plabel)
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
        return unit_record(r, None, fs, display, period, vals, order, status="dropped")
    if not m.matched:
        _report_unmatched(r, m, scope, fs, display, q, ctx, period, plabel)
        return unit_record(r, m, fs, display, period, vals, order, status="dropped")
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
    if fs.layout.startswith("form06") and r.extra.get("_rate") not in (None, ""):
        check_rate(r, vals, display, fs.sheet, q, m, plabel)
    return rec


def _cell_values(r, fs: FormSheet, display: str, q: Quality, m, who: str, plabel: str) -> dict[str, int | None]:
    """The row's counts by column (None where a cell is not a count: one error each); a number in an unusual
    format is a note, blank cells one warning."""
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
    return vals


def _report_unmatched(
    r, m, scope, fs: FormSheet, display: str, q: Quality, ctx: MatchContext, period: Period, plabel: str
) -> None:
    """The error of a row whose name matched no unit, naming the closest candidates; and the note of a
    row read as a unit although its name folds to a totals word."""
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
        why = "nhưng viết khác" if has_marks(r.name) else "nhưng là tên đơn vị (not_totals_row trong config/layouts)"
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
