"""Exploration helpers for notebooks/00_explore.ipynb: load one unit's data and results, draw them.

Kept outside :mod:`motcua.model` on purpose: the model package is pure
functions on data frames (no printing, no plotting); this module draws.

Functions return data frames or :class:`matplotlib.figure.Figure` objects built
without pyplot (no global state, nothing shown or saved here); the notebook
displays what they return. Labels in Vietnamese (``lang="vi"``) or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from motcua import products
from motcua.model.compare import funnel_curve
from motcua.model.run import COMPARISON_FILE, SUMMARY_FILE, TRENDS_FILE
from motcua.numfmt import num, pct
from motcua.rates import RATES, compute_rate

TEXT = {
    "vi": {
        "observed": "Số liệu thực tế",
        "fitted": "Xu hướng ước lượng (KTC 95%)",
        "forecast": "Dự báo (khoảng dự báo 95%)",
        "target": "Mục tiêu",
        "period": "Kỳ báo cáo",
        "dossiers": "Số hồ sơ (trong 12 tháng so sánh)",
        "province": "Tỷ lệ chung",
        "units": "Các đơn vị",
        "this_unit": "Đơn vị đang xem",
        "limit": "Giới hạn",
    },
    "en": {
        "observed": "Observed",
        "fitted": "Fitted trend (95% CI)",
        "forecast": "Forecast (95% prediction interval)",
        "target": "Target",
        "period": "Period",
        "dossiers": "Dossiers (12-month comparison window)",
        "province": "Pooled rate",
        "units": "Units",
        "this_unit": "This unit",
        "limit": "Limit",
    },
}


@dataclass
class UnitView:
    """One unit's panel rows and model results (grain as in the stage's files)."""

    unit_schema: str
    unit_code: str
    unit_name: str
    panel: pd.DataFrame
    trends: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame  # all peers' rows, for funnel plots


def load_unit(data_dir: str | Path, unit_code: str, unit_schema: str | None = None) -> UnitView:
    """Read DATA/panel.parquet and the model's files and keep what concerns ``unit_code``.

    With several schemas holding the code (codes are re-used after the 2025
    reform), ``unit_schema`` chooses; by default the one with the latest data.
    """
    data = Path(data_dir)
    panel = products.PANEL.read(data)
    rows = panel.loc[panel["unit_code"].astype(str) == str(unit_code)]
    if rows.empty:
        raise KeyError(f"unit {unit_code} is not in {products.PANEL.path(data)}")
    if unit_schema is None:
        unit_schema = str(rows.sort_values("period_end")["unit_schema"].iloc[-1])
    rows = (
        rows.loc[rows["unit_schema"] == unit_schema].sort_values(["period_start", "period_end"]).reset_index(drop=True)
    )
    trends = pd.read_parquet(data / TRENDS_FILE)
    summary = pd.read_parquet(data / SUMMARY_FILE)
    comparison = pd.read_parquet(data / COMPARISON_FILE)
    level = str(rows["unit_level"].iloc[-1])

    def mine(df: pd.DataFrame) -> pd.DataFrame:
        return df.loc[(df["unit_schema"] == unit_schema) & (df["unit_code"].astype(str) == str(unit_code))].reset_index(
            drop=True
        )

    comp = comparison
    if len(comp):
        comp = comp.loc[(comp["unit_schema"] == unit_schema) & (comp["unit_level"] == level)].reset_index(drop=True)
    return UnitView(
        unit_schema, str(unit_code), str(rows["unit_name"].iloc[-1]), rows, mine(trends), mine(summary), comp
    )


def observed_rates(unit_panel: pd.DataFrame) -> pd.DataFrame:
    """The unit's observed rates per period (grain: period × rate), computed by :mod:`motcua.rates`."""
    out = []
    for rate in RATES:
        out.append(
            unit_panel[["period_start", "period_end"]].assign(
                rate=rate, observed=compute_rate(unit_panel, rate).to_numpy()
            )
        )
    return pd.concat(out, ignore_index=True)


def _pct_formatter(lang: str) -> FuncFormatter:
    """Tick labels of a rate axis: "95%" on a whole percent, else one decimal ("92,5%")."""
    return FuncFormatter(lambda v, _pos: pct(v, lang, 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1))


def plot_trend(
    trends: pd.DataFrame, rate: str, *, lang: str = "vi", target: float | None = None, title: str | None = None
) -> Figure:
    """Observed rate, fitted trend with its 95 % CI and the forecast with its 95 % PI for one rate."""
    T = TEXT[lang]
    t = trends.loc[trends["rate"] == rate].sort_values("period_start")
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    mid = t["period_start"] + (t["period_end"] - t["period_start"]) / 2
    fit = t["kind"] == "fit"
    fc = t["kind"] == "forecast"
    ax.fill_between(mid[fit], t.loc[fit, "lower"], t.loc[fit, "upper"], color="#1f77b4", alpha=0.25, linewidth=0)
    ax.plot(mid[fit], t.loc[fit, "estimate"], color="#1f77b4", label=T["fitted"])
    if fc.any():
        ax.fill_between(mid[fc], t.loc[fc, "lower"], t.loc[fc, "upper"], color="#ff7f0e", alpha=0.2, linewidth=0)
        ax.plot(mid[fc], t.loc[fc, "estimate"], color="#ff7f0e", linestyle="--", label=T["forecast"])
    if "observed" in t:
        ax.plot(mid[fit], t.loc[fit, "observed"], "o", color="#333333", markersize=3, label=T["observed"])
    if target is not None and np.isfinite(target):
        ax.axhline(target, color="#d62728", linestyle=":", label=f"{T['target']}")
    ax.yaxis.set_major_formatter(_pct_formatter(lang))
    ax.set_xlabel(T["period"])
    r = RATES.get(rate)
    ax.set_title(title or ((r.label_vi if lang == "vi" else r.label_en) if r else rate), fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return fig


def plot_funnel(comparison: pd.DataFrame, rate: str, unit_code: str | None = None, *, lang: str = "vi") -> Figure:
    """Funnel plot of one rate: units' window rates against volume, 95 % and 99.8 % limits, one unit highlighted."""
    T = TEXT[lang]
    c = comparison.loc[comparison["rate"] == rate]
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    if c.empty:
        return fig
    curve = funnel_curve(c, rate)
    for lev, g in curve.groupby("level"):
        style = "--" if lev < 0.99 else "-"
        label = f"{T['limit']} {lev * 100:g}%".replace(".", "," if lang == "vi" else ".")
        ax.plot(g["n"], g["low"], style, color="#7f7f7f", linewidth=1, label=label)
        ax.plot(g["n"], g["high"], style, color="#7f7f7f", linewidth=1)
    ax.axhline(float(c["province_rate"].iloc[0]), color="#2ca02c", linewidth=1, label=T["province"])
    ax.scatter(c["trials"], c["observed"], s=18, color="#1f77b4", label=T["units"])
    if unit_code is not None:
        me = c.loc[c["unit_code"].astype(str) == str(unit_code)]
        ax.scatter(me["trials"], me["observed"], s=60, color="#d62728", zorder=3, label=T["this_unit"])
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: num(v, lang)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(T["dossiers"])
    ax.yaxis.set_major_formatter(_pct_formatter(lang))
    r = RATES.get(rate)
    ax.set_title((r.label_vi if lang == "vi" else r.label_en) if r else rate, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return fig
