"""The four charts of a district report: volume by channel, online share with trend,
on-time share with late dossiers, funnel plots with the unit highlighted.

Inputs: the unit's monthly table (:func:`motcua.report.figures.monthly`, one
row per period), its trends rows (fit + forecast), its trend_summary rows and
the peers' comparison rows. Any of them may be empty: the chart then says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from motcua.model.claims import trend_claim
from motcua.report import fmt
from motcua.report.chart_style import COLORS
from motcua.report.charts import (
    Chart,
    axes_in,
    bars,
    count_axis,
    date_axis,
    draw,
    midpoints,
    no_data,
    pct_axis,
    rate_limits,
)
from motcua.report.strings import Strings


def volume_chart(monthly: pd.DataFrame, unit_name: str, S: Strings) -> Chart:
    """Stacked monthly bars: online (4) and in person/post (5); total new dossiers when the split is missing."""
    lang = S.lang
    m = monthly
    window = fmt.period(m["period_start"].min(), m["period_end"].max(), lang) if len(m) else fmt.DASH
    last = m.iloc[-1] if len(m) else None
    alt = S.f(
        "alt_volume",
        unit=unit_name,
        window=window,
        last=fmt.num(last["received_new"], lang) if last is not None else fmt.DASH,
        online=fmt.num(last["received_online"], lang) if last is not None else fmt.DASH,
    )

    def paint(fig: Any) -> None:
        ax = axes_in(fig, 0.4, 3.6 - 0.4 - 0.15, left=0.9)
        if m.empty or m["received_new"].isna().all():
            no_data(ax, S["no_data"])
            return
        x = midpoints(m)
        online = m["received_online"].astype("float64").fillna(0).to_numpy()
        offline = m["received_offline"].astype("float64")
        if offline.notna().any():
            bars(ax, x, online, color=COLORS["online"], label=S["ch_online_channel"])
            bars(
                ax,
                x,
                offline.fillna(0).to_numpy(),
                bottom=online,
                color=COLORS["offline"],
                label=S["ch_offline_channel"],
            )
            ax.legend(loc="upper left", ncols=2, bbox_to_anchor=(0, 1.0))
        else:
            bars(ax, x, m["received_new"].astype("float64").fillna(0).to_numpy(), color=COLORS["online"])
        ax.set_ylabel(S["ch_dossiers"])
        top = float(np.nanmax(online + offline.fillna(0).to_numpy())) if len(m) else 1.0
        ax.set_ylim(0, max(1.0, top) * 1.22)
        count_axis(ax, lang)
        date_axis(ax, m["period_start"].min(), m["period_end"].max())
        sns.despine(ax=ax, left=True)

    return draw(3.6, paint, alt, S["ch_volume"])


def _trend_text(summary_row: dict[str, Any], S: Strings) -> str:
    """The trend as the alt text states it: the model's claim (recent slope when the trend bends) with its interval."""
    c = trend_claim(summary_row)
    if c is None:
        return S["ch_no_trend"]
    key = f"alt_trend_{'recent_' if c.recent else ''}{c.direction}"
    return S.f(
        key,
        slope=fmt.signed_small(c.slope, S.lang),
        low=fmt.signed_small(c.low, S.lang),
        high=fmt.signed_small(c.high, S.lang),
    )


