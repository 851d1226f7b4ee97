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

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from motcua.ingest.agencies import looks_like_agency, match_agency
from motcua.ingest.eras import as_candidates, era_level, era_of, era_provinces, other_era, reform_date
from motcua.ingest.form import FormRow, FormSheet, read_form_sheet
from motcua.ingest.grid import Book
from motcua.ingest.names import UnitMatch, match_unit, normalize_name, reference_units, split_type
from motcua.ingest.numbers import parse_percent
from motcua.ingest.periods import Period, parse_period_filename, period_out_of_range
from motcua.ingest.records import Record
from motcua.ingest.rowlabels import has_marks
from motcua.panel import COUNT_COLUMNS, column_ref
from motcua.quality import Quality, period_label

EXTRA_COUNTS = ("received_new", "resolved_early_ontime", "supplement", "returned")


@dataclass(frozen=True)
class MatchContext:
    """Where unit names are looked up (config/province.yaml): the configured province (either era's code, or
    None for exports of several provinces), the era that code belongs to (``schema``) and the level reports
    are made for. A row's own period decides the list its name is matched in (:mod:`motcua.ingest.eras`)."""

    schema: str = "legacy"
    level: str | None = "district"
    province_code: str | None = None


#: match methods that name one unit without any guess
_EXACT = ("exact", "no_diacritics", "alias")


def match_with_fallback(
    name: str,
    ctx: MatchContext,
    start: date | None = None,
    province_hint: str | None = None,
    scope_code: str | None = None,
) -> UnitMatch:
    """Match ``name`` in the list of its period's era, within the configured province and level.

    In order: a provincial agency (config/agencies.yaml; ``province_hint``, the province the sheet names,
    decides whose agency when the era has several candidate provinces); the era's units at its level;
    other levels of the era (exact names only, e.g. a ward in a district's file). A name that matches
    nothing in its era but exactly names a unit of the *other* era (a dissolved district after 1/7/2025, a
    2025 commune before it) is refused with method ``other_era`` and that unit as its one candidate: it is
    never booked across the reform. A name that starts like an agency but is not in the table is refused
    with method ``unknown_agency``. Otherwise, without any candidate, the search widens to the whole
    country only to list candidates. ``scope_code``: a province of the period's era that a heading names
    (exports of several provinces), searched instead of the configured one.
    """
    era = era_of(start, ctx.schema)
    provinces = (scope_code,) if scope_code else era_provinces(ctx.province_code, ctx.schema, era)
    level = era_level(ctx.level, ctx.schema, era)
    agency = _agency_match(name, era, provinces, province_hint)
    if agency is not None:
        return agency
    m = _match_in_era(name, era, level, provinces)
    if m.matched or m.method == "ambiguous":
        return m
    other = other_era(era)
    o = _match_in_era(
        name, other, era_level(ctx.level, ctx.schema, other), era_provinces(ctx.province_code, ctx.schema, other)
    )
    if o.matched and o.method in (*_EXACT, "type_differs"):
        return UnitMatch(m.query, None, None, None, None, None, o.score, as_candidates(o), "other_era", era)
    if looks_like_agency(name):
        return UnitMatch(m.query, None, None, None, None, None, 0.0, [], "unknown_agency", era)
    if m.candidates:
        return m
    return match_unit(name, schema=era, level=level)


def _match_in_era(name: str, era: str, level: str | None, provinces: tuple[str, ...] | None) -> UnitMatch:
    """The era's unit at ``level``; else another level of the era on an exact name."""
    from motcua.ingest.names import settings

    m = match_unit(name, schema=era, level=level, province_code=provinces)
    if m.matched or level is None or not settings().get("other_levels_exact", True):
        return m
    other = match_unit(name, schema=era, level=None, province_code=provinces)
    if (other.matched and other.method in _EXACT) or (other.method == "ambiguous" and not m.candidates):
        return other  # or: several units of another level bear exactly this name, which says more than "none"
    return m


def _province_row(era: str, code: str) -> tuple[str, str]:
    """(official name, short name) of a province of ``era``."""
    ref = _provinces(era)
    return ref.get(code, (code, code))


@lru_cache(maxsize=2)
def _provinces(era: str) -> dict[str, tuple[str, str]]:
    ref = reference_units(era)
    ref = ref[ref["unit_level"] == "province"]
    return {str(r.unit_code): (str(r.unit_name), str(r.short_name)) for r in ref.itertuples(index=False)}


