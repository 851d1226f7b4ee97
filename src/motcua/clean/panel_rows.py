"""The kept records as panel rows, and the panel's schema check.

Grain of the panel: one row per unit and period (``unit_schema``, ``unit_code``, ``period_start``,
``period_end``), with the contract's columns (:data:`motcua.panel.PANEL_COLUMNS`) followed by
:data:`PANEL_EXTRA_COLUMNS` (07a-style merged counts, other outcomes, the reader used). Counts are
nullable integers (``Int64``: a blank cell stays missing, never 0); names and codes are text (pandas'
string dtype), so a code such as "001" keeps its zeros.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from motcua.ingest.aggregate import EXTRA_COUNTS
from motcua.ingest.records import Record
from motcua.panel import COUNT_COLUMNS, PANEL_COLUMNS, PANEL_SCHEMA, conform
from motcua.quality import Quality

#: Columns kept after the contract's: 07a-style merged counts, other outcomes, the reader used.
PANEL_EXTRA_COLUMNS = [*EXTRA_COUNTS, "source_kind"]


#: Panel columns held as text (pandas' string dtype).
_TEXT_COLUMNS = (
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "province_name",
    "source",
    "source_ref",
    "source_kind",
)


def panel_rows(records: list[Record]) -> pd.DataFrame:
    """The kept records as panel rows (one per record, in record order), built column by column."""
    kept = [r for r in records if r.status == "kept"]
    columns = PANEL_COLUMNS + PANEL_EXTRA_COLUMNS
    if not kept:
        df = pd.DataFrame([], columns=columns)
        for c in COUNT_COLUMNS + list(EXTRA_COUNTS):
            df[c] = pd.array([], dtype="Int64")
        return df.astype({c: "str" for c in _TEXT_COLUMNS})
    units = [r.unit for r in kept]
    assert all(m is not None and m.unit_code for m in units)
    text: dict[str, list[Any]] = {
        c: [getattr(m, c) for m in units]
        for c in ("unit_schema", "unit_code", "unit_name", "unit_level", "province_code", "province_name")
    }
    text["source"] = [r.file for r in kept]
    text["source_ref"] = [r.source_ref for r in kept]
    text["source_kind"] = [r.source_kind for r in kept]
    data: dict[str, Any] = {c: pd.array(v, dtype=object).astype("str") for c, v in text.items()}
    data["period_start"] = [pd.Timestamp(r.start) for r in kept]
    data["period_end"] = [pd.Timestamp(r.end) for r in kept]
    for c in COUNT_COLUMNS:
        data[c] = pd.array([r.values.get(c) for r in kept], dtype="Int64")
    for c in EXTRA_COUNTS:
        data[c] = pd.array([r.extra.get(c) for r in kept], dtype="Int64")
    return pd.DataFrame(data, columns=columns)


def with_units(conformed: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``conform(concat([conformed, rows]))`` without validating ``conformed`` again: a conformed panel (its
    rows in order, valid) and the panel rows of other units (their own rows; all of a unit's rows are in one
    of the two). The schema's checks look at one row, or at rows of one unit (unique unit and period), so
    the rows of ``conformed`` pass them again, and a stable sort of the two puts every row where
    :func:`motcua.panel.conform` of the whole would."""
    if not len(rows):
        return conformed.reset_index(drop=True)
    new = conform(rows)
    both = pd.concat([conformed, new], ignore_index=True)
    both = both.sort_values(["unit_schema", "unit_code", "period_start", "period_end"], kind="stable")
    return both.reset_index(drop=True)


def validated(panel: pd.DataFrame, records: list[Record], q: Quality) -> pd.DataFrame:
    """conform(); rows the schema rejects are dropped and reported (should not happen)."""
    import pandera.errors as pe

    try:
        return conform(panel)
    except (pe.SchemaError, pe.SchemaErrors):
        pass
    try:
        PANEL_SCHEMA.validate(panel, lazy=True)
    except pe.SchemaErrors as exc:
        bad = set(int(i) for i in exc.failure_cases["index"].dropna() if isinstance(i, (int, float)))
        kept_records = [r for r in records if r.status == "kept"]
        for i in sorted(bad):
            r = kept_records[i]
            r.status = "dropped"
            q.add(
                r.file,
                "schema_violation",
                "error",
                "Dòng vi phạm lược đồ bảng dữ liệu; loại dòng.",
                sheet=r.sheet,
                row=r.row,
                unit=r.code,
                match=r.unit,
                period=r.label(),
                action="dropped",
            )
        panel = panel.drop(index=list(bad)).reset_index(drop=True)
    return conform(panel)
