"""The overview's "Toàn tỉnh qua thời điểm sắp xếp": a 2025 province's ``province`` rows of both eras.

Grain: one section per overview; a chart of monthly new dossiers and online share, the reform drawn as a
vertical line, the scope of each era stated (the predecessor provinces the inputs cover, how many units
of each tier, and whether that number changes within the era), a sentence saying the eras cannot be read
as one series unless ``comparable``, and whether the province's own total rows (``province_reported``)
match the units' sum. Nothing compares a figure before the reform with one after it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from motcua.report import fmt
from motcua.report.chart_style import COLORS
from motcua.report.charts import Chart, axes_in, bars, count_axis, date_axis, draw, midpoints, pct_axis
from motcua.report.continuity_common import (
    BREAK_COLOR,
    ERA_COLORS,
    LEGACY,
    NEW,
    codes_of,
    continuity_rows,
    crosswalk,
    empty_section,
    monthly_rows,
)
from motcua.report.era_text import short_day
from motcua.report.eras import reform_date
from motcua.report.html import Section, render
from motcua.report.strings import Strings


def old_province(code: str, names: dict[str, str], S: Strings) -> str:
    """A legacy province as a reader names it: "Phú Yên cũ (54)" / "former Phú Yên (54)"."""
    name = str(names.get(code, "")).removeprefix("Tỉnh ").strip()
    return S.f("cont_old_province", name=name, code=code) if name else code


def province_code_of(cont: pd.DataFrame, code: str | None) -> str | None:
    """The 2025 province whose ``province`` rows the overview shows: ``code`` itself, or its successor when it is
    a legacy province's code; the table's only province when ``code`` matches none."""
    if cont is None or cont.empty:
        return None
    have = sorted(set(cont.loc[cont["kind"] == "province", "unit_code"].astype(str)))
    if not have:
        return None
    if code and str(code) in have:
        return str(code)
    if code:
        xw = crosswalk()
        succ = xw.loc[(xw["legacy_level"] == "province") & (xw["legacy_code"] == str(code)), "new_code"].tolist()
        if succ and succ[0] in have:
            return succ[0]
    return have[0] if len(have) == 1 else None


def _province_names() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Legacy provinces' names, and each 2025 province's predecessors."""
    xw = crosswalk()
    pv = xw[xw["legacy_level"] == "province"]
    preds = {k: sorted(v) for k, v in pv.groupby("new_code")["legacy_code"]}
    return dict(zip(pv["legacy_code"], pv["legacy_name"])), preds


def scope_sentence(rows: pd.DataFrame, province: str, S: Strings) -> str:
    """Which predecessor provinces and units each era's rows cover, from the last month of each era: "Trước
    1/7/2025: chỉ gồm Phú Yên cũ (54) (…), thiếu Đắk Lắk cũ (66); sau: 34/102 xã, phường và 5 cơ quan cấp tỉnh"."""
    lang = S.lang
    date = short_day(reform_date(), lang)
    names, preds = _province_names()
    pr = preds.get(province, [])
    parts = []
    leg = rows[rows["era"] == LEGACY]
    if len(leg):
        r = leg.iloc[-1]
        covered = codes_of(r["from_codes"])
        absent = [c for c in pr if c not in covered]
        s = S.f(
            "cont_scope_legacy",
            date=date,
            only=S["cont_only"] if absent or codes_of(r["missing_codes"]) else "",
            covered=", ".join(old_province(c, names, S) for c in covered) or fmt.DASH,
            districts=fmt.num(r["n_districts_present"], lang),
            districts_expected=fmt.num(r["n_districts_expected"], lang),
            communes=fmt.num(r["n_communes_present"], lang),
            communes_expected=fmt.num(r["n_communes_expected"], lang),
            agencies=fmt.num(r["n_agencies_present"], lang),
            month=fmt.month(r["period_start"], lang),
        )
        if absent:
            s += S.f("cont_scope_absent", provinces=", ".join(old_province(c, names, S) for c in absent))
        parts.append(s)
    new = rows[rows["era"] == NEW]
    if len(new):
        r = new.iloc[-1]
        parts.append(
            S.f(
                "cont_scope_2025" if parts else "cont_scope_2025_only",
                date=date,
                communes=fmt.num(r["n_communes_present"], lang),
                communes_expected=fmt.num(r["n_communes_expected"], lang),
                agencies=fmt.num(r["n_agencies_present"], lang),
                month=fmt.month(r["period_start"], lang),
            )
        )
    return "; ".join(parts) + "."


def scope_changes(rows: pd.DataFrame, S: Strings) -> list[str]:
    """A sentence for each era whose number of units summed (``n_units_present``) changes from month to month: a
    step in the province's series may then be one of scope, not of dossiers."""
    lang = S.lang
    date = short_day(reform_date(), lang)
    out = []
    for era, key in ((LEGACY, "cont_era_before"), (NEW, "cont_era_after")):
        r = rows[rows["era"] == era]
        n = pd.to_numeric(r["n_units_present"], errors="coerce").dropna()  # agencies included
        if len(n) and n.min() != n.max():
            out.append(
                S.f("cont_scope_varies", era=S.f(key, date=date), lo=fmt.num(n.min(), lang), hi=fmt.num(n.max(), lang))
            )
    return out


