"""The ranking section of the province overview: for the on-time and the online rate, a forest plot and a
table of each unit's rank with its interval, shrunk and observed rate and trend (one row per ranked unit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from motcua.model.claims import trend_claim
from motcua.report import fmt
from motcua.report.chart_cache import ChartCache
from motcua.report.context import ReportData
from motcua.report.fragment_cache import FragmentCache
from motcua.report.html import Section, render
from motcua.report.overview_charts import ranking_chart
from motcua.report.overview_keys import OverviewKeys
from motcua.report.overview_units import row_html, rows_table
from motcua.report.strings import Strings


def _ranking_row(r: Mapping[str, Any], row: Mapping[str, Any], digits: int, S: Strings) -> dict[str, Any]:
    """One unit's row of a ranking table: ``r`` its comparison row, ``row`` its trend_summary row of the rate."""
    lang = S.lang
    c = trend_claim(row)  # the recent slope when the trend bends
    trend = (
        fmt.DASH
        if c is None
        else f"{fmt.signed_small(c.slope, lang)} ({fmt.signed_small(c.low, lang)} … {fmt.signed_small(c.high, lang)})"
    )
    if c is not None and c.recent:
        trend = S.f("ix_trend_recent", slope=trend)
    ok = not fmt.missing(r.get("rank_low")) and not fmt.missing(r.get("rank_high"))  # compared (a point rank or not)
    return {
        "cls": "",
        "cells": [
            {"text": str(r["unit_name"]), "key": None},
            {
                "text": str(int(r["rank"]))
                if not fmt.missing(r.get("rank"))
                else (S["kf_rank_none"] if ok else fmt.DASH),
                "num": True,
                "key": None,
            },
            {"text": f"{int(r['rank_low'])}–{int(r['rank_high'])}" if ok else fmt.DASH, "num": True, "key": None},
            {
                "text": f"{fmt.pct(r['shrunk_rate'], lang, digits)} ({fmt.pct(r['shrunk_low'], lang, digits)}–{fmt.pct(r['shrunk_high'], lang, digits)})"
                if ok
                else fmt.DASH,
                "num": True,
                "key": None,
            },
            {"text": fmt.pct(r["observed"], lang, digits), "num": True, "key": None},
            {"text": trend, "num": True, "key": None},
        ],
    }


def ranking_section(
    data: ReportData,
    summ: dict,
    S: Strings,
    cache: ChartCache | None = None,
    frags: FragmentCache | None = None,
    keys: OverviewKeys | None = None,
    section_id: str = "ov-rank",
    title: str | None = None,
) -> Section:
    """Forest plots and tables of ranks with intervals; with ``frags`` and ``keys``, unchanged rows are read back.
    The units ranked are ``data``'s peers (:meth:`ReportData.scoped`): one era and level, never two."""
    charts, tables = [], []
    for rate in ("ontime_rate_report", "online_rate"):
        comp = data.peer_comparison(rate)
        charts.append(ranking_chart(comp, rate, S, cache))
        if comp.empty:
            continue
        digits = 2 if rate.startswith("ontime") else 1
        ordered = comp.sort_values(["rank", "unit_code"], kind="stable", na_position="last")
        rows: list[dict[str, Any]] = []
        done: list[str] | None = None
        if frags is None or keys is None:
            for _, r in ordered.iterrows():
                rows.append(_ranking_row(r, summ.get((str(r["unit_code"]), rate), {}), digits, S))
        else:
            done = []
            for i, key in enumerate(keys.ranking_rows(ordered, rate)):
                hit = frags.get(key)
                if hit is None:
                    r = ordered.iloc[i]
                    hit = row_html(_ranking_row(r, summ.get((str(r["unit_code"]), rate), {}), digits, S))
                    frags.put(key, hit)
                done.append(hit)
        cols = [
            ("ov_col_unit", False),
            ("ov_col_rank_only", True),
            ("ov_col_rank_interval", True),
            ("ov_col_shrunk", True),
            ("ov_col_observed", True),
            ("ov_col_trend", True),
        ]
        tables.append(
            rows_table(
                rows,
                done,
                caption=S.f("ov_rank_caption", rate=S[f"rate_{rate}"]),
                table_id=None,
                cls="ranking",
                columns=[{"label": S[k], "num": n, "sort": None} for k, n in cols],
                row_headers=True,
            )
        )
    html = render("sections/charts.html.j2", id=section_id, title=title or S["ov_ranking_title"], charts=charts)
    html = Markup(str(html).replace("</section>", "".join(str(t) for t in tables) + "</section>"))
    return Section("ranking", html)
