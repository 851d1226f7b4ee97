"""The panel: the data contract every stage shares (docs/architecture.md, "The products").

Grain: one row per (unit_schema, unit_code, period_start, period_end).
Counts are the 13 numbered columns of form 06 (Thông tư 01/2020/TT-VPCP), as
nullable integers because some layouts (07a) lack a column. Rates are never
stored here: see :mod:`motcua.rates`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

#: Identity and provenance columns, in contract order.
ID_COLUMNS: list[str] = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "province_name",
    "period_start",
    "period_end",
]

#: Count columns with the form-06 column number they come from.
FORM_COLUMN: dict[str, int] = {
    "received_total": 3,
    "received_online": 4,
    "received_offline": 5,
    "carried_over": 6,
    "resolved_total": 7,
    "resolved_early": 8,
    "resolved_ontime": 9,
    "resolved_late": 10,
    "pending_total": 11,
    "pending_ontime": 12,
    "pending_overdue": 13,
}
COUNT_COLUMNS: list[str] = list(FORM_COLUMN)

#: How a reader of form 06 knows the counts a layout adds (07a: no online split, early and on time merged).
EXTRA_COLUMN_REF: dict[str, str] = {
    "received_new": "(4)+(5)",
    "resolved_early_ontime": "(8)+(9)",
    "supplement": "Bổ sung",
    "returned": "Trả lại",
}


def column_ref(column: str) -> str:
    """A count column as messages for readers name it: its form-06 number, "(4)", or its heading for
    the extra columns of other layouts; never the panel's English column name."""
    if column in FORM_COLUMN:
        return f"({FORM_COLUMN[column]})"
    return EXTRA_COLUMN_REF.get(column, column)


#: Flow columns add up over tiling periods; stock columns (6, 11–13) do not.
FLOW_COLUMNS: list[str] = [
    "received_online",
    "received_offline",
    "resolved_total",
    "resolved_early",
    "resolved_ontime",
    "resolved_late",
]
STOCK_COLUMNS: list[str] = ["carried_over", "pending_total", "pending_ontime", "pending_overdue"]

SOURCE_COLUMNS: list[str] = ["source", "source_ref"]

PANEL_COLUMNS: list[str] = ID_COLUMNS + COUNT_COLUMNS + SOURCE_COLUMNS

UNIT_SCHEMAS = ("legacy", "2025")
UNIT_LEVELS = ("province", "district", "commune", "agency")


def _count() -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=True, coerce=True)


PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "unit_schema": pa.Column(str, pa.Check.isin(UNIT_SCHEMAS)),
        # official codes ("555", "22240"); a provincial agency's "<province>-<key>" ("66-cong-an", config/agencies.yaml)
        "unit_code": pa.Column(str, pa.Check.str_matches(r"^(?:\d{2,5}|\d{2}-[a-z0-9][a-z0-9-]*)$")),
        "unit_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "unit_level": pa.Column(str, pa.Check.isin(UNIT_LEVELS)),
        "province_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
        "province_name": pa.Column(str),
        "period_start": pa.Column("datetime64[ns]", coerce=True),
        "period_end": pa.Column("datetime64[ns]", coerce=True),
        **{c: _count() for c in COUNT_COLUMNS},
        "source": pa.Column(str),
        "source_ref": pa.Column(str),
    },
    checks=[
        pa.Check(lambda df: df["period_end"] >= df["period_start"], error="period_end before period_start"),
    ],
    unique=["unit_schema", "unit_code", "period_start", "period_end"],
    strict=False,
    ordered=False,
    name="panel",
)


def empty_panel() -> pd.DataFrame:
    """An empty panel with the contract's columns and dtypes."""
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in PANEL_COLUMNS})
    for c in COUNT_COLUMNS:
        df[c] = df[c].astype("Int64")
    for c in ("period_start", "period_end"):
        df[c] = df[c].astype("datetime64[ns]")
    return df


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Order columns as the contract says, fix dtypes, sort rows, validate.

    Extra columns are kept after the contract's columns.
    """
    out = df.copy()
    for c in PANEL_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    for c in COUNT_COLUMNS:
        out[c] = pd.to_numeric(out[c], errors="raise").astype("Int64")
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    extra = [c for c in out.columns if c not in PANEL_COLUMNS]
    out = out[PANEL_COLUMNS + extra]
    out = out.sort_values(["unit_schema", "unit_code", "period_start", "period_end"], kind="stable")
    out = out.reset_index(drop=True)
    return PANEL_SCHEMA.validate(out)
