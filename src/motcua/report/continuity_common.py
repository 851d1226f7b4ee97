"""What the three continuity sections share: the eras, their colours, the continuity rows of one unit, their
monthly figures, table cells.

Grain: helpers over ``continuity.parquet`` (:mod:`motcua.model.continuity`, one row per (kind,
unit_schema, unit_code, period)). Quirk: the crosswalk is read once per process (a build's kernel
renders many reports) and must not be modified.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.report import fmt
from motcua.report.chart_style import COLORS
from motcua.report.figures import monthly
from motcua.report.html import Section, render

LEGACY, NEW = "legacy", "2025"
#: Colours of the two eras in the province chart (Okabe–Ito: orange before, blue after).
ERA_COLORS = {LEGACY: COLORS["offline"], NEW: COLORS["online"]}
BREAK_COLOR = "#222222"


def empty_section(name: str) -> Section:
    """A section with nothing to show."""
    return Section(name, "")


@lru_cache(maxsize=1)
def crosswalk() -> pd.DataFrame:
    """The packaged crosswalk (read once per process: a build's kernel renders many reports). Not to be modified."""
    from motcua.model.continuity import load_crosswalk

    return load_crosswalk()


def continuity_rows(cont: pd.DataFrame | None, kind: str, schema: str, code: str) -> pd.DataFrame:
    """The rows of ``kind`` for unit (``schema``, ``code``), by period (an empty frame without any)."""
    if cont is None or cont.empty or "kind" not in cont:
        return pd.DataFrame()
    sel = (
        (cont["kind"] == kind)
        & (cont["unit_schema"].astype(str) == schema)
        & (cont["unit_code"].astype(str) == str(code))
    )
    return (
        cont[sel].sort_values(["period_start", "period_end"], kind="stable", na_position="first").reset_index(drop=True)
    )


def monthly_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`motcua.report.figures.monthly` of continuity rows (new dossiers (4)+(5) and the three rates)."""
    r = rows.copy()
    for c in COUNT_COLUMNS:
        r[c] = pd.to_numeric(r[c], errors="coerce").astype("float64") if c in r else np.nan
    return monthly(r.reset_index(drop=True))


def codes_of(v: Any) -> list[str]:
    """The codes of a comma-separated ``*_codes`` cell."""
    return [c for c in str(v or "").split(",") if c] if not fmt.missing(v) else []


def num_cell(text: str) -> dict[str, Any]:
    """A numeric table cell."""
    return {"text": text, "num": True, "key": None}


def table_html(caption: str, columns: list[tuple[str, bool]], rows: list[list[dict[str, Any]]], cls: str) -> Any:
    """A table of the continuity sections (row headers on, no sorting)."""
    return render(
        "sections/table.html.j2",
        caption=caption,
        table_id=None,
        cls=cls,
        columns=[{"label": lab, "num": n, "sort": None} for lab, n in columns],
        rows=[{"cells": r, "cls": ""} for r in rows],
        row_headers=True,
    )
