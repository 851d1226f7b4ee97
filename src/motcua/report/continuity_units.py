"""A unit's continuity section: a dissolved legacy district continued by its successor 2025 communes, or a
2025 commune's legacy predecessors.

Grain: one section per report. The district's: its ``district_continuation`` rows by month (the successor
communes' sum, exact or not per month; commune level only), the successors linked to their reports; or,
for a district with a straddling successor, why there is none. The commune's: its
``commune_predecessors`` rows by year, exact or partial with the missing and split predecessors named
(never apportioned).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from motcua.panel import COUNT_COLUMNS
from motcua.report import fmt
from motcua.report.continuity_common import (
    LEGACY,
    NEW,
    codes_of,
    continuity_rows,
    crosswalk,
    empty_section,
    monthly_rows,
    num_cell,
    table_html,
)
from motcua.report.era_text import short_day
from motcua.report.eras import reform_date
from motcua.report.html import Section, render
from motcua.report.strings import Strings


def _report_href(code: str, name: str) -> str:
    from motcua.locations import unit_report_name

    return f"{unit_report_name(code, name, NEW)}.html"


def exact_sentence(n_exact: int, n: int, S: Strings) -> str:
    """How many months of a dissolved district's continuation have every successor commune's figures; the months
    that lack some name them in the table, a sentence said only when there are such months."""
    if n_exact == n:
        return S.f("cont_district_exact_all", n=fmt.num(n, S.lang))
    return S.f("cont_district_exact", exact=fmt.num(n_exact, S.lang), n=fmt.num(n, S.lang))


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
    rows = continuity_rows(cont, "district_continuation", LEGACY, unit_code)
    if rows.empty:
        return empty_section("continuity")
    lang = S.lang
    date = short_day(reform_date(), lang)
    xw = crosswalk()
    dx = xw[(xw["legacy_level"] == "district") & (xw["legacy_code"] == str(unit_code))]
    new_names = dict(zip(dx["new_code"], dx["new_name"]))
    title = S.f("cont_district_title", date=date)
    series = rows[rows["period_start"].notna()]
    if series.empty:
        return _straddle_section(rows, unit_name, new_names, title, date, S)
    reports = _commune_names(panel)
    succ = sorted(dx["new_code"].tolist())
    links = [
        {"text": f"{new_names.get(c, c)} ({c})", "href": _report_href(c, reports[c]) if c in reports else None}
        for c in succ
    ]
    for link, c in zip(links, succ):
        if c not in reports:
            link["text"] += " " + S["cont_no_report"]
    table = _continuation_table(series, unit_name, new_names, S)
    n_exact = int(series["exact"].fillna(False).sum())
    paras = [
        {"text": S.f("cont_district_intro", date=date, unit=unit_name, n=fmt.num(len(succ), lang)), "cls": ""},
        {"text": exact_sentence(n_exact, len(series), S), "cls": ""},
        {"text": S.f("cont_district_level_note", unit=unit_name, date=date), "cls": "note"},
    ]
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


def _straddle_section(
    rows: pd.DataFrame, unit_name: str, new_names: dict[str, str], title: str, date: str, S: Strings
) -> Section:
    """A district with a successor straddling its border: why it has no continuation, naming those successors."""
    split = sorted({c for v in rows["split_codes"] for c in codes_of(v)})
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


def _continuation_table(series: pd.DataFrame, unit_name: str, new_names: dict[str, str], S: Strings) -> Any:
    """The continuation by month, latest first: new dossiers, online and on-time rates, successors present, exact."""
    lang = S.lang
    m = monthly_rows(series)
    trows = []
    for i in range(len(series) - 1, -1, -1):
        r, mm = series.iloc[i], m.iloc[i]
        missing = codes_of(r["missing_codes"])
        mark = (
            S["cont_exact_yes"]
            if bool(r["exact"])
            else S.f("cont_exact_missing", units=", ".join(new_names.get(c, c) for c in missing))
        )
        trows.append(
            [
                {"text": fmt.period(r["period_start"], r["period_end"], lang), "key": None},
                num_cell(fmt.num(mm["received_new"], lang)),
                num_cell(fmt.pct(mm["online_rate"], lang, 1)),
                num_cell(fmt.pct(mm["ontime_rate_report"], lang, 2)),
                num_cell(f"{fmt.num(r['n_units_present'], lang)}/{fmt.num(r['n_units_expected'], lang)}"),
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
    return table_html(S.f("cont_district_caption", unit=unit_name), cols, trows, "continuation")


# --------------------------------------------------------------------------- (b) 2025 commune


def commune_section(cont: pd.DataFrame | None, unit_code: str, unit_name: str, S: Strings) -> Section:
    """A 2025 commune's predecessors' series by year (empty without ``commune_predecessors`` rows)."""
    rows = continuity_rows(cont, "commune_predecessors", NEW, unit_code)
    if rows.empty:
        return empty_section("continuity")
    lang = S.lang
    date = short_day(reform_date(), lang)
    xw = crosswalk()
    cx = xw[(xw["legacy_level"] == "commune") & (xw["new_level"] == "commune") & (xw["new_code"] == str(unit_code))]
    old_names = dict(zip(cx["legacy_code"], cx["legacy_name"]))
    preds = sorted(cx["legacy_code"].tolist())
    split = sorted(
        {c for v in rows["split_codes"] for c in codes_of(v)} | set(cx.loc[cx["legacy_whole"] == 0, "legacy_code"])
    )
    missing = sorted({c for v in rows["missing_codes"] for c in codes_of(v)})
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
        mm = monthly_rows(one).iloc[0]
        ok = bool(g["exact"].fillna(False).all())
        trows.append(
            [
                {"text": str(year), "key": None},
                num_cell(fmt.num(len(g), lang)),
                num_cell(fmt.num(mm["received_new"], lang)),
                num_cell(fmt.pct(mm["online_rate"], lang, 1)),
                num_cell(fmt.pct(mm["ontime_rate_report"], lang, 2)),
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
    table = table_html(S.f("cont_commune_caption", unit=unit_name), cols, trows, "predecessors")
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