def _agency_match(name: str, era: str, provinces: tuple[str, ...] | None, hint: str | None) -> UnitMatch | None:
    """A provincial agency named by ``name``, booked in its province of ``era``; None when ``name`` names no
    agency of config/agencies.yaml. An agency whose province cannot be told (several candidate provinces
    and no heading naming one) is refused (method ``agency_province_unknown``)."""
    shorts = tuple(_province_row(era, c)[1] for c in (provinces or ((hint,) if hint else ())))
    agency = match_agency(name, shorts)
    if agency is None:
        return None
    code = (
        hint
        if hint and (provinces is None or hint in provinces)
        else (provinces[0] if provinces and len(provinces) == 1 else None)
    )
    query = "" if name is None else str(name)
    if code is None:
        return UnitMatch(query, None, None, None, None, None, 100.0, [], "agency_province_unknown", era)
    pname = _province_row(era, code)[0]
    return UnitMatch(query, agency.code(code), agency.name, "agency", code, pname, 100.0, [], "agency", era)


def schema_and_level(ctx: MatchContext, start: date | None) -> tuple[str, str | None]:
    """The unit list (era) and level names are matched in for a period starting ``start``."""
    era = era_of(start, ctx.schema)
    return era, era_level(ctx.level, ctx.schema, era)


# --------------------------------------------------------------------------- province headings


@dataclass(frozen=True)
class ProvinceScope:
    """The province a heading (or the title block) names: unit rows below it are matched within it."""

    code: str
    name: str
    text: str  # as written
    row: int | None  # 1-based sheet row of the heading; None for the title block
    written_code: str = ""  # the other era's province the text names ("54" for "TỈNH PHÚ YÊN" after 1/7/2025)
    written_name: str = ""

    def label(self) -> str:
        if self.row is None:
            return f'Phần đầu tệp "{self.text}"'
        return f'Dòng tiêu đề tỉnh "{self.text}" (dòng {self.row})'

    def where(self) -> str:
        if self.row is None:
            return f'theo phần đầu tệp "{self.text}"'
        return f'theo dòng tiêu đề tỉnh "{self.text}" (dòng {self.row})'


@lru_cache(maxsize=65536)
def province_named(text: str, schema: str = "legacy") -> UnitMatch | None:
    """The province a heading names ("Tỉnh Cao Bằng", "TỈNH LÂM ĐỒNG", "II. TP. Hà Nội", "Hà Nội"), or None.

    Exact names only (case, diacritics, prefixes and numbering tolerated); the type word, when written, must
    agree ("Thành phố Cao Bằng" is a district-level city, not Tỉnh Cao Bằng).
    """
    t = normalize_name(text)
    if not t or len(t) > 60:
        return None
    m = match_unit(t, schema=schema, level="province")
    return m if m.matched and m.method in _EXACT else None


_TITLE_TYPE = re.compile(r"(?<!\w)(tỉnh|thành phố|tp\.?)\s+", re.I)
_TITLE_TYPE_ASCII = re.compile(r"(?<!\w)(tinh|thanh pho|tp\.?)\s+", re.I)


def title_province(lines: list[str], schema: str = "legacy") -> tuple[UnitMatch, str] | None:
    """The one province the title block names ("UBND TỈNH CAO BẰNG"), with the text naming it; None when
    it names none or several."""
    from motcua.ingest.text import clean_text, fold

    found: dict[str, tuple[UnitMatch, str]] = {}
    for line in lines:
        t = clean_text(line)
        low = t.lower()
        pat = _TITLE_TYPE_ASCII if fold(t) == low else _TITLE_TYPE  # "tình hình" is not "tỉnh"
        for mt in pat.finditer(low):
            typ = mt.group(1)
            tail = re.split(r"[,;:()\[\]–—-]|\s\d", t[mt.end() :], maxsplit=1)[0].split()[:4]
            for n in range(len(tail), 0, -1):
                m = province_named(f"{t[mt.start(1) : mt.start(1) + len(typ)]} {' '.join(tail[:n])}", schema)
                if m is not None:
                    found.setdefault(str(m.unit_code), (m, t))
                    break
    return next(iter(found.values())) if len(found) == 1 else None


def _is_unit_name(text: str, schema: str, level: str | None) -> bool:
    """True when ``text`` is exactly the name of a unit at the matching level (then a row with counts is a unit)."""
    m = match_unit(text, schema=schema, level=level or "district")
    return m.method in _EXACT or (m.method == "ambiguous" and m.score >= 97)


