"""The index of a national analysis, bounded by design: no index page grows with the number of communes.

``index.html`` lists the provinces (one row each: its page, its code, its index page and how many reports it holds
at each era and level, how many provincial bodies, how many reports failed), and each province gets its own index
page ``provinces/<code>-<slug>-index.html`` of its units (:func:`motcua.report.index.render_index` with an
:class:`~motcua.report.index.IndexScope`): the one-province index, its links one folder up. A legacy unit of a
province since merged is listed on its 2025 successor's page (Phú Yên's districts on Đắk Lắk's); a unit of no
province page stays on the national index. A one-province folder keeps its one index page as before.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pandas as pd
from markupsafe import Markup

from motcua.report import fmt
from motcua.report.eras import PROVINCIAL_LEVELS, unit_key
from motcua.report.html import render
from motcua.report.index import (
    IndexScope,
    _reached,
    _summary_rows,
    groups,
    index_cell,
    render_index,
    rows_html,
    safe_href,
    unit_provinces,
)
from motcua.report.strings import strings

__all__ = ["index_name", "index_pages", "unit_page_codes"]


def index_name(page: str) -> str:
    """A province's index page beside its page: ``provinces/66-tinh-dak-lak.html`` → ``…-index.html``."""
    p = PurePosixPath(page)
    return str(p.with_name(f"{p.stem}-index{p.suffix}"))


def unit_page_codes(panel: pd.DataFrame | None, pages: set[str]) -> dict[str, str]:
    """Each unit key's (:func:`motcua.report.eras.unit_key`) province page: the code of its province (its last panel
    row's) when that has a page (``pages``), else of its 2025 successor when that has one; a unit of neither is
    left out. {} without the columns."""
    if panel is None or not {"unit_code", "province_code"} <= set(panel.columns):
        return {}
    cols = [c for c in ("unit_schema", "unit_code", "province_code") if c in panel]
    last = (
        panel[cols]
        .dropna(subset=["province_code"])
        .drop_duplicates(["unit_schema", "unit_code"] if "unit_schema" in cols else ["unit_code"], keep="last")
    )
    schemas = last["unit_schema"].tolist() if "unit_schema" in last else [None] * len(last)
    found: dict[str, str | None] = {}
    out = {}
    for s, c, p in zip(schemas, last["unit_code"].astype(str), last["province_code"].astype(str)):
        code = p.zfill(2)
        if code not in found:
            found[code] = code if code in pages else _successor(code, pages)
        if found[code] is not None:
            out[unit_key(s or None, c)] = str(found[code])
    return out


def _successor(code: str, pages: set[str]) -> str | None:
    from motcua.reference.crosswalk import province_successor

    try:
        new = str(province_successor(code)).zfill(2)
    except (KeyError, ValueError):
        return None
    return new if new in pages else None


def index_pages(
    manifest: dict[str, Any], *, lang: str, summary: pd.DataFrame | None = None, panel: pd.DataFrame | None = None
) -> dict[str, str]:
    """Every index page of a reports folder, by path relative to it: ``index.html`` (and, in a national analysis,
    one page per province page, :func:`index_name`). ``panel``: its unit, schema and province columns suffice."""
    national = bool(manifest.get("provinces"))
    names = unit_provinces(panel) if national else None
    if not national:
        return {"index.html": render_index(manifest, lang=lang, summary=summary, provinces=names)}
    S = strings(lang)
    pages = {str(e.get("unit_code", "")): e for e in manifest.get("provinces", []) or []}
    codes = unit_page_codes(panel, set(pages))
    by_page: dict[str, list[dict[str, Any]]] = {c: [] for c in pages}
    rest = []
    for e in manifest.get("reports", []) or []:
        c = codes.get(unit_key(e.get("unit_schema") or None, str(e.get("unit_code", ""))))
        by_page.get(c, rest).append(e)
    rows_by = _summary_rows(summary)
    reached = _reached(summary)
    bodies = (
        summary[summary["unit_level"].isin(PROVINCIAL_LEVELS)]
        if summary is not None and "unit_level" in summary
        else None
    )
    parts = _summary_parts(bodies, codes)  # a province page's summary: its bodies (the rest is in rows_by)
    ov = manifest.get("overview") or {}
    up = [("../index.html", S["ix_up_index"])]
    if ov.get("status") == "ok" and safe_href(ov.get("path")):
        up.append((f"../{ov['path']}", S["ix_national"]))
    out: dict[str, str] = {}
    table: list[dict[str, Any]] = []
    for code in sorted(pages):
        e = pages[code]
        name = str(e.get("unit_name", "")) or code
        page = safe_href(e.get("path"))
        if not page:
            continue  # a path outside the folder: no page written for it
        es = by_page[code]
        scope = IndexScope(
            title=name,
            prefix="../",
            page=PurePosixPath(page).name if e.get("status") == "ok" else None,
            up=tuple(up),
            province_column=len({(names or {}).get(_key(x), "") for x in es}) > 1,
            reason=str(e.get("reason", "") or "–"),
            reached=reached,
        )
        sub = {**manifest, "reports": es, "provinces": []}
        out[index_name(page)] = render_index(
            sub, lang=lang, summary=parts.get(code), provinces=names, scope=scope, summary_rows=rows_by
        )
        table.append(_province_row(e, page, es, parts.get(code), S))
    failed = sum(1 for e in manifest.get("reports", []) or [] if e.get("status") != "ok")
    out["index.html"] = render_index(
        {**manifest, "reports": rest},
        lang=lang,
        summary=summary,
        provinces=names,
        province_table=_province_table(table, S),
        summary_rows=rows_by,
        totals=(len(manifest.get("reports", []) or []), failed),
    )
    return out