def draw_rate(
    ax: Any,
    monthly: pd.DataFrame,
    trends: pd.DataFrame,
    rate: str,
    target: float | None,
    S: Strings,
    legend: bool = True,
) -> None:
    """Observed monthly rate (points), fitted trend with 95 % CI, forecast with 95 % PI, target line."""
    lang = S.lang
    obs = monthly[["period_start", "period_end", rate]].dropna() if rate in monthly else pd.DataFrame()
    if obs.empty and (trends is None or trends.empty):
        no_data(ax, S["no_data"])
        return
    series: list[np.ndarray] = []
    start = monthly["period_start"].min()
    end = monthly["period_end"].max()
    if trends is not None and len(trends):
        fit = trends[trends["kind"] == "fit"]
        fc = trends[trends["kind"] == "forecast"]
        if len(fit):
            xf = midpoints(fit)
            ax.fill_between(xf, fit["lower"], fit["upper"], color=COLORS["fit"], alpha=0.22, linewidth=0)
            ax.plot(
                xf,
                fit["estimate"].to_numpy(),
                color=COLORS["fit"],
                linewidth=2.2,
                label=S["ch_fitted"] if legend else None,
            )
            series += [fit["lower"].to_numpy(), fit["upper"].to_numpy()]
        if len(fc):
            xc = midpoints(fc)
            # distinguishable without colour (print, colour-blind readers): the forecast band is hatched and
            # edged by dotted lines, its line dashed, apart from the fit's solid line and plain band
            ax.fill_between(xc, fc["lower"], fc["upper"], color=COLORS["forecast"], alpha=0.2, linewidth=0)
            ax.fill_between(
                xc,
                fc["lower"],
                fc["upper"],
                facecolor="none",
                edgecolor=COLORS["fit"],
                hatch="///",
                linewidth=0,
                alpha=0.35,
            )
            for edge in ("lower", "upper"):
                ax.plot(xc, fc[edge].to_numpy(), color=COLORS["fit"], linewidth=0.9, linestyle=":")
            ax.plot(
                xc,
                fc["estimate"].to_numpy(),
                color=COLORS["fit"],
                linewidth=2,
                linestyle="--",
                label=S["ch_forecast"] if legend else None,
            )
            series += [fc["lower"].to_numpy(), fc["upper"].to_numpy()]
            end = max(end, fc["period_end"].max())
    if len(obs):
        ax.scatter(
            midpoints(obs),
            obs[rate].to_numpy(),
            color=COLORS["observed"],
            s=22,
            label=S["ch_observed"] if legend else None,
            zorder=3,
            linewidths=0,
        )
        series.append(obs[rate].to_numpy())
    lo, hi = rate_limits(series, target)
    ax.set_ylim(lo, hi)
    if target is not None and lo <= target <= hi:
        ax.axhline(
            target,
            color=COLORS["target"],
            linestyle=(0, (7, 2, 1.5, 2)),
            linewidth=1.6,
            label=S.f("ch_target", value=fmt.pct(target, lang, 0)) if legend else None,
        )
    pct_axis(ax, lang)
    date_axis(ax, start, end)
    ax.set_xlabel("")
    ax.set_ylabel("")
    sns.despine(ax=ax, left=True)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.09), ncols=2, borderaxespad=0)


def rate_chart(
    monthly: pd.DataFrame,
    trends: pd.DataFrame,
    summary_row: dict[str, Any],
    rate: str,
    unit_name: str,
    S: Strings,
    caption_key: str = "ch_online",
) -> Chart:
    """Online share (or any rate) with its trend, forecast and target."""
    lang = S.lang
    target = summary_row.get("target")
    latest = monthly[rate].dropna() if rate in monthly else pd.Series(dtype=float)
    window = fmt.period(monthly["period_start"].min(), monthly["period_end"].max(), lang) if len(monthly) else fmt.DASH
    alt = S.f(
        "alt_rate",
        rate=S[f"rate_{rate}"],
        unit=unit_name,
        window=window,
        latest=fmt.pct(latest.iloc[-1], lang) if len(latest) else fmt.DASH,
        trend=_trend_text(summary_row, S),
        target=fmt.pct(target, lang, 0) if target is not None else fmt.DASH,
    )

    def paint(fig: Any) -> None:
        ax = axes_in(fig, 1.05, 4.2 - 1.05 - 0.15)
        draw_rate(ax, monthly, trends, rate, target, S)

    # a series without a forecast (a dissolved unit's history, a short series) is not captioned as forecast
    has_forecast = "kind" in trends and bool((trends["kind"] == "forecast").any())
    caption = S[caption_key] if has_forecast else S.get(f"{caption_key}_no_forecast") or S[caption_key]
    return draw(4.2, paint, alt, caption)


def ontime_chart(
    monthly: pd.DataFrame,
    trends: pd.DataFrame,
    summary_row: dict[str, Any],
    late_12m: float | None,
    unit_name: str,
    S: Strings,
) -> Chart:
    """On-time share (report convention) with trend over monthly late-dossier counts (shared time axis)."""
    lang = S.lang
    rate = "ontime_rate_report"
    latest = monthly[rate].dropna()
    alt = S.f(
        "alt_ontime",
        unit=unit_name,
        latest=fmt.pct(latest.iloc[-1], lang, 2) if len(latest) else fmt.DASH,
        late=fmt.num(late_12m, lang),
    )

    def paint(fig: Any) -> None:
        bottom = axes_in(fig, 0.4, 1.25)
        top = axes_in(fig, 2.75, 5.6 - 2.75 - 0.4, sharex=bottom)
        draw_rate(top, monthly, trends, rate, summary_row.get("target"), S)
        top.set_title(S["rate_title_ontime_rate_report"], loc="left", fontsize=13, y=1.0, pad=6)
        top.tick_params(labelbottom=False)
        late = monthly["resolved_late"].astype("float64")
        if late.notna().any():
            bars(bottom, midpoints(monthly), late.fillna(0).to_numpy(), color=COLORS["late"])
            bottom.set_ylim(0, max(1.0, float(late.max())) * 1.15)
            bottom.yaxis.set_major_locator(MaxNLocator(3, integer=True))
            count_axis(bottom, lang)
        else:
            no_data(bottom, S["no_data"])
        bottom.set_title(S["ch_late_bars"], loc="left", fontsize=13, y=1.0, pad=6)
        sns.despine(ax=bottom, left=True)

    return draw(5.6, paint, alt, S["ch_ontime"])