def _heading(text: str, era: str) -> tuple[UnitMatch, UnitMatch | None] | None:
    """The province a heading names, in ``era``'s list: (the era's province, the other era's province the
    text names when it names one of the other era, else None); None when it names no province."""
    m = province_named(text, era)
    if m is not None:
        return m, None
    o = province_named(text, other_era(era))
    if o is None:
        return None
    counterpart = _counterpart_province(str(o.unit_code), other_era(era), era)
    if counterpart is None:
        return None
    name = _province_row(era, counterpart)[0]
    return UnitMatch(text, counterpart, name, "province", counterpart, name, 100.0, [], "other_era", era), o


def _counterpart_province(code: str, from_era: str, to_era: str) -> str | None:
    """The one province of ``to_era`` that the province ``code`` of ``from_era`` belongs to (successor), or
    that alone makes it up (single predecessor); None when there are several."""
    found = era_provinces(code, from_era, to_era) or ()
    return found[0] if len(found) == 1 else None


def province_scopes(
    fs: FormSheet, ctx: MatchContext, start: date | None, display: str, q: Quality, plabel: str
) -> dict[int, ProvinceScope]:
    """The province each unit row's name is matched in (sheet row → scope), from headings and the title block.

    Headings and title blocks are read in the list of the period's era; one naming a province of the other
    era ("TỈNH PHÚ YÊN" above July 2025 communes) stands for its counterpart (Tỉnh Đắk Lắk) and is reported
    once. Province rows carrying counts become subtotals (checked, never units). With a configured province
    the configured one is kept, rows are left as read, and a heading naming another province is reported.
    Files read at province level (``unit_level: province``) have no headings: their province rows are units.
    """
    era = era_of(start, ctx.schema)
    level = era_level(ctx.level, ctx.schema, era)
    if level == "province" or fs.field_mode:
        return {}
    configured = era_provinces(ctx.province_code, ctx.schema, era)
    title = _title(fs, era)
    default = (
        ProvinceScope(str(title[0].unit_code), str(title[0].unit_name), title[2], None, *_written(title[1]))
        if title
        else None
    )
    headings: list[ProvinceScope] = []
    scopes: dict[int, ProvinceScope] = {}
    current = default
    for r in fs.rows:
        if r.kind == "total":
            break
        if r.extra.get("_closes_group"):
            current = default
            continue
        # with a configured province, rows with counts stay as they were read (a "Tỉnh Phú Yên" row is matched as before)
        if r.kind in ("section", "subtotal") or (r.kind == "unit" and r.name and configured is None):
            h = _heading(r.name or r.stt, era)
            if h is not None and r.kind == "unit":
                typ, _ = split_type(normalize_name(r.name))
                if typ != "Tỉnh" and _is_unit_name(r.name, era, level):
                    h = None  # "Cao Bằng" with counts: the city (district level), not the province
            if h is not None:
                if r.kind == "unit":
                    r.kind = "subtotal"
                    r.extra["_province"] = True
                current = ProvinceScope(
                    str(h[0].unit_code), str(h[0].unit_name), r.name or r.stt, r.row, *_written(h[1])
                )
                headings.append(current)
                continue
        if r.kind == "unit" and current is not None:
            scopes[r.row] = current
    if default is not None and (configured is not None or any(sc is default for sc in scopes.values())):
        headings.insert(0, default)
    for h in headings:
        if h.written_code:
            q.add(
                display,
                "province_heading_other_era",
                "warning",
                f"{h.label()} nêu {h.written_name} ({h.written_code}) của danh mục "
                f"{'trước' if era == '2025' else 'từ'} {reform_date():%d/%m/%Y}; kỳ {plabel} thuộc danh mục "
                f"{'sau sắp xếp' if era == '2025' else 'cũ'}, nên tiêu đề được hiểu là {h.name} ({h.code}).",
                sheet=fs.sheet,
                row=h.row,
                period=plabel,
                action="checked",
            )
        if configured is not None and h.code not in configured:
            want = ", ".join(configured)
            q.add(
                display,
                "province_heading_mismatch",
                "warning",
                f"{h.label()} nêu {h.name} ({h.code}), khác tỉnh trong config/province.yaml ({want}); "
                f"tên đơn vị vẫn được khớp trong tỉnh cấu hình.",
                sheet=fs.sheet,
                row=h.row,
                period=plabel,
                action="checked",
            )
        elif configured is None:
            q.add(
                display,
                "province_section",
                "info",
                f"Tên đơn vị {'trong tệp' if h.row is None else 'ở các dòng dưới'} được khớp trong {h.name} ({h.code}) "
                f"{h.where()}{'' if h.row is None else ', đến tiêu đề tỉnh kế tiếp'}.",
                sheet=fs.sheet,
                row=h.row,
                period=plabel,
                action="checked",
            )
    return {} if configured is not None else scopes


