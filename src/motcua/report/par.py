"""The PAR index sections (Chỉ số cải cách hành chính) of the district report and the province overview.

Read from DATA/par_index.parquet (:mod:`motcua.clean.par`; tall: one row per year, unit, field and criterion). A
unit's section shows its latest year's score by field against the maximum (a table with an accessible bar per
field), the total, the published rank ("3/9", always labelled as the province's published rank, never a modelled
one), the change on the previous year, and the fields that lost the most points; the overview shows the units by
total and field, the fields where the province loses most, and the PAR figures published in the documents among the
inputs ("Số liệu đã công bố", :mod:`motcua.extract.published`: facts whose metric starts with ``par_``) beside the
table. Without the table, or without rows for the unit, a section is empty (shown as nothing).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from motcua import products
from motcua.numfmt import points as pts
from motcua.numfmt import signed_points as spts
from motcua.report import fmt
from motcua.report.html import Section, render
from motcua.report.strings import Strings

__all__ = ["load_par", "pts", "unit_par", "district_par_section", "par_field_label", "published_rank_text"]

PAR_FILE = products.PAR.file
#: Fields named in the "lost the most points" sentence.
TOP_LOST = 3


@lru_cache(maxsize=8)
def _read(path: str, mtime: float, size: int) -> pd.DataFrame:
    return pd.read_parquet(path)


def load_par(data_dir: str | Path) -> pd.DataFrame | None:
    """DATA/par_index.parquet (read once per version of the file), or None without it."""
    p = Path(data_dir) / PAR_FILE
    try:
        st = p.stat()
    except OSError:
        return None
    return _read(str(p), st.st_mtime, st.st_size).copy()


def unit_par(par: pd.DataFrame | None, unit_schema: str | None, unit_code: str) -> pd.DataFrame:
    """One unit's rows (its era's: codes are re-used across eras)."""
    if par is None or par.empty:
        return pd.DataFrame()
    sel = par["unit_code"].astype(str) == str(unit_code)
    if unit_schema:
        sel &= par["unit_schema"].astype(str) == str(unit_schema)
    return par[sel]


def par_field_label(row: pd.Series, S: Strings) -> str:
    """A field's label in the report's language (config/layouts/par_*.yaml ``label_en`` in English)."""
    if S.lang == "vi":
        return str(row["field_label"])
    from motcua.ingest.par import par_layouts

    for lo in par_layouts():
        if lo.name == row["par_set"]:
            return next((f.label_en for f in lo.fields if f.key == row["field"]), str(row["field_label"]))
    return str(row["field_label"])


def _bar(score: float, mx: float, S: Strings) -> Markup:
    """An inline bar of score against maximum, with its figures as its accessible name."""
    w = 0.0 if not mx else max(0.0, min(100.0, 100.0 * score / mx))
    label = S.f("par_bar_label", score=pts(score, S.lang), max=pts(mx, S.lang))
    return Markup(
        '<svg class="par-bar" role="img" aria-label="{l}" width="120" height="12" viewBox="0 0 100 10" '
        'preserveAspectRatio="none"><title>{l}</title><rect width="100" height="10" fill="#e3e8ef"/>'
        '<rect width="{w:.1f}" height="10" fill="#2f6fb0"/></svg>'
    ).format(l=escape(label), w=w)


def _year_rows(rows: pd.DataFrame, year: int) -> tuple[pd.Series | None, pd.DataFrame]:
    y = rows[rows["year"] == year]
    tot = y[y["kind"] == "total"]
    return (tot.iloc[0] if len(tot) else None), y[y["kind"] != "total"]


def published_rank_text(r: pd.Series) -> str | None:
    if fmt.missing(r["rank"]) or fmt.missing(r["rank_of"]):
        return None
    return f"{int(r['rank'])}/{int(r['rank_of'])}"


def district_par_section(
    data_dir: str | Path, unit_schema: str | None, unit_code: str, unit_name: str, S: Strings
) -> Section:
    """The unit's PAR index: latest year by field against the maximum, published rank, change, fields that lost most."""
    rows = unit_par(load_par(data_dir), unit_schema, unit_code)
    if rows.empty:
        return Section("par", "")
    lang = S.lang
    year = int(rows["year"].max())
    total, parts = _year_rows(rows, year)
    if total is None:
        return Section("par", "")
    prev_total, prev_parts = _year_rows(rows, year - 1)
    paras = [
        {
            "text": S.f("par_headline", year=year, total=pts(total["score"], lang), max=pts(total["max_score"], lang)),
            "cls": "lead",
        }
    ]
    rk = published_rank_text(total)
    paras.append(
        {
            "text": S.f("par_rank", rank=int(total["rank"]), of=int(total["rank_of"])) if rk else S["par_rank_none"],
            "cls": "",
        }
    )
    if total["grade"]:
        paras.append({"text": S.f("par_grade", grade=total["grade"]), "cls": ""})
    fields = parts[parts["kind"] == "field"]
    prev_fields = (
        prev_parts[prev_parts["kind"] == "field"].set_index("field")["score"]
        if prev_total is not None
        else pd.Series(dtype=float)
    )
    if prev_total is not None:
        prk = published_rank_text(prev_total)
        paras.append(
            {
                "text": S.f(
                    "par_change",
                    prev=year - 1,
                    change=fmt.signed(total["score"] - prev_total["score"], lang, 2),
                    prev_total=pts(prev_total["score"], lang),
                    prev_rank=S.f("par_change_rank", rank=int(prev_total["rank"]), of=int(prev_total["rank_of"]))
                    if prk
                    else "",
                ),
                "cls": "",
            }
        )
    else:
        paras.append({"text": S.f("par_no_prev", prev=year - 1), "cls": "note"})
    lost = (fields["max_score"] - fields["score"]).round(2)
    order = lost[lost > 0].sort_values(ascending=False, kind="stable").index[:TOP_LOST]
    if len(order):
        items = [
            S.f(
                "par_lost_item",
                field=par_field_label(fields.loc[i], S),
                lost=pts(lost[i], lang),
                max=pts(fields.loc[i, "max_score"], lang),
            )
            for i in order
        ]
        paras.append({"text": S.f("par_lost", year=year, fields="; ".join(items)), "cls": ""})
    if len(prev_fields):
        ch = {
            i: float(fields.loc[i, "score"]) - float(prev_fields[fields.loc[i, "field"]])
            for i in fields.index
            if fields.loc[i, "field"] in prev_fields.index
        }
        moved = sorted((i for i in ch if round(ch[i], 2) != 0), key=lambda i: -abs(ch[i]))[:TOP_LOST]
        if moved:
            paras.append(
                {
                    "text": S.f(
                        "par_moved",
                        prev=year - 1,
                        fields="; ".join(
                            S.f(
                                "par_moved_item",
                                field=par_field_label(fields.loc[i], S),
                                change=fmt.signed(ch[i], lang, 2),
                            )
                            for i in moved
                        ),
                    ),
                    "cls": "",
                }
            )
    has_prev = len(prev_fields) > 0
    cols = [
        ("par_col_field", False),
        ("par_col_score", True),
        ("par_col_max", True),
        ("par_col_bar", False),
        ("par_col_lost", True),
    ] + ([("par_col_prev", True), ("par_col_change", True)] if has_prev else [])
    body = []
    for _, r in parts.iterrows():
        crit = r["kind"] == "criterion"
        label = S.f("par_criterion", criterion=r["criterion"]) if crit else par_field_label(r, S)
        mx = r["max_score"]
        cells = [
            {"text": label},
            {"text": pts(r["score"], lang), "num": True},
            {"text": pts(mx, lang), "num": True},
            {"svg": _bar(float(r["score"]), float(mx), S)} if not fmt.missing(mx) else {"text": fmt.DASH},
            {"text": pts(float(mx) - float(r["score"]), lang) if not fmt.missing(mx) else fmt.DASH, "num": True},
        ]
        if has_prev:
            p = prev_fields.get(r["field"]) if not crit else None
            cells += [
                {"text": pts(p, lang), "num": True},
                {"text": fmt.signed(float(r["score"]) - float(p), lang, 2) if p is not None else fmt.DASH, "num": True},
            ]
        body.append({"cells": cells, "cls": "criterion" if crit else ""})
    tcells = [
        {"text": S["par_total_row"]},
        {"text": pts(total["score"], lang), "num": True},
        {"text": pts(total["max_score"], lang), "num": True},
        {"svg": _bar(float(total["score"]), float(total["max_score"]), S)},
        {"text": pts(float(total["max_score"]) - float(total["score"]), lang), "num": True},
    ]
    if has_prev:
        tcells += [
            {"text": pts(prev_total["score"], lang), "num": True},  # type: ignore[index]
            {"text": fmt.signed(float(total["score"]) - float(prev_total["score"]), lang, 2), "num": True},
        ]  # type: ignore[index]
    body.append({"cells": tcells, "cls": "total"})
    table = render(
        "sections/table.html.j2",
        caption=S.f("par_caption", year=year, unit=unit_name),
        table_id=None,
        cls="par",
        columns=[
            {"label": S.f(k, prev=year - 1) if k == "par_col_prev" else S[k], "num": n, "sort": None} for k, n in cols
        ],
        rows=body,
        row_headers=True,
    )
    tables = [table, _history(rows, unit_name, S)]
    if rows["year"].nunique() > 1:
        tables.append(_fields_by_year(rows, unit_name, S))
    files = ", ".join(sorted({Path(str(f)).name for f in rows["source"]}))
    paras.append({"text": S.f("par_source", files=files), "cls": "note"})
    return Section(
        "par",
        render(
            "sections/block.html.j2",
            cls="par",
            id="par",
            title=S["par_title"],
            paragraphs=paras,
            tables=tables,
            download=None,
        ),
    )