def draw_funnel(
    ax: Any,
    comp: pd.DataFrame,
    curve: pd.DataFrame,
    rate: str,
    S: Strings,
    highlight: str | None = None,
    label_codes: bool | frozenset[str] = False,
    legend: bool = True,
    marks: bool = True,
) -> None:
    """Funnel plot: peers' observed rate against volume, 95 % and 99,8 % limits, one unit highlighted.

    ``label_codes``: True labels every unit by its code; a set of codes labels those only (the units outside the
    limits, where every label would pile up).

    ``marks=False``: the plot without the highlighted unit's marks (:func:`funnel_marks` adds them), its grey
    point drawn with the others' (the opaque red mark covers it whole)."""
    lang = S.lang
    c = comp[comp["trials"] > 0] if len(comp) else comp
    if c.empty:
        no_data(ax, S["no_data"])
        return
    if len(curve):
        for lev, color, style, key in (
            (0.95, COLORS["limit95"], "--", "ch_funnel_95"),
            (0.998, COLORS["limit998"], ":", "ch_funnel_998"),
        ):
            cv = curve[np.isclose(curve["level"], lev)]
            if len(cv):
                ax.plot(
                    cv["n"], cv["low"], color=color, linestyle=style, linewidth=1.4, label=S[key] if legend else None
                )
                ax.plot(cv["n"], cv["high"], color=color, linestyle=style, linewidth=1.4)
        ax.axhline(
            float(curve["province_rate"].iloc[0]),
            color="#222222",
            linewidth=1,
            label=S["ch_funnel_mean"] if legend else None,
        )
    others = c[c["unit_code"].astype(str) != str(highlight)] if highlight is not None and marks else c
    ax.scatter(
        others["trials"].to_numpy(),
        others["observed"].to_numpy(),
        color=COLORS["others"],
        s=45,
        label=S["ch_funnel_others"] if (legend and highlight is not None) else None,
        linewidths=0,
        zorder=3,
    )
    if label_codes:
        labelled = others if label_codes is True else others[others["unit_code"].astype(str).isin(label_codes)]
        for _, r in labelled.iterrows():
            ax.annotate(
                str(r["unit_code"]),
                (r["trials"], r["observed"]),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=9.5,
                color="#333333",
                annotation_clip=False,
            )
    if highlight is not None and marks:
        funnel_marks(ax, c, highlight)
    ys = [c["observed"].to_numpy()]
    if len(curve):
        inside = curve[curve["n"] >= c["trials"].min() * 0.8]
        ys += [
            inside.loc[np.isclose(inside["level"], 0.95), "low"].to_numpy(),
            inside.loc[np.isclose(inside["level"], 0.95), "high"].to_numpy(),
        ]
    lo, hi = (0.0, 1.0)
    v = np.concatenate([y[np.isfinite(y)] for y in ys])
    if len(v):
        pad = max(0.005, 0.1 * (v.max() - v.min()))
        lo, hi = max(0.0, v.min() - pad), min(1.0, v.max() + pad)
    ax.set_ylim(lo, hi)
    span = float(c["trials"].max() - c["trials"].min()) or float(c["trials"].max())
    ax.set_xlim(max(0.0, float(c["trials"].min()) - 0.12 * span), float(c["trials"].max()) + 0.12 * span)
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    count_axis(ax, lang, "x")
    pct_axis(ax, lang)
    ax.set_xlabel(S["ch_funnel_x"])
    ax.set_ylabel("")
    sns.despine(ax=ax, left=True)


def funnel_marks(ax: Any, c: pd.DataFrame, highlight: str) -> list[Any]:
    """The highlighted unit's red point and bold name on a funnel plot of the peers ``c`` (none when it is not
    among them), in drawing order."""
    me = c[c["unit_code"].astype(str) == str(highlight)]
    if not len(me):
        return []
    r = me.iloc[0]
    point = ax.scatter(
        [r["trials"]],
        [r["observed"]],
        s=120,
        color=COLORS["highlight"],
        zorder=4,
        edgecolor="white",
        linewidth=1.2,
    )
    right = r["trials"] > (c["trials"].min() + c["trials"].max()) / 2
    name = ax.annotate(
        str(r["unit_name"]),
        (r["trials"], r["observed"]),
        xytext=(-8 if right else 8, 7),
        textcoords="offset points",
        ha="right" if right else "left",
        fontsize=12,
        fontweight="bold",
        color=COLORS["highlight"],
        annotation_clip=False,
    )
    return [name, point]  # by zorder: the name (3) is drawn before the point (4)
