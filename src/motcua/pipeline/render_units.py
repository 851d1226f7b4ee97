"""The units a render builds, and the parameters each report's notebook gets (checked against its parameters cell)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.pipeline.stage_specs import OVERVIEW, UNIT_REPORT

if TYPE_CHECKING:
    from motcua.report.eras import ReportUnit


def wanted_units(units: Iterable[str] | None, all_units: list[ReportUnit]) -> set[str] | None:
    """The keys of the units ``--units`` asks for: a key ("legacy:555") or a code (every era's unit of that code)."""
    if not units:
        return None
    out: set[str] = set()
    unknown = []
    for u in units:
        hit = {x.key for x in all_units if u in (x.key, x.code)}
        if not hit:
            unknown.append(u)
        out |= hit
    if unknown:
        raise ValueError(f"render: unknown unit code(s) {', '.join(sorted(unknown))}")
    return out


def unit_params(u: ReportUnit, data: Path, lang: str) -> dict[str, Any]:
    """The parameters notebook 30 gets for one unit (:data:`motcua.pipeline.stage_specs.UNIT_REPORT`; not checked
    here: :func:`check_render_parameters` checks one unit's before the fan-out)."""
    return dict(zip(UNIT_REPORT.parameters, (u.code, u.schema or "", str(data), lang), strict=True))


def overview_params(data: Path, lang: str, province: str = "") -> dict[str, Any]:
    """The parameters notebook 40 gets (:data:`motcua.pipeline.stage_specs.OVERVIEW`): ``province`` "" for every
    unit of the data, a province's code for its page of a national analysis."""
    return dict(zip(OVERVIEW.parameters, (str(data), lang, province), strict=True))


def check_render_parameters(unit: dict[str, Any], overview: dict[str, Any]) -> None:
    """Fail before rendering anything when the parameters handed to notebooks 30 and 40 are not those their
    parameters cells declare (papermill would only warn and run with the cell's default)."""
    try:
        if unit:
            UNIT_REPORT.check(unit)
        OVERVIEW.check(overview)
    except ValueError as exc:
        raise ValueError(f"render: {exc}") from exc
