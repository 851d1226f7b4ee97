"""Charts of the province overview: small multiples, ranking with intervals, funnel plots.

Inputs: the peers' monthly tables (one row per unit × period), the peers'
comparison rows (one per unit × rate). Unit names are drawn as typed (math
text off); long names are shortened for the panels' titles only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from motcua.report import fmt
from motcua.report.chart_cache import ChartCache, chart_key
from motcua.report.chart_style import COLORS, WIDTH
from motcua.report.chart_tiles import Tile, draw_tiles
from motcua.report.charts import Chart, axes_in, bars, count_axis, draw, midpoints, no_data, pct_axis
from motcua.report.strings import Strings, cap
from motcua.report.unit_charts import draw_funnel

MAX_PANELS = 48
#: Units drawn in a ranking chart: beyond this, the first and last half of it by rank.
MAX_RANKED_SHOWN = 40
#: Width of a month's bar, in days (:func:`motcua.report.charts.bars`' default).
BAR_DAYS = 24.0


def short(name: str, n: int = 24) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _panel_xspan(x: np.ndarray, y: np.ndarray, kind: str) -> tuple[float, float] | None:
    """x data limits that one panel's marks give its axes, None for none (``x``: the periods' midpoints as
    matplotlib date numbers, ``y``: its values): a line spans its points with a finite value, bars span
    their full width (:func:`motcua.report.charts.bars`)."""
    if kind == "rate":
        x = x[np.isfinite(y) & np.isfinite(x)]
        return (float(x.min()), float(x.max())) if len(x) else None
    half = BAR_DAYS / 2.0
    return (float(x.min()) - half, float(x.max()) + half) if len(x) else None


def small_multiples(
    monthly: pd.DataFrame,
    names: dict[str, str],
    column: str,
    S: Strings,
    *,
    kind: str,
    target: float | None = None,
    alt: str,
    caption: str,
    cache: ChartCache | None = None,
) -> Chart:
    """One small panel per unit (same axes limits): a rate as a line, or a count as bars.

    Each panel is a :class:`~motcua.report.chart_tiles.Tile` keyed by the unit's own values and the
    limits all panels share, so a correction to one unit redraws that unit's panel only.
    """
    lang = S.lang
    every = pd.unique(monthly["unit_code"]).tolist()  # in order of first appearance
    codes = every[:MAX_PANELS]
    if len(every) > MAX_PANELS:  # say so: a reader must not think the chart is the whole province
        caption = f"{caption} " + S.f(
            "ov_small_multiples_first", shown=fmt.num(MAX_PANELS, lang), total=fmt.num(len(every), lang)
        )
    ncols = 3
    nrows = max(1, int(np.ceil(len(codes) / ncols)))
    panel_h = 1.55
    height = 0.35 + nrows * panel_h
    if not codes:
        return draw(height, lambda fig: no_data(fig.add_subplot(), S["no_data"]), alt, caption)

    w = WIDTH
    left, right, gap_x = 0.62, 0.12, 0.18
    pw = (w - left - right - gap_x * (ncols - 1)) / ncols
    vals = monthly[column].astype("float64")
    ymax = float(np.nanmax(vals)) if vals.notna().any() else 1.0
    ymin = 0.0
    if kind == "rate":
        ymin = max(0.0, float(np.nanmin(vals)) - 0.05) if vals.notna().any() else 0.0
        ymax = min(1.0, ymax + 0.05)
    ytop = ymax * (1.0 if kind == "rate" else 1.1) or 1.0
    shown = monthly[monthly["unit_code"].isin(codes)]
    xnum = mdates.date2num(pd.to_datetime(midpoints(shown)).to_numpy())
    ynum = shown[column].astype("float64").to_numpy()
    at = shown.groupby("unit_code", sort=False).indices
    # a panel's key reads these arrays; its rows become a frame only when it is drawn (a fix redraws one panel)
    starts, ends = shown["period_start"].to_numpy(), shown["period_end"].to_numpy()
    spans = [s for s in (_panel_xspan(xnum[at[c]], ynum[at[c]], kind) for c in codes) if s is not None]
    # the x limits every panel shares: the union of all panels' data limits, as shared axes would have
    xspan = (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None

    def paint(fig: Any, i: int, code: str) -> None:
        d = shown.iloc[at[code]]
        r, c = divmod(i, ncols)
        bottom = height - 0.3 - (r + 1) * panel_h + 0.3
        ax = fig.add_axes(((left + c * (pw + gap_x)) / w, bottom / height, pw / w, (panel_h - 0.55) / height))
        if xspan is not None:  # before any mark: axhline already settles the view limits
            ax.update_datalim([(xspan[0], ymin), (xspan[1], ymin)], updatey=False)
        x = midpoints(d)
        if kind == "rate":
            ax.plot(x, d[column].astype("float64").to_numpy(), color=COLORS["online"], linewidth=1.6)
            if target is not None:
                ax.axhline(target, color=COLORS["target"], linestyle=(0, (3, 2)), linewidth=1)
        else:
            bars(ax, x, d[column].astype("float64").fillna(0).to_numpy(), color=COLORS["late"], width_days=BAR_DAYS)
        ax.set_title(short(names.get(code, code), 20), fontsize=9.5, loc="left", fontweight="bold", y=1.0, pad=3)
        ax.set_ylim(ymin, ytop)
        ax.tick_params(labelsize=8.5)
        ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # "2026", never a bare "26"
        if kind == "rate":
            pct_axis(ax, lang)
        else:
            count_axis(ax, lang)
        if c != 0:
            ax.tick_params(labelleft=False)
        if i + ncols < len(codes):  # years only under the last panel of each column (same x axis)
            ax.tick_params(labelbottom=False)
        ax.set_xlabel("")
        ax.set_ylabel("")
        sns.despine(ax=ax, left=True)

    tiles = []
    for i, code in enumerate(codes):
        rows = at[code]
        key = chart_key(
            "overview_charts.small_multiples.panel",
            kind,
            column,
            lang,
            i,
            ncols,
            len(codes),
            short(names.get(code, code), 20),
            starts[rows],
            ends[rows],
            ynum[rows],
            target,
            ymin,
            ytop,
            xspan,
        )
        tiles.append(Tile(key, partial(paint, i=i, code=code)))
    return draw_tiles(height, tiles, alt, caption, cache=cache)


def ranking_chart(comp: pd.DataFrame, rate: str, S: Strings, cache: ChartCache | None = None) -> Chart:
    """Forest plot: each unit's shrunken rate with its 95 % interval, ordered by rank; province level line.

    Its cache key holds the whole comparison table of the rate (more than the chart reads)."""
    lang = S.lang
    c = comp.dropna(subset=["shrunk_rate"]).sort_values(["rank", "unit_code"], kind="stable") if len(comp) else comp
    hidden = 0
    if len(c) > MAX_RANKED_SHOWN:  # a chart a reader can scan: both ends; every unit is in the table
        half = MAX_RANKED_SHOWN // 2
        hidden = len(c) - 2 * half
        c = pd.concat([c.iloc[:half], c.iloc[-half:]])
    digits = 2 if rate.startswith("ontime") else 1
    if len(c):
        alt = S.f(
            "ov_alt_ranking",
            rate=S[f"rate_{rate}"],
            first=str(c.iloc[0]["unit_name"]),
            first_value=fmt.pct(c.iloc[0]["shrunk_rate"], lang, digits),
            last=str(c.iloc[-1]["unit_name"]),
            last_value=fmt.pct(c.iloc[-1]["shrunk_rate"], lang, digits),
        )
    else:
        alt = S["no_data"]
    n = max(1, len(c))
    legend_in = 0.6  # two rows of legend under the x axis: what the dot, the bar, the tick and the line are
    height = 0.9 + legend_in + 0.32 * n

    def paint(fig: Any) -> None:
        ax = axes_in(fig, 0.55 + legend_in, height - 0.55 - legend_in - 0.15, left=2.3, right=0.4)
        if c.empty:
            no_data(ax, S["no_data"])
            return
        y = np.arange(len(c))
        lo = (c["shrunk_rate"] - c["shrunk_low"]).to_numpy(float)
        hi = (c["shrunk_high"] - c["shrunk_rate"]).to_numpy(float)
        ax.errorbar(
            c["shrunk_rate"].to_numpy(float),
            y,
            xerr=[lo, hi],
            fmt="o",
            color=COLORS["fit"],
            ecolor=COLORS["fit"],
            elinewidth=2,
            capsize=0,
            markersize=6,
            label=S["ov_rank_legend_shrunk"],
        )
        if "observed" in c:
            ax.scatter(
                c["observed"].to_numpy(float),
                y,
                marker="|",
                color="#333333",
                s=60,
                zorder=3,
                label=S["ov_rank_legend_observed"],
            )
        if "province_rate" in c and c["province_rate"].notna().any():
            ax.axvline(float(c["province_rate"].iloc[0]), color="#222222", linewidth=1, label=S["ch_funnel_mean"])
        ax.set_yticks(
            y,
            [(f"{int(r)}. " if pd.notna(r) else "") + short(str(nm), 26) for r, nm in zip(c["rank"], c["unit_name"])],
            fontsize=10,
        )
        ax.invert_yaxis()
        pct_axis(ax, lang, "x")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.grid(True, axis="x", alpha=0.6)
        ax.grid(False, axis="y")
        sns.despine(ax=ax, left=True)
        fig.legend(
            *ax.get_legend_handles_labels(),
            loc="lower left",
            bbox_to_anchor=(0.1 / fig.get_size_inches()[0], 0.05 / height),
            ncols=2,
            fontsize=10,
            frameon=False,
        )

    caption = S.f("ov_ranking_chart", Rate=cap(S[f"rate_{rate}"]))
    if hidden:
        caption += " " + S.f(
            "ov_ranking_chart_ends", shown=fmt.num(MAX_RANKED_SHOWN // 2, lang), hidden=fmt.num(hidden, lang)
        )
    key = chart_key("overview_charts.ranking_chart", rate, S.lang, comp) if cache is not None else None
    return draw(height, paint, alt, caption, cache=cache, key=key)


#: up to this many units a province funnel labels every one by its code; more, the units outside the limits only
FUNNEL_LABEL_ALL = 12


def province_funnel(comp: pd.DataFrame, rate: str, S: Strings, cache: ChartCache | None = None) -> Chart:
    """Funnel plot of one rate with its units labelled by code: all of them up to :data:`FUNNEL_LABEL_ALL`, else
    those outside the 95 % limits, the caption saying so (cache key: the rate's whole comparison table,
    which the funnel's curve is computed from: drawn only when the chart is)."""
    from motcua.model import funnel_curve

    outside = (
        comp[comp["funnel_flag"].astype(str).str.startswith(("above", "below"))]
        if len(comp) and "funnel_flag" in comp
        else comp
    )
    names = (
        ", ".join(f"{r['unit_name']} ({r['unit_code']})" for _, r in outside.iterrows())
        if len(outside)
        else S["ov_none"]
    )
    alt = S.f("ov_alt_funnel", rate=S[f"rate_{rate}"], n=fmt.num(len(comp), S.lang), outside=names)

    # every code fits beside its point for a few units; beyond that they pile up: the units outside the limits only
    few = len(comp) <= FUNNEL_LABEL_ALL
    labels: bool | frozenset[str] = True if few else frozenset(outside["unit_code"].astype(str))
    caption = S.f("ov_funnel_chart", rate=S[f"rate_{rate}"])
    if not few:
        caption += " " + S["ov_funnel_labels_outside"]

    def paint(fig: Any) -> None:
        curve = funnel_curve(comp, rate) if len(comp) and "phi" in comp else pd.DataFrame()
        ax = axes_in(fig, 1.35, 4.2 - 1.35 - 0.2)
        draw_funnel(ax, comp, curve, rate, S, highlight=None, label_codes=labels)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(0, -0.2), ncols=2, fontsize=10)

    key = chart_key("overview_charts.province_funnel", rate, S.lang, comp) if cache is not None else None
    return draw(4.2, paint, alt, caption, cache=cache, key=key)
