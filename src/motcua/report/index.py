"""``REPORTS/index.html``: every unit with headline figures, status and link; sortable, script optional.

Input: the manifest (``reports``: one entry per unit; ``overview``) and,
optionally, trend_summary (grain: one row per unit × rate) for the headline
figures. Units are grouped by era and level (:func:`groups`): "Cấp tỉnh" (the
overview, the provincial bodies, which have no page of their own), "Cấp xã (từ
1/7/2025)", "Cấp huyện (đến 30/6/2025, đã giải thể)", one table each. A failed unit is listed with its reason and no link. Sorting is a few
lines of inline script allowed by its CSP hash; with scripting disabled the
table is a plain table in code order, every link works.

A national analysis (the manifest lists province pages) has one such page per province
(:mod:`motcua.report.index_national`): its units with ``scope`` (:class:`IndexScope`) saying where the page lies
and what it links back to; the national index then lists the provinces, so no page grows with the country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from markupsafe import Markup

from motcua.config import load_config
from motcua.model.claims import trend_claim
from motcua.report import fmt
from motcua.report.era_text import short_day
from motcua.report.eras import PROVINCIAL_LEVELS, level_label, reform_date, unit_key
from motcua.report.html import render
from motcua.report.page import asset, page
from motcua.report.strings import strings

#: the trend_summary columns the index shows (headline figures, rank, trend claim: motcua.model.claims)
_SUMMARY_FIELDS = (
    "latest_rate",
    "latest_period_end",
    "rank",
    "rank_low",
    "rank_high",
    "n_ranked",
    "knots",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
    "slope_recent_pp_per_year",
    "slope_recent_low",
    "slope_recent_high",
)


def _summary_rows(summary: pd.DataFrame | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (unit key, rate), the fields of :data:`_SUMMARY_FIELDS` the summary has (a missing column is a missing
    key). The key is ``"<schema>:<code>"`` (:func:`motcua.report.eras.unit_key`): codes are re-used across eras."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    if summary is None or summary.empty or not {"unit_code", "rate"} <= set(summary.columns):
        return out
    s = summary
    schemas = s["unit_schema"].tolist() if "unit_schema" in s else [None] * len(s)
    fields = [c for c in _SUMMARY_FIELDS if c in s.columns]
    for schema, code, rate, r in zip(
        schemas, s["unit_code"].tolist(), s["rate"].tolist(), s[fields].to_dict("records")
    ):
        out[(unit_key(schema, code), str(rate))] = r
    return out


def _agencies(
    summary: pd.DataFrame | None, overview: str | None, provinces: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The provincial bodies (level ``agency``) of trend_summary, in code order: each one's name and the link to the
    "Cấp tỉnh" block that shows its figures: on the overview (``overview``: its path, None when it failed), or in a
    national analysis on its province's page (``provinces``: province code → page path; an agency's code is
    ``<province>-<key>``)."""
    if summary is None or summary.empty or not {"unit_level", "unit_code", "unit_name"} <= set(summary.columns):
        return []
    a = (
        summary[summary["unit_level"].isin(PROVINCIAL_LEVELS)]
        .drop_duplicates(["unit_code"], keep="last")
        .sort_values("unit_code")
    )
    out = []
    for code, name in zip(a["unit_code"].astype(str), a["unit_name"].astype(str)):
        page = provinces.get(code.partition("-")[0].zfill(2)) if provinces is not None else overview
        out.append({"name": name, "href": f"{page}#ov-provincial-title" if page else None})
    return out


def _reached(summary: pd.DataFrame | None) -> bool:
    """Whether the data reach the reform (trend_summary's last period ends on or after it): only then are the
    legacy districts shown as dissolved (as their reports do, :func:`motcua.report.eras.dissolved`)."""
    r = reform_date()
    if r is None or summary is None or "last_period_end" not in summary or not len(summary):
        return False
    last = pd.to_datetime(summary["last_period_end"]).max()
    return bool(pd.notna(last) and last >= r)