def reported_sentence(reported: pd.DataFrame, S: Strings) -> str | None:
    """Whether the province's own total rows match the units' sum (None without such rows)."""
    if reported is None or reported.empty:
        return None
    lang = S.lang
    m = reported["matches_units"]
    bad = reported[m.fillna(True).eq(False)]
    unpaired = int(m.isna().sum())
    s = S.f(
        "cont_reported_match" if bad.empty else "cont_reported_mismatch",
        n=fmt.num(len(reported), lang),
        k=fmt.num(len(bad), lang),
        months=", ".join(fmt.month(x, lang) for x in bad["period_start"]),
    )
    if unpaired:
        s += S.f("cont_reported_unpaired", k=fmt.num(unpaired, lang))
    return s + "."


def draw_province(
    fig: Any, m: pd.DataFrame, eras: list[str], comparable: bool, S: Strings, height: float
) -> tuple[Any, Any]:
    """Paint the province chart on ``fig``: new dossiers as bars (top) and the online share as a line (bottom), each
    era in its colour, the line broken at the reform unless ``comparable``; the reform as a labelled vertical line
    on both axes. Returns the two axes."""
    lang = S.lang
    date = short_day(reform_date(), lang)
    top = axes_in(fig, 0.4 + (height - 0.95) / 2 + 0.15, (height - 0.95) / 2 - 0.15, left=0.95)
    bottom = axes_in(fig, 0.4, (height - 0.95) / 2 - 0.15, left=0.95)
    br = pd.Timestamp(reform_date())
    label = {LEGACY: S.f("cont_legend_before", date=date), NEW: S.f("cont_legend_after", date=date)}
    x_all = midpoints(m)
    for era in (LEGACY, NEW):
        sel = (m["_era"] == era).to_numpy()
        if not sel.any():
            continue
        d = m[sel]
        bars(
            top,
            midpoints(d),
            d["received_new"].astype("float64").fillna(0).to_numpy(),
            color=ERA_COLORS[era],
            label=label[era],
        )
    if comparable:
        bottom.plot(x_all, m["online_rate"].astype("float64").to_numpy(), color=COLORS["online"], linewidth=1.8)
    else:
        for era in (LEGACY, NEW):
            d = m[m["_era"] == era]
            if len(d):
                bottom.plot(
                    midpoints(d), d["online_rate"].astype("float64").to_numpy(), color=ERA_COLORS[era], linewidth=1.8
                )
    for ax in (top, bottom):
        ax.axvline(br, color=BREAK_COLOR, linestyle=(0, (4, 2)), linewidth=1.2, gid="reform")
        date_axis(ax, m["period_start"].min(), m["period_end"].max())
        sns.despine(ax=ax, left=True)
    top.text(
        br,
        1.02,
        S.f("cont_break_label", date=date) + " ",
        transform=top.get_xaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=11,
        color=BREAK_COLOR,
        gid="reform-label",
    )
    topv = float(np.nanmax(m["received_new"].astype("float64").to_numpy())) if m["received_new"].notna().any() else 1.0
    top.set_ylim(0, max(1.0, topv) * 1.3)
    top.yaxis.set_major_locator(MaxNLocator(4))
    count_axis(top, lang)
    top.set_ylabel(S["ch_dossiers"])
    top.tick_params(labelbottom=False)
    top.legend(loc="upper left", ncols=2, bbox_to_anchor=(0, 1.0), fontsize=10.5)
    bottom.set_ylim(0, 1)
    bottom.yaxis.set_major_locator(MaxNLocator(4))
    pct_axis(bottom, lang)
    bottom.set_ylabel(S["cont_online_axis"])
    return top, bottom


def province_chart(rows: pd.DataFrame, comparable: bool, S: Strings) -> Chart:
    lang = S.lang
    m = monthly_rows(rows).assign(_era=rows["era"].to_numpy())
    eras = [e for e in (LEGACY, NEW) if (m["_era"] == e).any()]
    alt = (
        S.f(
            "cont_alt_province",
            window=fmt.period(m["period_start"].min(), m["period_end"].max(), lang),
            date=short_day(reform_date(), lang),
        )
        + " "
        + (S["cont_alt_joined"] if comparable else S["cont_alt_separate"])
    )
    height = 5.0
    return draw(height, lambda fig: draw_province(fig, m, eras, comparable, S, height), alt, S["cont_chart_caption"])


def province_section(cont: pd.DataFrame | None, province_code: str | None, S: Strings) -> Section:
    """The overview's section on the province across the reform; empty unless the table has ``province`` rows of
    the province after the reform."""
    code = province_code_of(cont, province_code) if cont is not None else None
    if code is None:
        return empty_section("continuity")
    rows = continuity_rows(cont, "province", NEW, code)
    if rows.empty or not (rows["era"] == NEW).any():
        return empty_section("continuity")
    lang = S.lang
    date = short_day(reform_date(), lang)
    comparable = bool(rows["comparable"].fillna(False).all())
    paras = [
        {"text": S.f("cont_province_intro", date=date), "cls": ""},
        {"text": scope_sentence(rows, code, S), "cls": "scope"},
    ]
    paras += [{"text": t, "cls": "note"} for t in scope_changes(rows, S)]
    if comparable:
        paras.append({"text": S.f("cont_comparable", date=date), "cls": "note"})
    elif (rows["era"] == LEGACY).any():
        paras.append({"text": S.f("cont_not_comparable", date=date), "cls": "note"})
    rep = reported_sentence(continuity_rows(cont, "province_reported", NEW, code), S)
    if rep:
        paras.append({"text": rep, "cls": "note"})
    html = render(
        "sections/continuity.html.j2",
        id="ov-cont",
        title=S.f("cont_province_title", date=date),
        paragraphs=paras,
        links=[],
        charts=[province_chart(rows, comparable, S)],
        tables=[],
    )
    return Section("continuity", html)
