"""Units on both sides of the 1 July 2025 reform: which get a report, under which key and file name, at which level.

From 1 July 2025 a province's panel holds units of two eras, keyed by
(``unit_schema``, ``unit_code``) — codes are re-used across eras:

* legacy districts (``legacy``, ``district``): their series end on 30/06/2025;
  each gets a report of its history, marked dissolved;
* 2025 communes (``2025``, ``commune``): their series start in 07/2025; each gets a report;
* the provincial level (``agency``, either era): the provincial centre, sở, ban,
  ngành, Công an tỉnh. Agencies get no page of their own: they are unlike
  services (the police beside the justice department), so a page ranking
  one among the others would mislead; they appear on the province overview
  as "Cấp tỉnh", beside the communes and never ranked against them, and the
  index lists them there;
* legacy communes (history kept in the panel for continuity) get no report.

A unit's key in the manifest and the build is ``"<schema>:<code>"``; a panel
without ``unit_schema`` (older data) keys units by code alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from motcua.locations import report_stem  # noqa: F401 - a unit's file stem, re-exported for the reports
from motcua.model.eras import reform_date  # noqa: F401 - the reports' reform date is the model's

#: (unit_schema, unit_level) of the units that get a report of their own, in the index's order after the
#: provincial level: the communes of today, then the districts dissolved on 1 July 2025.
REPORT_GROUPS: tuple[tuple[str, str], ...] = (("2025", "commune"), ("legacy", "district"))
#: The provincial level (shown on the overview and the index, no page of its own).
PROVINCIAL_LEVELS: tuple[str, ...] = ("agency", "province")
LEGACY = "legacy"


def break_dates(config: Any = None) -> tuple[pd.Timestamp, ...]:
    """The structural breaks of config/model.yaml (``structural_breaks``): no comparison crosses one."""
    from motcua.model.settings import settings_from_config

    return tuple(b.date for b in settings_from_config(config).structural_breaks)


def unit_key(schema: Any, code: Any) -> str:
    """``"<schema>:<code>"``, or the code alone without a schema."""
    s = "" if schema is None or (isinstance(schema, float) and pd.isna(schema)) else str(schema)
    return f"{s}:{code}" if s else str(code)


def split_key(key: str) -> tuple[str | None, str]:
    """(schema, code) of a :func:`unit_key`; a plain code gives (None, code). Codes never hold ":"."""
    s, sep, c = str(key).partition(":")
    return (s, c) if sep else (None, s)


def dissolved(schema: Any, last_end: Any, as_of: Any) -> bool:
    """True for a unit of the legacy schema whose series ends before the reform, in data reaching it (``as_of``,
    the data's date, on or after ``reform_date``): the model gave it no forecast (:func:`motcua.model.eras.ended`).
    Data ending before the reform describe the units as they then were."""
    from motcua.model.eras import ended

    return ended(schema, last_end, as_of) is not None


@dataclass(frozen=True)
class ReportUnit:
    """One unit that gets a report: its key parts, name and level."""

    schema: str | None
    code: str
    name: str
    level: str

    @property
    def key(self) -> str:
        return unit_key(self.schema, self.code)


def report_units(panel: pd.DataFrame, config: Any = None) -> list[ReportUnit]:
    """Every unit that gets a report, in :data:`REPORT_GROUPS` order, then by code.

    A panel holding none of those groups (one era of other levels, or no ``unit_schema``) falls back to the
    configured ``unit_schema`` / ``unit_level`` of config/province.yaml."""
    from motcua.config import load_config

    if not len(panel):
        return []
    p = panel.sort_values("period_end", kind="stable")
    has_schema = "unit_schema" in p
    groups = []
    if has_schema:
        groups = [(s, lv) for s, lv in REPORT_GROUPS if ((p["unit_schema"] == s) & (p["unit_level"] == lv)).any()]
    if not groups:
        cfg = config or load_config()
        schema = cfg.province.get("unit_schema")
        groups = [(str(schema) if schema and has_schema else None, str(cfg.province.get("unit_level", "district")))]
    out: list[ReportUnit] = []
    for schema, level in groups:
        sel = p[p["unit_level"] == level]
        if schema is not None:
            sel = sel[sel["unit_schema"] == schema]
        names = sel.groupby("unit_code", sort=True)["unit_name"].last()
        out += [ReportUnit(schema, str(c), str(n), level) for c, n in names.items()]
    return out


def level_label(level: str, S: Any) -> str:
    """ "cấp xã" / "cấp huyện" / "cấp tỉnh" (the level as a reader says it)."""
    if level in PROVINCIAL_LEVELS:
        level = "province"
    return S.get(f"level_{level}") or S["level_unknown"]