def province_title(province: dict[str, Any], reached: bool, S: Any) -> str:
    """The province as the data leave it: a legacy province configured for data that reach the reform is named by
    its successor, with what it was ("Tỉnh Đắk Lắk (gồm Tỉnh Phú Yên trước 1/7/2025)")."""
    name = str(province.get("province_name") or "")
    code = province.get("province_code")
    if not (code and reached and str(province.get("unit_schema") or "legacy") == "legacy"):
        return name
    from motcua.ingest.names import reference_units
    from motcua.reference.crosswalk import province_successor

    try:
        new = province_successor(str(code).zfill(2))
    except KeyError:
        return name
    ref = reference_units("2025")
    hit = ref.loc[(ref["unit_level"] == "province") & (ref["unit_code"] == new), "unit_name"]
    if hit.empty or hit.iloc[0] == name:
        return name
    r = reform_date()
    return S.f("ix_province_successor", new=hit.iloc[0], old=name, date=short_day(r, S.lang) if r is not None else "")


def groups(
    entries: list[dict[str, Any]], S: Any, level: str = "district", reached: bool = True
) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(id, heading, entries) of each era and level present, in order: communes since the reform, districts
    dissolved by it (when the data reach the reform, ``reached``), then any other (schema, level); an entry
    naming no level is at ``level`` (the configured one)."""
    r = reform_date()
    lang = S.lang
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in entries:
        e = {**e, "unit_level": e.get("unit_level") or level}
        by.setdefault((str(e.get("unit_schema") or ""), str(e["unit_level"])), []).append(e)
    out = []
    known = {("2025", "commune"): "commune", **({("legacy", "district"): "district"} if reached else {})}
    for (schema, level), gid in known.items():
        if (schema, level) in by and r is not None:
            heading = (
                S.f("ix_group_commune", date=short_day(r, lang))
                if gid == "commune"
                else S.f("ix_group_district_dissolved", date=short_day(r - pd.Timedelta(days=1), lang))
            )
            out.append((f"ix-{gid}", heading, by.pop((schema, level))))
    for i, ((_schema, level), es) in enumerate(sorted(by.items())):
        out.append(
            (
                f"ix-units{'-' + str(i) if i else ''}",
                S.f("ix_group_other", level=level_label(level or "unknown", S)),
                es,
            )
        )
    return out


@dataclass(frozen=True)
class IndexScope:
    """One province's index page in a national analysis: its heading, the prefix its links take (it lies in a
    folder below the reports folder: "../"), its province page (relative to the page; None unless built) and the
    links back up (href, text): the national index and the national page."""

    title: str
    prefix: str = ""
    page: str | None = None
    up: tuple[tuple[str, str], ...] = ()
    province_column: bool = False
    reason: str = ""  # why the province page is missing
    reached: bool | None = None  # whether the whole folder's data reach the reform (None: from the summary given)


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell as sections/table.html.j2 reads it (attributes, not dict keys: the template's lookups
    then succeed at once instead of after a failed attribute lookup, ~4,900 cells per page at 700 units)."""

    text: str
    key: Any = None
    num: bool = False
    href: str | None = None
    sub: str | None = None
    svg: Any = None


def index_cell(text: str, key: Any = None, num: bool = False, **kw: Any) -> Cell:
    return Cell(text, None if key is None or fmt.missing(key) else key, num, **kw)


def _rate_cell(row: dict[str, Any] | None, lang: str, digits: int) -> dict[str, Any]:
    if not row or fmt.missing(row.get("latest_rate")):
        return index_cell(fmt.DASH, "", True)
    v = float(row["latest_rate"])
    return index_cell(fmt.pct(v, lang, digits), f"{v:.6f}", True, sub=fmt.month(row.get("latest_period_end"), lang))


def _rank_cell(row: dict[str, Any] | None, S: Any) -> dict[str, Any]:
    """The rank with its 95 % interval; "not ranked" (as on the unit's page) when the units were compared but
    differ no more than chance would make them (an interval and no point rank)."""
    band = row and not any(fmt.missing(row.get(k)) for k in ("rank_low", "rank_high", "n_ranked"))
    if band and fmt.missing(row.get("rank")):
        sub = S.f("kf_rank_interval", low=int(row["rank_low"]), high=int(row["rank_high"]))
        return index_cell(S["kf_rank_none"], "", True, sub=sub)
    if not band or fmt.missing(row.get("rank")):
        return index_cell(fmt.DASH, "", True)
    text = f"{int(row['rank'])}/{int(row['n_ranked'])}"
    return index_cell(
        text, int(row["rank"]), True, sub=S.f("kf_rank_interval", low=int(row["rank_low"]), high=int(row["rank_high"]))
    )


