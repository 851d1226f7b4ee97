"""The province overview across the 1 July 2025 reform: which units are compared with which, and what it covers.

The overview's main comparison is the communes since the reform (ranked among
communes only); the provincial level (level ``agency``: the provincial centre,
sở, ban, ngành, Công an tỉnh) stands beside them as "Cấp tỉnh", never ranked;
the legacy districts follow as history, compared among themselves over their
own last 12 months (ending 06/2025). A panel of one era only (the legacy
districts, or a panel without ``unit_schema``) keeps a single comparison, as
before the reform. The title names what the page covers, e.g. "Tổng quan tỉnh
Đắk Lắk: cấp xã và cấp tỉnh từ 1/7/2025; cấp huyện đến 30/6/2025".
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from motcua.report import fmt
from motcua.report.context import ReportData
from motcua.report.era_text import short_day
from motcua.report.eras import LEGACY, REPORT_GROUPS, dissolved, level_label  # noqa: F401 - level_label: the overview's too
from motcua.report.html import Section
from motcua.report.overview_ranking import ranking_section
from motcua.report.overview_units import monthly_all, peer_units, summary_by_rate, summary_rows, units_section
from motcua.report.strings import Strings

AGENCY = "agency"


def _has(data: ReportData, schema: str, level: str) -> bool:
    p = data.panel
    if "unit_schema" not in p or "unit_level" not in p:
        return False
    return bool(((p["unit_schema"] == schema) & (p["unit_level"] == level)).any())


def main_scope(data: ReportData) -> ReportData:
    """The units the overview compares first: the first of :data:`motcua.report.eras.REPORT_GROUPS` the panel
    holds (communes since the reform, else the legacy districts); the configured ones for a panel without them."""
    for schema, level in REPORT_GROUPS:
        if _has(data, schema, level):
            return data.scoped(schema, level)
    return data


def provincial_scope(data: ReportData, main: ReportData) -> ReportData | None:
    """The provincial bodies of the main comparison's era, None when the panel has none."""
    schema = main.unit_schema
    if schema and _has(data, schema, AGENCY) and main.unit_level != AGENCY:
        return data.scoped(schema, AGENCY)
    return None


def history_scopes(data: ReportData, main: ReportData) -> list[ReportData]:
    """The legacy districts (then the legacy provincial bodies) when the main comparison is of another era."""
    if main.unit_schema in (None, LEGACY):
        return []
    return [data.scoped(LEGACY, lv) for lv in ("district", AGENCY) if _has(data, LEGACY, lv)]


def _span(peers: pd.DataFrame) -> tuple[Any, Any]:
    if not len(peers):
        return None, None
    return peers["period_start"].min(), peers["period_end"].max()


def _and(levels: list[str], S: Strings) -> str:
    return S["ov_and"].join(levels)


def cover(main: ReportData, provincial: ReportData | None, history: list[ReportData], S: Strings) -> str:
    """What the page covers: "cấp xã và cấp tỉnh từ 1/7/2025; cấp huyện đến 30/6/2025"."""
    lang = S.lang
    parts = []
    start, end = _span(main.peers())
    levels = [level_label(main.unit_level, S)] + ([level_label(AGENCY, S)] if provincial is not None else [])
    if start is not None:
        if main.unit_schema and main.unit_schema != LEGACY:
            parts.append(S.f("ov_cover_since", levels=_and(levels, S), date=short_day(start, lang)))
        elif main.unit_schema == LEGACY and dissolved(LEGACY, end, main.as_of()):
            parts.append(S.f("ov_cover_until", levels=_and(levels, S), date=short_day(end, lang)))
        else:
            parts.append(S.f("ov_cover_period", levels=_and(levels, S), period=fmt.period(start, end, lang)))
    for h in history:
        if h.unit_level == AGENCY:
            continue
        _, hend = _span(h.peers())
        if hend is not None:
            parts.append(S.f("ov_cover_until", levels=level_label(h.unit_level, S), date=short_day(hend, lang)))
    return "; ".join(parts)


def title(province: str, main: ReportData, provincial: ReportData | None, history: list[ReportData], S: Strings) -> str:
    """The overview's title: the province and what the page covers."""
    c = cover(main, provincial, history, S)
    if not province:
        return S["overview_kind"]
    name = province[:1].lower() + province[1:] if S.lang == "vi" else province
    return S.f("ov_title_cover", province=name, cover=c) if c else province


def provincial_section(scope: ReportData | None, S: Strings) -> Section:
    """ "Cấp tỉnh": the provincial bodies' figures beside the communes, with no rank (empty without any)."""
    if scope is None:
        return Section("provincial", "")
    peers, names = peer_units(scope)
    sec, _ = units_section(
        peers,
        names,
        monthly_all(peers),
        {},
        S,
        block_id="ov-provincial",
        title=S["ov_title_provincial"],
        caption_key="ov_caption_provincial",
        paragraphs=[{"text": S["ov_provincial_note"], "cls": "note"}],
        ranked=False,
    )
    return Section("provincial", sec.html)


def history_section(scopes: list[ReportData], S: Strings, charts: Any = None, frags: Any = None) -> Section:
    """The legacy districts as history: their figures and their ranking over their last 12 months (ending 06/2025),
    among themselves; the legacy provincial bodies' figures after them, unranked (empty without legacy units)."""
    from motcua.report.figures import windows
    from motcua.report.overview_keys import overview_keys

    lang = S.lang
    html: list[str] = []
    for i, scope in enumerate(scopes):
        peers, names = peer_units(scope)
        if not len(peers):
            continue
        end = peers["period_end"].max()
        window = fmt.period(*windows(end)[0], lang)
        ranked = scope.unit_level != AGENCY
        summ = summary_by_rate(scope) if ranked else {}
        keys = overview_keys(peers, summary_rows(scope), lang) if frags is not None and ranked else None
        if ranked:
            heading = S.f("ov_title_history", date=short_day(end, lang))
            note = S.f("ov_history_note", date=short_day(end + pd.Timedelta(days=1), lang), window=window)
            caption = "ov_caption_history"
        else:
            heading = (
                f"{S['ov_title_provincial']} ({S.f('ov_cover_until', levels='', date=short_day(end, lang)).strip()})"
            )
            note, caption = S["ov_provincial_note"], "ov_caption_provincial"
        sec, _ = units_section(
            peers,
            names,
            monthly_all(peers),
            summ,
            S,
            frags if keys is not None else None,
            keys,
            block_id=f"ov-history-{i}",
            title=heading,
            caption_key=caption,
            paragraphs=[{"text": note, "cls": "note"}],
            ranked=ranked,
        )
        html.append(sec.html)
        if ranked:
            html.append(
                ranking_section(
                    scope,
                    summ,
                    S,
                    charts,
                    frags if keys is not None else None,
                    keys,
                    section_id=f"ov-history-{i}-rank",
                    title=heading,
                ).html
            )
    return Section("history", Markup("\n".join(html)))


def all_names(scopes: list[ReportData | None]) -> dict[str, str]:
    """Each unit code's name over the given scopes (for the quality table, which lists findings of any era)."""
    out: dict[str, str] = {}
    for s in scopes:
        if s is not None:
            out.update({k: v for k, v in peer_units(s)[1].items() if k not in out})
    return out