def _written(other: UnitMatch | None) -> tuple[str, str]:
    return (str(other.unit_code), str(other.unit_name)) if other is not None else ("", "")


def _title(fs: FormSheet, era: str) -> tuple[UnitMatch, UnitMatch | None, str] | None:
    """The one province the title block names, in ``era``'s list: (era's province, other era's province as
    written or None, the text naming it)."""
    t = title_province(fs.title_lines, era)
    if t is not None:
        return t[0], None, t[1]
    o = title_province(fs.title_lines, other_era(era))
    if o is None:
        return None
    counterpart = _counterpart_province(str(o[0].unit_code), other_era(era), era)
    if counterpart is None:
        return None
    name = _province_row(era, counterpart)[0]
    return UnitMatch(o[1], counterpart, name, "province", counterpart, name, 100.0, [], "other_era", era), o[0], o[1]


def sheet_province(fs: FormSheet, ctx: MatchContext, start: date | None) -> str | None:
    """The province of the period's era the sheet's title block names (its counterpart when the title names
    the other era's province), when it is one of the configured province's; None otherwise."""
    era = era_of(start, ctx.schema)
    title = _title(fs, era)
    if title is None:
        return None
    code = str(title[0].unit_code)
    configured = era_provinces(ctx.province_code, ctx.schema, era)
    return code if configured is None or code in configured else None


def match_in_scope(
    name: str, ctx: MatchContext, start: date | None, scope: ProvinceScope | None, province_hint: str | None = None
) -> UnitMatch:
    """:func:`match_with_fallback` within the heading's province (when no province is configured).

    A match outside the province is refused (``unit_code`` None, method ``other_province``) with the
    same-named units elsewhere as candidates. ``province_hint``: the province the sheet's title names (whose
    agencies its agency rows are).
    """
    if scope is None or ctx.province_code is not None:
        era = era_of(start, ctx.schema)
        configured = era_provinces(ctx.province_code, ctx.schema, era) or ()
        if province_hint and len(configured) > 1 and province_hint in configured:
            # the configured province stands for several of this era (Đắk Lắk before 1/7/2025: Đắk Lắk and Phú Yên)
            # and the sheet names one of them: its names are that province's ("Xã Hòa Thành" is in both)
            return match_with_fallback(name, ctx, start, province_hint, scope_code=province_hint)
        return match_with_fallback(name, ctx, start, province_hint)
    m = match_with_fallback(name, ctx, start, scope.code, scope_code=scope.code)
    if m.matched and m.province_code == scope.code:
        return m
    if m.method in ("ambiguous", "other_era", "unknown_agency", "agency_province_unknown"):
        return m  # several units of the province bear the name ("Kỳ Anh": Huyện and Thị xã); or refused as such
    schema, level = schema_and_level(ctx, start)
    nat = match_unit(name, schema=schema, level=level)
    if nat.matched:
        from motcua.ingest.names import Candidate

        elsewhere = [
            Candidate(
                str(nat.unit_code),
                str(nat.unit_name),
                str(nat.unit_level),
                str(nat.province_code),
                str(nat.province_name),
                nat.score,
            )
        ]
    else:
        elsewhere = [c for c in nat.candidates if c.score >= 97 and c.province_code != scope.code]
    if elsewhere:
        return UnitMatch(m.query, None, None, None, None, None, m.score, elsewhere, "other_province", m.unit_schema)
    return UnitMatch(m.query, None, None, None, None, None, m.score, m.candidates, "none", m.unit_schema)


def _vi(n: int | None) -> str:
    from babel.numbers import format_decimal

    return "trống" if n is None else format_decimal(n, locale="vi")


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


