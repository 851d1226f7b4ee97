"""A national analysis: one overview per province and a national page of provinces.

When the units of the overview's main comparison (the communes since the reform, else the legacy districts:
:func:`motcua.report.overview_eras.main_scope`) lie in more than one province, or config/province.yaml names no
province, one page of every unit would be too heavy to open (3,321 communes: 6 MB). The overview is then rendered
once per province (:func:`province_data`: that province's units of every era and level, their model rows and
quality findings) and ``province.html`` becomes the national page (:func:`national_page`): one row per province.

Grain of :func:`province_rows`: one row per province of the main comparison's units, figures summed over those
units' periods inside the overview's 12-month window (ending at the main comparison's last period): new dossiers
(4)+(5), online share (4)/((4)+(5)), on-time ((8)+(9))/(7), dossiers resolved late (10). Provinces are not ranked:
a rate is shown with its counts.
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import Any

import numpy as np
import pandas as pd

from motcua.report import fmt
from motcua.report.eras import REPORT_GROUPS

#: The folder of the province pages, inside the reports folder.
PROVINCES_DIR = "provinces"


def main_units(panel: pd.DataFrame) -> pd.DataFrame:
    """The main comparison's panel rows (the first of :data:`REPORT_GROUPS` the panel holds; the whole panel
    when it has no schema or level)."""
    if {"unit_schema", "unit_level"} <= set(panel.columns):
        for schema, level in REPORT_GROUPS:
            m = (panel["unit_schema"] == schema) & (panel["unit_level"] == level)
            if m.any():
                return panel[m]
    return panel


def provinces(panel: pd.DataFrame) -> dict[str, str]:
    """Each province code of the main comparison's units ("01", …) and its name (its last row's), in code order; {}
    when the panel has no ``province_code``. Kept for the last panel asked about (a warm kernel asks once per unit
    report, and the panel of a national analysis has ~57,000 rows)."""
    hit = _PROVINCES
    if hit is not None and hit[0]() is panel and hit[1] == panel.shape:
        return dict(hit[2])
    out = _provinces(panel)
    globals()["_PROVINCES"] = (weakref.ref(panel), panel.shape, out)
    return dict(out)


#: (the panel, its shape, its provinces) of the last :func:`provinces` call.
_PROVINCES: tuple[Any, tuple[int, int], dict[str, str]] | None = None


def _provinces(panel: pd.DataFrame) -> dict[str, str]:
    rows = main_units(panel)
    if "province_code" not in rows or not len(rows):
        return {}
    codes = rows["province_code"].astype(str)
    ok = codes.notna() & ~codes.isin(["", "None", "nan", "<NA>"])
    names = rows["province_name"].astype(str) if "province_name" in rows else codes
    # a code's name is that of its last row: the last occurrence of each (code, name) pair, in row order
    pairs = pd.DataFrame({"c": codes[ok], "n": names[ok]}).drop_duplicates(keep="last")
    out: dict[str, str] = {}
    for c, n in zip(pairs["c"].tolist(), pairs["n"].tolist()):
        out[str(c).zfill(2)] = n
    return dict(sorted(out.items()))


def is_national(panel: pd.DataFrame, province_code: Any) -> bool:
    """Whether the overview is split: the main comparison's units span more than one province, or no province is
    configured (``province_code: null``) and the panel names one."""
    n = len(provinces(panel))
    return n > 1 or (n == 1 and not province_code)


def page_name(code: str, name: str) -> str:
    """``provinces/<code>-<slug>.html``, relative to the reports folder."""
    from motcua.files import slugify

    return f"{PROVINCES_DIR}/{str(code).zfill(2)}-{slugify(name)}.html"


def unit_province_page(panel: pd.DataFrame, province_code: Any, rows: pd.DataFrame) -> str | None:
    """In a national analysis (:func:`is_national`), the page of the province a unit's ``rows`` lie in
    (:func:`page_name`, relative to the reports folder): its own province's, else, for a legacy unit of a province
    since merged, its 2025 successor's; None outside a national analysis or when no province page holds it."""
    if "province_code" not in rows or not len(rows) or not is_national(panel, province_code):
        return None
    pages = provinces(panel)
    codes = rows["province_code"].dropna().astype(str)
    if not len(codes):
        return None
    code = codes.iloc[-1].zfill(2)
    if code not in pages:
        from motcua.reference.crosswalk import province_successor

        try:
            code = province_successor(code).zfill(2)
        except (KeyError, ValueError):
            return None
    return page_name(code, pages[code]) if code in pages else None


def _in_province(panel: pd.DataFrame, code: str) -> pd.Series:
    return panel["province_code"].astype(str).str.zfill(2) == str(code).zfill(2)


def province_keys(panel: pd.DataFrame, code: str) -> set[tuple[str, str]]:
    """(schema, unit code) of every unit of the province (any era and level; schema "" without the column)."""
    p = panel[_in_province(panel, code)]
    schema = p["unit_schema"].astype(str) if "unit_schema" in p else pd.Series([""] * len(p), index=p.index)
    return set(zip(schema, p["unit_code"].astype(str)))