def _trend_cell(row: dict[str, Any] | None, S: Any) -> dict[str, Any]:
    """Direction only when the interval that applies excludes 0 (the recent slope when the trend bends); the slope
    under it with its unit (percentage points a year)."""
    c = trend_claim(row)
    if c is None:
        return index_cell(fmt.DASH, "")
    text = S[f"trend_{c.direction}"]
    slope = fmt.signed_small(c.slope, S.lang)
    return index_cell(text, text, sub=S.f("ix_trend_recent" if c.recent else "ix_trend_slope", slope=slope))


def safe_href(path: Any) -> str | None:
    """A manifest path as a link only if it is relative inside the reports folder (no scheme, no //, no ..)."""
    p = str(path or "")
    if not p or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", p) or p.startswith(("/", "\\")) or ".." in p.split("/"):
        return None
    return p


def _esc(value: Any) -> str:
    """``value`` as text escaped as the templates escape it (markupsafe: & < > " ')."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def rows_html(rows: list[dict[str, Any]], row_headers: bool = True) -> Markup:
    """``rows`` (each ``{"cls": str, "cells": [Cell or dict, …]}``) rendered exactly as templates/sections/table_rows.html.j2
    renders them, without the template engine: the index of 3,321 communes has 23,000 cells."""
    out = []
    for row in rows:
        out.append(f'<tr class="{_esc(row["cls"])}">\n' if row.get("cls") else "<tr>\n")
        for i, c in enumerate(row["cells"]):
            if isinstance(c, dict):
                c = Cell(c["text"], c.get("key"), bool(c.get("num")), c.get("href"), c.get("sub"), c.get("svg"))
            head = i == 0 and row_headers
            attrs = ' class="num"' if c.num else ""
            if c.key is not None:
                attrs += f' data-key="{_esc(c.key)}"'
            if c.href:
                inner = f'<a href="{_esc(c.href)}">{_esc(c.text)}</a>'
            elif c.svg:
                inner = str(_esc(c.svg))
            else:
                inner = str(_esc(c.text))
            if c.sub:
                inner += f'<span class="sub">{_esc(c.sub)}</span>'
            out.append(f'<th scope="row"{attrs}>{inner}</th>\n' if head else f"<td{attrs}>{inner}</td>\n")
        out.append("</tr>\n")
    return Markup("".join(out))


def _unit_rows(
    entries: list[dict[str, Any]],
    rows_by: dict[tuple[str, str], dict[str, Any]],
    S: Any,
    schema: str | None = None,
    provinces: dict[str, str] | None = None,
    prefix: str = "",
) -> tuple[list[dict[str, Any]], int]:
    """One table row per manifest entry, and how many of them failed. An entry naming no schema (an older
    manifest) is of ``schema`` (the configured one) when the summary knows it so, else of none. ``provinces``
    (a national index): each unit key's province name, shown in a column after the code. ``prefix``: what each
    link to a report takes ("../" on a page one folder down).

    A name or code cell carries no sort key: sort.js then sorts on its text, which is the same."""
    lang = S.lang
    rows = []
    failed = 0
    for e in entries:
        code = str(e.get("unit_code", ""))
        key = unit_key(e.get("unit_schema") or None, code)
        if (
            not e.get("unit_schema")
            and schema
            and not any((key, r) in rows_by for r in ("online_rate", "ontime_rate_report"))
        ):
            key = unit_key(schema, code)
        name = str(e.get("unit_name", "")) or code
        ok = e.get("status") == "ok"
        href = safe_href(e.get("path")) if ok else None
        failed += 0 if ok else 1
        status = (
            index_cell(S["ix_status_ok"], "1")
            if ok
            else index_cell(S["ix_status_failed"], "0", sub=S.f("ix_reason", reason=str(e.get("reason", "") or "–")))
        )
        cells = [
            index_cell(name, href=prefix + href if href else None),
            index_cell(code),
            *([index_cell(provinces.get(key, ""))] if provinces is not None else []),
            status,
            _rate_cell(rows_by.get((key, "online_rate")), lang, 1),
            _rate_cell(rows_by.get((key, "ontime_rate_report")), lang, 2),
            _rank_cell(rows_by.get((key, "ontime_rate_report")), S),
            _trend_cell(rows_by.get((key, "online_rate")), S),
        ]
        rows.append({"cells": cells, "cls": "" if ok else "failed"})
    return rows, failed


def render_index(
    manifest: dict[str, Any],
    *,
    lang: str,
    summary: pd.DataFrame | None = None,
    provinces: dict[str, str] | None = None,
    scope: IndexScope | None = None,
    province_table: Markup | None = None,
    summary_rows: dict[tuple[str, str], dict[str, Any]] | None = None,
    totals: tuple[int, int] | None = None,
) -> str:
    """The index page of a reports folder (links relative to it), or one province's index page (``scope``).

    ``provinces``: each unit key's province name (:func:`unit_provinces`); in a national index (the manifest has
    province pages) a column shows it. A search box filters the units' rows by name, code and province, offline.
    ``province_table``: the national index's table of provinces (:mod:`motcua.report.index_national`), shown in
    place of the list of province pages, the manifest's reports then being the units of no province page.
    ``summary_rows``: :func:`_summary_rows` of ``summary`` when the caller has it. ``totals``: (reports, failed)
    of the whole folder for the summary line, when the page lists only some of them."""
    S = strings(lang)
    national = bool(manifest.get("provinces")) and scope is None
    column = national or bool(scope and scope.province_column)
    unit_prov = (provinces or {}) if column else None
    cfg = load_config()
    reached = scope.reached if scope is not None and scope.reached is not None else _reached(summary)
    province = scope.title if scope is not None else province_title(cfg.province, reached, S)
    rows_by = summary_rows if summary_rows is not None else _summary_rows(summary)
    entries = sorted(manifest.get("reports", []) or [], key=lambda e: str(e.get("unit_code", "")))
    groups_of = groups(entries, S, str(cfg.province.get("unit_level", "district")), reached)
    prefix = scope.prefix if scope is not None else ""
    sections, failed = _group_tables(groups_of, rows_by, S, cfg.province.get("unit_schema"), unit_prov, column, prefix)
    ov = manifest.get("overview") or None
    if scope is not None:
        ov = {"path": scope.page, "status": "ok"} if scope.page else {"status": "failed", "reason": scope.reason}
    elif ov and not safe_href(ov.get("path")):
        ov = {**ov, "status": "failed", "reason": ov.get("reason") or "invalid path"}
    n_all, n_failed = totals if totals is not None else (len(entries), failed)
    pages = _province_pages(manifest) if scope is None else []
    if scope is not None:
        agencies = _agencies(summary, scope.page)
    elif province_table is not None:
        agencies = []  # each province's bodies are on its own index page
    else:
        agencies = _agencies(
            summary,
            safe_href(ov.get("path")) if ov and ov.get("status") == "ok" else None,
            {p["code"]: p["path"] for p in pages if p["path"]} if pages else None,
        )
    body = render(
        "sections/index.html.j2",
        S=S,
        province=province,
        synthetic=bool(manifest.get("synthetic")),
        provinces=pages,
        province_table=province_table,
        up=[{"href": h, "text": t} for h, t in scope.up] if scope is not None else [],
        overview=ov,
        overview_ok=bool(ov and ov.get("status") == "ok"),
        groups=sections,
        agencies=agencies,
        summary_line=S.f(
            "ix_failed_summary_provinces" if province_table is not None else "ix_failed_summary",
            n=fmt.num(n_failed, lang),
        )
        if n_failed
        else S.f("ix_all_ok", n=fmt.num(n_all, lang)),
        failed=n_failed,
        filter_label=S[
            "ix_filter_provinces" if province_table is not None else "ix_filter" if column else "ix_filter_units"
        ],
        filter_count=S["ix_filter_count_provinces" if province_table is not None else "ix_filter_count"],
    )
    stamp = None
    if manifest.get("built_at") or manifest.get("code_version"):
        stamp = f"{_stamp_time(manifest.get('built_at', ''), lang)} · motcua {manifest.get('code_version', '')}"
    title = f"{S['index_kind']} · {province}" if province else S["index_kind"]
    return page(
        lang=lang,
        title=title,
        body=str(body),
        stamp_label=S["build_stamp"],
        build_stamp=stamp,
        script=asset("sort.js") + asset("filter.js"),
    )


def _index_columns(S: Any, national: bool) -> list[dict[str, Any]]:
    """The units table's columns (the province's only in a national index)."""
    return [
        {"label": S["ix_col_unit"], "num": False, "sort": "text"},
        {"label": S["ix_col_code"], "num": False, "sort": "text"},
        *([{"label": S["ix_col_province"], "num": False, "sort": "text"}] if national else []),
        {"label": S["ix_col_status"], "num": False, "sort": "text"},
        {"label": S["ix_col_online"], "num": True, "sort": "number"},
        {"label": S["ix_col_ontime"], "num": True, "sort": "number"},
        {"label": S["ix_col_rank"], "num": True, "sort": "number"},
        {"label": S["ix_col_trend"], "num": False, "sort": "text"},
    ]


def _group_tables(
    groups_of: Any,
    rows_by: Any,
    S: Any,
    schema: Any,
    unit_prov: dict[str, str] | None,
    national: bool,
    prefix: str = "",
) -> tuple[list[dict[str, Any]], int]:
    """One sortable, filterable table per group of units (id, title, table html), and how many of their
    reports failed; the first table's id is "units". ``prefix``: what the links to reports take."""
    columns = _index_columns(S, national)
    failed = 0
    sections = []
    for i, (gid, heading, es) in enumerate(groups_of):
        rows, nf = _unit_rows(es, rows_by, S, schema, unit_prov, prefix)
        failed += nf
        level = level_label(str(es[0].get("unit_level") or "unknown"), S) if es else ""
        table = render(
            "sections/table.html.j2",
            caption=S.f("ix_caption_group", level=level),
            table_id="units" if i == 0 else f"units-{gid}",
            cls="index",
            columns=columns,
            rows_html=rows_html(rows),
            row_headers=True,
            sort_hint=S["sort_hint"],
            filterable=True,
        )
        sections.append({"id": gid, "title": heading, "table": table})
    return sections, failed


