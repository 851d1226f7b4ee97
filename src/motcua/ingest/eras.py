"""The era of a row, and the province and level its names are matched in.

On 1 July 2025 the district level was abolished and 63 provinces became 34. A row's *period* decides its
era, whatever config/province.yaml says: periods starting before ``schema_2025_from`` (config/ingest.yaml)
are matched against the legacy list (63 provinces, 696 districts, their communes), periods from it on
against the 2025 list (34 provinces, 3,321 communes). A name never matches across eras.

config/province.yaml names the province in either era's code. Its counterpart in the other era comes from
the crosswalk (:mod:`motcua.reference.crosswalk`): configured as the 2025 Tỉnh Đắk Lắk ("66"), legacy rows
are matched within its predecessors, legacy Đắk Lắk (66) and Phú Yên (54); configured as the legacy Tỉnh Phú
Yên ("54"), post-reform rows are matched within its successor, Đắk Lắk (66), and legacy rows within that
successor's predecessors (Phú Yên and Đắk Lắk). The same raw folder thus gives the same rows of the province's
area under either configuration.

The level of each era: legacy rows at the configured legacy level (district unless the configuration says
commune or province), 2025 rows at commune level (province when the configuration reads provinces).
Other levels are still accepted on an exact name (a commune row in a district file).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from motcua.ingest.names import Candidate, UnitMatch, reference_units, settings

__all__ = [
    "ERAS",
    "reform_date",
    "era_of",
    "across_reform",
    "era_provinces",
    "era_level",
    "other_era",
    "cross_era_message",
]

ERAS = ("legacy", "2025")


def _as_date(v: object) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def reform_date() -> date:
    """The first day of the 2025 units (config/ingest.yaml ``schema_2025_from``, 2025-07-01)."""
    return _as_date(settings().get("schema_2025_from") or "2025-07-01")


def era_of(start: date | None, default: str = "legacy") -> str:
    """ "legacy" or "2025" for a period starting ``start`` (``default`` when the period is unknown)."""
    if start is None:
        return default
    return "2025" if start >= reform_date() else "legacy"


def across_reform(start: date, end: date) -> bool:
    """True for a period that starts before the reform and ends on or after its first day (01/06/2025–31/07/2025,
    the year 2025): its rows belong to neither list, so none can be booked."""
    day = reform_date()
    return start < day <= end


def other_era(era: str) -> str:
    return "legacy" if era == "2025" else "2025"


def era_provinces(province_code: str | None, configured_era: str, era: str) -> tuple[str, ...] | None:
    """The provinces of ``era`` that make up the configured province (None: no province configured).

    The 2025 era: the configured 2025 code, or a legacy province's successor. The legacy era: the
    predecessors of that 2025 province, whichever era's code is configured (configured as the legacy Phú Yên
    "54", legacy rows are matched within legacy Phú Yên and Đắk Lắk, the predecessors of the 2025 Đắk Lắk
    that its post-reform rows are matched in), so that both configurations of one province read the same
    rows; a title block naming one of them scopes a sheet's names to it.
    """
    if province_code is None:
        return None
    code = str(province_code).zfill(2)
    if era == configured_era == "2025":
        return (code,)
    if era == configured_era:  # legacy: the whole area of the successor, not only the configured predecessor
        return _counterparts(_counterparts(code, "legacy", "2025")[0], "2025", "legacy")
    return _counterparts(code, configured_era, era)


@lru_cache(maxsize=64)
def _counterparts(code: str, configured_era: str, era: str) -> tuple[str, ...]:
    from motcua.reference.crosswalk import province_predecessors, province_successor

    if configured_era == "legacy" and era == "2025":
        return (str(province_successor(code)).zfill(2),)
    return tuple(sorted(str(c).zfill(2) for c in province_predecessors(code)))


def era_level(configured_level: str | None, configured_era: str, era: str) -> str | None:
    """The level names of ``era`` are matched at first (others only on an exact name)."""
    if configured_level == "province":
        return "province"
    if era == "2025":
        return "commune"
    if configured_era == "legacy" and configured_level:
        return configured_level
    return "district"


def _names(schema: str, level: str, codes: list[str]) -> list[str]:
    ref = reference_units(schema)
    ref = ref[ref["unit_level"] == level].set_index("unit_code")["unit_name"]
    return [str(ref.get(c, c)) for c in codes]


def cross_era_message(found: Candidate, query: str, era: str, period_text: str, limit: int = 12) -> str:
    """The finding for a name of the other era: a dissolved unit after the reform names its successors, a
    2025 unit before it names its predecessors. ``found``: the other era's unit the name ``query`` names;
    ``era``: the era of the row's period. Vietnamese, one sentence or two."""
    from motcua.reference.crosswalk import predecessors, successors

    day = reform_date()
    unit = f"{found.unit_name} ({found.unit_code})"
    if era == "2025":  # a legacy name in a post-reform period
        level = str(found.unit_level)
        succ = successors(str(found.unit_code), level)
        names = list(dict.fromkeys(succ["new_name"].astype(str))) if not succ.empty else []
        what = "tỉnh kế thừa" if level == "province" else "các xã, phường kế thừa"
        gone = "đã giải thể" if level == "district" else "không còn trong danh mục"
        listed = ", ".join(names[:limit]) + (f" và {len(names) - limit} đơn vị khác" if len(names) > limit else "")
        return (
            f'"{query}" là {unit}, {gone} từ {day:%d/%m/%Y}; kỳ {period_text} theo danh mục sau sắp xếp. '
            f"{what.capitalize()}: {listed or 'không rõ'}. Không ghi số liệu cho đơn vị nào; "
            f"tách số liệu theo đơn vị mới trong tệp gốc."
        )
    pred = predecessors(str(found.unit_code), "district" if found.unit_level == "district" else "commune")
    names = list(dict.fromkeys(pred["legacy_name"].astype(str))) if not pred.empty else []
    listed = ", ".join(names[:limit]) + (f" và {len(names) - limit} đơn vị khác" if len(names) > limit else "")
    return (
        f'"{query}" là {unit} của danh mục từ {day:%d/%m/%Y}, nhưng kỳ {period_text} trước ngày đó '
        f"(danh mục cũ). Đơn vị tiền thân: {listed or 'không rõ'}. Không ghi số liệu cho đơn vị nào."
    )


def as_candidates(found: UnitMatch) -> list[Candidate]:
    """The other era's unit as the one candidate of a refused match."""
    return [
        Candidate(
            str(found.unit_code),
            str(found.unit_name),
            str(found.unit_level),
            str(found.province_code),
            str(found.province_name),
            found.score,
        )
    ]
