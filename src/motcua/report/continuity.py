"""Continuity across the 1 July 2025 reform, as the reports show it (table: ``continuity.parquet``,
:mod:`motcua.model.continuity`, one row per (kind, unit_schema, unit_code, period)).

Three sections, each empty when the table holds nothing for the page:

* the overview's "Toàn tỉnh qua thời điểm sắp xếp": the 2025 province's ``province`` rows of both
  eras (monthly new dossiers and online share), the reform drawn as a vertical line, the scope of
  each era stated (which predecessor provinces the inputs cover, how many units of each tier, and whether
  that number changes within the era), a
  sentence saying the eras cannot be read as one series unless ``comparable``, and whether the
  province's own total rows (``province_reported``) match the units' sum;
* a dissolved district's "Sau 1/7/2025: các xã kế thừa": its ``district_continuation`` rows (the
  successor communes' monthly sum, exact or not per month; commune level only), the successors
  linked to their reports; or, for a district with a straddling successor, why there is none;
* a 2025 commune's "Trước 1/7/2025: các xã, phường tiền thân": its ``commune_predecessors`` rows by
  year, exact or partial with the missing and split predecessors named (never apportioned).

Nothing here compares a figure before the reform with one after it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from motcua import products
from motcua.panel import COUNT_COLUMNS
from motcua.report import fmt
from motcua.report.chart_style import COLORS
from motcua.report.charts import Chart, axes_in, bars, count_axis, date_axis, draw, midpoints, pct_axis
from motcua.report.era_text import short_day
from motcua.report.eras import reform_date
from motcua.report.figures import monthly
from motcua.report.html import Section, render
from motcua.report.strings import Strings

LEGACY, NEW = "legacy", "2025"
#: Colours of the two eras in the province chart (Okabe–Ito: orange before, blue after).
ERA_COLORS = {LEGACY: COLORS["offline"], NEW: COLORS["online"]}
BREAK_COLOR = "#222222"


def _empty(name: str) -> Section:
    return Section(name, "")


@lru_cache(maxsize=1)
def _crosswalk() -> pd.DataFrame:
    """The packaged crosswalk (read once per process: a build's kernel renders many reports). Not to be modified."""
    from motcua.model.continuity import load_crosswalk

    return load_crosswalk()


def _slice(cont: pd.DataFrame | None, kind: str, schema: str, code: str) -> pd.DataFrame:
    if cont is None or cont.empty or "kind" not in cont:
        return pd.DataFrame()
    sel = (
        (cont["kind"] == kind)
        & (cont["unit_schema"].astype(str) == schema)
        & (cont["unit_code"].astype(str) == str(code))
    )
    return (
        cont[sel].sort_values(["period_start", "period_end"], kind="stable", na_position="first").reset_index(drop=True)
    )


def _monthly(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`motcua.report.figures.monthly` of continuity rows (new dossiers (4)+(5) and the three rates)."""
    r = rows.copy()
    for c in COUNT_COLUMNS:
        r[c] = pd.to_numeric(r[c], errors="coerce").astype("float64") if c in r else np.nan
    return monthly(r.reset_index(drop=True))


def _codes(v: Any) -> list[str]:
    return [c for c in str(v or "").split(",") if c] if not fmt.missing(v) else []


def _num_cell(text: str) -> dict[str, Any]:
    return {"text": text, "num": True, "key": None}


def _table(caption: str, columns: list[tuple[str, bool]], rows: list[list[dict[str, Any]]], cls: str) -> Any:
    return render(
        "sections/table.html.j2",
        caption=caption,
        table_id=None,
        cls=cls,
        columns=[{"label": lab, "num": n, "sort": None} for lab, n in columns],
        rows=[{"cells": r, "cls": ""} for r in rows],
        row_headers=True,
    )


# --------------------------------------------------------------------------- (a) province overview


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
        xw = _crosswalk()
        succ = xw.loc[(xw["legacy_level"] == "province") & (xw["legacy_code"] == str(code)), "new_code"].tolist()
        if succ and succ[0] in have:
            return succ[0]
    return have[0] if len(have) == 1 else None


def _province_names() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Legacy provinces' names, and each 2025 province's predecessors."""
    xw = _crosswalk()
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
        covered = _codes(r["from_codes"])
        absent = [c for c in pr if c not in covered]
        s = S.f(
            "cont_scope_legacy",
            date=date,
            only=S["cont_only"] if absent or _codes(r["missing_codes"]) else "",
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
    m = _monthly(rows).assign(_era=rows["era"].to_numpy())
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
        return _empty("continuity")
    rows = _slice(cont, "province", NEW, code)
    if rows.empty or not (rows["era"] == NEW).any():
        return _empty("continuity")
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
    rep = reported_sentence(_slice(cont, "province_reported", NEW, code), S)
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


# --------------------------------------------------------------------------- (c) dissolved district


def _report_href(code: str, name: str) -> str:
    from motcua.locations import unit_report_name

    return f"{unit_report_name(code, name, NEW)}.html"


def _commune_names(panel: pd.DataFrame) -> dict[str, str]:
    """The 2025 communes that get a report, with the name their report is filed under."""
    if panel is None or panel.empty or "unit_schema" not in panel or "unit_level" not in panel:
        return {}
    p = panel[(panel["unit_schema"] == NEW) & (panel["unit_level"] == "commune")].sort_values(
        "period_end", kind="stable"
    )
    return p.groupby("unit_code", sort=True)["unit_name"].last().astype(str).to_dict()


def district_section(
    cont: pd.DataFrame | None, unit_code: str, unit_name: str, panel: pd.DataFrame, S: Strings
) -> Section:
    """A dissolved district's continuation by its successor communes (empty without ``district_continuation`` rows)."""
    rows = _slice(cont, "district_continuation", LEGACY, unit_code)
    if rows.empty:
        return _empty("continuity")
    lang = S.lang
    date = short_day(reform_date(), lang)
    xw = _crosswalk()
    dx = xw[(xw["legacy_level"] == "district") & (xw["legacy_code"] == str(unit_code))]
    new_names = dict(zip(dx["new_code"], dx["new_name"]))
    title = S.f("cont_district_title", date=date)
    series = rows[rows["period_start"].notna()]
    if series.empty:
        split = sorted({c for v in rows["split_codes"] for c in _codes(v)})
        text = S.f(
            "cont_district_straddle",
            date=date,
            unit=unit_name,
            communes=", ".join(f"{new_names.get(c, c)} ({c})" for c in split),
        )
        html = render(
            "sections/continuity.html.j2",
            id="cont",
            title=title,
            paragraphs=[{"text": text, "cls": ""}],
            links=[],
            charts=[],
            tables=[],
        )
        return Section("continuity", html)
    reports = _commune_names(panel)
    succ = sorted(dx["new_code"].tolist())
    links = [
        {"text": f"{new_names.get(c, c)} ({c})", "href": _report_href(c, reports[c]) if c in reports else None}
        for c in succ
    ]
    for link, c in zip(links, succ):
        if c not in reports:
            link["text"] += " " + S["cont_no_report"]
    m = _monthly(series)
    trows = []
    for i in range(len(series) - 1, -1, -1):
        r, mm = series.iloc[i], m.iloc[i]
        missing = _codes(r["missing_codes"])
        mark = (
            S["cont_exact_yes"]
            if bool(r["exact"])
            else S.f("cont_exact_missing", units=", ".join(new_names.get(c, c) for c in missing))
        )
        trows.append(
            [
                {"text": fmt.period(r["period_start"], r["period_end"], lang), "key": None},
                _num_cell(fmt.num(mm["received_new"], lang)),
                _num_cell(fmt.pct(mm["online_rate"], lang, 1)),
                _num_cell(fmt.pct(mm["ontime_rate_report"], lang, 2)),
                _num_cell(f"{fmt.num(r['n_units_present'], lang)}/{fmt.num(r['n_units_expected'], lang)}"),
                {"text": mark, "key": None},
            ]
        )
    cols = [
        (S["tb_period"], False),
        (S["cont_col_received"], True),
        (S["cont_col_online"], True),
        (S["cont_col_ontime"], True),
        (S["cont_col_units"], True),
        (S["cont_col_exact"], False),
    ]
    n_exact = int(series["exact"].fillna(False).sum())
    paras = [
        {"text": S.f("cont_district_intro", date=date, unit=unit_name, n=fmt.num(len(succ), lang)), "cls": ""},
        {"text": S.f("cont_district_exact", exact=fmt.num(n_exact, lang), n=fmt.num(len(series), lang)), "cls": ""},
        {"text": S.f("cont_district_level_note", unit=unit_name, date=date), "cls": "note"},
    ]
    table = _table(S.f("cont_district_caption", unit=unit_name), cols, trows, "continuation")
    html = render(
        "sections/continuity.html.j2",
        id="cont",
        title=title,
        paragraphs=paras,
        links=links,
        links_title=S["cont_successors"],
        charts=[],
        tables=[table],
    )
    return Section("continuity", html)


# --------------------------------------------------------------------------- (b) 2025 commune


def commune_section(cont: pd.DataFrame | None, unit_code: str, unit_name: str, S: Strings) -> Section:
    """A 2025 commune's predecessors' series by year (empty without ``commune_predecessors`` rows)."""
    rows = _slice(cont, "commune_predecessors", NEW, unit_code)
    if rows.empty:
        return _empty("continuity")
    lang = S.lang
    date = short_day(reform_date(), lang)
    xw = _crosswalk()
    cx = xw[(xw["legacy_level"] == "commune") & (xw["new_level"] == "commune") & (xw["new_code"] == str(unit_code))]
    old_names = dict(zip(cx["legacy_code"], cx["legacy_name"]))
    preds = sorted(cx["legacy_code"].tolist())
    split = sorted(
        {c for v in rows["split_codes"] for c in _codes(v)} | set(cx.loc[cx["legacy_whole"] == 0, "legacy_code"])
    )
    missing = sorted({c for v in rows["missing_codes"] for c in _codes(v)})
    summed_whole = [c for c in split if c not in missing]  # split and present: counted whole, never divided

    def label(c: str) -> str:
        return f"{old_names.get(c, c)} ({c})"

    pred_text = ", ".join(label(c) + (" " + S["cont_part"] if c in split else "") for c in preds) or fmt.DASH
    exact = bool(rows["exact"].fillna(False).all())
    paras = [
        {
            "text": S.f(
                "cont_commune_intro", date=date, unit=unit_name, n=fmt.num(len(preds), lang), predecessors=pred_text
            ),
            "cls": "",
        }
    ]
    if exact:
        paras.append({"text": S.f("cont_commune_exact", unit=unit_name), "cls": ""})
    else:
        reasons = []
        if missing:
            reasons.append(S.f("cont_commune_missing", units=", ".join(label(c) for c in missing)))
        if summed_whole:
            reasons.append(S.f("cont_commune_split", units=", ".join(label(c) for c in summed_whole), unit=unit_name))
        paras.append({"text": S.f("cont_commune_partial", reasons="; ".join(reasons)), "cls": "partial"})
    paras.append({"text": S.f("cont_commune_note", date=date), "cls": "note"})
    years = rows.assign(_year=pd.to_datetime(rows["period_start"]).dt.year)
    trows = []
    for year, g in sorted(years.groupby("_year"), key=lambda kv: -kv[0]):
        tot = {
            c: pd.to_numeric(g[c], errors="coerce").astype("float64").sum(min_count=len(g)) if c in g else np.nan
            for c in COUNT_COLUMNS
        }
        one = pd.DataFrame([{**tot, "period_start": g["period_start"].min(), "period_end": g["period_end"].max()}])
        mm = _monthly(one).iloc[0]
        ok = bool(g["exact"].fillna(False).all())
        trows.append(
            [
                {"text": str(year), "key": None},
                _num_cell(fmt.num(len(g), lang)),
                _num_cell(fmt.num(mm["received_new"], lang)),
                _num_cell(fmt.pct(mm["online_rate"], lang, 1)),
                _num_cell(fmt.pct(mm["ontime_rate_report"], lang, 2)),
                {"text": S["cont_exact_yes"] if ok else S["cont_exact_partial"], "key": None},
            ]
        )
    cols = [
        (S["cont_col_year"], False),
        (S["cont_col_months"], True),
        (S["cont_col_received"], True),
        (S["cont_col_online"], True),
        (S["cont_col_ontime"], True),
        (S["cont_col_exact"], False),
    ]
    table = _table(S.f("cont_commune_caption", unit=unit_name), cols, trows, "predecessors")
    html = render(
        "sections/continuity.html.j2",
        id="cont",
        title=S.f("cont_commune_title", date=date),
        paragraphs=paras,
        links=[],
        charts=[],
        tables=[table],
    )
    return Section("continuity", html)


def unit_section(
    cont: pd.DataFrame | None,
    schema: str | None,
    level: str,
    unit_code: str,
    unit_name: str,
    panel: pd.DataFrame,
    S: Strings,
    dissolved: bool = True,
) -> Section:
    """The continuity section of a unit's report: a dissolved legacy district's continuation (``dissolved``: the
    data reach the reform, :func:`motcua.report.eras.dissolved`; data ending before it describe the district as it
    then was, with no "after"), a 2025 commune's predecessors, nothing for any other unit."""
    if schema == LEGACY and level == "district" and dissolved:
        return district_section(cont, unit_code, unit_name, panel, S)
    if schema == NEW and level == "commune":
        return commune_section(cont, unit_code, unit_name, S)
    return _empty("continuity")


def read_continuity(data_dir: str | Path) -> pd.DataFrame:
    """DATA/continuity.parquet (an empty frame without the file: data of a model stage that predates it)."""
    return products.CONTINUITY.read(data_dir)
