"""The product ``groups766.parquet``: the 766 counts of every dossier export combined, typed and checked.

Grain: one row per unit (``unit_schema``, ``unit_code``) and month (``period_start`` – ``period_end``),
counts summed over the exports that hold the unit (NA only where no export had the group's column),
sources joined with "; ". The pandera schema checks counts ≥ 0 and each numerator ≤ its denominator.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from motcua.ingest.groups766_counts import COUNT_COLUMNS

GROUPS_COLUMNS = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "period_start",
    "period_end",
    *COUNT_COLUMNS,
    "source",
]


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per unit and month over several exports: counts summed (NA only where no export had the column),
    sources joined; sorted, validated by :data:`SCHEMA`."""
    frames = [f for f in frames if len(f)]
    if not frames:  # typed, not validated: an empty table breaks no check (and pandera costs ~0.2 s)
        return _typed(pd.DataFrame(columns=GROUPS_COLUMNS))
    df = pd.concat(frames, ignore_index=True)
    keys = ["unit_schema", "unit_code", "period_start", "period_end"]
    agg: dict[str, Any] = {c: (lambda s: s.sum(min_count=1)) for c in COUNT_COLUMNS}
    agg.update({c: "last" for c in ("unit_name", "unit_level", "province_code")})
    agg["source"] = lambda s: "; ".join(sorted(set(map(str, s))))
    out = df.groupby(keys, sort=True, dropna=False).agg(agg).reset_index()
    return conform(out[GROUPS_COLUMNS])


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Types and order of :data:`GROUPS_COLUMNS`, checked by the pandera schema."""
    return schema().validate(_typed(df))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """:data:`GROUPS_COLUMNS` in order with their types, rows sorted by unit and month (not validated)."""
    out = df.reindex(columns=GROUPS_COLUMNS).copy()
    for c in ("unit_schema", "unit_code", "unit_name", "unit_level", "province_code", "source"):
        out[c] = out[c].astype("string")
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    for c in COUNT_COLUMNS:
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int64")
    return out.sort_values(["unit_schema", "unit_code", "period_start"], kind="stable").reset_index(drop=True)


def schema() -> Any:
    """pandera schema of groups766.parquet: counts ≥ 0, each numerator ≤ its denominator."""
    import pandera.pandas as pa

    count = pa.Column("Int64", pa.Check.ge(0), nullable=True)
    pairs = [
        ("paid_online", "fee_payable"),
        ("digitised_dossier", "dossier_checked"),
        ("digitised_result", "result_checked"),
        ("apology_issued", "late_or_faulty"),
        ("satisfied", "surveyed"),
        ("surveyed", "resolved"),
    ]

    def within(num: str, den: str) -> Any:
        return pa.Check(lambda d: ~(d[num] > d[den]).fillna(False), name=f"{num}<={den}")

    return pa.DataFrameSchema(
        {
            "unit_schema": pa.Column("string"),
            "unit_code": pa.Column("string"),
            "unit_name": pa.Column("string", nullable=True),
            "unit_level": pa.Column("string", nullable=True),
            "province_code": pa.Column("string", nullable=True),
            "period_start": pa.Column("datetime64[ns]"),
            "period_end": pa.Column("datetime64[ns]"),
            **{c: count for c in COUNT_COLUMNS},
            "source": pa.Column("string", nullable=True),
        },
        checks=[within(n, d) for n, d in pairs],
        strict=True,
        ordered=True,
    )