def _province_pages(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The province pages of a national index, by code: name, code, safe link (None unless built) and reason."""
    return [
        {
            "name": str(e.get("unit_name", "")),
            "code": str(e.get("unit_code", "")),
            "path": safe_href(e.get("path")) if e.get("status") == "ok" else None,
            "reason": str(e.get("reason", "") or "–"),
        }
        for e in sorted(manifest.get("provinces", []) or [], key=lambda e: str(e.get("unit_code", "")))
    ]


def unit_provinces(panel: pd.DataFrame | None) -> dict[str, str]:
    """Each unit key's (:func:`motcua.report.eras.unit_key`) province name, the last its panel rows give; {} without
    the columns."""
    if panel is None or not {"unit_code", "province_name"} <= set(panel.columns):
        return {}
    cols = [c for c in ("unit_schema", "unit_code", "province_name") if c in panel]
    last = (
        panel[cols]
        .dropna(subset=["province_name"])
        .drop_duplicates(["unit_schema", "unit_code"] if "unit_schema" in cols else ["unit_code"], keep="last")
    )
    schemas = last["unit_schema"].tolist() if "unit_schema" in last else [None] * len(last)
    return {unit_key(s or None, str(c)): str(n) for s, c, n in zip(schemas, last["unit_code"], last["province_name"])}


def _stamp_time(built_at: str, lang: str) -> str:
    """The manifest's ISO time as the reports print it ("23/11/2026 14:00 UTC": :func:`fmt.stamp_time`)."""
    try:
        when = datetime.fromisoformat(built_at)
    except (TypeError, ValueError):
        return str(built_at or "")
    return fmt.stamp_time(when, lang)
