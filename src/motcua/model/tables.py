"""The model stage's tables as written: their columns, their dtypes, and the frames built from the outputs
of every series (one row per unit × rate for the summary, one per unit × rate × target for the targets).

Quirks kept on purpose: text columns are pandas' string dtype (:func:`as_strings`), as they read back from
parquet, so a table is the same frame in memory and on disk; counts that may be missing are ``Int64``; a
summary without a comparison row keeps its rank columns empty and says why in ``notes``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TREND_COLUMNS = [
    "unit_schema",
    "unit_code",
    "rate",
    "period_start",
    "period_end",
    "kind",
    "estimate",
    "lower",
    "upper",
    "mean_lower",
    "mean_upper",
    "n",
    "successes",
    "observed",
]
SUMMARY_COLUMNS = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "rate",
    "status",
    "notes",
    "n_periods",
    "first_period_start",
    "last_period_end",
    "latest_period_start",
    "latest_period_end",
    "latest_n",
    "latest_rate",
    "latest_fitted",
    "latest_band_low",
    "latest_band_high",
    "latest_z",
    "latest_outside_band",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
    "slope_logit_per_year",
    "slope_logit_low",
    "slope_logit_high",
    "slope_recent_pp_per_year",
    "slope_recent_low",
    "slope_recent_high",
    "rho",
    "dispersion",
    "df_resid",
    "harmonics",
    "breaks",
    "knots",
    "forecast_end",
    "target",
    "target_label_vi",
    "target_label_en",
    "target_source",
    "target_period_end",
    "target_forecast",
    "target_low",
    "target_high",
    "target_too_uncertain",
    "p_meet_target",
    "year_forecast",
    "year_low",
    "year_high",
    "p_meet_target_year",
    "shrunk_rate",
    "shrunk_low",
    "shrunk_high",
    "rank",
    "rank_low",
    "rank_high",
    "n_ranked",
    "funnel_flag",
]

#: The target probabilities' columns (one row per unit, rate and configured target).
TARGET_COLUMNS = [
    "unit_schema",
    "unit_code",
    "rate",
    "target_index",
    "target",
    "label_vi",
    "label_en",
    "source",
    "target_period_end",
    "p_meet_target",
    "p_meet_target_year",
]

#: The trends table's order (stable: a series' fit and forecast rows of one period keep their order).
TREND_ORDER = ["unit_schema", "unit_code", "rate", "period_start", "kind"]

#: The comparison's columns copied into the summary (``n_units`` as ``n_ranked``).
_RANK_COLUMNS = ["shrunk_rate", "shrunk_low", "shrunk_high", "rank", "rank_low", "rank_high", "funnel_flag", "n_units"]


def empty_trends() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="float64") for c in TREND_COLUMNS})
    for c in ("unit_schema", "unit_code", "rate", "kind"):
        df[c] = df[c].astype("object")
    for c in ("period_start", "period_end"):
        df[c] = df[c].astype("datetime64[ns]")
    return df


def trend_rows_frame(parts: list[dict[str, Any]]) -> pd.DataFrame:
    """Trend rows of several series (column arrays, in task order) as one frame, unsorted, text as objects."""
    if not parts:
        return empty_trends()
    trends = pd.DataFrame({c: np.concatenate([np.asarray(p[c]) for p in parts]) for c in TREND_COLUMNS})
    trends["period_start"] = pd.to_datetime(trends["period_start"]).astype("datetime64[ns]")
    trends["period_end"] = pd.to_datetime(trends["period_end"]).astype("datetime64[ns]")
    return trends


def as_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas' string dtype, as they read back from parquet (same frame in memory and on disk)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype("str")
    return out


def summary_frame(summaries: list[dict[str, Any]], comparison: pd.DataFrame) -> pd.DataFrame:
    """The trend summary (one row per unit × rate, in task order) with the comparison's shrunken rate and rank
    merged in, every column of :data:`SUMMARY_COLUMNS` present, and a note on each unranked unit saying why
    (units of its level differ no more than chance, or it had no dossiers in the comparison window)."""
    summary = pd.DataFrame(summaries)
    if len(comparison):
        summary = summary.merge(
            comparison[["unit_schema", "unit_code", "rate", *_RANK_COLUMNS]].rename(columns={"n_units": "n_ranked"}),
            how="left",
            on=["unit_schema", "unit_code", "rate"],
        )
    for c in SUMMARY_COLUMNS:
        if c not in summary.columns:
            summary[c] = np.nan
    unranked = summary["rank"].isna() & (summary["unit_level"] != "province") & (summary["status"] != "no_data")
    compared = summary["rank_low"].notna()
    summary.loc[unranked, "notes"] = [
        "; ".join(
            x
            for x in (
                n,
                "units of this level differ no more than chance (tau2 = 0): no point rank"
                if c
                else "no dossiers in the comparison window: not ranked",
            )
            if x
        )
        for n, c in zip(summary.loc[unranked, "notes"], compared[unranked])
    ]
    return summary_dtypes(summary[SUMMARY_COLUMNS + [c for c in summary.columns if c not in SUMMARY_COLUMNS]])


def summary_dtypes(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary's columns in their written dtypes: ranks and counts ``Int64``, dates ``datetime64[ns]``,
    flags ``boolean``, text as objects with None for missing, the rest ``float64``."""
    s = summary.copy()
    for c in ("rank", "rank_low", "rank_high", "n_ranked", "n_periods", "df_resid", "harmonics"):
        s[c] = pd.to_numeric(s[c], errors="coerce").astype("Int64")
    for c in (
        "first_period_start",
        "last_period_end",
        "latest_period_start",
        "latest_period_end",
        "forecast_end",
        "target_period_end",
    ):
        s[c] = pd.to_datetime(s[c]).astype("datetime64[ns]")
    s["latest_outside_band"] = s["latest_outside_band"].astype("boolean")
    s["target_too_uncertain"] = s["target_too_uncertain"].astype("boolean")
    for c in (
        "notes",
        "breaks",
        "knots",
        "funnel_flag",
        "target_label_vi",
        "target_label_en",
        "target_source",
        "unit_name",
        "unit_level",
    ):
        s[c] = s[c].astype("object").where(s[c].notna(), None)
    num = [
        "latest_n",
        "latest_rate",
        "latest_fitted",
        "latest_band_low",
        "latest_band_high",
        "latest_z",
        "slope_pp_per_year",
        "slope_low",
        "slope_high",
        "slope_logit_per_year",
        "slope_logit_low",
        "slope_logit_high",
        "slope_recent_pp_per_year",
        "slope_recent_low",
        "slope_recent_high",
        "rho",
        "dispersion",
        "target",
        "target_forecast",
        "target_low",
        "target_high",
        "p_meet_target",
        "year_forecast",
        "year_low",
        "year_high",
        "p_meet_target_year",
        "shrunk_rate",
        "shrunk_low",
        "shrunk_high",
    ]
    for c in num:
        s[c] = pd.to_numeric(s[c], errors="coerce").astype("float64")
    return s