def _history(rows: pd.DataFrame, unit_name: str, S: Strings) -> Markup:
    """Total, change on the year before, published rank and grade, by year (latest first)."""
    lang = S.lang
    hist = rows[rows["kind"] == "total"].sort_values("year", ascending=False)
    by_year = hist.set_index("year")["score"]
    hrows = [
        {
            "cells": [
                {"text": str(int(h["year"]))},
                {"text": pts(h["score"], lang), "num": True},
                {
                    "text": spts(h["score"] - by_year[h["year"] - 1], lang)
                    if h["year"] - 1 in by_year.index
                    else fmt.DASH,
                    "num": True,
                },
                {"text": published_rank_text(h) or fmt.DASH, "num": True},
                {"text": h["grade"] or fmt.DASH},
            ],
            "cls": "",
        }
        for _, h in hist.iterrows()
    ]
    return render(
        "sections/table.html.j2",
        caption=S.f("par_history_caption", unit=unit_name),
        table_id=None,
        cls="par-history",
        columns=[
            {"label": S[k], "num": n, "sort": None}
            for k, n in (
                ("par_col_year", False),
                ("par_col_total", True),
                ("par_col_change_prev", True),
                ("par_col_rank", True),
                ("par_col_grade", False),
            )
        ],
        rows=hrows,
        row_headers=True,
    )


def _fields_by_year(rows: pd.DataFrame, unit_name: str, S: Strings) -> Markup:
    """Each field's score by year (columns: years, oldest first), its maximum of the latest year."""
    lang = S.lang
    f = rows[rows["kind"] == "field"]
    years = sorted(int(y) for y in f["year"].unique())
    body = []
    for key in dict.fromkeys(f["field"]):
        mine = f[f["field"] == key]
        last = mine[mine["year"] == mine["year"].max()].iloc[0]
        by = mine.set_index("year")
        body.append(
            {
                "cells": [{"text": par_field_label(last, S)}, {"text": pts(last["max_score"], lang), "num": True}]
                + [{"text": pts(by.loc[y, "score"], lang) if y in by.index else fmt.DASH, "num": True} for y in years],
                "cls": "",
            }
        )
    cols = [
        {"label": S["par_col_field"], "num": False, "sort": None},
        {"label": S["par_col_max"], "num": True, "sort": None},
    ]
    cols += [{"label": str(y), "num": True, "sort": None} for y in years]
    return render(
        "sections/table.html.j2",
        caption=S.f("par_fields_years_caption", unit=unit_name),
        table_id=None,
        cls="par-fields-years",
        columns=cols,
        rows=body,
        row_headers=True,
    )
