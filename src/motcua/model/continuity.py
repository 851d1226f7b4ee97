"""Continuity across the 1 July 2025 reform: series that span it, exact or said to be partial.

Before 1 July 2025 a province's one-stop work was done by its districts, its communes and its
provincial agencies; from that day by its communes (new, fewer, larger) and its provincial level
(the public-administration centre, sở, ban, ngành, Công an tỉnh). Phú Yên (legacy 54) merged into
Đắk Lắk (66). The panel keeps every row with the unit of its own era; this module adds series that
*span* the reform by summing units, using the crosswalk (legacy unit → 2025 unit, with the flags
``legacy_whole`` and ``new_within``; :mod:`motcua.reference.crosswalk`). Nothing is apportioned: a
legacy commune split between 2025 communes is never divided, a series that includes it is partial
and says so.

The table (:func:`continuity_table`, written by the model stage as ``continuity.parquet``)
==========================================================================================

Grain: one row per (kind, unit_schema, unit_code, period_start, period_end). ``kind``:

``province``
    A 2025 province's total, month by month, in both eras. Before the reform (``era`` "legacy"):
    the sum of the legacy district, commune and agency rows of its predecessor provinces; from it
    (``era`` "2025"): the sum of its communes and agencies. District rows and commune rows are
    separate one-stop units, both count. A row of the province itself (``unit_level`` province) is
    never summed in: it is the ``province_reported`` row beside it.
``province_reported``
    The province's own total rows, as the inputs give them: before the reform the sum of the
    predecessor provinces' total rows present, from it the 2025 province's row.
    ``matches_units`` says whether every count equals the ``province`` row of the same period.
``commune_predecessors``
    A 2025 commune's history before the reform: the sum of its predecessor legacy communes' rows.
    Only for communes with at least one predecessor row in the inputs.
``district_continuation``
    A dissolved legacy district continued after the reform by the sum of its successor 2025
    communes, when they all lie wholly inside it (``new_within`` = 1 for every successor). It
    covers the commune level only: part of the district's one-stop work moved to the provincial
    level. A district with a successor that straddles its border gets no continuation: one row with
    empty periods and counts whose ``split_codes`` and ``note`` name the straddling communes.
    Only for districts with rows in the inputs.

Columns:

- ``unit_schema``, ``unit_code``, ``unit_name``, ``unit_level``: the unit the series belongs to
  (the 2025 province, the 2025 commune, the legacy district), keyed as in the panel;
- ``era``: "legacy" or "2025", the schema of the rows summed; ``period_start``, ``period_end``:
  the periods of those rows as they are (rows of different periods are never mixed);
- ``from_level``: the levels summed ("district,commune,agency", "commune", …); ``from_codes``: the
  units summed, comma-separated; for ``province`` the legacy (predecessor) provinces the row
  touches: before the reform those with a row, after it those of the communes present, and all
  predecessors when agencies are present (they serve the whole new province); for
  ``province_reported`` the provinces whose total row it holds; ``missing_codes``: expected units
  without a row in that period (``province``: predecessor provinces not covered completely, i.e. a
  district, or a 2025 commune made from them, is missing); ``split_codes``: predecessors not taken
  whole (``commune_predecessors``), successors straddling the district (``district_continuation``);
- the form-06 counts ``received_total`` … ``pending_overdue``: sums over the units (flows and stocks
  alike: the stocks are at the same cut-off for every unit of a period); NA when a unit lacks the
  column;
- ``n_units_present``, ``n_units_expected``: units summed and units that exist (for ``province``:
  districts and communes of all predecessors before the reform, communes after; agencies have no
  official list, so they are counted in ``n_agencies_present`` and never expected);
  ``n_districts_present``/``_expected``, ``n_communes_present``/``_expected``, ``n_agencies_present``
  (``province`` rows only);
- ``exact``: the row is the whole of what its unit stands for. ``province``: every district and
  commune of every predecessor (before) or every commune (after) is present, and agencies are;
  ``commune_predecessors``: every predecessor was taken whole and is present;
  ``district_continuation``: every successor is present; ``province_reported``: every predecessor
  province's total row is present;
- ``same_area`` (``province``): in every period of both eras the rows cover the same predecessor
  provinces completely (before: all their districts; after: all the 2025 communes made from them;
  since agencies after the reform serve the whole new province, their rows stand for all its
  predecessors); ``commune_predecessors``: the predecessors were all taken whole;
  ``district_continuation``: true (the successors tile the district);
- ``comparable``: a figure of this series may be compared across 1 July 2025. ``province``:
  ``same_area`` and every tier of each era is in the inputs (before: districts, communes and
  agencies; after: communes and agencies); the same value on every row of the province.
  ``commune_predecessors``: ``exact`` (same area, commune level on both sides).
  ``district_continuation``: always false (the district's own rows are one unit, the continuation
  its communes; part of its work went to the province);
- ``matches_units``: see ``province_reported``;
- ``online_rate`` (4)/((4)+(5)) and ``ontime_rate_report`` ((8)+(9))/(7) of the summed counts
  (:func:`motcua.rates.compute_rate`);
- ``note``: one sentence in Vietnamese for a reader ("Cộng 5/7 xã, phường trước sắp xếp; thiếu số
  liệu: …").

The era of a row is its ``unit_schema`` (decided upstream by its period); codes are re-used across
eras (22240 is Phường Phú Lâm in the legacy list, Phường Phú Yên in the 2025 one), so a unit is always
keyed by (schema, code) and legacy rows only ever meet legacy codes of the crosswalk.

Reading it (for reports): a commune's report may show its ``commune_predecessors`` rows before
07/2025 beside its own rows, marked partial where ``exact`` is false and with the ``note``; a dissolved
district's report may show its ``district_continuation`` rows after 06/2025, as a separate line (never
joined to the district's own series: ``comparable`` is false) with the ``note``, or the straddling row's
``note`` when it has none; the overview may show the ``province`` rows of both eras, drawn as one line
across July 2025 only where ``comparable`` is true, and compare a month before with one after only
where both rows are also ``exact``.

Every function takes the crosswalk as a DataFrame (columns as in ``crosswalk.csv``: legacy_level,
legacy_code, legacy_name, legacy_province_code, new_level, new_code, new_name, new_province_code,
legacy_whole, new_within); ``None`` reads the packaged one.

The pieces: :mod:`motcua.model.continuity_frame` (columns, dtypes, sums, labels),
:mod:`motcua.model.continuity_province` (``province``, ``province_reported``),
:mod:`motcua.model.continuity_units` (``commune_predecessors``, ``district_continuation``); this module
puts them together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.model.continuity_frame import (
    COLUMNS,
    CONTINUITY_FILE,
    KINDS,
    PERIOD,
    RATE_COLUMNS,
    TIER_VI,
    TIERS,
    load_crosswalk,
    prepare_panel,
    table_frame,
)
from motcua.model.continuity_province import province_series
from motcua.model.continuity_units import commune_predecessors, district_continuation

__all__ = [
    "COLUMNS",
    "CONTINUITY_FILE",
    "KINDS",
    "PERIOD",
    "RATE_COLUMNS",
    "TIERS",
    "TIER_VI",
    "commune_predecessors",
    "continuity_table",
    "district_continuation",
    "load_crosswalk",
    "province_series",
    "write_continuity",
]

_frame = table_frame  # the old private name, still read by a test of the input hashes


def continuity_table(panel: pd.DataFrame, crosswalk: pd.DataFrame | None = None, memo: Any = None) -> pd.DataFrame:
    """All four kinds for every province in the panel, as one table (grain and columns: module docstring),
    sorted by kind, unit, era and period. ``memo``: the province rows of an earlier run
    (:func:`province_series`); the same table either way."""
    xw = load_crosswalk(crosswalk)
    p = prepare_panel(panel)
    parts = [
        province_series(panel, xw, memo=memo, prepared=p),
        commune_predecessors(panel, xw, prepared=p),
        district_continuation(panel, xw, prepared=p),
    ]
    parts = [x for x in parts if len(x)]
    if not parts:
        return table_frame([])
    df = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(KINDS)}
    df = df.assign(_k=df["kind"].map(order), _e=(df["era"] == "2025").astype(int))
    df = df.sort_values(["_k", "unit_schema", "unit_code", "_e", *PERIOD], kind="stable", na_position="first")
    return table_frame(df.drop(columns=["_k", "_e"]))


def write_continuity(
    panel: pd.DataFrame, data_dir: str | Path, crosswalk: pd.DataFrame | None = None, memo_dir: Path | None = None
) -> Path:
    """:func:`continuity_table` of ``panel`` written atomically as DATA/continuity.parquet (always, empty
    when nothing spans the reform); returns the path. ``memo_dir``: where the province rows of the last run are
    kept (the model stage's fit cache folder), so that only the provinces whose rows changed are recomputed."""
    from motcua.model.last_run import load_memo, save_memo

    memo = load_memo(memo_dir, "continuity", "province_series")
    path = products.CONTINUITY.write(continuity_table(panel, crosswalk, memo=memo), data_dir)
    save_memo(memo_dir, "continuity", "province_series", memo)
    return path