def provinces_keys(panel: pd.DataFrame) -> dict[str, set[tuple[str, str]]]:
    """:func:`province_keys` of every province code of the panel's rows ("01", …), from one pass over the panel."""
    if not len(panel):
        return {}
    codes = panel["province_code"].astype(str).str.zfill(2).to_numpy()
    schema = panel["unit_schema"].astype(str).to_numpy() if "unit_schema" in panel else np.full(len(panel), "")
    pairs = pd.DataFrame({"p": codes, "s": schema, "c": panel["unit_code"].astype(str).to_numpy()}).drop_duplicates()
    out: dict[str, set[tuple[str, str]]] = {}
    for p, s, c in zip(pairs["p"].tolist(), pairs["s"].tolist(), pairs["c"].tolist()):
        out.setdefault(p, set()).add((s, c))
    return out


def _keep(df: pd.DataFrame | None, keys: set[tuple[str, str]]) -> pd.DataFrame | None:
    """Rows of ``df`` about the units ``keys`` (by schema and code where it has both, else by code), in their
    order: one vectorised test per schema of ``keys`` (a national table has 300,000 rows; pairs built row by
    row cost a second)."""
    if df is None or not len(df.columns) or "unit_code" not in df:
        return df
    codes = df["unit_code"].astype(str)
    if "unit_schema" not in df:
        return df[codes.isin({c for _, c in keys})]
    by_schema: dict[str, set[str]] = {}
    for s, c in keys:
        by_schema.setdefault(s, set()).add(c)
    schema = df["unit_schema"].astype(str)
    mine = np.zeros(len(df), dtype=bool)
    for s, cs in by_schema.items():
        mine |= ((schema == s) & codes.isin(cs)).to_numpy(dtype=bool)
    return df[mine]


def read_trends_of(data_dir: Any, keys: set[tuple[str, str]]) -> pd.DataFrame:
    """DATA's trends.parquet rows about the units ``keys`` (:func:`_keep`'s rows, in the file's order), made into
    a frame alone (:func:`motcua.report.context.read_trend_rows`); a file without rows or codes is read whole (an
    empty frame without the file)."""
    from motcua import products
    from motcua.report.context import read_trend_rows

    rows = read_trend_rows(data_dir, sorted({c for _, c in keys}))
    return _keep(products.TRENDS.read(data_dir) if rows is None else rows, keys)


def province_data(data: Any, code: str) -> Any:
    """``data`` (a :class:`motcua.report.context.ReportData`) seen for one province: its units' panel rows, their
        trends, summary and comparison rows (the model's national intervals kept), the quality findings about them, the
        continuity series of its units and of the province itself; published figures of its units. Quality findings about
    no unit of the data (a whole file, a name no unit matches) are on every province's page."""
    panel = data.panel
    keys = province_keys(panel, code)
    quality = data.quality
    if len(quality):
        about = data.quality_unit_codes()
        quality = quality[about.isin({c for _, c in keys}) | (about == "")]  # and those about no unit of the data
    cont = data.continuity
    if len(cont) and "unit_code" in cont:
        prov = cont["unit_code"].astype(str).str.zfill(2) == str(code).zfill(2)
        if "unit_level" in cont:
            prov &= cont["unit_level"].astype(str).str.startswith("province")
        cont = cont[prov | cont.index.isin(_keep(cont, keys).index)]
    published = data.published
    if published is not None and "unit_code" in published:
        published = published[published["unit_code"].astype(str).isin({c for _, c in keys})]
    return dataclasses.replace(
        data,
        panel=panel[_in_province(panel, code)],
        summary=_keep(data.summary, keys),
        comparison=_keep(data.comparison, keys),
        published=published,
        _trends=_province_trends(data, keys),
        _quality=quality,
        _continuity=cont,
        _unit_cache={},
        _quality_units=None,
    )


def _province_trends(data: Any, keys: set[tuple[str, str]]) -> pd.DataFrame | None:
    """The trends rows of ``keys``: from the whole table when this load already read it (a kernel that rendered a
    unit's report), else only theirs from the file (:func:`read_trends_of`)."""
    if data._trends is not None or "trends" in data._shared:
        return _keep(data.trends, keys)
    return read_trends_of(data.data_dir, keys)


