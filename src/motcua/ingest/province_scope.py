"""Province headings of multi-province exports (a national or regional form 06).

A section row ("Tỉnh Cao Bằng", "TỈNH LÂM ĐỒNG", "II. Thành phố Hà Nội"), sometimes carrying the province's
subtotal, or a title block naming one province ("UBND TỈNH CAO BẰNG") scopes the name matching of the unit rows
below it to its province, until the next heading, unless a province is configured (the configured province
then wins and a heading naming another province is reported)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from motcua.ingest.eras import era_level, era_of, era_provinces, other_era, reform_date
from motcua.ingest.form import FormSheet
from motcua.ingest.names import UnitMatch, match_unit, normalize_name, split_type
from motcua.ingest.unit_match import EXACT_METHODS, MatchContext, match_with_fallback, province_row, schema_and_level
from motcua.quality import Quality


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
    return m if m.matched and m.method in EXACT_METHODS else None


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
    return m.method in EXACT_METHODS or (m.method == "ambiguous" and m.score >= 97)


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
    name = province_row(era, counterpart)[0]
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
            continue  # the totals row (last, or written above the units)
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
            own = str(ctx.province_code).zfill(2)
            area = [c for c in configured if c != own]  # the configured province's other predecessors of this era
            want = (
                own + (f"; cùng địa bàn: {', '.join(area)}" if area else "")
                if own in configured
                else ", ".join(configured)
            )
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
    name = province_row(era, counterpart)[0]
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
    if m.method in (
        "ambiguous",
        "other_era",
        "unknown_agency",
        "agency_province_unknown",
        "code_differs",
        "district_differs",
    ):
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
