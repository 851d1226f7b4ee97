"""Matching a unit name of an aggregate workbook to the reference list: in the era of the row's period, then
in the other era, then among the provincial agencies (:class:`MatchContext` says where names are looked up)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from motcua.ingest.agencies import looks_like_agency, match_agency
from motcua.ingest.eras import as_candidates, era_level, era_of, era_provinces, other_era
from motcua.ingest.names import Candidate, UnitMatch, match_unit, reference_units


@dataclass(frozen=True)
class MatchContext:
    """Where unit names are looked up (config/province.yaml): the configured province (either era's code, or
    None for exports of several provinces), the era that code belongs to (``schema``) and the level reports
    are made for. A row's own period decides the list its name is matched in (:mod:`motcua.ingest.eras`)."""

    schema: str = "legacy"
    level: str | None = "district"
    province_code: str | None = None


#: match methods that name one unit without any guess
EXACT_METHODS = ("exact", "no_diacritics", "alias")


#: a unit code written with the name: "24133 - Phường Buôn Ma Thuột", "[24133] …", "24133. …", "… (24133)"; five
#: digits (a commune), or three (a district) only in brackets or before a dash (a bare "101." is a row number)
_CODE_FIRST = re.compile(r"^\s*(?:[\[(](?P<a>\d{3}|\d{5})[\])]|(?P<b>\d{5})\s*[-–:.]?|(?P<c>\d{3})\s*[-–])\s*(?=\S)")
_CODE_LAST = re.compile(r"\s*[\[(](?P<d>\d{3}|\d{5})[\])]\s*$")


def written_code(name: str) -> tuple[str | None, str]:
    """(the unit code written with ``name``, the name without it); (None, ``name``) when it carries none."""
    text = "" if name is None else str(name)
    for pat in (_CODE_FIRST, _CODE_LAST):
        m = pat.search(text)
        if m:
            rest = (text[: m.start()] + text[m.end() :]).strip()
            if rest and any(ch.isalpha() for ch in rest):
                return next(g for g in m.groups() if g), rest
    return None, text


#: the district a commune's name is followed by: "Xã Ea Kar, huyện Ea Kar", "Xã Ea Kar - TP. Buôn Ma Thuột (cũ)"
_DISTRICT_AFTER = re.compile(
    r"\s*[,;–-]\s*(?P<d>(?:(?:huyện|huyen|thị xã|thi xa|thành phố|thanh pho|quận|quan|tp|tx)\b\.?|h\.)\s*[^\s,;].*?)"
    r"(?:\s*\(?\s*(?:cũ|cu)\s*\)?)?\s*$",
    re.I,
)


def written_district(name: str) -> tuple[str | None, str]:
    """(the district written after a commune's name, the name without it); (None, ``name``) when none is."""
    m = _DISTRICT_AFTER.search(name)
    if not m or not m.start() or not any(ch.isalpha() for ch in name[: m.start()]):
        return None, name
    return m.group("d"), name[: m.start()].strip()


def _in_district(schema: str, level: str | None, code: str | None, district: str) -> bool:
    """The commune ``code`` of ``schema`` lies in ``district`` (legacy: its parent; 2025: a predecessor district of
    its area)."""
    from motcua.ingest.names import normalize_name
    from motcua.ingest.text import fold
    from motcua.reference.crosswalk import predecessors

    want = fold(normalize_name(district))
    if level != "commune" or not code:
        return False
    if schema == "legacy":
        ref = reference_units("legacy")
        parent = ref.loc[(ref["unit_code"] == code) & (ref["unit_level"] == "commune"), "parent_name"]
        return any(fold(str(p)) == want for p in parent)
    try:
        olds = predecessors(str(code), "district")["legacy_name"]
    except KeyError:
        return False
    return any(fold(str(p)) == want for p in olds)


def _refused_as(m: UnitMatch, method: str) -> UnitMatch:
    """``m`` refused (method ``method``), the unit it matched its one candidate."""
    cand = Candidate(
        str(m.unit_code), str(m.unit_name), str(m.unit_level), str(m.province_code), str(m.province_name), m.score
    )
    return UnitMatch(m.query, None, None, None, None, None, m.score, [cand], method, m.unit_schema)


