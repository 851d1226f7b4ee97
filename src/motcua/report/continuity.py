"""Continuity across the 1 July 2025 reform, as the reports show it (table: ``continuity.parquet``,
:mod:`motcua.model.continuity`, one row per (kind, unit_schema, unit_code, period)).

Three sections, each empty when the table holds nothing for the page:

* the overview's "Toàn tỉnh qua thời điểm sắp xếp": the 2025 province's ``province`` rows of both
  eras (monthly new dossiers and online share), the reform drawn as a vertical line, the scope of
  each era stated (which predecessor provinces the inputs cover, how many units of each tier, and whether
  that number changes within the era), a
  sentence saying the eras cannot be read as one series unless ``comparable``, and whether the
  province's own total rows (``province_reported``) match the units' sum;
* a dissolved district's "Sau 1/7/2025: các xã kế thừa": its ``district_continuation`` rows (the
  successor communes' monthly sum, exact or not per month; commune level only), the successors
  linked to their reports; or, for a district with a straddling successor, why there is none;
* a 2025 commune's "Trước 1/7/2025: các xã, phường tiền thân": its ``commune_predecessors`` rows by
  year, exact or partial with the missing and split predecessors named (never apportioned).

Nothing here compares a figure before the reform with one after it.

The pieces: :mod:`motcua.report.continuity_common` (eras, rows, cells),
:mod:`motcua.report.continuity_province` (the overview's section),
:mod:`motcua.report.continuity_units` (a district's or a commune's section); this module picks a unit's
section and reads the table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from motcua import products
from motcua.report.continuity_common import BREAK_COLOR, ERA_COLORS, LEGACY, NEW, empty_section, monthly_rows
from motcua.report.continuity_province import (
    draw_province,
    old_province,
    province_chart,
    province_code_of,
    province_section,
    reported_sentence,
    scope_changes,
    scope_sentence,
)
from motcua.report.continuity_units import commune_section, district_section
from motcua.report.html import Section
from motcua.report.strings import Strings

__all__ = [
    "BREAK_COLOR",
    "ERA_COLORS",
    "LEGACY",
    "NEW",
    "commune_section",
    "district_section",
    "draw_province",
    "old_province",
    "province_chart",
    "province_code_of",
    "province_section",
    "read_continuity",
    "reported_sentence",
    "scope_changes",
    "scope_sentence",
    "unit_section",
]

_monthly = monthly_rows  # the old private name, still read by a test of the continuity display


def unit_section(
    cont: pd.DataFrame | None,
    schema: str | None,
    level: str,
    unit_code: str,
    unit_name: str,
    panel: pd.DataFrame,
    S: Strings,
    dissolved: bool = True,
) -> Section:
    """The continuity section of a unit's report: a dissolved legacy district's continuation (``dissolved``: the
    data reach the reform, :func:`motcua.report.eras.dissolved`; data ending before it describe the district as it
    then was, with no "after"), a 2025 commune's predecessors, nothing for any other unit."""
    if schema == LEGACY and level == "district" and dissolved:
        return district_section(cont, unit_code, unit_name, panel, S)
    if schema == NEW and level == "commune":
        return commune_section(cont, unit_code, unit_name, S)
    return empty_section("continuity")


def read_continuity(data_dir: str | Path) -> pd.DataFrame:
    """DATA/continuity.parquet (an empty frame without the file: data of a model stage that predates it)."""
    return products.CONTINUITY.read(data_dir)