def _key(e: dict[str, Any]) -> str:
    return unit_key(e.get("unit_schema") or None, str(e.get("unit_code", "")))


def _summary_parts(summary: pd.DataFrame | None, codes: dict[str, str]) -> dict[str, pd.DataFrame]:
    """``summary``'s rows of each province page's units (by page code)."""
    if summary is None or summary.empty or "unit_code" not in summary:
        return {}
    schema = summary["unit_schema"].astype(str) if "unit_schema" in summary else pd.Series("", index=summary.index)
    keys = [
        unit_key(s or None, c)
        for s, c in zip(schema.replace({"None": "", "nan": ""}), summary["unit_code"].astype(str))
    ]
    page = pd.Series([codes.get(k) for k in keys], index=summary.index)
    return {str(c): part for c, part in summary.groupby(page, sort=False)}


def _province_row(
    e: dict[str, Any], page: str, units: list[dict[str, Any]], summary: pd.DataFrame | None, S: Any
) -> dict[str, Any]:
    """One province's row: its page (or why it is missing), its code, its index page, its reports by era and level
    (``counts``: heading → n), its provincial bodies and its failed reports."""
    lang = S.lang
    ok = e.get("status") == "ok"
    name = str(e.get("unit_name", "")) or str(e.get("unit_code", ""))
    counts = {heading: len(es) for _, heading, es in groups(units, S, "commune", True)}
    bodies = 0
    if summary is not None and {"unit_level", "unit_code"} <= set(summary.columns):
        bodies = int(summary.loc[summary["unit_level"].isin(PROVINCIAL_LEVELS), "unit_code"].nunique())
    failed = sum(1 for u in units if u.get("status") != "ok")
    return {
        "counts": counts,
        "cells": [
            index_cell(
                name,
                href=page if ok else None,
                sub=None if ok else f"{S['ix_status_failed']} — {S.f('ix_reason', reason=e.get('reason') or '–')}",
            ),
            index_cell(str(e.get("unit_code", ""))),
            index_cell(S.f("ix_province_units", n=fmt.num(len(units), lang)), len(units), True, href=index_name(page)),
        ],
        "tail": [index_cell(fmt.num(bodies, lang), bodies, True), index_cell(fmt.num(failed, lang), failed, True)],
        "cls": "" if ok and not failed else "failed",
    }


def _province_table(rows: list[dict[str, Any]], S: Any) -> Markup:
    """The national index's table of provinces: sortable, filterable, one count column per era and level present."""
    heads = list(dict.fromkeys(h for r in rows for h in r["counts"]))
    lang = S.lang
    body = [
        {
            "cls": r["cls"],
            "cells": [
                *r["cells"],
                *(index_cell(fmt.num(r["counts"].get(h, 0), lang), r["counts"].get(h, 0), True) for h in heads),
                *r["tail"],
            ],
        }
        for r in rows
    ]
    columns = [
        {"label": S["ix_col_province"], "num": False, "sort": "text"},
        {"label": S["ix_col_code"], "num": False, "sort": "text"},
        {"label": S["ix_col_units"], "num": True, "sort": "number"},
        *({"label": h, "num": True, "sort": "number"} for h in heads),
        {"label": S["ix_col_bodies"], "num": True, "sort": "number"},
        {"label": S["ix_col_failed"], "num": True, "sort": "number"},
    ]
    return Markup(
        render(
            "sections/table.html.j2",
            caption=S["ix_caption_provinces"],
            table_id="provinces",
            cls="index",
            columns=columns,
            rows_html=rows_html(body),
            row_headers=True,
            sort_hint=S["sort_hint"],
            filterable=True,
        )
    )