def match_with_fallback(
    name: str,
    ctx: MatchContext,
    start: date | None = None,
    province_hint: str | None = None,
    scope_code: str | None = None,
) -> UnitMatch:
    """:func:`match_name` of the name without a unit code written with it ("24133 - Phường Buôn Ma Thuột") or a
    district written after it ("Xã Ea Kar, huyện Ea Kar"); each is then a check, never a way to match: a name whose
    match has another code is refused (method ``code_differs``, the matched unit its one candidate), one whose match
    does not lie in that district (legacy: its parent; 2025: a predecessor district of its area) too (method
    ``district_differs``), as is one that matches no unit whatever its code says (codes are re-used across the
    reform: 22015 was Phường 1, is Phường Tuy Hòa)."""
    code, rest = written_code(name)
    district, rest = written_district(rest)
    if code is None and district is None:
        return match_name(name, ctx, start, province_hint, scope_code)
    m = match_name(rest, ctx, start, province_hint, scope_code)
    if m.matched and code is not None and str(m.unit_code).lstrip("0") != code.lstrip("0"):
        return _refused_as(m, "code_differs")
    if m.matched and district is not None and not _in_district(m.unit_schema, m.unit_level, m.unit_code, district):
        return _refused_as(m, "district_differs")
    if m.method == "ambiguous" and district is not None and code is None:
        # several communes bear the name ("Xã Hòa Phú" of Buôn Ma Thuột and of Tây Hòa): the district written after
        # it names one of them, when exactly one lies in it
        inside = [
            c
            for c in m.candidates
            if c.score >= 100 and _in_district(m.unit_schema, c.unit_level, c.unit_code, district)
        ]
        if len(inside) == 1:
            c = inside[0]
            return UnitMatch(
                m.query, c.unit_code, c.unit_name, c.unit_level, c.province_code, c.province_name, c.score, [],
                "exact", m.unit_schema,
            )  # fmt: skip
    return m


def match_name(
    name: str,
    ctx: MatchContext,
    start: date | None = None,
    province_hint: str | None = None,
    scope_code: str | None = None,
) -> UnitMatch:
    """Match ``name`` in the list of its period's era, within the configured province and level.

    In order: a provincial agency (config/agencies.yaml; ``province_hint``, the province the sheet names,
    decides whose agency when the era has several candidate provinces); the era's units at its level;
    other levels of the era (exact names only, e.g. a ward in a district's file). A name found in its era only
    by another type word, that the other era holds exactly, is the other era's (refused below). A name that matches
    nothing in its era but exactly names a unit of the *other* era (a dissolved district after 1/7/2025, a
    2025 commune before it) is refused with method ``other_era`` and that unit as its one candidate (or the
    several units of that era bearing the name): it is never booked across the reform. A name that starts like an agency but is not in the table is refused
    with method ``unknown_agency``. Otherwise, without any candidate, the search widens to the whole
    country only to list candidates. ``scope_code``: a province of the period's era that a heading names
    (exports of several provinces), searched instead of the configured one.
    """
    era = era_of(start, ctx.schema)
    provinces = (scope_code,) if scope_code else era_provinces(ctx.province_code, ctx.schema, era)
    level = era_level(ctx.level, ctx.schema, era)
    # an agency of a sheet that names no province is the configured area's of the row's era, whichever era's code is
    # configured: one province (after the reform) books it there; several (the predecessors before it) refuse it
    agency = _agency_match(name, era, provinces, province_hint)
    if agency is not None:
        return agency
    m = _match_in_era(name, era, level, provinces)
    if (m.matched and m.method != "type_differs") or m.method == "ambiguous":
        return m
    other = other_era(era)
    o = _match_in_era(
        name, other, era_level(ctx.level, ctx.schema, other), era_provinces(ctx.province_code, ctx.schema, other)
    )
    if m.matched:
        # found only by another type word ("Xã Ea Kao" after 1/7/2025 for Phường Ea Kao) while the other era holds
        # that very name (the legacy Xã Ea Kao, dissolved into the ward): the name is the other era's, refused
        if o.matched and o.method in EXACT_METHODS:
            return UnitMatch(m.query, None, None, None, None, None, o.score, as_candidates(o), "other_era", era)
        return m
    if o.matched and o.method in (*EXACT_METHODS, "type_differs"):
        return UnitMatch(m.query, None, None, None, None, None, o.score, as_candidates(o), "other_era", era)
    if o.method == "ambiguous" and o.candidates and not m.candidates:
        # several units of the other era bear exactly this name ("Huyện Châu Thành" of Tây Ninh and of Long An,
        # both predecessors of the 2025 Tây Ninh): refused as the other era's, naming each of them
        return UnitMatch(m.query, None, None, None, None, None, o.score, list(o.candidates), "other_era", era)
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
    if (other.matched and other.method in EXACT_METHODS) or (other.method == "ambiguous" and not m.candidates):
        return other  # or: several units of another level bear exactly this name, which says more than "none"
    return m


