"""The PAR index tables of a unit's report, and the points and labels they are written with.

Grain: the latest year's table has one row per field and criterion (score, maximum, an accessible bar,
points lost, and the previous year's score and change when there is one) and a total row; the history
has one row per year (total, change, published rank, grade); the fields-by-year table one row per field.
Quirk: points are written as the decisions write them ("73,34", "12", "18,5"), never padded to two
decimals; a rank is always the province's published one ("3/9"), never a modelled one.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
from markupsafe import Markup, escape

from motcua.numfmt import points as pts
from motcua.numfmt import signed_points as spts
from motcua.report import fmt
from motcua.report.html import render
from motcua.report.strings import Strings

#: the grades a PAR decision publishes, folded, → the key of their label in the strings catalog
_GRADES = {"xuat sac": "excellent", "tot": "good", "kha": "fair", "trung binh": "average", "yeu": "weak"}


def grade_label(grade: object, S: Strings) -> str:
    """A published PAR grade as the report's language says it ("Khá" → "Fairly good" in English); a grade not
    known is shown as published."""
    g = "" if grade is None or fmt.missing(grade) else str(grade).strip()
    if not g:
        return ""
    folded = "".join(
        c for c in unicodedata.normalize("NFD", g.replace("đ", "d").replace("Đ", "D")) if not unicodedata.combining(c)
    )
    key = _GRADES.get(" ".join(folded.lower().split()))
    return (S.get(f"par_grade_{key}") if key else None) or g


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


def published_rank_text(r: pd.Series) -> str | None:
    """The published rank as written ("3/9"), None without one."""
    if fmt.missing(r["rank"]) or fmt.missing(r["rank_of"]):
        return None
    return f"{int(r['rank'])}/{int(r['rank_of'])}"


def latest_year_table(
    parts: pd.DataFrame,
    total: pd.Series,
    prev_total: pd.Series | None,
    prev_fields: pd.Series,
    year: int,
    unit_name: str,
    S: Strings,
) -> Markup:
    """The latest year's fields and criteria against their maxima, with the previous year's field scores."""
    lang = S.lang
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
    return render(
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


def history_table(rows: pd.DataFrame, unit_name: str, S: Strings) -> Markup:
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
                {"text": grade_label(h["grade"], S) or fmt.DASH},
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


def fields_by_year_table(rows: pd.DataFrame, unit_name: str, S: Strings) -> Markup:
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