def cell_error_message(error: str, raw: object, label: str) -> str:
    """The quality message for a count cell that could not be read (column ``label``)."""
    if error == "formula_no_value":
        return (
            f'Cột {label}: ô là công thức "{raw}" chưa có giá trị tính sẵn (tệp do phần mềm ghi, chưa mở và lưu '
            f"bằng Excel); để trống. Mở tệp bằng Excel, lưu lại rồi chạy lại."
        )
    if error == "merged_cell":
        return (
            f"Cột {label}: ô nằm trong vùng gộp ô {raw} nên không có giá trị riêng (gộp ô che số liệu); để trống, "
            f"không đoán."
        )
    if error == "implausible_count":
        return f'Cột {label}: giá trị "{raw}" lớn bất thường (quá max_count trong config/ingest.yaml); để trống.'
    if error == "non_integer_count":
        return f'Cột {label}: giá trị "{raw}" là số thập phân, không phải số hồ sơ (số nguyên); để trống.'
    return f'Cột {label}: giá trị "{raw}" không phải số nguyên không âm; để trống.'


def _period_for(fs: FormSheet, path: Path, display: str, q: Quality) -> Period | None:
    p = fs.period
    if p is not None and not p.from_label:
        return p
    fp = parse_period_filename(path.name)
    if fp is not None and not fp.from_label:
        return fp
    lab = p or fp
    if lab is not None:
        src = "trong trang tính" if p is not None else "trong tên tệp"
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


def _sheet_records(
    fs: FormSheet, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple
) -> list[Record]:
    period = _period_for(fs, path, display, q)
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
            f"Nhãn tiêu đề ({_header_rows(fs)}) và dòng số thứ tự cột của biểu "
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
        return _rows_not_booked(fs, display, q, period, plabel, order)
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
        return [_record(r, None, fs, display, period, {}, order, status="dropped") for r in units]
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
            f"Nhãn tiêu đề ({_header_rows(fs)}) không đủ phân biệt các cột "
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
    _check_totals(fs, display, q, plabel)
    if fs.field_mode:
        return _field_record(fs, display, q, ctx, order, period, plabel)
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
                    f'Cột {fs.column_labels.get(col, col)}: "{pc.raw}" đọc là {_vi(pc.value)} ({pc.note}).',
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
            out.append(_record(r, None, fs, display, period, vals, order, status="dropped"))
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
            out.append(_record(r, m, fs, display, period, vals, order, status="dropped"))
            continue
        if m.method == "fuzzy":
            q.add(
                display,
                "unit_matched_fuzzy",
                "warning",
                f'"{r.name}" khớp gần đúng với {m.unit_name} ({m.unit_code}), điểm {m.score:.0f}.',
                sheet=fs.sheet,
                row=r.row,
                unit=m.unit_code or "",
                match=m,
                period=plabel,
                action="kept",
            )
        rec = _record(r, m, fs, display, period, vals, order)
        if scope is not None and ctx.province_code is None:
            rec.note = f"tỉnh {scope.name} ({scope.code}) {scope.where()}"
        out.append(rec)
        if fs.layout.startswith("form06") and r.extra.get("_rate") not in (None, ""):
            _check_rate(r, vals, display, fs.sheet, q, m, plabel)
    return out


def refusal_message(m: UnitMatch, name: str, plabel: str, start: date | None) -> tuple[str, str]:
    """(rule, message) for a name refused as a unit of the other era or as an unknown or unplaced agency;
    ("", "") for the other refusals (the caller words those)."""
    from motcua.ingest.agencies import agency_candidates
    from motcua.ingest.eras import cross_era_message

    if m.method == "other_era" and m.candidates:
        return "unit_other_era", cross_era_message(m.candidates[0], name, era_of(start, m.unit_schema), plabel)
    if m.method == "unknown_agency":
        near = "; ".join(agency_candidates(name)) or "không có"
        return "agency_unknown", (
            f'"{name}" có dạng tên cơ quan cấp tỉnh nhưng không có trong config/agencies.yaml; '
            f"gần nhất: {near}. Loại dòng; thêm cơ quan (hoặc bí danh) vào config/agencies.yaml nếu đúng."
        )
    if m.method == "agency_province_unknown":
        return "agency_province_unknown", (
            f'"{name}" là cơ quan cấp tỉnh nhưng không rõ của tỉnh nào (tỉnh cấu hình gồm '
            f"nhiều tỉnh cũ và phần đầu tệp không nêu tỉnh). Loại dòng."
        )
    return "", ""


def _header_rows(fs: FormSheet) -> str:
    """ "dòng 8–10", "dòng 5": where a sheet's header labels are."""
    last = fs.header_row + fs.header_depth - 1
    return f"dòng {fs.header_row}" if last == fs.header_row else f"dòng {fs.header_row}–{last}"


