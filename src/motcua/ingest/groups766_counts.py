"""Unit-month counts of the 766 groups from one export's dossier flags.

Grain: one row per (unit, month index) over every unit of the export and every month window, the
counts of :data:`COUNT_COLUMNS` (NA where the flags lack the group's column, 0 where the unit had no
dossier of that kind). A dossier counts in the month it was received (fee, payment, dossier
digitised) or completed (result digitised, apology, survey, resolved); dossiers outside every window,
of no matched unit (key -1) or without the date are left out.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

#: Count columns, in order; pairs (denominator, numerator) per group.
COUNT_COLUMNS = [
    "fee_payable",
    "paid_online",
    "dossier_checked",
    "digitised_dossier",
    "result_checked",
    "digitised_result",
    "late_or_faulty",
    "apology_issued",
    "resolved",
    "surveyed",
    "satisfied",
]


def _month_index(d: pd.Series, windows: list[tuple[date, date]]) -> np.ndarray:
    """Index of the window holding each date (-1 outside every window or NaT)."""
    starts = np.array([np.datetime64(s) for s, _ in windows], dtype="datetime64[D]")
    ends = np.array([np.datetime64(e) for _, e in windows], dtype="datetime64[D]")
    v = d.to_numpy("datetime64[D]")
    i = np.searchsorted(starts, v, side="right") - 1
    ok = ~np.isnat(v) & (i >= 0)
    i = np.where(ok, i, 0)
    ok &= v <= ends[i]
    return np.where(ok, i, -1)


def count_groups(flags: pd.DataFrame, unit_keys: pd.Series, windows: list[tuple[date, date]]) -> pd.DataFrame:
    """Unit-month counts (:data:`COUNT_COLUMNS`, NA where the flags lack the column) of one export's dossiers.
    ``unit_keys``: each dossier's unit (any hashable label); rows of unit -1 or outside the windows are left out."""
    mrec = _month_index(flags["received"], windows)
    mdone = _month_index(flags["completed"], windows)

    def tally(mask: pd.Series | np.ndarray, month: np.ndarray) -> pd.Series:
        m = np.asarray(mask, dtype=bool) & (month >= 0)
        return (
            pd.Series(1, index=pd.MultiIndex.from_arrays([unit_keys[m].to_numpy(), month[m]]))
            .groupby(level=[0, 1])
            .sum()
        )

    def yes(col: str) -> np.ndarray:
        return flags[col].fillna(False).to_numpy(dtype=bool)

    def read(col: str) -> np.ndarray:
        return flags[col].notna().to_numpy()

    counts: dict[str, pd.Series] = {"resolved": tally(np.ones(len(flags), bool), mdone)}
    if "paid_online" in flags:
        counts["fee_payable"] = tally(yes("fee_payable") & read("paid_online"), mrec)
        counts["paid_online"] = tally(yes("paid_online"), mrec)
    if "digitised_dossier" in flags:
        counts["dossier_checked"] = tally(read("digitised_dossier"), mrec)
        counts["digitised_dossier"] = tally(yes("digitised_dossier"), mrec)
    if "digitised_result" in flags:
        counts["result_checked"] = tally(read("digitised_result"), mdone)
        counts["digitised_result"] = tally(yes("digitised_result"), mdone)
    if "apology" in flags:
        lf = flags["late_or_faulty"].to_numpy(dtype=bool)
        counts["late_or_faulty"] = tally(lf & read("apology"), mdone)
        counts["apology_issued"] = tally(lf & yes("apology"), mdone)
    if "surveyed" in flags:
        counts["surveyed"] = tally(yes("surveyed"), mdone)
        counts["satisfied"] = tally(yes("satisfied"), mdone)
    units = sorted(set(unit_keys[unit_keys != -1]), key=str)
    grid = pd.MultiIndex.from_product([units, range(len(windows))], names=["unit", "month"])
    out = pd.DataFrame(index=grid)
    for c in COUNT_COLUMNS:
        out[c] = (
            counts[c].reindex(grid).fillna(0).astype("Int64")
            if c in counts
            else pd.array([pd.NA] * len(grid), dtype="Int64")
        )
    return out.reset_index()