def province_rows(panel: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict per province (see the module's grain): code, name, units, received, online, online_n, ontime,
    ontime_n, late, and the window (start, end). The rows are split by province once (each province's rows in
    their panel order, so every sum adds the same numbers in the same order as a filter per province would)."""
    from motcua.report.figures import windows

    rows = main_units(panel)
    if not len(rows) or "province_code" not in rows:
        return []
    end = pd.Timestamp(rows["period_end"].max())
    start, end = windows(end)[0]
    inside = ((pd.to_datetime(rows["period_start"]) >= start) & (pd.to_datetime(rows["period_end"]) <= end)).to_numpy()
    at = _positions(rows["province_code"].astype(str).str.zfill(2))
    counts = rows[[c for c in ("received_online", "received_offline", "resolved_late") if c in rows]]
    ontime = _ontime_counts(rows)
    units = rows["unit_code"]
    out = []
    for code, name in provinces(panel).items():
        mine = at.get(str(code).zfill(2), np.empty(0, dtype=np.int64))
        sel = mine[inside[mine]]
        p = counts.iloc[sel]

        def total(col: str) -> float | None:
            return float(p[col].sum()) if col in p and p[col].notna().any() else None

        online, offline = total("received_online"), total("received_offline")
        received = None if online is None or offline is None else online + offline
        ontime_num, ontime_den = _ontime_parts(ontime, sel)
        out.append(
            {
                "code": code,
                "name": name,
                "units": int(units.iloc[mine].nunique()),
                "received": received,
                "online_n": online,
                "online": online / received if online is not None and received else None,
                "ontime_n": ontime_num,
                "resolved": ontime_den,
                "ontime": ontime_num / ontime_den if ontime_num is not None and ontime_den else None,
                "late": total("resolved_late"),
                "start": start,
                "end": end,
            }
        )
    return out


def _positions(labels: pd.Series) -> dict[str, np.ndarray]:
    """Each label's row positions in ``labels``, ascending."""
    if not len(labels):
        return {}
    return {str(k): np.sort(v) for k, v in labels.groupby(labels.to_numpy(), sort=False).indices.items()}


def _ontime_counts(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """Each row's ((8)+(9), (7)) (None when a column is missing)."""
    from motcua.rates import RATES, successes_trials

    r = RATES["ontime_rate_report"]
    if not all(c in rows for c in (*r.numerator, *r.denominator)):
        return None
    return successes_trials(rows, "ontime_rate_report")


def _ontime_parts(counts: tuple[pd.Series, pd.Series] | None, at: np.ndarray) -> tuple[float | None, float | None]:
    """((8)+(9), (7)) of :func:`_ontime_counts` summed over the rows at positions ``at`` where both are known
    (None, None when none is)."""
    if counts is None:
        return None, None
    num, den = counts[0].iloc[at], counts[1].iloc[at]
    ok = num.notna() & den.notna()
    return (float(num[ok].sum()), float(den[ok].sum())) if ok.any() else (None, None)


def national_page(
    panel: pd.DataFrame,
    links: dict[str, str | None],
    *,
    lang: str,
    synthetic: bool = False,
    build_stamp: str | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> str:
    """``province.html`` of a national analysis: a sortable table of provinces linking each page (``links``:
    province code → path relative to the reports folder, None when its page failed). ``rows``: the panel's
    :func:`province_rows`, when already computed."""
    from motcua.report.html import render
    from motcua.report.index import index_cell
    from motcua.report.page import asset, page
    from motcua.report.strings import strings

    S = strings(lang)
    rows = province_rows(panel) if rows is None else rows
    table_rows = []
    for r in rows:

        def num(x: Any) -> Any:
            return (
                index_cell(fmt.DASH, "", True) if x is None else index_cell(fmt.num(x, lang), f"{float(x):.6f}", True)
            )

        def rate(v: Any, n: Any, d: Any) -> Any:
            if v is None:
                return index_cell(fmt.DASH, "", True)
            return index_cell(
                fmt.pct(v, lang, 1), f"{float(v):.6f}", True, sub=S.f("nat_of", n=fmt.num(n, lang), d=fmt.num(d, lang))
            )

        table_rows.append(
            {
                "cls": "",
                "cells": [
                    index_cell(r["name"], r["name"], href=links.get(r["code"])),
                    index_cell(r["code"], r["code"]),
                    index_cell(fmt.num(r["units"], lang), str(r["units"]), True),
                    num(r["received"]),
                    rate(r["online"], r["online_n"], r["received"]),
                    rate(r["ontime"], r["ontime_n"], r["resolved"]),
                    num(r["late"]),
                ],
            }
        )
    columns = [
        {"label": S[k], "num": n, "sort": s}
        for k, n, s in (
            ("nat_col_province", False, "text"),
            ("ov_col_code", False, "text"),
            ("nat_col_units", True, "number"),
            ("ov_col_received", True, "number"),
            ("ov_col_online", True, "number"),
            ("ov_col_ontime", True, "number"),
            ("ov_col_late", True, "number"),
        )
    ]
    window = fmt.period(rows[0]["start"], rows[0]["end"], lang) if rows else fmt.DASH
    table = render(
        "sections/table.html.j2",
        caption=S.f("nat_caption", window=window),
        table_id="provinces",
        cls="index",
        columns=columns,
        rows=table_rows,
        row_headers=True,
        sort_hint=S["sort_hint"],
    )
    body = render(
        "sections/national.html.j2",
        S=S,
        synthetic=synthetic,
        table=table,
        intro=S.f("nat_intro", n=fmt.num(len(rows), lang)),
    )
    return page(
        lang=lang,
        title=f"{S['nat_title']} · {S['title_suffix']}",
        body=str(body),
        stamp_label=S["build_stamp"],
        build_stamp=build_stamp,
        script=asset("sort.js"),
    )