def province_row(era: str, code: str) -> tuple[str, str]:
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
    agency of config/agencies.yaml.

    Its province: ``hint`` (the province a heading or the sheet names) when it is one of ``provinces``, else the
    one province of ``provinces`` (the configured area in ``era``), else the one of them the name ends with. An agency whose province cannot be told is
    refused (method ``agency_province_unknown``), with that agency of each candidate province as candidates
    (before 1/7/2025 the 2025 Đắk Lắk is legacy Đắk Lắk and Phú Yên, each with its own "Sở Tư pháp"). The
    configured code never decides: both eras' codes of one province give the same answer."""
    shorts = tuple(province_row(era, c)[1] for c in (provinces or ((hint,) if hint else ())))
    agency = match_agency(name, shorts)
    if agency is None:
        return None
    code = (
        hint
        if hint and (provinces is None or hint in provinces)
        else (provinces[0] if provinces and len(provinces) == 1 else None)
    )
    query = "" if name is None else str(name)
    if code is None and provinces:
        # the name itself ends with one candidate's name ("Sở Tư pháp tỉnh Phú Yên"): that province's
        named = [c for c in provinces if _ends_with(query, province_row(era, c)[1])]
        code = named[0] if len(named) == 1 else None
    if code is None:
        cands = [
            Candidate(agency.code(c), agency.name, "agency", c, province_row(era, c)[0], 100.0) for c in provinces or ()
        ]
        return UnitMatch(query, None, None, None, None, None, 100.0, cands, "agency_province_unknown", era)
    pname = province_row(era, code)[0]
    return UnitMatch(query, agency.code(code), agency.name, "agency", code, pname, 100.0, [], "agency", era)


def settle_agencies(
    matches: list[UnitMatch | None], rematch: Callable[[int, str], UnitMatch]
) -> list[UnitMatch | None]:
    """The matches of one sheet's rows, with each agency refused for want of a province (several candidates) matched
    again (``rematch(row index, province code)``) as the province of the sheet's districts and communes of its era,
    when they all lie in one of its candidates: a sheet listing Phú Yên's districts is Phú Yên's, so is its "Sở Tư
    pháp". Depends on the rows alone, never on the configured code."""
    found: dict[str, set[str]] = {}
    for m in matches:
        if m is not None and m.matched and m.unit_level not in ("agency", "province") and m.province_code:
            found.setdefault(str(m.unit_schema), set()).add(str(m.province_code))
    own = {era: next(iter(codes)) for era, codes in found.items() if len(codes) == 1}
    if not own:
        return matches
    out = list(matches)
    for i, m in enumerate(matches):
        if m is None or m.method != "agency_province_unknown":
            continue
        code = own.get(str(m.unit_schema))
        if code is not None and any(c.province_code == code for c in m.candidates):
            out[i] = rematch(i, code)
    return out


def _ends_with(name: str, short: str) -> bool:
    """Whether ``name`` ends with the province name ``short`` ("… tỉnh Phú Yên", "… Phú Yên"), diacritics and
    case aside."""
    from motcua.ingest.text import clean_text, fold

    n, s = fold(clean_text(name)), fold(short)
    return bool(s) and (n == s or n.endswith(" " + s))


def schema_and_level(ctx: MatchContext, start: date | None) -> tuple[str, str | None]:
    """The unit list (era) and level names are matched in for a period starting ``start``."""
    era = era_of(start, ctx.schema)
    return era, era_level(ctx.level, ctx.schema, era)
