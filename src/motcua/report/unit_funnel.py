"""A unit report's funnel chart: the peers' funnel plots with the unit highlighted, drawn once per peer group.

Every unit of a peer group (one era and level: 3,321 communes in a national analysis) shows the same funnel
plots; only its red point and bold name differ. The plots without them are drawn once per process and peer
group (:class:`_Background`, the figure and its pixels), and each unit's marks
(:func:`motcua.report.unit_charts.funnel_marks`) are drawn onto a copy of those pixels by the same renderer.
The pixels are those of the whole figure drawn with the marks last: the same as drawing the figure in one go,
but where a unit's name would run under a panel's title, the other panel or the legend (it is then drawn over
them).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from motcua.report import fmt
from motcua.report.chart_style import RC, WIDTH
from motcua.report.charts import Chart, axes_in, chart_of, figure_rgba, new_figure
from motcua.report.png import encode_png
from motcua.report.strings import Strings, cap
from motcua.report.unit_charts import draw_funnel, funnel_marks

LEGEND_H = 0.75
PANEL_H = 3.0

#: rate → (the peers' comparison rows, their funnel curve) of the last funnel drawn: every unit of a peer group
#: shares one curve (:meth:`motcua.report.context.ReportData.peer_comparison` gives the same frame each time).
_CURVES: dict[str, tuple[Any, pd.DataFrame]] = {}


def _curve(comp: pd.DataFrame, rate: str) -> pd.DataFrame:
    """The funnel curve of ``comp`` for ``rate`` (empty without the model's dispersion ``phi``), kept for the
    same frame."""
    from motcua.model import funnel_curve

    hit = _CURVES.get(rate)
    if hit is not None and hit[0]() is comp:
        return hit[1]
    curve = funnel_curve(comp, rate) if len(comp) and "phi" in comp else pd.DataFrame()
    _CURVES[rate] = (weakref.ref(comp), curve)
    return curve


@dataclass
class _Background:
    """The funnel figure of one peer group without any unit's marks, and its pixels (rows × columns × RGBA)."""

    comps: tuple[Any, ...]  # weak references to the peers' comparison frames it was drawn from
    content: tuple[Any, ...]  # the rates and each frame's digest (:func:`_content`): equal frames, the same figure
    strings: Strings
    fig: Figure
    axes: list[tuple[Any, pd.DataFrame]]  # each panel's axes and the peers it plots (trials > 0)
    pixels: np.ndarray


#: The background of the last peer group drawn (one: a kernel renders the units of one group after another). It
#: outlives the report's data: the next report of the group in this process, after a correction that left the
#: peers' comparison rows as they were (a month outside the comparison window), finds it by their content.
_BACKGROUND: list[_Background] = []


def _content(panels: list[tuple[str, pd.DataFrame, pd.DataFrame]]) -> tuple[Any, ...]:
    """What a background is drawn from: each panel's rate and the sha256 of its peers' comparison rows (columns,
    dtypes, values and index; the funnel curve is computed from them)."""
    from motcua.model.last_run import frame_digest

    return tuple((rate, frame_digest(comp)) for rate, comp, _ in panels)


def _background(panels: list[tuple[str, pd.DataFrame, pd.DataFrame]], unit_code: str, S: Strings) -> _Background:
    comps = tuple(p[1] for p in panels)
    for b in _BACKGROUND:
        if b.strings is S and len(b.comps) == len(comps) and all(w() is c for w, c in zip(b.comps, comps)):
            return b
    content = _content(panels)
    for b in _BACKGROUND:  # another load of the same rows (the next build's): same figure
        if b.strings is S and b.content == content:
            b.comps = tuple(weakref.ref(c) for c in comps)
            b.axes = [(ax, comp[comp["trials"] > 0] if len(comp) else comp) for (ax, _), comp in zip(b.axes, comps)]
            return b
    fig = new_figure(LEGEND_H + PANEL_H * len(panels))
    axes = []
    with matplotlib.rc_context(RC):
        k = len(panels)
        for i, (rate, comp, curve) in enumerate(panels):
            ax = axes_in(fig, LEGEND_H + (k - 1 - i) * PANEL_H + 0.65, PANEL_H - 0.65 - 0.4)
            # highlight given for the legend's "other units" entry; its marks are drawn per unit
            draw_funnel(ax, comp, curve, rate, S, highlight=unit_code, legend=(i == 0), marks=False)
            ax.set_title(cap(S[f"rate_{rate}"]), loc="left", fontsize=13, y=1.0, pad=6)
            if i == 0 and ax.get_legend_handles_labels()[0]:
                fig.legend(
                    *ax.get_legend_handles_labels(),
                    loc="lower left",
                    bbox_to_anchor=(0.1 / WIDTH, 0.0),
                    ncols=2,
                    fontsize=11,
                )
            axes.append((ax, comp[comp["trials"] > 0] if len(comp) else comp))
        pixels = figure_rgba(fig)
    b = _Background(tuple(weakref.ref(c) for c in comps), content, S, fig, axes, pixels)
    _BACKGROUND[:] = [b]
    return b


def _with_marks(b: _Background, unit_code: str) -> np.ndarray:
    """The background's pixels with the unit's marks drawn over them (the figure is left without them)."""
    marks: list[Any] = []
    try:
        with matplotlib.rc_context(RC):
            for ax, c in b.axes:
                if len(c):
                    marks += funnel_marks(ax, c, unit_code)
            if not marks:
                return b.pixels
            renderer = b.fig.canvas.get_renderer()
            np.asarray(renderer.buffer_rgba())[...] = b.pixels
            for a in marks:
                a.draw(renderer)
            return np.array(renderer.buffer_rgba())
    finally:
        for a in marks:
            a.remove()


def funnel_chart(
    data: Any,
    unit_code: str,
    unit_name: str,
    S: Strings,
    rates: tuple[str, ...] = ("online_rate", "ontime_rate_report"),
    caption_key: str = "ch_funnel",
) -> Chart:
    """Funnel plots for ``rates`` (one panel each, stacked for phones) with the unit highlighted; ``caption_key``
    the caption's (a dissolved unit's: its last 12 months, not the latest)."""
    lang = S.lang
    parts: list[str] = []
    panels = []
    for rate in rates:
        comp = data.peer_comparison(rate)
        panels.append((rate, comp, _curve(comp, rate)))
        me = comp[comp["unit_code"].astype(str) == str(unit_code)] if len(comp) else comp
        if len(me):
            r = me.iloc[0]
            flag = str(r.get("funnel_flag") or "no_data")
            parts.append(
                S.f(
                    "alt_funnel",
                    rate=S[f"rate_{rate}"],
                    unit=unit_name,
                    value=fmt.pct(r["observed"], lang, fmt.pct_digits([r["observed"]])),
                    n=fmt.num(r["trials"], lang),
                    flag=S.get(f"funnel_{flag}", flag),
                )
            )
        else:
            parts.append(
                S.f("alt_funnel", rate=S[f"rate_{rate}"], unit=unit_name, value=fmt.DASH, n=fmt.DASH, flag=S["no_data"])
            )
    png = encode_png(_with_marks(_background(panels, unit_code, S), unit_code))
    return chart_of(png, LEGEND_H + PANEL_H * len(panels), " ".join(parts), S[caption_key])