def _rows_not_booked(
    fs: FormSheet, display: str, q: Quality, period: Period, plabel: str, order: tuple
) -> list[Record]:
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
        return [_record(fake, None, fs, display, period, {}, order, status="dropped")]
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
        out.append(_record(r, None, fs, display, period, {}, order, status="dropped"))
    return out


def _record(
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
    )


def _check_totals(fs: FormSheet, display: str, q: Quality, plabel: str) -> None:
    units = [r for r in fs.rows if r.kind == "unit"]
    totals = [r for r in fs.rows if r.kind == "total"]
    subtotals = [r for r in fs.rows if r.kind == "subtotal"]
    for t in totals:
        diffs = []
        for col in fs.columns:
            tv = t.values[col].value
            parts = [u.values[col].value for u in units]
            if tv is None or any(p is None for p in parts):
                continue
            s = sum(parts)  # type: ignore[arg-type]
            if s != tv:
                diffs.append(f"{column_ref(col)}: dòng tổng {_vi(tv)}, cộng các đơn vị {_vi(s)}")
        if diffs:
            q.add(
                display,
                "totals_mismatch",
                "warning",
                'Dòng "' + t.name + '" khác tổng các đơn vị — ' + "; ".join(diffs),
                sheet=fs.sheet,
                row=t.row,
                period=plabel,
                action="checked",
            )
    for st in subtotals:
        prefix = st.stt.rstrip(".") + "."
        kids = [u for u in units if u.stt.startswith(prefix)] if st.stt.strip() else []
        if not kids and st.extra.get("_closes_group"):
            # "Cộng tỉnh …" after its units: the unit rows back to the previous heading or subtotal
            idx = fs.rows.index(st)
            for r in reversed(fs.rows[:idx]):
                if r.kind != "unit":
                    break
                kids.insert(0, r)
        elif not kids:
            # Roman-numeral group: the unit rows until the next subtotal
            idx = fs.rows.index(st)
            kids = []
            for r in fs.rows[idx + 1 :]:
                if r.kind != "unit":
                    break
                kids.append(r)
        diffs = []
        for col in fs.columns:
            sv = st.values[col].value
            parts = [u.values[col].value for u in kids]
            if sv is None or not parts or any(p is None for p in parts):
                continue
            if sum(parts) != sv:  # type: ignore[arg-type]
                diffs.append(f"{column_ref(col)}: {_vi(sv)} ≠ {_vi(sum(parts))}")  # type: ignore[arg-type]
        msg = f'Dòng cộng nhóm "{st.name}" (STT {st.stt}) không tính là đơn vị'
        if diffs:
            q.add(
                display,
                "subtotal_mismatch",
                "warning",
                msg + " và khác tổng các dòng con — " + "; ".join(diffs),
                sheet=fs.sheet,
                row=st.row,
                period=plabel,
                action="checked",
            )


def _check_rate(
    r: FormRow, vals: dict[str, int | None], display: str, sheet: str, q: Quality, m: UnitMatch, plabel: str
) -> None:
    stated = parse_percent(r.extra.get("_rate"))
    res, e, o = vals.get("resolved_total"), vals.get("resolved_early"), vals.get("resolved_ontime")
    if stated is None or not res or e is None or o is None:
        return
    computed = (e + o) / res
    if abs(computed - stated) > 0.0005 + 0.0005:  # the file rounds to 0,1 or 0,01 point
        q.add(
            display,
            "rate_column_mismatch",
            "warning",
            f'Cột tỷ lệ ghi "{r.extra.get("_rate")}", tính lại ((8)+(9))/(7) = {computed:.2%}.',
            sheet=sheet,
            row=r.row,
            unit=m.unit_code or "",
            match=m,
            period=plabel,
            action="checked",
        )


def _field_record(
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
        return [_record(fake, None, fs, display, period, vals, order, status="dropped")]
    m = match_with_fallback(name, ctx, period.start)
    if not m.matched:
        q.add(
            display,
            "unit_unmatched",
            "error",
            f'Không khớp "{name}" với đơn vị chính thức; gần nhất: {m.candidates_text(3)}. Loại.',
            sheet=fs.sheet,
            row=row,
            unit=name,
            period=plabel,
            action="dropped",
        )
        return [_record(fake, m, fs, display, period, vals, order, status="dropped")]
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
    return [_record(fake, m, fs, display, period, vals, order)]
