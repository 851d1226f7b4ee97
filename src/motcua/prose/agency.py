"""Provincial agencies named in prose (sở, ban, ngành, Công an tỉnh, the provincial centre) as units.

Grain: one :class:`~motcua.prose.units.Unit` per agency mention. The match is the panel's
(:func:`motcua.ingest.agencies.match_agency`: config/agencies.yaml, exact names and aliases, with or
without "tỉnh <province>"), booked as ``unit_code = "<province code>-<key>"`` at level ``agency`` in
the province of the text's era. An agency word with a name in no entry keeps its name, no code.
"""

from __future__ import annotations

from motcua.prose.units import Unit, reference_row


def _short_names(province_code: str | None, schema: str) -> tuple[str, ...]:
    if not province_code:
        return ()
    row = reference_row(schema, "province", province_code)
    return (row["short_name"],) if row else ()


def agency_unit(written: str, province_code: str | None, schema: str) -> Unit:
    """The agency ``written`` names, coded in ``province_code`` (of ``schema``'s era) when known."""
    from motcua.ingest.agencies import match_agency

    try:
        agency = match_agency(written, _short_names(province_code, schema))
    except Exception:  # noqa: BLE001 - no agency table configured: the name is kept, no code
        agency = None
    if agency is None:
        return Unit(
            written,
            "agency",
            None,
            None,
            province_code,
            flags=[
                "unit_not_admin: cơ quan/đơn vị chuyên môn không có trong danh mục config/agencies.yaml; không gán mã"
            ],
        )
    if not province_code:
        return Unit(
            written,
            "agency",
            None,
            agency.name,
            None,
            flags=[f"agency_province_unknown: '{written}' là {agency.name} nhưng bài không nêu tỉnh"],
        )
    return Unit(
        written,
        "agency",
        agency.code(province_code),
        f"{agency.name} ({province_code})",
        province_code,
        flags=[f"agency: '{written}' → {agency.name}, mã {agency.code(province_code)}"],
    )
