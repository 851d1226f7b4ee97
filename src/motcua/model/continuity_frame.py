"""The shape of the continuity table (``continuity.parquet``) and the pieces every kind of row uses.

Grain of the table: one row per (kind, unit_schema, unit_code, period_start, period_end); its columns
and their meaning are documented in :mod:`motcua.model.continuity`. Here: the column list and dtypes
(:func:`table_frame` turns a list of row dicts into the table, rates computed from the summed counts),
the crosswalk and panel as the builders read them (codes as plain strings, counts as nullable
integers), the count sums (NaN where any unit of a group lacks the count: a missing count is never
read as 0) and the Vietnamese labels the notes are written with.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from motcua import products
from motcua.numfmt import vi_count
from motcua.panel import COUNT_COLUMNS
from motcua.rates import compute_rate

CONTINUITY_FILE = products.CONTINUITY.file
KINDS = ("province", "province_reported", "commune_predecessors", "district_continuation")
PERIOD = ["period_start", "period_end"]
#: the tiers of the one-stop system in each era, as panel unit levels
TIERS = {"legacy": ("district", "commune", "agency"), "2025": ("commune", "agency")}
RATE_COLUMNS = ("online_rate", "ontime_rate_report")
TIER_VI = {"district": "cấp huyện", "commune": "cấp xã", "agency": "cấp tỉnh"}

COLUMNS = [
    "kind",
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "era",
    *PERIOD,
    "from_level",
    "from_codes",
    "missing_codes",
    "split_codes",
    *COUNT_COLUMNS,
    "n_units_present",
    "n_units_expected",
    "n_districts_present",
    "n_districts_expected",
    "n_communes_present",
    "n_communes_expected",
    "n_agencies_present",
    "exact",
    "same_area",
    "comparable",
    "matches_units",
    *RATE_COLUMNS,
    "note",
]
_INT = [
    "n_units_present",
    "n_units_expected",
    "n_districts_present",
    "n_districts_expected",
    "n_communes_present",
    "n_communes_expected",
    "n_agencies_present",
]
_BOOL = ["exact", "same_area", "comparable", "matches_units"]
_STR = [
    "kind",
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "era",
    "from_level",
    "from_codes",
    "missing_codes",
    "split_codes",
    "note",
]


# --------------------------------------------------------------------------- inputs


def load_crosswalk(crosswalk: pd.DataFrame | None = None) -> pd.DataFrame:
    """The crosswalk with codes as text and the two flags as int 0/1; ``None``: the packaged one."""
    if crosswalk is None:
        from motcua.reference.crosswalk import crosswalk as packaged

        crosswalk = packaged()
    xw = crosswalk.copy()
    for c in (
        "legacy_level",
        "legacy_code",
        "legacy_name",
        "legacy_province_code",
        "new_level",
        "new_code",
        "new_name",
        "new_province_code",
    ):
        xw[c] = xw[c].astype(str).astype(object)  # plain Python strings: fast to put in sets
    for c in ("legacy_whole", "new_within"):
        xw[c] = pd.to_numeric(xw[c]).astype(int)
    return xw


def prepare_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel's identity columns and counts (nullable integers; an absent count column is all NA)."""
    keep = ["unit_schema", "unit_code", "unit_name", "unit_level", "province_code", *PERIOD]
    p = panel[keep].copy()
    for c in ("unit_schema", "unit_code", "unit_level", "province_code"):
        p[c] = p[c].astype(str).astype(object)
    for c in PERIOD:
        p[c] = pd.to_datetime(p[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS:
        p[c] = (
            pd.to_numeric(panel[c], errors="coerce").astype("Int64")
            if c in panel
            else pd.array([pd.NA] * len(p), dtype="Int64")
        )
    return p


def sum_counts(rows: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, float]]:
    """Form-06 counts summed per ``keys``: {group key: {column: sum}}, NaN where any row of the group
    lacks the count (a missing count is never read as 0). Floats, exact for counts below 2**53."""
    g = rows.groupby(keys, sort=True)
    out = g[COUNT_COLUMNS].sum(min_count=1)
    have = g[COUNT_COLUMNS].count().to_numpy()
    size = g.size().to_numpy()[:, None]
    vals = np.column_stack([out[c].to_numpy(dtype="float64", na_value=np.nan) for c in COUNT_COLUMNS])
    vals[have < size] = np.nan
    idx = out.index.tolist()
    return {k if isinstance(k, tuple) else (k,): dict(zip(COUNT_COLUMNS, v)) for k, v in zip(idx, vals.tolist())}


def count_text(x: int) -> str:
    """A count in Vietnamese format: "7.697"."""
    return vi_count(int(x))


def units_label(codes: Iterable[str], names: dict[str, str]) -> str:
    """Units as a reader names them: "Xã A (22001), 22002" (the bare code where the name is unknown)."""
    return ", ".join(f"{names.get(c, c)} ({c})" if names.get(c) else c for c in codes)


def legacy_provinces_label(codes: Iterable[str], names: dict[str, str]) -> str:
    """Legacy provinces as a reader names them: "Tỉnh Phú Yên cũ (54)"."""
    return ", ".join(f"{names[c]} cũ ({c})" if names.get(c) else c for c in codes)


def join_codes(codes: Iterable[str]) -> str:
    """Codes sorted and comma-separated, as in the ``*_codes`` columns."""
    return ",".join(sorted(codes))


def count_or_unknown(x: object) -> str:
    """A count in Vietnamese format, "không rõ" when it is missing."""
    return "không rõ" if pd.isna(x) else count_text(int(x))


def table_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows → the table's columns and dtypes, rates computed from the summed counts."""
    df = rows.reset_index(drop=True) if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    for c in COLUMNS:
        if c not in df:
            df[c] = pd.NA
    df = df[COLUMNS].copy()
    for c in PERIOD:
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS + _INT:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in _BOOL:
        df[c] = df[c].astype("boolean")
    for c in _STR:
        df[c] = df[c].astype("object").where(df[c].notna(), "").astype(str)
    for r in RATE_COLUMNS:
        df[r] = compute_rate(df, r) if len(df) else pd.Series(dtype="float64")
    return df
